"""NHS England's statistical spreadsheets, read safely: .xls (xlrd) and .xlsx (openpyxl, read-only, streamed).

The generic layer every spreadsheet layout uses (delayed transfers, the Monthly Activity Return): a
workbook opened once, its sheets as cells, limits on unpacked size, rows and columns checked before the
work grows, and the metadata block (labels in B2:B11, values in C2:C11) that NHS England's files share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import xlrd

from loaders.errors import LoadError, quoted

HEADER_ROW = 14  # sheet row of the column headers in NHS England's statistical files
METADATA_ROWS = range(2, 12)  # labels in B2:B11, values in C2:C11
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


# --- workbook access (.xls through xlrd; .xlsx through openpyxl) --------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls: BIFF inside an OLE2 compound file
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx: a zip package

Cell = str | float | bool | dt.datetime | None

# NHS England's monthly files have a few hundred rows and under a hundred columns; these limits are
# far above any real one and far below what ties up the upload. A zip (.xlsx) is measured from its
# directory before a byte is unpacked: a 244 KB file whose sheet unpacks to 76 MB is refused at once.
MAX_UNPACKED_MB = 64
MAX_COMPRESSION_RATIO = 200
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 300


def check_zip(path: str | Path, file: str) -> None:
    """Refuse an .xlsx whose parts would unpack to more than MAX_UNPACKED_MB, or compress suspiciously."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(f"cannot be read as an Excel workbook: {exc}", file=file) from exc
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise LoadError(f"unpacks to {unpacked / 1024 / 1024:,.0f} MB, above the {MAX_UNPACKED_MB} MB limit "
                        "for a workbook; it is not a file these layouts publish", file=file)
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO \
                and member.file_size > 1024 * 1024:
            ratio = member.file_size // member.compress_size
            raise LoadError(f'has a part ("{quoted(member.filename)}") that unpacks {ratio:,} times larger than '
                            "it is stored, as a zip bomb does; it is not read", file=file)


def _check_size(file: str, name: str, rows: int, columns: int) -> None:
    """Refuse a sheet with more rows or columns than any file of these layouts has."""
    if rows > MAX_SHEET_ROWS:
        raise LoadError(f"has more than {MAX_SHEET_ROWS:,} rows, the limit for these layouts", file=file,
                        sheet=name)
    if columns > MAX_SHEET_COLUMNS:
        raise LoadError(f"has more than {MAX_SHEET_COLUMNS} columns, the limit for these layouts", file=file,
                        sheet=name)


class Sheet:
    """One sheet as rows of plain values: text (stripped), numbers as float, None when empty."""

    def __init__(self, file: str, name: str, rows: list[list[Cell]]) -> None:
        self.file = file
        self.name = name
        self._rows = rows
        self.nrows = len(rows)

    def row(self, r: int) -> list[Cell]:
        """Sheet row r (1-based, as a person sees it)."""
        return self._rows[r - 1] if 1 <= r <= self.nrows else []

    def cell(self, r: int, col: int) -> Cell:
        row = self.row(r)
        return row[col] if col < len(row) else None

    def header(self, col: int) -> str:
        value = self.cell(HEADER_ROW, col)
        return value if isinstance(value, str) else f"column {col + 1}"


class Workbook:
    """An Excel workbook opened by content (.xls or .xlsx), whatever the file is called."""

    def __init__(self, path: str | Path, file: str) -> None:
        self.file = file
        try:
            with open(path, "rb") as f:
                magic = f.read(8)
        except OSError as exc:
            raise LoadError(f"cannot be opened: {exc.strerror or exc}", file=file) from exc
        try:
            if magic.startswith(_OLE2_MAGIC):
                self._xls = xlrd.open_workbook(str(path), on_demand=True)
                self._xlsx = None
                self.names = self._xls.sheet_names()
            elif magic.startswith(_ZIP_MAGIC):
                import openpyxl  # only needed for .xlsx copies

                check_zip(path, file)
                self._xls = None
                self._xlsx = openpyxl.load_workbook(path, read_only=True, data_only=True)
                self.names = self._xlsx.sheetnames
            else:
                raise LoadError("is not an Excel workbook (.xls or .xlsx)", file=file)
        except LoadError:
            raise
        except Exception as exc:  # xlrd and openpyxl raise many types for damaged files
            raise LoadError(f"cannot be read as an Excel workbook: {exc}", file=file) from exc

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._xls is not None:
            self._xls.release_resources()
        if self._xlsx is not None:
            self._xlsx.close()

    def _actual_name(self, wanted: str) -> str | None:
        # Capitalisation varies between years ("LA - by Type of Care" in 2014).
        return next((n for n in self.names if norm(n) == norm(wanted)), None)

    def has_sheet(self, wanted: str) -> bool:
        return self._actual_name(wanted) is not None

    def sheet(self, wanted: str, max_rows: int | None = None) -> Sheet:
        """The sheet's rows (only the first `max_rows` when given: enough to recognise a layout)."""
        name = self._actual_name(wanted)
        if name is None:
            raise LoadError(f'has no sheet "{wanted}"; its sheets are {", ".join(self.names)}',
                            file=self.file, sheet=wanted)
        if self._xls is not None:
            sheet = self._xls.sheet_by_name(name)
            _check_size(self.file, name, sheet.nrows, sheet.ncols)
            rows = _xls_rows(self._xls, sheet, max_rows)
        else:
            rows = _xlsx_rows(self.file, name, self._xlsx[name], max_rows)
        return Sheet(self.file, name, rows)


def _xlsx_rows(file: str, name: str, sheet, max_rows: int | None) -> list[list[Cell]]:
    """Rows streamed from the sheet's XML, stopping as soon as a limit is passed."""
    rows: list[list[Cell]] = []
    for row in sheet.iter_rows(values_only=True, max_col=MAX_SHEET_COLUMNS + 1):
        if max_rows is not None and len(rows) >= max_rows:
            break
        wide = len(row) > MAX_SHEET_COLUMNS and row[MAX_SHEET_COLUMNS] is not None
        if len(rows) >= MAX_SHEET_ROWS or wide:
            _check_size(file, name, len(rows) + 1, len(row) if wide else 0)
        rows.append([_plain(v) for v in row[:MAX_SHEET_COLUMNS]])
    return rows


def _xls_rows(book: xlrd.Book, sheet: xlrd.sheet.Sheet, max_rows: int | None = None) -> list[list[Cell]]:
    rows = []
    for r in range(sheet.nrows if max_rows is None else min(sheet.nrows, max_rows)):
        row: list[Cell] = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            else:
                row.append(_plain(cell.value))
        rows.append(row)
    return rows


def _plain(value: object) -> Cell:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value  # type: ignore[return-value]


@contextmanager
def opened(path: str | Path | Workbook) -> Iterator[Workbook]:
    """The workbook at `path`, opened and closed here; or a workbook already open, left open."""
    if isinstance(path, Workbook):
        yield path
        return
    with Workbook(path, Path(path).name) as book:
        yield book


def show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def as_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def norm(text: str) -> str:
    return " ".join(text.split()).lower()


def metadata(sheet: Sheet) -> dict[str, str | None]:
    """The B2:C11 block, e.g. {"Period": "April 2018", "Published": "14th June 2018", ...}."""
    meta: dict[str, str | None] = {}
    for r in METADATA_ROWS:
        label, value = sheet.cell(r, 1), sheet.cell(r, 2)
        if isinstance(label, str) and label.endswith(":"):
            meta[label[:-1].strip()] = None if value is None else as_text(value)
    if not meta.get("Period"):
        raise LoadError('no "Period:" in the metadata block B2:C11', file=sheet.file, sheet=sheet.name,
                        row=5, column="Period:")
    return meta


def metadata_row(sheet: Sheet, label: str) -> int | None:
    return next((r for r in METADATA_ROWS if sheet.cell(r, 1) == f"{label}:"), None)


def period_of(label: str, sheet: Sheet) -> str:
    """"April 2018" -> "2018-04"."""
    month, _, year = label.strip().partition(" ")
    if month.lower() not in _MONTHS or not re.fullmatch(r"\d{4}", year.strip()):
        raise LoadError(f'period "{label}" is not a month and year like "April 2018"', file=sheet.file,
                        sheet=sheet.name, row=metadata_row(sheet, "Period"), column="Period:")
    return dt.date(int(year), _MONTHS.index(month.lower()) + 1, 1).strftime("%Y-%m")
