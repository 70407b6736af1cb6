"""NHS trusts' names and NHS regions, and the share of each trust's patients from each council: OHID's
lookups as the British Red Cross's geographr package keeps them (PROVENANCE section 11). Reviewed data,
read with the other reference files at every build."""

from __future__ import annotations

import functools

import pandas as pd

from store.settings import PROJECT_ROOT

PUBLIC = PROJECT_ROOT / "data" / "public"
REGIONS = PUBLIC / "ohid_nhs_trusts22_region21.csv"
CATCHMENTS = PUBLIC / "ohid_nhs_trusts22_ltla21_catchment.csv"


@functools.cache
def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    regions = pd.read_csv(REGIONS, dtype=str, keep_default_na=False)
    catchments = pd.read_csv(CATCHMENTS, dtype={"trust_code": str, "area_code": str, "share": float})
    return regions, catchments


def trust_areas() -> pd.DataFrame:
    """Every open 2022 trust as an area: ``area_code, area_name, area_type, region`` (its NHS region)."""
    regions, _ = _frames()
    open_trusts = regions[regions["status"] == "open"]
    return pd.DataFrame({"area_code": open_trusts["trust_code"], "area_name": open_trusts["trust_name"],
                         "area_type": "NHS trust", "region": open_trusts["region_name"].replace("", None)})


def catchments() -> pd.DataFrame:
    """``trust_code, area_code, share``: the share of the trust's patients who come from the council."""
    return _frames()[1].copy()
