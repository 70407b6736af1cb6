"""The project's own tidy template: one row per indicator, area and period.

Columns (documented in the README; example in data/templates/):
`indicator_id, area_code, area_name, period_start, period_end, numerator, denominator, value, value_note`.
`area_name`, `numerator`, `denominator`, `value` and `value_note` may be blank. When numerator and
denominator are both given, the value is computed from them with the indicator's multiplier, and a
value written in the file must agree with it to the decimals written. Suppressed cells (`*`, `-`,
`..`, blank) are stored as missing with the reason, never as 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.csvread import dates, numbers, read_table, value_missing_reason
from loaders.errors import LoadError
from loaders.extract import Extract, StoreContext

REQUIRED = ["indicator_id", "area_code", "period_start", "period_end"]
OPTIONAL = ["area_name", "numerator", "denominator", "value", "value_note"]
COLUMNS = REQUIRED + OPTIONAL
_FORMULA = re.compile(r"[=+@\t\r]|-[^\d.]")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


def looks_like_tidy_csv(header: list[str]) -> bool:
    # Recognised by its two key columns, so a file missing another gets "no column …", not "unknown".
    return {"indicator_id", "area_code"} <= set(header)


def reject_unsafe_text(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    """Refuse text a spreadsheet would run as a formula, or a browser as markup."""
    for column in columns:
        if column not in frame:
            continue
        text = frame[column].astype("str")
        formula = text.str.match(_FORMULA) & (text != "-")
        if formula.any():
            row = formula.idxmax()
            raise LoadError(f'"{text[row][:40]}" starts like a spreadsheet formula; remove the leading '
                            f'"{text[row][0]}"', file=file, row=int(row), column=column)
        markup = text.str.contains(_MARKUP)
        if markup.any():
            row = markup.idxmax()
            raise LoadError("contains HTML or script markup, which is not allowed", file=file,
                            row=int(row), column=column)


def _decimals(text: pd.Series) -> pd.Series:
    fraction = text.str.extract(r"\.(\d+)$", expand=False)
    return fraction.str.len().fillna(0).astype(int)


def read_tidy_csv(path: Path, file: str, context: StoreContext) -> Extract:
    """Validate and read a tidy template CSV against the indicators the store knows."""
    frame = read_table(Path(path).read_bytes(), file, required=REQUIRED, optional=OPTIONAL,
                       allow_extra=False)
    if frame.empty:
        raise LoadError("has a header but no rows", file=file)
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    reject_unsafe_text(frame, ["indicator_id", "area_code", "area_name", "value_note"], file)
    for column in ("indicator_id", "area_code"):
        blank = frame[column] == ""
        if blank.any():
            raise LoadError("is blank; a value is required", file=file, row=int(blank.idxmax()),
                            column=column)
    unknown = ~frame["indicator_id"].isin(context.indicators.index)
    if unknown.any():
        row = unknown.idxmax()
        raise LoadError(f'"{frame["indicator_id"][row]}" is not a known indicator (known: '
                        f'{", ".join(context.indicators.index)})', file=file, row=int(row),
                        column="indicator_id")
    start = dates(frame, "period_start", file)
    end = dates(frame, "period_end", file)
    backwards = end < start
    if backwards.any():
        row = backwards.idxmax()
        raise LoadError("is before period_start", file=file, row=int(row), column="period_end")
    numerator = numbers(frame, "numerator", file, minimum=0)
    denominator = numbers(frame, "denominator", file)
    zero = denominator.notna() & (denominator <= 0)
    if zero.any():
        row = zero.idxmax()
        raise LoadError(f'"{frame["denominator"][row]}" must be above 0', file=file, row=int(row),
                        column="denominator")
    given = numbers(frame, "value", file)
    multiplier = frame["indicator_id"].map(context.indicators["multiplier"]).astype(float)
    computed = numerator / denominator * multiplier
    tolerance = 0.5 * 10.0 ** -_decimals(frame["value"]) + 1e-9 * computed.abs()
    disagrees = given.notna() & computed.notna() & ((given - computed).abs() > tolerance)
    if disagrees.any():
        row = disagrees.idxmax()
        raise LoadError(f'"{frame["value"][row]}" does not equal numerator ÷ denominator × '
                        f"{multiplier[row]:g} ({computed[row]:.6g})", file=file, row=int(row),
                        column="value")
    value = computed.where(computed.notna(), given)
    nothing = value.isna() & numerator.isna()
    said = value_missing_reason(frame, "value", "numerator", value)
    note = said.where(frame["value_note"] == "", frame["value_note"])
    note = note.where(~nothing | note.notna(), "blank")
    duplicated = pd.DataFrame({"i": frame["indicator_id"], "a": frame["area_code"], "p": start}).duplicated()
    if duplicated.any():
        row = duplicated.idxmax()
        raise LoadError("repeats an indicator, area and period_start already given above", file=file,
                        row=int(row), column="period_start")
    observations = pd.DataFrame({
        "indicator_id": frame["indicator_id"], "area_code": frame["area_code"],
        "period_start": start, "period_end": end, "numerator": numerator, "denominator": denominator,
        "value": value, "value_note": note.replace({np.nan: None}), "source_row": frame.index,
    })
    # Areas must already be known to the store; area_name is there for the person reading the file.
    return Extract(layout="tidy_template_csv", observations=observations.reset_index(drop=True))
