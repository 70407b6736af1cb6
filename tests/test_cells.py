"""loaders.cells and loaders.errors: what a cell may hold, and how problems are worded and shown."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders import cells
from loaders.errors import LoadError, Problems, shown_file_name, upload_suffix


def problems_in(values: list[str], check) -> list[int]:
    """The spreadsheet rows `check` reports among `values` (rows 2, 3, ...)."""
    found = Problems("f.csv")
    check(pd.Series(values, index=range(2, 2 + len(values)), dtype="str"), found)
    return [problem.row for problem in found.error().problems] if found else []


@pytest.mark.parametrize("text,refused", [
    ("=HYPERLINK(1)", True), ("+1", True), ("@SUM(A1)", True), ("-2+3", True), ("- x", True),
    ("-5", False), ("-", False), ("-.5", False), ("York", False), ("<b>York</b>", True), ("York < 5", False),
    ("x" * 1001, True), ("x" * 1000, False),
])
def test_formulas_markup_and_overlong_text_are_refused(text, refused):
    """What a spreadsheet would run, a browser would render, or nobody would write, is refused."""
    rows = problems_in([text], lambda values, found: cells.check_text(values, "name", found))
    assert bool(rows) == refused


@pytest.mark.parametrize("written,stored", [("e06000014", "E06000014"), ("E06 000014", "E06000014"),
                                            (" rcb ", "RCB"), ("E06\t000014", "E06000014")])
def test_codes_are_stored_upper_case_without_spaces(written, stored):
    """Typed codes become the one code the store keeps."""
    assert cells.normalise_codes(pd.Series([written], dtype="str")).tolist() == [stored]


@pytest.mark.parametrize("kind,code,ok", [
    (cells.ONS_CODE, "E06000014", True), (cells.ONS_CODE, "E0600001", False), (cells.ONS_CODE, "RCB", False),
    (cells.ODS_CODE, "RCB", True), (cells.ODS_CODE, "03Q", True), (cells.ODS_CODE, "R-CB", False),
])
def test_codes_must_match_the_layout_s_pattern(kind, code, ok):
    """ONS codes for areas, ODS codes for NHS organisations."""
    rows = problems_in([code], lambda values, found: cells.check_codes(values, kind, "code", found))
    assert (rows == []) == ok


def test_a_long_file_name_is_shortened_in_the_middle_and_never_a_path():
    """300 characters become 116, keeping the start and the extension; folders are dropped."""
    shown = shown_file_name("folder/" + "n" * 296 + ".csv")
    assert len(shown) == 116 and shown.startswith("nnn") and shown.endswith(".csv") and "/" not in shown
    assert upload_suffix("n" * 296 + ".CSV") == ".csv" and upload_suffix("x.c$v") == ""


def test_a_load_error_says_how_many_problems_lie_beyond_the_cap():
    """The first problems are sentences; the rest are counted in one line."""
    found = Problems("f.csv", limit=2)
    found.flag(pd.Series([True] * 5, index=range(2, 7)), "numerator", "is wrong")
    error = found.error()
    assert isinstance(error, LoadError) and error.total == 5
    assert error.sentences() == ['f.csv, row 2, column "numerator": is wrong',
                                 'f.csv, row 3, column "numerator": is wrong',
                                 "f.csv: and 3 more problems not listed"]
