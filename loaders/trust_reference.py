"""NHS trusts' names and NHS regions, and the share of each trust's patients from each council: OHID's
lookups as the British Red Cross's geographr package keeps them (PROVENANCE section 11). Reviewed data,
read with the other reference files at every build."""

from __future__ import annotations

import functools
from datetime import date

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


# The A&E series joins NHSRdatasets (to March 2019) and healthyr (from April 2021): the SPC limits start
# afresh where the second series starts, so two eras with a pandemic between are never one process.
AE_INDICATOR = "ae_attendances_all_trust"
AE_SECOND_SERIES = date(2021, 4, 1)
AE_REBASE_REASON = ("Two published series joined: nothing is held from April 2019 to March 2021 (the pandemic "
                    "years), so the limits start afresh with the second series.")


def rebase_joined_series(con, user: str) -> int:
    """Set the rebase date at the second A&E series for each linked trust holding both; returns how many."""
    from store import indicators as store_indicators
    from store import trusts as store_trusts

    reader = getattr(con, "connection", con)  # an open Store reads through its connection
    codes = store_trusts.linked_trusts_with_data_both_sides(reader, AE_INDICATOR, AE_SECOND_SERIES)
    for code in codes:
        store_indicators.add_rebase_date(con, indicator_id=AE_INDICATOR, area_code=code,
                                         rebase_date=AE_SECOND_SERIES, reason=AE_REBASE_REASON, user=user)
    return len(codes)
