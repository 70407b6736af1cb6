"""A large, plain tidy CSV checked in DuckDB: a million rows read and checked without a cell of Python.

DuckDB reads the file as text (in parallel) and one SQL pass answers a single question: is every cell
in the plainest form the exact reader (`loaders.tidy`, then `loaders.pipeline.validate`) accepts?
Known indicators and areas, real dates from 1950 to today, plain numbers within their indicator's
range, values that agree with their counts, safe text, each indicator, area and period once. When it
is, the cells are typed by the same pyarrow casts the exact reader uses, so the rows are its rows.
When anything is unusual or wrong (a quote, a blank line, a byte-order mark, Windows-1252 text, a
lower-case code, a bad cell ...) the answer is None: the exact reader reads the file and names every
problem, so a refused file gets exactly its messages. Every condition here is at least as strict as
the exact reader's; none decides what is an error.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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

# Below this many bytes the exact reader is as quick as starting DuckDB, and its path is the one tested most.
MIN_BYTES = 1 << 20
# A number this path takes: digits, perhaps a point and more digits (15 of each at most, so the cast
# is exact in any reader); anything else (signs, exponents, thousands separators) is the exact reader's.
_PLAIN = r"\d{1,15}(\.\d{1,15})?"
_DATABASE = None
_LOCK = threading.Lock()
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
# The tolerance a written value has against numerator ÷ denominator × multiplier is kept a little
# narrower here, so a value at its edge (where two ways of computing 10^-decimals may differ) goes
# to the exact reader.
_TOLERANCE_MARGIN = 1 - 1e-6


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
    expected_rows = raw.count(b"\n") - (1 if raw.endswith(b"\n") else 0)
    del raw
    con = _cursor()
    try:
        if _load_text(con, path, columns) != expected_rows or not expected_rows:
            return None
        if not _every_cell_plain(con, columns, context, refused_codes):
            return None
        # Only the columns the rows are made from: area_name is for the person reading the file.
        kept = [name for name in columns if name in (*_KEPT_AS_TEXT, *_NUMBERS, *_DATES)]
        cells = _arrow(con.execute(f"SELECT {', '.join(map(_quoted, kept))} FROM cells"))
    finally:
        con.execute("DROP TABLE IF EXISTS cells")
        con.close()
    return _typed(cells)


def _cursor():
    """A connection of its own (its own temporary tables) to the one in-memory DuckDB this module keeps
    for the life of the process. DuckDB's allocator settings are the process's: opened with the defaults,
    it would turn off the background threads the store turns on (store/opening.py), and a server would
    keep the memory of the next preview after it (a million-row upload, 50 % above its memory before)."""
    global _DATABASE
    with _LOCK:
        if _DATABASE is None:
            _DATABASE = duckdb.connect(config={"allocator_background_threads": True})
        cursor = _DATABASE.cursor()
        cursor.execute("SET enable_progress_bar = false")  # nothing drawn on the server's stdout
        return cursor


def _plain_header(raw: bytes, header: Sequence[str], allowed: Sequence[str]) -> list[str] | None:
    """The header's columns, in order, when the file is plain: UTF-8 (perhaps with its byte-order mark), no NUL,
    no quote, no blank line, LF or CRLF line ends, comma-separated with the header on its first line."""
    raw = raw[len(_UTF8_MARK):] if raw.startswith(_UTF8_MARK) else raw  # as the exact reader decodes it
    if raw[:1] in (b"\xef", b"\xff", b"\xfe", b"\x00") or b"\x00" in raw or b'"' in raw:
        return None
    if b"\n\n" in raw or b"\n\r\n" in raw or raw.startswith((b"\n", b"\r")):
        return None
    carriage_returns = raw.count(b"\r")
    if carriage_returns and carriage_returns != raw.count(b"\r\n"):
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


def _load_text(con, path: Path, columns: list[str]) -> int | None:
    """Every cell as text into the temporary table `cells`, in file order; the rows read, or None when DuckDB
    finds a row of the wrong shape."""
    types = "{" + ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in columns) + "}"
    try:
        con.execute(
            f"CREATE TEMP TABLE cells AS SELECT * FROM read_csv(?, delim = ',', quote = '\"', escape = '\"', "
            f"header = false, skip = 1, auto_detect = false, columns = {types}, strict_mode = true, "
            f"null_padding = false, comment = '')", [str(path)])
        return con.execute("SELECT count(*) FROM cells").fetchone()[0]
    except duckdb.Error:
        return None


def _arrow(result) -> pa.Table:
    """A query's Arrow result as one table (DuckDB may hand back a record batch reader)."""
    table = result.arrow()
    return table.read_all() if hasattr(table, "read_all") else table


def _every_cell_plain(con, columns: list[str], context: StoreContext, refused_codes: frozenset[str]) -> bool:
    """True when every cell is in the plainest form the exact reader accepts (see the module's words)."""
    kinds = _indicator_kinds(context)
    if kinds.empty:
        return False
    con.register("kinds", kinds)
    try:
        plain, indicators, areas, keys, rows = con.execute(_plain_query(columns),
                                                           {"today": context.today}).fetchone()
    except duckdb.Error:
        return False
    finally:
        con.unregister("kinds")
    return (bool(plain) and keys == rows and set(indicators) <= set(kinds["kind_indicator_id"])
            and set(areas) <= _plain_codes(context, refused_codes))


def _plain_query(names: Sequence[str]) -> str:
    """Whether every cell is plain, the indicators and areas named, and how many distinct keys (a hash
    that collides only sends a file to the exact reader), and the rows.

    A column's own checks are made once for each distinct value it holds (a million rows hold a few
    hundred periods); only what relates cells of a row is checked row by row.
    """
    text = _cell_text(names)
    missing = _missing_tokens()
    numbers = "".join(
        f", CASE WHEN {text[name]} IN {missing} THEN NULL ELSE try_cast({text[name]} AS DOUBLE) END AS {alias}"
        for name, alias in (("numerator", "n"), ("denominator", "d"), ("value", "v")))
    each_value = " AND ".join(f"(SELECT coalesce(bool_and(coalesce({check}, false)), true) "
                              f"FROM (SELECT DISTINCT {text[name]} AS x FROM cells))"
                              for name, check in _value_checks().items())
    return f"""
        WITH typed AS (
            SELECT cells.* {numbers},
                   CASE WHEN strpos({text['value']}, '.') > 0
                        THEN length({text['value']}) - strpos({text['value']}, '.') ELSE 0 END AS decimals
            FROM cells
        ),
        computed AS (
            SELECT t.*, k.multiplier, k.percentage, k.upper, t.n / t.d * k.multiplier AS computed,
                   coalesce(t.n / t.d * k.multiplier, t.v) AS final
            FROM typed AS t LEFT JOIN kinds AS k ON k.kind_indicator_id = {text['indicator_id']}
        )
        SELECT bool_and(coalesce({text['period_end']} >= {text['period_start']} AND {" AND ".join(_ROW_CHECKS)}, false))
                 AND {each_value} AS plain,
               list(DISTINCT {text['indicator_id']}) AS indicators, list(DISTINCT {text['area_code']}) AS areas,
               count(DISTINCT hash({text['indicator_id']}, {text['area_code']}, {text['period_start']})) AS keys,
               count(*) AS rows
        FROM computed
    """


def _cell_text(names: Sequence[str]) -> dict[str, str]:
    """Each tidy column as SQL text, blank where the cell or the whole column is absent."""
    return {name: f"coalesce({_quoted(name)}, '')" if name in names else "''"
            for name in ("indicator_id", "area_code", "area_name", "period_start", "period_end",
                         "numerator", "denominator", "value", "value_note")}


def _missing_tokens() -> str:
    return "(" + ", ".join(f"'{token}'" for token in MISSING_TOKENS) + ")"


def _value_checks() -> dict[str, str]:
    """What each distinct value `x` of a column must be, in SQL. Periods are written YYYY-MM-DD (so
    comparing their text row by row compares the dates), real, from 1950, starting no later than today."""
    missing = _missing_tokens()
    number = f"x IN {missing} OR regexp_full_match(x, '{_PLAIN}')"
    amount = (f"x IN {missing} OR (regexp_full_match(x, '{_PLAIN}') "
              f"AND try_cast(x AS DOUBLE) <= {possible_values.MAX_AMOUNT!r})")
    date = (f"regexp_full_match(x, '{_DATE}') AND try_cast(x AS DATE) >= DATE '{EARLIEST_PERIOD.date()}'")
    text = f"length(x) <= {MAX_TEXT_CHARS} AND NOT regexp_matches(x, '{_UNUSUAL_TEXT}')"
    return {"period_start": f"{date} AND try_cast(x AS DATE) <= $today", "period_end": date,
            "numerator": amount, "denominator": f"x IN {missing} OR ({amount} AND try_cast(x AS DOUBLE) > 0)",
            "value": number, "area_name": text, "value_note": text}


# What relates the cells of a row (SQL over the typed cells joined to their indicator's kind): a
# percentage's numerator no larger than its denominator, the value stored within its indicator's
# range, a value written beside its counts agreeing with them.
_ROW_CHECKS = [
    "(NOT percentage OR n IS NULL OR d IS NULL OR n <= d)",
    "(final IS NULL OR (isfinite(final) AND final >= 0 AND final <= upper))",
    "(v IS NULL OR computed IS NULL OR abs(v - computed) <= "
    f"(0.5 * pow(10, -decimals) + 1e-9 * abs(computed)) * {_TOLERANCE_MARGIN!r})",
]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def _typed(cells: pa.Table) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The cells the rows are made from as the exact reader holds them (text, index = spreadsheet row),
    and its numbers (missing tokens as NaN) and dates, read by the same casts."""
    index = pd.RangeIndex(2, 2 + cells.num_rows)
    text: dict[str, pd.Series] = {}
    read: dict[str, pd.Series] = {}
    for name in cells.column_names:
        column = pc.fill_null(cells.column(name).combine_chunks(), "")
        if name in _KEPT_AS_TEXT:
            text[name] = pd.Series(column, dtype=TEXT_DTYPE, index=index)
        if name in _NUMBERS:
            values = pc.cast(pc.if_else(pc.is_in(column, pa.array(list(MISSING_TOKENS))),
                                        pa.scalar(None, column.type), column), pa.float64())
            read[name] = pd.Series(values.to_numpy(zero_copy_only=False).astype("float64"), index=index)
        elif name in _DATES:
            distinct = pc.dictionary_encode(column)
            parsed = pc.take(iso_dates_of(distinct.dictionary), distinct.indices)
            read[name] = pd.Series(parsed.to_numpy(zero_copy_only=False), index=index).astype("datetime64[us]")
    return pd.DataFrame(text, index=index), read
