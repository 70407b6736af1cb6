"""The first page, headless with AppTest, on the bundled store, an empty store and another council."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import store
from store.settings import PROJECT_ROOT, load_settings
from tests.page_text import as_read, open_page, overview_tables


def run_dashboard(monkeypatch, db, area: str | None = None) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    if area:
        monkeypatch.setenv("PBIP_AREA_CODE", area)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = [element.value for kind in ("title", "caption", "markdown", "warning", "info", "subheader")
             for element in getattr(at, kind)]
    return as_read("\n".join(str(part) for part in parts))


class TestOverview:
    def test_lists_the_six_indicators_with_york_and_england(self, monkeypatch, built_db):
        """The first page lists the six indicators with York's and England's latest value and period."""
        at = run_dashboard(monkeypatch, built_db)
        table = overview_tables(at)[0]
        assert len(table) == 6
        assert {"York", "England", "Latest period", "Compared with England", "Data age"} <= set(table.columns)
        assert table["Details"].str.contains("per 100,000 population 18+").any()
        dtoc = table[table["Indicator"] == "Delayed transfers of care (18+)"].iloc[0]
        con = store.connect(built_db)
        york, england = con.execute(
            "SELECT max(value) FILTER (area_code = 'E06000014'), max(value) FILTER (area_code = 'E92000001') "
            "FROM observations WHERE indicator_id = 'dtoc_18' AND period_start = '2019-12-01'").fetchone()
        assert dtoc["Latest period"] == "December 2019"
        assert dtoc["York"] == f"{york:.1f}"
        assert dtoc["England"] == f"{england:.1f}"

    def test_demonstration_data_is_labelled(self, monkeypatch, built_db):
        """Demonstration indicators say so in the table and in a notice above it."""
        at = run_dashboard(monkeypatch, built_db)
        table = overview_tables(at)[0]
        assert table.loc[table["Indicator"] == "Length of stay over 7 days (65+)", "Details"].str.endswith(
            "Demonstration data").all()
        assert "Demonstration data" in text_of(at)

    def test_an_empty_store_gets_a_sentence_not_a_traceback(self, monkeypatch, empty_db):
        """With no data loaded the page says so and how to load it."""
        at = run_dashboard(monkeypatch, empty_db)
        assert "No data has been loaded" in text_of(at)
        assert len(at.dataframe) == 0
        # The store knows no area's name: each code is said once, not "E06000014 (E06000014)".
        assert as_read(at.caption[0].value).startswith("E06000014 compared with E92000001,")

    def test_the_caption_names_each_area_with_its_code(self, monkeypatch, built_db):
        at = run_dashboard(monkeypatch, built_db)
        assert as_read(at.caption[0].value).startswith("York (E06000014) compared with England (E92000001),")

    def test_a_missing_store_is_built_on_first_start(self, monkeypatch, tmp_path):
        """When the database file is missing, the first start builds it from the bundled data."""
        db = tmp_path / "first" / "pbip.duckdb"
        at = run_dashboard(monkeypatch, db)
        assert db.exists()
        assert len(overview_tables(at)[0]) == 6
        # The notice says what happened once, in words: no file path.
        notices = [str(info.value) for info in at.info]
        assert any("first start" in notice for notice in notices)
        assert not any(str(tmp_path) in notice or ".duckdb" in notice for notice in notices)


class TestChoosingTheSystem:
    def test_one_setting_makes_the_page_about_stoke(self, monkeypatch, built_db):
        """PBIP_AREA_CODE=E06000021 makes the page about Stoke-on-Trent with Stoke's own DToC rate."""
        at = run_dashboard(monkeypatch, built_db, area="E06000021")
        assert "Stoke-on-Trent" in as_read(at.title[0].value)
        table = overview_tables(at)[0]
        assert "Stoke-on-Trent" in table.columns
        dtoc = table[table["Indicator"] == "Delayed transfers of care (18+)"].iloc[0]
        con = store.connect(built_db)
        stoke = con.execute("SELECT value FROM observations WHERE indicator_id = 'dtoc_18' "
                            "AND area_code = 'E06000021' AND period_start = '2019-12-01'").fetchone()[0]
        assert dtoc["Stoke-on-Trent"] == f"{stoke:.1f}"
        york_only = table[table["Indicator"] == "Length of stay over 7 days (65+)"].iloc[0]
        assert york_only["Stoke-on-Trent"] == "— no data"

    def test_environment_overrides_the_settings_file(self, tmp_path):
        """A PBIP_* variable wins over settings.toml."""
        path = tmp_path / "settings.toml"
        path.write_text('area_code = "E06000014"\n')
        settings = load_settings(path, environ={"PBIP_AREA_CODE": "E06000021"})
        assert settings.area_code == "E06000021"
        assert settings.db_path == tmp_path / "data" / "pbip.duckdb"

    def test_a_mistyped_area_code_is_refused_with_a_sentence(self, tmp_path):
        """An area code that is not an ONS code is refused by name."""
        with pytest.raises(ValueError, match='area_code must be an ONS area code'):
            load_settings(tmp_path / "none.toml", environ={"PBIP_AREA_CODE": "York"})


PAGES = sorted(path.name for path in (PROJECT_ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_the_bundled_store(monkeypatch, built_db, page):
    """Each page runs, without an exception, to a title: the quick loop's one look at every page (the
    slower page tests walk each page's workflows)."""
    at = open_page(monkeypatch, built_db, f"pages/{page}")
    assert at.title, f"{page} shows no title"
