"""Delayed transfers of care (MSitDT, NHS England) into the `dtoc_18` indicator.

The stored numerator is the average number of delayed days per day (total delayed days ÷ days in the
month, NHS England's "DTOC beds"); the store divides it by the ONS 18+ population of the year the
month falls in, so a missing population shows as unavailable rather than a guess. Rows with no ONS
code ("Resident in Wales", "Resident in Scotland", "Resident outside GB") are not areas and are
left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.csvread import as_text, check_months, numbers, read_table
from loaders.extract import Extract, area_type_for, month_bounds

TIDY_COLUMNS = ["period", "ons_code_filled", "name", "region", "total_days"]
INDICATOR = "dtoc_18"


def looks_like_dtoc_csv(header: list[str]) -> bool:
    return {"period", "ons_code_filled", "total_days", "reason_total"} <= set(header)


def read_dtoc_csv(path: Path, file: str) -> Extract:
    """The tidy monthly local-authority DToC CSV (PROVENANCE section 1)."""
    frame = read_table(Path(path).read_bytes(), file, required=TIDY_COLUMNS)
    return dtoc_extract(frame, file, layout="nhse_dtoc_tidy_csv")


def dtoc_extract(frame: pd.DataFrame, file: str, layout: str) -> Extract:
    """Observations and areas from MSitDT rows (the tidy CSV's columns, as text or numbers)."""
    text = as_text(frame)
    check_months(text, "period", file)
    total_days = numbers(text, "total_days", file, whole=True, minimum=0)
    text = text[text["ons_code_filled"] != ""]
    total_days = total_days[text.index]
    start, end = month_bounds(text["period"])
    days_in_month = (end - start).dt.days + 1
    observations = pd.DataFrame({
        "indicator_id": INDICATOR,
        "area_code": text["ons_code_filled"],
        "period_start": start,
        "period_end": end,
        "numerator": total_days / days_in_month,
        "denominator": None,
        "value": None,
        "value_note": total_days.isna().map({True: "not available", False: None}),
        "source_row": text.index,
    })
    latest = text.sort_values("period").drop_duplicates("ons_code_filled", keep="last")
    areas = pd.DataFrame({
        "area_code": latest["ons_code_filled"],
        "area_name": latest["name"],
        "area_type": latest["ons_code_filled"].map(area_type_for),
        "region": latest["region"].where(~latest["region"].isin(["", "-"]), None),
    })
    return Extract(layout=layout, observations=observations.reset_index(drop=True), areas=areas)
