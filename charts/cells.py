"""A value in a table's cell as people read it: the one way every HTML table and every "last update" line
writes a date, a time and a blank."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd


def cell_text(value) -> str:
    """A cell as people read it: dates written out ("31 Mar 2019", with the time when there is one), a missing
    value (None, NaN, NaT) blank, anything else as its text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        return f"{stamp:%d %b %Y}" if stamp == stamp.normalize() else f"{stamp:%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)
