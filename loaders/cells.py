"""Checking every cell of a file against its column's kind: numbers, periods, codes and safe text.

A published layout declares each column's kind (`COUNT`, `MONTH`, `ONS_CODE` ...); `check_columns`
checks every column the file has against it, and any column it does not declare as text. Problems
are collected, not raised, so the analyst sees all of them at once.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.csvread import check_months, dates, numbers
from loaders.errors import Problems

# Kinds of column.
TEXT = "text"              # names, labels, notes: safe text within MAX_TEXT_CHARS
COUNT = "count"            # a whole number, 0 or more; missing tokens allowed
AMOUNT = "amount"          # a number, 0 or more (published activity may carry a decimal)
NUMBER = "number"          # any finite number
MONTH = "month"            # YYYY-MM
DATE = "date"              # YYYY-MM-DD
FINANCIAL_YEAR = "financial_year"  # 2017/18
ONS_CODE = "ons_code"      # an ONS area code, E06000014
ODS_CODE = "ods_code"      # an NHS organisation (ODS) code, RCB or 03Q
ONS_OR_ODS = "ons_or_ods"  # either: the tidy template holds areas and NHS organisations

# ONS statistical geography codes: a country letter, two digits of entity type, six of instance.
ONS_CODE_PATTERN = r"[EWSNK]\d{8}"
# ODS organisation codes: three to six letters and digits (03Q, RCB, AD913, C82010).
ODS_CODE_PATTERN = r"[A-Z0-9]{3,6}"
CODE_PATTERNS = {ONS_CODE: (ONS_CODE_PATTERN, "an ONS area code such as E06000014"),
                 ODS_CODE: (ODS_CODE_PATTERN, "an NHS organisation (ODS) code such as RCB or 03Q"),
                 ONS_OR_ODS: (f"{ONS_CODE_PATTERN}|{ODS_CODE_PATTERN}",
                              "an ONS area code such as E06000014 or an NHS organisation code such as RCB")}
# Longer than any published name or note; a 45 MB "note" is an attack or an accident, not data.
MAX_TEXT_CHARS = 1000
# What a spreadsheet runs as a formula (OWASP "CSV injection"): = + @ tab CR, or - not starting a number.
_FORMULA = r"[=+@\t\r]|-(?![\d.]*$)"
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r", "-")
_MARKUP = r"<\s*[a-zA-Z/!?]"


def normalise_codes(codes: pd.Series) -> pd.Series:
    """Area and organisation codes as the store keeps them: upper case, no spaces ("e06 000014" is York)."""
    text = codes.astype("str")
    spaced = pd.Series(pc.match_substring_regex(pa.array(text, type=pa.large_string()), r"\s")
                       .to_numpy(zero_copy_only=False), index=text.index)
    if spaced.any():
        text = text.where(~spaced, text.str.replace(r"\s+", "", regex=True))
    return text.str.upper()


def check_codes(codes: pd.Series, kind: str, column: str, problems: Problems,
                rows: pd.Series | None = None) -> None:
    """Every non-blank code (already normalised) is of the layout's pattern."""
    pattern, words = CODE_PATTERNS[kind]
    bad = (codes != "") & ~codes.str.fullmatch(pattern)
    problems.flag(bad, column, f'"{{value}}" is not {words}', codes, rows)


def check_text(text: pd.Series, column: str, problems: Problems, rows: pd.Series | None = None,
               limit: int = MAX_TEXT_CHARS) -> None:
    """Refuse text a spreadsheet would run as a formula, a browser as markup, or too long to be data."""
    # Cheap tests first (pyarrow), the regular expressions only on the few cells they leave.
    leading = text.str.startswith(_FORMULA_STARTS)
    if leading.any():
        formula = pd.Series(False, index=text.index)
        formula[leading] = text[leading].str.match(_FORMULA)
        problems.flag(formula, column, '"{value}" starts like a spreadsheet formula; remove the leading '
                      "character", text, rows)
    angle = text.str.contains("<", regex=False)
    if angle.any():
        markup = pd.Series(False, index=text.index)
        markup[angle] = text[angle].str.contains(_MARKUP)
        problems.flag(markup, column, "contains HTML or script markup, which is not allowed", rows=rows)
    problems.flag(text.str.len() > limit, column, f"is longer than {limit:,} characters, the limit for text",
                  rows=rows)


def check_financial_years(text: pd.Series, column: str, problems: Problems) -> None:
    """Every non-missing cell is a financial year written like 2017/18, the years following one another."""
    written = text.str.fullmatch(r"\d{4}/\d{2}")
    problems.flag((text != "") & ~written, column, '"{value}" is not a financial year written like 2017/18', text)
    first = pd.to_numeric(text.str.slice(0, 4).where(written), errors="coerce")
    second = pd.to_numeric(text.str.slice(5, 7).where(written), errors="coerce")
    problems.flag(written & (second != (first + 1) % 100), column,
                  '"{value}" is not a financial year (the years must follow one another)', text)


def check_columns(frame: pd.DataFrame, kinds: dict[str, str], file: str,
                  problems: Problems) -> dict[str, pd.Series]:
    """Check every column of `frame` (text cells, index = spreadsheet row) against its declared kind.

    Columns not in `kinds` are checked as text. Blank and missing tokens ("*", "-", "..") are allowed
    in number columns; whether a value is required is the reader's business. Returns the number
    columns read as floats and the date columns as dates (missing where wrong), so readers need not
    read them again.
    """
    read: dict[str, pd.Series] = {}
    for column in frame.columns:
        kind = kinds.get(column, TEXT)
        text = frame[column]
        if kind in (COUNT, AMOUNT, NUMBER):
            read[column] = numbers(frame, column, file, whole=kind == COUNT,
                                   minimum=None if kind == NUMBER else 0, problems=problems)
        elif kind == MONTH:
            check_months(frame, column, file, problems=problems)
        elif kind == DATE:
            read[column] = dates(frame, column, file, problems=problems)
        elif kind == FINANCIAL_YEAR:
            check_financial_years(text, column, problems)
        elif kind in CODE_PATTERNS:
            check_codes(normalise_codes(text), kind, column, problems)
            check_text(text, column, problems, limit=20)
        else:
            check_text(text, column, problems)
    return read
