"""Reading a CSV someone downloaded or typed, safely, and saying exactly where it goes wrong.

Every cell is read as text first; columns are converted afterwards, so a bad cell is reported with
its file, its row as a spreadsheet shows it (header = row 1) and its column, never coerced silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import LoadError

# Decoded in this order: UTF-8 (with or without a byte-order mark), then Windows-1252, which is what
# Excel on Windows writes when asked for "CSV". Windows-1252 leaves five byte values undefined, so a
# file in some other encoding usually fails there and gets a clear message.
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ",;\t|"
MISSING_TOKENS = {"": "blank", "*": "suppressed", "-": "not available", "..": "not available",
                  ":": "not available", "x": "suppressed", "NA": "not available"}
_NUMBER_WITH_COMMAS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def decode(raw: bytes, file: str) -> str:
    """The text of a CSV file, or a LoadError saying why it is not a readable text file."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("is saved as UTF-16; save it as CSV UTF-8 and upload it again", file=file)
    if raw.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):
        raise LoadError("is a spreadsheet, not a CSV file", file=file)
    if b"\x00" in raw[:4096]:
        raise LoadError("is not a text file (it contains binary data)", file=file)
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError("is not in a supported text encoding (UTF-8 or Windows-1252)", file=file)


def _delimiter(lines: Sequence[str]) -> str:
    sample = "\n".join(lines[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _split(line: str, delimiter: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def header_cells(path: Path | str, max_lines: int = 10) -> list[list[str]]:
    """The first lines of a file split into cells, for recognising a layout; [] when not text."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(65536)
        text = decode(raw, str(path))
    except (LoadError, OSError):
        return []
    lines = text.splitlines()[:max_lines]
    if not lines:
        return []
    delimiter = _delimiter(lines)
    return [_split(line, delimiter) for line in lines]


def read_table(raw: bytes, file: str, required: Iterable[str],
               optional: Iterable[str] = (), allow_extra: bool = True,
               header_search_lines: int = 10) -> pd.DataFrame:
    """The file's rows as text, with the header found among the first lines.

    The frame's index is the spreadsheet row number of each data row. Raises LoadError for an empty
    file, a missing column (naming it), an unexpected column when `allow_extra` is False, or a row
    with the wrong number of cells.
    """
    required = list(required)
    text = decode(raw, file)
    if not text.strip():
        raise LoadError("is empty", file=file)
    lines = text.splitlines()
    delimiter = _delimiter(lines[header_search_lines:header_search_lines + 20] or lines)
    header_index = None
    for index, line in enumerate(lines[:header_search_lines]):
        cells = _split(line, delimiter)
        if set(required) <= set(cells):
            header_index = index
            break
    if header_index is None:
        first = _split(lines[0], delimiter)
        missing = [name for name in required if name not in first]
        raise LoadError(f'has no column "{missing[0]}" (the header row must include: '
                        f'{", ".join(required)})', file=file, row=1, column=missing[0])
    header = _split(lines[header_index], delimiter)
    if not allow_extra:
        known = set(required) | set(optional)
        for position, name in enumerate(header):
            if name not in known:
                raise LoadError(f'has an unexpected column "{name}" (expected only: '
                                f'{", ".join([*required, *optional])})',
                                file=file, row=header_index + 1, column=name or f"column {position + 1}")
    duplicated = [name for name in header if header.count(name) > 1]
    if duplicated:
        raise LoadError(f'has the column "{duplicated[0]}" twice', file=file, row=header_index + 1,
                        column=duplicated[0])
    body = "\n".join(lines[header_index:])
    try:
        frame = pd.read_csv(io.StringIO(body), sep=delimiter, dtype=str, keep_default_na=False,
                            skipinitialspace=True, engine="c")
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+), saw (\d+)", str(error))
        row = header_index + int(match.group(1)) if match else None
        detail = f"has {match.group(2)} cells where the header has {len(header)}" if match else str(error)
        raise LoadError(f"is malformed: this row {detail}", file=file, row=row) from None
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.apply(lambda column: column.str.strip())
    frame.index = pd.RangeIndex(header_index + 2, header_index + 2 + len(frame))
    return frame


def numbers(frame: pd.DataFrame, column: str, file: str, *, whole: bool = False,
            minimum: float | None = None, allow_missing: bool = True,
            missing_tokens: dict[str, str] = MISSING_TOKENS) -> pd.Series:
    """A text column as floats: missing tokens become NaN, anything else unreadable is a LoadError."""
    text = frame[column].astype("str")
    cleaned = text.where(~text.str.fullmatch(_NUMBER_WITH_COMMAS), text.str.replace(",", "", regex=False))
    values = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    is_missing = text.isin(list(missing_tokens))
    bad = values.isna() & ~is_missing
    if bad.any():
        row = bad.idxmax()
        raise LoadError(f'"{text[row]}" is not a number', file=file, row=int(row), column=column)
    if not allow_missing and is_missing.any():
        row = is_missing.idxmax()
        raise LoadError("is blank; a value is required", file=file, row=int(row), column=column)
    if not np.isfinite(values.fillna(0)).all():
        row = (~np.isfinite(values.fillna(0))).idxmax()
        raise LoadError(f'"{text[row]}" is not a finite number', file=file, row=int(row), column=column)
    if whole:
        fractional = values.notna() & (values % 1 != 0)
        if fractional.any():
            row = fractional.idxmax()
            raise LoadError(f'"{text[row]}" is not a whole number', file=file, row=int(row), column=column)
    if minimum is not None:
        low = values.notna() & (values < minimum)
        if low.any():
            row = low.idxmax()
            raise LoadError(f'"{text[row]}" is below {minimum:g}, which is impossible here',
                            file=file, row=int(row), column=column)
    return values


def missing_reason(frame: pd.DataFrame, column: str) -> pd.Series:
    """Why each missing cell is missing ("suppressed", "not available", "blank"), else NA."""
    return frame[column].map(MISSING_TOKENS).astype("object").where(lambda s: s.notna(), None)


def value_missing_reason(frame: pd.DataFrame, value_column: str, count_column: str,
                         value: pd.Series) -> pd.Series:
    """Why each value is missing: its own cell's reason or, where that cell is only blank (or the value
    came from elsewhere), its count's: a "*" numerator beside a blank value is suppressed."""
    said = missing_reason(frame, value_column)
    from_count = value.isna() & (said.eq(MISSING_TOKENS[""]) | said.isna())
    return said.where(~from_count, missing_reason(frame, count_column).fillna(said))


def dates(frame: pd.DataFrame, column: str, file: str, fmt: str = "%Y-%m-%d") -> pd.Series:
    """A text column of dates; an impossible or unreadable date is a LoadError naming the cell."""
    text = frame[column].astype("str")
    values = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = values.isna()
    if bad.any():
        row = bad.idxmax()
        shown = text[row] or "blank"
        raise LoadError(f'"{shown}" is not a valid date (expected YYYY-MM-DD)', file=file, row=int(row),
                        column=column)
    return values


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text, blanks for missing: readers of spreadsheets and CSVs then validate alike."""
    return frame.astype("object").where(frame.notna(), "").astype("str")


def check_months(frame: pd.DataFrame, column: str, file: str) -> None:
    """Every cell of `column` is a month written YYYY-MM, or a LoadError names the first that is not."""
    bad = ~frame[column].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        row = bad.idxmax()
        raise LoadError(f'"{frame[column][row]}" is not a month written YYYY-MM', file=file,
                        row=int(row), column=column)
