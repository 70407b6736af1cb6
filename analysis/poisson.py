"""Exact Poisson funnel limits for a standardised ratio (observed ÷ expected), from the gamma distribution.

For an expected count E, the limits around a target ratio θ at the two-sided level 1 − 2α are
θ · G⁻¹(α; E) / E and θ · G⁻¹(1 − α; E + 1) / E, where G⁻¹(p; a) is the quantile of the gamma
distribution with shape a and scale 1 (that is half the χ² quantile with 2a degrees of freedom, as
FunnelPlotR 0.6.0 writes it: ``qchisq(0.975, 2 * E, lower.tail = FALSE) / 2 / E``). Its test file gives
these limits to 7 significant figures for E = 15, 20 and 30 (tests/test_funnel_fit.py reproduces them).

Pure: numpy and the standard library only (no scipy on this machine).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

# One-sided tail areas of the 95 % and 99.8 % two-sided limits.
TAIL_95 = 0.025
TAIL_998 = 0.001
_EPS = 1e-15
_MAX_ITERATIONS = 10_000


def poisson_limits(expected, target: float = 1.0) -> pd.DataFrame:
    """Exact Poisson limits for each expected count: ``lower_95, upper_95, lower_998, upper_998`` (ratios)."""
    e = np.asarray(expected, dtype=float)
    if e.ndim != 1 or np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise ValueError("expected must be a list of positive finite numbers")
    rows = {
        "lower_95": [gamma_quantile(TAIL_95, a) / a for a in e],
        "upper_95": [gamma_quantile(1 - TAIL_95, a + 1) / a for a in e],
        "lower_998": [gamma_quantile(TAIL_998, a) / a for a in e],
        "upper_998": [gamma_quantile(1 - TAIL_998, a + 1) / a for a in e],
    }
    return pd.DataFrame(rows) * float(target)


def gamma_quantile(p: float, shape: float) -> float:
    """The x with P(shape, x) = p, P the regularised lower incomplete gamma function (scale 1)."""
    if not 0 < p < 1 or shape <= 0:
        raise ValueError("p must lie strictly between 0 and 1 and shape must be positive")
    # Wilson-Hilferty start, then bisection on a bracket that Newton steps shrink.
    z = NormalDist().inv_cdf(p)
    start = shape * (1 - 1 / (9 * shape) + z / (3 * math.sqrt(shape))) ** 3
    x = start if start > 0 else shape * 0.01 + 1e-3
    low, high = 0.0, max(2 * x, shape + 10 * math.sqrt(shape) + 10)
    while regularised_gamma(shape, high) < p:
        high *= 2
    for _ in range(200):
        f = regularised_gamma(shape, x) - p
        if f < 0:
            low = x
        else:
            high = x
        density = math.exp((shape - 1) * math.log(x) - x - math.lgamma(shape)) if x > 0 else 0.0
        step = x - f / density if density > 0 else math.nan
        x = step if low < step < high else (low + high) / 2
        if high - low <= 1e-14 * max(1.0, x) or abs(f) < 1e-16:
            break
    return x


def regularised_gamma(a: float, x: float) -> float:
    """P(a, x): the series below a + 1, the continued fraction above (Numerical Recipes, 6.2)."""
    if x <= 0:
        return 0.0
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(_MAX_ITERATIONS):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return total * math.exp(log_front)
    # Lentz's method for the continued fraction of Q(a, x).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return 1 - math.exp(log_front) * h


__all__ = ["TAIL_95", "TAIL_998", "gamma_quantile", "poisson_limits", "regularised_gamma"]
