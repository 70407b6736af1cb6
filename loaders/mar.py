"""NHS England Monthly Activity Return, commissioner basis: non-elective admissions (a proxy)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import as_text, read_table
from loaders.errors import Problems
from loaders.extract import Extract, month_bounds
from loaders.repeats import report_repeats

NON_ELECTIVE = "Total Non-elective G&A Admissions (FFCEs)"
COLUMNS = ["period", "Org Code", "Org Name", NON_ELECTIVE]
INDICATOR = "nonelective_admissions_all_ccg"
ENGLAND = "E92000001"
ACTIVITY = ["Elective G&A Ordinary Admissions (FFCEs)", "Elective G&A Daycase Admissions (FFCEs)",
            "Elective G&A Total Admissions (FFCEs)", "Elective G&A Planned Ordinary Admissions (FFCEs)",
            "Elective G&A Planned Daycase Admissions (FFCEs)", "Elective G&A Planned Total Admissions (FFCEs)",
            "Elective G&A Admissions (FFCEs) -NHS Treatment Centres (TCs)", NON_ELECTIVE,
            "GP Referrals Made (All specialties)", "GP Referrals Seen (All specialties)",
            "GP Referrals Made (G&A)", "GP Referrals Seen (G&A)", "Other Referrals Made (G&A)",
            "All 1st Outpatient Attendances (G&A)"]
# As published: England November 2012 is 462003.1, so activity is an amount, not a whole count.
KINDS = {"period": cells.MONTH, "Org Code": cells.ODS_CODE, **{column: cells.AMOUNT for column in ACTIVITY}}


def looks_like_mar_csv(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def read_mar_csv(path: Path, file: str) -> Extract:
    """The tidy MAR extract (PROVENANCE section 4)."""
    frame = read_table(Path(path).read_bytes(), file, required=COLUMNS)
    return mar_extract(frame, file, layout="nhse_mar_tidy_csv")


def mar_extract(frame: pd.DataFrame, file: str, layout: str) -> Extract:
    """Observations and areas from MAR commissioner rows (the tidy CSV's columns)."""
    text = as_text(frame)
    codes = cells.normalise_codes(text["Org Code"])
    text["Org Code"] = codes.where(codes != "ENGLAND", "")
    problems = Problems(file)
    amounts = cells.check_columns(text, KINDS, file, problems)
    problems.flag(codes == "", "Org Code", "is blank; an organisation code is required")
    codes = codes.where(codes != "ENGLAND", ENGLAND)
    report_repeats(pd.DataFrame({"period": text["period"], "code": codes}), problems, "Org Code",
                   "month and organisation")
    problems.raise_if_any()
    admissions = amounts[NON_ELECTIVE]
    start, end = month_bounds(text["period"])
    observations = pd.DataFrame({
        "indicator_id": INDICATOR, "area_code": codes, "period_start": start, "period_end": end,
        "numerator": admissions, "denominator": None, "value": admissions,
        "value_note": admissions.isna().map({True: "not available", False: None}),
        "source_row": text.index,
    })
    latest = pd.DataFrame({"area_code": codes, "area_name": text["Org Name"], "period": text["period"]})
    latest = latest.sort_values("period").drop_duplicates("area_code", keep="last")
    areas = pd.DataFrame({"area_code": latest["area_code"], "area_name": latest["area_name"],
                          "area_type": latest["area_code"].map(lambda c: "country" if c == ENGLAND else "CCG"),
                          "region": None})
    return Extract(layout=layout, observations=observations.reset_index(drop=True), areas=areas)
