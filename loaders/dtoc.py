"""Delayed transfers of care (MSitDT, NHS England) into the `dtoc_18` indicator.

The stored numerator is the average number of delayed days per day (total delayed days ÷ days in the
month, NHS England's "DTOC beds"); the store divides it by the ONS 18+ population of the year the
month falls in, so a missing population shows as unavailable rather than a guess. Rows with no ONS
code ("Resident in Wales", "Resident in Scotland", "Resident outside GB") are not areas and are
left out.

Every column of the file is checked, and the file's own arithmetic must hold: total delayed days =
acute + non-acute = NHS + social care + both = the reasons' total = the sum of the reasons.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders import cells
from loaders.csvread import as_text, read_table
from loaders.errors import Problems
from loaders.extract import Extract, month_bounds
from loaders.geography import area_type_for
from loaders.repeats import report_repeats

TIDY_COLUMNS = ["period", "ons_code_filled", "name", "region", "total_days"]
INDICATOR = "dtoc_18"
REASONS = ["reason_A", "reason_B", "reason_C", "reason_DI", "reason_DII", "reason_E", "reason_F", "reason_G",
           "reason_H", "reason_I"]
# reason_O ("other") was added in later years; blank in the early files.
OPTIONAL_REASONS = ["reason_O"]
KINDS = {
    "period": cells.MONTH, "ons_code": cells.ONS_CODE, "ons_code_filled": cells.ONS_CODE,
    **{f"{part}_days": cells.COUNT for part in ("acute", "non_acute", "total", "nhs", "social_care", "both")},
    **{f"{part}_beds": cells.AMOUNT for part in ("acute", "non_acute", "total", "nhs", "social_care", "both")},
    **{reason: cells.COUNT for reason in [*REASONS, *OPTIONAL_REASONS, "reason_total"]},
}
# Each: the column that must equal the sum of the others, where the file has them all.
SUMS = [("total_days", ["acute_days", "non_acute_days"]),
        ("total_days", ["nhs_days", "social_care_days", "both_days"]),
        ("total_days", ["reason_total"])]


def looks_like_dtoc_csv(header: list[str]) -> bool:
    return {"period", "ons_code_filled", "total_days", "reason_total"} <= set(header)


def read_dtoc_csv(path: Path, file: str) -> Extract:
    """The tidy monthly local-authority DToC CSV (PROVENANCE section 1)."""
    frame = read_table(Path(path).read_bytes(), file, required=TIDY_COLUMNS)
    return dtoc_extract(frame, file, layout="nhse_dtoc_tidy_csv")


def _check_sums(text: pd.DataFrame, counted: dict[str, pd.Series], problems: Problems) -> None:
    """The file's totals agree with their parts, row by row, where every figure is given."""
    checks = list(SUMS)
    if set(REASONS) <= set(counted) and "reason_total" in counted:
        checks.append(("reason_total", [*REASONS, *[r for r in OPTIONAL_REASONS if r in counted]]))
    for total, parts in checks:
        if not {total, *parts} <= set(counted):
            continue
        given = counted[total]
        required = [counted[p] for p in parts if p not in OPTIONAL_REASONS]
        added = sum(counted[p].fillna(0) if p in OPTIONAL_REASONS else counted[p] for p in parts)
        complete = given.notna() & pd.concat(required, axis=1).notna().all(axis=1)
        shown = text[total] + '" but ' + " + ".join(parts) + " = " + added.map("{:.0f}".format)
        problems.flag(complete & (added != given), total,
                      '"{value}, and the file\'s totals must agree with their parts', shown)


def dtoc_extract(frame: pd.DataFrame, file: str, layout: str) -> Extract:
    """Observations and areas from MSitDT rows (the tidy CSV's columns, as text or numbers)."""
    text = as_text(frame)
    text["ons_code_filled"] = cells.normalise_codes(text["ons_code_filled"])
    problems = Problems(file)
    counted = cells.check_columns(text, KINDS, file, problems)
    _check_sums(text, counted, problems)
    coded = text[text["ons_code_filled"] != ""]
    report_repeats(coded[["period", "ons_code_filled"]], problems, "ons_code_filled", "month and area")
    problems.raise_if_any()
    total_days = counted["total_days"][coded.index]
    text = coded
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
