"""How periods and values are written for people."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd


def period_label(start: date | pd.Timestamp | None, end: date | pd.Timestamp | None) -> str:
    """"April 2018" for a month, "2017/18" for a financial year, else "1 Apr 2018 to 30 Jun 2018"."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "no data"
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start.day == 1 and end == start + pd.offsets.MonthEnd(0):
        return start.strftime("%B %Y")
    if (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) and end.year == start.year + 1:
        return f"{start.year}/{str(end.year)[2:]}"
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}"


def format_value(value: float | None, value_kind: str) -> str:
    """A value as a board paper would print it: counts whole with separators, others to 1 decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "unavailable"
    if value_kind == "count" or (abs(value) >= 1000 and float(value).is_integer()):
        return f"{value:,.0f}"
    if value_kind == "percentage":
        return f"{value:.1f}%"
    return f"{value:,.1f}"
