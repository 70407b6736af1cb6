"""analysis.funnel: Spiegelhalter's over-dispersed funnel as FunnelPlotR 0.6.0 computes it, and an indicator's
councils put on its scale. Hand-worked values, FunnelPlotR's published Poisson limits, and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.funnel import LIMIT_COLUMNS, fit, funnel, r_quantile
from analysis.poisson import poisson_limits

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True)


class TestTheInterface:
    def test_fit_returns_phi_tau2_target_and_one_row_of_limits_per_unit_in_input_order(self):
        """The promised shape: phi, tau2, target and a frame lower_95, upper_95, lower_998, upper_998."""
        result = fit([30, 5, 12], [100, 20, 50], kind="proportion")
        assert isinstance(result.phi, float) and isinstance(result.tau2, float)
        assert result.target == pytest.approx(47 / 170)
        assert list(result.limits.columns) == list(LIMIT_COLUMNS)
        assert len(result.limits) == 3
        # Input order: the unit with the smallest denominator has the widest limits.
        widths = (result.limits["upper_95"] - result.limits["lower_95"]).tolist()
        assert widths[1] == max(widths) and widths[0] == min(widths)

    @pytest.mark.parametrize("arguments,message", [
        ({"kind": "rate"}, "kind must be one of proportion, ratio (got 'rate')"),
        ({"kind": "ratio", "sr_method": "NHS"}, "sr_method must be one of SHMI, CQC (got 'NHS')"),
        ({"kind": "ratio", "trim": 0.5}, "trim must be a number between 0 and 0.5 (got 0.5)"),
    ])
    def test_a_bad_option_is_named(self, arguments, message):
        """Each option is checked before any arithmetic, and the message names it and its value."""
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            fit([1, 2], [3, 4], **arguments)

    @pytest.mark.parametrize("numerators,denominators,message", [
        ([1, 2, 3], [3, 4], "the same length"),
        ([1], [3], "at least two units"),
        ([1, -2], [3, 4], "none negative"),
        ([1, 2], [3, 0], "all above 0"),
        ([1, 5], [3, 4], r"unit 1: 5 of 4"),
    ])
    def test_bad_data_is_refused_with_a_reason(self, numerators, denominators, message):
        """Mismatched lengths, one unit, negative counts, empty denominators and x > n are refused."""
        with pytest.raises(ValueError, match=message):
            fit(numerators, denominators, kind="proportion")


class TestRsQuantile:
    @pytest.mark.parametrize("values,probability,expected", [
        ([1, 2, 3, 4, 10], 0.1, 1.4),     # R: quantile(c(1, 2, 3, 4, 10), 0.1)
        (list(range(1, 11)), 0.9, 9.1),   # R: quantile(1:10, 0.9)
        ([5, 1], 0.5, 3.0),
        ([7, 7, 7], 0.1, 7.0),
    ])
    def test_is_type_7(self, values, probability, expected):
        """Linear interpolation between order statistics at 1 + (n − 1)p, R's default."""
        assert r_quantile(values, probability) == pytest.approx(expected, abs=1e-12)


class TestHandWorked:
    def test_cqc_method_winsorises_and_squares_the_limits_back(self):
        """Five units, E = 100 (s = 0.05), √(O/E) = 1.1, 0.9, 1, 1.05, 0.95, so z = 2, −2, 0, 1, −1.

        R's 10th and 90th percentiles of z are −1.6 and 1.6 (1 + 4 × 0.1 = 1.4: 0.6 × −2 + 0.4 × −1), so the
        Winsorised z are 1.6, −1.6, 0, 1, −1 and φ = (2.56 + 2.56 + 0 + 1 + 1) / 5 = 1.424. w = 400 each:
        Σw = 2000, Σw²/Σw = 400, so τ² = (5 × 1.424 − 4) / 1600 = 0.00195. The 95 % limits at E = 100 are
        (1 ± 1.959964 √(0.0025 + 0.00195))², that is (1 ± 0.1307462)².
        """
        result = fit([121, 81, 100, 110.25, 90.25], [100] * 5, kind="ratio", sr_method="CQC")
        assert result.z == pytest.approx([2, -2, 0, 1, -1])
        assert result.phi == pytest.approx(1.424)
        assert result.tau2 == pytest.approx(0.00195)
        spread = 1.959964 * math.sqrt(0.0025 + 0.00195)
        assert result.limits.loc[0, "lower_95"] == pytest.approx((1 - spread) ** 2)
        assert result.limits.loc[0, "upper_95"] == pytest.approx((1 + spread) ** 2)
        assert result.target == 1.0

    def test_shmi_method_drops_the_top_and_bottom_tenth_by_rank(self):
        """Twenty units, E = 100, z = √E·log(O/E) = −9.5, −8.5, …, 9.5.

        Groups ⌊rank × 10 / 21⌋: ranks 1-2 are group 0 and ranks 19-20 group 9, so ±9.5 and ±8.5 are dropped
        and n = 16. φ = 2 (0.5² + 1.5² + … + 7.5²) / 16 = 340 / 16 = 21.25; w = E = 100, so Σw = 1600,
        Σw²/Σw = 100 and τ² = (340 − 15) / 1500 = 0.2166667. The 99.8 % limits at E = 100 are
        exp(±3.090232 √(0.01 + τ²)).
        """
        z = np.arange(-9.5, 10, 1.0)
        observed = 100 * np.exp(z / 10)
        result = fit(observed, [100] * 20, kind="ratio")
        assert result.used.sum() == 16
        assert not result.used[[0, 1, 18, 19]].any()
        assert result.phi == pytest.approx(21.25)
        assert result.tau2 == pytest.approx(325 / 1500)
        spread = 3.090232 * math.sqrt(0.01 + 325 / 1500)
        assert result.limits.loc[5, ["lower_998", "upper_998"]].tolist() == pytest.approx(
            [math.exp(-spread), math.exp(spread)])

    def test_proportions_use_the_arcsine_scale_around_the_pooled_proportion(self):
        """Four units of 100 with 10, 20, 30 and 40: target 0.25, s = 0.05, z = (asin √p − asin √0.25) / 0.05.

        With only four units R's 10th/90th percentiles interpolate between the two lowest and the two highest z;
        φ is the mean of the Winsorised squares, τ² DerSimonian and Laird's with w = 400.
        """
        result = fit([10, 20, 30, 40], [100] * 4, kind="proportion")
        z = [(math.asin(math.sqrt(p)) - math.asin(0.5)) / 0.05 for p in (0.1, 0.2, 0.3, 0.4)]
        low = 0.7 * z[0] + 0.3 * z[1]
        high = 0.3 * z[2] + 0.7 * z[3]
        winsorised = [low, z[1], z[2], high]
        phi = sum(v * v for v in winsorised) / 4
        assert result.target == 0.25
        assert result.phi == pytest.approx(phi)
        assert result.tau2 == pytest.approx((4 * phi - 3) / (1600 - 400))
        spread = 1.959964 * math.sqrt(0.0025 + result.tau2)
        assert result.limits.loc[0, "upper_95"] == pytest.approx(math.sin(math.pi / 6 + spread) ** 2)

    def test_no_over_dispersion_means_tau2_is_zero_and_the_limits_are_chances(self):
        """φ ≤ 1: τ² is 0 and the limits are the formula with τ² = 0 (exp(±1.959964/√E) for the SHMI method)."""
        result = fit([100, 102, 98, 101, 99, 100, 100, 103, 97, 100], [100] * 10, kind="ratio")
        assert result.phi <= 1 and result.tau2 == 0 and not result.adjusted
        assert result.limits.loc[0, "upper_95"] == pytest.approx(math.exp(1.959964 / 10))


class TestPoissonLimits:
    def test_match_funnelplotrs_published_exact_limits(self):
        """FunnelPlotR 0.6.0 tests/testthat/test-poisson_limits.R, E = 15, 20 and 30, target 1."""
        limits = poisson_limits([15, 20, 30])
        assert limits["lower_95"].round(7).tolist() == [0.5596924, 0.6108260, 0.6746958]
        assert limits["upper_95"].round(6).tolist() == [1.649348, 1.544419, 1.427562]
        assert limits["lower_998"].round(7).tolist() == [0.3862650, 0.4479107, 0.5289724]
        assert limits["upper_998"].round(6).tolist() == [2.082907, 1.902094, 1.702771]

    @pytest.mark.parametrize("sr_method", ["SHMI", "CQC"])
    def test_the_unadjusted_formula_limits_approach_the_exact_ones(self, sr_method):
        """At E = 400 both methods' τ² = 0 limits are within 1 % of the exact Poisson limits (FunnelPlotR's
        unsquared CQC limits, 1 ± z/(2√E), would miss them by half the distance from 1)."""
        result = fit([400, 400], [400, 400], kind="ratio", sr_method=sr_method)
        exact = poisson_limits([400])
        for column in LIMIT_COLUMNS:
            assert result.limits.loc[0, column] == pytest.approx(exact.loc[0, column], rel=0.01), column


def _binomial(seed: int, units: int, p: float, spread: float):
    rng = np.random.default_rng(seed)
    n = rng.integers(500, 20_000, size=units)
    logit = math.log(p / (1 - p)) + rng.normal(0, spread, size=units) if spread else np.full(units, math.log(
        p / (1 - p)))
    return rng.binomial(n, 1 / (1 + np.exp(-logit))), n


def _outside_998(result, x, n) -> int:
    p = x / n
    return int(((p < result.limits["lower_998"]) | (p > result.limits["upper_998"])).sum())


class TestProperties:
    @PROPERTY
    @given(seed=st.integers(0, 2**32 - 1), units=st.integers(150, 250), p=st.floats(0.05, 0.5))
    def test_with_no_spread_between_areas_tau2_is_zero_and_adjusted_equals_unadjusted(self, seed, units, p):
        """Binomial draws around one proportion: Winsorised φ stays below 1, so τ² = 0 and nothing widens."""
        x, n = _binomial(seed, units, p, spread=0.0)
        result = fit(x, n, kind="proportion")
        assert result.tau2 == 0
        pd.testing.assert_frame_equal(result.limits, result.limits_at(n, adjusted=False))

    @PROPERTY
    @given(seed=st.integers(0, 2**32 - 1), units=st.integers(100, 200), p=st.floats(0.05, 0.5))
    def test_with_spread_fewer_areas_are_outside_the_adjusted_998_limits(self, seed, units, p):
        """True proportions that differ between areas: φ > 1, τ² > 0, and fewer areas fall outside."""
        x, n = _binomial(seed, units, p, spread=0.3)
        result = fit(x, n, kind="proportion")
        unadjusted = fit(x, n, kind="proportion").limits_at(n, adjusted=False)
        assert result.phi > 1 and result.tau2 > 0
        outside_unadjusted = int(((x / n < unadjusted["lower_998"]) | (x / n > unadjusted["upper_998"])).sum())
        assert _outside_998(result, x, n) < outside_unadjusted

    @PROPERTY
    @given(seed=st.integers(0, 2**32 - 1), units=st.integers(100, 200), method=st.sampled_from(["SHMI", "CQC"]))
    def test_ratios_with_spread_are_adjusted_too(self, seed, units, method):
        """Poisson counts around expected counts with a between-area spread: fewer outside the adjusted limits."""
        rng = np.random.default_rng(seed)
        expected = rng.uniform(200, 5000, size=units)
        observed = rng.poisson(expected * np.exp(rng.normal(0, 0.25, size=units)))
        result = fit(observed, expected, kind="ratio", sr_method=method)
        plain = result.limits_at(expected, adjusted=False)
        ratio = observed / expected
        adjusted_out = int(((ratio < result.limits["lower_998"]) | (ratio > result.limits["upper_998"])).sum())
        plain_out = int(((ratio < plain["lower_998"]) | (ratio > plain["upper_998"])).sum())
        assert result.tau2 > 0 and adjusted_out < plain_out


def _councils(numerators, denominators, values, population=None) -> pd.DataFrame:
    codes = [f"E0600000{i}" for i in range(len(values))]
    return pd.DataFrame({"area_code": codes, "area_name": [f"Council {c[-1]}" for c in codes],
                         "numerator": numerators, "denominator": denominators, "value": values,
                         "population": population if population is not None else [None] * len(values)})


class TestAnIndicatorsCouncils:
    def test_delayed_transfers_count_people_delayed_on_a_day_not_delayed_days(self):
        """The count is the average delayed per day (a month's delay counts once), expected at the pooled rate."""
        averages = [10.0, 40.0, 20.0, 30.0]
        population = [100_000.0, 100_000.0, 200_000.0, 150_000.0]
        values = [a / p * 100_000 for a, p in zip(averages, population, strict=True)]
        definition = {"multiplier": 100_000, "value_kind": "rate", "numerator_meaning": "Average delayed days per day"}
        f = funnel(_councils(averages, population, values), definition)
        assert f.scale == "ratio" and not f.approximate
        assert f.target == pytest.approx(100 / 550_000 * 100_000)
        direct = fit(averages, [100 / 550_000 * p for p in population], kind="ratio")
        assert f.fit.phi == pytest.approx(direct.phi)
        assert "once, not once a day" in f.note

    def test_percentages_are_proportions_drawn_in_percent(self):
        """Length of stay: x of n on the arcsine scale, limits times 100."""
        x, n = [10, 20, 30, 40], [100, 100, 100, 100]
        f = funnel(_councils(x, n, [10.0, 20.0, 30.0, 40.0]), {"multiplier": 100, "value_kind": "percentage"})
        assert f.scale == "proportion" and f.target == pytest.approx(25.0)
        direct = fit(x, n, kind="proportion")
        assert f.view(True).points["upper_95"].tolist() == pytest.approx((direct.limits["upper_95"] * 100).tolist())

    def test_a_published_rate_is_an_approximate_count_over_population(self):
        """Falls: rate × population ÷ 100,000 is the count, the population the denominator, and it says so."""
        councils = _councils([None] * 3, [None] * 3, [2000.0, 2500.0, 1800.0],
                             population=[20_000.0, 30_000.0, 25_000.0])
        f = funnel(councils, {"multiplier": 100_000, "value_kind": "published"})
        assert f.approximate and f.scale == "ratio"
        assert f.points["denominator"].tolist() == [20_000.0, 30_000.0, 25_000.0]
        assert f.target == pytest.approx((400 + 750 + 450) / 75_000 * 100_000)

    def test_one_council_is_no_funnel(self):
        """A series only one council has (a demonstration series) draws nothing."""
        assert funnel(_councils([10.0], [100.0], [10.0]), {"multiplier": 100, "value_kind": "percentage"}) is None

    def test_the_outliers_are_those_outside_95_percent_the_998_first(self):
        """The table lists each council outside the 95 % limits once, with the limit and the direction."""
        rng = np.random.default_rng(7)
        n = rng.integers(1000, 5000, size=60)
        x = rng.binomial(n, 0.2)
        x[0], x[1] = int(n[0] * 0.5), int(n[1] * 0.02)
        f = funnel(_councils(x, n, x / n * 100), {"multiplier": 100, "value_kind": "percentage"})
        view = f.view(False)
        table = view.outliers
        assert set(table["area_code"]) == set(view.points.loc[view.points["position"] != "within 95% limits",
                                                               "area_code"])
        assert table.loc[0, "limit"] == "99.8%"
        assert {"E06000000": "above", "E06000001": "below"} == dict(
            table.loc[table["area_code"].isin(["E06000000", "E06000001"]), ["area_code", "direction"]].values)
