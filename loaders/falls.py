"""OHID Fingertips PHOF 22401, emergency admissions due to falls, 65+ (published values)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.csvread import missing_reason, numbers, read_table
from loaders.errors import LoadError
from loaders.extract import Extract, area_type_for, financial_year_bounds

COLUMNS = ["area_code", "area_name", "period", "value", "indicator", "measure", "unit", "significance"]
INDICATOR = "falls_admissions_65"


def looks_like_falls_csv(header: list[str]) -> bool:
    return set(COLUMNS) <= set(header)


def read_falls_csv(path: Path, file: str) -> Extract:
    """The Trafford Data Lab extract of PHOF 22401 (PROVENANCE section 7)."""
    frame = read_table(Path(path).read_bytes(), file, required=COLUMNS)
    wrong = ~frame["indicator"].str.contains("falls", case=False)
    if wrong.any():
        row = wrong.idxmax()
        raise LoadError(f'"{frame["indicator"][row]}" is not the falls indicator (PHOF 22401)',
                        file=file, row=int(row), column="indicator")
    bad_period = ~frame["period"].str.fullmatch(r"\d{4}/\d{2}")
    if bad_period.any():
        row = bad_period.idxmax()
        raise LoadError(f'"{frame["period"][row]}" is not a financial year written like 2017/18',
                        file=file, row=int(row), column="period")
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
