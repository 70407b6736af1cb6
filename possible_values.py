"""Which numbers an indicator can possibly have: one home for the bounds the loaders enforce before
anything is stored and the assessment applies to whatever the store holds.

A value is possible when it is a finite number within its kind's range (documented in docs/security.md):

- `percentage`: 0 to 100;
- `rate` (per `multiplier` people) and `published` (a publisher's rate or percentage): 0 to 10 times the
  multiplier, i.e. at most ten events a person in one period, far above any real series;
- `count`: 0 to a billion.

Numerators and denominators are finite, 0 or more (a denominator above 0), and no larger than
`MAX_AMOUNT`. Plain values and pure functions only (no store, no Streamlit), so loaders, store and
analysis all use the same rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_COUNT = 1e9
# No published numerator or denominator (people, attendances, days) comes near this.
MAX_AMOUNT = 1e12
# A rate is at most this many events a person in one period.
RATE_EVENTS_PER_PERSON = 10


def upper_bound(value_kind: str, multiplier: float | None) -> float:
    """The largest possible value of an indicator of this kind and multiplier."""
    if value_kind == "percentage":
        return 100.0
    if value_kind == "count":
        return MAX_COUNT
    scale = float(multiplier) if multiplier is not None and np.isfinite(float(multiplier)) else 1.0
    return RATE_EVENTS_PER_PERSON * max(scale, 1.0)


def bound_text(value_kind: str, multiplier: float | None) -> str:
    """The possible range in words ("between 0 and 100")."""
    return f"between 0 and {upper_bound(value_kind, multiplier):,.0f}"


def impossible(values: pd.Series, upper: pd.Series | float) -> pd.Series:
    """True where a given (not missing) value is not finite or outside 0..upper."""
    return pd.Series(impossible_mask(values, upper), index=values.index)


def impossible_mask(values: pd.Series, upper: pd.Series | float) -> np.ndarray:
    """:func:`impossible` as a numpy mask (no index: the assessment checks some 200 series a matrix)."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        given = ~np.isnan(numbers)
    else:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        given = (values.notna() & (values.astype("str") != "")).to_numpy()
    with np.errstate(invalid="ignore"):
        possible = np.isfinite(numbers) & (numbers >= 0) & (numbers <= np.asarray(upper, dtype="float64"))
    return given & ~possible


def impossible_amount(values: pd.Series) -> pd.Series:
    """True where a given numerator or denominator is not a finite number from 0 to MAX_AMOUNT."""
    return impossible(values, MAX_AMOUNT)
