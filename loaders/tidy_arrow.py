"""A large, plain tidy CSV checked with Arrow compute: a million rows read and checked without a cell of Python.

pyarrow reads the file as text (in parallel) and each column is dictionary-encoded, so a column's own
checks run once for each distinct value it holds (a million rows hold a few hundred periods); only
what relates cells of a row is checked row by row, on numpy arrays. The one question answered: is every
cell in the plainest form the exact reader (`loaders.tidy`, then `loaders.pipeline.validate`) accepts?
Known indicators and areas, real dates from 1950 to today, plain numbers within their indicator's
range, values that agree with their counts, safe text, each indicator, area and period once. When it
is, the cells are typed by the same pyarrow casts the exact reader uses, so the rows are its rows.
When anything is unusual or wrong (a quote, a blank line, a byte-order mark, Windows-1252 text, a
lower-case code, a bad cell ...) the answer is None: the exact reader reads the file and names every
problem, so a refused file gets exactly its messages. Every condition here is at least as strict as
the exact reader's; none decides what is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import possible_values
from loaders.cells import CODE_PATTERNS, MAX_TEXT_CHARS, ONS_OR_ODS
from loaders.csvread import (
    EARLIEST_PERIOD,
    MISSING_TOKENS,
    TEXT_DTYPE,
    first_lines,
    iso_dates_of,
    sniff_delimiter,
    split_line,
)
from loaders.extract import StoreContext

# Below this many bytes the exact reader is as quick, and its path is the one tested most.
MIN_BYTES = 1 << 20
# A number this path takes: digits, perhaps a point and more digits (15 of each at most, so the cast
# is exact in any reader); anything else (signs, exponents, thousands separators) is the exact reader's.
_PLAIN = r"\d{1,15}(\.\d{1,15})?"
_UTF8_MARK = b"\xef\xbb\xbf"
_DATE = r"\d{4}-\d{2}-\d{2}"
# Every character pyarrow's utf8_trim_whitespace (the exact reader's trim) takes off an end, and the
# other control characters: a cell starting or ending with one is the exact reader's to trim.
TRIMMED = (r"\x{00}-\x{20}\x{7F}-\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}"
           r"\x{3000}\x{FEFF}")
# Text that starts or ends so, starts like a formula, or holds a "<": the exact reader trims, refuses
# or looks closer.
_UNUSUAL_TEXT = rf"^[=+@\-{TRIMMED}]|<|[{TRIMMED}]$"
# The text cells the stored rows are made from (loaders/tidy.py _extract); the others are only checked.
_KEPT_AS_TEXT = ("indicator_id", "area_code", "numerator", "value", "value_note")
_NUMBERS = ("numerator", "denominator", "value")
_DATES = ("period_start", "period_end")
_TEXTS = ("area_name", "value_note")
# The tolerance a written value has against numerator ÷ denominator × multiplier is kept a little
# narrower here, so a value at its edge (where two ways of computing 10^-decimals may differ) goes
# to the exact reader.
_TOLERANCE_MARGIN = 1 - 1e-6
# A column as read: text dictionary-encoded by the reader itself, rather than read as text and encoded after.
_DISTINCT_TEXT = pa.dictionary(pa.int32(), pa.string())


def read_checked(path: Path, header: Sequence[str], allowed: Sequence[str],
                 context: StoreContext, refused_codes: frozenset[str] = frozenset()
                 ) -> tuple[pd.DataFrame, dict[str, pd.Series]] | None:
    """The file's cells (text, indexed by spreadsheet row) and its dates and numbers read, when every
    cell passes the exact reader's checks in their plainest form; None when the exact reader must read it.

    `header` lists the columns the file must have (at least), `allowed` those it may have.
    """
    path = Path(path)
    if path.stat().st_size < MIN_BYTES:
        return None
    raw = path.read_bytes()
    columns = _plain_header(raw, header, allowed)
    if columns is None:
        return None
    # pyarrow skips a blank line: a file with one reads fewer rows than it has lines after the header.
    expected_rows = raw.count(b"\n") - (1 if raw.endswith(b"\n") else 0)
    cells = _text(raw, columns)
    del raw
    if cells is None or cells.num_rows != expected_rows or not expected_rows:
        return None
    distinct = {name: cells.column(name).combine_chunks() for name in columns}
    del cells
    typed = _typed(distinct)
    if typed is None or not _every_cell_plain(distinct, typed, context, refused_codes):
        return None
    return _rows(distinct, typed)


def _plain_header(raw: bytes, header: Sequence[str], allowed: Sequence[str]) -> list[str] | None:
    """The header's columns, in order, when the file is plain: UTF-8 (perhaps with its byte-order mark), no NUL,
    no quote, LF or CRLF line ends, comma-separated with the header on its first line (blank lines further on
    read_checked finds by counting lines)."""
    raw = raw[len(_UTF8_MARK):] if raw.startswith(_UTF8_MARK) else raw  # as the exact reader decodes it
    if raw[:1] in (b"\xef", b"\xff", b"\xfe", b"\x00") or b"\x00" in raw or b'"' in raw:
        return None
    # A blank line further on leaves the rows read fewer than the lines (read_checked); a search costs more.
    if raw.startswith((b"\n", b"\r")):
        return None
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):  # counted only in a file that has one
        return None
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    head_bytes = raw[:1 << 20]
    head = first_lines(head_bytes.decode("utf-8", "ignore"), 30)
    if len(head) < 30 and len(head_bytes) < len(raw):
        return None  # the lines the exact reader guesses the delimiter from are not all in view
    lines = [line for _, line in head]
    if sniff_delimiter(lines[10:] or lines) != ",":
        return None
    cells = split_line(lines[0], ",")
    if len(set(cells)) != len(cells) or not set(header) <= set(cells) or not set(cells) <= set(allowed):
        return None
    if lines[0].split(",") != cells:  # a header cell with spaces around it: the exact reader's
        return None
    return cells


def _text(raw: bytes, columns: list[str]) -> pa.Table | None:
    """Every cell as text, blank cells as "", in file order, each column dictionary-encoded (one dictionary a
    column, each distinct cell once, in order of first appearance); None when a row has the wrong number of cells.
    The file is plain (no quote), so splitting at commas and line ends is all there is. A blank line is
    skipped, so the rows fall short of the file's lines (read_checked counts them)."""
    try:
        return pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(column_names=columns, skip_rows=1),
            parse_options=pacsv.ParseOptions(quote_char=False, double_quote=False, escape_char=False),
            convert_options=pacsv.ConvertOptions(column_types={name: _DISTINCT_TEXT for name in columns},
                                                 strings_can_be_null=False, null_values=[])).unify_dictionaries()
    except pa.ArrowInvalid:
        return None


def _typed(distinct: dict[str, pa.DictionaryArray]) -> dict[str, np.ndarray] | None:
    """Each number (NaN when missing) and date (NaT when not a real date) of every row, each distinct
    cell cast once by the exact reader's casts; None when a number cell is not a plain number."""
    typed = {}
    plain = f"^(?:{_PLAIN})$"
    for name, column in distinct.items():
        values = column.dictionary
        if name in _NUMBERS:
            missing = pc.is_in(values, pa.array(list(MISSING_TOKENS)))
            if not pc.all(pc.or_(missing, pc.match_substring_regex(values, plain))).as_py():
                return None
            numbers = pc.cast(pc.if_else(missing, pa.scalar(None, values.type), values), pa.float64())
            typed[name] = pc.take(numbers, column.indices).to_numpy(zero_copy_only=False).astype("float64")
        elif name in _DATES:
            typed[name] = (pc.take(iso_dates_of(values), column.indices).to_numpy(zero_copy_only=False)
                           .astype("datetime64[us]"))
    return typed


def _every_cell_plain(distinct: dict[str, pa.DictionaryArray], typed: dict[str, np.ndarray],
                      context: StoreContext, refused_codes: frozenset[str]) -> bool:
    """True when every cell is in the plainest form the exact reader accepts (see the module's words)."""
    kinds = _indicator_kinds(context)
    indicators = distinct["indicator_id"].dictionary.to_pylist()
    if kinds.empty or not set(indicators) <= set(kinds["kind_indicator_id"]):
        return False
    if not set(distinct["area_code"].dictionary.to_pylist()) <= _plain_codes(context, refused_codes):
        return False
    if not all(_each_value_plain(name, column.dictionary, context) for name, column in distinct.items()):
        return False
    return _rows_plain(distinct, typed, kinds.set_index("kind_indicator_id").loc[indicators]) and _keys_once(distinct)


def _each_value_plain(name: str, values: pa.Array, context: StoreContext) -> bool:
    """What each distinct value of a column must be. Periods are written YYYY-MM-DD, real, from 1950,
    starting no later than today; numbers (already plain) are possible amounts, a denominator above 0."""
    if name in _DATES:
        dates = iso_dates_of(values)
        shaped = pc.match_substring_regex(values, f"^(?:{_DATE})$")
        good = pc.and_(shaped, pc.greater_equal(dates, pa.scalar(EARLIEST_PERIOD.to_pydatetime(), dates.type)))
        if name == "period_start":
            today = pd.Timestamp(context.today).to_pydatetime()
            good = pc.and_(good, pc.less_equal(dates, pa.scalar(today, dates.type)))
        return bool(pc.all(pc.fill_null(good, False)).as_py())
    if name in ("numerator", "denominator"):
        missing = pc.is_in(values, pa.array(list(MISSING_TOKENS)))
        numbers = pc.cast(pc.if_else(missing, pa.scalar(None, values.type), values), pa.float64())
        good = pc.less_equal(numbers, possible_values.MAX_AMOUNT)
        if name == "denominator":
            good = pc.and_(good, pc.greater(numbers, 0))
        return bool(pc.all(pc.or_(missing, pc.fill_null(good, False))).as_py())
    if name in _TEXTS:
        good = pc.and_(pc.less_equal(pc.utf8_length(values), MAX_TEXT_CHARS),
                       pc.invert(pc.match_substring_regex(values, _UNUSUAL_TEXT)))
        return bool(pc.all(good).as_py())
    return True


def _rows_plain(distinct: dict[str, pa.DictionaryArray], typed: dict[str, np.ndarray], kinds: pd.DataFrame) -> bool:
    """What relates the cells of a row, on the typed cells beside their indicator's kind (`kinds`, in the
    order of the indicator column's dictionary): a period ending no earlier than it starts, a
    percentage's numerator no larger than its denominator, the value stored within its indicator's
    range, a value written beside its counts agreeing with them."""
    rows = len(distinct["indicator_id"])
    indicator = distinct["indicator_id"].indices.to_numpy(zero_copy_only=False)
    multiplier, percentage, upper = (kinds[name].to_numpy()[indicator] for name in ("multiplier", "percentage",
                                                                                    "upper"))
    missing = np.full(rows, np.nan)
    n, d, v = (typed.get(name, missing) for name in _NUMBERS)
    if not (typed["period_end"] >= typed["period_start"]).all():
        return False
    if not (~percentage | np.isnan(n) | np.isnan(d) | (n <= d)).all():
        return False
    with np.errstate(all="ignore"):
        computed = n / d * multiplier
        final = np.where(np.isnan(computed), v, computed)
        if not (np.isnan(final) | (np.isfinite(final) & (final >= 0) & (final <= upper))).all():
            return False
        tolerance = (0.5 * 10.0 ** -_decimals(distinct.get("value")) + 1e-9 * np.abs(computed)) * _TOLERANCE_MARGIN
        return bool((np.isnan(v) | np.isnan(computed) | (np.abs(v - computed) <= tolerance)).all())


def _decimals(value: pa.DictionaryArray | None) -> np.ndarray | float:
    """How many decimals each value was written with ("28.10" has 2), counted once per distinct value."""
    if value is None:
        return 0.0
    values = value.dictionary
    point = pc.find_substring(values, ".").to_numpy(zero_copy_only=False)
    length = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    decimals = np.where(point >= 0, length - point - 1, 0).astype("float64")
    return decimals[value.indices.to_numpy(zero_copy_only=False)]


def _keys_once(distinct: dict[str, pa.DictionaryArray]) -> bool:
    """Each indicator, area and period start once: one number per row made of its three cells' places
    in their dictionaries (a period's text is its date, written one way), and no number twice."""
    columns = [distinct[name] for name in ("indicator_id", "area_code", "period_start")]
    if np.prod([float(len(column.dictionary)) for column in columns]) >= 2.0 ** 62:
        return False  # too many to number in 64 bits: the exact reader counts them
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        key = key * len(column.dictionary) + column.indices.to_numpy(zero_copy_only=False)
    key.sort()  # a sort, not np.unique: its hashing costs ten times more on a million rows
    return bool((key[1:] != key[:-1]).all())


def _indicator_kinds(context: StoreContext) -> pd.DataFrame:
    """Each indicator this path accepts by name: its multiplier, whether a percentage, its upper bound."""
    rows = []
    for indicator_id, row in context.indicators.iterrows():
        if not isinstance(indicator_id, str) or pd.isna(row["multiplier"]):
            continue
        if indicator_id != indicator_id.strip() or "<" in indicator_id or indicator_id[:1] in "=+@-\t\r":
            continue
        kind = str(row["value_kind"])
        rows.append((indicator_id, float(row["multiplier"]), kind == "percentage",
                     possible_values.upper_bound(kind, row["multiplier"])))
    return pd.DataFrame(rows, columns=["kind_indicator_id", "multiplier", "percentage", "upper"])


def _plain_codes(context: StoreContext, refused_codes: frozenset[str]) -> set[str]:
    """The store's area codes a cell may hold as written: in the tidy template's pattern, upper case."""
    pattern = CODE_PATTERNS[ONS_OR_ODS][0]
    known = pa.array(sorted(context.area_codes), type=pa.large_string())
    plain = pc.match_substring_regex(known, f"^(?:{pattern})$")
    return set(pc.filter(known, plain).to_pylist()) - set(refused_codes)


def _rows(distinct: dict[str, pa.DictionaryArray], typed: dict[str, np.ndarray]
          ) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The cells the rows are made from as the exact reader holds them (text, index = spreadsheet row),
    and its numbers (missing tokens as NaN) and dates."""
    index = pd.RangeIndex(2, 2 + len(distinct["indicator_id"]))
    text = {name: pd.Series(pc.take(column.dictionary, column.indices), dtype=TEXT_DTYPE, index=index)
            for name, column in distinct.items() if name in _KEPT_AS_TEXT}
    return pd.DataFrame(text, index=index), {name: pd.Series(values, index=index) for name, values in typed.items()}
