"""Every page on the small store built from code (tests/small_store.py), with the figures worked out by hand.

These tests do not move when the bundled data changes: every value they expect follows from the few
series tests/small_store.py writes (its docstring gives the arithmetic).
"""

from __future__ import annotations

import pytest

import store
from store import indicators as store_indicators
from store.roles import User
from tests import small_store as small
from tests.page_text import as_read, charts_of, html_tables, open_page, overview_tables, text_of

SMALL_INDICATORS = ["length_of_stay_65", "ae_attendances_65", "dtoc_18", "falls_admissions_65"]
PAGES = ["pages/overview.py", "pages/board.py", "pages/plan.py", "pages/upload.py", "pages/about.py"]


def overview_row(at, indicator_id: str):
    """The overview's row for one indicator, found by its link (names are the definitions' to change)."""
    for table in overview_tables(at):
        found = table[table["Open"] == f"indicator?indicator={indicator_id}"]
        if len(found):
            return found.iloc[0]
    raise AssertionError(f"no overview row links to {indicator_id}")


def html_of(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def data_table(at):
    """The indicator page's table of the data behind the chart, its expander opened (it runs only when open)."""
    at.session_state["indicator_data_open"] = True
    at.run()
    assert not at.exception, at.exception
    return next(e.value for e in at.dataframe if "Mean" in e.value.columns)


class TestTheSmallStore:
    def test_is_loaded_by_the_projects_loaders_and_archived(self, tmp_path):
        """Four loads through the real layouts, each raw file archived by sha256 and the loads journalled."""
        path = small.build_small_store(tmp_path / "small.duckdb")
        con = store.connect(path)
        try:
            loaded = con.execute("SELECT loader, row_count FROM loads ORDER BY load_id").fetchall()
        finally:
            con.close()
        # Populations: 2 councils and England x 3 years x 3 bands; DToC: 3 areas x 24 months; falls: 4 areas x
        # 8 years; the tidy file: 7 series x 24 months.
        assert loaded == [("ons_population_csv", 27), ("nhse_dtoc_tidy_csv", 72), ("fingertips_falls_csv", 32),
                          ("tidy_template_csv", 168)]
        archive = tmp_path / "small_archive"
        assert len(list(archive.glob("*.csv"))) == 4 and (archive / "journal.jsonl").is_file()


class TestEveryPageRuns:
    @pytest.mark.parametrize("page", PAGES)
    def test_runs_on_the_small_store(self, monkeypatch, small_db, page):
        """Each page runs through dashboard.py on the small store, with no exception, and has a title."""
        at = open_page(monkeypatch, small_db, page)
        assert at.title and at.title[0].value

    @pytest.mark.parametrize("indicator", SMALL_INDICATORS)
    def test_every_indicator_of_the_small_store_has_its_page(self, monkeypatch, small_db, indicator):
        """The indicator page of each series in the small store draws its chart and its data table."""
        at = open_page(monkeypatch, small_db, "pages/indicator.py", indicator=indicator)
        assert at.query_params.get("indicator") in (indicator, [indicator])
        assert len(charts_of(at)) == 1
        assert not any("Mean" in e.value.columns for e in at.dataframe)  # the table waits in its expander
        assert len(data_table(at)) == (8 if indicator == "falls_admissions_65" else 24)

    def test_a_recommendation_page_runs(self, monkeypatch, small_db):
        """Recommendation R1 runs and names itself."""
        at = open_page(monkeypatch, small_db, "pages/recommendation.py", ref="R1")
        assert at.title[0].value == "Recommendation 1"


class TestOverviewOnTheSmallStore:
    def test_a_percentage_worse_than_england_and_a_concern(self, monkeypatch, small_db):
        """Length of stay: York 300 of 1,000 (30.0%) against England's 20.0%, significantly worse; the
        shift up over the last 8 months is a concern, high; R1's actions are 1 Red, 1 Green, 1 Blue."""
        at = open_page(monkeypatch, small_db, "pages/overview.py")
        row = overview_row(at, "length_of_stay_65")
        assert row["Latest period"] == "March 2019"
        assert (row["York"], row["England"]) == ("30.0%", "20.0%")
        assert row["Compared with England"] == "Worse (significant)"
        assert row["Variation"] == "▲ Concern (special cause, high)"
        assert row["Plan actions"] == "1 Red, 1 Green, 1 Blue"

    def test_a_rate_better_than_england_and_common_cause(self, monkeypatch, small_db):
        """A&E attendances 65+: York 1,000 per 40,000 (25.0 per 1,000) against England's 30.0, significantly
        better; a series alternating about its mean is common cause."""
        at = open_page(monkeypatch, small_db, "pages/overview.py")
        row = overview_row(at, "ae_attendances_65")
        assert (row["York"], row["England"]) == ("25.0", "30.0")
        assert row["Compared with England"] == "Better (significant)"
        assert row["Variation"] == "● Common cause: no significant change"
        assert row["Plan actions"] == "No plan actions linked yet"

    def test_delayed_transfers_come_from_the_populations(self, monkeypatch, small_db):
        """DToC March 2019: York 18 days a day per 100,000 aged 18+ (18.0), England 27 per 300,000 (9.0);
        an average per day is not compared; R2's actions are 1 Amber, 1 Grey."""
        at = open_page(monkeypatch, small_db, "pages/overview.py")
        row = overview_row(at, "dtoc_18")
        assert (row["Latest period"], row["York"], row["England"]) == ("March 2019", "18.0", "9.0")
        assert row["Compared with England"] == "– Not compared"
        assert row["Plan actions"] == "1 Amber, 1 Grey"

    def test_falls_show_the_publishers_comparison(self, monkeypatch, small_db):
        """Falls 2017/18: York 2,250 and England 2,100 as published, with Fingertips' "Worse" shown."""
        at = open_page(monkeypatch, small_db, "pages/overview.py")
        row = overview_row(at, "falls_admissions_65")
        assert (row["Latest period"], row["York"], row["England"]) == ("2017/18", "2,250", "2,100")
        assert row["Compared with England"] == "Worse (significant)"

    def test_the_headline_counts_the_calls(self, monkeypatch, small_db):
        """Of the CQC indicators held, one is concerning, one significantly better and one significantly worse."""
        text = text_of(open_page(monkeypatch, small_db, "pages/overview.py"))
        assert "0 improving, 1 concerning" in text
        assert "1 significantly better, 0 similar, 1 significantly worse" in text


class TestIndicatorPageOnTheSmallStore:
    def test_the_summary_gives_the_values_the_call_and_the_signal(self, monkeypatch, small_db):
        """Length of stay says York's and England's March 2019 values, the Wilson call at both levels, and
        the special cause since the shift began in August 2018."""
        text = text_of(open_page(monkeypatch, small_db, "pages/indicator.py", indicator="length_of_stay_65"))
        assert "March 2019: York 30.0%, England 20.0%: significantly worse (also at 99.8%)." in text
        assert "Concern (special cause, high)" in text
        assert "August 2018" in text
        assert "Wilson score method" in text

    def test_the_mean_is_that_of_the_whole_series(self, monkeypatch, small_db):
        """With no rebase, every row's mean is 6,400 of 24,000 (26.7%), and the last 8 months are concerns."""
        table = data_table(open_page(monkeypatch, small_db, "pages/indicator.py", indicator="length_of_stay_65"))
        assert set(table["Mean"]) == {"26.7%"}
        assert list(table["Point"].iloc[-8:]) == ["Special cause concern"] * 8
        assert table["York value"].iloc[-1] == "30.0%"

    def test_a_rebase_date_changes_the_mean_shown(self, monkeypatch, small_store_db):
        """A rebase at August 2018, set by an analyst, splits the mean: 25.0% before it, 30.0% from it, and
        the shift is no longer a special cause."""
        con = store.connect(small_store_db)
        store_indicators.add_rebase_date(con, indicator_id="length_of_stay_65", area_code=small.YORK,
                                         rebase_date=small.REBASE_MONTH, reason="Discharge to assess began",
                                         user=User("Ann Analyst", "analyst"))
        con.close()
        at = open_page(monkeypatch, small_store_db, "pages/indicator.py", indicator="length_of_stay_65")
        table = data_table(at)
        assert set(table["Mean"].iloc[:16]) == {"25.0%"}
        assert set(table["Mean"].iloc[16:]) == {"30.0%"}
        assert "Rebase dates: Aug 2018 (Discharge to assess began, set by Ann Analyst)" in text_of(at)
        assert "Concern (special cause" not in text_of(at)

    def test_a_rate_is_tested_with_byar(self, monkeypatch, small_db):
        """A&E attendances: Byar's method, York 25.0 against England 30.0, significantly better."""
        text = text_of(open_page(monkeypatch, small_db, "pages/indicator.py", indicator="ae_attendances_65"))
        assert "Byar's method" in text
        assert "March 2019: York 25.0, England 30.0: significantly better (also at 99.8%)." in text

    def test_delayed_transfers_are_not_compared(self, monkeypatch, small_db):
        """DToC gives York's and England's March 2019 values and says no test applies."""
        text = text_of(open_page(monkeypatch, small_db, "pages/indicator.py", indicator="dtoc_18"))
        assert "March 2019: York 18.0, England 9.0: not compared" in text

    def test_falls_say_the_publishers_call_and_trial_limits(self, monkeypatch, small_db):
        """Falls (8 annual points) gives Fingertips' own call and says its limits are trial limits."""
        text = text_of(open_page(monkeypatch, small_db, "pages/indicator.py", indicator="falls_admissions_65"))
        assert "2017/18: York 2,250, England 2,100: worse than England, as OHID Fingertips published it." in text
        assert "Trial limits" in text

    def test_comparators_are_england_then_the_region_then_the_rest(self, monkeypatch, small_db):
        """The comparator list puts England first, York's region second, then Stoke-on-Trent."""
        at = open_page(monkeypatch, small_db, "pages/indicator.py", indicator="length_of_stay_65")
        assert at.selectbox(key="comparator_length_of_stay_65").options == [
            "England", small.REGION_NAME, "Stoke-on-Trent"]

    def test_choosing_the_region_compares_with_it(self, monkeypatch, small_db):
        """Choosing the region puts its March 2019 value (4,800 of 20,000: 24.0%) in the summary."""
        at = open_page(monkeypatch, small_db, "pages/indicator.py", indicator="length_of_stay_65")
        at.selectbox(key="comparator_length_of_stay_65").set_value(small.REGION).run()
        assert not at.exception
        assert f"York 30.0%, {small.REGION_NAME} 24.0%: significantly worse" in text_of(at)


class TestBoardViewOnTheSmallStore:
    def test_lists_the_indicators_with_their_values_and_calls(self, monkeypatch, small_db):
        """The board table has a row for each CQC indicator held, with York's and England's values and the call."""
        html = as_read(html_of(open_page(monkeypatch, small_db, "pages/board.py")))
        for expected in (
            '<td class="num">25.0</td><td class="num">30.0</td><td class="compared">Better (significant)</td>',
            '<td class="num">30.0%</td><td class="num">20.0%</td><td class="compared">Worse (significant)</td>',
            '<td class="num">18.0</td><td class="num">9.0</td>',
        ):
            assert expected in html

    def test_the_plan_rolls_up_by_project(self, monkeypatch, small_db):
        """Project 1 (R1.1 Red, R1.2 Green, R1.3 Blue) rolls up Red; project 2 (Amber, Grey) rolls up Amber."""
        html = html_of(open_page(monkeypatch, small_db, "pages/board.py"))
        assert "1. Flow through hospital" in html and "2. Care at home in York" in html
        project_1 = html.split("1. Flow through hospital", 1)[1].split("</tr>", 1)[0]
        project_2 = html.split("2. Care at home in York", 1)[1].split("</tr>", 1)[0]
        assert ">Red</span>" in project_1 and ">Amber</span>" in project_2

    def test_on_the_projector_each_project_is_one_line_with_its_counts(self, monkeypatch, small_db):
        """Presentation mode: one line per project (so the board fits one screen), roll-up swatch first, the
        actions by RAG in words; the title and notice say the plan's actions are invented only if they are."""
        at = open_page(monkeypatch, small_db, "pages/board.py", presentation="1")
        html = as_read(html_of(at))
        lines = html.split('<ul class="pbip-projects">', 1)[1].split("</ul>", 1)[0].split("<li>")[1:]
        assert len(lines) == 2
        assert ">Red</span> <strong>1. Flow through hospital</strong>" in lines[0]
        assert "3 recommendations" not in lines[0] and "actions 1 Red, 1 Green, 1 Blue" in lines[0]
        assert ">Amber</span> <strong>2. Care at home in York</strong>" in lines[1]
        assert "The improvement plan by project" not in [h.value for h in at.subheader]


class TestPlanPagesOnTheSmallStore:
    def test_the_grid_lists_the_five_actions(self, monkeypatch, small_db):
        """The plan grid lists the five actions the analyst added, with their RAG in words and who last changed
        each, and no Data column (none is invented)."""
        at = open_page(monkeypatch, small_db, "pages/plan.py")
        grid = next(t for t in html_tables(at) if {"Ref", "Last update"} <= set(t.columns))
        assert list(grid["Ref"]) == ["R1.1", "R1.2", "R1.3", "R2.1", "R2.2"]
        assert all(rag.split(":")[0] in {"Red", "Amber", "Green", "Blue", "Grey"} for rag in grid["RAG"])
        assert all(update.strip() for update in grid["Last update"]) and "Data" not in grid.columns

    def test_a_recommendation_shows_its_finding_actions_and_indicator(self, monkeypatch, small_db):
        """R1 shows the CQC finding, rolls its actions up to Red and gives York's length of stay against England."""
        at = open_page(monkeypatch, small_db, "pages/recommendation.py", ref="R1")
        text = text_of(at)
        assert "Board rounds had started on two wards." in text
        assert "Roll-up: **Red" in text
        assert "March 2019: York 30.0%, England 20.0%" in text and "Worse (significant)" in text


class TestAboutPageOnTheSmallStore:
    def test_gives_each_held_indicators_latest_period(self, monkeypatch, small_db):
        """The data status lists March 2019 for the monthly series and 2017/18 for falls."""
        at = open_page(monkeypatch, small_db, "pages/about.py")
        status = at.dataframe[0].value
        latest = dict(zip(status["Indicator"], status["Latest period"], strict=True))
        held = [v for v in latest.values() if v not in ("no data", "No data", "—", "")]
        assert sorted(held) == sorted(["March 2019", "March 2019", "March 2019", "2017/18"])
