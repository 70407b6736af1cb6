"""Everything about loads: recording one, what it would change (preview), storing it, taking it back
(undo), the history, and what a rebuild from the archive replays.

A load stores a new version of each row it adds or changes and notes the keys it repeats unchanged
(`load_reasserted_*`), so the store knows which loads hold which rows. Each key (indicator, area,
period start; or area, year, age band) has one current row, the one the latest load holding it
gave; a real (non-demonstration) load of an indicator also retires every demonstration row of it.

`preview_observations` / `preview_populations` compare an extract's rows with the current stored rows
by the same rules, so the preview's counts are the load's counts: each key is *added* (nothing
stored), *changed* (stored, with different values: old and new are both shown) or *unchanged*.

Undo is defined by the rebuild: after any sequence of loads and undos, the current rows are those a
rebuild from the archive of the loads still standing gives. Undoing a load removes its rows, except
that a row a later load repeated passes to that load; each row it had superseded becomes current
again unless a later standing load also holds that key (or, for a demonstration row, a later
standing real extract of the indicator retires it). The indicator flags
and areas it changed are put back the same way, and its `loads` record moves to `load_undone`.
Every write here goes through the store's door (store/door.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from store import archive, door, targets, writes
from store import groups as store_groups
from store.primitives import RetryWrite, next_id, now, require_write
from store.roles import User

STATUSES = ("added", "changed", "unchanged")
# pandas' text dtype backed by Arrow, as the loaders use (loaders/csvread.py).
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

# The incoming rows, typed as stored; read straight from the registered frame (store.writes.as_scanned),
# because a temporary table written inside the preview's snapshot transaction costs several times more to query.
# `key_order` is each row's place in the preview's order, when it is known before the query (_key_order).
_INCOMING_OBSERVATIONS = """
preview_observations AS (
    SELECT indicator_id::VARCHAR AS indicator_id, area_code::VARCHAR AS area_code,
           period_start::DATE AS period_start, period_end::DATE AS period_end,
           numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator,
           value::DOUBLE AS value, value_note::VARCHAR AS value_note, key_order
    FROM preview_observations_df
)"""

# The stored row a new row is compared with. A real load retires every demonstration row of its
# indicators first (store.writes.store_observations), so for a real load those rows count as absent.
_OBSERVATION_DETAIL = f"""
WITH {_INCOMING_OBSERVATIONS},
current_rows AS (
    SELECT o.*, l.is_demonstration AS is_demo
    FROM observation_rows AS o JOIN loads AS l USING (load_id)
    WHERE o.superseded_by IS NULL
      -- From the frame, not preview_observations: a second use would have DuckDB write a million rows down.
      AND o.indicator_id IN (SELECT DISTINCT indicator_id::VARCHAR FROM preview_observations_df)
),
compared AS (
    SELECT n.*, c.period_end AS old_period_end, c.numerator AS old_numerator,
           c.denominator AS old_denominator, c.value AS old_raw_value, c.value_note AS old_value_note,
           coalesce(c.is_demo, false) AS replaces_demonstration,
           CASE WHEN c.indicator_id IS NULL OR (c.is_demo AND NOT $is_demonstration) THEN 'added'
                WHEN c.period_end IS DISTINCT FROM n.period_end
                  OR c.numerator IS DISTINCT FROM n.numerator
                  OR c.denominator IS DISTINCT FROM n.denominator
                  OR c.value IS DISTINCT FROM n.value
                  OR c.value_note IS DISTINCT FROM n.value_note THEN 'changed'
                ELSE 'unchanged' END AS status
    FROM preview_observations AS n
    LEFT JOIN current_rows AS c USING (indicator_id, area_code, period_start)
)
-- Values as the observations view shows them: a population-based rate is computed from the
-- current ONS estimate, as it will be once stored.
SELECT x.indicator_id, x.area_code, x.period_start, x.period_end, x.status,
       CASE WHEN i.population_age_band IS NOT NULL AND x.old_denominator IS NULL AND x.old_raw_value IS NULL
            THEN x.old_numerator / nullif(p.population, 0) * i.multiplier ELSE x.old_raw_value END AS old_value,
       CASE WHEN i.population_age_band IS NOT NULL AND x.denominator IS NULL AND x.value IS NULL
            THEN x.numerator / nullif(p.population, 0) * i.multiplier ELSE x.value END AS new_value,
       x.old_numerator, x.numerator AS new_numerator, x.old_denominator, x.denominator AS new_denominator,
       x.old_value_note, x.value_note AS new_value_note, x.replaces_demonstration, x.key_order
FROM compared AS x
JOIN indicators AS i USING (indicator_id)
LEFT JOIN current_populations AS p
       ON p.area_code = x.area_code AND p.year = year(x.period_start) AND p.age_band = i.population_age_band
"""
# The preview's order, when the rows' places in it are not known before the query.
_OBSERVATION_ORDER = "ORDER BY x.indicator_id, x.area_code, x.period_start"

_RETIRED_DEMONSTRATION = """
SELECT o.indicator_id, o.area_code, count(*) AS demonstration_retired
FROM observation_rows AS o JOIN loads AS l USING (load_id)
WHERE o.superseded_by IS NULL AND l.is_demonstration AND NOT $is_demonstration
  AND o.indicator_id IN (SELECT DISTINCT indicator_id FROM preview_detail)
GROUP BY ALL
"""

# Per indicator and area: rows added, changed, unchanged, demonstration rows retired, periods covered.
_OBSERVATION_SUMMARY = f"""
WITH tally AS (
    SELECT indicator_id, area_code,
           {", ".join(f"count(*) FILTER (WHERE status = '{status}') AS {status}" for status in STATUSES)},
           min(period_start) AS first_period, max(period_end) AS last_period
    FROM preview_detail GROUP BY ALL
)
SELECT indicator_id, area_code, {", ".join(f"coalesce(t.{status}, 0) AS {status}" for status in STATUSES)},
       coalesce(r.demonstration_retired, 0) AS demonstration_retired, t.first_period, t.last_period
FROM tally AS t FULL OUTER JOIN ({_RETIRED_DEMONSTRATION}) AS r USING (indicator_id, area_code)
ORDER BY indicator_id, area_code
"""

_INCOMING_POPULATIONS = """
CREATE OR REPLACE TEMP TABLE preview_populations AS
SELECT area_code::VARCHAR AS area_code, year::INTEGER AS year, age_band::VARCHAR AS age_band,
       population::BIGINT AS population, approximation::VARCHAR AS approximation
FROM preview_populations_df
"""

_POPULATION_DETAIL = """
SELECT n.area_code, n.year, n.age_band,
       CASE WHEN c.area_code IS NULL THEN 'added'
            WHEN c.population IS DISTINCT FROM n.population
              OR c.approximation IS DISTINCT FROM n.approximation THEN 'changed'
            ELSE 'unchanged' END AS status,
       c.population AS old_population, n.population AS new_population,
       c.approximation AS old_approximation, n.approximation AS new_approximation
FROM preview_populations AS n
LEFT JOIN (SELECT * FROM population_rows WHERE superseded_by IS NULL) AS c USING (area_code, year, age_band)
ORDER BY n.area_code, n.year, n.age_band
"""

@dataclass
class Preview:
    """What confirming a load would do, computed without writing anything.

    `observations`: one row per incoming observation with `status` and old/new values.
    `summary`: per indicator and area, how many rows are added, changed, unchanged (and demonstration
    rows retired), and the first and last period covered. `populations` / `population_summary` are
    the same for population estimates. `store_version` names the store state the preview was made
    against, so a confirm can tell when someone else has loaded since.
    """

    observations: pd.DataFrame
    summary: pd.DataFrame
    populations: pd.DataFrame
    population_summary: pd.DataFrame
    store_version: str

    @property
    def counts(self) -> writes.RowCounts:
        # From the summaries, which count every row: the page asks on every run, and a million statuses
        # counted again each time cost a tenth of a second.
        return writes.RowCounts(*(int(self.summary[status].sum()) + int(self.population_summary[status].sum())
                                  for status in STATUSES))

    @property
    def periods(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first period start and the last period end the file covers (None without observations)."""
        if self.observations.empty:
            return None
        return self.observations["period_start"].min(), self.observations["period_end"].max()


def store_version(con) -> str:
    """A token that changes whenever a load is stored or undone."""
    latest, undone = door.handle_of(con).execute("""
        SELECT (SELECT coalesce(max(load_id), 0) FROM
                  (SELECT load_id FROM loads UNION ALL SELECT load_id FROM load_undone)),
               (SELECT count(*) FROM load_undone)
    """).fetchall()[0]
    return f"{latest}:{undone}"


def _tally(detail: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = (pd.crosstab([detail[key] for key in keys], detail["status"])
              .reindex(columns=list(STATUSES), fill_value=0))
    counts.columns.name = None
    return counts


def preview_observations(con: duckdb.DuckDBPyConnection, observations: pd.DataFrame | None, *,
                         is_demonstration: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each incoming observation against the stored one, and the per indicator-and-area summary."""
    incoming = writes.as_scanned(observations if observations is not None else pd.DataFrame(),
                                 writes.OBSERVATION_COLUMNS)
    key_order = _key_order(incoming)
    incoming["key_order"] = key_order if key_order is not None else 0
    parameters = {"is_demonstration": is_demonstration}
    con.register("preview_observations_df", incoming)
    try:
        query = _OBSERVATION_DETAIL if key_order is not None else f"{_OBSERVATION_DETAIL}{_OBSERVATION_ORDER}"
        detail = _arrow(con.execute(query, parameters).arrow())
    finally:
        con.unregister("preview_observations_df")
    del incoming
    detail = _in_key_order(detail) if key_order is not None else detail.drop_columns(["key_order"])
    # Counted in SQL over the Arrow result: a million rows tallied by pandas costs seconds and copies.
    con.register("preview_detail", detail)
    try:
        summary = con.execute(_OBSERVATION_SUMMARY, parameters).df()
    finally:
        con.unregister("preview_detail")
    return _frame(detail), summary


def _key_order(incoming: pd.DataFrame) -> np.ndarray | None:
    """Each incoming row's place in the preview's order (indicator, area, period start), worked out on the
    dictionary codes DuckDB would otherwise sort a million strings by; None when a key is missing or not
    dictionary-encoded text (store.writes.as_scanned's frame), and DuckDB sorts.

    Text sorts as DuckDB sorts it, by code point; rows in order already (as files usually are) need no sort.
    """
    if incoming.empty:
        return None
    codes = []
    for column in ("indicator_id", "area_code"):
        text = incoming[column]
        if not isinstance(text.dtype, pd.CategoricalDtype) or not all(
                isinstance(value, str) for value in text.cat.categories):
            return None
        rank = np.empty(len(text.cat.categories), dtype=np.int64)
        rank[np.argsort(np.asarray(text.cat.categories, dtype=object), kind="stable")] = np.arange(len(rank))
        code = text.cat.codes.to_numpy()
        if (code < 0).any():
            return None
        codes.append(rank[code])
    start = incoming["period_start"]
    if not isinstance(start.dtype, np.dtype) or start.dtype.kind != "M" or start.isna().any():
        return None
    day = start.to_numpy().astype("datetime64[D]").view(np.int64)  # DuckDB compares the periods as dates
    day = day - day.min()
    indicators, areas, days = (int(values.max()) + 1 for values in (*codes, day))
    if float(indicators) * areas * days >= 2.0 ** 62:
        return None
    key = (codes[0] * areas + codes[1]) * days + day
    if (key[1:] >= key[:-1]).all():
        return np.arange(len(key), dtype=np.int64)
    order = np.argsort(key, kind="stable")  # a merge of runs: quick on files sorted in parts
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order))
    return place


def _in_key_order(detail: pa.Table) -> pa.Table:
    """The preview's rows put in their places (`key_order`), without it."""
    place = detail.column("key_order").to_numpy()
    rows = detail.drop_columns(["key_order"])
    if (place[1:] > place[:-1]).all():
        return rows
    order = np.empty(len(place), dtype=np.int64)
    order[place] = np.arange(len(place))
    return rows.take(order)


def _arrow(result) -> pa.Table:
    """A query's Arrow result as one table (DuckDB may hand back a record batch reader)."""
    return result.read_all() if hasattr(result, "read_all") else result


def _frame(table) -> pd.DataFrame:
    """A query's Arrow result as a frame whose text stays in Arrow: no Python string per cell."""
    return table.to_pandas(date_as_object=False, split_blocks=True,
                           types_mapper=lambda kind: _TEXT if kind in (pa.string(), pa.large_string(),
                                                                        pa.string_view()) else None)


def preview_populations(con: duckdb.DuckDBPyConnection,
                        populations: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each incoming population estimate against the stored one, and the per-area summary."""
    frame = (populations if populations is not None else pd.DataFrame()).reindex(
        columns=writes.POPULATION_COLUMNS)
    con.register("preview_populations_df", frame)
    try:
        con.execute(_INCOMING_POPULATIONS)
    finally:
        con.unregister("preview_populations_df")
    try:
        detail = con.execute(_POPULATION_DETAIL).df()
    finally:
        con.execute("DROP TABLE IF EXISTS preview_populations")
    if detail.empty:
        return detail, pd.DataFrame(columns=["area_code", *STATUSES, "first_year", "last_year"])
    years = detail.groupby("area_code").agg(first_year=("year", "min"), last_year=("year", "max"))
    return detail, _tally(detail, ["area_code"]).join(years).reset_index()


def preview(con, extract, *, is_demonstration: bool = False) -> Preview:
    """What storing a validated extract (its `observations` and `populations`) would add, change and
    leave as it is, read in one consistent snapshot; writes nothing."""
    with door.snapshot(con) as reading:
        version = store_version(reading)
        detail, summary = preview_observations(reading, extract.observations, is_demonstration=is_demonstration)
        population_detail, population_summary = preview_populations(reading, extract.populations)
    return Preview(detail, summary, population_detail, population_summary, version)


# --- Storing a load --------------------------------------------------------------------------------


def validation_reference(con) -> tuple[pd.DataFrame, frozenset[str]]:
    """What validating a file needs from the store: the indicators (indexed by id) and the area codes."""
    con = door.handle_of(con)
    indicators = con.execute("SELECT * FROM indicators").df().set_index("indicator_id")
    codes = frozenset(code for (code,) in con.execute("SELECT area_code FROM areas").fetchall())
    return indicators, codes


def record_load(con: duckdb.DuckDBPyConnection, *, file_name: str, sha256: str, loader: str,
                row_count: int, user: str, is_demonstration: bool) -> int:
    """Register a load and return its id."""
    require_write(con)
    load_id = next_id(con, "load")
    con.execute(
        "INSERT INTO loads (load_id, file_name, sha256, loader, row_count, loaded_at, loaded_by, is_demonstration) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, file_name, sha256, loader, row_count, now(), user, is_demonstration],
    )
    return load_id


def record_prior_state(con: duckdb.DuckDBPyConnection, load_id: int, indicator_ids: list[str],
                       areas: pd.DataFrame | None) -> None:
    """Keep what a load is about to change outside the versioned rows, so undo can restore it."""
    require_write(con)
    con.execute("""
        INSERT INTO load_prior_indicators
        SELECT ?, indicator_id, is_demonstration FROM indicators WHERE list_contains(?, indicator_id)
    """, [load_id, sorted(set(indicator_ids))])
    if areas is not None and not areas.empty:
        codes = sorted(set(areas["area_code"].astype(str)))
        con.execute("""
            INSERT INTO load_prior_areas
            SELECT ?, code, a.area_code IS NOT NULL, a.region
            FROM unnest(?::VARCHAR[]) AS t(code) LEFT JOIN areas AS a ON a.area_code = t.code
        """, [load_id, codes])


@dataclass(frozen=True)
class StoredLoad:
    """What storing a load did: its id and the rows it added, changed and left unchanged."""

    load_id: int
    counts: writes.RowCounts


def store_extract(con, extract, *, file: str, sha256: str, user: User | str | None,
                  is_demonstration: bool = False) -> StoredLoad:
    """Store a validated extract (its `layout`, `observations`, `populations`, `areas`) as one load,
    with its load record, prior state and audit line, in one write through the door."""
    with door.writing(con, user=user, action="load") as write:
        load_id = record_load(write.con, file_name=file, sha256=sha256, loader=extract.layout,
                              row_count=extract.row_count, user=write.user, is_demonstration=is_demonstration)
        indicator_ids = ([] if extract.observations is None
                         else extract.observations["indicator_id"].astype(str).unique().tolist())
        record_prior_state(write.con, load_id, indicator_ids, extract.areas)
        if extract.areas is not None:
            writes.upsert_areas(write.con, extract.areas)
        counts = writes.RowCounts()
        if extract.populations is not None:
            counts += writes.store_populations(write.con, extract.populations, load_id=load_id)
        if extract.observations is not None:
            counts += writes.store_observations(write.con, extract.observations, load_id=load_id,
                                                is_demonstration=is_demonstration)
        # Targets and trajectories (loaders/targets.py) are versioned rows of the load like any other.
        counts += targets.store_targets(write.con, extract.targets, load_id=load_id,
                                        set_by=write.user)
        counts += targets.store_trajectories(write.con, extract.trajectories, load_id=load_id,
                                             set_by=write.user)
        # Comparator groups (loaders/groups.py) likewise: one versioned row per group.
        counts += store_groups.store_groups(write.con, extract.groups, load_id=load_id,
                                            loaded_by=write.user)
        write.audit("load", load_id=load_id,
                    detail={"file": file, "layout": extract.layout, "sha256": sha256,
                            "is_demonstration": is_demonstration, "added": counts.added,
                            "changed": counts.changed, "unchanged": counts.unchanged})
    return StoredLoad(load_id, counts)


def check_version(con, expected_version: str | None) -> None:
    """Refuse (RetryWrite) when a load was stored or undone since the preview of `expected_version`."""
    if expected_version is not None and store_version(door.handle_of(con)) != expected_version:
        raise RetryWrite("The store has changed since this preview (another load was confirmed or "
                         "undone); check the preview again, then confirm.")


# --- Undo ----------------------------------------------------------------------------------------

class UndoRefused(Exception):
    """A load that cannot be taken back safely; the message says why in one sentence."""


def undo_refusal(con, load_id: int) -> str | None:
    """Why the load cannot be undone now (one sentence), or None when it can."""
    return undo_refusals(con, [load_id])[int(load_id)]


# Per asked load: whether it was undone, stands, predates undo's prior state, and the first other load
# using an area it added before a later load would add that area again (a rebuild without it would
# refuse that other load's file). One query for the whole list, so listing loads costs one read.
_REFUSALS = """
WITH asked AS (SELECT DISTINCT unnest($ids::INTEGER[]) AS load_id),
added AS (
    SELECT p.load_id, p.area_code FROM load_prior_areas AS p
    WHERE NOT p.existed AND p.load_id IN (SELECT load_id FROM asked)
),
users AS (
    SELECT load_id, area_code FROM observation_rows WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM population_rows WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM load_reasserted_observations WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM load_reasserted_populations WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM target_rows WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM trajectory_rows WHERE area_code IN (SELECT area_code FROM added)
    UNION SELECT load_id, area_code FROM (SELECT load_id, unnest(members) AS area_code FROM comparator_group_rows)
          WHERE area_code IN (SELECT area_code FROM added)
),
used AS (
    SELECT d.load_id, min(u.load_id) AS used_by
    FROM added AS d JOIN users AS u ON u.area_code = d.area_code AND u.load_id <> d.load_id
    WHERE NOT EXISTS (SELECT 1 FROM load_prior_areas AS again WHERE again.area_code = u.area_code
                      AND again.load_id > d.load_id AND again.load_id <= u.load_id)
    GROUP BY d.load_id
)
SELECT a.load_id,
       a.load_id IN (SELECT load_id FROM load_undone) AS undone,
       a.load_id IN (SELECT load_id FROM loads) AS standing,
       a.load_id IN (SELECT load_id FROM loads_without_prior_state) AS without_prior_state,
       used.used_by
FROM asked AS a LEFT JOIN used USING (load_id)
"""


def undo_refusals(con, load_ids) -> dict[int, str | None]:
    """:func:`undo_refusal` for every load in `load_ids`, in one query: load id → the reason, or None."""
    ids = [int(load_id) for load_id in load_ids]
    if not ids:
        return {}
    rows = door.handle_of(con).execute(_REFUSALS, {"ids": ids}).fetchall()
    return {int(load_id): _refusal(int(load_id), undone, standing, without_prior_state, used_by)
            for load_id, undone, standing, without_prior_state, used_by in rows}


def _refusal(load_id: int, undone: bool, standing: bool, without_prior_state: bool, used_by) -> str | None:
    if undone:
        return f"Load {load_id} has already been undone."
    if not standing:
        return f"There is no load {load_id}."
    if without_prior_state:
        return (f"Load {load_id} was made before this store kept what an undo needs (schema version 5; "
                "before version 4 it kept nothing), so it cannot be undone exactly; load a corrected file "
                "over it instead.")
    if used_by is not None:
        return (f"Load {load_id} cannot be undone because load {used_by} uses areas it added; "
                f"undo load {used_by} first.")
    return None


# Rows the undone load had superseded, each with the load that supersedes it once the undone load is
# gone: the first standing load after the undone one that holds its key, or for a demonstration row
# the first standing real extract of its indicator after it. (Loads between the row's own load and
# the undone one can only have repeated the row itself.) Rows with no such load become current again.
_OBSERVATIONS_NEXT = """
CREATE OR REPLACE TEMP TABLE undo_next AS
WITH orphans AS (
    SELECT o.load_id, o.indicator_id, o.area_code, o.period_start, l.is_demonstration AS is_demo
    FROM observation_rows AS o JOIN loads AS l USING (load_id)
    WHERE o.superseded_by = $id
),
held AS (
    SELECT load_id, indicator_id, area_code, period_start FROM observation_rows
    UNION ALL
    SELECT load_id, indicator_id, area_code, period_start FROM load_reasserted_observations
),
by_key AS (
    SELECT r.load_id, r.indicator_id, r.area_code, r.period_start, min(n.load_id) AS next_load
    FROM orphans AS r JOIN held AS n USING (indicator_id, area_code, period_start)
    WHERE n.load_id > $id
    GROUP BY ALL
),
real_loads AS (
    SELECT DISTINCT n.indicator_id, n.load_id
    FROM held AS n JOIN loads AS l USING (load_id)
    WHERE NOT l.is_demonstration AND n.indicator_id IN (SELECT indicator_id FROM orphans WHERE is_demo)
),
by_retirement AS (
    SELECT r.load_id, r.indicator_id, r.area_code, r.period_start, min(x.load_id) AS next_load
    FROM orphans AS r JOIN real_loads AS x ON x.indicator_id = r.indicator_id AND x.load_id > $id
    WHERE r.is_demo
    GROUP BY ALL
)
SELECT load_id, indicator_id, area_code, period_start, min(next_load) AS next_load
FROM (SELECT * FROM by_key UNION ALL SELECT * FROM by_retirement)
GROUP BY ALL
"""

_POPULATIONS_NEXT = """
CREATE OR REPLACE TEMP TABLE undo_next AS
WITH held AS (
    SELECT load_id, area_code, year, age_band FROM population_rows
    UNION ALL
    SELECT load_id, area_code, year, age_band FROM load_reasserted_populations
)
SELECT r.load_id, r.area_code, r.year, r.age_band, min(n.load_id) AS next_load
FROM population_rows AS r JOIN held AS n USING (area_code, year, age_band)
WHERE r.superseded_by = $id AND n.load_id > $id
GROUP BY ALL
"""

_UNDO_KEYS = {"observation_rows": ("indicator_id", "area_code", "period_start"),
              "population_rows": ("area_code", "year", "age_band"),
              "target_rows": ("indicator_id", "area_code", "effective_from"),
              "trajectory_rows": ("indicator_id", "area_code", "period_start"),
              "comparator_group_rows": ("group_code",)}
_REASSERTED = {"observation_rows": "load_reasserted_observations", "population_rows": "load_reasserted_populations",
               "target_rows": "load_reasserted_targets", "trajectory_rows": "load_reasserted_trajectories",
               "comparator_group_rows": "load_reasserted_groups"}


def _next_by_key(table: str) -> str:
    """`_POPULATIONS_NEXT` for any versioned table with no demonstration rule (populations, targets,
    trajectories): each row the undone load superseded goes to the next standing load holding its key."""
    keys = _UNDO_KEYS[table]
    listed = ", ".join(keys)
    on = " AND ".join(f"n.{key} = r.{key}" for key in keys)
    return f"""
CREATE OR REPLACE TEMP TABLE undo_next AS
WITH held AS (
    SELECT load_id, {listed} FROM {table}
    UNION ALL
    SELECT load_id, {listed} FROM {_REASSERTED[table]}
)
SELECT r.load_id, {", ".join(f"r.{key}" for key in keys)}, min(n.load_id) AS next_load
FROM {table} AS r JOIN held AS n ON {on}
WHERE r.superseded_by = $id AND n.load_id > $id
GROUP BY ALL
"""


def _hand_on(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> None:
    """Give each of the load's rows that a later load repeated unchanged to the first such load, which
    is the load a rebuild without this one would have stored it for."""
    keys = _UNDO_KEYS[table]
    columns = ", ".join(f"r.{key}" for key in keys)
    on = " AND ".join(f"a.{key} = r.{key}" for key in keys)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE undo_heirs AS
        SELECT {columns}, min(a.load_id) AS heir
        FROM {table} AS r JOIN {_REASSERTED[table]} AS a ON {on}
        WHERE r.load_id = $id AND a.load_id > $id AND (r.superseded_by IS NULL OR a.load_id < r.superseded_by)
        GROUP BY ALL
    """, {"id": load_id})
    matches = " AND ".join(f"t.{key} = h.{key}" for key in keys)
    con.execute(f"UPDATE {table} AS t SET load_id = h.heir FROM undo_heirs AS h WHERE t.load_id = ? AND {matches}",
                [load_id])
    con.execute(f"DELETE FROM {_REASSERTED[table]} AS t USING undo_heirs AS h "
                f"WHERE t.load_id = h.heir AND {matches}")
    con.execute(f"DELETE FROM {_REASSERTED[table]} WHERE load_id = ?", [load_id])
    con.execute("DROP TABLE undo_heirs")


def _undo_rows(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> tuple[int, int]:
    """Remove a load's rows and hand its superseded rows on; returns (current rows removed, restored)."""
    _hand_on(con, table, load_id)
    removed = con.execute(f"SELECT count(*) FROM {table} WHERE load_id = ? AND superseded_by IS NULL",
                          [load_id]).fetchone()[0]
    con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id])
    next_sql = {"observation_rows": _OBSERVATIONS_NEXT, "population_rows": _POPULATIONS_NEXT}.get(table)
    con.execute(next_sql or _next_by_key(table), {"id": load_id})
    keys = " AND ".join(f"t.{key} = n.{key}" for key in ("load_id", *_UNDO_KEYS[table]))
    con.execute(f"UPDATE {table} AS t SET superseded_by = n.next_load FROM undo_next AS n "
                f"WHERE t.superseded_by = ? AND {keys}", [load_id])
    con.execute("DROP TABLE undo_next")
    restored = con.execute(f"UPDATE {table} SET superseded_by = NULL WHERE superseded_by = ?",
                           [load_id]).fetchone()[0]
    return removed, restored


def _undo_prior_state(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """Put back the indicator flags and areas the load changed, as a rebuild without it would have them.

    The next load that touched the same indicator or area inherits this load's prior state (with this
    load gone, that is the state it found); where none did, the prior state is restored.
    """
    con.execute("""
        UPDATE load_prior_indicators AS nxt SET is_demonstration = p.is_demonstration
        FROM load_prior_indicators AS p
        WHERE p.load_id = $id AND nxt.indicator_id = p.indicator_id
          AND nxt.load_id = (SELECT min(load_id) FROM load_prior_indicators
                             WHERE indicator_id = p.indicator_id AND load_id > $id)
    """, {"id": load_id})
    # An indicator is real while any standing real extract of it stands; else it is as it first was.
    con.execute("""
        UPDATE indicators AS i SET is_demonstration = first.is_demonstration AND NOT EXISTS (
            SELECT 1 FROM (SELECT load_id, indicator_id FROM observation_rows
                           UNION ALL SELECT load_id, indicator_id FROM load_reasserted_observations) AS o
            JOIN loads AS l USING (load_id)
            WHERE o.indicator_id = i.indicator_id AND NOT l.is_demonstration AND l.load_id <> $id)
        FROM (SELECT indicator_id, arg_min(is_demonstration, load_id) AS is_demonstration
              FROM load_prior_indicators GROUP BY indicator_id) AS first
        WHERE first.indicator_id = i.indicator_id
          AND i.indicator_id IN (SELECT indicator_id FROM load_prior_indicators WHERE load_id = $id)
    """, {"id": load_id})
    con.execute("""
        UPDATE load_prior_areas AS nxt SET existed = p.existed, region = p.region
        FROM load_prior_areas AS p
        WHERE p.load_id = $id AND nxt.area_code = p.area_code
          AND nxt.load_id = (SELECT min(load_id) FROM load_prior_areas
                             WHERE area_code = p.area_code AND load_id > $id)
    """, {"id": load_id})
    last = "NOT EXISTS (SELECT 1 FROM load_prior_areas AS later WHERE later.area_code = p.area_code " \
           "AND later.load_id > $id)"
    con.execute(f"""
        UPDATE areas AS a SET region = p.region FROM load_prior_areas AS p
        WHERE p.load_id = $id AND p.existed AND p.area_code = a.area_code AND {last}
    """, {"id": load_id})
    con.execute(f"""
        DELETE FROM areas WHERE area_code IN
            (SELECT area_code FROM load_prior_areas AS p WHERE p.load_id = $id AND NOT p.existed AND {last})
    """, {"id": load_id})
    con.execute("DELETE FROM load_prior_indicators WHERE load_id = ?", [load_id])
    con.execute("DELETE FROM load_prior_areas WHERE load_id = ?", [load_id])


@dataclass(frozen=True)
class Undone:
    """What an undo did: the file it took back, the rows removed and the earlier rows current again."""

    load_id: int
    file_name: str
    removed: int
    restored: int


def undo_load(con, load_id: int, *, user: User | str | None, archive_dir: Path | None = None) -> Undone:
    """Take a load back in one write through the door, exactly and audited; UndoRefused says why when it
    cannot be.

    Once the write commits, the undo is added to the archive's journal in `archive_dir` (by default the
    archive beside the store's file), so a store rebuilt from its archive does not bring the load back.
    """
    load_id = int(load_id)
    location = door.door_of(con).location
    if archive_dir is None and location is not None:
        archive_dir = location.archive_dir
    with door.writing(con, user=user, action="undo") as write:
        reason = undo_refusal(write.con, load_id)
        if reason:
            raise UndoRefused(reason)
        removed = restored = 0
        for table in _UNDO_KEYS:
            gone, back = _undo_rows(write.con, table, load_id)
            removed, restored = removed + gone, restored + back
        _undo_prior_state(write.con, load_id)
        file_name, sha256 = write.con.execute("SELECT file_name, sha256 FROM loads WHERE load_id = ?",
                                              [load_id]).fetchone()
        write.con.execute("""
            INSERT INTO load_undone
            SELECT *, ?, ? FROM loads WHERE load_id = ?
        """, [now(), write.user, load_id])
        write.con.execute("DELETE FROM loads WHERE load_id = ?", [load_id])
        write.audit("undo", load_id=load_id, detail={"file": file_name, "sha256": sha256,
                                                     "rows_removed": removed, "rows_restored": restored})
        if archive_dir is not None:
            write.after_commit(lambda: archive.record_undo(archive_dir, load_id, user=write.user))
    return Undone(load_id, file_name, removed, restored)


# The groups an undo would take back (the load's current group rows no later load repeated), each with
# whether an earlier version comes back (changes) or the group goes (blanks), and the indicators its
# members hold values for: the group values the peers page, the indicator page and the pack show.
_GROUP_DEPENDENTS = """
WITH taken AS (
    SELECT g.group_code, g.group_name, g.members,
           EXISTS (SELECT 1 FROM comparator_group_rows AS e WHERE e.group_code = g.group_code
                   AND e.superseded_by = $id) AS restored
    FROM comparator_group_rows AS g
    WHERE g.load_id = $id AND g.superseded_by IS NULL
      AND NOT EXISTS (SELECT 1 FROM load_reasserted_groups AS a WHERE a.group_code = g.group_code AND a.load_id > $id)
),
member AS (SELECT group_code, group_name, restored, unnest(members) AS area_code FROM taken)
SELECT o.indicator_id, i.short_name, m.group_code AS area_code, m.group_name AS area_name,
       count(DISTINCT o.period_start) AS periods, min(o.period_start) AS first_period,
       max(o.period_start) AS last_period, 'group' AS through,
       CASE WHEN m.restored THEN 'changes' ELSE 'blanks' END AS effect
FROM member AS m
JOIN observations AS o USING (area_code)
JOIN indicators AS i USING (indicator_id)
-- A member's row counts towards a group value as store.groups.group_series counts it: real, with counts.
WHERE o.numerator IS NOT NULL AND o.denominator > 0 AND o.value IS NOT NULL AND NOT coalesce(o.is_demonstration, false)
GROUP BY ALL ORDER BY min(i.display_order), area_name
"""


def undo_dependents(con, load_id: int) -> pd.DataFrame:
    """What else a load's undo would blank or change, by indicator and area (``indicator_id, short_name,
    area_code, area_name, periods, first_period, last_period, through, effect``): the values computed from
    this load's population rows (``through`` "populations"), and the comparator groups' values where the
    load stored the group (``through`` "group", ``area_code`` the group's; ``effect`` "blanks" when the
    group goes, "changes" when an earlier version of it comes back). ``frame.attrs["groups"]``: whether
    comparator groups weigh their coverage by the load's populations. Empty for a load no other figure
    depends on."""
    con = door.handle_of(con)
    frame = con.execute("""
        SELECT o.indicator_id, i.short_name, o.area_code, coalesce(a.area_name, o.area_code) AS area_name,
               count(*) AS periods, min(o.period_start) AS first_period, max(o.period_start) AS last_period,
               'populations' AS through, 'blanks or changes' AS effect
        FROM observation_rows AS o
        JOIN indicators AS i USING (indicator_id)
        JOIN population_rows AS p ON p.area_code = o.area_code AND p.year = year(o.period_start)
             AND p.age_band = i.population_age_band AND p.superseded_by IS NULL AND p.load_id = $id
        LEFT JOIN areas AS a ON a.area_code = o.area_code
        WHERE o.superseded_by IS NULL AND i.population_age_band IS NOT NULL
          AND o.denominator IS NULL AND o.value IS NULL
        GROUP BY ALL ORDER BY i.short_name, area_name
    """, {"id": load_id}).df()
    grouped = con.execute(_GROUP_DEPENDENTS, {"id": load_id}).df()
    if not grouped.empty:
        frame = grouped if frame.empty else pd.concat([frame, grouped], ignore_index=True)
    frame.attrs["groups"] = bool(con.execute(
        "SELECT count(*) FROM population_rows WHERE load_id = ? AND superseded_by IS NULL", [load_id]).fetchone()[0]
        and con.execute("SELECT count(*) FROM comparator_groups").fetchone()[0])
    return frame


# --- History -----------------------------------------------------------------------------------------


def describe(con, load_id: int) -> str | None:
    """One line naming a standing load (file, who, when, rows), for a confirmation; None if not standing."""
    row = door.handle_of(con).execute(
        "SELECT file_name, loaded_by, loaded_at, row_count FROM loads WHERE load_id = ?", [load_id]).fetchone()
    if row is None:
        return None
    file_name, loaded_by, loaded_at, row_count = row
    return f"load {load_id}, {file_name} ({row_count:,} rows), loaded by {loaded_by} on {loaded_at:%-d %b %Y %H:%M}"


def recent_loads(con, limit: int = 20) -> pd.DataFrame:
    """The latest loads, newest first, with whether each can be undone now and why not."""
    con = door.handle_of(con)
    frame = con.execute("""
        SELECT load_id, file_name, loader, row_count, loaded_at, loaded_by, is_demonstration
        FROM loads ORDER BY load_id DESC LIMIT ?
    """, [limit]).df()
    refusals = undo_refusals(con, frame["load_id"].tolist())
    frame["undo_refused"] = pd.Series([refusals[int(load_id)] for load_id in frame["load_id"]],
                                      index=frame.index, dtype=object)
    return frame


def undone_loads(con) -> pd.DataFrame:
    """Every undone load with who undid it and when, newest first."""
    return door.handle_of(con).execute("SELECT * FROM load_undone ORDER BY undone_at DESC, load_id DESC").df()


def previous_load_of(con, sha256: str) -> tuple[int, str, str] | None:
    """The latest load still in the store of the file with this sha256: (load id, by whom, when)."""
    row = door.handle_of(con).execute("SELECT load_id, loaded_by, loaded_at FROM loads WHERE sha256 = ? "
                                      "ORDER BY load_id DESC LIMIT 1", [sha256]).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]))


def standing_loads(con) -> list[archive.StandingLoad]:
    """Every load the audit records and no undo took back, in the order they were made."""
    rows = door.handle_of(con).execute("""
        SELECT a.load_id, a.user_name, a.detail FROM audit AS a
        WHERE a.action = 'load'
          AND a.load_id NOT IN (SELECT load_id FROM audit WHERE action = 'undo' AND load_id IS NOT NULL)
        ORDER BY a.audit_id
    """).fetchall()
    loads = []
    for load_id, user, detail in rows:
        entry = json.loads(detail)
        loads.append(archive.StandingLoad(int(load_id), entry["file"], entry["sha256"], entry.get("layout"), user,
                                  bool(entry.get("is_demonstration", False))))
    return loads


def checkpoint(con) -> None:
    """Write the store's log into its file (after a build or rebuild)."""
    door.handle_of(con).execute("CHECKPOINT")
