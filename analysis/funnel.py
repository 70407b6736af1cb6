"""Every council at once: funnel limits with Spiegelhalter's over-dispersion adjustment, as FunnelPlotR does it.

Method: Spiegelhalter DJ (2005), "Funnel plots for comparing institutional performance", Statistics in
Medicine 24:1185-1202, and "Handling over-dispersion of performance indicators", Quality and Safety in
Health Care 14:347-351, as the CQC, NHS Digital's SHMI and FunnelPlotR 0.6.0 (Chris Mainey, NHS-R
Community; ``R/od_adjustment.R``, ``R/calculate_limits.R``, ``R/funnel_plot.R``) apply them:

1. each unit's z-score on a transformed scale, where its sampling variance is s²:
   proportions (x of n) ``(asin √(x/n) − asin √(Σx/Σn)) / s``, s = 1/(2√n); standardised ratios
   (observed O over expected E) by the SHMI method ``√E · log(O/E)``, s = 1/√E, or the CQC method
   ``(√(O/E) − 1) / s``, s = 1/(2√E);
2. the z-scores Winsorised at the ``trim`` and 1 − ``trim`` quantiles (R's default, type 7); the SHMI
   method instead drops the units in the top and bottom tenth by rank (ties averaged);
3. φ = the mean of the squared (Winsorised or kept) z-scores; τ² = 0 if nφ < n − 1, else
   max(0, (nφ − (n − 1)) / (Σw − Σw²/Σw)) with w = 1/s² (DerSimonian and Laird's between-unit variance);
4. limits target ± z·√(s² + τ²) on the transformed scale (z = 1.959964 and 3.090232), transformed back;
   proportions kept within [0, 1].

Where φ ≤ 1 the data show no over-dispersion: τ² is reported as 0 and the limits are the same formula with
τ² = 0 (FunnelPlotR draws its unadjusted limits then). Two places differ from FunnelPlotR 0.6.0 on
purpose, both in drawing the limits, neither in φ or τ²:

* CQC method: FunnelPlotR draws 1 ± z·√(s² + τ²), the square-root scale's limits, without squaring them
  back, which makes its unadjusted limits half as wide as Poisson's. Here they are squared back
  ((1 ± z·√(s² + τ²))², the lower stopping at 0), so both methods agree with the exact Poisson limits
  to first order (tests/test_funnel.py checks it).
* Proportions: FunnelPlotR stops the arcsine limits from turning back at small denominators by comparing
  each point of its drawing grid with the next; here the transformed limit is held within [0, π/2]
  before transforming back, which is what that comparison approximates, point by point.

:func:`funnel` puts an indicator's councils on one of the two scales (docs/funnel.md says why):
percentages as proportions; every rate per population as a standardised ratio, observed over the count
expected at all councils' pooled rate for its population. Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# FunnelPlotR's two-sided 95 % and 99.8 % points of the standard normal (R/calculate_limits.R).
Z_95 = 1.959964
Z_998 = 3.090232
LIMIT_COLUMNS = ("lower_95", "upper_95", "lower_998", "upper_998")
KINDS = ("proportion", "ratio")
SR_METHODS = ("SHMI", "CQC")
METHOD = ("Spiegelhalter's (2005) funnel limits with his over-dispersion adjustment, computed as FunnelPlotR 0.6.0 "
          "does: each council's z-score on the transformed scale, the top and bottom tenth trimmed (Winsorised for "
          "proportions, dropped by rank for ratios, the SHMI's way), φ the mean squared z-score, and τ² (the "
          "variance between councils beyond chance) added to each council's own before drawing the 95% and 99.8% "
          "limits.")
# Points along the funnel's curve, spaced evenly on a log scale of the denominator.
CURVE_POINTS = 200
POSITIONS = ("above 99.8% limit", "above 95% limit", "within 95% limits", "below 95% limit",
             "below 99.8% limit")


@dataclass(frozen=True)
class Fit:
    """φ, τ², the target and each unit's limits (input order), on the proportion or ratio scale."""

    kind: str
    sr_method: str | None
    trim: float
    phi: float
    """The dispersion ratio: mean of the squared Winsorised (SHMI: kept) z-scores; > 1 is over-dispersion."""
    tau2: float
    """The between-unit variance on the transformed scale; 0 where φ ≤ 1."""
    target: float
    """Σx/Σn for proportions; 1 for ratios."""
    limits: pd.DataFrame
    """One row per unit, input order: ``lower_95, upper_95, lower_998, upper_998`` with τ² added."""
    z: np.ndarray = field(repr=False)
    """Each unit's unadjusted z-score, input order."""
    used: np.ndarray = field(repr=False)
    """Whether each unit's z-score entered φ (False: dropped by the SHMI truncation)."""

    @property
    def adjusted(self) -> bool:
        """Whether the limits are wider than chance alone would draw them (φ > 1)."""
        return self.tau2 > 0

    def limits_at(self, denominators, *, adjusted: bool = True) -> pd.DataFrame:
        """The limits for any denominators (n or E): with this fit's τ², or with none (``adjusted=False``)."""
        return _limits(np.asarray(denominators, dtype=float), self.kind, self.sr_method, self.target,
                       self.tau2 if adjusted else 0.0)


def fit(numerators, denominators, *, kind: str, trim: float = 0.1, sr_method: str = "SHMI") -> Fit:
    """Spiegelhalter's over-dispersed funnel for ``kind`` "proportion" (x of n) or "ratio" (observed over
    expected), the SHMI or CQC method for ratios; see the module's docstring for every formula."""
    x, n = _check(numerators, denominators, kind, trim, sr_method)
    method = sr_method if kind == "ratio" else None
    z, s, target = _z_scores(x, n, kind, method)
    if method == "SHMI":
        used = _kept_by_rank(z, trim)
        trimmed = z[used]
    else:
        used = np.ones(z.size, dtype=bool)
        trimmed = _winsorise(z, trim)
    count = trimmed.size
    phi = float(np.sum(trimmed ** 2) / count) if count else math.nan
    tau2 = _tau2(count, phi, s[used]) if phi > 1 else 0.0
    return Fit(kind=kind, sr_method=method, trim=trim, phi=phi, tau2=tau2, target=target,
               limits=_limits(n, kind, method, target, tau2), z=z, used=used)


def r_quantile(values, probability: float) -> float:
    """R's default quantile (type 7), computed as R's ``quantile.default`` computes it."""
    x = np.sort(np.asarray(values, dtype=float))
    index = 1 + max(x.size - 1, 0) * probability
    lo, hi = math.floor(index), math.ceil(index)
    q = x[lo - 1]
    if index > lo and x[hi - 1] != q:
        h = index - lo
        q = (1 - h) * q + h * x[hi - 1]
    return float(q)


def _check(numerators, denominators, kind, trim, sr_method) -> tuple[np.ndarray, np.ndarray]:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    if sr_method not in SR_METHODS:
        raise ValueError(f"sr_method must be one of {', '.join(SR_METHODS)} (got {sr_method!r})")
    if not isinstance(trim, int | float) or not 0 < trim < 0.5:
        raise ValueError(f"trim must be a number between 0 and 0.5 (got {trim!r})")
    x = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    if x.ndim != 1 or x.shape != n.shape:
        raise ValueError(f"numerators and denominators must be two lists of the same length "
                         f"(got {x.shape} and {n.shape})")
    if x.size < 2:
        raise ValueError(f"a funnel needs at least two units (got {x.size})")
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("numerators must be finite numbers, none negative")
    if not np.all(np.isfinite(n)) or np.any(n <= 0):
        raise ValueError("denominators must be finite numbers, all above 0")
    if kind == "proportion" and np.any(x > n):
        first = int(np.flatnonzero(x > n)[0])
        raise ValueError(f"a proportion's numerator cannot exceed its denominator (unit {first}: "
                         f"{x[first]:g} of {n[first]:g})")
    return x, n


def _z_scores(x: np.ndarray, n: np.ndarray, kind: str, method: str | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Unadjusted z-scores, each unit's s and the target (R/od_adjustment.R ``transformed_zscore``)."""
    if kind == "proportion":
        target = float(x.sum() / n.sum())
        s = 1 / (2 * np.sqrt(n))
        return (np.arcsin(np.sqrt(x / n)) - math.asin(math.sqrt(target))) / s, s, target
    if method == "SHMI":
        s = 1 / np.sqrt(n)
        with np.errstate(divide="ignore"):
            return np.sqrt(n) * np.log(x / n), s, 1.0
    s = 1 / (2 * np.sqrt(n))
    return (np.sqrt(x / n) - 1) / s, s, 1.0


def _winsorise(z: np.ndarray, trim: float) -> np.ndarray:
    """Z-scores below the ``trim`` quantile set to it, above the 1 − ``trim`` quantile set to that."""
    low, high = r_quantile(z, trim), r_quantile(z, 1 - trim)
    return np.where(z < low, low, np.where(z > high, high, z))


def _kept_by_rank(z: np.ndarray, trim: float) -> np.ndarray:
    """The SHMI's truncation (R/od_adjustment.R ``truncation``): rank the z-scores (ties averaged), cut
    them into 1/``trim`` groups by ⌊rank × k / (N + 1)⌋, and keep all but the lowest and highest group."""
    k = 1 / trim
    rank = pd.Series(z).rank(method="average").to_numpy()
    group = np.floor(rank * k / (z.size + 1))
    return (group > 0) & (group < k - 1)


def _tau2(n: int, phi: float, s: np.ndarray) -> float:
    """DerSimonian and Laird's τ² from φ (R/od_adjustment.R ``tau_func``)."""
    if s.size == 0 or n * phi < n - 1:
        return 0.0
    w = 1 / s ** 2
    return float(max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def _limits(n: np.ndarray, kind: str, method: str | None, target: float, tau2: float) -> pd.DataFrame:
    columns = {}
    for name, z in (("95", Z_95), ("998", Z_998)):
        if kind == "proportion":
            spread = z * np.sqrt(1 / (4 * n) + tau2)
            centre = math.asin(math.sqrt(target))
            lower = np.sin(np.clip(centre - spread, 0, math.pi / 2)) ** 2
            upper = np.sin(np.clip(centre + spread, 0, math.pi / 2)) ** 2
        elif method == "SHMI":
            spread = z * np.sqrt(1 / n + tau2)
            lower, upper = np.exp(-spread), np.exp(spread)
        else:
            spread = z * np.sqrt(1 / (4 * n) + tau2)
            lower, upper = np.maximum(1 - spread, 0) ** 2, (1 + spread) ** 2
        columns[f"lower_{name}"], columns[f"upper_{name}"] = lower, upper
    return pd.DataFrame(columns, columns=list(LIMIT_COLUMNS))


# ---------------------------------------------------------------------------------------------------------
# An indicator's councils as a funnel
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelView:
    """One set of limits (adjusted or not) drawn in the indicator's unit."""

    adjusted: bool
    points: pd.DataFrame
    """``area_code, area_name, value, denominator, lower_95, upper_95, lower_998, upper_998, position``."""
    curve: pd.DataFrame
    """``denominator, lower_998, lower_95, upper_95, upper_998`` along the denominator's range."""

    @property
    def outside_998(self) -> int:
        return int(self.points["position"].str.contains("99.8").sum())

    @property
    def outliers(self) -> pd.DataFrame:
        """Councils outside the 95 % limits, those outside the 99.8 % first: ``area_code, area_name, value, denominator,
        limit`` ("99.8%" or "95%") and ``direction`` ("above" or "below")."""
        outside = self.points[self.points["position"] != POSITIONS[2]].copy()
        outside["limit"] = np.where(outside["position"].str.contains("99.8"), "99.8%", "95%")
        outside["direction"] = np.where(outside["position"].str.startswith("above"), "above", "below")
        outside["_order"] = outside["position"].map({POSITIONS[0]: 0, POSITIONS[4]: 1, POSITIONS[1]: 2,
                                                     POSITIONS[3]: 3})
        outside = outside.sort_values(["_order", "value"], ascending=[True, False], kind="stable")
        return outside[["area_code", "area_name", "value", "denominator", "limit", "direction"]].reset_index(
            drop=True)


@dataclass(frozen=True)
class Funnel:
    """Every council's value against its denominator, the fit, and both sets of limits in the indicator's unit."""

    fit: Fit
    scale: str
    """"proportion" or "ratio": the scale the limits were fitted on."""
    target: float
    """The centre line in the indicator's unit: every council's numerators over their denominators."""
    approximate: bool
    note: str
    """How the counts were made and on which scale, in two sentences, for the page."""
    adjusted_view: FunnelView
    unadjusted_view: FunnelView

    def view(self, adjusted: bool) -> FunnelView:
        return self.adjusted_view if adjusted else self.unadjusted_view

    @property
    def points(self) -> pd.DataFrame:
        return self.adjusted_view.points


def funnel(councils: pd.DataFrame, definition: Mapping) -> Funnel | None:
    """The funnel for ``councils`` (``area_code, area_name, numerator, denominator, value, population``, as
    ``store.groups.england_councils`` reads them), or None when there are fewer than two councils to compare
    or the measure has no denominator."""
    multiplier = float(definition["multiplier"])
    kind = str(definition["value_kind"])
    if kind == "count":
        return None
    frame = councils.copy()
    approximate = False
    if kind == "percentage":
        frame["count"] = frame["numerator"]
        note = ("Percentages are compared as proportions (numerator of denominator, on the arcsine scale, "
                "FunnelPlotR's method).")
    elif kind == "published":
        frame["denominator"] = frame["population"]
        frame["count"] = frame["value"] * frame["population"] / multiplier
        approximate = True
        note = ("A published age-standardised rate has no counts: the approximate count is rate × ONS "
                "population, compared as a ratio with the count expected at every council's pooled rate for "
                "that population (the SHMI method), so the limits are approximate.")
    elif str(definition.get("numerator_meaning") or "").strip().lower().startswith("average"):
        frame["count"] = frame["numerator"]
        note = ("The count is the average number of people delayed on a day (a person delayed all month counts "
                "once, not once a day), compared as a ratio with the number expected at every council's pooled "
                "rate for its population (the SHMI method).")
    else:
        frame["count"] = frame["numerator"]
        note = ("Counts are compared as a ratio with the count expected at every council's pooled rate for its "
                "population (the SHMI method).")
    frame = frame[(frame["denominator"] > 0) & (frame["count"] >= 0) & frame["value"].notna()]
    frame = frame.reset_index(drop=True)
    if len(frame) < 2:
        return None
    count = frame["count"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    pooled = float(count.sum() / denominator.sum())
    low, high = denominator.min() * 0.8, denominator.max() * 1.1
    curve_x = np.geomspace(low, high, CURVE_POINTS)
    if kind == "percentage":
        result = fit(count, denominator, kind="proportion")
        scale, to_unit, curve_n = "proportion", multiplier, curve_x
    else:
        result = fit(count, pooled * denominator, kind="ratio", sr_method="SHMI")
        scale, to_unit, curve_n = "ratio", pooled * multiplier, pooled * curve_x
    views = {}
    for adjusted in (True, False):
        points = frame[["area_code", "area_name", "value", "denominator"]].copy()
        limits = result.limits if adjusted else result.limits_at(
            denominator if scale == "proportion" else pooled * denominator, adjusted=False)
        for column in LIMIT_COLUMNS:
            points[column] = limits[column].to_numpy() * to_unit
        points["position"] = _positions(points)
        curve = result.limits_at(curve_n, adjusted=adjusted) * to_unit
        curve.insert(0, "denominator", curve_x)
        views[adjusted] = FunnelView(adjusted, points, curve[["denominator", "lower_998", "lower_95", "upper_95",
                                                              "upper_998"]])
    return Funnel(fit=result, scale=scale, target=pooled * multiplier, approximate=approximate, note=note,
                  adjusted_view=views[True], unadjusted_view=views[False])


def dispersion_sentence(plot: Funnel, adjusted: bool) -> str:
    """φ and τ² and what the adjustment means, in plain words, for the limits shown (``adjusted`` or not)."""
    phi, tau2 = plot.fit.phi, plot.fit.tau2
    scale = "arcsine" if plot.scale == "proportion" else "log ratio"
    if not plot.fit.adjusted:
        return (f"Councils vary no more than chance would make them (dispersion ratio φ = {phi:.2f}, at most 1), so "
                "τ² = 0 and no adjustment is made: the limits show chance alone.")
    shown = ("The adjusted limits add that usual variation between councils to chance, so a council outside them "
             "differs from other councils by more than councils usually do, not only by more than chance."
             if adjusted else
             "Shown: the unadjusted limits, chance alone; where councils vary this much, many fall outside them "
             "for reasons that have nothing to do with chance.")
    return (f"Councils vary {phi:.1f} times as much as chance alone would make them (dispersion ratio φ = {phi:.2f}; "
            f"variance between councils τ² = {tau2:.4g} on the {scale} scale). {shown}")


def _positions(frame: pd.DataFrame) -> pd.Series:
    value = frame["value"]
    return pd.Series(np.select(
        [value > frame["upper_998"], value > frame["upper_95"], value < frame["lower_998"],
         value < frame["lower_95"]],
        [POSITIONS[0], POSITIONS[1], POSITIONS[4], POSITIONS[3]], default=POSITIONS[2]), index=frame.index)


__all__ = ["CURVE_POINTS", "KINDS", "LIMIT_COLUMNS", "METHOD", "POSITIONS", "SR_METHODS", "Z_95", "Z_998", "Fit",
           "Funnel", "FunnelView", "dispersion_sentence", "fit", "funnel", "r_quantile"]
