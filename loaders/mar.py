"""NHS England Monthly Activity Return, commissioner basis: non-elective admissions (a proxy)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.csvread import as_text, check_months, numbers, read_table
from loaders.errors import LoadError
from loaders.extract import Extract, month_bounds

NON_ELECTIVE = "Total Non-elective G&A Admissions (FFCEs)"
COLUMNS = ["period", "Org Code", "Org Name", NON_ELECTIVE]
INDICATOR = "nonelective_admissions_all_ccg"
ENGLAND = "E92000001"


def looks_like_mar_csv(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def read_mar_csv(path: Path, file: str) -> Extract:
    """The tidy MAR extract (PROVENANCE section 4)."""
    frame = read_table(Path(path).read_bytes(), file, required=COLUMNS)
    return mar_extract(frame, file, layout="nhse_mar_tidy_csv")


def mar_extract(frame: pd.DataFrame, file: str, layout: str) -> Extract:
    """Observations and areas from MAR commissioner rows (the tidy CSV's columns)."""
    text = as_text(frame)
    check_months(text, "period", file)
    # As published: England November 2012 is 462003.1, so whole numbers are not enforced.
    admissions = numbers(text, NON_ELECTIVE, file, minimum=0)
    codes = text["Org Code"].where(text["Org Code"].str.upper() != "ENGLAND", ENGLAND)
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
    if (codes == "").any():
        row = (codes == "").idxmax()
        raise LoadError("is blank; an organisation code is required", file=file, row=int(row),
                        column="Org Code")
    return Extract(layout=layout, observations=observations.reset_index(drop=True), areas=areas)
