"""Every file in tests/data/bad/: refused with every problem named by file, row and column, storing nothing;
or, for the `ok_` files, read correctly despite their encoding, delimiter or title lines.

What each file must give is in tests/data/bad/EXPECTED.csv (file, outcome, row, column, words).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

import store
from loaders.errors import LoadError
from loaders.pipeline import load_into, read_file, store_context
from store import queries

BAD = Path(__file__).resolve().parent / "data" / "bad"
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
