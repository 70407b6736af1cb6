"""The plain-words summary, the overview's labels and the staleness rule."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis import spc
from analysis.assess import assess
from analysis.staleness import staleness
from analysis.summary import counts_line, latest_signal, variation_label
from tests.assessments import definition, monthly
from ui.download import safe_csv

MONTHS = pd.date_range("2017-01-01", periods=24, freq="MS")


def shifted() -> pd.DataFrame:
    """16 points round 10, then 8 points round 14: a run above the mean at the end."""
    values = np.r_[np.tile([9.5, 10.5], 8), np.tile([13.8, 14.2], 4)]
    return spc.xmr(pd.Series(values, index=MONTHS), "decrease")


def summary_of(values, *, numerators, england, **definition_changes) -> tuple[str, pd.DataFrame]:
    """The assessment's summary (and its XmR points) for York's monthly values against England's."""
    york = monthly(values, numerators=numerators, denominators=[1000] * len(values), start="2017-01-01")
    a = assess(definition=definition(**definition_changes), series=york, area_code="E06000014", area_name="York",
               comparator=monthly(england, start="2017-01-01"), comparator_code="E92000001",
               comparator_name="England", today=date(2019, 1, 1))
    return a.summary, a.points


class TestSummary:
    def test_the_sentence_says_values_call_and_signal(self):
        """The summary gives both values, the call and the special cause with its start, every number computed."""
        values = shifted()["value"].tolist()
        text, points = summary_of(values, numerators=[round(v * 10) for v in values], england=[30.4] * 24)
        assert text.startswith("December 2018: York 14.2%, England 30.4%: significantly better")
        signal = latest_signal(points)
        assert signal is not None and "Special cause concern" in signal
        start = points.index[points["point_type"] == "special_cause_concern"].min()
        assert f"since {start:%B %Y}" in text

    def test_common_cause_and_trial_limits_are_said(self):
        """A short, steady series says common cause and that its limits are trial limits."""
        text, _ = summary_of([10.0, 11, 10, 11, 10], numerators=[100, 110, 100, 110, 100], england=[10.2] * 5)
        assert "similar (no significant difference at 95%)" in text
        assert "Common cause variation" in text
        assert "trial limits: fewer than 13 points in a segment (5 points held)" in text

    def test_not_compared_gives_the_reason(self):
        """When no test applies, the sentence gives the reason instead of a call."""
        values = shifted()["value"].tolist()
        text, _ = summary_of(values, numerators=values, england=[10.8] * 24, value_kind="rate",
                             numerator_meaning="Average delayed days per day", multiplier=100_000.0, unit="per day")
        assert "England 10.8: not compared: the numerator is an average per day" in text

    def test_icons_always_have_words(self):
        """Every variation icon has a symbol and words, so colour never carries meaning alone."""
        for icon in spc.VARIATION_ICONS:
            label = variation_label(icon)
            assert len(label.split(" ", 1)[1]) > 5
        assert variation_label(None) == "– Not enough data"

    def test_the_board_count_line(self):
        """Improving, concerning and stable are counted; neutral special cause counts as stable."""
        assert counts_line(["improvement_low", "concern_high", "common_cause", "neutral_high", None]) == \
            "1 improving, 1 concerning, 3 stable"


class TestStaleness:
    @pytest.mark.parametrize("today,stale", [
        (date(2020, 3, 15), False),   # January 2020 due by 31 Jan + 45 days = 16 Mar 2020
        (date(2020, 3, 16), False),
        (date(2020, 3, 17), True),
    ])
    def test_a_monthly_series_is_stale_after_the_next_month_plus_its_lag(self, today, stale):
        """December 2019 data with a 45-day lag is stale once January 2020 should have been published."""
        assert staleness(pd.Timestamp("2019-12-31"), "monthly", 45, today).stale is stale

    def test_no_data_is_stale(self):
        """An indicator without data says so."""
        assert staleness(None, "monthly", 45, date(2020, 1, 1)).label == "No data"


class TestSafeCsv:
    def test_formula_cells_are_escaped_and_numbers_kept(self):
        """Text cells starting =, +, -, @ get an apostrophe; numbers (even negative) stay numbers."""
        frame = pd.DataFrame({"Note": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "fine"],
                              "Value": [1.5, -2.0, 3.0, 4.0, 5.0]})
        text = safe_csv(frame).decode()
        assert "'=HYPERLINK" in text and "'+1" in text and "'-cmd" in text and "'@SUM" in text
        assert ",-2.0" in text and "\nfine," in text
