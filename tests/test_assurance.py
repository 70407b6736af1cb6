"""The assurance icon: NHSRplotthedots' rule case by case, York's delayed transfers against the Better Care Fund
expectation worked by the reference's recipe, and the indicator page, the board view and the pack saying the same.

R is not on this machine, so the reference is followed line by line as the team's SPC RULES.md sets it out
(``R/ptd_spc_standard.R`` for the limits, ``R/ptd_calculate_assurance_type.R`` for the icon), written here
independently of analysis/spc.py: plain Python lists, no numpy.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import store
from analysis.assess import assess
from analysis.assurance import Target, assurance_icon, assure, target_in_force, targets_from
from analysis.spc import xmr
from reports.board_pack import from_store
from store import indicators as store_indicators
from store.assessment import assessment_inputs
from store.roles import User
from store.settings import PROJECT_ROOT
from tests.page_text import as_read

YORK, ENGLAND = "E06000014", "E92000001"
TODAY = date(2020, 6, 1)


def reference_limits(values: list[float]) -> tuple[float, float]:
    """``ptd_spc_standard`` for one segment with no missing values: mean ∓ 2.66 × the screened mean moving range."""
    mean = sum(values) / len(values)
    moving = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    average = sum(moving) / len(moving)
    kept = [m for m in moving if m < 3.267 * average]  # screen_outliers = TRUE, one pass, strict
    average = sum(kept) / len(kept)
    return mean - 2.66 * average, mean + 2.66 * average


def reference_assurance(direction: str, target: float, lpl: float, upl: float) -> str:
    """``ptd_calculate_assurance_type``'s case_when, with the reference's names mapped as RULES.md maps them."""
    if target > upl:
        found = "consistent_fail" if direction == "increase" else "consistent_pass"
    elif target < lpl:
        found = "consistent_pass" if direction == "increase" else "consistent_fail"
    else:
        found = "inconsistent"
    return {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "hit_or_miss"}[found]


class TestTheRule:
    @pytest.mark.parametrize("direction,target,lpl,upl,expected", [
        ("decrease", 9.4, 10.0, 20.0, "fail"),          # lower is better, the whole range above the target
        ("decrease", 25.0, 10.0, 20.0, "pass"),         # the whole range below the target
        ("decrease", 15.0, 10.0, 20.0, "hit_or_miss"),  # the target inside the limits
        ("increase", 9.4, 10.0, 20.0, "pass"),          # higher is better, the whole range above the target
        ("increase", 25.0, 10.0, 20.0, "fail"),
        ("increase", 15.0, 10.0, 20.0, "hit_or_miss"),
        ("decrease", 20.0, 10.0, 20.0, "hit_or_miss"),  # exactly on a limit: the tests are strict
        ("increase", 10.0, 10.0, 20.0, "hit_or_miss"),
        ("decrease", 9.4, math.nan, math.nan, "hit_or_miss"),  # limits that cannot be computed
        ("neutral", 9.4, 10.0, 20.0, None),             # no direction, no assurance
        ("decrease", None, 10.0, 20.0, None),           # no target, no assurance
    ])
    def test_the_icon_is_the_references(self, direction, target, lpl, upl, expected):
        """Pass, fail and hit and miss follow ptd_calculate_assurance_type, direction by direction."""
        assert assurance_icon(direction, target, lpl, upl) == expected
        if expected is not None:
            assert expected == reference_assurance(direction, target, lpl, upl)

    @pytest.mark.parametrize("values,rebase,target,expected", [
        # Hand-worked: 20, 22, 20, 22 ... has mean 21 and every moving range 2, so limits 21 ∓ 5.32.
        ([20.0, 22.0] * 8, [], 9.4, "fail"),
        ([20.0, 22.0] * 8, [], 30.0, "pass"),
        ([20.0, 22.0] * 8, [], 21.0, "hit_or_miss"),
        # A rebase after 8 points: the last segment (8, 9, 8, 9 ...: 8.5 ∓ 2.66) alone is judged.
        ([20.0, 22.0] * 4 + [8.0, 9.0] * 4, ["2018-09-01"], 12.0, "pass"),
        ([20.0, 22.0] * 4 + [8.0, 9.0] * 4, [], 12.0, "hit_or_miss"),
    ])
    def test_the_last_segment_decides(self, values, rebase, target, expected):
        """The icon comes from the limits after the last rebase, as the reference's slice_tail does."""
        series = pd.Series(values, index=pd.date_range("2018-01-01", periods=len(values), freq="MS"))
        points = xmr(series, "decrease", rebase=rebase, target=target)
        judged = assure(points, Target(target, "at_or_below", pd.Timestamp("2018-01-01")), value_kind="rate",
                        latest=(series.index[-1], series.iloc[-1]))
        assert judged.icon == expected
        assert judged.icon == points.attrs["assurance_icon"]  # the SPC engine's own icon agrees

    def test_a_trajectory_is_judged_period_by_period_not_by_the_icon(self):
        """With a trajectory the latest value is compared with its planned value, in words; the icon is the target's."""
        series = pd.Series([20.0, 22.0] * 8, index=pd.date_range("2018-01-01", periods=16, freq="MS"))
        planned = pd.Series([23.0], index=[series.index[-1]])
        judged = assure(xmr(series, "decrease"), Target(9.4, "at_or_below", pd.Timestamp("2018-01-01")),
                        value_kind="rate", trajectory=planned, latest=(series.index[-1], 22.0))
        assert judged.icon == "fail"
        assert judged.trajectory.startswith("On plan: 22.0 against 23.0 planned for April 2019")


class TestTargetInForce:
    def test_the_latest_start_holding_the_period_is_in_force(self):
        """Of the targets whose dates hold a period, the one set from the latest date is in force."""
        old = Target(12.0, "at_or_below", pd.Timestamp("2016-04-01"))
        new = Target(9.4, "at_or_below", pd.Timestamp("2017-09-01"), pd.Timestamp("2019-03-31"))
        assert target_in_force((old, new), pd.Timestamp("2017-08-01")) is old
        assert target_in_force((old, new), pd.Timestamp("2018-01-01")) is new
        assert target_in_force((old, new), pd.Timestamp("2019-04-01")) is old
        assert target_in_force((new,), pd.Timestamp("2019-04-01")) is None
        assert target_in_force((new,), pd.Timestamp("2015-01-01")) is None

    def test_stored_rows_become_targets(self):
        """Rows as the store returns them become Targets, oldest first, an open end as None."""
        frame = pd.DataFrame({"effective_from": [date(2017, 9, 1)], "effective_to": [pd.NaT], "value": [9.4],
                              "direction": ["at_or_below"], "source": ["BCF"], "source_url": [None],
                              "set_by": ["ana"]})
        (target,) = targets_from(frame)
        assert (target.value, target.effective_to, target.set_by) == (9.4, None, "ana")
        assert target.text("rate") == "at or below 9.4 from September 2017"


def _york_values(con) -> pd.Series:
    rows = con.execute("SELECT period_start, value FROM observations WHERE indicator_id = 'dtoc_18' "
                       "AND area_code = ? ORDER BY period_start", [YORK]).df()
    return pd.Series(rows["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(rows["period_start"]))


class TestYorkDelayedTransfers:
    @pytest.mark.parametrize("rebase", [None, "2018-04-01", "2017-09-01"])
    def test_york_icon_is_the_one_the_reference_gives(self, built_db, rebase):
        """York's delayed transfers against its Better Care Fund expectation: the assessment's icon is the one
        NHSRplotthedots' recipe gives for the same series, rebases and target."""
        con = store.connect(built_db)
        if rebase:
            store_indicators.add_rebase_date(con, indicator_id="dtoc_18", area_code=YORK,
                                             rebase_date=date.fromisoformat(rebase), reason="test",
                                             user=User("ana", "analyst"))
        values = _york_values(con)
        (target,) = con.execute("SELECT value FROM targets WHERE indicator_id = 'dtoc_18' AND area_code = ?",
                                [YORK]).fetchone()
        a = assess(**assessment_inputs(con, "dtoc_18", YORK, ENGLAND), today=TODAY)
        con.close()
        assert not values.isna().any()
        last_segment = values[values.index >= pd.Timestamp(rebase)] if rebase else values
        lpl, upl = reference_limits(last_segment.tolist())
        assert a.assurance.lpl == pytest.approx(lpl, rel=1e-12) and a.assurance.upl == pytest.approx(upl, rel=1e-12)
        assert target == 9.4  # York's February 2017 rate, 11.9, was above 9.4
        assert a.target == target and a.assurance_icon == reference_assurance("decrease", target, lpl, upl)

    def test_the_page_the_board_view_and_the_pack_show_it_alike(self, monkeypatch, built_db):
        """The indicator page, the board view and the board pack all say York's assurance from the one assessment."""
        con = store.connect(built_db)
        a = assess(**assessment_inputs(con, "dtoc_18", YORK, ENGLAND), today=date.today())
        pack = from_store(con, area_code=YORK, comparator_code=ENGLAND, as_at=date.today())
        con.close()
        assert a.assurance_icon in ("pass", "fail", "hit_or_miss") and a.assurance_text != "No target set"
        words = a.assurance_text

        (pack_row,) = [row for row in pack.rows if row.indicator_id == "dtoc_18"]
        assert (pack_row.assurance_icon, pack_row.assurance, pack_row.target) == (a.assurance_icon, words, 9.4)
        (page,) = [p for p in pack.pages if p.assessment.indicator_id == "dtoc_18"]
        assert f"assurance: {words.lower()}" in page.assessment.summary
        assert any("Target for Delayed transfers of care (18+): at or below 9.4" in m for m in pack.methods)

        monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90).run()
        at.switch_page("pages/indicator.py")
        at.query_params["indicator"] = "dtoc_18"
        at.run()
        assert not at.exception, at.exception
        text = as_read("\n".join(str(e.value) for kind in ("markdown", "caption") for e in getattr(at, kind)))
        assert f"**Assurance:** {words}" in text or f"Assurance: {words}" in text
        assert ("Target in force for December 2019: at or below 9.4 per 100,000 population 18+ from September 2017"
                in text)
        assert "Better Care Fund" in text

        at.switch_page("pages/board.py")
        at.run()
        assert not at.exception, at.exception
        board = "\n".join(str(h.proto.body) for h in at.get("html"))
        assert f'alt="{words}"' in board
        assert "Delayed transfers of care (18+): " in board and "dashed line: target 9.4" in board


class TestDemonstrationIndicators:
    def test_the_five_demonstration_indicators_have_no_target(self, bundled_db):
        """Only delayed transfers has a target in the default build: an invented target would mislead."""
        con = store.connect(bundled_db, read_only=True)
        held = {i for (i,) in con.execute("SELECT DISTINCT indicator_id FROM targets").fetchall()}
        demonstration = {i for (i,) in con.execute("SELECT indicator_id FROM indicators WHERE is_demonstration")
                         .fetchall()}
        a = assess(**assessment_inputs(con, "length_of_stay_65", YORK, ENGLAND), today=TODAY)
        con.close()
        assert held == {"dtoc_18"} and len(demonstration) == 5
        assert a.assurance_icon is None and a.assurance_text == "No target set"
