"""CSV for download that a spreadsheet opens as data, never as formulas."""

from __future__ import annotations

import pandas as pd

# Cells starting with these characters are run as formulas by Excel, LibreOffice and Google Sheets
# (OWASP "CSV Injection"); a leading apostrophe makes them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; any other cell unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV with every text cell (and header) that could start a formula escaped."""
    out = frame.copy()
    out.columns = [escape_cell(str(column)) for column in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_cell)
    return out.to_csv(index=False).encode("utf-8")
