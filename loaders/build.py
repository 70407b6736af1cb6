"""Build the store from the data bundled in the repository, or recover it from its archive.

The new database is written beside the target under a temporary name and moved into place only when
complete, so a failed or interrupted build never leaves a half-built store where the dashboard looks.
A first start that finds no store but an archive journal with loads in it replays those loads
(`ensure_store`), so confirmed loads are not lost with the file.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

import store
from loaders import trust_reference
from loaders.bcf_targets import write_bcf_targets
from loaders.groups import LAYOUT as GROUPS_LAYOUT
from loaders.layouts import BY_NAME
from loaders.pipeline import LoadResult, load_into, read_file, store_context
from loaders.plan import load_plan_data
from loaders.targets import LAYOUT as TARGETS_LAYOUT
from store import anchor, loads, writes
from store import archive as store_archive
from store import indicators as store_indicators
from store import trusts as store_trusts
from store.copy import copy_store
from store.settings import PROJECT_ROOT, StoreLocation, archive_dir_for, location_of

DATA = PROJECT_ROOT / "data"
BUILD_USER = "bundled data build"

# In order: populations first, so areas take ONS names; demonstration data last.
BUNDLED: list[tuple[Path, bool]] = [
    (DATA / "public" / "ons_mid_year_population_lad_single_year_1997-2020.csv", False),
    (DATA / "public" / "nhse_dtoc_la_monthly_2011-04_2019-12.csv", False),
    (DATA / "public" / "phof_22401_falls_admissions_65_lad_2010-11_2017-18.csv", False),
    (DATA / "public" / "nhse_mar_commissioner_monthly_vale_of_york_england_2012-04_2019-12.csv", False),
    (DATA / "public" / "nhsrdatasets_ae_attendances_trust_monthly_2016-04_2019-03.csv", False),
    # York today (docs/york-today.md): NHS England's trust measures after 2020, via healthyr.
    (DATA / "public" / "healthyr_england_trust_accidents_emergency_monthly_2021-04_2025-07.csv", False),
    (DATA / "public" / "healthyr_england_trust_general_acute_beds_monthly_2022-04_2025-08.csv", False),
    (DATA / "public" / "healthyr_england_trust_criteria_to_reside_daily_2022-04_2025-08.csv", False),
    (DATA / "public" / "healthyr_england_trust_discharged_patients_daily_2022-04_2025-08.csv", False),
    (DATA / "demonstration" / "demonstration_65plus_2013-04_2018-03.csv", True),
]
# Reviewed data: the regions and published similar-council lists (data/build_comparator_groups.py).
COMPARATOR_GROUPS = DATA / "comparator_groups.csv"


@functools.cache
def _reference_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    indicators = pd.read_csv(DATA / "indicators.csv", dtype={"target": "float64"}, keep_default_na=False,
                             na_values={"target": [""]})
    for column in ("population_age_band", "denominator_meaning", "caveat"):
        indicators[column] = indicators[column].replace("", None)
    organisations = pd.read_csv(DATA / "nhs_organisations.csv", dtype=str)
    links = pd.read_csv(DATA / "area_links.csv", dtype=str)
    events = pd.read_csv(DATA / "events.csv", dtype=str, keep_default_na=False)
    return indicators, organisations, links, events


def load_reference(con, user: str = BUILD_USER) -> None:
    """Indicator definitions, NHS organisations and area links: reviewed data files under data/."""
    indicators, organisations, links, events = (frame.copy() for frame in _reference_frames())
    with store.writing(con, user=user, action="load the reference data") as write:
        writes.replace_indicators(write.con, indicators)
        writes.upsert_areas(write.con, organisations.assign(region=None))
        writes.replace_area_links(write.con, links)
        store_indicators.replace_events(write.con, events)
        writes.upsert_areas(write.con, trust_reference.trust_areas())
        store_trusts.replace_catchments(write.con, trust_reference.catchments())
        write.audit("reference data", detail={"indicators": len(indicators), "organisations": len(organisations),
                                              "area_links": len(links), "events": len(events)})


class StoreInUse(Exception):
    """Another process (the dashboard) holds the store; the message says so in one sentence."""


def refuse_if_in_use(db_path: StoreLocation | Path | str) -> None:
    """StoreInUse when another process has the store file open, before a command that replaces the whole
    file (a build, a copy into it). Commands that read or change rows wait instead (store.open_existing).

    The shared store is never refused: several servers and the command line write to it, one at a time.
    """
    location = location_of(db_path)
    if location.shared:
        return
    db_path = location.path
    if not db_path.exists():
        return
    try:
        store.connect(db_path, read_only=True).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise StoreInUse(f"{db_path} is open in another program (the dashboard, most likely), and this command "
                         "replaces the whole file, so nothing was done; load and undo on the dashboard's Upload "
                         "data page instead, or run it when the file is free.") from error


def build(db_path: StoreLocation | Path | str) -> list[LoadResult]:
    """(Re)build the store at `db_path` from the bundled files; returns what each load did.

    The shared store is built as a DuckDB file first and then copied in, in one transaction, so its
    readers see the old store or the new one, never a half-built one.
    """
    location = location_of(db_path)
    if location.shared:
        with tempfile.TemporaryDirectory(prefix="pbip-build-") as directory:
            building = Path(directory) / "pbip.duckdb"
            results, built = _build_file(building, location.archive_dir)
            copy_store(StoreLocation("duckdb", building), location, user=BUILD_USER, replace=True)
        store_archive.rewrite(location.archive_dir, built)
        return results
    db_path = location.path
    db_path.parent.mkdir(parents=True, exist_ok=True)
    refuse_if_in_use(db_path)
    building = db_path.with_name(db_path.name + ".building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    archive_dir = archive_dir_for(db_path)
    results, built = _build_file(building, archive_dir)
    db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
    os.replace(building, db_path)
    # The journal now describes this store, and no longer the one the build replaced.
    store_archive.rewrite(archive_dir, built)
    return results


def _build_file(building: Path, archive_dir: Path) -> tuple[list[LoadResult], list]:
    """Build a DuckDB file from the bundled data; returns each load's result and the standing loads."""
    con = store.open_store(building)
    try:
        load_reference(con)
        results = [load_into(con, path, user=BUILD_USER, archive_dir=archive_dir, is_demonstration=demonstration,
                             size_limit_mb=100, journal=False)
                   for path, demonstration in BUNDLED]
        results += _load_bcf_targets(con, archive_dir)
        # After the loads, so every member is an area the store knows; a load like the others, so undoable.
        results.append(_load_groups(con, archive_dir))
        load_plan_data(con, user=BUILD_USER)
        trust_reference.rebase_joined_series(con, user=BUILD_USER)
        built = loads.standing_loads(con)
        loads.checkpoint(con)
        # The audit's anchor now describes this store, and no longer the one the build replaces.
        anchor.start(con.read(), archive_dir)
    finally:
        con.close()
    return results, built


def _load_bcf_targets(con, archive_dir: Path) -> list[LoadResult]:
    """The Better Care Fund delayed transfers expectations, derived from the stored February 2017 rates and
    loaded as a targets file (loaders/bcf_targets.py), so a rebuild replays them and an undo takes them back."""
    with tempfile.TemporaryDirectory(prefix="pbip-targets-") as directory:
        path = write_bcf_targets(con, Path(directory))
        if path is None:
            return []
        return [load_into(con, path, user=BUILD_USER, archive_dir=archive_dir, layout=TARGETS_LAYOUT,
                          journal=False)]


def _load_groups(con, archive_dir: Path) -> LoadResult:
    """The bundled comparator groups (regions and similar councils), loaded as a groups file (the journal is
    written by the caller, from the standing loads)."""
    return load_into(con, COMPARATOR_GROUPS, user=BUILD_USER, archive_dir=archive_dir, layout=GROUPS_LAYOUT,
                     journal=False)


def rebuild_from_archive(source, target: Path | str, archive_dir: Path) -> int:
    """Build a new store at `target` by replaying, in order, every load of `source` not undone.

    Reads only the audit trail and the raw files archived by sha256; returns how many loads it
    replayed. The observations it gives are those of the source store.
    """
    return len(replay(loads.standing_loads(source), target, archive_dir))


def replay(standing: list[store_archive.StandingLoad], target: Path | str | store.Store,
           archive_dir: Path) -> list[store_archive.StandingLoad]:
    """Build a new store at `target` (a path, or an open, empty Store left open) from the reference data
    and these archived loads, in order; returns the loads as stored there (with their new load ids)."""
    built = target if isinstance(target, store.Store) else store.open_store(target)
    replayed = []
    try:
        load_reference(built, user="rebuild from archive")
        for entry in standing:
            matches = sorted(Path(archive_dir).glob(f"{entry.sha256}*"))
            if not matches:
                raise FileNotFoundError(f"the archive has no file with sha256 {entry.sha256} ({entry.file})")
            layout = entry.layout if entry.layout in BY_NAME else None
            extract = read_file(matches[0], store_context(built), file=entry.file, layout=layout,
                                size_limit_mb=float("inf"))
            result = loads.store_extract(built, extract, file=entry.file, sha256=entry.sha256, user=entry.user,
                                         is_demonstration=entry.is_demonstration)
            replayed.append(dataclasses.replace(entry, load_id=result.load_id))
        loads.checkpoint(built)
    finally:
        if built is not target:
            built.close()
    return replayed


def recover_from_archive(db_path: Path | str) -> int:
    """Rebuild a lost store from its archive journal (reference data, every standing load, the plan);
    returns how many loads were replayed."""
    db_path = Path(db_path)
    archive_dir = archive_dir_for(db_path)
    standing = store_archive.standing(archive_dir)
    building = db_path.with_name(db_path.name + ".building")
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    replayed = replay(standing, building, archive_dir)
    con = store.open_store(building)
    try:
        # An archive from before groups were loads has none to replay: the bundled ones are loaded.
        if not any(entry.layout == GROUPS_LAYOUT for entry in standing):
            _load_groups(con, archive_dir)
            replayed = loads.standing_loads(con)
        load_plan_data(con, user=BUILD_USER)
        trust_reference.rebase_joined_series(con, user=BUILD_USER)
        loads.checkpoint(con)
        anchor.start(con.read(), archive_dir)
    finally:
        con.close()
    # A write-ahead log left by the lost file belongs to it, not to the new one: DuckDB would replay it.
    lost_log = db_path.with_name(db_path.name + ".wal")
    if lost_log.exists():
        os.replace(lost_log, lost_log.with_name(f"{lost_log.name}.lost-{datetime.now():%Y%m%dT%H%M%S}"))
    os.replace(building, db_path)
    store_archive.rewrite(archive_dir, replayed)
    return len(replayed)


def ensure_store(db_path: StoreLocation | Path | str) -> str | None:
    """Make sure a store exists at `db_path`; returns what was done, in a sentence, or None if it existed.

    With no store but an archive journal holding loads, the store is rebuilt from the archive (so loads
    confirmed before the file was lost come back); with neither, it is built from the bundled data.
    The shared store is built when it holds no loads (PostgreSQL's own backups, not the archive,
    bring a lost catalog back).
    """
    location = location_of(db_path)
    if location.shared:
        opened = store.open_store(location)
        try:
            if loads.standing_loads(opened):
                return None
        finally:
            opened.close()
        build(location)
        return f"The shared store {location} held no loads, so it was built from the bundled data."
    db_path = location.path
    if not db_path.exists():
        found = f"No store was found at {db_path}"
    elif _holds_no_tables(db_path):  # a database opened at the path (by any program) and never built
        found = f"The database at {db_path} held no tables"
    else:
        return _replace_a_stranger(db_path)
    standing = store_archive.standing(archive_dir_for(db_path))
    if standing:
        count = recover_from_archive(db_path)
        return (f"{found}, so it was rebuilt from its archive "
                f"({archive_dir_for(db_path)}): {count} loads replayed. Plan edits made since the last "
                "build are not in the archive and must be made again.")
    build(db_path)
    return f"{found}, so it was built from the bundled data."


def _holds_no_tables(db_path: Path) -> bool:
    """Whether the file is a DuckDB database with no table or view in it: nothing to keep, so the store is made
    in its place. A file in use, or not a database, is left to `_replace_a_stranger`."""
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute("SELECT (SELECT count(*) FROM duckdb_tables()) "
                           "+ (SELECT count(*) FROM duckdb_views() WHERE NOT internal)").fetchone()[0] == 0
    finally:
        con.close()


def _replace_a_stranger(db_path: Path) -> str | None:
    """A store file that is not the one its archive's journal describes (replaced by an older copy, or
    another store, while the dashboard ran) is kept aside and the store rebuilt from the archive, so no
    confirmed load is lost; returns a sentence saying so, or None when the file is the journal's store."""
    archive_dir = archive_dir_for(db_path)
    try:
        con = store.connect(db_path, read_only=True)
    except duckdb.ConnectionException:
        return None  # this process already has it open to write (a page run served it): judged when opened
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            return None  # another program has it open: it is in use, not ours to judge now
        why = "it cannot be opened as a store"
    else:
        try:
            why = store_archive.not_described(loads.standing_loads(con), archive_dir)
        finally:
            con.close()
    if why is None or not store_archive.standing(archive_dir):
        return None
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}"
    moved = []
    for path in (db_path, db_path.with_name(db_path.name + ".wal")):
        if path.exists():
            aside = path.with_name(f"{path.name}.not-the-journals-{stamp}")
            os.replace(path, aside)
            moved.append((aside, path))
    try:
        count = recover_from_archive(db_path)
    except BaseException:
        for aside, path in moved:  # a rebuild that fails leaves the file it found where it was
            os.replace(aside, path)
        raise
    return (f"The store file found at start is not the one its archive describes ({why}), so it was kept aside "
            f"(renamed with .not-the-journals-{stamp}) and the store was rebuilt from the archive: {count} loads "
            "replayed, none lost. Plan edits made since the last build are not in the archive; they are in the "
            "file kept aside.")
