"""Issue 22 (1): one stored row must not take the dashboard down, and no impossible number is stored.

A tidy row with a denominator of 1e-320 gave an infinite value that the SPC engine refused on every page;
a falls rate of -1e308 showed as a 309-digit number "Improving". Now the loaders refuse both by name, and
a store that already holds such a value (written before, or changed by hand) costs only that series a
sentence.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import store
from analysis.assess import assess
from loaders.errors import LoadError
from loaders.pipeline import load_into
from possible_values import upper_bound
from store.assessment import assessment_inputs
from tests.page_text import open_page, text_of

TIDY_HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"


def _load(db, tmp_path, rows: str):
    path = tmp_path / "extract.csv"
    path.write_text(TIDY_HEADER + rows)
    con = store.open_store(db)
    try:
        return load_into(con, path, user="tester", archive_dir=tmp_path / "archive")
    finally:
        con.close()


class TestImpossibleNumbersAreRefused:
    def test_a_denominator_near_zero_is_a_named_error(self, small_store_db, tmp_path):
        with pytest.raises(LoadError) as raised:
            _load(small_store_db, tmp_path,
                  "readmissions_65,E06000014,York,2018-01-01,2018-01-31,5,1e-320,,\n")
        text = str(raised.value)
        assert "row 2" in text and "not a finite number" in text

    def test_a_huge_negative_rate_is_a_named_error(self, small_store_db, tmp_path):
        with pytest.raises(LoadError) as raised:
            _load(small_store_db, tmp_path, "ae_attendances_65,E06000014,York,2018-01-01,2018-01-31,,,-1e308,\n")
        assert 'column "value"' in str(raised.value) and "not possible for ae_attendances_65" in str(raised.value)

    def test_a_percentage_above_100_and_a_huge_count_are_refused(self, small_store_db, tmp_path):
        with pytest.raises(LoadError) as raised:
            _load(small_store_db, tmp_path,
                  "length_of_stay_65,E06000014,York,2018-01-01,2018-01-31,,,101,\n"
                  "ae_attendances_65,E06000014,York,2018-02-01,2018-02-28,1e300,40000,,\n")
        text = str(raised.value)
        assert "row 2" in text and "row 3" in text

    def test_a_possible_value_still_loads(self, small_store_db, tmp_path):
        result = _load(small_store_db, tmp_path, "ae_attendances_65,E06000014,York,2010-01-01,2010-01-31,,,24.5,\n")
        assert result.rows == 1

    def test_the_bounds_follow_the_kind(self):
        assert upper_bound("percentage", 100) == 100
        assert upper_bound("rate", 1000) == 10_000
        assert upper_bound("count", 1) >= 1e9


def _tamper(db, indicator: str, area: str, value: float) -> None:
    """Write an impossible value straight into the file, as an older version or a DuckDB client could."""
    con = store.connect(db)
    try:
        con.execute("""UPDATE observation_rows SET value = ?, numerator = NULL, denominator = NULL
                       WHERE indicator_id = ? AND area_code = ? AND superseded_by IS NULL
                         AND period_start = (SELECT max(period_start) FROM observation_rows
                                             WHERE indicator_id = ? AND area_code = ?)""",
                    [value, indicator, area, indicator, area])
        con.execute("CHECKPOINT")
    finally:
        con.close()


@pytest.fixture
def tampered_db(small_store_db):
    _tamper(small_store_db, "length_of_stay_65", "E06000014", math.inf)
    _tamper(small_store_db, "ae_attendances_65", "E06000014", -1e308)
    _tamper(small_store_db, "dtoc_18", "E92000001", math.nan)
    return small_store_db


class TestAStoredImpossibleValue:
    def test_the_assessment_leaves_it_out_with_a_sentence(self, tampered_db):
        con = store.connect(tampered_db)
        try:
            inputs = assessment_inputs(con, "length_of_stay_65", "E06000014", "E92000001")
        finally:
            con.close()
        a = assess(**inputs, today=pd.Timestamp("2020-01-01").date())
        assert a.impossible_values == 1
        assert "not possible" in a.summary
        assert a.latest is not None and math.isfinite(a.latest.value)

    @pytest.mark.parametrize("page", ["pages/overview.py", "pages/board.py", "pages/plan.py"])
    def test_every_page_runs(self, monkeypatch, tampered_db, page):
        at = open_page(monkeypatch, tampered_db, page)
        assert at.title

    @pytest.mark.parametrize("indicator", ["length_of_stay_65", "ae_attendances_65", "dtoc_18"])
    def test_the_indicator_page_says_so_and_never_a_309_digit_number(self, monkeypatch, tampered_db, indicator):
        at = open_page(monkeypatch, tampered_db, "pages/indicator.py", indicator=indicator)
        text = text_of(at)
        assert "1000000000000000000000" not in text and "inf" not in text.replace("information", "")
        if indicator != "dtoc_18":
            assert "not possible" in text

    def test_the_peers_page_runs(self, monkeypatch, tampered_db):
        at = open_page(monkeypatch, tampered_db, "pages/peers.py")
        assert at.title
