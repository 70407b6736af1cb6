"""The "now" section (issue 24): pure analysis and HTML, the overview and board pages, and the pack's page."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analysis.assess import assess
from analysis.trust_now import AE_GAP, INDICATORS, trust_now
from charts.trust_now import now_table_html
from reports import tables
from reports.board_pack import from_store
from store import trusts as store_trusts
from store.assessment import assessment_inputs, default_comparator
from store.settings import PROJECT_ROOT
from tests.page_text import as_read, charts_of

YORK, ENGLAND, TRUST = "E06000014", "E92000001", "RCB"


@pytest.fixture(scope="module")
def section(bundled_db):
    con = duckdb.connect(str(bundled_db), read_only=True)
    inputs = store_trusts.now_inputs(con, YORK, INDICATORS)
    assessments = {i: assess(**assessment_inputs(con, i, YORK, default_comparator(con, i, ENGLAND)), today=date.today())
                   for i in INDICATORS}
    con.close()
    return trust_now(assessments, england_code=ENGLAND, **inputs), inputs


def test_the_section_is_about_the_trust_with_york_share_in_words(section):
    now, _ = section
    assert now.trust_code == TRUST
    assert "York and Scarborough Teaching Hospitals" in now.trust_name
    assert "acute trust serving York and beyond, not of the council" in now.geography
    assert "About 39% of the trust's patients come from York" in now.geography


def test_every_measure_has_a_row_with_the_latest_month(section):
    now, inputs = section
    rows = {row.indicator_id: row for row in now.rows}
    assert list(rows) == list(INDICATORS)
    assert rows["criteria_to_reside_trust"].period == "August 2025"
    assert rows["discharged_by_1700_trust"].period == "May 2023"  # NHS England stopped the split after May 2023
    assert rows["ae_attendances_all_trust"].period == "July 2025"
    latest = inputs["every_trust"]["ae_attendances_all_trust"]
    assert rows["ae_attendances_all_trust"].trust == f"{latest.loc[latest.area_code == TRUST, 'value'].iloc[0]:,.0f}"
    england = latest.loc[latest.area_code == ENGLAND, "value"].iloc[0]
    assert rows["ae_attendances_all_trust"].england == f"{england:,.0f}"


def test_the_region_rank_counts_the_regions_trusts(section):
    now, inputs = section
    frame = inputs["every_trust"]["criteria_to_reside_trust"]
    region = frame[frame["region"] == "North East and Yorkshire"]
    rank = int((region["value"] < region.loc[region.area_code == TRUST, "value"].iloc[0]).sum()) + 1
    row = next(r for r in now.rows if r.indicator_id == "criteria_to_reside_trust")
    assert row.region.startswith(f"{rank}") and f"of {len(region)}" in row.region
    assert row.region.split(" ")[1] == "lowest"  # fewer patients waiting is better
    counts = next(r for r in now.rows if r.indicator_id == "emergency_admissions_all_trust")
    assert counts.region.startswith("not compared")


def test_the_funnel_holds_every_trust_and_places_the_trust(section):
    now, inputs = section
    plot = now.funnels["criteria_to_reside_trust"]
    trusts = inputs["every_trust"]["criteria_to_reside_trust"]
    assert len(plot.points) == (trusts["area_code"] != ENGLAND).sum()
    assert plot.target == pytest.approx(100 * (trusts.loc[trusts.area_code != ENGLAND, "numerator"].sum()
                                               / trusts.loc[trusts.area_code != ENGLAND, "denominator"].sum()))
    place = plot.points.loc[plot.points.area_code == TRUST, "position"].iloc[0]
    assert next(r for r in now.rows if r.indicator_id == "criteria_to_reside_trust").funnel.startswith(place)
    assert "emergency_admissions_all_trust" not in now.funnels  # a count has no funnel


def test_the_html_escapes_and_carries_the_icons_words(section):
    now, _ = section
    html = now_table_html(now)
    assert html.count("<tr>") == len(now.rows) + 1
    assert all(row.variation in html.replace("&#x27;", "'") for row in now.rows)
    assert "<script" not in html


def test_the_pack_has_the_now_page(bundled_db):
    con = duckdb.connect(str(bundled_db), read_only=True)
    # As at a day after the trust's latest published month (a pack's default day is the latest board date in
    # the stored events, November 2018, before these collections began).
    pack = from_store(con, area_code=YORK, comparator_code=ENGLAND, as_at=date(2025, 11, 30))
    con.close()
    assert pack.now is not None and pack.now.trust_code == TRUST
    table = tables.now(pack.now)
    assert table.headings[0] == "Measure" and len(table.rows) == len(INDICATORS)


def _run(monkeypatch, db, page: str) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["overview", "board"])
def test_the_page_shows_the_now_section(monkeypatch, built_db, page):
    at = _run(monkeypatch, built_db, page)
    subheads = [s.value for s in at.subheader]
    assert any(s.startswith("Now: York and Scarborough Teaching Hospitals") for s in subheads), subheads
    words = as_read(" ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption))
    assert "serving York and beyond" in words
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "Not meeting criteria to reside" in html
    if page == "overview":
        assert AE_GAP.split(":")[0] in words
        # The funnel is drawn only once its tab is opened (a page's first chart is its slowest thing to draw).
        assert not charts_of(at)
        at.session_state["now_tab"] = "Every English trust: funnel"
        at.run()
        assert len(charts_of(at)) == 1
        assert "pbip-now" not in " ".join(str(h.proto.body) for h in at.get("html"))  # the table is behind its tab


def test_a_council_without_a_linked_trust_has_no_now_section(monkeypatch, built_db):
    monkeypatch.setenv("PBIP_AREA_CODE", "E06000021")
    at = _run(monkeypatch, built_db, "overview")
    assert not any(s.value.startswith("Now:") for s in at.subheader)
