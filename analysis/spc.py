"""Statistical process control: XmR charts with the NHS "Making Data Count" rules.

The method is NHS England's "Making Data Count" (MDC). The reference implementation is the NHS-R
Community's NHSRplotthedots 0.2.2 (GitHub ``nhs-r-community/NHSRplotthedots``): this module follows
its semantics point for point, as summarised in the team's SPC ``RULES.md``, except where the reference
crashes or has a quirk an analyst would not expect; each such place is named in the docstring of the
function concerned and collected in :func:`xmr`'s docstring.

Two entry points share one vectorised core, so their results are identical to the last bit:

* :func:`xmr` takes one series (a ``pd.Series`` on a ``DatetimeIndex``);
* :func:`xmr_many` takes a long table (key, period, value) and does every series at once, with no
  Python loop over series or points.

Nothing here imports Streamlit or DuckDB: frames in, frames out.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.exact_sum import segment_fsum

__all__ = [
    "ASSURANCE_ICONS",
    "IMPROVEMENT_DIRECTIONS",
    "MR_OUTLIER_FACTOR",
    "NEAR_LIMIT_FACTOR",
    "POINT_TYPES",
    "RESULT_COLUMNS",
    "RULE_LABELS",
    "RUN_LENGTH",
    "TREND_LENGTH",
    "TRIAL_LIMITS_BELOW",
    "VARIATION_ICONS",
    "XMR_LIMIT_FACTOR",
    "XmrMany",
    "xmr",
    "xmr_many",
]

# 2.66 = 3 / d2 (d2 = 1.128 for a moving range of 2), rounded as MDC and NHSRplotthedots do
# (R/ptd_spc_standard.R `limit <- 2.66`); not 3 / 1.128 = 2.6596.
XMR_LIMIT_FACTOR = 2.66
# The "two sigma" lines that bound the "close to the limits" band: 2/3 of the limit distance
# (R/ptd_spc_standard.R `limitclose <- 2 * (limit / 3)`).
NEAR_LIMIT_FACTOR = 2 * (XMR_LIMIT_FACTOR / 3)
# Nelson's moving-range screen (upper range limit D4 = 3.267): moving ranges at or above
# 3.267 x the average moving range are left out of the average, once (R/ptd_spc_standard.R).
MR_OUTLIER_FACTOR = 3.267
# A shift ("run") is 7 points on one side of the mean; a trend is 7 points rising or falling,
# that is 6 successive strict rises or falls (R/ptd_calculate_point_type.R).
RUN_LENGTH = 7
TREND_LENGTH = 7
# Segments with fewer points than this carry trial limits
# (R/ptd_add_short_group_warnings.R, option ptd_spc.warning_threshold = 13).
TRIAL_LIMITS_BELOW = 13

IMPROVEMENT_DIRECTIONS = ("increase", "decrease", "neutral")
_DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}

POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
)
VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS = ("pass", "fail", "hit_or_miss")

# Rule codes in order of precedence (outside limits > trend > 2 of 3 > run), each with the plain
# words used for chart hover text.
RULE_LABELS: dict[str, str] = {
    "above_upl": "above the upper process limit",
    "below_lpl": "below the lower process limit",
    "trend_increasing": "a run of 7 rising points",
    "trend_decreasing": "a run of 7 falling points",
    "two_of_three_above": "2 of 3 points close to the upper limit",
    "two_of_three_below": "2 of 3 points close to the lower limit",
    "run_above": "7 points above the mean",
    "run_below": "7 points below the mean",
}

RESULT_COLUMNS = ("mean", "lpl", "upl", "npl_lower", "npl_upper", "point_type", "rule", "segment")

# Integer codes used inside the core; index 0 of _RULE_CODES is "no rule" (common cause).
_RULE_CODES = (None, *RULE_LABELS)
(_NO_RULE, _ABOVE_UPL, _BELOW_LPL, _TREND_UP, _TREND_DOWN, _TWO_ABOVE, _TWO_BELOW, _RUN_ABOVE,
 _RUN_BELOW) = range(len(_RULE_CODES))
# +1 for a rule that signals "high" (above, increasing), -1 for "low".
_RULE_SIDE = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL = range(4)

_RULE_NAMES = np.array(_RULE_CODES, dtype=object)
_POINT_TYPE_NAMES = np.array(POINT_TYPES, dtype=object)
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what dtype="str" means in pandas 3


class XmrMany(NamedTuple):
    """The result of :func:`xmr_many`: every point, and one summary row per series."""

    points: pd.DataFrame
    """The input table, same rows and index, with the result columns added."""
    summary: pd.DataFrame
    """One row per series key: the icons, trial-limits flag and the last segment's limits."""


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def xmr(
    values: pd.Series,
    improvement_direction: str,
    rebase: Sequence[Any] | None = (),
    target: float | None = None,
    screen_outliers: bool = True,
) -> pd.DataFrame:
    """Compute an XmR chart for one series and classify every point as MDC does.

    ``values`` holds one number a period (NaN for a missing period) on a ``DatetimeIndex``. The
    result has one row per input point, with the same index and in the same order, and the columns
    ``value, mean, lpl, upl, npl_lower, npl_upper, point_type, rule, segment``:

    * ``mean``, ``lpl``, ``upl`` are the centre line and the lower and upper process limits
      (mean -/+ 2.66 x average moving range) of the point's segment; ``npl_lower``/``npl_upper``
      are the "two sigma" lines (mean -/+ 1.773 x average moving range).
    * ``point_type`` is ``common_cause``, ``special_cause_improvement``,
      ``special_cause_concern`` or (direction neutral) ``special_cause_neutral``.
    * ``rule`` is the code of the rule that fired (a key of :data:`RULE_LABELS`), missing for
      common cause. Precedence: outside the limits > trend > 2 of 3 > run.
    * ``segment`` counts segments from 0; a rebase date that equals a period starts a new segment
      at that period. Nothing (mean, moving range, limits, run, trend, 2-of-3 window) crosses a
      segment.

    ``df.attrs`` carries ``variation_icon`` (from the last point by date), ``assurance_icon``
    (``pass``, ``fail``, ``hit_or_miss``, or None without a target or with a neutral direction;
    from the last segment's limits), ``trial_limits`` (True when any segment has fewer than 13
    points), ``improvement_direction``, ``target``, ``screen_outliers`` and ``segments`` (one dict
    per segment: ``segment, start, end, n_points, mean, lpl, upl, trial_limits``).

    Where this deliberately differs from NHSRplotthedots 0.2.2:

    * A missing value (NaN) is a break. It is never part of a run, trend or 2-of-3 window, its
      moving ranges are missing, and its point is common cause. The reference does the same in
      most cases but crashes in ``ptd_seven_point_trend`` when the non-missing differences around
      the gap all have one sign (e.g. ``1, 2, NA, 4, 5, 6, 7, 8``).
    * A trend point is labelled by the direction of the trend it belongs to. The reference labels
      it by the *next* step, which names the top of a rising trend "decreasing". The one point
      that belongs to two trends, the turning point where a rising trend meets a falling one,
      takes the direction of the trend it ends (the earlier one).
    * ``point_type`` for a neutral direction is ``special_cause_neutral`` (the reference says
      ``special_cause_neutral_high``/``_low``; the icon still says high or low).
    * Segments are numbered from 0 whatever the rebase dates; a rebase on the first date changes
      nothing (the reference's ``rebase_group`` would start at 1 there, with the same results).
    * The index need not be sorted; the maths runs in date order and rows come back in input
      order. An empty series gives an empty frame, the common-cause icon, ``trial_limits`` True
      and, with a target, ``hit_or_miss`` (as for missing limits).
    * Means follow R's ``mean`` (sum / n, then corrected by the mean residual) with correctly rounded
      sums in place of R's long double, so a point on the mean in decimal arithmetic is on it here too.

    Kept from the reference on purpose: a segment whose values are all equal has every moving
    range 0, screening drops them all (``0 < 3.267 x 0`` is false) and its limits are NaN; with
    ``screen_outliers=False`` its limits equal its mean. Rebase dates that match no period are
    ignored. A single-point segment has NaN limits.
    """
    _check_series(values)
    direction = _DIRECTION_SIGN[_check_direction(improvement_direction, "improvement_direction")]
    target = _check_target(target, "target")
    _check_screen(screen_outliers)
    rebase_ns = _check_rebase((), "rebase", None) if rebase is None else _check_rebase(
        rebase, "rebase", values.index.tz)

    index = values.index
    y = _as_float(values.array, "values")
    _check_finite(y, index, "values")
    ns = _as_ns(index)
    if np.any(ns == np.iinfo(np.int64).min):
        raise ValueError("the index of values has a missing date (NaT)")
    order = np.argsort(ns, kind="stable")
    ns_sorted = ns[order]
    if ns_sorted.size > 1:
        dupes = np.flatnonzero(ns_sorted[1:] == ns_sorted[:-1])
        if dupes.size:
            when = index[order[dupes[0]]]
            raise ValueError(f"values has duplicate periods: {when} appears more than once")

    n = y.size
    seg_start = np.zeros(n, dtype=bool)
    if n:
        seg_start[0] = True
        seg_start |= np.isin(ns_sorted, rebase_ns)
    core = _xmr_core(
        y[order],
        seg_start,
        series_start=np.zeros(1 if n else 0, dtype=np.intp),
        direction=np.full(1 if n else 0, direction, dtype=np.int8),
        target=np.full(1 if n else 0, np.nan if target is None else target),
        screen_outliers=screen_outliers,
    )

    result = pd.DataFrame(index=index)
    result["value"] = y
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.arange(n)
    for column in RESULT_COLUMNS:
        result[column] = _result_column(core, column, inverse)

    if n:
        variation_icon = core["variation_icon"][0]
        assurance_icon = core["assurance_icon"][0]
        trial_limits = bool(core["trial_limits"][0])
    else:
        variation_icon = "common_cause"
        assurance_icon = _assurance_icons(np.array([direction]),
                                          np.array([np.nan if target is None else target]),
                                          np.array([np.nan]), np.array([np.nan]))[0]
        trial_limits = True
    seg_first = np.flatnonzero(seg_start)
    seg_last = np.append(seg_first[1:], n)[: seg_first.size] - 1
    sorted_index = index[order]
    result.attrs.update(
        variation_icon=variation_icon,
        assurance_icon=assurance_icon,
        trial_limits=trial_limits,
        improvement_direction=improvement_direction,
        target=target,
        screen_outliers=screen_outliers,
        segments=[
            {
                "segment": i,
                "start": sorted_index[first],
                "end": sorted_index[last],
                "n_points": int(last - first + 1),
                "mean": float(core["seg_mean"][i]),
                "lpl": float(core["seg_lpl"][i]),
                "upl": float(core["seg_upl"][i]),
                "trial_limits": bool(last - first + 1 < TRIAL_LIMITS_BELOW),
            }
            for i, (first, last) in enumerate(zip(seg_first, seg_last, strict=True))
        ],
    )
    return result


def xmr_many(
    table: pd.DataFrame,
    *,
    key: Hashable,
    period: Hashable,
    value: Hashable,
    improvement_direction: str | Mapping[Any, str],
    rebase: Mapping[Any, Sequence[Any]] | None = None,
    target: float | None | Mapping[Any, float | None] = None,
    screen_outliers: bool = True,
) -> XmrMany:
    """Compute an XmR chart for every series of a long table at once.

    ``table`` has one row per series and period: column ``key`` names the series (e.g. local
    authority and indicator), ``period`` is a datetime column and ``value`` the number (NaN for
    missing). ``improvement_direction`` and ``target`` are one value for all series or a mapping
    (dict or Series) from key to value (a key missing from a ``target`` mapping has no target);
    ``rebase`` maps a key to its rebase dates (keys not in the table are ignored).

    Returns :class:`XmrMany`: ``points`` is ``table`` (same rows, order and index) with the
    columns ``mean, lpl, upl, npl_lower, npl_upper, point_type, rule, segment`` added, and
    ``summary`` has one row per key (sorted) with ``improvement_direction, target, n_points,
    n_segments, mean, lpl, upl`` (of the last segment), ``variation_icon``, ``assurance_icon`` and
    ``trial_limits``. Each series' results are identical to :func:`xmr` on that series alone.
    """
    _check_table(table, key, period, value)
    _check_screen(screen_outliers)

    keys = table[key]
    dates = pd.DatetimeIndex(table[period])
    ns = _as_ns(dates)
    n = len(table)
    # A table already in key and date order (as a store reads it) is charted where it lies: no sort, no
    # factorising by hash, no copies put back in input order.
    in_order = _in_key_and_date_order(keys, ns)
    if in_order:
        series_first = np.flatnonzero(_changes(keys.to_numpy()))
        uniques = pd.Index(keys.to_numpy()[series_first])
        order = None
    else:
        try:
            codes, uniques = pd.factorize(keys, sort=True)
        except TypeError:  # keys of mixed types that cannot be ordered
            codes, uniques = pd.factorize(keys, sort=False)
        if np.any(codes < 0):
            row = table.index[np.flatnonzero(codes < 0)[0]]
            raise ValueError(f"column {key!r} has a missing key in row {row!r}")
    missing_date = ns == np.iinfo(np.int64).min
    if np.any(missing_date):
        row = table.index[np.flatnonzero(missing_date)[0]]
        raise ValueError(f"column {period!r} has a missing date (NaT) in row {row!r}")
    y = _as_float(table[value].array, f"column {value!r}")
    _check_finite(y, table.index, f"column {value!r}")

    n_series = len(uniques)
    directions = _per_series(improvement_direction, uniques, "improvement_direction",
                             _check_direction, required=True)
    direction = np.fromiter((_DIRECTION_SIGN[d] for d in directions), dtype=np.int8, count=n_series)
    targets = _per_series(target, uniques, "target", _check_target, required=False)
    target_arr = np.fromiter((np.nan if t is None else t for t in targets), dtype=float,
                             count=n_series)

    if in_order:
        ns_sorted = ns
    else:
        order = np.lexsort((ns, codes))
        codes_sorted = codes[order]
        ns_sorted = ns[order]
        same = (codes_sorted[1:] == codes_sorted[:-1]) & (ns_sorted[1:] == ns_sorted[:-1])
        if np.any(same):
            i = order[np.flatnonzero(same)[0]]
            raise ValueError(
                f"table has duplicate periods: key {keys.iloc[i]!r} has {dates[i]} more than once"
            )
        series_first = np.flatnonzero(_changes(codes_sorted)) if n else np.array([], dtype=np.intp)
        del codes, codes_sorted
    seg_start = np.zeros(n, dtype=bool)
    seg_start[series_first] = True
    if isinstance(rebase, pd.Series):
        rebase = rebase.to_dict()
    if rebase is not None:
        if not isinstance(rebase, Mapping):
            raise TypeError(
                f"rebase must be a mapping from key to dates (got {type(rebase).__name__})"
            )
        series_last = np.r_[series_first[1:], n]
        position = {k: i for i, k in enumerate(uniques)}
        for k, dates_k in rebase.items():
            rebase_ns = _check_rebase(dates_k, f"rebase[{k!r}]", dates.tz)
            i = position.get(k)
            if i is None or not rebase_ns.size:  # a key with no rows has nothing to rebase
                continue
            lo, hi = series_first[i], series_last[i]
            seg_start[lo:hi] |= np.isin(ns_sorted[lo:hi], rebase_ns)
    del ns, ns_sorted

    core = _xmr_core(y if order is None else y[order], seg_start, series_first, direction, target_arr,
                     screen_outliers)
    del seg_start

    if order is not None:
        inverse = np.empty(n, dtype=np.intp)
        inverse[order] = np.arange(n)
        del order
    else:
        inverse = None
    results = {column: _result_column(core, column, inverse) for column in RESULT_COLUMNS}
    del inverse
    if n:
        # Put beside the caller's columns without a copy (assigning a column copies it: 600 MB nationally).
        points = pd.concat([table, pd.DataFrame(results, index=table.index, copy=False)], axis=1)
        points.attrs = dict(table.attrs)
    else:
        points = table.copy(deep=False)  # copy-on-write: the caller's table is never changed
        for column in RESULT_COLUMNS:
            points[column] = results[column]

    summary = pd.DataFrame(
        {
            "improvement_direction": pd.array(directions, dtype="str"),
            "target": target_arr,
            "n_points": np.diff(np.r_[series_first, n]),
            "n_segments": core["n_segments"],
            "mean": core["last_mean"],
            "lpl": core["last_lpl"],
            "upl": core["last_upl"],
            "variation_icon": pd.array(core["variation_icon"], dtype="str"),
            "assurance_icon": pd.array(core["assurance_icon"], dtype="str"),
            "trial_limits": core["trial_limits"],
        },
        index=pd.Index(uniques, name=key),
    )
    return XmrMany(points, summary)


# --------------------------------------------------------------------------------------------
# The vectorised core
# --------------------------------------------------------------------------------------------


# Series are charted in chunks of about this many points: each step's arrays then stay in the processor's
# cache and are allocated once a chunk, not once for a national store's ten million points.
_CHUNK_POINTS = 1 << 18
# What the core gives for every point (written in place, chunk by chunk); the rest is per segment or series.
_PER_POINT = {"mean": float, "lpl": float, "upl": float, "npl_lower": float, "npl_upper": float,
              "rule": np.int8, "point_type": np.int8, "segment": np.int64}


def _xmr_core(
    y: np.ndarray,
    seg_start: np.ndarray,
    series_start: np.ndarray,
    direction: np.ndarray,
    target: np.ndarray,
    screen_outliers: bool,
) -> dict[str, np.ndarray]:
    """Run limits, rules, point types and icons for series laid end to end in date order.

    ``y`` is every value, series after series, each in date order; ``seg_start`` marks the first
    point of every segment (the first point of each series included); ``series_start`` holds the
    position of each series' first point, and ``direction`` (+1, -1, 0) and ``target`` (NaN for
    none) one entry per series. Each step is a whole-array numpy operation on a chunk of whole series
    (nothing crosses a series, so chunks are independent); the results are put together here.
    """
    n = y.size
    bounds = _chunk_bounds(series_start, n)
    result = {name: np.empty(n, dtype=dtype) for name, dtype in _PER_POINT.items()}
    pieces: dict[str, list[np.ndarray]] = {}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        lo, hi = (series_start[i] if i < series_start.size else n for i in (a, b))
        part = _xmr_chunk(y[lo:hi], seg_start[lo:hi], series_start[a:b] - lo, direction[a:b], target[a:b],
                          screen_outliers, {name: result[name][lo:hi] for name in _PER_POINT})
        for name, values in part.items():
            pieces.setdefault(name, []).append(values)
    result.update({name: np.concatenate(parts) if len(parts) > 1 else parts[0] for name, parts in pieces.items()})
    return result


def _chunk_bounds(series_start: np.ndarray, n: int) -> list[int]:
    """Series numbers where chunks of about :data:`_CHUNK_POINTS` points begin, and the number of series."""
    if n <= _CHUNK_POINTS:
        return [0, series_start.size]
    cut = np.searchsorted(series_start, np.arange(_CHUNK_POINTS, n, _CHUNK_POINTS))
    return sorted({0, series_start.size, *cut.tolist()})


def _xmr_chunk(
    y: np.ndarray,
    seg_start: np.ndarray,
    series_start: np.ndarray,
    direction: np.ndarray,
    target: np.ndarray,
    screen_outliers: bool,
    out: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """:func:`_xmr_core` for whole series laid end to end, each step one numpy operation on them all.

    The per-point results are written into ``out`` (see :data:`_PER_POINT`); the per-segment and per-series
    ones are returned.
    """
    n = y.size
    seg = seg_start.astype(np.intp).cumsum()  # cast first: numpy's cumsum of booleans is 20 times slower
    seg -= 1
    n_seg = int(seg[-1]) + 1 if n else 0
    series_of_point = np.repeat(np.arange(series_start.size), np.diff(np.r_[series_start, n]))
    series_of_seg = series_of_point[seg_start]

    limits = _limits(y, seg_start, screen_outliers)
    # mode "clip": numpy buffers (copies) a take into `out` under the default mode; `seg` is in range anyway.
    mean, lpl, upl, npl_lower, npl_upper = (np.take(limits[name], seg, out=out[name], mode="clip") for name in
                                            ("mean", "lpl", "upl", "npl_lower", "npl_upper"))

    with np.errstate(invalid="ignore"):
        above = y > upl
        below = y < lpl
        outside = above | below
        close = ~outside & ((y < npl_lower) | (y > npl_upper))
        side = _sign(y, mean)  # 0 for a missing value

    in_run = _in_run(side, seg_start)
    trend = _trend_direction(y, seg_start)
    two_of_three = _two_of_three(close, side, seg)

    rule = np.full(n, _NO_RULE, dtype=np.int8)
    rule[in_run] = np.where(side[in_run] > 0, _RUN_ABOVE, _RUN_BELOW)
    rule[two_of_three] = np.where(side[two_of_three] > 0, _TWO_ABOVE, _TWO_BELOW)
    rule[trend != 0] = np.where(trend[trend != 0] > 0, _TREND_UP, _TREND_DOWN)
    rule[above] = _ABOVE_UPL
    rule[below] = _BELOW_LPL

    rule_side = _RULE_SIDE[rule]
    signal = rule_side * direction[series_of_point]  # +1 improvement, -1 concern, 0 neutral (or no rule)
    # Common cause without a rule, else improvement (+1), concern (-1) or neutral (0); arithmetic on int8 rather
    # than np.select, which costs more than the rules themselves.
    point_type = (rule_side != 0).view(np.int8) * (
        _NEUTRAL - (_NEUTRAL - _IMPROVEMENT) * (signal == 1).view(np.int8)
        - (_NEUTRAL - _CONCERN) * (signal == -1).view(np.int8)).astype(np.int8)

    # Per series: the last point by date, the last segment, any short segment.
    series_end = np.append(series_start[1:], n)[: series_start.size] - 1
    last_seg = seg[series_end] if n else np.array([], dtype=np.intp)
    seg_sizes = np.bincount(seg, minlength=n_seg)
    short = np.bincount(series_of_seg, weights=seg_sizes < TRIAL_LIMITS_BELOW,
                        minlength=series_start.size) > 0
    last_lpl = limits["lpl"][last_seg]
    last_upl = limits["upl"][last_seg]

    out["rule"][...] = rule
    out["point_type"][...] = point_type
    out["segment"][...] = seg - seg[series_start][series_of_point] if n else seg
    return {
        "seg_mean": limits["mean"],
        "seg_lpl": limits["lpl"],
        "seg_upl": limits["upl"],
        "n_segments": np.bincount(series_of_seg, minlength=series_start.size),
        "last_mean": limits["mean"][last_seg],
        "last_lpl": last_lpl,
        "last_upl": last_upl,
        "variation_icon": _variation_icons(point_type[series_end], rule_side[series_end],
                                           direction),
        "assurance_icon": _assurance_icons(direction, target, last_lpl, last_upl),
        "trial_limits": short,
    }


def _limits(y: np.ndarray, seg_start: np.ndarray, screen_outliers: bool) -> dict[str, np.ndarray]:
    """Mean, average moving range and limits of each segment (R/ptd_spc_standard.R)."""
    seg_first = np.flatnonzero(seg_start)
    seg_size = np.diff(np.append(seg_first, y.size))
    valid = ~np.isnan(y)
    mean = _group_mean(y, valid, seg_first, seg_size)

    # c(NA, abs(diff(y))) within each segment: no moving range across a break or next to a gap.
    mr = np.full(y.size, np.nan)
    mr[1:] = np.abs(np.diff(y))
    mr[seg_start] = np.nan
    kept = ~np.isnan(mr)
    amr = _group_mean(mr, kept, seg_first, seg_size)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            kept &= mr < MR_OUTLIER_FACTOR * np.repeat(amr, seg_size)
        amr = _group_mean(mr, kept, seg_first, seg_size)

    return {
        "mean": mean,
        "lpl": mean - (XMR_LIMIT_FACTOR * amr),
        "upl": mean + (XMR_LIMIT_FACTOR * amr),
        "npl_lower": mean - (NEAR_LIMIT_FACTOR * amr),
        "npl_upper": mean + (NEAR_LIMIT_FACTOR * amr),
    }


def _group_mean(values: np.ndarray, counted: np.ndarray, seg_first: np.ndarray, seg_size: np.ndarray
                ) -> np.ndarray:
    """Mean of ``values`` where ``counted`` in each segment, NaN for a segment with nothing counted.

    Segments are contiguous (``seg_first`` and ``seg_size`` say where each lies). Each mean is computed as
    R's ``mean`` does it, a sum divided by the count and then corrected by the mean of the residuals, with
    every sum correctly rounded (``math.fsum``) where R uses long double. So a value on the centre line in
    decimal arithmetic is exactly on it here (``analysis.exact_sum.segment_fsum`` gives ``fsum``'s sums for
    every segment at once): a plain running sum puts the mean of ``962.3, 964.2, ... 960.6`` at
    961.9999999999998 (and ``1.1, 2.2, 3.3`` at 2.1999999999999997), and the point at 962 would then join a
    run that NHSRplotthedots does not see.
    What is not counted stays in place as 0, which changes no exact sum, so nothing is copied out.
    """
    size = np.add.reduceat(counted, seg_first, dtype=np.intp) if seg_first.size else seg_size
    with np.errstate(invalid="ignore", divide="ignore"):
        first = segment_fsum(np.where(counted, values, 0.0), seg_first, seg_size) / size
        residual = np.where(counted, values - np.repeat(first, seg_size), 0.0)
        means = first + segment_fsum(residual, seg_first, seg_size) / size
    means[size == 0] = np.nan
    return means


def _in_block_of(link: np.ndarray, length: int) -> np.ndarray:
    """Points in blocks of ``length`` or more, where ``link[i]`` says point ``i`` is in the block of point ``i - 1``.

    By windows (a block of ``length`` begins at ``i`` when links ``i + 1 .. i + length - 1`` all hold; its points
    are those some such window covers): a dozen passes over booleans, where block numbers by ``cumsum`` and
    ``bincount`` cost ten times as much.
    """
    n = link.size
    covered = np.zeros(n, dtype=bool)
    m = n - length + 1  # windows that fit
    if m <= 0:
        return covered
    begins = link[1:m + 1].copy()
    for k in range(2, length):
        begins &= link[k:m + k]
    covered[:m] = begins
    for k in range(1, length):
        covered[k:m + k] |= begins
    return covered


def _sign(a: np.ndarray, b: np.ndarray | float = 0.0) -> np.ndarray:
    """+1, -1 or 0 as ``a`` is above, below or on ``b`` (0 where either is NaN), as int8.

    Two comparisons rather than ``np.sign(a - b)``, whose branches cost ten times as much on noisy data."""
    return (a > b).view(np.int8) - (a < b).view(np.int8)


def _in_run(side: np.ndarray, seg_start: np.ndarray) -> np.ndarray:
    """Points in 7 or more consecutive points strictly on one side of the mean.

    ``side`` is the sign of (value - mean); 0 (on the mean, or missing) is never part of a run
    and breaks it.
    """
    if not side.size:
        return np.zeros(0, dtype=bool)
    link = np.zeros(side.size, dtype=bool)
    np.equal(side[1:], side[:-1], out=link[1:])
    link &= ~seg_start
    return (side != 0) & _in_block_of(link, RUN_LENGTH)


def _trend_direction(y: np.ndarray, seg_start: np.ndarray) -> np.ndarray:
    """+1 / -1 for points in 7 or more points each strictly above / below the one before, else 0.

    ``step[i]`` is the sign of ``y[i] - y[i-1]`` within a segment (0 for a tie, a gap or a
    segment's first point). A trend is a block of 6 or more equal non-zero steps; the points it
    covers are the one before its first step and every point it steps to. A turning point shared
    by a rising and a falling trend takes the direction of the trend it ends.
    """
    n = y.size
    if not n:
        return np.zeros(0, dtype=np.int8)
    step = np.zeros(n, dtype=np.int8)
    step[1:] = _sign(np.diff(y))
    step[seg_start] = 0
    link = np.zeros(n, dtype=bool)
    np.equal(step[1:], step[:-1], out=link[1:])
    in_trend_step = (step != 0) & _in_block_of(link, TREND_LENGTH - 1)
    ends_trend = np.where(in_trend_step, step, 0).astype(np.int8)  # the point a trend step arrives at
    starts_trend = np.zeros(n, dtype=np.int8)  # the point a trend's first step leaves from
    starts_trend[:-1] = ends_trend[1:]
    return np.where(ends_trend != 0, ends_trend, starts_trend)


def _two_of_three(close: np.ndarray, side: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Close points in a window of 3 consecutive points with 2 or more close and all 3 on one side.

    A window qualifies when it lies in one segment, its three points are strictly on the same
    side of the mean (none on the mean, none missing) and at least two are close to the limits;
    only the close points of a qualifying window are flagged.
    """
    n = close.size
    flagged = np.zeros(n, dtype=bool)
    if n < 3:
        return flagged
    a, b, c = slice(0, n - 2), slice(1, n - 1), slice(2, n)
    window = (
        (seg[a] == seg[c])
        & (side[a] != 0)
        & (side[a] == side[b])
        & (side[b] == side[c])
        & (close[a].astype(np.int8) + close[b] + close[c] >= 2)
    )
    flagged[a] |= window
    flagged[b] |= window
    flagged[c] |= window
    return flagged & close


def _variation_icons(point_type: np.ndarray, side: np.ndarray, direction: np.ndarray
                     ) -> np.ndarray:
    """The MDC variation icon of each series from the type and side of its last point."""
    icon = np.select(
        [
            point_type == _IMPROVEMENT,
            point_type == _CONCERN,
            (point_type == _NEUTRAL) & (side > 0),
            point_type == _NEUTRAL,
        ],
        [
            np.where(direction > 0, "improvement_high", "improvement_low"),
            np.where(direction > 0, "concern_low", "concern_high"),
            "neutral_high",
            "neutral_low",
        ],
        default="common_cause",
    )
    return icon.astype(object)


def _assurance_icons(direction: np.ndarray, target: np.ndarray, lpl: np.ndarray, upl: np.ndarray
                     ) -> np.ndarray:
    """The MDC assurance icon of each series from its target and its last segment's limits.

    Strict comparisons, as R/ptd_calculate_assurance_type.R: a target exactly on a limit, or
    missing limits, give ``hit_or_miss``. No target (NaN) or a neutral direction gives None.
    """
    with np.errstate(invalid="ignore"):
        above, below = target > upl, target < lpl
    up = direction > 0
    return np.select(
        [np.isnan(target) | (direction == 0), above & up, above, below & up, below],
        [None, "fail", "pass", "pass", "fail"],
        default="hit_or_miss",
    ).astype(object)


def _result_column(core: dict[str, np.ndarray], column: str, inverse: np.ndarray | None) -> Any:
    """One output column, put back in input row order (``inverse`` None: the rows were in order)."""
    values = core[column] if inverse is None else core[column][inverse]
    if column == "point_type":
        return _names(values, _POINT_TYPE_NAMES)
    if column == "rule":
        return _names(values, _RULE_NAMES)
    if column == "segment":
        return values.astype(np.int64, copy=False)
    return values


def _changes(keys: np.ndarray) -> np.ndarray:
    """True at the first row and wherever the key differs from the row before."""
    new = np.ones(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    return new


def _in_key_and_date_order(keys: pd.Series, ns: np.ndarray) -> bool:
    """Whether integer keys never decrease and each key's dates strictly increase (so no two rows share a key
    and period): the table's rows are already the order the core needs."""
    if keys.dtype.kind not in "iu" or keys.size < 2:
        return False
    k = keys.to_numpy()
    later = k[1:] > k[:-1]
    same = k[1:] == k[:-1]
    return bool((later | (same & (ns[1:] > ns[:-1]))).all())


def _names(codes: np.ndarray, names: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array(names[codes], dtype="str")``, built by Arrow (ten times faster for a national store)."""
    labels = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(list(names), pa.large_string()))
    return labels.dictionary_decode().to_pandas(types_mapper={pa.large_string(): _STR}.get).array


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _describe(obj: Any) -> str:
    """A short description of a bad argument for an error message."""
    if isinstance(obj, str):
        return f'"{obj}"'
    return f"{obj!r} of type {type(obj).__name__}"


def _check_series(values: Any) -> None:
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series (got {type(values).__name__})")
    if not isinstance(values.index, pd.DatetimeIndex):
        raise TypeError(
            f"values must have a DatetimeIndex, one row a period (got {type(values.index).__name__})"
        )


def _check_direction(direction: Any, name: str) -> str:
    message = f'{name} must be "increase", "decrease" or "neutral" (got {_describe(direction)})'
    if not isinstance(direction, str):
        raise TypeError(message)
    if direction not in _DIRECTION_SIGN:
        raise ValueError(message)
    return direction


def _check_target(target: Any, name: str) -> float | None:
    if target is None:
        return None
    if isinstance(target, bool | np.bool_) or not isinstance(target, numbers.Real):
        raise TypeError(f"{name} must be a number or None (got {_describe(target)})")
    if not math.isfinite(target):
        raise ValueError(f"{name} must be a finite number or None (got {target})")
    return float(target)


def _check_screen(screen_outliers: Any) -> None:
    if not isinstance(screen_outliers, bool | np.bool_):
        raise TypeError(f"screen_outliers must be True or False (got {_describe(screen_outliers)})")


def _check_rebase(rebase: Any, name: str, tz: Any) -> np.ndarray:
    """Rebase dates as int64 nanoseconds (UTC when the periods have a time zone)."""
    if isinstance(rebase, str | bytes | pd.Timestamp) or not isinstance(
        rebase, Sequence | set | frozenset | np.ndarray | pd.Index | pd.Series
    ):
        raise TypeError(f"{name} must be a sequence of dates (got {_describe(rebase)})")
    try:
        dates = pd.DatetimeIndex(list(rebase))
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a sequence of dates (got {list(rebase)!r})") from error
    if dates.hasnans:
        raise ValueError(f"{name} has a missing date (got {list(rebase)!r})")
    if len(dates) and (dates.tz is None) != (tz is None):
        raise ValueError(
            f"{name} dates and the periods must both have a time zone or both have none "
            f"(rebase: {dates.tz}, periods: {tz})"
        )
    return _as_ns(dates)


def _check_table(table: Any, key: Hashable, period: Hashable, value: Hashable) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame (got {type(table).__name__})")
    for name, column in (("key", key), ("period", period), ("value", value)):
        if column not in table.columns:
            raise ValueError(f"{name} column {column!r} is not in table (columns: {list(table.columns)})")
    if len({key, period, value}) < 3:
        raise ValueError(f"key, period and value must be three different columns (got {key!r}, "
                         f"{period!r}, {value!r})")
    if not isinstance(table[period].dtype, np.dtypes.DateTime64DType | pd.DatetimeTZDtype):
        raise TypeError(f"period column {period!r} must hold datetimes (got dtype {table[period].dtype})")
    clash = [c for c in RESULT_COLUMNS if c in table.columns]
    if clash:
        raise ValueError(f"table already has result column(s) {clash}; rename them first")


def _as_float(array: Any, name: str) -> np.ndarray:
    """Numbers as float64 with NaN for missing; anything not numeric is a TypeError."""
    dtype = array.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise TypeError(f"{name} must be numeric (got dtype {dtype})")
    if dtype == np.float64:  # read, never written: the caller's numbers are used where they lie
        return np.asarray(array)
    return np.asarray(pd.array(array).to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _check_finite(y: np.ndarray, index: pd.Index, name: str) -> None:
    infinite = np.isinf(y)
    if np.any(infinite):
        i = np.flatnonzero(infinite)[0]
        raise ValueError(f"{name} must be finite or NaN (got {y[i]} at {index[i]})")


def _as_ns(dates: pd.DatetimeIndex) -> np.ndarray:
    """Dates as int64 nanoseconds since the epoch, UTC for time-zone-aware dates."""
    if dates.tz is not None:
        dates = dates.tz_convert("UTC").tz_localize(None)
    return dates.as_unit("ns").asi8


def _per_series(arg: Any, keys: pd.Index, name: str, check: Any, *, required: bool) -> list[Any]:
    """One checked value per key from a single value or a mapping (or Series) key -> value."""
    if isinstance(arg, pd.Series):
        arg = arg.to_dict()
    if not isinstance(arg, Mapping):
        return [check(arg, name)] * len(keys)
    if required:
        missing = [k for k in keys if k not in arg]
        if missing:
            shown = ", ".join(repr(k) for k in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            raise ValueError(f"{name} has no entry for key {shown}{more}")
    return [check(arg.get(k), f"{name}[{k!r}]") for k in keys]
