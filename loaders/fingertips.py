"""OHID Fingertips "Export table/CSV" and the API's all_data/csv/by_indicator_id download.

Which Fingertips indicators the dashboard stores, and as which of its indicators, is reviewed data: the
`fingertips_indicator_id` column of data/indicators.csv (22401 is `falls_admissions_65`). Values are
stored as published (age-standardised rates stay as Fingertips computed them), with Count and
Denominator as numerator and denominator; blank or suppressed values stay missing, with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells, published
from loaders.csvread import MISSING_TOKENS, missing_reason, numbers, read_table
from loaders.errors import Problems
from loaders.extract import Extract
from store.settings import PROJECT_ROOT

LAYOUT = "fingertips_export_csv"
INDICATORS_CSV = PROJECT_ROOT / "data" / "indicators.csv"
COMPARED = "Compared to England value or percentiles"
REQUIRED = ["Indicator ID", "Area Code", "Area Name", "Sex", "Age", "Category Type", "Time period", "Value",
            "Count", "Denominator", "Value note", COMPARED]
# The dashboard's indicators are for everyone, so the "Persons" rows are its values; Male and Female
# rows are breakdowns of them, as are other age groups than the indicator's own.
PERSONS = "Persons"
_CONFIDENCE = ["Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit"]
KINDS = {"Area Code": cells.ONS_CODE, "Value": cells.NUMBER, **{column: cells.NUMBER for column in _CONFIDENCE},
         "Count": cells.AMOUNT, "Denominator": cells.AMOUNT, "Time period Sortable": cells.COUNT}


def looks_like_fingertips_csv(cells: list[str]) -> bool:
    # Recognised by its key columns, so a download missing another column gets "no column …".
    return {"Indicator ID", "Indicator Name", "Area Code", "Time period"} <= set(cells)


def tracked_indicators(path: Path = INDICATORS_CSV) -> pd.DataFrame:
    """The store's indicator_id and age_band of each Fingertips indicator ID the dashboard stores."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                        usecols=["indicator_id", "age_band", "fingertips_indicator_id"])
    return frame[frame["fingertips_indicator_id"] != ""].set_index("fingertips_indicator_id")


def read_fingertips_csv(path: Path, file: str) -> Extract:
    """The rows of a Fingertips download for the indicators the dashboard stores.

    Rows the dashboard does not store are left out and counted in `skipped`, not refused: a Fingertips
    download is a whole indicator (or a whole profile) with every sub-breakdown (Category Type such as
    deprivation deciles), sex and age group, so refusing them would refuse every real download, and
    nothing in them is wrong. A file with no row to store is refused.
    """
    frame = read_table(Path(path).read_bytes(), file, required=REQUIRED)
    tracked = tracked_indicators()
    rows = published.RowFilter(frame)
    rows.keep(rows.frame["Indicator ID"].isin(tracked.index), "rows for indicators the dashboard does not track")
    rows.keep(rows.frame["Category Type"] == "", "sub-breakdown rows (Category Type not blank)")
    wanted_age = published.age_band(rows.frame["Indicator ID"].map(tracked["age_band"]))
    rows.keep((rows.frame["Sex"] == PERSONS) & (published.age_band(rows.frame["Age"]) == wanted_age),
              "rows for a sex or age group other than the indicator's")
    frame = rows.require_rows(file)

    # Every column of the rows kept is checked; rows left out are not stored, so are not judged.
    frame = frame.assign(**{"Area Code": cells.normalise_codes(frame["Area Code"])})
    problems = Problems(file)
    cells.check_columns(frame, KINDS, file, problems)
    problems.raise_if_any()
    published.refuse_first(frame["Area Code"] == "", frame["Area Code"], file, "Area Code",
                           "is blank; an area code is required")
    start, end = published.year_bounds(frame["Time period"], file, "Time period")
    value = numbers(frame, "Value", file)
    count = numbers(frame, "Count", file, minimum=0)
    fingertips_note = frame["Value note"].where(frame["Value note"] != "")
    said = missing_reason(frame, "Value").where(value.isna())
    # Fingertips leaves a suppressed value blank and says why in "Value note".
    suppressed = said.eq(MISSING_TOKENS[""]) & fingertips_note.str.contains("suppress", case=False, na=False)
    said = said.where(~suppressed, MISSING_TOKENS["*"])
    compared = ("Fingertips compared with England: " + frame[COMPARED]).where(value.notna() & (frame[COMPARED] != ""))
    observations = pd.DataFrame({
        "indicator_id": frame["Indicator ID"].map(tracked["indicator_id"]), "area_code": frame["Area Code"],
        "period_start": start, "period_end": end, "numerator": count,
        "denominator": published.denominators(frame, "Denominator", file), "value": value,
        "value_note": published.join_notes(said, compared, fingertips_note), "source_row": frame.index,
    })
    return published.published_extract(LAYOUT, observations, frame["Area Code"], frame["Area Name"], rows, file,
                                        "Area Code", "rows repeating an area listed under another area type")
