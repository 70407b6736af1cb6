"""Targets and trajectories: what is good enough for an indicator and area, stored as a load is.

A target (`target_rows`) is a value, a direction ("at or below", "at or above") and the dates it is in
force, with its source in words and a link; a trajectory (`trajectory_rows`) is a planned value for a
period. Both arrive in a load (loaders/targets.py: a CSV file, the command line or the indicator page), so
every version is kept, the load is audited and archived, a rebuild replays it and an undo takes it back
(store/loads.py, which knows these tables as it knows observations).

Writes run inside a write through the store's door (store/door.py); the reads are the queries an
assessment and the indicator page use. Keys: (indicator, area, effective_from) for a target and
(indicator, area, period_start) for a trajectory's period.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store import door
from store.as_at import NOW, AsAt
from store.primitives import require_write
from store.writes import RowCounts

TARGET_COLUMNS = ["indicator_id", "area_code", "effective_from", "effective_to", "value", "direction", "source",
                  "source_url"]
TRAJECTORY_COLUMNS = ["indicator_id", "area_code", "period_start", "value", "source", "source_url"]
DIRECTIONS = ("at_or_below", "at_or_above")

# Per versioned table: its key, the columns compared to tell a change, and the table of keys repeated.
_TABLES = {
    "target_rows": (("indicator_id", "area_code", "effective_from"),
                    ("effective_to", "value", "direction", "source", "source_url"), "load_reasserted_targets"),
    "trajectory_rows": (("indicator_id", "area_code", "period_start"), ("value", "source", "source_url"),
                        "load_reasserted_trajectories"),
}
_CASTS = {"indicator_id": "VARCHAR", "area_code": "VARCHAR", "effective_from": "DATE", "effective_to": "DATE",
          "period_start": "DATE", "value": "DOUBLE", "direction": "VARCHAR", "source": "VARCHAR",
          "source_url": "VARCHAR"}


def store_targets(con: duckdb.DuckDBPyConnection, targets: pd.DataFrame | None, *, load_id: int,
                  set_by: str) -> RowCounts:
    """Make `targets` the current targets for their keys (indicator, area, effective_from)."""
    return _store_versioned(con, "target_rows", targets, TARGET_COLUMNS, load_id=load_id, set_by=set_by)


def store_trajectories(con: duckdb.DuckDBPyConnection, trajectories: pd.DataFrame | None, *, load_id: int,
                       set_by: str) -> RowCounts:
    """Make `trajectories` the current planned values for their keys (indicator, area, period)."""
    return _store_versioned(con, "trajectory_rows", trajectories, TRAJECTORY_COLUMNS, load_id=load_id,
                            set_by=set_by)


def _store_versioned(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | None, columns: list[str],
                     *, load_id: int, set_by: str) -> RowCounts:
    """Rows identical to the stored ones are noted as this load's (for undo); differing ones supersede them."""
    require_write(con)
    if frame is None or frame.empty:
        return RowCounts()
    keys, compared, reasserted = _TABLES[table]
    con.register("incoming_targets_df", frame.reindex(columns=columns))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE incoming_targets AS SELECT "
                    + ", ".join(f"{c}::{_CASTS[c]} AS {c}" for c in columns) + " FROM incoming_targets_df")
    finally:
        con.unregister("incoming_targets_df")
    on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM i.{c}" for c in compared)
    differs = " OR ".join(f"t.{c} IS DISTINCT FROM i.{c}" for c in compared)
    con.execute(f"INSERT INTO {reasserted} SELECT ?, {', '.join(f'i.{k}' for k in keys)} "
                f"FROM incoming_targets AS i JOIN {table} AS t ON t.superseded_by IS NULL AND {on} WHERE {same}",
                [load_id])
    changed = con.execute(f"UPDATE {table} AS t SET superseded_by = ? FROM incoming_targets AS i "
                          f"WHERE t.superseded_by IS NULL AND {on} AND ({differs})", [load_id]).fetchone()[0]
    inserted = con.execute(f"""
        INSERT INTO {table} ({', '.join(columns)}, set_by, load_id, superseded_by)
        SELECT i.*, ?, ?, NULL FROM incoming_targets AS i
        WHERE NOT EXISTS (SELECT 1 FROM {table} AS t WHERE t.superseded_by IS NULL AND {on})
    """, [set_by, load_id]).fetchone()[0]
    con.execute("DROP TABLE incoming_targets")
    return RowCounts(added=inserted - changed, changed=changed, unchanged=len(frame) - inserted)


# --- Reads ---------------------------------------------------------------------------------------------


def targets_of(con, indicator_id: str, area_code: str, as_at: AsAt = NOW) -> pd.DataFrame:
    """The area's current targets for the indicator, oldest first.

    As at a store version (a board pack): those stored in a load up to that version. The day does not filter
    them: a target is a fact about the periods it is in force for (the Better Care Fund's 2017 expectation was
    stored years later), and the assessment takes the one in force for the latest period the pack reports.
    A target replaced in a later load is read as it is now."""
    return door.handle_of(con).execute("""
        SELECT effective_from, effective_to, value, direction, source, source_url, set_by, set_at
        FROM targets WHERE indicator_id = ? AND area_code = ? AND (?::INTEGER IS NULL OR load_id <= ?)
        ORDER BY effective_from
    """, [indicator_id, area_code, as_at.version, as_at.version]).df()


def trajectory_of(con, indicator_id: str, area_code: str, as_at: AsAt = NOW) -> pd.DataFrame:
    """The area's planned values for the indicator, in period order."""
    return door.handle_of(con).execute("""
        SELECT period_start, value, source, source_url, set_by, set_at
        FROM trajectories WHERE indicator_id = ? AND area_code = ? AND (?::INTEGER IS NULL OR load_id <= ?)
        ORDER BY period_start
    """, [indicator_id, area_code, as_at.version, as_at.version]).df()


def all_targets(con, indicator_ids: list[str], area_codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every current target and trajectory of these indicators and areas (for many assessments at once)."""
    handle = door.handle_of(con)
    targets = handle.execute("""
        SELECT indicator_id, area_code, effective_from, effective_to, value, direction, source, source_url,
               set_by, set_at
        FROM targets WHERE list_contains(?, indicator_id) AND list_contains(?, area_code) ORDER BY effective_from
    """, [indicator_ids, area_codes]).df()
    trajectories = handle.execute("""
        SELECT indicator_id, area_code, period_start, value, source, source_url, set_by, set_at
        FROM trajectories WHERE list_contains(?, indicator_id) AND list_contains(?, area_code) ORDER BY period_start
    """, [indicator_ids, area_codes]).df()
    return targets, trajectories


def period_values(con, indicator_id: str, period_start, area_types: tuple[str, ...]) -> pd.DataFrame:
    """Every area of these types with a value for one period: ``area_code, area_name, value`` (a derivation's
    input, such as the Better Care Fund expectation from each council's February 2017 rate)."""
    return door.handle_of(con).execute("""
        SELECT area_code, area_name, value FROM observations
        WHERE indicator_id = ? AND period_start = ? AND value IS NOT NULL AND list_contains(?, area_type)
        ORDER BY area_code
    """, [indicator_id, pd.Timestamp(period_start), list(area_types)]).df()


def preview(con, targets: pd.DataFrame | None, trajectories: pd.DataFrame | None) -> pd.DataFrame:
    """What storing these rows would do, writing nothing: one row each with ``kind`` ("target" or "trajectory"),
    the key, the new value, the stored value and ``status`` (added, changed or unchanged), as a load counts them."""
    handle = door.handle_of(con)
    parts = []
    for kind, frame, table, columns in (("target", targets, "target_rows", TARGET_COLUMNS),
                                        ("trajectory", trajectories, "trajectory_rows", TRAJECTORY_COLUMNS)):
        if frame is None or frame.empty:
            continue
        keys, compared, _ = _TABLES[table]
        handle.register("preview_targets_df", frame.reindex(columns=columns))
        try:
            on = " AND ".join(f"t.{k} = i.{k}::{_CASTS[k]}" for k in keys)
            differs = " OR ".join(f"t.{c} IS DISTINCT FROM i.{c}::{_CASTS[c]}" for c in compared)
            found = handle.execute(f"""
                SELECT '{kind}' AS kind, i.indicator_id, i.area_code, i.{keys[2]}::DATE AS starts,
                       i.value::DOUBLE AS value, t.value AS stored_value,
                       CASE WHEN t.indicator_id IS NULL THEN 'added' WHEN {differs} THEN 'changed'
                            ELSE 'unchanged' END AS status
                FROM preview_targets_df AS i
                LEFT JOIN {table} AS t ON t.superseded_by IS NULL AND {on}
            """).df()
        finally:
            handle.unregister("preview_targets_df")
        parts.append(found)
    columns = ["kind", "indicator_id", "area_code", "starts", "value", "stored_value", "status"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
