"""analysis.exact_sum.group_fsum gives math.fsum's sum for every group, adversarial cases included."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import exact_sum
from analysis.exact_sum import group_fsum

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
# Values that cancel: big opposites, tiny remainders, ties at half an ulp.
CANCELLING = st.one_of(
    FINITE,
    st.sampled_from([1e308, -1e308, 1e16, -1e16, 1.0, -1.0, 2.0**-1074, 0.1, 0.2, 0.3, 2.0**53, 1.5,
                     -0.0, 5e-324, 2.0**-53, 1 + 2.0**-52]),
    st.integers(-(2**53), 2**53).map(float),
)


def _fsum_or_none(group: list[float]) -> float | None:
    try:
        return math.fsum(group)
    except OverflowError:  # fsum refuses an intermediate overflow, and so does group_fsum
        return None


def _check(groups: list[list[float]]) -> None:
    groups = [g for g in groups if _fsum_or_none(g) is not None]
    if not groups:
        return
    values = np.array([v for g in groups for v in g], dtype=float)
    group = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    got = group_fsum(values, group, len(groups))
    for i, g in enumerate(groups):
        expected = math.fsum(g)
        assert got[i] == expected or (math.isnan(got[i]) and math.isnan(expected)), (g, got[i], expected)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CANCELLING, min_size=0, max_size=12), min_size=1, max_size=20))
def test_same_as_fsum_on_adversarial_groups(groups):
    _check(groups)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.decimals(-10_000, 10_000, places=1).map(float), min_size=1, max_size=40),
                min_size=1, max_size=10))
def test_same_as_fsum_on_one_decimal_values(groups):
    """The engine's own kind of data: figures published to one decimal place."""
    _check(groups)


def test_cancellation_beyond_double_double_is_still_exact():
    """1e16 + 1 − 1e16 + … needs more than Sum2's precision: the group falls back to fsum, exactly."""
    groups = [[1e100, 1.0, -1e100, 2.0**-60, 1e-300], [0.1] * 10, [1e308, 1e308, -1e308]]
    _check(groups)


def test_decimal_centre_line_is_exact():
    """The docstring's example in analysis.spc: these means are exactly 962 and 2.2 once rounded right."""
    values = [962.3, 964.2, 961.5, 960.0, 962.0, 961.8, 962.1, 963.5, 960.6]
    got = group_fsum(np.array(values), np.zeros(len(values), dtype=int), 1)
    assert got[0] == math.fsum(values)


def test_empty_groups_sum_to_zero_and_long_groups_use_fsum(monkeypatch):
    monkeypatch.setattr(exact_sum, "_LONGEST_VECTORISED", 3)
    groups = [[], [0.1, 0.2, 0.3, 0.4, 0.5], [], [1.0, 2.0]]
    values = np.array([v for g in groups for v in g])
    group = np.repeat(np.arange(4), [len(g) for g in groups])
    got = group_fsum(values, group, 4)
    assert got.tolist() == [0.0, math.fsum(groups[1]), 0.0, 3.0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CANCELLING, min_size=0, max_size=12), min_size=1, max_size=20))
def test_what_extraction_settles_is_fsums_sum(groups):
    """The first path alone: every group it calls settled has fsum's sum (the rest go on to the cascade)."""
    groups = [g for g in groups if _fsum_or_none(g) is not None]
    if not groups:
        return
    values = np.array([v for g in groups for v in g], dtype=float)
    size = np.array([len(g) for g in groups])
    start = np.r_[0, np.cumsum(size)[:-1]]
    sums, settled = exact_sum._extracted(values, start, size)
    for i in np.flatnonzero(settled):
        assert sums[i] == math.fsum(groups[i]), (groups[i], sums[i])


def test_extraction_settles_figures_published_to_one_decimal():
    """The dashboard's own data never needs the slower paths: one-decimal figures of any size settle at once."""
    rng = np.random.default_rng(7)
    values = np.round(rng.normal(1000, 300, size=(500, 105)), 1).ravel()
    size = np.full(500, 105)
    sums, settled = exact_sum._extracted(values, np.arange(500) * 105, size)
    assert settled.all()
    assert sums.tolist() == [math.fsum(values[i * 105:(i + 1) * 105]) for i in range(500)]


def _one_level(groups: list[list[float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values = np.array([v for g in groups for v in g], dtype=float)
    size = np.array([len(g) for g in groups])
    start = np.r_[0, np.cumsum(size)[:-1]].astype(np.intp)
    return exact_sum._extracted_once(values, start, size)


# Full mantissas at chosen binades: the one-level test must hold exactly at its limit and refuse past it.
MANTISSA = st.integers(2**52, 2**53 - 1)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.tuples(MANTISSA, st.integers(-60, 60), st.booleans()), min_size=1, max_size=30),
                min_size=1, max_size=10), st.integers(-900, 900))
def test_what_one_level_settles_is_fsums_sum(groups, shift):
    """Values spread over up to 120 binades around 2**shift, both signs: what one level settles is exact."""
    groups = [[math.ldexp(m, e + shift - 52) * (-1 if negative else 1) for m, e, negative in g] for g in groups]
    groups = [g for g in groups if _fsum_or_none(g) is not None]
    if not groups:
        return
    sums, settled, _ = _one_level(groups)
    for i in np.flatnonzero(settled):
        assert sums[i] == math.fsum(groups[i]), (groups[i], sums[i])
    _check(groups)


@pytest.mark.parametrize("n", [1, 2, 5, 30, 105, 126, 127, 1000, 4000])
def test_one_level_decides_up_to_its_span_and_no_further(n):
    """Full-mantissa values whose magnitudes span exactly 53 - 2m binades settle at one level; one more goes on."""
    m = math.ceil(math.log2(n + 2))
    rng = np.random.default_rng(n)
    for span, decided in ((53 - 2 * m, True), (54 - 2 * m, False)):
        if span < 0:
            continue
        mantissas = rng.integers(2**52, 2**53, size=n).astype(float)
        exponents = np.full(n, 0)
        exponents[0] = span  # the largest value below 2**(span + 1), the smallest at least 2**0
        values = np.ldexp(mantissas, exponents - 52) * rng.choice([-1.0, 1.0], size=n)
        if n == 1:
            values = values[:1]
        _, settled, once = _one_level([values.tolist()])
        assert once[0] == (decided or n == 1), (n, span)
        _check([values.tolist()])


def test_residuals_a_hair_from_the_mean_take_two_levels():
    """A sum of residuals where one value is within an ulp of the mean spans 48 binades: gathered, still exact."""
    values = [962.3, 964.2, 961.5, 960.0, 962.0, 961.8, 962.1, 963.5, 960.6] * 5
    mean = math.fsum(values) / len(values)
    near = [v - mean for v in values] + [np.nextafter(mean, 2000) - mean, 30.0]
    far = [v - 962.0 for v in values]
    _, _, once = _one_level([near, far])
    assert once.tolist() == [False, True]
    _check([near, far, [0.0] * 7, near[::-1]])


def test_many_equal_values_zeros_and_missing_values():
    """Long runs of one value (cancelling or not), groups of zeros, NaN and infinity: as fsum has them."""
    groups = [[0.1] * 4000, [1e300] * 3 + [-1e300] * 3, [0.0, -0.0, 0.0], [5e-324] * 50, [2.0**-1022] * 9,
              [0.1] * 127 + [-0.1] * 127, [1.0, float("nan"), 2.0], [float("nan")], [float("inf"), 1.0], [7.0]]
    _check(groups)
    sums, settled, _ = _one_level(groups[:6])
    assert settled[:4].tolist() == [True, True, True, False]  # the subnormals are out of the split's range
