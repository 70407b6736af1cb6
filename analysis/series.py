"""An indicator's stored rows as a series on a regular calendar, with its gaps named."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

FREQUENCY_CODES = {"monthly": "MS", "quarterly": "QS-JAN", "annual": None}


def regular_series(rows: pd.DataFrame, frequency: str) -> tuple[pd.Series, list[pd.Timestamp]]:
    """Values on a DatetimeIndex of period starts, missing months as NaN; and the missing periods.

    ``rows`` has ``period_start`` and ``value``. Annual series are returned as stored.
    """
    if rows.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([])), []
    series = pd.Series(rows["value"].astype(float).to_numpy(), index=pd.DatetimeIndex(rows["period_start"]))
    series = series[~series.index.duplicated(keep="last")].sort_index()
    code = FREQUENCY_CODES.get(frequency)
    if code is None:
        return series, []
    if _is_complete(series.index, {"MS": 1, "QS-JAN": 3}.get(code)):
        regular = series.set_axis(pd.DatetimeIndex(series.index, freq=code).rename(None))
        return regular, [pd.Timestamp(when) for when in regular.index[regular.isna()]]
    full = pd.date_range(series.index.min(), series.index.max(), freq=code)
    if len(full) != len(series.index) or not full.equals(series.index):
        full = full.union(series.index)
    regular = series.reindex(full)
    missing = [pd.Timestamp(when) for when in regular.index[regular.isna()]]
    return regular, missing


def regular_series_many(frames: Sequence[pd.DataFrame], frequencies: Sequence[str]
                        ) -> list[tuple[pd.Series, list[pd.Timestamp]]]:
    """:func:`regular_series` of every frame, each with its frequency: the same series and gaps.

    Which series are already regular (in order, no period twice, no gap) is worked out for all of them at once
    from their stamps; those are put on their calendar without pandas' reindexing, the rest (rare) one by one.
    """
    frames = list(frames)
    stamps = [frame["period_start"].to_numpy() if len(frame) else None for frame in frames]
    months = [_MONTHS.get(FREQUENCY_CODES.get(frequency), 0) for frequency in frequencies]
    # Months since 1970 and whether each stamp is its month's first instant, for every stamp of every series.
    typed = [i for i, when in enumerate(stamps) if when is not None and when.dtype.kind == "M"]
    ready = np.zeros(len(frames), dtype=bool)
    if typed:
        lengths = np.array([len(stamps[i]) for i in typed])
        joined = np.concatenate([stamps[i].astype("datetime64[ns]") for i in typed])
        month = joined.astype("datetime64[M]")
        count = month.astype(np.int64)
        first = month.astype("datetime64[ns]") == joined
        step = np.repeat([months[i] for i in typed], lengths)
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        # Within each series: strictly increasing (annual), or one step apart on month (or quarter) starts.
        gap = np.diff(joined.view(np.int64)) if len(joined) > 1 else np.array([], dtype=np.int64)
        steps_ok = np.where(step[1:] > 0, (np.diff(count) == step[1:]) & first[1:] & first[:-1]
                            & (count[1:] % np.maximum(step[1:], 1) == 0) & (count[:-1] % np.maximum(step[1:], 1) == 0),
                            gap > 0)
        ends = np.cumsum(lengths) - 1
        pair_bad = np.r_[~steps_ok, False]
        pair_bad[ends] = False  # the pair across two series' boundary says nothing
        cumulative = np.r_[0, np.cumsum(pair_bad | np.isnat(joined))]
        clean = cumulative[ends + 1] == cumulative[starts]
        # regular_series puts a single stamp on its calendar by reindexing (no step to check): left to it.
        long_enough = (lengths >= 2) | (np.array([months[i] for i in typed]) == 0)
        ready[np.array(typed)[clean & long_enough]] = True
    result = []
    for i, frame in enumerate(frames):
        if not ready[i]:
            result.append(regular_series(frame, frequencies[i]))
            continue
        values = frame["value"].astype(float).to_numpy()
        code = FREQUENCY_CODES.get(frequencies[i])
        if code is None:
            result.append((pd.Series(values, index=pd.DatetimeIndex(stamps[i], name=frame["period_start"].name)), []))
            continue
        index = pd.DatetimeIndex(stamps[i], freq=code)
        result.append((pd.Series(values, index=index), [pd.Timestamp(when) for when in index[np.isnan(values)]]))
    return result


_MONTHS = {"MS": 1, "QS-JAN": 3}


def _is_complete(index: pd.DatetimeIndex, months: int | None) -> bool:
    """Whether the periods already run without a gap, every ``months`` months from the first (the common case,
    where building the calendar and reindexing would change nothing)."""
    if months is None or len(index) < 2:
        return False
    stamps = index.to_numpy()
    month = stamps.astype("datetime64[M]")
    count = month.astype(np.int64)  # months since January 1970, so a quarter start is a multiple of 3
    if not (month.astype(stamps.dtype) == stamps).all() or (months == 3 and (count % 3).any()):
        return False
    return bool((np.diff(count) == months).all())
