"""Is an indicator's latest period older than its publication rhythm says it should be?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

PERIOD_LENGTH = {"monthly": pd.DateOffset(months=1), "quarterly": pd.DateOffset(months=3),
                 "annual": pd.DateOffset(years=1)}
# Collections their publisher has stopped: indicator id -> the end of the last period ever published. NHS
# England's delayed transfers of care (MSitDT) was discontinued after February 2020 (data/public/PROVENANCE.md).
COLLECTION_ENDED = {"dtoc_18": date(2020, 2, 29)}


@dataclass(frozen=True)
class Staleness:
    stale: bool
    next_due: date | None
    """The day by which the next period should have been published (None without data)."""
    label: str


def staleness(period_end: date | pd.Timestamp | None, frequency: str, publication_lag_days: int,
              today: date, *, collection_ended: date | None = None, is_demonstration: bool = False) -> Staleness:
    """Stale when today is past the end of the period after the latest one, plus the publication lag, by the
    publisher's schedule: a collection that has ended is never stale, and says "Collection ended"; invented
    demonstration data has no publisher and so no schedule."""
    if period_end is None or pd.isna(period_end):
        return Staleness(True, None, "No data")
    if is_demonstration:
        return Staleness(False, None, "Invented data: no publisher schedule")
    if collection_ended is not None and (next_end := pd.Timestamp(period_end) + PERIOD_LENGTH.get(
            frequency, pd.DateOffset(months=1))) > pd.Timestamp(collection_ended):
        return Staleness(False, None, f"Collection ended: {collection_ended:%B %Y} was the last period published")
    if collection_ended is not None and today > collection_ended:
        return Staleness(True, None, f"Collection ended {collection_ended:%B %Y}; {next_end:%B %Y} on "
                                     "not loaded")
    if frequency not in PERIOD_LENGTH:
        raise ValueError(f"frequency must be one of {', '.join(PERIOD_LENGTH)} (got {frequency!r})")
    next_end = pd.Timestamp(period_end) + PERIOD_LENGTH[frequency]
    next_due = (next_end + pd.Timedelta(days=int(publication_lag_days))).date()
    if today > next_due:
        return Staleness(True, next_due, f"Stale: next period was due by {next_due:%-d %b %Y}")
    return Staleness(False, next_due, "Up to date")
