"""Loaders against the real bundled files, and what happens to the store when a file is bad."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import store
from loaders import LoadError, build, load_file
from loaders.bcf_targets import FILE_NAME as BCF_FILE_NAME
from loaders.build import BUNDLED, COMPARATOR_GROUPS
from loaders.layouts import detect_layout
from store import queries, writes
from store.settings import archive_dir_for

DATA = Path(__file__).resolve().parent.parent / "data"
PUBLIC = DATA / "public"
TIDY_HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"


def value(db: Path, indicator: str, area: str, period: str) -> float | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT value FROM observations WHERE indicator_id = ? AND area_code = ? "
                          "AND period_start = ?", [indicator, area, period]).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


def snapshot(db: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return queries.table_snapshot(con)
    finally:
        con.close()


def assert_unchanged(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def tidy_file(tmp_path: Path, body: str, name: str = "extract.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((TIDY_HEADER + body).encode(encoding))
    return path


class TestDelayedTransfers:
    def test_york_april_2018_is_the_cqc_peak_of_20(self, bundled_db):
        """York April 2018: 1,022 delayed days over 30 days, per 100,000 aged 18+ (2018), is 19.7."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        numerator, denominator, rate = con.execute(
            "SELECT numerator, denominator, value FROM observations WHERE indicator_id = 'dtoc_18' "
            "AND area_code = 'E06000014' AND period_start = '2018-04-01'").fetchone()
        assert numerator * 30 == pytest.approx(1022)
        assert round(numerator, 2) == 34.07
        assert denominator == 173_321
        assert round(rate, 1) == 19.7

    def test_england_july_2018_is_the_cqc_average_of_10_3(self, bundled_db):
        """England July 2018: 4,546.4 delayed days a day per 100,000 aged 18+ is 10.3."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        numerator, rate = con.execute(
            "SELECT numerator, value FROM observations WHERE indicator_id = 'dtoc_18' "
            "AND area_code = 'E92000001' AND period_start = '2018-07-01'").fetchone()
        assert round(numerator, 1) == 4546.4
        assert round(rate, 1) == 10.3

    def test_every_council_and_month_is_loaded(self, bundled_db):
        """All 105 months for York and England, and every council with an ONS code."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        months = dict(con.execute("SELECT area_code, count(*) FROM observations WHERE indicator_id = 'dtoc_18' "
                                  "AND area_code IN ('E06000014', 'E92000001') GROUP BY 1").fetchall())
        assert months == {"E06000014": 105, "E92000001": 105}
        source = pd.read_csv(PUBLIC / "nhse_dtoc_la_monthly_2011-04_2019-12.csv", dtype=str)
        expected = source["ons_code_filled"].notna().sum()
        stored = con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'dtoc_18'").fetchone()[0]
        assert stored == expected

    def test_a_missing_population_gives_an_unavailable_rate_not_a_guess(self, bundled_db):
        """Bournemouth has delayed days but no separable population: its rate is NULL, not computed."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        numerator, denominator, rate = con.execute(
            "SELECT numerator, denominator, value FROM observations WHERE indicator_id = 'dtoc_18' "
            "AND area_code = 'E06000028' AND period_start = '2018-04-01'").fetchone()
        assert numerator > 0
        assert denominator is None and rate is None

    @pytest.mark.parametrize("sheet", ["April_14.xls", "April_16.xls", "April_18.xls", "Jul_19.xls"])
    def test_the_original_spreadsheet_changes_nothing_the_csv_loaded(self, built_db, sheet):
        """Loading an NHS England LA-Type-B spreadsheet over the tidy CSV finds every value unchanged."""
        result = load_file(PUBLIC / "raw_nhse_dtoc_monthly" / sheet, built_db, "analyst")
        assert result.layout == "nhse_dtoc_la_type_b_xls"
        assert result.counts.changed == 0 and result.counts.added == 0
        assert result.counts.unchanged > 150


class TestOtherSources:
    def test_falls_matches_the_published_spot_check(self, bundled_db):
        """PHOF 22401 2017/18: York 2,230, England 2,170, as published."""
        assert value(bundled_db, "falls_admissions_65", "E06000014", "2017-04-01") == 2230
        assert value(bundled_db, "falls_admissions_65", "E92000001", "2017-04-01") == 2170

    def test_ae_proxy_sums_department_types_for_york_hospital(self, bundled_db):
        """York Teaching Hospital April 2016: type 1 (9,101) plus other (6,028) attendances."""
        assert value(bundled_db, "ae_attendances_all_trust", "RCB", "2016-04-01") == 9101 + 6028

    def test_mar_proxy_keeps_the_published_fraction(self, bundled_db):
        """MAR England November 2012 is 462003.1 as published, not rounded."""
        assert value(bundled_db, "nonelective_admissions_all_ccg", "E92000001", "2012-11-01") == 462003.1

    def test_mar_spreadsheet_agrees_with_the_tidy_csv(self, built_db):
        """The April 2018 MAR spreadsheet loads and leaves Vale of York and England unchanged."""
        before = value(built_db, "nonelective_admissions_all_ccg", "03Q", "2018-04-01")
        result = load_file(PUBLIC / "raw_nhse_mar_commissioner_monthly" / "Apr_18.xls", built_db, "analyst")
        assert result.layout == "nhse_mar_commissioner_xls"
        assert value(built_db, "nonelective_admissions_all_ccg", "03Q", "2018-04-01") == before
        assert result.counts.changed == 0

    def test_demonstration_series_are_flagged(self, bundled_db):
        """The five indicators with no public data are stored and flagged as demonstration."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        flagged = {row[0] for row in con.execute(
            "SELECT DISTINCT indicator_id FROM observations WHERE is_demonstration").fetchall()}
        assert flagged == {"ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
                           "length_of_stay_65", "readmissions_65"}


class TestLayoutDetection:
    @pytest.mark.parametrize("bundled", [path for path, _ in BUNDLED], ids=lambda p: p.name)
    def test_layout_is_recognised_by_content_not_name(self, tmp_path, bundled):
        """A bundled file renamed to something meaningless is still recognised."""
        renamed = tmp_path / "download (3).dat"
        shutil.copyfile(bundled, renamed)
        assert detect_layout(renamed).name == detect_layout(bundled).name

    def test_an_unknown_layout_is_named_as_such(self, tmp_path):
        """A CSV of something else gets a sentence listing what is expected."""
        path = tmp_path / "shopping.csv"
        path.write_text("apples,pears\n1,2\n")
        with pytest.raises(LoadError, match="not a layout the dashboard knows") as error:
            detect_layout(path)
        assert error.value.file == "shopping.csv"


class TestBuild:
    def test_build_replaces_the_file_whole(self, built_db):
        """Rebuilding over an existing store gives a store with the same observations."""
        before = snapshot(built_db)["observation_rows"]
        build(built_db)
        after = snapshot(built_db)["observation_rows"]
        assert len(before) == len(after)

    def test_every_load_is_recorded_and_audited(self, bundled_db):
        """Each bundled file has a load record and an audit line naming the user."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        loads = con.execute("SELECT file_name, loaded_by FROM loads").df()
        # The bundled files, the comparator groups, then the Better Care Fund expectations derived from them
        # (loaders/bcf_targets.py).
        expected = {path.name for path, _ in BUNDLED} | {COMPARATOR_GROUPS.name, BCF_FILE_NAME}
        assert set(loads["file_name"]) == expected
        audited = con.execute("SELECT count(*) FROM audit WHERE action = 'load' "
                              "AND user_name = 'bundled data build'").fetchone()[0]
        assert audited == len(expected)

    def test_raw_files_are_archived_by_sha256(self, bundled_db):
        """Every loaded file is kept under its sha256 next to the store."""
        con = duckdb.connect(str(bundled_db), read_only=True)
        for (sha,) in con.execute("SELECT sha256 FROM loads").fetchall():
            assert list(archive_dir_for(bundled_db).glob(f"{sha}.*"))


class TestTidyTemplate:
    def test_a_real_extract_replaces_the_demonstration_series(self, built_db, tmp_path):
        """Loading real length-of-stay values removes every demonstration row of that indicator."""
        path = tidy_file(tmp_path, "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,250,900,,\n")
        load_file(path, built_db, "analyst")
        con = duckdb.connect(str(built_db), read_only=True)
        rows = con.execute("SELECT value, is_demonstration FROM observations "
                           "WHERE indicator_id = 'length_of_stay_65'").fetchall()
        flag = con.execute("SELECT is_demonstration FROM indicators "
                           "WHERE indicator_id = 'length_of_stay_65'").fetchone()[0]
        assert rows == [(pytest.approx(250 / 900 * 100), False)]
        assert flag is False

    def test_a_changed_value_supersedes_and_keeps_the_old_one(self, built_db, tmp_path):
        """A second load with a new value changes the current value and keeps the old row as history."""
        first = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,\n", "a.csv")
        second = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,31,,,\n", "b.csv")
        load_file(first, built_db, "analyst")
        result = load_file(second, built_db, "analyst")
        assert (result.counts.changed, result.counts.added) == (1, 0)
        con = duckdb.connect(str(built_db), read_only=True)
        versions = con.execute("SELECT numerator, superseded_by IS NULL FROM observation_rows "
                               "WHERE indicator_id = 'dtoc_18' AND area_code = 'E06000014' "
                               "AND period_start = '2018-04-01' ORDER BY load_id").fetchall()
        assert versions[-2:] == [(30.0, False), (31.0, True)]

    def test_the_same_file_twice_changes_nothing(self, built_db, tmp_path):
        """Loading an identical file again reports every row unchanged and archives it once."""
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,\n")
        load_file(path, built_db, "analyst")
        again = load_file(path, built_db, "analyst")
        assert (again.counts.added, again.counts.changed, again.counts.unchanged) == (0, 0, 1)
        assert len(list(archive_dir_for(built_db).glob(f"{again.sha256}.*"))) == 1

    def test_a_suppressed_value_is_missing_with_its_reason(self, built_db, tmp_path):
        """A "*" is stored as missing with the reason "suppressed", never as 0."""
        path = tidy_file(tmp_path, "readmissions_65,E06000014,York,2018-04-01,2018-04-30,*,800,*,\n")
        load_file(path, built_db, "analyst")
        con = duckdb.connect(str(built_db), read_only=True)
        row = con.execute("SELECT numerator, value, value_note FROM observations "
                          "WHERE indicator_id = 'readmissions_65'").fetchone()
        assert row == (None, None, "suppressed")

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
    def test_bom_and_windows_encodings_are_decoded(self, built_db, tmp_path, encoding):
        """UTF-8 with a byte-order mark and Windows-1252 files load with their accents intact."""
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,Révisé\n",
                         encoding=encoding)
        load_file(path, built_db, "analyst")
        con = duckdb.connect(str(built_db), read_only=True)
        note = con.execute("SELECT value_note FROM observations WHERE indicator_id = 'dtoc_18' "
                           "AND area_code = 'E06000014' AND period_start = '2018-04-01'").fetchone()[0]
        assert note == "Révisé"


BAD_TIDY = [
    # (case, body, row, column, words in the message)
    ("not a number", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,12a,,,\n", 2, "numerator", "not a number"),
    ("negative count", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,-3,,,\n", 2, "numerator", "below 0"),
    ("unknown indicator", "dtoc_19,E06000014,York,2018-04-01,2018-04-30,3,,,\n", 2, "indicator_id",
     "not a known indicator"),
    ("unknown area", "dtoc_18,E06999999,Nowhere,2018-04-01,2018-04-30,3,,,\n", 2, "area_code",
     "not an area code"),
    ("impossible date", "dtoc_18,E06000014,York,2018-02-30,2018-02-28,3,,,\n", 2, "period_start",
     "not a valid date"),
    ("future period", "dtoc_18,E06000014,York,2999-04-01,2999-04-30,3,,,\n", 2, "period_start", "future"),
    ("percentage over 100", "readmissions_65,E06000014,York,2018-04-01,2018-04-30,,,120,\n", 2, "value",
     "above 100"),
    ("numerator above denominator", "readmissions_65,E06000014,York,2018-04-01,2018-04-30,900,800,,\n", 2,
     "numerator", "larger than the denominator"),
    ("value disagrees", "readmissions_65,E06000014,York,2018-04-01,2018-04-30,100,800,15.0,\n", 2, "value",
     "does not equal"),
    ("duplicate key", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,\n"
                      "dtoc_18,E06000014,York,2018-04-01,2018-04-30,4,,,\n", 3, "period_start", "repeats"),
    ("formula", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,=HYPERLINK(\"x\")\n", 2, "value_note",
     "formula"),
    ("script", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,<script>alert(1)</script>\n", 2, "value_note",
     "markup"),
    ("ragged row", "dtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,,,extra\n", 2, None, "cells"),
]


class TestBadInput:
    @pytest.mark.parametrize("case,body,row,column,words", BAD_TIDY, ids=[case[0] for case in BAD_TIDY])
    def test_bad_tidy_file_names_file_row_column_and_changes_nothing(self, built_db, tmp_path, case, body,
                                                                      row, column, words):
        """Each bad cell is reported where a person would find it, and the store is exactly as before."""
        # A good row first, so a partial write would show.
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-05-01,2018-05-31,99,,,\n" + body)
        before = snapshot(built_db)
        with pytest.raises(LoadError) as error:
            load_file(path, built_db, "analyst")
        assert error.value.file == "extract.csv"
        assert error.value.row == row + 1
        assert error.value.column == column
        assert words in str(error.value)
        assert str(error.value).startswith("extract.csv")
        assert_unchanged(before, snapshot(built_db))
        assert not any(archive_dir_for(built_db).glob(f"{load_sha(path)}.*"))

    def test_a_missing_column_is_named(self, built_db, tmp_path):
        """A file without period_end says which column is missing."""
        path = tmp_path / "extract.csv"
        path.write_text("indicator_id,area_code,period_start,numerator\ndtoc_18,E06000014,2018-04-01,3\n")
        with pytest.raises(LoadError, match='no column "period_end"') as error:
            load_file(path, built_db, "analyst")
        assert error.value.column == "period_end"

    def test_an_extra_column_is_named(self, built_db, tmp_path):
        """A column the template does not have is refused by name, not silently dropped."""
        path = tmp_path / "extract.csv"
        path.write_text(TIDY_HEADER.strip() + ",colour\ndtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,,red\n")
        with pytest.raises(LoadError, match='unexpected column "colour"'):
            load_file(path, built_db, "analyst")

    @pytest.mark.parametrize("content,words", [
        (b"", "empty"),
        ("indicator_id,area_code\n".encode("utf-16"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 600, "not a layout"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"indicator_id,area_code,area_name,period_start,period_end\n\x81\x8d\x8f\x90\x9d\n", "encoding"),
    ], ids=["empty", "utf-16", "fake spreadsheet", "binary", "unknown encoding"])
    def test_files_that_are_not_csv_text_get_a_sentence(self, built_db, tmp_path, content, words):
        """Empty, UTF-16, binary and undecodable files are refused with a clear reason."""
        path = tmp_path / "upload.csv"
        path.write_bytes(content)
        before = snapshot(built_db)
        with pytest.raises(LoadError, match=words):
            load_file(path, built_db, "analyst")
        assert_unchanged(before, snapshot(built_db))

    def test_a_file_above_the_size_limit_is_refused_before_reading(self, built_db, tmp_path):
        """A file over the limit is refused by its size alone."""
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,3,,,\n" * 20000)
        with pytest.raises(LoadError, match="above the 0.5 MB limit"):
            load_file(path, built_db, "analyst", size_limit_mb=0.5)

    def test_a_failure_while_writing_rolls_everything_back(self, built_db, tmp_path, monkeypatch):
        """If the database write fails halfway, no row, load record, audit line or archive remains."""
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,\n")
        before = snapshot(built_db)

        original = writes.store_observations

        def fail_after_writing(*args, **kwargs):
            original(*args, **kwargs)
            raise OSError("disk full")

        monkeypatch.setattr(writes, "store_observations", fail_after_writing)
        with pytest.raises(OSError, match="disk full"):
            load_file(path, built_db, "analyst")
        assert_unchanged(before, snapshot(built_db))
        assert not any(archive_dir_for(built_db).glob(f"{load_sha(path)}.*"))

    def test_a_load_must_name_its_user(self, built_db, tmp_path):
        """An anonymous load is refused."""
        path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,\n")
        with pytest.raises(ValueError, match="name the user"):
            load_file(path, built_db, " ")


def load_sha(path: Path) -> str:
    from loaders.pipeline import sha256_of
    return sha256_of(path)


def test_loads_record_the_user_in_the_audit(built_db, tmp_path):
    """The audit line of a load names the user who made it and what it did."""
    path = tidy_file(tmp_path, "dtoc_18,E06000014,York,2018-04-01,2018-04-30,30,,,\n")
    result = load_file(path, built_db, "jane.analyst")
    con = store.connect(built_db)
    user, detail = con.execute("SELECT user_name, detail FROM audit WHERE load_id = ?",
                               [result.load_id]).fetchone()
    assert user == "jane.analyst"
    assert '"changed": 1' in detail
