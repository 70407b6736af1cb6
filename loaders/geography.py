"""ONS geography in one place: the kind of area a GSS code names, from its prefix.

Every loader that meets an area code asks here, so the store never holds two names for one kind of
area. Names follow ONS's code register (W06 "Unitary Authority" in Wales, S12 "Council Area" ...).
"""

from __future__ import annotations

import pandas as pd

AREA_TYPES = {
    "E92": "country", "E12": "region", "E10": "county", "E06": "unitary authority",
    "E07": "non-metropolitan district", "E08": "metropolitan district", "E09": "London borough",
    "E47": "combined authority", "E38": "CCG", "W06": "Welsh unitary authority", "W92": "country",
    "S12": "Scottish council area", "S92": "country", "N09": "Northern Ireland district",
    "N92": "country",
}
OTHER = "other"


def area_type_for(code: str) -> str:
    """The kind of area an ONS code names, from its prefix ("other" when ONS has no such prefix here)."""
    return AREA_TYPES.get(str(code)[:3], OTHER)


def area_types_for(codes: pd.Series) -> pd.Series:
    """:func:`area_type_for` over a column of codes."""
    return codes.astype(str).str[:3].map(AREA_TYPES).fillna(OTHER)
