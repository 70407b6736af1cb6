"""The project's own tidy template: one row per indicator, area and period.

Columns (documented in the README; example in data/templates/):
`indicator_id, area_code, area_name, period_start, period_end, numerator, denominator, value, value_note`.
`area_name`, `numerator`, `denominator`, `value` and `value_note` may be blank. When numerator and
denominator are both given, the value is computed from them with the indicator's multiplier, and a
value written in the file must agree with it to the decimals written. Suppressed cells (`*`, `-`,
`..`, blank) are stored as missing with the reason, never as 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders import cells, tidy_arrow
from loaders.csvread import read_table, value_missing_reason
from loaders.errors import LoadError, Problems
from loaders.extract import Extract, StoreContext, lookup
from loaders.repeats import report_repeats

REQUIRED = ["indicator_id", "area_code", "period_start", "period_end"]
OPTIONAL = ["area_name", "numerator", "denominator", "value", "value_note"]
COLUMNS = REQUIRED + OPTIONAL
# The template's example rows use this area, which exists nowhere else: uploaded unchanged, they are refused.
TEMPLATE_AREA_CODE = "E99999999"
# What each column holds; area_name and value_note are text like any column not named here.
KINDS = {"indicator_id": cells.TEXT, "area_code": cells.ONS_OR_ODS, "period_start": cells.DATE,
         "period_end": cells.DATE, "numerator": cells.AMOUNT, "denominator": cells.NUMBER,
         "value": cells.NUMBER}


def looks_like_tidy_csv(header: list[str]) -> bool:
    # Recognised by its two key columns, so a file missing another gets "no column …", not "unknown".
    return {"indicator_id", "area_code"} <= set(header)


def _decimals(text: pd.Series) -> pd.Series:
    """How many decimals each number was written with ("28.10" has 2)."""
    cells = pa.array(text.astype("str"), type=pa.large_string())
    point = pc.find_substring(cells, ".").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(cells).to_numpy(zero_copy_only=False)
    return pd.Series(np.where(point >= 0, length - point - 1, 0), index=text.index)


def read_tidy_csv(path: Path, file: str, context: StoreContext) -> Extract:
    """Validate and read a tidy template CSV against the indicators and areas the store knows.

    Every cell is checked; a LoadError lists every problem found, row by row. A large plain file is
    checked with Arrow compute (loaders/tidy_arrow.py); any other, or one with a problem, cell by cell here.
    """
    checked = tidy_arrow.read_checked(path, REQUIRED, COLUMNS, context, frozenset({TEMPLATE_AREA_CODE}))
    if checked is None:
        return _extract(*_read_every_cell(path, file, context))
    frame, read = checked
    for column in ("numerator", "denominator", "value", "value_note"):  # what _extract reads
        if column not in read and column in KINDS:
            read[column] = pd.Series(np.nan, index=frame.index, dtype="float64")
        if column not in frame and column != "denominator":
            frame[column] = ""
    # Arrow compute has made every check pipeline.validate makes, as well as this reader's.
    return _extract(frame, read, _computed(frame, read, context)[1], validated=True)


def _computed(frame: pd.DataFrame, read: dict[str, pd.Series], context: StoreContext) -> tuple[pd.Series, pd.Series]:
    """Each row's multiplier, and its value computed from numerator and denominator (NaN without both)."""
    multiplier = lookup(frame["indicator_id"], context.indicators["multiplier"]).astype(float)
    return multiplier, read["numerator"] / read["denominator"] * multiplier


def _read_every_cell(path: Path, file: str, context: StoreContext
                     ) -> tuple[pd.DataFrame, dict[str, pd.Series], pd.Series]:
    """The file's cells (text, index = spreadsheet row), its numbers and dates, and each row's value computed
    from its counts (checked against the value written), or a LoadError listing every problem found, row by row."""
    frame = read_table(Path(path).read_bytes(), file, required=REQUIRED, optional=OPTIONAL,
                       allow_extra=False)
    if frame.empty:
        raise LoadError("has a header but no rows", file=file)
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    problems = Problems(file)
    frame["area_code"] = cells.normalise_codes(frame["area_code"])
    read = cells.check_columns(frame, KINDS, file, problems)
    for column in ("indicator_id", "area_code"):
        problems.flag(frame[column] == "", column, "is blank; a value is required")
    template_rows = frame["area_code"] == TEMPLATE_AREA_CODE
    if template_rows.all():
        raise LoadError("is the downloadable template with only its example rows (area code "
                        f"{TEMPLATE_AREA_CODE}, which exists nowhere); replace them with your own rows, then "
                        "upload it", file=file)
    problems.flag(template_rows, "area_code", f'"{TEMPLATE_AREA_CODE}" is the template\'s example area, '
                  "not a real one; replace the example rows with your own before uploading")
    problems.flag((frame["indicator_id"] != "") & ~frame["indicator_id"].isin(context.indicators.index),
                  "indicator_id", f'"{{value}}" is not a known indicator (known: '
                  f'{", ".join(context.indicators.index)})', frame["indicator_id"])
    start, end = read["period_start"], read["period_end"]
    problems.flag(end < start, "period_end", "is before period_start")
    denominator = read["denominator"]
    problems.flag(denominator.notna() & (denominator <= 0), "denominator", '"{value}" must be above 0',
                  frame["denominator"])
    given = read["value"]
    multiplier, computed = _computed(frame, read, context)
    tolerance = 0.5 * 10.0 ** -_decimals(frame["value"]) + 1e-9 * computed.abs()
    disagrees = given.notna() & computed.notna() & ((given - computed).abs() > tolerance)
    for row in disagrees.index[disagrees.to_numpy()][: problems.limit]:
        problems.add(f'"{frame["value"][row]}" does not equal numerator ÷ denominator × '
                     f"{multiplier[row]:g} ({computed[row]:.6g})", row=int(row), column="value")
    keys = pd.DataFrame({"i": frame["indicator_id"], "a": frame["area_code"], "p": start})
    report_repeats(keys, problems, "period_start", "indicator, area and period_start")
    problems.raise_if_any()
    return frame, read, computed


def _extract(frame: pd.DataFrame, read: dict[str, pd.Series], computed: pd.Series, *,
             validated: bool = False) -> Extract:
    """The checked rows in the store's shape: the value `computed` from its counts where both are given,
    and each missing value's reason."""
    start, end = read["period_start"], read["period_end"]
    numerator, denominator, given = read["numerator"], read["denominator"], read["value"]
    value = computed.where(computed.notna(), given)
    nothing = value.isna() & numerator.isna()
    # A note written in the file, else the reason the value is missing; a row with nothing at all is blank.
    note = value_missing_reason(frame, "value", "numerator", value).to_numpy(copy=True)
    written = ~(frame["value_note"] == "").to_numpy(dtype=bool, na_value=False)
    if written.any():  # only the rows with a note of their own become Python strings
        note[written] = frame["value_note"][written].to_numpy(dtype=object, na_value=None)
    empty = np.flatnonzero(nothing.to_numpy())  # looked at alone: a million cells asked "missing?" cost more
    note[empty[pd.isna(note[empty])]] = "blank"
    observations = pd.DataFrame({
        "indicator_id": frame["indicator_id"], "area_code": frame["area_code"],
        "period_start": start, "period_end": end, "numerator": numerator, "denominator": denominator,
        "value": value, "value_note": pd.Series(note, index=frame.index, dtype=object), "source_row": frame.index,
    })
    # Areas must already be known to the store; area_name is there for the person reading the file.
    return Extract(layout="tidy_template_csv", observations=observations.reset_index(drop=True),
                   validated=validated)
