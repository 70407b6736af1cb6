"""An indicator's stored rows as a series on a regular calendar, with its gaps named."""

from __future__ import annotations

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
