"""Is an indicator's latest period older than its publication rhythm says it should be?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

PERIOD_LENGTH = {"monthly": pd.DateOffset(months=1), "quarterly": pd.DateOffset(months=3),
                 "annual": pd.DateOffset(years=1)}


@dataclass(frozen=True)
class Staleness:
    stale: bool
    next_due: date | None
    """The day by which the next period should have been published (None without data)."""
    label: str


def staleness(period_end: date | pd.Timestamp | None, frequency: str, publication_lag_days: int,
              today: date) -> Staleness:
    """Stale when today is past the end of the period after the latest one, plus the publication lag."""
    if period_end is None or pd.isna(period_end):
        return Staleness(True, None, "No data")
    if frequency not in PERIOD_LENGTH:
        raise ValueError(f"frequency must be one of {', '.join(PERIOD_LENGTH)} (got {frequency!r})")
    next_end = pd.Timestamp(period_end) + PERIOD_LENGTH[frequency]
    next_due = (next_end + pd.Timedelta(days=int(publication_lag_days))).date()
    if today > next_due:
        return Staleness(True, next_due, f"Stale: next period was due by {next_due:%-d %b %Y}")
    return Staleness(False, next_due, "Up to date")
