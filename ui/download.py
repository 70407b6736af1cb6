"""Downloads a spreadsheet opens as data, never as formulas: CSV and .xlsx built from frames.

Pure functions (no Streamlit), so any page, command or test can build the same bytes. Streamlit's own
"Download as CSV" on tables is turned off in `.streamlit/config.toml` (`client.disableDataExport`), so
these are the only way data leaves the dashboard as a file.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# Cells starting with these characters are run as formulas by Excel, LibreOffice and Google Sheets
# (OWASP "CSV Injection"); a leading apostrophe makes them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def escape_cell(value: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; any other cell unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and heading that could start a formula escaped.

    Numeric, date and boolean columns are left as they are, so numbers stay numbers.
    """
    out = frame.copy()
    out.columns = [escape_cell(str(column)) for column in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column) or isinstance(column.dtype,
                                                                                      pd.CategoricalDtype):
            out.isetitem(position, column.astype(object).map(escape_cell))
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV with every text cell (and heading) that could start a formula escaped.

    Rows end in CRLF (RFC 4180), which also makes the writer quote any cell holding a lone CR or LF,
    so a note cannot start a row of its own.
    """
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _xlsx_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars: openpyxl wants plain Python numbers
    if isinstance(value, (int, float, bool, date, datetime)):
        return value
    # Characters XML cannot hold would make openpyxl refuse the whole workbook.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _write_cell(sheet, row: int, column: int, value: object):
    cell = sheet.cell(row=row, column=column)
    value = _xlsx_value(value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl makes any text starting "=" a formula (and "#N/A" an error): force a text cell, and
        # quote-prefix it so Excel keeps it text even when someone edits the cell.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = _DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = _DATE_FORMAT
    return cell


def safe_xlsx(sheets: Mapping[str, pd.DataFrame], *, titles: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx with one sheet per frame, in order, where no cell is a formula.

    Each sheet has its frame's headings in bold, then its rows; a sheet named in `titles` has that
    title in its first row, above the headings. Text is always a text cell, whatever it starts with
    (text read from an imported workbook included); numbers, dates and blanks keep their types.
    """
    titles = titles or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(name)
        row = 1
        if name in titles:
            _write_cell(sheet, row, 1, titles[name])
            row += 1
        for column, heading in enumerate(frame.columns, start=1):
            _write_cell(sheet, row, column, str(heading)).font = Font(bold=True)
        for values in frame.itertuples(index=False, name=None):
            row += 1
            for column, value in enumerate(values, start=1):
                _write_cell(sheet, row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
