"""Assessment inputs built from code (an indicator's definition, a monthly series) and what every page
must agree on about an assessment."""

from __future__ import annotations

import pandas as pd


def definition(**changes) -> dict:
    base = {"indicator_id": "length_of_stay_65", "name": "Length of stay over 7 days", "short_name": "Length of stay",
            "unit": "%", "multiplier": 100.0, "value_kind": "percentage", "numerator_meaning": "admissions over 7 days",
            "frequency": "monthly", "publication_lag_days": 60, "improvement_direction": "decrease", "target": None,
            "is_demonstration": False, "is_proxy": False, "source": "test", "caveat": None}
    return base | changes


def monthly(values, numerators=None, denominators=None, start="2016-04-01", notes=None) -> pd.DataFrame:
    starts = pd.date_range(start, periods=len(values), freq="MS")
    return pd.DataFrame({
        "period_start": starts, "period_end": starts + pd.offsets.MonthEnd(0),
        "numerator": numerators if numerators is not None else [None] * len(values),
        "denominator": denominators if denominators is not None else [None] * len(values),
        "value": values, "value_note": notes if notes is not None else [None] * len(values),
        "is_demonstration": False,
    })


def verdict(a) -> tuple:
    """What every page must agree on: value, comparator, the two tiers, the icons."""
    return (a.area_code, a.period_text, a.value_text, a.comparator_code, a.comparator_text, a.comparison_text,
            a.comparison_998_text, a.variation_text, a.assurance_text)
