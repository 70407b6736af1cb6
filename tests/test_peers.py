"""York among its peers: comparator groups, the funnel's limits, the matrix of assessments, and the page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store
from analysis.assess import assess, assess_many
from analysis.matrix import cell, matrix_areas
from charts.matrix import matrix_html
from loaders.errors import LoadError
from loaders.groups import read_groups
from store import groups
from store.assessment import assessment_inputs, assessment_inputs_many
from tests.assessments import verdict
from tests.page_text import charts_of, html_tables, open_page, text_of

ENGLAND = "E92000001"
YORK = "E06000014"
TODAY = date(2026, 11, 27)
MEMBERS = [f"E0600{n:04d}" for n in range(1, 9)]


def _group_store(con, rows: list[tuple[str, float | None, float | None]]) -> None:
    """A group "group:test" of the areas in ``rows``; each area's (numerator, denominator) for one month."""
    con.execute("INSERT INTO loads VALUES (1, 't.csv', ?, 'tidy_template_csv', 1, '2019-01-01 09:00', 'test', false)",
                ["0" * 64])
    con.execute("INSERT INTO comparator_group_rows VALUES ('group:test', 'Test group', 'a test', ?, 'test', "
                "now()::TIMESTAMP, 1, NULL)", [[code for code, _, _ in rows]])
    for code, numerator, denominator in rows:
        con.execute("INSERT INTO areas VALUES (?, ?, 'unitary authority', NULL)", [code, f"Council {code[-2:]}"])
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
        # No populations are held for these councils, so coverage is the share of members reporting.
        assert row["coverage"] == pytest.approx(len(reporting) / len(rows))
        if len(reporting) / len(rows) >= groups.MIN_VALUE_COVERAGE:
            assert row["value"] == pytest.approx(sum(n for n, _ in reporting) / sum(d for _, d in reporting) * 100)
        else:
            assert pd.isna(row["value"]) and row["value_note"].startswith("no group value: ")
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
        assert a.comparator_note == "2 of 3 members reported, 67% of the members; no value for Council 03"
        assert "2 of 3 members reported, 67% of the members; no value for Council 03" in a.summary
        # Two thirds of the group is a value, but too little of it for a significance call.
        assert a.comparison.call == "not compared" and "below the 90% a significance call needs" in a.summary
        assert a.comparator_text == "20.0% (2 of 3 members reported, 67% of the members)"

    def test_a_group_never_takes_its_value_from_demonstration_rows(self, con):
        """A member's demonstration figures are not counted: the group says it has no value, and why."""
        con.execute("BEGIN TRANSACTION")
        try:
            _group_store(con, [(MEMBERS[0], 10, 100), (MEMBERS[1], 30, 100)])
            con.execute("UPDATE loads SET is_demonstration = true")
            series = groups.group_series(con, "length_of_stay_65", "group:test")
        finally:
            con.execute("ROLLBACK")
        assert series["value"].isna().all()
        assert series["value_note"].iloc[0] == "no group value: demonstration figures only, never counted"

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
            batched = assess_many({key: inputs for key, inputs in many.items() if not inputs["series"].empty},
                                  today=TODAY)
            assert len(batched) >= 50
            for (area, indicator_id), batch in batched.items():
                one = assess(**assessment_inputs(con, indicator_id, area, comparator_for[area]), today=TODAY)
                # The batch SPC (xmr_many) draws each chart exactly as xmr draws it alone.
                pd.testing.assert_frame_equal(batch.points, one.points)
                plain = {k: v for k, v in one.points.attrs.items() if k != "segments"}
                assert {k: v for k, v in batch.points.attrs.items() if k != "segments"} == plain
                pd.testing.assert_frame_equal(pd.DataFrame(batch.points.attrs["segments"]),
                                              pd.DataFrame(one.points.attrs["segments"]))
                assert batch.missing_periods == one.missing_periods
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


class TestTheMatrixLayout:
    def test_eleven_indicators_are_two_tables_of_six_and_five_each_listing_every_area(self):
        """Narrow enough for a projector: the columns are split in order, and every table repeats the areas."""
        indicators = [(f"i{n}", f"Indicator {n}") for n in range(11)]
        html = matrix_html({}, areas=[("A", "Area A"), ("B", "Area B")], indicators=indicators)
        tables = html.split('<table class="pbip-board pbip-matrix"')[1:]
        assert [t.count("<th style") - 1 for t in tables] == [6, 5]
        assert all("Area A" in t and "Area B" in t for t in tables)
        assert "Indicator 5" in tables[0] and "Indicator 6" in tables[1]

    def test_no_style_lets_a_word_break_mid_word(self):
        """Nothing in the matrix's style breaks a word anywhere or hyphenates automatically."""
        html = matrix_html({}, areas=[("A", "Area A")], indicators=[("i", "Indicator")])
        style = html[html.index(".pbip-matrix {"):]
        assert "anywhere" not in style and "hyphens: auto" not in style and "break-all" not in style


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
        assert len(charts_of(at)) == 1
        assert "Stockport" in "\n".join(element.proto.body for element in at.get("html"))

    def test_opens_on_an_indicator_every_council_has_with_adjusted_limits_and_their_reason(self, monkeypatch,
                                                                                             built_db):
        """With no choice in the URL the funnel is delayed transfers (every council), adjusted since φ > 1, with
        φ and τ² named, the group explained beside its picker, and the choice kept in the URL."""
        at = open_page(monkeypatch, built_db, "pages/peers.py")
        text = text_of(at)
        assert at.query_params.get("indicator") in ("dtoc_18", ["dtoc_18"])
        assert at.query_params.get("limits") in ("adjusted", ["adjusted"])
        assert "dispersion ratio φ = " in text and "τ² = " in text and "adjusted limits add" in text
        assert "York is one of them" in text
        assert "outside the 99.8% adjusted limits" in text

    def test_the_unadjusted_limits_put_more_councils_outside_and_the_table_lists_them(self, monkeypatch, built_db):
        """Switching to chance alone (in the URL) puts more councils outside; the outliers table has one row each,
        with the limit and the direction, and its download is a CSV."""
        adjusted = open_page(monkeypatch, built_db, "pages/peers.py", indicator="dtoc_18", limits="adjusted")
        unadjusted = open_page(monkeypatch, built_db, "pages/peers.py", indicator="dtoc_18", limits="unadjusted")
        assert unadjusted.query_params.get("limits") in ("unadjusted", ["unadjusted"])
        tables = [next(t for t in html_tables(at) if "Direction" in t.columns) for at in (adjusted, unadjusted)]
        assert len(tables[1]) > len(tables[0]) > 0
        assert list(tables[1].columns) == ["Area", "Value", "Population", "Limit", "Direction"]
        assert set(tables[1]["Direction"]) <= {"above", "below"}
        assert set(tables[1]["Limit"]) <= {"95%", "99.8%"}
        # The furthest out first: outside 99.8% before 95%, above before below, the highest value first.
        order = [(["99.8%", "95%"].index(limit), ["above", "below"].index(direction), -float(value))
                 for limit, direction, value in zip(tables[1]["Limit"], tables[1]["Direction"], tables[1]["Value"],
                                                    strict=True)]
        assert order == sorted(order)
        assert all(population.replace(",", "").isdigit() for population in tables[1]["Population"])
        assert "Shown: the unadjusted limits" in text_of(unadjusted)

    def test_the_indicator_page_finds_the_region_by_typing_its_name(self, monkeypatch, built_db):
        """"Yorkshire and" is among the comparator choices' words, and choosing it compares with the region."""
        at = open_page(monkeypatch, built_db, "pages/indicator.py", indicator="dtoc_18",
                       comparator="group:E12000003")
        box = next(b for b in at.selectbox if b.label == "Compare with")
        assert any(str(option).startswith("Yorkshire and The Humber") for option in box.options)
        assert "15 of 15 members reported" in text_of(at)
