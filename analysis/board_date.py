"""Which board a paper is for when nobody says: the latest board date among the stored events.

Never today's date: the stored data stop in 2019, and a pack "as at today" would read every action as
overdue and every series as years stale.
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def latest_board_date(events: pd.DataFrame) -> date | None:
    """The latest marked event's date (its end date where it spans several days); None without events."""
    if events is None or events.empty:
        return None
    ends = pd.to_datetime(events["end_date"], errors="coerce") if "end_date" in events else None
    days = pd.to_datetime(events["event_date"], errors="coerce")
    if ends is not None:
        days = ends.fillna(days)
    days = days.dropna()
    return None if days.empty else days.max().date()
