"""Every file in tests/data/bad/: refused with every problem named by file, row and column, storing nothing;
or, for the `ok_` files, read correctly despite their encoding, delimiter or title lines.

What each file must give is in tests/data/bad/EXPECTED.csv (file, outcome, row, column, words).
"""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

import store
from loaders.errors import LoadError
from loaders.pipeline import load_into, read_file, store_context
from loaders.tidy import TEMPLATE_AREA_CODE
from store import queries
from store.settings import PROJECT_ROOT

BAD = Path(__file__).resolve().parent / "data" / "bad"
TEMPLATE = PROJECT_ROOT / "data" / "templates" / "tidy_template_example.csv"
EXPECTED = pd.read_csv(BAD / "EXPECTED.csv", dtype=str, keep_default_na=False)
REFUSED = EXPECTED[EXPECTED["outcome"] == "refused"].to_dict("records")
ACCEPTED = EXPECTED[EXPECTED["outcome"] == "accepted"].to_dict("records")


def test_every_file_in_the_corpus_has_an_expectation():
    """No file in tests/data/bad/ goes untested."""
    files = {path.name for path in BAD.iterdir() if path.name != "EXPECTED.csv"}
    assert files == set(EXPECTED["file"])


@pytest.fixture(scope="module")
def loaded(bundled_db, tmp_path_factory):
    """One writable copy of the bundled store, its contents before anything, and its archive folder."""
    folder = tmp_path_factory.mktemp("bad_files")
    path = folder / "pbip.duckdb"
    shutil.copyfile(bundled_db, path)
    con = store.connect(path)
    yield con, queries.table_snapshot(con), folder / "archive"
    con.close()


@pytest.mark.parametrize("case", REFUSED, ids=[case["file"] for case in REFUSED])
def test_a_bad_file_is_refused_and_nothing_changes(loaded, case):
    """The error names the file, row and column; every table is as before; nothing is archived."""
    con, before, archive = loaded
    limit = float(case["limit_mb"]) if case["limit_mb"] else 50.0
    with pytest.raises(LoadError) as raised:
        load_into(con, BAD / case["file"], user="tester", archive_dir=archive, size_limit_mb=limit)
    error = raised.value
    assert error.file == case["file"]
    assert str(error).startswith(case["file"])
    assert case["words"] in str(error)
    assert error.row == (int(case["row"]) if case["row"] else None)
    assert error.column == (case["column"] or None)
    after = queries.table_snapshot(con)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
    assert not archive.exists() or not any(archive.iterdir())


@pytest.mark.parametrize("case", ACCEPTED, ids=[case["file"] for case in ACCEPTED])
def test_an_awkward_but_valid_file_is_read_correctly(loaded, case):
    """UTF-8 with BOM, Windows-1252, semicolons, tabs and title lines above the header are all read."""
    con, _, _ = loaded
    extract = read_file(BAD / case["file"], store_context(con))
    row = extract.observations.set_index("source_row").loc[int(case["row"])]
    if case["column"] == "numerator" and case["words"]:
        assert row["numerator"] == float(case["words"])
    elif case["words"]:
        assert row[case["column"]] == case["words"]
    else:
        assert math.isnan(row["numerator"])


@pytest.mark.parametrize("row,reason", [(2, "suppressed"), (3, "not available"), (4, "not available"),
                                        (5, "blank")])
def test_suppressed_values_are_missing_with_their_reason_never_zero(loaded, row, reason):
    """`*`, `-`, `..` and blank become missing values with the reason, not 0."""
    con, _, _ = loaded
    observations = read_file(BAD / "ok_suppressed.csv", store_context(con)).observations.set_index("source_row")
    assert math.isnan(observations.loc[row, "numerator"]) and math.isnan(observations.loc[row, "value"])
    assert observations.loc[row, "value_note"] == reason


def test_a_value_given_without_its_counts_has_no_missing_reason(loaded, tmp_path):
    """A published rate with blank counts is a value, not a suppressed cell."""
    con, _, _ = loaded
    extract = tmp_path / "rate_only.csv"
    extract.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,"
                       "value_note\nlength_of_stay_65,E06000014,York,2018-04-01,2018-04-30,,,28.1,\n")
    row = read_file(extract, store_context(con)).observations.iloc[0]
    assert row["value"] == 28.1 and row["value_note"] is None


TIDY_HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
# The bound for any file, however hostile; the work itself takes a fraction of it.
REFUSED_WITHIN_SECONDS = 5


def _xlsx_bomb(path: Path, unpacked_mb: int) -> Path:
    """An .xlsx of a few hundred KB whose one sheet unpacks to `unpacked_mb` MB of identical cells."""
    import zipfile

    cell = b'<c t="inlineStr"><is><t>0</t></is></c>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
                         '.org/package/2006/content-types"/>')
        package.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            row = b"<row>" + cell * 1000 + b"</row>"
            for _ in range(unpacked_mb * 1024 * 1024 // len(row) + 1):
                sheet.write(row)
    return path


class TestBoundedWork:
    def test_a_row_of_a_million_extra_commas_is_refused_within_five_seconds(self, loaded, tmp_path):
        """The row is named with its cell count; nothing is taken as an index, and the cost stays linear."""
        con, _, _ = loaded
        path = tmp_path / "commas.csv"
        path.write_text(TIDY_HEADER + "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,250,900,,"
                        + "," * 1_000_000 + "\n")
        started = time.perf_counter()
        with pytest.raises(LoadError, match="row 2: has 1,000,009 cells where the header has 9"):
            read_file(path, store_context(con))
        assert time.perf_counter() - started < REFUSED_WITHIN_SECONDS

    def test_every_row_with_extra_commas_is_named(self, loaded, tmp_path):
        """Two long rows among good ones: both are named, the good ones are not."""
        con, _, _ = loaded
        good = "length_of_stay_65,E06000014,York,2018-0{m}-01,2018-0{m}-28,250,900,,"
        path = tmp_path / "ragged.csv"
        path.write_text(TIDY_HEADER + "\n".join([good.format(m=4), good.format(m=5) + ",,,", good.format(m=6),
                                                 good.format(m=7) + ",x"]) + "\n")
        with pytest.raises(LoadError) as raised:
            read_file(path, store_context(con))
        assert [(problem.row, problem.reason) for problem in raised.value.problems] == [
            (3, "has 12 cells where the header has 9"), (5, "has 10 cells where the header has 9")]

    @pytest.mark.parametrize("unpacked_mb,words", [(100, "above the 64 MB limit"), (8, "as a zip bomb does")])
    def test_an_xlsx_bomb_is_refused_within_five_seconds(self, loaded, tmp_path, unpacked_mb, words):
        """A small .xlsx that unpacks to far more is refused from the zip's directory, before unpacking."""
        con, before, archive = loaded
        bomb = _xlsx_bomb(tmp_path / "bomb.xlsx", unpacked_mb)
        assert bomb.stat().st_size < 2 * 1024 * 1024
        started = time.perf_counter()
        with pytest.raises(LoadError, match=words):
            load_into(con, bomb, user="tester", archive_dir=archive)
        assert time.perf_counter() - started < REFUSED_WITHIN_SECONDS
        after = queries.table_snapshot(con)
        for name in before:
            pd.testing.assert_frame_equal(before[name], after[name], obj=name)


class TestEveryProblem:
    def test_problems_beyond_the_cap_are_counted_not_listed(self, loaded, tmp_path):
        """A file with 200 bad numbers lists the first 50 in row order and says how many more there are."""
        con, _, _ = loaded
        path = tmp_path / "many.csv"
        path.write_text(TIDY_HEADER + "".join(f"length_of_stay_65,E06000014,York,20{10 + n // 12}-"
                                              f"{n % 12 + 1:02d}-01,20{10 + n // 12}-{n % 12 + 1:02d}-28,x{n},900,,\n"
                                              for n in range(200)))
        with pytest.raises(LoadError) as raised:
            read_file(path, store_context(con))
        error = raised.value
        assert [problem.row for problem in error.problems] == list(range(2, 52))
        assert error.more == 150 and error.total == 200
        assert error.sentences()[-1] == "many.csv: and 150 more problems not listed"

    def test_problems_in_different_columns_and_checks_are_all_listed(self, loaded, tmp_path):
        """A bad number, an unknown indicator and a bad date in three rows are three sentences, in row order."""
        con, _, _ = loaded
        path = tmp_path / "three.csv"
        path.write_text(TIDY_HEADER + "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,12a,900,,\n"
                        "bed_days_99,E06000014,York,2018-05-01,2018-05-31,250,900,,\n"
                        "length_of_stay_65,E06000014,York,2018-02-30,2018-06-30,250,900,,\n")
        with pytest.raises(LoadError) as raised:
            read_file(path, store_context(con))
        assert [(problem.row, problem.column) for problem in raised.value.problems] == [
            (2, "numerator"), (3, "indicator_id"), (4, "period_start")]

    def test_the_command_line_prints_every_problem(self, bundled_db, tmp_path, capsys):
        """`python -m loaders load` prints the same list as the page, one sentence a line, and stores nothing."""
        from loaders.__main__ import main

        db = tmp_path / "pbip.duckdb"
        shutil.copyfile(bundled_db, db)
        status = main(["load", str(BAD / "every_problem_listed.csv"), "--db", str(db), "--user", "tester"])
        lines = capsys.readouterr().err.splitlines()
        assert status == 1
        assert lines == [
            "error: every_problem_listed.csv cannot be loaded (2 problems); nothing was stored:",
            'error: every_problem_listed.csv, row 2, column "numerator": "12a" is not a number',
            'error: every_problem_listed.csv, row 4, column "numerator": "-5" is below 0, which is impossible here']


class TestTemplate:
    def test_the_template_uploaded_unchanged_is_refused_with_a_sentence(self, loaded):
        """Its example rows use an area that exists nowhere, so it can never overwrite real figures."""
        con, _, _ = loaded
        with pytest.raises(LoadError, match="is the downloadable template with only its example rows") as raised:
            read_file(TEMPLATE, store_context(con))
        assert raised.value.total == 1

    def test_an_example_row_left_among_real_ones_is_named(self, loaded, tmp_path):
        """One real row and one example row: the example row is refused by its row number."""
        con, _, _ = loaded
        example = TEMPLATE.read_text().splitlines()[1]
        path = tmp_path / "half_done.csv"
        path.write_text(TIDY_HEADER + "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,250,900,,\n"
                        + example + "\n")
        with pytest.raises(LoadError, match="template's example area") as raised:
            read_file(path, store_context(con))
        assert (raised.value.row, raised.value.column) == (3, "area_code")

    def test_the_template_with_its_area_code_replaced_is_read(self, loaded, tmp_path):
        """The example rows become real once the analyst gives them a real area."""
        con, _, _ = loaded
        path = tmp_path / "filled.csv"
        path.write_text(TEMPLATE.read_text().replace(TEMPLATE_AREA_CODE, "E06000014"))
        assert set(read_file(path, store_context(con)).observations["area_code"]) == {"E06000014"}


def test_a_lower_case_spaced_code_is_york_not_a_second_york(bundled_db, tmp_path):
    """"e06 000014" is stored as E06000014: no new area appears."""
    db = tmp_path / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    con = store.connect(db)
    try:
        areas = con.execute("SELECT count(*) FROM areas").fetchone()[0]
        load_into(con, BAD / "ok_dtoc_lowercase_spaced_code.csv", user="tester", archive_dir=tmp_path / "archive")
        assert con.execute("SELECT count(*) FROM areas").fetchone()[0] == areas
        assert not con.execute("SELECT 1 FROM observation_rows WHERE area_code <> upper(replace(area_code, ' ', ''))"
                               ).fetchone()
    finally:
        con.close()
