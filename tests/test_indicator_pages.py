"""Every page headless with AppTest: the small store built from code, the bundled store for its real figures,
an empty store, another council, odd data."""

from __future__ import annotations

import pytest

import store
from store import indicators as store_indicators
from store.roles import User
from store.settings import PROJECT_ROOT
from tests.page_text import charts_of, html_of, open_page, overview_tables, text_of

PAGES = ["pages/overview.py", "pages/indicator.py", "pages/about.py"]


def db_value(db, indicator: str, area: str, period: str) -> float:
    con = store.connect(db)
    try:
        return con.execute("SELECT value FROM observations WHERE indicator_id = ? AND area_code = ? "
                           "AND period_start = ?", [indicator, area, period]).fetchone()[0]
    finally:
        con.close()


class TestEveryPage:
    @pytest.mark.parametrize("page", PAGES)
    def test_runs_on_the_small_store(self, monkeypatch, small_store_db, page):
        """Each page runs on the small store built from code and has a title."""
        at = open_page(monkeypatch, small_store_db, page)
        assert at.title and at.title[0].value

    @pytest.mark.parametrize("page", PAGES)
    def test_an_empty_store_gets_a_sentence(self, monkeypatch, empty_db, page):
        """Each page on an empty store says in words that no data is loaded."""
        at = open_page(monkeypatch, empty_db, page)
        assert "No data has been loaded" in text_of(at)

    @pytest.mark.parametrize("page", PAGES)
    def test_presentation_mode_is_remembered_in_the_url(self, monkeypatch, small_store_db, page):
        """?presentation=1 turns the toggle on and stays in the URL."""
        at = open_page(monkeypatch, small_store_db, page, presentation="1")
        assert at.toggle(key="presentation_toggle").value is True
        assert at.query_params.get("presentation") in ("1", ["1"])


class TestOverviewPage:
    def test_shows_the_call_icons_trend_and_age(self, monkeypatch, built_db):
        """The overview rows say how York compares, the variation and assurance in words, a trend and data age."""
        at = open_page(monkeypatch, built_db, "pages/overview.py")
        table = overview_tables(at)[0]
        assert {"Compared with England", "Variation", "Assurance", "Trend", "Data age", "Plan actions",
                "Open"} <= set(table.columns)
        dtoc = table[table["Indicator"] == "Delayed transfers of care (18+)"].iloc[0]
        assert dtoc["Compared with England"] == "– Not compared"
        assert dtoc["Variation"].split(" ", 1)[1].startswith(("Common cause", "Improving", "Concern"))
        # The Better Care Fund's 9.4 lies within York's process limits (worked in tests/test_assurance.py).
        assert dtoc["Assurance"] == "Target hit and miss"
        # Judged by the publisher's schedule: NHS England stopped the collection after February 2020.
        assert dtoc["Data age"].startswith("Collection ended February 2020")
        assert "60 periods" in html_of(at)
        assert dtoc["Open"] == "indicator?indicator=dtoc_18"
        assert "The six indicators:" in text_of(at) and "stable" in text_of(at)

    def test_presentation_mode_uses_a_large_type_table(self, monkeypatch, small_store_db):
        """In presentation mode the tables are HTML tables that take the projector font sizes."""
        at = open_page(monkeypatch, small_store_db, "pages/overview.py", presentation="1")
        tables = overview_tables(at)
        assert len(tables) == 2 and len(at.dataframe) == 0
        assert "Trend" not in tables[0].columns and "presentation=1" in html_of(at)


class TestIndicatorPage:
    def test_dtoc_shows_york_and_england_and_why_it_is_not_tested(self, monkeypatch, built_db):
        """The DToC page gives York's and England's December 2019 values and says no test applies."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="dtoc_18")
        text = text_of(at)
        york = db_value(built_db, "dtoc_18", "E06000014", "2019-12-01")
        england = db_value(built_db, "dtoc_18", "E92000001", "2019-12-01")
        assert f"December 2019: York {york:.1f}, England {england:.1f}: not compared" in text
        assert "average per day" in text
        assert "Definition" in text and "ONS mid-year population estimate aged 18+" in text
        assert len(charts_of(at)) == 1

    def test_a_percentage_is_tested_with_wilson(self, monkeypatch, built_db):
        """Length of stay names the Wilson score method and gives a significance call."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="length_of_stay_65")
        text = text_of(at)
        assert "Wilson score method" in text
        assert any(word in text for word in ("significantly better", "significantly worse", "similar"))
        assert "Demonstration data" in text

    def test_a_rate_is_tested_with_byar(self, monkeypatch, small_store_db):
        """A&E attendances 65+ (a rate with counts) names Byar's method."""
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="ae_attendances_65")
        assert "Byar's method" in text_of(at)

    def test_an_indicator_without_an_england_series_is_shown_alone(self, monkeypatch, built_db):
        """The trust proxy without its 2021-2025 load (which holds England's sum) has no England series: the page
        says so and shows the trust alone."""
        from store.loads import undo_load

        con = store.connect(built_db)
        (load_id,) = con.execute("SELECT load_id FROM loads WHERE file_name LIKE "
                                 "'healthyr_england_trust_accidents_emergency%'").fetchone()
        undo_load(con, load_id, user="test", archive_dir=built_db.parent / "archive")
        con.close()
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="ae_attendances_all_trust")
        text = text_of(at)
        assert "England has no series for this indicator" in text
        assert "Proxy" in text

    def test_a_short_series_has_trial_limits_said_so(self, monkeypatch, small_store_db):
        """Falls (8 annual points) says its limits are trial limits."""
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="falls_admissions_65")
        assert "Trial limits" in text_of(at)

    def test_a_missing_month_is_named(self, monkeypatch, small_store_db):
        """A month missing from York's series is named under the chart, and the page still draws."""
        con = store.connect(small_store_db)
        con.execute("UPDATE observation_rows SET superseded_by = 0 WHERE indicator_id = 'dtoc_18' "
                    "AND area_code = 'E06000014' AND period_start = '2018-06-01'")
        con.close()
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="dtoc_18")
        assert "Missing periods" in text_of(at) and "Jun 2018" in text_of(at)

    def test_an_unknown_indicator_is_a_sentence(self, monkeypatch, small_store_db):
        """?indicator=nonsense says there is no such indicator and falls back to the first."""
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="nonsense")
        assert 'There is no indicator called "nonsense"' in text_of(at)

    def test_another_comparator_can_be_chosen(self, monkeypatch, built_db):
        """Choosing Stoke-on-Trent as comparator puts Stoke's value in the summary."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="dtoc_18")
        at.selectbox(key="comparator_dtoc_18").set_value("E06000021").run()
        stoke = db_value(built_db, "dtoc_18", "E06000021", "2019-12-01")
        assert f"Stoke-on-Trent {stoke:.1f}" in text_of(at)

    def test_stoke_setting_shows_stokes_dtoc(self, monkeypatch, built_db):
        """PBIP_AREA_CODE=E06000021 makes the DToC page about Stoke-on-Trent with Stoke's values."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", area="E06000021", indicator="dtoc_18")
        stoke = db_value(built_db, "dtoc_18", "E06000021", "2019-12-01")
        assert f"December 2019: Stoke-on-Trent {stoke:.1f}" in text_of(at)

    def test_a_stored_rebase_date_is_shown(self, monkeypatch, small_store_db):
        """A rebase date in the store is listed on the page with its reason."""
        con = store.connect(small_store_db)
        import datetime
        store_indicators.add_rebase_date(con, indicator_id="dtoc_18", area_code="E06000014",
                                         rebase_date=datetime.date(2018, 4, 1), reason="PBIP established",
                                         user=User("test analyst", "analyst"))
        con.close()
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="dtoc_18")
        assert "Rebase dates: Apr 2018 (PBIP established, set by test analyst)" in text_of(at)

    def test_only_an_analyst_may_set_a_rebase_date(self, monkeypatch, small_store_db):
        """The store refuses a viewer; the page shows the form only to a signed-in analyst."""
        con = store.connect(small_store_db)
        import datetime
        with pytest.raises(PermissionError):
            store_indicators.add_rebase_date(con, indicator_id="dtoc_18", area_code="E06000014",
                                             rebase_date=datetime.date(2018, 4, 1), reason="PBIP established",
                                             user=User("vic", "viewer"))
        assert con.execute("SELECT count(*) FROM rebase_dates").fetchone()[0] == 0
        con.close()
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="dtoc_18")
        assert not [e for e in at.get("expander") if "rebase" in str(e.proto.label).lower()]

    def test_the_chart_is_a_picture_until_interactive_charts_is_turned_on(self, monkeypatch, small_store_db):
        """A picture by default (no plotly for the browser to load); the sidebar's switch brings plotly's hover and
        zoom for the rest of the session, on this page and the next; off again, a picture."""
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="dtoc_18")
        assert [c.type for c in charts_of(at)] == ["html"]
        toggle = next(t for t in at.sidebar.toggle if t.label == "Interactive charts")
        toggle.set_value(True).run()
        assert [c.type for c in charts_of(at)] == ["plotly_chart"] and not at.exception
        at.switch_page("pages/recommendation.py")
        at.query_params["ref"] = "R10"
        at.run()
        assert {c.type for c in charts_of(at)} == {"plotly_chart"}
        next(t for t in at.sidebar.toggle if t.label == "Interactive charts").set_value(False).run()
        assert {c.type for c in charts_of(at)} == {"html"}

    def test_the_download_is_offered(self, monkeypatch, small_store_db):
        """The data behind the chart can be downloaded as CSV."""
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="dtoc_18")
        assert at.get("download_button")


class TestStokeOverview:
    def test_overview_for_stoke_shows_stokes_dtoc(self, monkeypatch, built_db):
        """With PBIP_AREA_CODE=E06000021 the overview's DToC row holds Stoke's value."""
        at = open_page(monkeypatch, built_db, "pages/overview.py", area="E06000021")
        table = overview_tables(at)[0]
        dtoc = table[table["Indicator"] == "Delayed transfers of care (18+)"].iloc[0]
        assert dtoc["Stoke-on-Trent"] == f"{db_value(built_db, 'dtoc_18', 'E06000021', '2019-12-01'):.1f}"


class TestAboutPage:
    def test_says_who_maintains_it_and_the_data_status(self, monkeypatch, built_db):
        """About names the maintainer, the sources, the last refresh and each indicator's status."""
        at = open_page(monkeypatch, built_db, "pages/about.py")
        text = text_of(at)
        assert "Place Based Improvement Partnership" in text and "Last refresh:" in text
        status = at.dataframe[0].value
        assert len(status) == len((PROJECT_ROOT / "data" / "indicators.csv").read_text().splitlines()) - 1
        assert status.loc[status["Indicator"] == "Delayed transfers of care (18+)", "Latest period"].iloc[0] \
            == "December 2019"
        assert set(status["Kind"]) == {"Demonstration data", "Proxy", "Published data"}
