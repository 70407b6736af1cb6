"""Build the store from the data bundled in the repository.

The new database is written beside the target under a temporary name and moved into place only when
complete, so a failed or interrupted build never leaves a half-built store where the dashboard looks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

import store
from loaders.pipeline import LoadResult, load_into
from loaders.plan import load_plan_data
from store import indicators as store_indicators
from store import writes
from store.settings import PROJECT_ROOT, archive_dir_for

DATA = PROJECT_ROOT / "data"
BUILD_USER = "bundled data build"

# In order: populations first, so areas take ONS names; demonstration data last.
BUNDLED: list[tuple[Path, bool]] = [
    (DATA / "public" / "ons_mid_year_population_lad_single_year_1997-2020.csv", False),
    (DATA / "public" / "nhse_dtoc_la_monthly_2011-04_2019-12.csv", False),
    (DATA / "public" / "phof_22401_falls_admissions_65_lad_2010-11_2017-18.csv", False),
    (DATA / "public" / "nhse_mar_commissioner_monthly_vale_of_york_england_2012-04_2019-12.csv", False),
    (DATA / "public" / "nhsrdatasets_ae_attendances_trust_monthly_2016-04_2019-03.csv", False),
    (DATA / "demonstration" / "demonstration_65plus_2013-04_2018-03.csv", True),
]


def load_reference(con, user: str = BUILD_USER) -> None:
    """Indicator definitions, NHS organisations and area links: reviewed data files under data/."""
    indicators = pd.read_csv(DATA / "indicators.csv", dtype={"target": "float64"}, keep_default_na=False,
                             na_values={"target": [""]})
    for column in ("population_age_band", "denominator_meaning", "caveat"):
        indicators[column] = indicators[column].replace("", None)
    organisations = pd.read_csv(DATA / "nhs_organisations.csv", dtype=str)
    links = pd.read_csv(DATA / "area_links.csv", dtype=str)
    events = pd.read_csv(DATA / "events.csv", dtype=str, keep_default_na=False)
    with store.transaction(con):
        writes.replace_indicators(con, indicators)
        writes.upsert_areas(con, organisations.assign(region=None))
        writes.replace_area_links(con, links)
        store_indicators.replace_events(con, events)
        writes.append_audit(con, user=user, action="reference data",
                            detail={"indicators": len(indicators), "organisations": len(organisations),
                                    "area_links": len(links), "events": len(events)})


def build(db_path: Path | str) -> list[LoadResult]:
    """(Re)build the store at `db_path` from the bundled files; returns what each load did."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(db_path.name + ".building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = store.connect(building)
    try:
        load_reference(con)
        results = [load_into(con, path, user=BUILD_USER, archive_dir=archive_dir_for(db_path),
                             is_demonstration=demonstration, size_limit_mb=100)
                   for path, demonstration in BUNDLED]
        load_plan_data(con, user=BUILD_USER)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    os.replace(building, db_path)
    return results


def ensure_store(db_path: Path | str) -> bool:
    """Build the store on first start when its file is missing; True when it was built now."""
    if Path(db_path).exists():
        return False
    build(db_path)
    return True
