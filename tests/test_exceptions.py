"""Exceptions first: which indicators are exceptions and why, in words; and the board date a pack defaults to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from analysis.assess import Rank, assess
from analysis.board_date import latest_board_date
from analysis.exceptions import NO_COMMENTARY, exceptions, overdue_lines, quintile, reasons

TODAY = date(2019, 1, 1)


def definition(**changes) -> dict:
    base = {"indicator_id": "length_of_stay_65", "name": "Length of stay over 7 days", "short_name": "Length of stay",
            "unit": "%", "multiplier": 100.0, "value_kind": "percentage", "numerator_meaning": "admissions over 7 days",
            "frequency": "monthly", "publication_lag_days": 60, "improvement_direction": "decrease", "target": None,
            "is_demonstration": False, "is_proxy": False, "source": "test", "caveat": None}
    return base | changes


def monthly(values, numerators=None, denominators=None) -> pd.DataFrame:
    starts = pd.date_range("2016-04-01", periods=len(values), freq="MS")
    return pd.DataFrame({
        "period_start": starts, "period_end": starts + pd.offsets.MonthEnd(0),
        "numerator": numerators if numerators is not None else [None] * len(values),
        "denominator": denominators if denominators is not None else [None] * len(values),
        "value": values, "value_note": [None] * len(values), "is_demonstration": False,
    })


def york_and_england(york_numerator: int, england_value: float, n: int = 24):
    return (monthly([york_numerator / 10] * n, numerators=[york_numerator] * n, denominators=[1000] * n),
            monthly([england_value] * n))


def calm():
    """Similar to England, common cause, no target: not an exception."""
    values = [20.0, 21.0, 19.5, 20.5] * 6
    return assess(definition=definition(), series=monthly(values, numerators=[v * 10 for v in values],
                                                          denominators=[1000] * 24),
                  area_code="E06000014", area_name="York", comparator=monthly([20.2] * 24),
                  comparator_code="E92000001", comparator_name="England",
                  today=TODAY)


class TestReasons:
    def test_a_calm_indicator_is_no_exception(self):
        a = calm()
        assert a.variation_icon == "common_cause" and a.comparison.call == "similar"
        assert reasons(a) == [] and exceptions([a]) == []

    @pytest.mark.parametrize("changes,words", [
        ({"variation_icon": "concern_high"}, "special-cause concern"),
        ({"assurance_icon": "fail"}, "failing its target"),
        ({"assurance_icon": "hit_or_miss"}, "hit and miss"),
    ])
    def test_each_kind_of_exception_is_named_in_words(self, changes, words):
        assert words in " ".join(reasons(replace(calm(), **changes)))

    def test_significantly_worse_than_the_comparator(self):
        york, england = york_and_england(280, 20.0)
        a = assess(definition=definition(), series=york, area_code="E06000014", area_name="York",
                   comparator=england, comparator_code="E92000001", comparator_name="England", today=TODAY)
        assert reasons(a) == ["significantly worse than England (95%)"]

    def test_a_fall_into_a_worse_fifth(self):
        a = replace(calm(), rank=Rank(140, 150, 5, "Sep 2018", "lowest"))
        assert reasons(a, previous_quintile=4)[0].startswith("fell into a worse fifth among councils")
        assert reasons(a, previous_quintile=5) == [] and reasons(a, previous_quintile=None) == []

    def test_an_exception_carries_commentary_or_says_there_is_none(self):
        a = replace(calm(), variation_icon="concern_low")
        assert exceptions([a])[0].commentary == NO_COMMENTARY
        listed = exceptions([a], commentary={a.indicator_id: "Winter pressures"},
                            overdue={a.indicator_id: ["R5.1 Agree it (due 30 Jun 2018)"]})
        assert listed[0].commentary == "Winter pressures" and listed[0].overdue_actions == (
            "R5.1 Agree it (due 30 Jun 2018)",)


def test_quintile_counts_best_first():
    peers = pd.DataFrame({"area_code": list("ABCDEFGHIJ"), "value": range(10)})
    assert quintile(peers, "A", "decrease") == 1 and quintile(peers, "J", "decrease") == 5
    assert quintile(peers, "A", "increase") == 5 and quintile(peers, "A", "neutral") is None


def test_overdue_lines_name_ref_action_and_due_date():
    actions = pd.DataFrame({"ref": ["R1.1", "R1.2"], "description": ["Do it", "Done"],
                            "due_date": [date(2018, 6, 30), date(2018, 1, 1)], "is_overdue": [True, False]})
    assert overdue_lines(actions) == ["R1.1 Do it (due 30 Jun 2018)"]


def test_the_latest_board_date_is_the_latest_events_last_day():
    events = pd.DataFrame({"event_date": ["2017-10-30", "2018-11-19"], "end_date": ["2017-11-03", "2018-11-20"],
                           "label": ["a", "b"]})
    assert latest_board_date(events) == date(2018, 11, 20)
    assert latest_board_date(events.iloc[0:0]) is None
