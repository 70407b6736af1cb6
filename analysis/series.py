"""An indicator's stored rows as a series on a regular calendar, with its gaps named."""

from __future__ import annotations

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
    full = pd.date_range(series.index.min(), series.index.max(), freq=code)
    if len(full) != len(series.index) or not full.equals(series.index):
        full = full.union(series.index)
    regular = series.reindex(full)
    missing = [pd.Timestamp(when) for when in regular.index[regular.isna()]]
    return regular, missing
