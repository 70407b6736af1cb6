"""Tests for analysis.spc.xmr: limits, the Making Data Count rules, icons, segments and errors.

Every expected number either comes from NHSRplotthedots (the reference; its file is named beside
the number) or is worked out by hand in a comment. In the rule tables a series' rules are written
as one character a point:

    .  common cause         U  above_upl            L  below_lpl
    I  trend_increasing     D  trend_decreasing
    A  two_of_three_above   B  two_of_three_below   R  run_above   r  run_below
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import spc
from analysis.spc import RULE_LABELS, xmr

GOLDEN = Path(__file__).parent / "fixtures" / "golden"

_SYMBOL = {
    "above_upl": "U", "below_lpl": "L", "trend_increasing": "I", "trend_decreasing": "D",
    "two_of_three_above": "A", "two_of_three_below": "B", "run_above": "R", "run_below": "r",
}

# set.seed(123); rnorm(20): the data of NHSRplotthedots tests/testthat/test-ptd_spc_standard.R and
# test-ptd_spc.R (x = as.Date("2020-01-01") + 1:20). Full precision as R prints them with 15
# digits; the snapshot _snaps/ptd_spc_standard.md shows the same values to 8 decimals.
RNORM_20 = [
    -0.560475646552213, -0.23017748948328, 1.55870831414912, 0.070508391424576,
    0.129287735160946, 1.71506498688328, 0.460916205989202, -1.26506123460653,
    -0.686852851893526, -0.445661970099958, 1.22408179743946, 0.359813827057364,
    0.400771450594052, 0.11068271594512, -0.555841134754075, 1.78691313680308,
    0.497850478229239, -1.96661715662964, 0.701355901563686, -0.472791407727934,
]
RNORM_DATES = pd.date_range("2020-01-02", periods=20, freq="D")


def _monthly(values, start: str = "2020-01-01") -> pd.Series:
    """A monthly series (first of the month) of the given values."""
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"),
                     dtype=float)


def _rules(result: pd.DataFrame) -> str:
    """The rule of every point, one character each (see the module docstring)."""
    return "".join(_SYMBOL.get(r, ".") if isinstance(r, str) else "." for r in result["rule"])


def _marks(n: int, marks: dict[int, str]) -> str:
    """A rules string of n common-cause points with the given positions marked."""
    chars = ["."] * n
    for i, mark in marks.items():
        chars[i] = mark
    return "".join(chars)


def _mirrored(pattern: list[float]) -> list[float]:
    """The pattern followed by its negation, so the mean is exactly 0."""
    return pattern + [-v for v in pattern]


def _assert_golden(frame: pd.DataFrame, name: str, update_golden: bool) -> None:
    """Compare a frame, written as CSV with fixed float formatting, to its golden file."""
    text = frame.to_csv(float_format="%.10g", lineterminator="\n")
    path = GOLDEN / f"{name}.csv"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
    assert text == path.read_text()


# 2-of-3 cases: 8 alternating +-1 points, a window of 3, 9 more alternating points, then the whole
# pattern negated (mean exactly 0). The window sits at positions 8-10 and its mirror at 28-30.
_BEFORE = [1, -1, 1, -1, 1, -1, 1, -1]
_AFTER = [-1, 1, -1, 1, -1, 1, -1, 1, -1]


def _window(a: float, b: float, c: float) -> list[float]:
    return _mirrored(_BEFORE + [a, b, c] + _AFTER)


# The rule table: values, rebase positions, expected rules. Every case is worked by hand.
RULE_CASES = [
    # Run. mean = (31 - 31)/14 = 0. Moving ranges: six 8s, |-1 - 1| = 2, six 8s: amr = 98/13 = 7.54,
    # so upl = 20.1 and the 2-sigma line 13.4 are far away and the +-1/+-9 zigzag has no trend.
    pytest.param([1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1], [],
                 "RRRRRRRrrrrrrr", id="run-of-7-above-and-below"),
    # One short: 6 above, 6 below (amr = 82/11 = 7.45).
    pytest.param([1, 9, 1, 9, 1, 9, -1, -9, -1, -9, -1, -9], [],
                 "............", id="run-of-6-is-not-a-run"),
    # A point exactly on the mean (0; mean = (60 - 60)/26 = 0) breaks two runs of 13 into 6s.
    # amr = (2 x (40 + 9 + 9 + 40) + 2)/25 = 7.92: nothing near the limits.
    pytest.param([1, 9, 1, 9, 1, 9, 0, 9, 1, 9, 1, 9, 1,
                  -1, -9, -1, -9, -1, -9, 0, -9, -1, -9, -1, -9, -1], [],
                 "." * 26, id="point-on-the-mean-breaks-a-run"),
    # Trend. mean 0; moving ranges 20, 20, 20, 13, six 1s, 13, 20, 20, 20: amr = 152/14 = 10.86,
    # upl 28.9, 2-sigma 19.3. -3..3 is 7 points rising (6 rises) and crosses the mean, so no run.
    pytest.param([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, -10, 10, -10, 10], [],
                 "....IIIIIII....", id="trend-of-7-rising"),
    pytest.param([10, -10, 10, -10, 3, 2, 1, 0, -1, -2, -3, 10, -10, 10, -10], [],
                 "....DDDDDDD....", id="trend-of-7-falling"),
    # One short: -3, -2, -1, 1, 2, 3 is 6 points (5 rises). amr = 152/13 = 11.7.
    pytest.param([-10, 10, -10, 10, -3, -2, -1, 1, 2, 3, -10, 10, -10, 10], [],
                 "." * 14, id="trend-of-6-is-not-a-trend"),
    # A tie (0, 0) splits 8 rising points into 4 + 4. amr = 152/15 = 10.1.
    pytest.param([-10, 10, -10, 10, -3, -2, -1, 0, 0, 1, 2, 3, -10, 10, -10, 10], [],
                 "." * 16, id="tie-breaks-a-trend"),
    # Rising -3..3 then falling 3..-3 share the peak, which ends the rising trend and so is labelled
    # increasing (the reference labels it decreasing). Sum = 0 - 3 + 3 = 0, mean 0; amr =
    # (60 + 13 + 6 + 6 + 13 + 40 + 17)/20 = 7.75, upl 20.6, 2-sigma 13.7; no run of 7 on one side
    # (1, 2, 3, 2, 1 above, then 0 on the mean).
    pytest.param([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, 2, 1, 0, -1, -2, -3, 10, -10, 10, -7],
                 [], "....IIIIIIIDDDDDD....", id="peak-shared-by-two-trends"),
    # Two rising trends separated by a tie (0, 0): both are increasing, including the top of the
    # first (the reference's next-step rule calls it decreasing). mean 0; amr = (60 + 16 + 6 + 0 +
    # 6 + 16 + 60)/21 = 7.81. -6..-1 and 1..6 are only 6 on one side.
    pytest.param([-10, 10, -10, 10, -6, -5, -4, -3, -2, -1, 0, 0, 1, 2, 3, 4, 5, 6, -10, 10, -10, 10],
                 [], "...." + "I" * 14 + "....", id="tie-between-two-rising-trends"),
    # Precedence: trend beats run. 2, 9..3, 10 are 9 points above the mean (run), 9..3 also fall
    # (trend). The tail -14, 1, ... brings the sum to 54 - 54 = 0. amr = (7 + 6 + 7 + 24 + 105 +
    # 3)/17 = 8.94: upl 23.8, 2-sigma 15.9, so -14 and 10 are not close.
    pytest.param([2, 9, 8, 7, 6, 5, 4, 3, 10, -14, 1, -14, 1, -14, 1, -14, 1, -2], [],
                 "RDDDDDDDR.........", id="trend-beats-run"),
    # Limits, strict. mean = 400/5 = 80, moving ranges 27, 27, 27, 319: amr = 100 (319 < 326.7
    # survives screening), upl = 80 + 2.66 x 100 = 346 exactly: 346 is on the limit, not outside.
    pytest.param([0, 27, 0, 27, 346], [], ".....", id="on-upl-is-not-outside"),
    # 347: mean 80.2, amr 100.25, upl = 80.2 + 266.665 = 346.865 < 347.
    pytest.param([0, 27, 0, 27, 347], [], "....U", id="just-above-upl"),
    pytest.param([0, -27, 0, -27, -346], [], ".....", id="on-lpl-is-not-outside"),
    pytest.param([0, -27, 0, -27, -347], [], "....L", id="just-below-lpl"),
    # 2 of 3. [5, 1, 5]: amr = (2 x (14 + 6 + 4 + 4 + 6 + 16) + 0)/39 = 100/39 = 2.56, 2-sigma line
    # 4.55, upl 6.82: both 5s are close, 1 is not, all three above the mean. Only the close points
    # are flagged. The mirror flags the lower side.
    pytest.param(_window(5, 1, 5), [], _marks(40, {8: "A", 10: "A", 28: "B", 30: "B"}),
                 id="two-of-three-close-outer"),
    # [5, 5, 1] and [1, 5, 5]: amr = 84/39 = 2.15, 2-sigma 3.82, upl 5.73.
    pytest.param(_window(5, 5, 1), [], _marks(40, {8: "A", 9: "A", 28: "B", 29: "B"}),
                 id="two-of-three-close-first"),
    pytest.param(_window(1, 5, 5), [], _marks(40, {9: "A", 10: "A", 29: "B", 30: "B"}),
                 id="two-of-three-close-last"),
    # One short: one close point (5; amr 84/39, band 3.82-5.73) is not enough.
    pytest.param(_window(5, 1, 1), [], "." * 40, id="one-of-three-is-not-two"),
    # Close on opposite sides never combine (reference issue #143, test-ptd_spc_standard.R).
    # amr = 108/39 = 2.77, band 4.91-7.37: 5 and -5 are close but on opposite sides.
    pytest.param(_window(5, -5, 1), [], "." * 40, id="two-close-on-opposite-sides"),
    # A point on the mean in the window: amr = 104/39 = 2.67, band 4.73-7.09, 5s close.
    pytest.param(_window(5, 0, 5), [], "." * 40, id="window-with-a-point-on-the-mean"),
    # A point beyond the limit is not "close". Moving ranges 11 (twice) are >= 3.267 x 124/39 =
    # 10.39 and are screened: amr = 102/37 = 2.76, band 4.89-7.33: 10 is outside, 6 close, alone.
    pytest.param(_window(10, 1, 6), [], _marks(40, {8: "U", 28: "L"}), id="outside-is-not-close"),
    # The 2-sigma line is strict: mirrored [-1, 266, 230, 300, -1] has mean 0 and moving ranges
    # 2 x (267 + 36 + 70 + 301) + 2 = 1350 over 9: amr = 150, 2-sigma = 1.7733 x 150 = 266 exactly
    # (upl 399). 266 is on the line, so not close; 300 is close but alone.
    pytest.param(_mirrored([-1, 266, 230, 300, -1]), [], "." * 10, id="on-2-sigma-is-not-close"),
    # 267: amr = 1354/9 = 150.4, 2-sigma 266.8, upl 400.2: 267 and 300 are close.
    pytest.param(_mirrored([-1, 267, 230, 300, -1]), [], _marks(10, {1: "A", 3: "A", 6: "B", 8: "B"}),
                 id="just-beyond-2-sigma-is-close"),
    # The close band includes the limit: mirrored [-1, 399, 215, 300, -1, 1, -1] has amr =
    # (2 x (400 + 184 + 85 + 301 + 2 + 2) + 2)/13 = 150, upl = 399 exactly: 399 is close, not
    # outside, and with 300 makes 2 of 3.
    pytest.param(_mirrored([-1, 399, 215, 300, -1, 1, -1]), [],
                 _marks(14, {1: "A", 3: "A", 8: "B", 10: "B"}), id="on-upl-counts-as-close"),
    # 400: amr = 1954/13 = 150.3, upl = 399.8: 400 is outside, 300 close alone.
    pytest.param(_mirrored([-1, 400, 215, 300, -1, 1, -1]), [], _marks(14, {1: "U", 8: "L"}),
                 id="beyond-upl-is-outside-not-close"),
    # Segments. Without a rebase: mean (-20 + 20 + 19 - 19)/14 = 0, amr 116/13 = 8.9, and
    # 1, 9, 1, 9, 9, 1, 9 is a run of 7 above the mean.
    pytest.param([-1, -9, -1, -9, 1, 9, 1, 9, 9, 1, 9, -9, -1, -9], [],
                 "....RRRRRRR...", id="run-without-rebase"),
    # Rebased at the second 9: segments [-1..9] and [9, 1, 9, -9, -1, -9] both have mean 0, and the
    # run is split into 4 + 3.
    pytest.param([-1, -9, -1, -9, 1, 9, 1, 9, 9, 1, 9, -9, -1, -9], [8],
                 "." * 14, id="rebase-splits-a-run"),
    # The rising trend rebased at 0: [-10, 10, -10, 10, -3, -2, -1] (mean -0.86, amr 12.5) and
    # [0, 1, 2, 3, -10, 10, -10, 10] (mean 0.75, amr 10.9) hold 3 and 4 rising points.
    pytest.param([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, -10, 10, -10, 10], [7],
                 "." * 15, id="rebase-splits-a-trend"),
    # Missing values. A NaN in each block of 7 leaves 3 + 4 on each side (mean (31 - 31)/14 = 0,
    # amr = (10 x 8 + 2)/11 = 7.45).
    pytest.param([1, 9, 1, np.nan, 9, 1, 9, 1, -1, -9, -1, np.nan, -9, -1, -9, -1], [],
                 "." * 16, id="missing-value-breaks-a-run"),
    # The series that crashes the reference (RULES.md): 1, 2, NA, 4..9. The NaN breaks the trend
    # (only 4..9, 6 points, rise after it). mean = 42/8 = 5.25; moving ranges 1 and five 1s (none
    # across the gap): amr = 1, limits 2.59 and 7.91: 1 and 2 are below, 8 and 9 above.
    pytest.param([1, 2, np.nan, 4, 5, 6, 7, 8, 9], [], "LL.....UU", id="reference-crash-case"),
    # A trend straight after a gap still counts. mean 0; moving ranges 20, 6 x 1, 13, 20 (none next
    # to the NaN): amr = 59/9 = 6.56, upl 17.4, 2-sigma 11.6.
    pytest.param([10, -10, np.nan, -3, -2, -1, 0, 1, 2, 3, -10, 10], [],
                 "...IIIIIII..", id="trend-after-a-gap"),
]


class TestRules:
    """The special-cause rules fire exactly at their thresholds, in their order of precedence."""

    @pytest.mark.parametrize("values,rebase_at,expected", RULE_CASES)
    def test_rules(self, values, rebase_at, expected):
        """Each point gets the rule worked out by hand for it."""
        series = _monthly(values)
        result = xmr(series, "increase", rebase=[series.index[i] for i in rebase_at])
        assert _rules(result) == expected

    @pytest.mark.parametrize("values,rebase_at,expected", RULE_CASES)
    def test_rules_do_not_depend_on_direction(self, values, rebase_at, expected):
        """The direction changes point types, never which rule fires."""
        series = _monthly(values)
        rebase = [series.index[i] for i in rebase_at]
        for direction in ("decrease", "neutral"):
            assert _rules(xmr(series, direction, rebase=rebase)) == expected

    def test_every_rule_has_a_label(self):
        """Every rule code has plain words for the chart's hover text, and nothing else does."""
        assert set(RULE_LABELS) == set(_SYMBOL)
        assert RULE_LABELS["run_above"] == "7 points above the mean"
        assert all(isinstance(label, str) and label for label in RULE_LABELS.values())


class TestPointTypes:
    """Point types follow the improvement direction; a neutral direction has no good or bad."""

    RUNS = [1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1]  # 7 above, 7 below (RULE_CASES)

    @pytest.mark.parametrize("direction,above,below", [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral", "special_cause_neutral"),
    ])
    def test_runs(self, direction, above, below):
        """A run above the mean is improvement when up is good, concern when down is good."""
        result = xmr(_monthly(self.RUNS), direction)
        assert list(result["point_type"]) == [above] * 7 + [below] * 7

    @pytest.mark.parametrize("direction,expected", [
        ("increase", "special_cause_improvement"),
        ("decrease", "special_cause_concern"),
        ("neutral", "special_cause_neutral"),
    ])
    def test_rising_trend(self, direction, expected):
        """A rising trend is typed by its direction even where it is below the mean."""
        result = xmr(_monthly([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, -10, 10, -10, 10]), direction)
        assert list(result["point_type"][4:11]) == [expected] * 7
        assert set(result["point_type"][:4]) | set(result["point_type"][11:]) == {"common_cause"}

    def test_trend_and_run_in_one_segment(self):
        """Points in a falling trend are concern while the rest of the same run stays improvement."""
        result = xmr(_monthly([2, 9, 8, 7, 6, 5, 4, 3, 10, -14, 1, -14, 1, -14, 1, -14, 1, -2]),
                     "increase")
        assert list(result["point_type"][:9]) == (
            ["special_cause_improvement"] + ["special_cause_concern"] * 7 + ["special_cause_improvement"]
        )

    def test_missing_value_is_common_cause(self):
        """A missing point is common cause with no rule, and keeps its segment's limits."""
        result = xmr(_monthly([1, 2, np.nan, 4, 5, 6, 7, 8, 9]), "increase")
        gap = result.iloc[2]
        assert gap["point_type"] == "common_cause"
        assert pd.isna(gap["rule"]) and math.isnan(gap["value"])
        assert gap["mean"] == 5.25  # 42 / 8 by hand, as in RULE_CASES


class TestLimits:
    """Centre line and process limits are computed as the reference does."""

    def test_constant_is_2_66(self):
        """Limits are mean -/+ 2.66 x average moving range, not 3/1.128 (R/ptd_spc_standard.R)."""
        # [1, 3]: mean 2, one moving range of 2: limits 2 -/+ 5.32, 2-sigma 2 -/+ 3.5467.
        result = xmr(_monthly([1, 3]), "increase")
        assert result["mean"].tolist() == [2.0, 2.0]
        assert result["lpl"].iloc[0] == pytest.approx(-3.32, abs=1e-12)
        assert result["upl"].iloc[0] == pytest.approx(7.32, abs=1e-12)
        assert result["npl_lower"].iloc[0] == pytest.approx(2 - 2 * 2 * 2.66 / 3, abs=1e-12)
        assert result["npl_upper"].iloc[0] == pytest.approx(2 + 2 * 2 * 2.66 / 3, abs=1e-12)

    @pytest.mark.parametrize("last,screened_amr", [
        # Moving ranges: eight 750s, 733, then |733 - last|. With last = -2534 that is 3267 and
        # amr = 10000/10 = 1000, so 3267 = 3.267 x 1000 exactly: not strictly below, dropped,
        # leaving amr = 6733/9.
        pytest.param(-2534, 6733 / 9, id="moving-range-on-the-screen-is-dropped"),
        # last = -2533: 3266 < 3.267 x 999.9 = 3266.7 is kept, amr = 9999/10.
        pytest.param(-2533, 9999 / 10, id="moving-range-below-the-screen-is-kept"),
    ])
    def test_screening_is_strict(self, last, screened_amr):
        """A moving range at exactly 3.267 x the average is screened out; one below is kept."""
        values = [0, 750, 0, 750, 0, 750, 0, 750, 0, 733, last]
        result = xmr(_monthly(values), "increase")
        mean = sum(values) / len(values)
        assert result["upl"].iloc[0] == pytest.approx(mean + 2.66 * screened_amr, rel=1e-12)
        assert result["lpl"].iloc[0] == pytest.approx(mean - 2.66 * screened_amr, rel=1e-12)

    def test_screening_is_one_pass(self):
        """Screening drops outlying moving ranges once; it does not repeat on what is left."""
        # Moving ranges: eight 1s, 5, 20: amr = 33/10 = 3.3, the screen 10.78 drops 20, leaving
        # amr = 13/9 = 1.44. A second pass (screen 4.72) would drop 5 too and give amr = 1.
        values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 5, 25]
        result = xmr(_monthly(values), "increase")
        assert result["upl"].iloc[0] == pytest.approx(34 / 11 + 2.66 * 13 / 9, rel=1e-12)

    def test_screening_off_uses_every_moving_range(self):
        """With screen_outliers=False the average moving range keeps the outliers (MDC Excel)."""
        values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 5, 25]
        result = xmr(_monthly(values), "increase", screen_outliers=False)
        assert result["upl"].iloc[0] == pytest.approx(34 / 11 + 2.66 * 33 / 10, rel=1e-12)

    def test_missing_values_are_not_bridged(self):
        """No moving range spans a missing value."""
        # [1, NaN, 5, 6]: only |6 - 5| = 1 counts (|5 - 1| = 4 would give amr 2.5); mean 12/3 = 4.
        result = xmr(_monthly([1, np.nan, 5, 6]), "increase")
        assert result["mean"].iloc[0] == 4
        assert result["upl"].iloc[0] == pytest.approx(4 + 2.66, rel=1e-12)

    @pytest.mark.parametrize("screen,expected", [
        pytest.param(True, (np.nan, 5.0, np.nan), id="screened-gives-nan-limits"),
        pytest.param(False, (5.0, 5.0, 5.0), id="unscreened-collapses-on-the-mean"),
    ])
    def test_constant_series(self, screen, expected):
        """A constant series has all moving ranges 0: NaN limits when screened, as the reference."""
        result = xmr(_monthly([5] * 15), "increase", screen_outliers=screen)
        lpl, mean, upl = expected
        np.testing.assert_array_equal(result["lpl"], lpl)
        np.testing.assert_array_equal(result["mean"], mean)
        np.testing.assert_array_equal(result["upl"], upl)
        assert set(result["point_type"]) == {"common_cause"}

    def test_one_point_has_no_limits(self):
        """A single point is its own mean and has no moving range, so no limits."""
        result = xmr(_monthly([7]), "increase", target=1)
        assert result["mean"].tolist() == [7.0]
        assert math.isnan(result["lpl"].iloc[0]) and math.isnan(result["upl"].iloc[0])
        assert result.attrs["variation_icon"] == "common_cause"
        assert result.attrs["assurance_icon"] == "hit_or_miss"

    def test_all_missing(self):
        """A series of missing values has no mean or limits and is common cause throughout."""
        result = xmr(_monthly([np.nan] * 4), "decrease")
        assert result[["mean", "lpl", "upl"]].isna().all().all()
        assert set(result["point_type"]) == {"common_cause"}
        assert result.attrs["variation_icon"] == "common_cause"

    def test_empty_series(self):
        """An empty series gives an empty frame with every column and trial limits."""
        empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
        result = xmr(empty, "increase", target=3)
        assert list(result.columns) == ["value", *spc.RESULT_COLUMNS]
        assert result.empty
        assert result.attrs["variation_icon"] == "common_cause"
        assert result.attrs["assurance_icon"] == "hit_or_miss"
        assert result.attrs["trial_limits"] is True


class TestReferenceNumbers:
    """Numbers NHSRplotthedots publishes in its own tests and vignettes."""

    def test_rnorm_snapshot(self):
        """The 20 random normal values give the snapshot's mean and limits, all common cause."""
        # tests/testthat/_snaps/ptd_spc_standard.md (glimpse(r1)) and _snaps/ptd_spc.md (summary):
        # mean_col 0.1416238, lpl -3.01138, upl 3.294627; common_cause 20; variation common_cause.
        result = xmr(pd.Series(RNORM_20, index=RNORM_DATES), "increase")
        assert result["mean"].iloc[0] == pytest.approx(0.1416238, abs=5e-8)
        assert result["lpl"].iloc[0] == pytest.approx(-3.01138, abs=5e-6)
        assert result["upl"].iloc[0] == pytest.approx(3.294627, abs=5e-7)
        assert (result["point_type"] == "common_cause").all()
        assert result.attrs["variation_icon"] == "common_cause"
        # relative_to_mean in the snapshot: -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1, ...
        signs = np.sign(result["value"] - result["mean"]).astype(int).tolist()
        assert signs[:15] == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]

    @pytest.mark.parametrize("screen,mean,lpl,upl", [
        # tests/testthat/_snaps/ptd_spc_standard.md, glimpse(r2) (screened) and glimpse(r3).
        pytest.param(True, 0.6694159, -2.383666, 3.722497, id="screened"),
        pytest.param(False, 0.6694159, -4.596625, 5.935457, id="not-screened"),
    ])
    def test_rnorm_with_outlier(self, screen, mean, lpl, upl):
        """With y[15] = 10 the screened limits are narrower than the unscreened ones."""
        values = list(RNORM_20)
        values[14] = 10  # R's data$y[15] <- 10
        result = xmr(pd.Series(values, index=RNORM_DATES), "increase", screen_outliers=screen)
        assert result["mean"].iloc[0] == pytest.approx(mean, abs=5e-8)
        assert result["lpl"].iloc[0] == pytest.approx(lpl, abs=5e-7)
        assert result["upl"].iloc[0] == pytest.approx(upl, abs=5e-7)

    def test_rnorm_target(self):
        """A target of 0.5 inside the limits is hit or miss (_snaps/ptd_spc.md "summary with a target")."""
        result = xmr(pd.Series(RNORM_20, index=RNORM_DATES), "increase", target=0.5)
        assert result.attrs["assurance_icon"] == "hit_or_miss"  # the reference's "inconsistent"

    def test_rnorm_rebase_outside_the_data(self):
        """A rebase date that is not a period changes nothing (_snaps/ptd_spc.md, summary(s2))."""
        series = pd.Series(RNORM_20, index=RNORM_DATES)
        rebased = xmr(series, "increase", rebase=[pd.Timestamp("2020-01-01")])
        pd.testing.assert_frame_equal(rebased, xmr(series, "increase"))
        assert rebased.attrs["segments"][0]["n_points"] == 20

    def test_rnorm_rebase_matches_facets(self):
        """Rebasing at the 11th point gives each half the limits of the reference's facets."""
        # _snaps/ptd_spc.md summary(s3): facets of 10 points each (rep(c(0, 1), each = 10)):
        # mean 0.074626 / 0.208622, lpl -2.600585 / -3.279005, upl 2.749837 / 3.696249.
        series = pd.Series(RNORM_20, index=RNORM_DATES)
        result = xmr(series, "increase", rebase=[RNORM_DATES[10]])
        first, second = result.attrs["segments"]
        assert (first["mean"], first["lpl"], first["upl"]) == pytest.approx(
            (0.074626, -2.600585, 2.749837), abs=5e-7)
        assert (second["mean"], second["lpl"], second["upl"]) == pytest.approx(
            (0.208622, -3.279005, 3.696249), abs=5e-7)
        assert result["segment"].tolist() == [0] * 10 + [1] * 10

    @pytest.mark.parametrize("screen,upl,lpl", [
        # vignettes/deviations.Rmd: data c(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1).
        # The vignette prints its limits only in the rendered chart captions, so worked by hand:
        # mean = 35/18 = 1.9444. Moving ranges: 1, 1, 1, 8, 9 and twelve 1s: sum 32 over 17,
        # amr = 1.8824. Screened: 8 and 9 are >= 3.267 x 1.8824 = 6.15, leaving fifteen 1s, amr 1:
        # UPL = 1.9444 + 2.66 = 4.6044, LPL = -0.7156 (the "R package default").
        pytest.param(True, 35 / 18 + 2.66, 35 / 18 - 2.66, id="package-default"),
        # Not screened (the MDC Excel tool): UPL = 1.9444 + 2.66 x 32/17 = 6.9515, LPL = -3.0626.
        pytest.param(False, 35 / 18 + 2.66 * 32 / 17, 35 / 18 - 2.66 * 32 / 17, id="excel"),
    ])
    def test_deviations_vignette(self, screen, upl, lpl):
        """The deviations vignette's series: screening narrows the limits, Excel does not screen."""
        data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
        series = pd.Series(data, index=pd.date_range("2021-03-22", periods=18, freq="D"), dtype=float)
        result = xmr(series, "increase", screen_outliers=screen)
        assert result["mean"].iloc[0] == pytest.approx(1.9444444, abs=1e-7)
        assert result["upl"].iloc[0] == pytest.approx(upl, rel=1e-12)
        assert result["lpl"].iloc[0] == pytest.approx(lpl, rel=1e-12)
        assert (round(result["upl"].iloc[0], 2), round(result["lpl"].iloc[0], 2)) == (
            (4.6, -0.72) if screen else (6.95, -3.06))

    @pytest.mark.parametrize("function,values,expected", [
        # tests/testthat/test-ptd_calculate_point_type.R, with ptd_part_of_seven_trend applied:
        # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) marks the 7th and 8th points, so the
        # first 8 are part of a run; c(rep(1, 6), -1) has none.
        ("run", [1] * 8 + [-1], [1] * 8 + [0]),
        ("run", [-1] * 8 + [1], [1] * 8 + [0]),
        ("run", [1] * 6 + [-1], [0] * 7),
        ("run", [-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
        # ptd_seven_point_trend(1:6) none; c(1:3, 3:6) none (tie); 1:7 all; c(2, 1:7, 3) the 1..7;
        # 7:1 all falling; c(2, 7:1, 3) the 7..1.
        ("trend", [1, 2, 3, 4, 5, 6], [0] * 6),
        ("trend", [1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ("trend", [1, 2, 3, 4, 5, 6, 7], [1] * 7),
        ("trend", [2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
        ("trend", [7, 6, 5, 4, 3, 2, 1], [-1] * 7),
        ("trend", [2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
        # ptd_two_in_three / ptd_part_of_two_in_three on close flags (all on one side):
        # c(1, 0, 1), c(0, 1, 1), c(1, 1, 0) flag their close points; c(0, 0, 1, 0, 1, 0, 0) ->
        # points 3 and 5; c(1, 0, 0, 1) none; c(1, 0, 0, 1, 1) the last two.
        ("two_of_three", [1, 0, 1], [1, 0, 1]),
        ("two_of_three", [0, 1, 1], [0, 1, 1]),
        ("two_of_three", [1, 1, 0], [1, 1, 0]),
        ("two_of_three", [0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ("two_of_three", [0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ("two_of_three", [1, 0, 0, 1], [0, 0, 0, 0]),
        ("two_of_three", [1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
        ("two_of_three", [0, 0, 0], [0, 0, 0]),
        ("run", [], []),
        ("trend", [], []),
        ("two_of_three", [], []),
    ])
    def test_reference_rule_vectors(self, function, values, expected):
        """The rule helpers give the reference's own unit-test answers."""
        n = len(values)
        starts = np.zeros(n, dtype=bool)
        starts[:1] = True
        if function == "run":
            got = spc._in_run(np.array(values, dtype=np.int8), starts).astype(int)
        elif function == "trend":
            got = spc._trend_direction(np.array(values, dtype=float), starts)
        else:
            close = np.array(values, dtype=bool)
            got = spc._two_of_three(close, np.ones(n, dtype=np.int8), np.zeros(n, dtype=np.intp))
        assert list(np.asarray(got, dtype=int)) == expected

    def test_two_of_three_window_stays_in_its_segment(self):
        """A window that would straddle a rebase never qualifies."""
        close = np.array([True, False, True])
        side = np.ones(3, dtype=np.int8)
        assert spc._two_of_three(close, side, np.array([0, 0, 0])).tolist() == [True, False, True]
        assert spc._two_of_three(close, side, np.array([0, 0, 1])).tolist() == [False, False, False]


class TestVariationIcon:
    """The variation icon comes from the last point and the improvement direction."""

    @pytest.mark.parametrize("values,direction,icon", [
        # Last point above the upper limit ([0, 27, 0, 27, 347], see RULE_CASES).
        ([0, 27, 0, 27, 347], "increase", "improvement_high"),
        ([0, 27, 0, 27, 347], "decrease", "concern_high"),
        ([0, 27, 0, 27, 347], "neutral", "neutral_high"),
        # Last point below the lower limit.
        ([0, -27, 0, -27, -347], "increase", "concern_low"),
        ([0, -27, 0, -27, -347], "decrease", "improvement_low"),
        ([0, -27, 0, -27, -347], "neutral", "neutral_low"),
        # Last point on the limit: common cause whatever the direction.
        ([0, 27, 0, 27, 346], "increase", "common_cause"),
        ([0, 27, 0, 27, 346], "decrease", "common_cause"),
        ([0, 27, 0, 27, 346], "neutral", "common_cause"),
        # Last point in a run below the mean.
        ([1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1], "increase", "concern_low"),
        ([1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1], "decrease", "improvement_low"),
        ([1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1], "neutral", "neutral_low"),
        # Last point ends a rising trend: mean 0, amr = 79/10 = 7.9, upl 21 (no run: -3..-1, 1..3).
        ([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3], "increase", "improvement_high"),
        ([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3], "decrease", "concern_high"),
        ([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3], "neutral", "neutral_high"),
        # A trend earlier on does not count when the last point is common cause.
        ([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, -10, 10, -10, 10], "increase", "common_cause"),
        # The last value is missing: common cause, though the point before is below the limit.
        ([0, -27, 0, -27, -347, np.nan], "increase", "common_cause"),
    ])
    def test_icon(self, values, direction, icon):
        """The icon matches the last point's type and side."""
        assert xmr(_monthly(values), direction).attrs["variation_icon"] == icon

    def test_icon_from_the_last_date_not_the_last_row(self):
        """With an unsorted index the icon still comes from the latest period."""
        series = _monthly([0, -27, 0, -27, -347]).iloc[[4, 0, 1, 2, 3]]
        assert xmr(series, "increase").attrs["variation_icon"] == "concern_low"


class TestAssuranceIcon:
    """The assurance icon compares the target with the last segment's limits, strictly."""

    # [0, 27, 0, 27, 346]: mean 80, amr 100, lpl = 80 - 266 = -186 and upl = 346 exactly.
    SERIES = [0, 27, 0, 27, 346]

    @pytest.mark.parametrize("target,direction,icon", [
        (346.5, "increase", "fail"),
        (346.5, "decrease", "pass"),
        (346, "increase", "hit_or_miss"),
        (346, "decrease", "hit_or_miss"),
        (80, "increase", "hit_or_miss"),
        (-186, "increase", "hit_or_miss"),
        (-186, "decrease", "hit_or_miss"),
        (-186.5, "increase", "pass"),
        (-186.5, "decrease", "fail"),
        (346.5, "neutral", None),
        (-186.5, "neutral", None),
        (None, "increase", None),
        (None, "decrease", None),
    ])
    def test_icon(self, target, direction, icon):
        """Beyond a limit is pass or fail by direction; on or inside the limits is hit or miss."""
        result = xmr(_monthly(self.SERIES), direction, target=target)
        assert result.attrs["assurance_icon"] == icon
        assert result.attrs["target"] == target

    def test_nan_limits_are_hit_or_miss(self):
        """A constant series (NaN limits when screened) can't promise a target: hit or miss."""
        assert xmr(_monthly([5] * 15), "increase", target=100).attrs["assurance_icon"] == "hit_or_miss"

    @pytest.mark.parametrize("target,icon", [
        (900, "hit_or_miss"),  # above the first segment's upl 346, inside the last's 814..1346
        (500, "pass"),  # above the first segment's upl but below the last's lpl 814
        (2000, "fail"),
    ])
    def test_uses_the_last_segment(self, target, icon):
        """The last segment's limits decide, not the first's."""
        # Second segment = first + 1000: mean 1080, lpl 814, upl 1346.
        series = _monthly(self.SERIES + [v + 1000 for v in self.SERIES])
        result = xmr(series, "increase", rebase=[series.index[5]], target=target)
        assert result.attrs["assurance_icon"] == icon


class TestSegments:
    """Rebase dates split a series into segments with their own limits."""

    def test_segment_limits(self):
        """Each segment has its own mean and limits, and the rebase point starts the new one."""
        series = _monthly([0, 27, 0, 27, 346, 1000, 1027, 1000, 1027, 1346])
        result = xmr(series, "increase", rebase=[series.index[5]])
        assert result["segment"].tolist() == [0] * 5 + [1] * 5
        assert result["mean"].tolist() == [80.0] * 5 + [1080.0] * 5
        assert result["lpl"].tolist() == [-186.0] * 5 + [814.0] * 5
        assert result["upl"].tolist() == [346.0] * 5 + [1346.0] * 5

    def test_segments_in_attrs(self):
        """attrs["segments"] describes each segment."""
        series = _monthly([0, 27, 0, 27, 346, 1000, 1027, 1000, 1027, 1346])
        segments = xmr(series, "increase", rebase=[series.index[5]]).attrs["segments"]
        assert segments == [
            {"segment": 0, "start": series.index[0], "end": series.index[4], "n_points": 5,
             "mean": 80.0, "lpl": -186.0, "upl": 346.0, "trial_limits": True},
            {"segment": 1, "start": series.index[5], "end": series.index[9], "n_points": 5,
             "mean": 1080.0, "lpl": 814.0, "upl": 1346.0, "trial_limits": True},
        ]

    def test_rebase_on_the_first_date_changes_nothing(self):
        """A rebase on the first period leaves one segment, numbered 0."""
        series = _monthly(RNORM_20)
        pd.testing.assert_frame_equal(xmr(series, "increase", rebase=[series.index[0]]),
                                      xmr(series, "increase"))

    def test_no_rebase(self):
        """rebase=None is the same as no rebase dates."""
        series = _monthly(RNORM_20)
        pd.testing.assert_frame_equal(xmr(series, "increase", rebase=None), xmr(series, "increase"))

    def test_rebase_dates_of_other_types(self):
        """Rebase dates may be strings, datetimes or numpy datetimes that equal a period."""
        series = _monthly(RNORM_20)
        expected = xmr(series, "increase", rebase=[pd.Timestamp("2020-06-01")])
        for date in ("2020-06-01", np.datetime64("2020-06-01"), pd.Timestamp("2020-06-01").to_pydatetime()):
            pd.testing.assert_frame_equal(xmr(series, "increase", rebase=[date]), expected)
        assert expected["segment"].tolist() == [0] * 5 + [1] * 15

    @pytest.mark.parametrize("lengths,trial", [
        ([12], True),
        ([13], False),
        ([13, 13], False),
        ([13, 12], True),
        ([12, 13], True),
    ])
    def test_trial_limits(self, lengths, trial):
        """A segment of fewer than 13 points makes the limits trial limits."""
        values = [float(i % 3) for i in range(sum(lengths))]
        series = _monthly(values)
        result = xmr(series, "increase", rebase=[series.index[lengths[0]]] if len(lengths) > 1 else [])
        assert result.attrs["trial_limits"] is trial
        assert [s["trial_limits"] for s in result.attrs["segments"]] == [n < 13 for n in lengths]


class TestShape:
    """The result has one row per input point, in input order, with fixed columns and types."""

    def test_columns_and_types(self):
        """Columns, dtypes and attrs keys are fixed."""
        result = xmr(_monthly([1, 9, 1, 9, 1, 9, 1, -1, -9, -1, -9, -1, -9, -1]), "increase")
        assert list(result.columns) == ["value", "mean", "lpl", "upl", "npl_lower", "npl_upper",
                                        "point_type", "rule", "segment"]
        assert result["segment"].dtype == np.int64
        assert all(result[c].dtype == np.float64 for c in ["value", "mean", "lpl", "upl"])
        assert set(result["point_type"]) <= set(spc.POINT_TYPES)
        assert set(result.attrs) == {"variation_icon", "assurance_icon", "trial_limits",
                                     "improvement_direction", "target", "screen_outliers", "segments"}
        assert result.attrs["improvement_direction"] == "increase"

    def test_unsorted_index_keeps_input_order(self):
        """Rows come back in input order, computed as if sorted by date."""
        series = _monthly([-10, 10, -10, 10, -3, -2, -1, 0, 1, 2, 3, -10, 10, -10, 10])
        shuffled = series.iloc[[3, 14, 0, 7, 1, 12, 5, 9, 2, 11, 4, 13, 6, 10, 8]]
        result = xmr(shuffled, "increase")
        assert result.index.equals(shuffled.index)
        pd.testing.assert_frame_equal(result.sort_index(), xmr(series, "increase"), check_freq=False)

    @pytest.mark.parametrize("dtype", ["int64", "Int64", "Float64", "float32"])
    def test_numeric_dtypes(self, dtype):
        """Integer, nullable and single-precision values are accepted as numbers."""
        series = pd.Series([0, 27, 0, 27, 347], index=_monthly([0] * 5).index).astype(dtype)
        assert _rules(xmr(series, "increase")) == "....U"

    def test_nullable_missing(self):
        """pd.NA in a nullable column is a missing value."""
        series = pd.Series([1, 2, None, 4, 5, 6, 7, 8, 9], dtype="Int64",
                           index=_monthly([0] * 9).index)
        assert _rules(xmr(series, "increase")) == "LL.....UU"

    def test_time_zone_aware_index(self):
        """A time-zone-aware index works, with rebase dates in the same zone."""
        series = _monthly(RNORM_20)
        series.index = series.index.tz_localize("Europe/London")
        result = xmr(series, "increase", rebase=[series.index[5]])
        assert result["segment"].tolist() == [0] * 5 + [1] * 15


class TestValidation:
    """Bad arguments are refused up front with a message naming the argument and the value."""

    @pytest.mark.parametrize("kwargs,error,message", [
        ({"improvement_direction": "up"}, ValueError,
         'improvement_direction must be "increase", "decrease" or "neutral" (got "up")'),
        ({"improvement_direction": 1}, TypeError,
         'improvement_direction must be "increase", "decrease" or "neutral" (got 1 of type int)'),
        ({"target": "5"}, TypeError, 'target must be a number or None (got "5")'),
        ({"target": True}, TypeError, "target must be a number or None (got True of type bool)"),
        ({"target": float("nan")}, ValueError, "target must be a finite number or None (got nan)"),
        ({"screen_outliers": "yes"}, TypeError, 'screen_outliers must be True or False (got "yes")'),
        ({"rebase": "2020-02-01"}, TypeError, 'rebase must be a sequence of dates (got "2020-02-01")'),
        ({"rebase": pd.Timestamp("2020-02-01")}, TypeError, "rebase must be a sequence of dates"),
        ({"rebase": ["not a date"]}, TypeError, "rebase must be a sequence of dates (got ['not a date'])"),
        ({"rebase": [None]}, ValueError, "rebase has a missing date"),
        ({"rebase": [pd.Timestamp("2020-02-01", tz="UTC")]}, ValueError,
         "rebase dates and the periods must both have a time zone or both have none"),
    ])
    def test_bad_options(self, kwargs, error, message):
        """Each bad option has its own message."""
        arguments = {"values": _monthly([1, 2, 3]), "improvement_direction": "increase", **kwargs}
        with pytest.raises(error) as raised:
            xmr(**arguments)
        assert message in str(raised.value)

    @pytest.mark.parametrize("values,error,message", [
        ([1, 2, 3], TypeError, "values must be a pandas Series (got list)"),
        (pd.Series([1.0, 2.0]), TypeError, "values must have a DatetimeIndex, one row a period (got RangeIndex)"),
        (pd.Series(["1", "2"], index=pd.date_range("2020-01-01", periods=2, freq="MS")), TypeError,
         "values must be numeric (got dtype str)"),
        (pd.Series([True, False], index=pd.date_range("2020-01-01", periods=2, freq="MS")), TypeError,
         "values must be numeric (got dtype bool)"),
        (pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2020-01-01", "2020-01-01"])), ValueError,
         "values has duplicate periods: 2020-01-01 00:00:00 appears more than once"),
        (pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2020-01-01", None])), ValueError,
         "the index of values has a missing date (NaT)"),
        (pd.Series([1.0, np.inf], index=pd.date_range("2020-01-01", periods=2, freq="MS")), ValueError,
         "values must be finite or NaN (got inf at 2020-02-01 00:00:00)"),
    ])
    def test_bad_values(self, values, error, message):
        """Values must be a numeric Series on unique dates."""
        with pytest.raises(error) as raised:
            xmr(values, "increase")
        assert message in str(raised.value)


class TestGolden:
    """Whole outputs match their reviewed golden files (regenerate with pytest --update-golden)."""

    def test_rnorm(self, update_golden):
        """The reference's 20 random values (limits checked against its snapshot above)."""
        _assert_golden(xmr(pd.Series(RNORM_20, index=RNORM_DATES), "increase"), "spc_rnorm20",
                       update_golden)

    def test_trend_and_run(self, update_golden):
        """Trend beating a run, with the hand-worked limits of RULE_CASES "trend-beats-run"."""
        series = _monthly([2, 9, 8, 7, 6, 5, 4, 3, 10, -14, 1, -14, 1, -14, 1, -14, 1, -2])
        _assert_golden(xmr(series, "increase"), "spc_trend_and_run", update_golden)

    def test_two_of_three(self, update_golden):
        """2 of 3 close on both sides (RULE_CASES "two-of-three-close-outer")."""
        _assert_golden(xmr(_monthly(_window(5, 1, 5)), "decrease"), "spc_two_of_three", update_golden)

    def test_segments_and_gaps(self, update_golden):
        """Two segments with a gap in each; NaN rows are common cause with their segment's limits."""
        # By hand: each segment has mean 400/5 = 80 (1080) and moving ranges 27, 27, 319 (none
        # next to the gap): amr = 373/3 = 124.33, limits 80 -/+ 330.73 = -250.73 / 410.73
        # (749.27 / 1410.73); 2-sigma 80 -/+ 220.48.
        series = _monthly([0, 27, np.nan, 0, 27, 346, 1000, 1027, 1000, np.nan, 1027, 1346])
        _assert_golden(xmr(series, "neutral", rebase=[series.index[6]]), "spc_segments", update_golden)
