"""NHS Digital Compendium: emergency readmissions within 30 days of discharge (I02040 / NHS OF 3b), CSV.

The compendium has no 65+ age band (its bands are All, <16, 16+, 16-74 and 75+), so it cannot give the
CQC's `readmissions_65`. Its All and 75+ rows are stored as two labelled proxies,
`readmissions_all_ages` and `readmissions_75`, for councils of residence, English regions and England
(PROVENANCE, "Official definitions found" (6)).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells, published
from loaders.csvread import missing_reason, numbers, read_table, value_missing_reason
from loaders.errors import Problems
from loaders.extract import Extract
from loaders.geography import area_type_for

LAYOUT = "nhsd_readmissions_compendium_csv"
REQUIRED = ["Year", "Breakdown", "Level", "Level description", "Age Breakdown", "Sex Breakdown",
            "Diagnosis/Procedure Breakdown", "Method", "Indicator value", "Numerator", "Denominator", "Banding"]
INDICATORS = {"all": "readmissions_all_ages", "75+": "readmissions_75"}
ENGLAND = "E92000001"
# Councils of residence, English regions and England: the areas the dashboard compares. Provider, CCG,
# deprivation and area-classification rows are other breakdowns and are left out.
AREA_TYPES = {"country", "region", "county", "unitary authority", "non-metropolitan district",
              "metropolitan district", "London borough"}
# "Trend" rows are standardised on the first year of the published series, so the years of one area
# can be compared with each other: the series an XmR chart needs. "Snapshot" rows are standardised on
# each year's own national rates; mixing the two would put a step in the series that is only method,
# so Snapshot rows are left out (and counted), never used as a fallback.
TREND = "Trend"
BANDING = {"B1": "better than expected (99.8% limits)", "B5": "better than expected (95% limits)",
           "W": "within the expected range", "A5": "worse than expected (95% limits)",
           "A1": "worse than expected (99.8% limits)"}


_CONFIDENCE = ["Lower CI (95%)", "Upper CI (95%)", "Lower CI (99.8%)", "Upper CI (99.8%)"]
KINDS = {"area_code": cells.ONS_CODE, "Indicator value": cells.NUMBER, **{c: cells.NUMBER for c in _CONFIDENCE},
         "Numerator": cells.AMOUNT, "Denominator": cells.AMOUNT, "Expected": cells.AMOUNT}


def looks_like_readmissions_csv(cells: list[str]) -> bool:
    # Recognised by its key columns, so a file missing another column gets "no column …".
    return {"Breakdown", "Level description", "Age Breakdown", "Indicator value"} <= set(cells)


def read_readmissions_csv(path: Path, file: str) -> Extract:
    """Trend-method rows for all ages and 75+, persons, all diagnoses, by council, region and England.

    Every other row of the compendium (other breakdowns, age bands, sexes, diagnosis groups, Snapshot
    rows) is left out and counted in `skipped`; a file with no row to store is refused.
    """
    frame = read_table(Path(path).read_bytes(), file, required=REQUIRED)
    level = cells.normalise_codes(frame["Level"])
    codes = level.where(level != "ENGLAND", ENGLAND)
    frame = frame.assign(area_code=codes)
    rows = published.RowFilter(frame)
    rows.keep(rows.frame["Method"].str.lower() == TREND.lower(), "Snapshot-method rows (the Trend series is kept)")
    rows.keep(rows.frame["area_code"].map(area_type_for).isin(AREA_TYPES)
              & rows.frame["area_code"].str.startswith("E"),
              "rows for providers, CCGs, deprivation or other breakdowns than councils, regions and England")
    rows.keep(published.age_band(rows.frame["Age Breakdown"]).isin(INDICATORS),
              "rows for age bands other than All and 75+")
    rows.keep(rows.frame["Sex Breakdown"].str.lower().isin(["persons", "person"]), "rows for Male or Female")
    rows.keep(rows.frame["Diagnosis/Procedure Breakdown"].str.lower() == "all",
              "rows for one diagnosis or procedure group")
    frame = rows.require_rows(file)

    # Every column of the rows kept is checked; rows left out are not stored, so are not judged.
    problems = Problems(file)
    cells.check_columns(frame, KINDS, file, problems)
    problems.raise_if_any()
    start, end = published.year_bounds(frame["Year"], file, "Year", calendar=False)
    value = numbers(frame, "Indicator value", file, minimum=0)
    published.refuse_first(value > 100, frame["Indicator value"], file, "Indicator value",
                           '"{value}" is above 100, impossible for a percentage')
    numerator = numbers(frame, "Numerator", file, minimum=0)
    # A blank value beside a "*" numerator is suppressed; a "*" numerator beside a published value
    # leaves the value standing, and the note says the count was withheld.
    said = value_missing_reason(frame, "Indicator value", "Numerator", value).where(value.isna())
    withheld = ("numerator " + missing_reason(frame, "Numerator")).where(value.notna() & numerator.isna())
    banding = frame["Banding"].map(lambda code: f"NHS Digital banding {code}: {BANDING[code]}"
                                   if code in BANDING else (f"NHS Digital banding {code}" if code else None))
    parts = [said, withheld, banding]
    if "Warnings" in frame:
        parts.append(("warning: " + frame["Warnings"]).where(frame["Warnings"] != ""))
    observations = pd.DataFrame({
        "indicator_id": published.age_band(frame["Age Breakdown"]).map(INDICATORS), "area_code": frame["area_code"],
        "period_start": start, "period_end": end, "numerator": numerator,
        "denominator": published.denominators(frame, "Denominator", file), "value": value,
        "value_note": published.join_notes(*parts), "source_row": frame.index,
    })
    return published.published_extract(LAYOUT, observations, frame["area_code"], frame["Level description"], rows,
                                        file, "Level", "rows repeating an area listed under another breakdown")
