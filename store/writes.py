"""The rows a write changes: versioned observations and populations, areas, reference data.

Callers are inside a write through the store's door (store/door.py), which holds the transaction.
Observations and populations are versioned: a load marks the rows it replaces as superseded and
inserts its own, so nothing stored is ever overwritten without trace.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from store.primitives import require_write

OBSERVATION_COLUMNS = ["indicator_id", "area_code", "period_start", "period_end",
                       "numerator", "denominator", "value", "value_note"]
POPULATION_COLUMNS = ["area_code", "year", "age_band", "population", "approximation"]
AREA_COLUMNS = ["area_code", "area_name", "area_type", "region"]
INDICATOR_COLUMNS = ["indicator_id", "name", "short_name", "definition", "unit", "multiplier",
                     "value_kind", "numerator_meaning", "denominator_meaning", "population_age_band",
                     "age_band", "frequency", "publication_lag_days", "improvement_direction", "target",
                     "source", "publisher", "area_relation", "is_proxy", "is_demonstration", "caveat",
                     "display_order", "is_cqc_indicator"]


def as_arrow(frame: pd.DataFrame, columns: list[str]) -> pa.Table | pd.DataFrame:
    """`frame`'s `columns` (absent ones all missing) as an Arrow table, for DuckDB to scan.

    DuckDB scans an Arrow table as it is; a pandas column of strings (arrow-backed or Python objects)
    it converts cell by cell, seconds for a million-row upload. A column Arrow cannot type (numbers and
    text mixed) leaves the frame to DuckDB's own reading, as before.
    """
    frame = frame.reindex(columns=columns)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return frame


def as_scanned(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame`'s `columns` (absent ones all missing) as a frame DuckDB scans quickly and sizes rightly:
    text dictionary-encoded (a categorical, scanned as an enum: no Python string per cell), numbers and
    dates as numpy columns.

    DuckDB's planner takes a registered Arrow table for a single row, so it builds every hash join on
    the incoming rows, a million of them for a large upload, instead of on the stored rows they are
    matched with; a frame's row count it knows.
    """
    table = as_arrow(frame, columns)
    if not isinstance(table, pa.Table):
        return table
    return pd.DataFrame({name: _scanned(table.column(name).combine_chunks()) for name in table.column_names})


def _scanned(column: pa.Array) -> pd.Series:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.dictionary_encode(column)
    return column.to_pandas(date_as_object=False)


@dataclass(frozen=True)
class RowCounts:
    """What a load did to the stored rows."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def __add__(self, other: RowCounts) -> RowCounts:
        return RowCounts(self.added + other.added, self.changed + other.changed,
                         self.unchanged + other.unchanged)


def upsert_areas(con: duckdb.DuckDBPyConnection, areas: pd.DataFrame) -> None:
    """Add areas not yet known; an existing area keeps its name and gains a region it lacked."""
    require_write(con)
    frame = areas.reindex(columns=AREA_COLUMNS).drop_duplicates("area_code", keep="last")
    con.register("incoming_areas", frame)
    try:
        # An update then an insert, not ON CONFLICT: the shared store (DuckLake) has no primary keys.
        con.execute("""
            UPDATE areas SET region = coalesce(areas.region, incoming.region::VARCHAR)
            FROM incoming_areas AS incoming
            WHERE areas.area_code = incoming.area_code::VARCHAR AND areas.region IS NULL
              AND incoming.region IS NOT NULL
        """)
        con.execute("""
            INSERT INTO areas
            SELECT area_code::VARCHAR, area_name::VARCHAR, area_type::VARCHAR, region::VARCHAR
            FROM incoming_areas
            WHERE area_code::VARCHAR NOT IN (SELECT area_code FROM areas)
        """)
    finally:
        con.unregister("incoming_areas")


def replace_indicators(con: duckdb.DuckDBPyConnection, indicators: pd.DataFrame) -> None:
    """Set the indicator definitions (reference data kept under data/indicators.csv)."""
    require_write(con)
    frame = indicators.reindex(columns=INDICATOR_COLUMNS)
    con.register("incoming_indicators", frame)
    try:
        con.execute("DELETE FROM indicators")
        con.execute(f"INSERT INTO indicators ({', '.join(INDICATOR_COLUMNS)}) "
                    f"SELECT {', '.join(INDICATOR_COLUMNS)} FROM incoming_indicators")
    finally:
        con.unregister("incoming_indicators")


def replace_reference(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    """Make `frame`'s `columns` the whole of the reference table `table` (inside a write through the door)."""
    require_write(con)
    con.register("incoming_reference", frame[columns])
    try:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM incoming_reference")
    finally:
        con.unregister("incoming_reference")


def replace_area_links(con: duckdb.DuckDBPyConnection, links: pd.DataFrame) -> None:
    """Set which CCG and acute trust serve each council (reference data, data/area_links.csv)."""
    replace_reference(con, "area_links", links, ["area_code", "relation", "linked_code"])


def store_observations(con: duckdb.DuckDBPyConnection, observations: pd.DataFrame, *, load_id: int,
                       is_demonstration: bool) -> RowCounts:
    """Make `observations` the current values for their keys (indicator, area, period start).

    Rows identical to what is stored are left alone (their keys are noted as this load's, in
    `load_reasserted_observations`, for undo); differing rows supersede the stored ones. A real
    (non-demonstration) load of an indicator supersedes all its demonstration rows, so real and
    invented values never mix in one series, and the indicator stops being flagged demonstration.
    """
    require_write(con)
    frame = as_scanned(observations, OBSERVATION_COLUMNS)
    # A view over the registered frame, not a temporary table: one written inside the write's
    # transaction costs more to fill and to query than scanning the frame again.
    con.register("incoming_observations_df", frame)
    try:
        con.execute("""
            CREATE OR REPLACE TEMP VIEW incoming_observations AS
            SELECT indicator_id::VARCHAR AS indicator_id, area_code::VARCHAR AS area_code,
                   period_start::DATE AS period_start, period_end::DATE AS period_end,
                   numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator,
                   value::DOUBLE AS value, value_note::VARCHAR AS value_note
            FROM incoming_observations_df
        """)
        return _store_incoming_observations(con, load_id=load_id, is_demonstration=is_demonstration,
                                            rows=len(frame))
    finally:
        try:
            con.execute("DROP VIEW IF EXISTS incoming_observations")
        except duckdb.Error:
            pass  # a failed write's transaction is rolled back, and the view with it
        con.unregister("incoming_observations_df")


def _store_incoming_observations(con: duckdb.DuckDBPyConnection, *, load_id: int, is_demonstration: bool,
                                 rows: int) -> RowCounts:
    """store_observations for the `rows` rows of the view `incoming_observations`."""
    duplicate = con.execute("""
        SELECT indicator_id, area_code, period_start FROM incoming_observations
        GROUP BY ALL HAVING count(*) > 1 LIMIT 1
    """).fetchone()
    if duplicate:
        raise ValueError(f"duplicate observation for {duplicate[0]}, {duplicate[1]}, {duplicate[2]}")

    if not is_demonstration:
        con.execute("""
            UPDATE observation_rows AS o SET superseded_by = ?
            FROM loads AS l
            WHERE o.load_id = l.load_id AND l.is_demonstration AND o.superseded_by IS NULL
              AND o.indicator_id IN (SELECT DISTINCT indicator_id FROM incoming_observations)
        """, [load_id])
        con.execute("""
            UPDATE indicators SET is_demonstration = false
            WHERE is_demonstration AND indicator_id IN (SELECT DISTINCT indicator_id FROM incoming_observations)
        """)

    # Keys this load repeats unchanged: no new version is stored, but undo must know the load holds them.
    con.execute("""
        INSERT INTO load_reasserted_observations
        SELECT ?, i.indicator_id, i.area_code, i.period_start
        FROM incoming_observations AS i JOIN observation_rows AS o
          ON o.superseded_by IS NULL AND o.indicator_id = i.indicator_id AND o.area_code = i.area_code
         AND o.period_start = i.period_start
        WHERE o.period_end IS NOT DISTINCT FROM i.period_end AND o.numerator IS NOT DISTINCT FROM i.numerator
          AND o.denominator IS NOT DISTINCT FROM i.denominator AND o.value IS NOT DISTINCT FROM i.value
          AND o.value_note IS NOT DISTINCT FROM i.value_note
    """, [load_id])
    changed = con.execute("""
        UPDATE observation_rows AS o SET superseded_by = ?
        FROM incoming_observations AS i
        WHERE o.superseded_by IS NULL
          AND o.indicator_id = i.indicator_id AND o.area_code = i.area_code
          AND o.period_start = i.period_start
          AND (o.period_end IS DISTINCT FROM i.period_end
               OR o.numerator IS DISTINCT FROM i.numerator
               OR o.denominator IS DISTINCT FROM i.denominator
               OR o.value IS DISTINCT FROM i.value
               OR o.value_note IS DISTINCT FROM i.value_note)
    """, [load_id]).fetchone()[0]
    inserted = con.execute("""
        INSERT INTO observation_rows
        SELECT i.*, ?::INTEGER AS load_id, NULL::INTEGER AS superseded_by
        FROM incoming_observations AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM observation_rows AS o
            WHERE o.superseded_by IS NULL AND o.indicator_id = i.indicator_id
              AND o.area_code = i.area_code AND o.period_start = i.period_start)
    """, [load_id]).fetchone()[0]
    return RowCounts(added=inserted - changed, changed=changed, unchanged=rows - inserted)


def store_populations(con: duckdb.DuckDBPyConnection, populations: pd.DataFrame, *, load_id: int) -> RowCounts:
    """Make `populations` the current estimates for their keys (area, year, age band), by the rules of
    `store_observations`."""
    require_write(con)
    frame = as_arrow(populations, POPULATION_COLUMNS)
    con.register("incoming_populations_df", frame)
    try:
        con.execute("""
            CREATE OR REPLACE TEMP TABLE incoming_populations AS
            SELECT area_code::VARCHAR AS area_code, year::INTEGER AS year, age_band::VARCHAR AS age_band,
                   population::BIGINT AS population, approximation::VARCHAR AS approximation
            FROM incoming_populations_df
        """)
    finally:
        con.unregister("incoming_populations_df")
    con.execute("""
        INSERT INTO load_reasserted_populations
        SELECT ?, i.area_code, i.year, i.age_band
        FROM incoming_populations AS i JOIN population_rows AS p
          ON p.superseded_by IS NULL AND p.area_code = i.area_code AND p.year = i.year AND p.age_band = i.age_band
        WHERE p.population IS NOT DISTINCT FROM i.population AND p.approximation IS NOT DISTINCT FROM i.approximation
    """, [load_id])
    changed = con.execute("""
        UPDATE population_rows AS p SET superseded_by = ?
        FROM incoming_populations AS i
        WHERE p.superseded_by IS NULL AND p.area_code = i.area_code AND p.year = i.year
          AND p.age_band = i.age_band
          AND (p.population IS DISTINCT FROM i.population OR p.approximation IS DISTINCT FROM i.approximation)
    """, [load_id]).fetchone()[0]
    inserted = con.execute("""
        INSERT INTO population_rows
        SELECT i.*, ?::INTEGER, NULL::INTEGER FROM incoming_populations AS i
        WHERE NOT EXISTS (
            SELECT 1 FROM population_rows AS p
            WHERE p.superseded_by IS NULL AND p.area_code = i.area_code AND p.year = i.year
              AND p.age_band = i.age_band)
    """, [load_id]).fetchone()[0]
    con.execute("DROP TABLE incoming_populations")
    return RowCounts(added=inserted - changed, changed=changed, unchanged=len(frame) - inserted)
