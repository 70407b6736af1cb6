"""York among its peers: comparator groups, the funnel's limits, the matrix of assessments, and the page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store
from analysis.assess import assess
from analysis.funnel import Z_95, Z_998, funnel, limits
from analysis.matrix import cell, matrix_areas
from charts.matrix import matrix_html
from loaders.errors import LoadError
from loaders.groups import read_groups
from store import groups
from store.assessment import assessment_inputs, assessment_inputs_many
from tests.assessments import verdict
from tests.page_text import open_page, text_of

ENGLAND = "E92000001"
YORK = "E06000014"
TODAY = date(2026, 11, 27)
MEMBERS = [f"E0600{n:04d}" for n in range(1, 9)]


def _group_store(con, rows: list[tuple[str, float | None, float | None]]) -> None:
    """A group "group:test" of the areas in ``rows``; each area's (numerator, denominator) for one month."""
    con.execute("INSERT INTO loads VALUES (1, 't.csv', ?, 'tidy_template_csv', 1, '2019-01-01 09:00', 'test', false)",
                ["0" * 64])
    con.execute("INSERT INTO comparator_groups VALUES ('group:test', 'Test group', 'a test', 'test', now()::TIMESTAMP)")
    for code, numerator, denominator in rows:
        con.execute("INSERT INTO areas VALUES (?, ?, 'unitary authority', NULL)", [code, f"Council {code[-2:]}"])
        con.execute("INSERT INTO comparator_group_members VALUES ('group:test', ?)", [code])
        if numerator is not None:
            value = None if denominator is None else numerator / denominator * 100
            con.execute("INSERT INTO observation_rows VALUES ('length_of_stay_65', ?, '2018-04-01', '2018-04-30', "
                        "?, ?, ?, NULL, 1, NULL)", [code, numerator, denominator, value])


class TestAGroupsValue:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 500), st.integers(1, 5000))),
                    min_size=1, max_size=len(MEMBERS)))
    def test_is_the_sum_of_numerators_over_the_sum_of_denominators_and_names_the_missing(self, con, counts):
        """Whatever members report, the group's value is Σ numerators ÷ Σ denominators, and the others are named."""
        con.execute("BEGIN TRANSACTION")
        try:
            rows = [(code, *(pair if pair else (None, None))) for code, pair in zip(MEMBERS, counts, strict=False)]
            rows = [(code, min(n, d) if n is not None else None, d) for code, n, d in rows]
            # At least one member with a row, so the period exists.
            if all(n is None for _, n, _ in rows):
                rows[0] = (rows[0][0], 1, 2)
            _group_store(con, rows)
            series = groups.group_series(con, "length_of_stay_65", "group:test")
        finally:
            con.execute("ROLLBACK")
        reporting = [(n, d) for _, n, d in rows if n is not None]
        row = series.iloc[0]
        assert row["value"] == pytest.approx(sum(n for n, _ in reporting) / sum(d for _, d in reporting) * 100)
        assert (row["reporting"], row["members"]) == (len(reporting), len(rows))
        assert list(row["missing"]) == sorted(f"Council {code[-2:]}" for code, n, _ in rows if n is None)

    def test_names_a_missing_member_in_the_assessment(self, con):
        """York compared with a group says how many members reported and names the one that did not."""
        con.execute("BEGIN TRANSACTION")
        try:
            _group_store(con, [(MEMBERS[0], 10, 100), (MEMBERS[1], 30, 100), (MEMBERS[2], None, None)])
            a = assess(**assessment_inputs(con, "length_of_stay_65", MEMBERS[0], "group:test"), today=TODAY)
        finally:
            con.execute("ROLLBACK")
        assert a.comparator_value == pytest.approx(20.0)
        assert a.comparator_note == "2 of 3 members reported; no value for Council 03"
        assert "2 of 3 members reported; no value for Council 03" in a.summary

    def test_has_no_value_where_the_published_values_carry_no_counts(self, bundled_db):
        """Falls (published standardised rates) give the region no value rather than an average of rates."""
        con = store.connect(bundled_db, read_only=True)
        try:
            series = groups.group_series(con, "falls_admissions_65", "group:E12000003")
        finally:
            con.close()
        assert series["value"].isna().all()
        assert series["value_note"].iloc[-1] == "no group value: the published values carry no counts to add up"


class TestTheGroupsFile:
    def test_the_bundled_groups_hold_yorks_region_and_traffords_cipfa_list(self, bundled_db):
        """York's region has its 15 councils; Trafford's published CIPFA list (16 with Trafford) includes York."""
        con = store.connect(bundled_db, read_only=True)
        try:
            mine = groups.groups_of(con, YORK)
        finally:
            con.close()
        assert mine["group_code"].tolist() == ["group:E12000003", "group:cipfa-trafford-2019"]
        assert mine["members"].tolist() == [15, 16]

    def test_every_problem_names_the_file_row_and_column(self):
        """A bad group code, formula-like text, an unknown area and a repeated member are each named."""
        raw = (b"group_code,group_name,area_code,source\n"
               b"cipfa,Mine,E06000014,me\n"
               b"group:mine,=HYPERLINK(1),E06000099,me\n"
               b"group:mine,=HYPERLINK(1),E06000099,me\n")
        with pytest.raises(LoadError) as caught:
            read_groups(raw, "mine.csv", {YORK})
        text = str(caught.value)
        assert 'mine.csv, row 2, column "group_code": "cipfa" is not a group code' in text
        assert 'mine.csv, row 3, column "group_name": "=HYPERLINK(1)" starts like a spreadsheet formula' in text
        assert 'mine.csv, row 3, column "area_code": "E06000099" is listed twice in the same group' in text
        assert 'column "area_code": "E06000099" is not an area this store holds' in text


class TestFunnelLimits:
    def test_match_a_hand_calculation(self):
        """Target 10 per 1,000, denominator 10,000: θ = 0.01, √(θ/n) = 0.001, so 10 ± 1.959964 and ± 3.090232.

        Spiegelhalter (2005), Statistics in Medicine 24:1185-1202, normal approximation for a Poisson rate:
        θ ± z·√(θ/n), drawn times the multiplier.
        """
        low95, high95 = limits(10.0, [10_000], 1000, Z_95)
        low998, high998 = limits(10.0, [10_000], 1000, Z_998)
        assert (low95[0], high95[0]) == pytest.approx((8.040036, 11.959964), abs=1e-6)
        assert (low998[0], high998[0]) == pytest.approx((6.909768, 13.090232), abs=1e-6)

    def test_for_a_proportion_use_the_binomial_variance(self):
        """50% of 100: √(0.5 × 0.5 / 100) = 0.05, so 95% limits are 50 ± 9.79982 percentage points."""
        low, high = limits(50.0, [100], 100, Z_95, proportion=True)
        assert (low[0], high[0]) == pytest.approx((40.20018, 59.79982), abs=1e-5)

    def test_places_each_council_and_counts_delayed_days_for_an_average_per_day(self):
        """Delayed transfers: counts are average × days and exposure population × days; England is the target."""
        councils = pd.DataFrame({"area_code": ["A", "B"], "area_name": ["A", "B"], "numerator": [10.0, 40.0],
                                 "denominator": [100_000.0, 100_000.0], "value": [10.0, 40.0],
                                 "population": [None, None]})
        definition = {"multiplier": 100_000, "value_kind": "rate", "numerator_meaning": "Average delayed days"}
        f = funnel(councils, definition, period_start="2019-04-01", period_end="2019-04-30", england_value=10.0)
        assert f.points["events"].tolist() == [300.0, 1200.0]
        assert f.points["position"].tolist() == ["within 95% limits", "above 99.8% limit"]
        assert f.target_source == "England" and not f.approximate


class TestTheMatrix:
    def test_rows_are_the_area_its_group_the_region_then_england(self):
        """The chosen area first, each member once, then the region and England."""
        assert matrix_areas(YORK, ["E08000009", YORK], "group:E12000003", ENGLAND) == [
            YORK, "E08000009", "group:E12000003", ENGLAND]

    def test_every_cell_equals_that_areas_assessment(self, bundled_db):
        """For York, Trafford's CIPFA group, the region and England, each cell is the one assessment's verdict."""
        con = store.connect(bundled_db, read_only=True)
        try:
            ids = [i for (i,) in con.execute("SELECT indicator_id FROM indicators ORDER BY display_order").fetchall()]
            members = groups.members(con, "group:cipfa-trafford-2019")["area_code"].tolist()
            areas = matrix_areas(YORK, members, "group:E12000003", ENGLAND)
            comparator_for = {code: None if code == ENGLAND else ENGLAND for code in areas}
            many = assessment_inputs_many(con, ids, areas, comparator_for)
            for (area, indicator_id), inputs in many.items():
                one = assess(**assessment_inputs(con, indicator_id, area, comparator_for[area]), today=TODAY)
                batch = assess(**inputs, today=TODAY)
                assert verdict(batch) == verdict(one), (area, indicator_id)
                assert (batch.rank, batch.rank_england, batch.summary) == (one.rank, one.rank_england, one.summary)
                shown = cell(batch)
                assert (shown.value_text, shown.comparison_text, shown.variation_text) == (
                    one.value_text, one.comparison_text, one.variation_text)
        finally:
            con.close()

    def test_a_cell_links_to_the_indicator_page_for_its_area(self, bundled_db):
        """The region's delayed transfers cell opens the indicator page for the region against England."""
        con = store.connect(bundled_db, read_only=True)
        try:
            a = assess(**assessment_inputs(con, "dtoc_18", "group:E12000003", ENGLAND), today=TODAY)
        finally:
            con.close()
        assert cell(a).link == "indicator?indicator=dtoc_18&area=group%3AE12000003&comparator=E92000001"
        html = matrix_html({("group:E12000003", "dtoc_18"): cell(a)}, areas=[("group:E12000003", "Region")],
                           indicators=[("dtoc_18", "Delayed transfers")])
        assert 'href="indicator?indicator=dtoc_18&amp;area=group%3AE12000003' in html


class TestThePeersPage:
    # Pages get a private copy (built_db): a page keeps its store open for writing, and other tests read the
    # shared bundled store read-only.
    def test_draws_the_funnel_and_the_matrix_and_keeps_the_choices_in_the_url(self, monkeypatch, built_db):
        """The page names York's place in the funnel, its rank among English councils, and keeps its choices."""
        at = open_page(monkeypatch, built_db, "pages/peers.py", indicator="dtoc_18")
        text = text_of(at)
        assert "York among its peers" in text
        assert "109th of 150 English councils" in text and "York is" in text
        assert at.query_params.get("group") in ("group:cipfa-trafford-2019", ["group:cipfa-trafford-2019"])
        assert len(at.get("plotly_chart")) == 1
        assert "Stockport" in "\n".join(element.proto.body for element in at.get("html"))

    def test_the_indicator_page_finds_the_region_by_typing_its_name(self, monkeypatch, built_db):
        """"Yorkshire and" is among the comparator choices' words, and choosing it compares with the region."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="dtoc_18",
                       comparator="group:E12000003")
        box = next(b for b in at.selectbox if b.label == "Compare with")
        assert any(str(option).startswith("Yorkshire and The Humber") for option in box.options)
        assert "15 of 15 members reported" in text_of(at)
