"""Reading a CSV someone downloaded or typed, safely, and saying exactly where it goes wrong.

Every cell is read as text first; columns are converted afterwards, so a bad cell is reported with
its file, its row as a spreadsheet shows it (header = row 1) and its column, never coerced silently.
Every row must have the header's number of cells: rows are counted before pandas parses anything, so
a row of a million extra commas costs one pass over the bytes, and no cell is ever taken as an index.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loaders.errors import LoadError, Problems, quoted

# Decoded in this order: UTF-8 (with or without a byte-order mark), then Windows-1252, which is what
# Excel on Windows writes when asked for "CSV". Windows-1252 leaves five byte values undefined, so a
# file in some other encoding usually fails there and gets a clear message.
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ",;\t|"
MISSING_TOKENS = {"": "blank", "*": "suppressed", "-": "not available", "..": "not available",
                  ":": "not available", "x": "suppressed", "NA": "not available"}
_NUMBER_WITH_COMMAS = r"-?\d{1,3}(,\d{3})+(\.\d+)?"
_PLAIN_NUMBER = r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
# The delimiter is guessed from at most this much text, so a line of a million commas stays cheap.
_SNIFF_CHARS = 16384
# The header is looked for among the first lines within this many characters.
_HEAD_CHARS = 1 << 20
# pandas' own text dtype (pyarrow-backed): the string methods run in pyarrow, not per cell in Python.
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
# Periods before this are typing mistakes (0000-01-01), not data any of these indicators has.
EARLIEST_PERIOD = pd.Timestamp("1950-01-01")
_BYTE_ORDER_MARKS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                     (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def decode(raw: bytes, file: str) -> str:
    """The text of a CSV file, or a LoadError saying why it is not a readable text file."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            raise LoadError(f"is saved as {encoding}; save it as CSV UTF-8 and upload it again", file=file)
    if raw.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):
        raise LoadError("is a spreadsheet, not a CSV file", file=file)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise LoadError("is not a text file: it contains a NUL byte (binary data)", file=file,
                        row=raw.count(b"\n", 0, nul) + 1)
    for encoding in ENCODINGS:
        try:
            return _unix_lines(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise LoadError("is not in a supported text encoding (UTF-8 or Windows-1252)", file=file)


def _unix_lines(text: str) -> str:
    """Lines ended by a lone CR (classic Mac, some exports) read as lines; CRLF and LF files are unchanged."""
    carriage_returns = text.count("\r")
    if carriage_returns and carriage_returns != text.count("\r\n"):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter (one of DELIMITERS) the first lines of a file use; a comma when none stands out."""
    sample = "\n".join(line[:_SNIFF_CHARS // 8] for line in lines[:20])[:_SNIFF_CHARS]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def split_line(line: str, delimiter: str) -> list[str]:
    """One line's cells as CSV reads them (quotes honoured), each without spaces around it."""
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def first_lines(text: str, count: int) -> list[tuple[int, str]]:
    """The first `count` lines of `text` (within its first _HEAD_CHARS characters) with the offset each
    starts at, line ends removed."""
    found: list[tuple[int, str]] = []
    start = 0
    limit = min(len(text), _HEAD_CHARS)
    while start < limit and len(found) < count:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        found.append((start, text[start:end].rstrip("\r")))
        start = end + 1
    return found


def header_cells(path, max_lines: int = 10) -> list[list[str]]:
    """The first lines of a file split into cells, for recognising a layout; [] when not text."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(65536)
        text = decode(raw, str(path))
    except (LoadError, OSError):
        return []
    lines = [line[:_SNIFF_CHARS] for _, line in first_lines(text, max_lines)]
    if not lines:
        return []
    delimiter = sniff_delimiter(lines)
    return [split_line(line, delimiter) for line in lines]


def closest_header(name: str, cells: Sequence[str]) -> str | None:
    """The header cell most like `name` ("period start" for "period_start"), or None."""
    by_key = {re.sub(r"[\W_]+", "", cell).lower(): cell for cell in cells if cell}
    match = difflib.get_close_matches(re.sub(r"[\W_]+", "", name).lower(), list(by_key), n=1, cutoff=0.6)
    return by_key[match[0]] if match else None


def missing_columns(required: Sequence[str], cells: Sequence[str], file: str, row: int) -> LoadError:
    """A LoadError naming every required column absent from `cells`, each with the closest header found."""
    problems = Problems(file)
    for name in required:
        if name in cells:
            continue
        near = closest_header(name, [cell for cell in cells if cell not in required])
        hint = f' (the closest header found is "{quoted(near)}")' if near else ""
        problems.add(f'has no column "{name}"{hint}; the header row must include: {", ".join(required)}',
                     row=row, column=name)
    return problems.error()


def _cells_per_row(data: bytes, delimiter: str) -> tuple[np.ndarray, bool]:
    """How many cells each record of `data` has (0 for a blank line), counted before any parsing,
    and whether a quoted cell runs over a line break.

    Delimiters are counted per line in one pass over the bytes; only lines holding quotes are split
    by the csv module, and only a quoted line break sends the whole body to it.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    if not len(raw) or raw[-1] != 10:
        ends = np.append(ends, len(raw))
    # Delimiters before each line end, differenced: a million lookups, not one per delimiter.
    per_line = np.diff(np.searchsorted(np.flatnonzero(raw == ord(delimiter)), ends), prepend=0) + 1
    starts = np.concatenate(([0], ends[:-1] + 1))
    length = ends - starts
    carriage = (length > 0) & (raw[np.maximum(ends - 1, 0)] == 13)
    per_line[(length - carriage) == 0] = 0
    quotes = np.diff(np.searchsorted(np.flatnonzero(raw == 34), ends), prepend=0)
    if (quotes % 2).any():  # a quoted cell runs over a line break: records are not lines
        text = io.StringIO(data.decode("utf-8", "surrogatepass"))
        return np.fromiter((len(record) for record in csv.reader(text, delimiter=delimiter)), dtype=np.int64), True
    slow = _quoted_lines_counted(raw, ends, starts, quotes, delimiter, per_line)
    for line in slow:
        text = data[starts[line]:ends[line]].decode("utf-8", "surrogatepass")
        per_line[line] = len(next(csv.reader([text], delimiter=delimiter), []))
    return per_line, False


def _quoted_lines_counted(raw: np.ndarray, ends: np.ndarray, starts: np.ndarray, quotes: np.ndarray,
                          delimiter: str, per_line: np.ndarray) -> np.ndarray:
    """Count the cells of lines whose every quoted cell is plain ("RCB",2022-04-01,...), in place, without
    the csv module; returns the lines left for it (a quote inside a cell, an escaped quote).

    In a plain line each opening quote starts a cell and each closing quote ends one, so a delimiter
    lies inside a quoted cell exactly when an odd number of quotes precede it (every line has an even
    number, so counting from the start of the data is the same as from the start of the line).
    """
    quoted_lines = np.flatnonzero(quotes)
    if not len(quoted_lines):
        return quoted_lines
    at = np.flatnonzero(raw == 34)
    line_of = np.searchsorted(ends, at)
    opening = np.arange(len(at)) % 2 == 0
    before = raw[np.maximum(at - 1, 0)]
    after = raw[np.minimum(at + 1, len(raw) - 1)]
    separator = ord(delimiter)
    opens_cell = (at == starts[line_of]) | (before == separator)
    closes_cell = (at + 1 >= ends[line_of]) | (after == separator) | ((after == 13) & (at + 2 >= ends[line_of]))
    clean = np.where(opening, opens_cell, closes_cell)
    awkward = np.zeros(len(ends), dtype=bool)
    awkward[line_of[~clean]] = True
    delimiters = np.flatnonzero(raw == separator)
    inside = np.searchsorted(at, delimiters) % 2 == 1
    lines = np.searchsorted(ends, delimiters[inside])
    inside_per_line = np.bincount(lines, minlength=len(ends))[:len(ends)]
    plain = np.zeros(len(ends), dtype=bool)
    plain[quoted_lines] = True
    plain &= ~awkward
    per_line[plain] -= inside_per_line[plain]
    return np.flatnonzero(awkward & (quotes > 0))


def read_table(raw: bytes, file: str, required: Iterable[str],
               optional: Iterable[str] = (), allow_extra: bool = True,
               header_search_lines: int = 10) -> pd.DataFrame:
    """The file's rows as text, with the header found among the first lines.

    The frame's index is the spreadsheet row number of each data row; blank lines are dropped. Raises
    LoadError for an empty file, missing columns (naming each, with the closest header found), an
    unexpected column when `allow_extra` is False, or rows with more or fewer cells than the header
    (naming every such row).
    """
    required = list(required)
    text = decode(raw, file)
    if not text or text.isspace():
        raise LoadError("is empty", file=file)
    head = first_lines(text, header_search_lines + 20)
    lines = [line for _, line in head]
    delimiter = sniff_delimiter(lines[header_search_lines:] or lines)
    candidates = [split_line(line[:_HEAD_CHARS], delimiter) for line in lines[:header_search_lines]]
    header_index = next((index for index, cells in enumerate(candidates) if set(required) <= set(cells)), None)
    if header_index is None:
        best = max(range(len(candidates)), key=lambda index: len(set(required) & set(candidates[index])))
        raise missing_columns(required, candidates[best], file, row=best + 1)
    header = candidates[header_index]
    header_row = header_index + 1
    problems = Problems(file)
    if not allow_extra:
        known = set(required) | set(optional)
        firsts = {name: position for position, name in reversed(list(enumerate(header)))}
        for name, position in sorted(firsts.items(), key=lambda item: item[1]):
            if name not in known:
                problems.add(f'has an unexpected column "{quoted(name)}" (expected only: '
                             f'{", ".join([*required, *optional])})', row=header_row,
                             column=name or f"column {position + 1}")
    for name, times in Counter(header).items():  # Counter, not list.count: a header may have 500,000 cells
        if times < 2:
            continue
        problems.add(f'has the column "{quoted(name)}" {"twice" if times == 2 else f"{times:,} times"}',
                     row=header_row, column=name)
    problems.raise_if_any()

    data = text[head[header_index][0]:].encode("utf-8", "surrogatepass")
    del text  # the bytes are all that is needed now; a 100 MB file is not kept twice
    counts, multiline = _cells_per_row(data, delimiter)
    counts = counts[1:]
    rows = pd.Series(np.arange(header_row + 1, header_row + 1 + len(counts)))
    ragged = pd.Series((counts != 0) & (counts != len(header)))
    if ragged.any():
        problems.flag(ragged, None, f"has {{value}} cells where the header has {len(header)}",
                      pd.Series(counts).map("{:,}".format), rows)
        problems.raise_if_any()
    # Every row now has the header's cells, so pyarrow's reader (many times faster than pandas') reads
    # them all as text; blank lines, which it skips, were counted above, so rows keep their numbers.
    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(header))], skip_rows=1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=multiline,
                                         ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={f"c{i}": pa.large_string() for i in range(len(header))},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
    del data
    index = np.flatnonzero(counts != 0) + header_row + 1
    if len(index) != table.num_rows:
        raise LoadError("could not be read: its rows could not be counted the same way twice", file=file)
    return pd.DataFrame({name: pd.Series(pc.utf8_trim_whitespace(table.column(position)),
                                         dtype=TEXT_DTYPE, index=index)
                         for position, name in enumerate(header)}, index=index)


def _report(problems: Problems | None, file: str):
    """The collector to report into, and whether the caller wants its problems raised straight away."""
    return (Problems(file), True) if problems is None else (problems, False)


def numbers(frame: pd.DataFrame, column: str, file: str, *, whole: bool = False,
            minimum: float | None = None, allow_missing: bool = True,
            missing_tokens: dict[str, str] = MISSING_TOKENS, problems: Problems | None = None) -> pd.Series:
    """A text column as floats: missing tokens become NaN; every unreadable cell is a problem.

    Without `problems`, raises a LoadError listing every bad cell of the column; with it, reports
    into it and returns the column with bad cells as NaN.
    """
    problems, now = _report(problems, file)
    text = frame[column]
    if text.dtype != "str":
        text = text.astype("str")
    # pyarrow reads a million cells in a tenth of a second; pd.to_numeric takes seconds.
    if not len(text):
        return pd.Series(np.nan, index=text.index, dtype="float64")
    cells = pa.array(text, type=pa.large_string())
    plain = pc.match_substring_regex(cells, f"^(?:{_PLAIN_NUMBER})$")
    if not pc.all(plain).as_py():
        grouped = pc.match_substring_regex(cells, f"^(?:{_NUMBER_WITH_COMMAS})$")
        cells = pc.if_else(grouped, pc.replace_substring(cells, ",", ""), cells)
        plain = pc.or_(plain, grouped)
    values = pc.cast(pc.if_else(plain, cells, pa.scalar(None, pa.large_string())), pa.float64())
    values = values.to_numpy(zero_copy_only=False).astype("float64")
    known = ~np.isnan(values)
    is_missing = text.isin(list(missing_tokens)).to_numpy()
    unreadable = ~known & ~is_missing
    infinite = known & ~np.isfinite(values)
    finite = known & ~infinite

    def report(mask: np.ndarray, reason: str, quote: bool = True) -> None:
        if mask.any():
            problems.flag(pd.Series(mask, index=text.index), column, reason, text if quote else None)

    report(unreadable, '"{value}" is not a number')
    if not allow_missing:
        report(is_missing, "is blank; a value is required", quote=False)
    report(infinite, '"{value}" is not a finite number')
    if whole:
        report(finite & (np.mod(values, 1, where=finite, out=np.zeros_like(values)) != 0),
               '"{value}" is not a whole number')
    if minimum is not None:
        report(finite & (np.where(finite, values, minimum) < minimum),
               f'"{{value}}" is below {minimum:g}, which is impossible here')
    if now:
        problems.raise_if_any()
    values[~finite] = np.nan
    return pd.Series(values, index=text.index)


def missing_reason(frame: pd.DataFrame, column: str) -> pd.Series:
    """Why each missing cell is missing ("suppressed", "not available", "blank"), else None."""
    return pd.Series(_REASONS[_reason_codes(frame[column])], index=frame[column].index, dtype=object)


def value_missing_reason(frame: pd.DataFrame, value_column: str, count_column: str,
                         value: pd.Series) -> pd.Series:
    """Why each value is missing: its own cell's reason or, where that cell is only blank (or the value
    came from elsewhere), its count's: a "*" numerator beside a blank value is suppressed."""
    said = _reason_codes(frame[value_column])
    count = _reason_codes(frame[count_column])
    from_count = value.reindex(frame[value_column].index).isna().to_numpy() & (
        (said == _REASON_CODES[MISSING_TOKENS[""]]) | (said == 0))
    return pd.Series(_REASONS[np.where(from_count & (count != 0), count, said)], index=frame[value_column].index,
                     dtype=object)


# Each reason a missing cell can have, numbered; 0 is none (the cell is not a missing token).
_REASONS = np.array([None, *dict.fromkeys(MISSING_TOKENS.values())], dtype=object)
_REASON_CODES = {word: code for code, word in enumerate(_REASONS) if word}


def _reason_codes(text: pd.Series) -> np.ndarray:
    """Each cell's reason as its number in _REASONS, decided once per distinct cell: a million cells hold a
    few hundred."""
    try:
        cells = pa.array(text, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: compared with each token
        codes = np.zeros(len(text), dtype=np.int64)
        for token, word in MISSING_TOKENS.items():
            codes[(text == token).to_numpy(dtype=bool, na_value=False)] = _REASON_CODES[word]
        return codes
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    distinct = pc.dictionary_encode(cells)
    words = distinct.dictionary.to_pylist()
    code_of = np.array([_REASON_CODES.get(MISSING_TOKENS.get(word), 0) for word in words] + [0], dtype=np.int64)
    return code_of[pc.fill_null(distinct.indices, len(words)).to_numpy(zero_copy_only=False)]


def _iso_dates(text: pd.Series) -> pd.Series:
    """YYYY-MM-DD text as dates by pyarrow, NaT where it is not a real date ("2018-02-30" is not)."""
    # A period column of a million rows holds a few hundred distinct dates: each is parsed once.
    cells = pa.array(text, type=pa.large_string())
    if isinstance(cells, pa.ChunkedArray):  # as read: one dictionary for the column, not one a chunk
        cells = cells.combine_chunks()
    distinct = pc.dictionary_encode(cells)
    parsed = pc.take(iso_dates_of(distinct.dictionary), distinct.indices)
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=text.index).astype("datetime64[us]")


def iso_dates_of(cells: pa.Array) -> pa.Array:
    """Each YYYY-MM-DD cell of an Arrow text array as an Arrow timestamp (seconds), null where it is not
    a real date written so: the one parse the readers share."""
    shaped = pc.match_substring_regex(cells, r"^\d{4}-\d{2}-\d{2}$")
    parsed = pc.strptime(pc.if_else(shaped, cells, pa.scalar(None, pa.large_string())), format="%Y-%m-%d",
                         unit="s", error_is_null=True)
    # strptime rolls 2018-02-30 over to 2018-03-02: a real date keeps the day it was written with.
    written_day = pc.cast(pc.utf8_slice_codeunits(pc.if_else(shaped, cells, "2000-01-01"), 8, 10), pa.int64())
    real = pc.fill_null(pc.equal(pc.day(parsed), written_day), False)
    return pc.if_else(real, parsed, pa.scalar(None, parsed.type))


def dates(frame: pd.DataFrame, column: str, file: str, fmt: str = "%Y-%m-%d",
          problems: Problems | None = None) -> pd.Series:
    """A text column of dates from 1950 on; every impossible or unreadable date is a problem."""
    problems, now = _report(problems, file)
    text = frame[column].astype("str")
    if fmt == "%Y-%m-%d" and len(text):
        values = _iso_dates(text)
    else:
        values = pd.to_datetime(text, format=fmt, errors="coerce")
    unreadable = values.isna()
    shown = text.where(text != "", "blank")
    problems.flag(unreadable, column, '"{value}" is not a valid date (expected YYYY-MM-DD)', shown)
    implausible = ~unreadable & (values < EARLIEST_PERIOD)
    problems.flag(implausible, column, f'"{{value}}" is before {EARLIEST_PERIOD.year}, not a plausible period '
                  "for these indicators", text)
    if now:
        problems.raise_if_any()
    return values.where(~implausible)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as text, blanks for missing: readers of spreadsheets and CSVs then validate alike."""
    if all(dtype == "str" for dtype in frame.dtypes) and not frame.isna().any().any():
        return frame.copy()
    return frame.astype("object").where(frame.notna(), "").astype("str")


def check_months(frame: pd.DataFrame, column: str, file: str, problems: Problems | None = None) -> bool:
    """Every cell of `column` is a month written YYYY-MM from 1950 on; True when all are."""
    problems, now = _report(problems, file)
    text = frame[column]
    written = text.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    found = problems.flag(~written, column, '"{value}" is not a month written YYYY-MM', text)
    early = written & (text.str.slice(0, 4).astype("str") < str(EARLIEST_PERIOD.year))
    found |= problems.flag(early, column, f'"{{value}}" is before {EARLIEST_PERIOD.year}, not a plausible '
                           "period for these indicators", text)
    if now:
        problems.raise_if_any()
    return not found
