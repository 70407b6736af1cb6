"""OHID Fingertips PHOF 22401, emergency admissions due to falls, 65+ (published values)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import missing_reason, numbers, read_table
from loaders.errors import Problems
from loaders.extract import Extract, financial_year_bounds
from loaders.geography import area_type_for
from loaders.repeats import report_repeats

COLUMNS = ["area_code", "area_name", "period", "value", "indicator", "measure", "unit", "significance"]
INDICATOR = "falls_admissions_65"
KINDS = {"area_code": cells.ONS_CODE, "period": cells.FINANCIAL_YEAR, "value": cells.AMOUNT}


def looks_like_falls_csv(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def read_falls_csv(path: Path, file: str) -> Extract:
    """The Trafford Data Lab extract of PHOF 22401 (PROVENANCE section 7)."""
    frame = read_table(Path(path).read_bytes(), file, required=COLUMNS)
    frame["area_code"] = cells.normalise_codes(frame["area_code"])
    problems = Problems(file)
    cells.check_columns(frame, KINDS, file, problems)
    problems.flag(~frame["indicator"].str.contains("falls", case=False), "indicator",
                  '"{value}" is not the falls indicator (PHOF 22401)', frame["indicator"])
    problems.flag(frame["period"] == "", "period", "is blank; a financial year like 2017/18 is required")
    problems.flag(frame["area_code"] == "", "area_code", "is blank; an area code is required")
    report_repeats(frame[["area_code", "period"]], problems, "period", "area and period")
    problems.raise_if_any()
    value = numbers(frame, "value", file, minimum=0)
    start, end = financial_year_bounds(frame["period"])
    note = missing_reason(frame, "value")
    published = "Fingertips compared with England: " + frame["significance"]
    observations = pd.DataFrame({
        "indicator_id": INDICATOR, "area_code": frame["area_code"], "period_start": start,
        "period_end": end, "numerator": None, "denominator": None, "value": value,
        "value_note": note.where(note.notna(), published), "source_row": frame.index,
    })
    areas = frame.drop_duplicates("area_code", keep="last")
    areas = pd.DataFrame({"area_code": areas["area_code"], "area_name": areas["area_name"],
                          "area_type": areas["area_code"].map(area_type_for), "region": None})
    return Extract(layout="fingertips_falls_csv", observations=observations.reset_index(drop=True),
                   areas=areas)
