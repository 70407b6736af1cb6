"""How long after a period ends its figures are published, in words a board reads.

Each indicator's lag is reviewed data (data/indicators.csv `publication_lag_days`); a period counts in a
pack or an as-at view only once it had been published (store/as_at.py).
"""

from __future__ import annotations

_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
            9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def lag_text(days: int | float | None) -> str:
    """'about six weeks' (45 days), 'about two months' (60), 'about a year' (365); '' when unknown."""
    if days is None or days != days:
        return ""
    days = int(days)
    if days < 14:
        return f"about {days} day{'s' if days != 1 else ''}"
    if days <= 49:
        weeks = round(days / 7)
        return f"about {_NUMBERS.get(weeks, str(weeks))} weeks"
    months = round(days / 30.4)
    if months >= 12:
        return "about a year"
    return f"about {_NUMBERS.get(months, str(months))} months"


def lag_sentence(days: int | float | None) -> str:
    """'Published about six weeks after each period ends.'"""
    text = lag_text(days)
    return f"Published {text} after each period ends." if text else ""
