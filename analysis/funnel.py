"""Every council at once: a funnel plot's control limits for one indicator and period.

Method: Spiegelhalter DJ (2005), "Funnel plots for comparing institutional performance", Statistics in
Medicine 24:1185-1202, with the **normal approximation** to each count's distribution (his section 3).
For a target rate θ (per unit of exposure) and an exposure n (the denominator), the limits at the
two-sided level p are

* rates (Poisson counts):        θ ± z_p · √(θ / n)
* proportions (binomial counts): θ ± z_p · √(θ (1 − θ) / n)

with z_p = 1.959964 for 95 % (2 standard errors, "warning") and 3.090232 for 99.8 % (3, "alarm");
lower limits stop at 0. The limits are drawn in the indicator's unit, that is times its multiplier (per
100,000 ...). The target is England's value for the period where the store holds it, else the councils'
pooled rate (Σ numerators ÷ Σ denominators). No over-dispersion adjustment is made (Spiegelhalter's
section 5): where councils vary more than chance allows, more of them fall outside, and the page says so.

How each measure becomes a count and an exposure:

* a count of events over a denominator (``rate``, ``percentage``): as stored;
* an average per day (delayed transfers: average delayed days per day per 100,000): the delayed days
  in the period (average × days) over person-days (population × days). Delayed days are not
  independent events (one person delayed a month is 30 of them), so the limits are narrow;
* a published rate with no counts (PHOF falls, age-standardised): the ONS population of the age band
  as the exposure and rate × population ÷ multiplier as an approximate count, the standardised rate
  treated as crude; the figure says the limits are approximate.

Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

# Two-sided 95 % and 99.8 % points of the standard normal (Spiegelhalter's 2 and 3 standard errors).
Z_95 = NormalDist().inv_cdf(0.975)
Z_998 = NormalDist().inv_cdf(0.999)
# Points along the funnel's curve, spaced evenly on a log scale of the denominator.
CURVE_POINTS = 200
METHOD = ("Spiegelhalter (2005) funnel limits, normal approximation to the Poisson (rates) or binomial "
          "(percentages): target ± z·√(target/denominator), z = 1.96 (95%) and 3.09 (99.8%)")
POSITIONS = ("above 99.8% limit", "above 95% limit", "within 95% limits", "below 95% limit",
             "below 99.8% limit")


@dataclass(frozen=True)
class Funnel:
    """Every council's value against its denominator, the target and the limits along the curve."""

    points: pd.DataFrame
    """``area_code, area_name, value, denominator, events, exposure, lower_95, upper_95, lower_998,
    upper_998, position`` (one of :data:`POSITIONS`)."""
    curve: pd.DataFrame
    """``denominator, lower_998, lower_95, upper_95, upper_998`` along the denominator's range."""
    target: float
    target_source: str
    approximate: bool
    note: str
    """How the counts were made, in a sentence, for the figure's caption."""

    @property
    def outside_998(self) -> int:
        return int(self.points["position"].str.contains("99.8").sum())


def limits(target: float, exposure, multiplier: float, z: float, *, proportion: bool = False
           ) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits in the indicator's unit: multiplier × (θ ± z·√(v(θ)/n)), θ = target ÷ multiplier,
    v(θ) = θ for rates and θ(1 − θ) for proportions; the lower limit no less than 0."""
    theta = target / multiplier
    variance = theta * (1 - theta) if proportion else theta
    spread = z * np.sqrt(variance / np.asarray(exposure, dtype=float))
    return np.maximum(0.0, theta - spread) * multiplier, (theta + spread) * multiplier


def funnel(councils: pd.DataFrame, definition: Mapping, *, period_start, period_end,
           england_value: float | None) -> Funnel | None:
    """The funnel for ``councils`` (``area_code, area_name, numerator, denominator, value, population``, as
    ``store.groups.england_councils`` reads them), or None when the measure has no denominator to plot."""
    multiplier = float(definition["multiplier"])
    kind = str(definition["value_kind"])
    days = (pd.Timestamp(period_end) - pd.Timestamp(period_start)).days + 1
    frame = councils.copy()
    approximate = False
    if kind == "published":
        frame["denominator"] = frame["population"]
        frame["events"] = frame["value"] * frame["population"] / multiplier
        scale, approximate = 1.0, True
        note = ("Published age-standardised rates have no counts: the ONS population is the denominator and "
                "rate × population the approximate count, so the limits are approximate.")
    elif str(definition.get("numerator_meaning") or "").strip().lower().startswith("average"):
        scale = float(days)
        frame["events"] = frame["numerator"] * scale
        note = (f"Counts are the delayed days in the period (average per day × {days} days) over person-days; "
                "delayed days are not independent events, so more councils fall outside than chance would put there.")
    else:
        scale = 1.0
        frame["events"] = frame["numerator"]
        note = "Counts and denominators as published."
    frame = frame[(frame["denominator"] > 0) & frame["events"].notna() & frame["value"].notna()]
    if frame.empty or kind == "count":
        return None
    frame["exposure"] = frame["denominator"] * scale
    if england_value is not None and not math.isnan(england_value):
        target, source = float(england_value), "England"
    else:
        target = float(frame["events"].sum() / frame["exposure"].sum() * multiplier)
        source = "the councils' pooled rate"
    proportion = kind == "percentage"
    for name, z in (("95", Z_95), ("998", Z_998)):
        frame[f"lower_{name}"], frame[f"upper_{name}"] = limits(target, frame["exposure"], multiplier, z,
                                                                proportion=proportion)
    frame["position"] = _positions(frame)
    low, high = frame["denominator"].min() * 0.8, frame["denominator"].max() * 1.1
    curve = pd.DataFrame({"denominator": np.geomspace(low, high, CURVE_POINTS)})
    for name, z in (("95", Z_95), ("998", Z_998)):
        curve[f"lower_{name}"], curve[f"upper_{name}"] = limits(target, curve["denominator"] * scale, multiplier,
                                                                z, proportion=proportion)
    columns = ["area_code", "area_name", "value", "denominator", "events", "exposure", "lower_95", "upper_95",
               "lower_998", "upper_998", "position"]
    return Funnel(frame[columns].reset_index(drop=True), curve, target, source, approximate, note)


def _positions(frame: pd.DataFrame) -> pd.Series:
    value = frame["value"]
    return pd.Series(np.select(
        [value > frame["upper_998"], value > frame["upper_95"], value < frame["lower_998"],
         value < frame["lower_95"]],
        [POSITIONS[0], POSITIONS[1], POSITIONS[4], POSITIONS[3]], default=POSITIONS[2]), index=frame.index)


__all__ = ["Funnel", "METHOD", "POSITIONS", "Z_95", "Z_998", "funnel", "limits"]
