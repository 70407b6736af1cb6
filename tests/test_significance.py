"""Confidence intervals and the better/similar/worse call, against published worked examples.

Sources of the expected values:
- Wilson score: Newcombe RG, "Two-sided confidence intervals for the single proportion: comparison of
  seven methods", Statistics in Medicine 1998;17:857-872, Table I, method 3 (the score method the OHID
  Fingertips guidance "Proportions" cites, via Newcombe and Altman 2000), and the PHEindicatormethods
  value wilson(100, 10000) = 0.8229%-1.2147%.
- Byar and exact Poisson: OHID Fingertips guidance "Rates" (Breslow and Day 1987): exact Poisson 95%
  limits for 0, 1, 5 and 9 events as tabulated (e.g. 0: 0-3.689, 1: 0.0253-5.572), and Byar's method
  within 0.2% of the exact limits for 10 or more events (PHE Technical Guide: Confidence Intervals,
  Appendix 1) -- exact for 100 events: 81.37-121.63.
"""

from __future__ import annotations

import pytest

from analysis.significance import (
    BYAR,
    EXACT_POISSON,
    WILSON,
    compare,
    compare_with,
    poisson_count_interval,
    rate_interval,
    wilson_interval,
)


class TestWilson:
    @pytest.mark.parametrize("numerator,denominator,lower,upper", [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (100, 10000, 0.008229, 0.012147),
    ])
    def test_matches_the_published_worked_examples(self, numerator, denominator, lower, upper):
        """Wilson score limits match Newcombe's Table I and PHEindicatormethods to 4 significant figures."""
        got = wilson_interval(numerator, denominator)
        assert got == pytest.approx((lower, upper), abs=5e-7 if denominator == 10000 else 5e-5)

    def test_a_numerator_above_the_denominator_is_refused(self):
        """A proportion over 1 is refused by name, not silently computed."""
        with pytest.raises(ValueError, match="numerator must be between 0 and the denominator"):
            wilson_interval(11, 10)


class TestPoisson:
    @pytest.mark.parametrize("count,lower,upper", [
        (0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.623, 11.668), (9, 4.115, 17.085),
    ])
    def test_small_counts_use_the_exact_method(self, count, lower, upper):
        """Fewer than 10 events: the exact Poisson limits from the tables."""
        assert poisson_count_interval(count) == pytest.approx((lower, upper), abs=1e-3)

    def test_byar_is_within_a_fifth_of_a_percent_of_exact_at_100(self):
        """Byar's approximation for 100 events is within 0.2% of the exact 81.37-121.63."""
        lower, upper = poisson_count_interval(100)
        assert lower == pytest.approx(81.37, rel=0.002)
        assert upper == pytest.approx(121.63, rel=0.002)

    def test_a_rate_scales_the_count_limits(self):
        """A rate's limits are the count's limits over the denominator, times the multiplier."""
        lower, upper = rate_interval(100, 50_000, 1000)
        count_lower, count_upper = poisson_count_interval(100)
        assert (lower, upper) == pytest.approx((count_lower / 50, count_upper / 50))


class TestCall:
    @pytest.mark.parametrize("comparator,direction,expected", [
        (10.0, "decrease", "similar"),   # comparator exactly on the lower limit: the interval contains it
        (12.0, "decrease", "similar"),   # exactly on the upper limit
        (9.999, "decrease", "worse"),    # just below the interval: the area is higher, and lower is better
        (12.001, "decrease", "better"),
        (9.999, "increase", "better"),
        (12.001, "increase", "worse"),
        (9.999, "neutral", "higher"),
        (12.001, "neutral", "lower"),
    ])
    def test_the_call_at_the_boundaries(self, comparator, direction, expected):
        """A comparator on an interval end is similar; just outside it is significant."""
        assert compare(11.0, 10.0, 12.0, comparator, direction) == expected

    def test_percentages_use_wilson(self):
        """A percentage indicator is tested with Wilson's method and named so."""
        result = compare_with(value_kind="percentage", numerator=81, denominator=263, multiplier=100,
                              comparator_value=40.0, improvement_direction="decrease")
        assert (result.method, result.call) == (WILSON, "better")
        assert result.lower == pytest.approx(25.53, abs=0.01)

    def test_rates_use_byar_and_small_counts_the_exact_method(self):
        """A rate with 10 or more events uses Byar; with fewer, the exact method."""
        big = compare_with(value_kind="rate", numerator=100, denominator=10_000, multiplier=1000,
                           comparator_value=10.0, improvement_direction="decrease")
        small = compare_with(value_kind="rate", numerator=5, denominator=10_000, multiplier=1000,
                             comparator_value=0.1, improvement_direction="decrease")
        assert (big.method, big.call) == (BYAR, "similar")
        assert (small.method, small.call) == (EXACT_POISSON, "worse")

    def test_an_average_per_day_is_not_compared(self):
        """DToC's numerator is an average per day, so neither method applies and the page says so."""
        result = compare_with(value_kind="rate", numerator=21.7, denominator=173993, multiplier=100000,
                              comparator_value=10.8, improvement_direction="decrease",
                              numerator_meaning="Average delayed days per day in the month")
        assert result.call == "not compared"
        assert "average per day" in result.reason

    @pytest.mark.parametrize("kind,numerator,denominator,comparator,reason", [
        ("count", 17489, None, 3333, "count without a population"),
        ("published", None, None, 2170, "without the counts"),
        ("percentage", None, None, 30.0, "numerator or denominator is missing"),
        ("percentage", 10, 100, None, "comparator has no value"),
    ])
    def test_what_cannot_be_tested_says_why(self, kind, numerator, denominator, comparator, reason):
        """Counts, published values, missing counts and a missing comparator are 'not compared', with a reason."""
        result = compare_with(value_kind=kind, numerator=numerator, denominator=denominator, multiplier=100,
                              comparator_value=comparator, improvement_direction="decrease")
        assert result.call == "not compared"
        assert reason in result.reason
