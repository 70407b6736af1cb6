"""Is the area significantly better, similar or worse than its comparator? The OHID Fingertips methods.

Methods, as OHID's Public Health Technical Guidance on Fingertips sets them out
(fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Basic_statistics/):

* proportions (``value_kind == "percentage"``): the Wilson score interval (Wilson 1927; Newcombe and
  Altman 2000), page "Proportions";
* crude rates (``value_kind == "rate"``, numerator a count of events): Byar's approximation to the
  Poisson interval for counts of 10 or more, the exact (chi-squared) Poisson interval below 10
  (Breslow and Day 1987), page "Rates".

The comparison is Fingertips' "compared with benchmark": the area's 95% interval against the
comparator's value. If the interval contains the value (ends included) the area is similar; otherwise
it is higher or lower, and better or worse once the indicator's improvement direction is known.

Some measures cannot be tested honestly and are said to be "not compared", with the reason: a
numerator that is an average (delayed transfers of care: average delayed days per day are not a count
of independent events, so neither method applies), counts without a denominator (the proxies),
published values without counts (PHOF falls), or a comparator with no value for the period.

Pure functions: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

# The 97.5th percentile of the standard normal distribution, for two-sided 95% intervals
# (Fingertips quotes 1.96; PHEindicatormethods uses qnorm(0.975) = 1.959964, as we do).
Z_95 = NormalDist().inv_cdf(0.975)
# Fingertips shows two tiers: 95% and 99.8% (about three standard errors) confidence.
CONFIDENCE_LEVELS = (0.95, 0.998)
# Fingertips: Byar's method for counts of 10 or more, the exact Poisson method below.
BYAR_MIN_COUNT = 10

WILSON = "Wilson score method (95% confidence)"
BYAR = "Byar's method (95% confidence)"
EXACT_POISSON = "exact Poisson method (95% confidence; fewer than 10 events)"

CALLS = ("better", "similar", "worse", "higher", "lower", "not compared")


@dataclass(frozen=True)
class Comparison:
    """The significance call for one value against one comparator value, and how it was made."""

    call: str
    """One of :data:`CALLS`: better/similar/worse, or higher/lower when no direction is better."""
    method: str | None
    """The confidence-interval method named for the definition panel; None when not compared."""
    lower: float | None = None
    upper: float | None = None
    reason: str | None = None
    """Why the value was not compared, in a sentence (None when it was)."""

    @property
    def significant(self) -> bool:
        return self.call in ("better", "worse", "higher", "lower")


def wilson_interval(numerator: float, denominator: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for the proportion numerator/denominator, as proportions (0-1)."""
    _check_counts(numerator, denominator)
    q = 1 - numerator / denominator
    spread = z * math.sqrt(z**2 + 4 * numerator * q)
    base = 2 * numerator + z**2
    scale = 2 * (denominator + z**2)
    return (base - spread) / scale, (base + spread) / scale


def poisson_count_interval(count: float, z: float = Z_95) -> tuple[float, float]:
    """95% limits for an observed count of events: Byar's method from 10 events, exact below."""
    if count < 0 or not math.isfinite(count):
        raise ValueError(f"count must be a finite number of events, 0 or more (got {count!r})")
    if count >= BYAR_MIN_COUNT:
        lower = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
        upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
        return lower, upper
    alpha = 2 * (1 - NormalDist().cdf(z))
    return _exact_poisson_lower(int(round(count)), alpha / 2), _exact_poisson_upper(int(round(count)), alpha / 2)


def rate_interval(count: float, denominator: float, multiplier: float = 1.0, z: float = Z_95
                  ) -> tuple[float, float]:
    """95% limits for the crude rate count/denominator x multiplier (Byar or exact Poisson)."""
    if not denominator > 0:
        raise ValueError(f"denominator must be more than 0 (got {denominator!r})")
    lower, upper = poisson_count_interval(count, z)
    return lower / denominator * multiplier, upper / denominator * multiplier


def z_for(confidence: float) -> float:
    """The two-sided standard normal quantile for a confidence level (1.96 for 95%, 3.09 for 99.8%)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (got {confidence!r})")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def confidence_label(confidence: float) -> str:
    """"95%" or "99.8%"."""
    return f"{confidence * 100:g}%"


def method_for(value_kind: str, numerator_meaning: str | None = None, confidence: float = 0.95) -> str | None:
    """The interval method that applies to an indicator, or None when no test applies."""
    if value_kind == "percentage":
        return WILSON.replace("95%", confidence_label(confidence))
    if value_kind == "rate" and not _is_average(numerator_meaning):
        return BYAR.replace("95%", confidence_label(confidence))
    return None


def compare(value: float, lower: float, upper: float, comparator: float, improvement_direction: str) -> str:
    """Fingertips' call: the comparator inside [lower, upper] is similar; outside, better/worse or higher/lower."""
    if lower <= comparator <= upper:
        return "similar"
    higher = lower > comparator
    if improvement_direction == "increase":
        return "better" if higher else "worse"
    if improvement_direction == "decrease":
        return "worse" if higher else "better"
    return "higher" if higher else "lower"


def compare_with(*, value_kind: str, numerator: float | None, denominator: float | None, multiplier: float,
                 comparator_value: float | None, improvement_direction: str,
                 numerator_meaning: str | None = None, confidence: float = 0.95) -> Comparison:
    """Test the area's value (numerator/denominator x multiplier) against the comparator's value.

    ``confidence`` is the interval's level: 0.95 or 0.998 (Fingertips' two tiers).
    """
    z = z_for(confidence)
    method = method_for(value_kind, numerator_meaning, confidence)
    if method is None:
        if _is_average(numerator_meaning):
            reason = ("not compared: the numerator is an average per day, not a count of events, so neither "
                      "Wilson's nor Byar's method applies")
        elif value_kind == "count":
            reason = "not compared: a count without a population cannot be tested against another area"
        else:
            reason = "not compared: the published values come without the counts a confidence interval needs"
        return Comparison("not compared", None, reason=reason)
    if _missing(numerator) or _missing(denominator) or not denominator > 0:
        return Comparison("not compared", method, reason="not compared: the numerator or denominator is missing")
    if _missing(comparator_value):
        return Comparison("not compared", method, reason="not compared: the comparator has no value for this period")
    value = numerator / denominator * multiplier
    if method == WILSON:
        if numerator > denominator:
            return Comparison("not compared", method,
                              reason="not compared: the numerator is larger than the denominator")
        low, high = wilson_interval(numerator, denominator, z)
        lower, upper = low * multiplier, high * multiplier
    else:
        lower, upper = rate_interval(numerator, denominator, multiplier, z)
        if numerator < BYAR_MIN_COUNT:
            method = EXACT_POISSON.replace("95%", confidence_label(confidence))
    call = compare(value, lower, upper, comparator_value, improvement_direction)
    return Comparison(call, method, lower, upper)


def _is_average(numerator_meaning: str | None) -> bool:
    return bool(numerator_meaning) and numerator_meaning.strip().lower().startswith("average")


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _check_counts(numerator: float, denominator: float) -> None:
    if not denominator > 0:
        raise ValueError(f"denominator must be more than 0 (got {denominator!r})")
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator must be between 0 and the denominator {denominator!r} (got {numerator!r})")


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def _bisect(f, low: float, high: float) -> float:
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid) > 0:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _exact_poisson_lower(count: int, tail: float) -> float:
    """The mean whose chance of `count` or more events is `tail` (chi-squared(2O) / 2 in Fingertips)."""
    if count == 0:
        return 0.0
    return _bisect(lambda m: tail - (1 - _poisson_cdf(count - 1, m)), 0.0, 100.0)


def _exact_poisson_upper(count: int, tail: float) -> float:
    """The mean whose chance of `count` or fewer events is `tail` (chi-squared(2O + 2) / 2 in Fingertips)."""
    return _bisect(lambda m: _poisson_cdf(count, m) - tail, 0.0, 100.0)
