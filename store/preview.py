"""What a load would change before it is confirmed, and taking a confirmed load back.

`preview_observations` / `preview_populations` compare an extract's rows with the current stored rows,
by the same rules `store.writes` applies when storing, so the preview's counts are the load's counts:
each key (indicator, area, period start; or area, year, age band) is *added* (nothing stored),
*changed* (stored, with different values: old and new are both shown) or *unchanged*.

`undo_load` takes a load back in one transaction: its rows go, the rows it superseded become current
again, the indicator flags and areas it changed are restored, and its `loads` record moves to
`load_undone`, so every table except the audit trail and `load_undone` is exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from store import writes

_INCOMING_OBSERVATIONS = """
CREATE OR REPLACE TEMP TABLE preview_observations AS
SELECT indicator_id::VARCHAR AS indicator_id, area_code::VARCHAR AS area_code,
       period_start::DATE AS period_start, period_end::DATE AS period_end,
       numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator,
       value::DOUBLE AS value, value_note::VARCHAR AS value_note
FROM preview_observations_df
"""

# The stored row a new row is compared with. A real load retires every demonstration row of its
# indicators first (store.writes.store_observations), so for a real load those rows count as absent.
_OBSERVATION_DETAIL = """
WITH current_rows AS (
    SELECT o.*, l.is_demonstration AS is_demo
    FROM observation_rows AS o JOIN loads AS l USING (load_id)
    WHERE o.superseded_by IS NULL
      AND o.indicator_id IN (SELECT DISTINCT indicator_id FROM preview_observations)
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
       x.old_value_note, x.value_note AS new_value_note, x.replaces_demonstration
FROM compared AS x
JOIN indicators AS i USING (indicator_id)
LEFT JOIN current_populations AS p
       ON p.area_code = x.area_code AND p.year = year(x.period_start) AND p.age_band = i.population_age_band
ORDER BY x.indicator_id, x.area_code, x.period_start
"""

_RETIRED_DEMONSTRATION = """
SELECT o.indicator_id, o.area_code, count(*) AS demonstration_retired
FROM observation_rows AS o JOIN loads AS l USING (load_id)
WHERE o.superseded_by IS NULL AND l.is_demonstration AND NOT $is_demonstration
  AND o.indicator_id IN (SELECT DISTINCT indicator_id FROM preview_observations)
GROUP BY ALL
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

STATUSES = ("added", "changed", "unchanged")


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
        statuses = pd.concat([self.observations["status"], self.populations["status"]])
        tally = statuses.value_counts()
        return writes.RowCounts(*(int(tally.get(status, 0)) for status in STATUSES))

    @property
    def periods(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The first period start and the last period end the file covers (None without observations)."""
        if self.observations.empty:
            return None
        return self.observations["period_start"].min(), self.observations["period_end"].max()


def store_version(con: duckdb.DuckDBPyConnection) -> str:
    """A token that changes whenever a load is stored or undone."""
    latest, undone = con.execute("""
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
    frame = (observations if observations is not None else pd.DataFrame()).reindex(
        columns=writes.OBSERVATION_COLUMNS)
    con.register("preview_observations_df", frame)
    try:
        con.execute(_INCOMING_OBSERVATIONS)
    finally:
        con.unregister("preview_observations_df")
    try:
        detail = con.execute(_OBSERVATION_DETAIL, {"is_demonstration": is_demonstration}).df()
        retired = con.execute(_RETIRED_DEMONSTRATION, {"is_demonstration": is_demonstration}).df()
    finally:
        con.execute("DROP TABLE IF EXISTS preview_observations")
    keys = ["indicator_id", "area_code"]
    if detail.empty:
        summary = pd.DataFrame(columns=[*keys, *STATUSES, "demonstration_retired", "first_period",
                                        "last_period"])
        return detail, summary
    periods = detail.groupby(keys).agg(first_period=("period_start", "min"), last_period=("period_end", "max"))
    summary = _tally(detail, keys).join(retired.set_index(keys), how="outer").join(periods)
    summary["demonstration_retired"] = summary["demonstration_retired"].fillna(0).astype(int)
    summary[list(STATUSES)] = summary[list(STATUSES)].fillna(0).astype(int)
    return detail, summary.reset_index()


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


def preview(con: duckdb.DuckDBPyConnection, observations: pd.DataFrame | None,
            populations: pd.DataFrame | None, *, is_demonstration: bool = False) -> Preview:
    """What storing these rows would add, change and leave as it is, read in one consistent snapshot."""
    con.execute("BEGIN TRANSACTION")
    try:
        version = store_version(con)
        detail, summary = preview_observations(con, observations, is_demonstration=is_demonstration)
        population_detail, population_summary = preview_populations(con, populations)
    finally:
        con.execute("ROLLBACK")
    return Preview(detail, summary, population_detail, population_summary, version)


# --- Undo ----------------------------------------------------------------------------------------

class UndoRefused(Exception):
    """A load that cannot be taken back safely; the message says why in one sentence."""


def record_prior_state(con: duckdb.DuckDBPyConnection, load_id: int, indicator_ids: list[str],
                       areas: pd.DataFrame | None) -> None:
    """Keep what a load is about to change outside the versioned rows, so undo can restore it."""
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


def undo_refusal(con: duckdb.DuckDBPyConnection, load_id: int) -> str | None:
    """Why the load cannot be undone now (one sentence), or None when it can."""
    if con.execute("SELECT 1 FROM load_undone WHERE load_id = ?", [load_id]).fetchone():
        return f"Load {load_id} has already been undone."
    if not con.execute("SELECT 1 FROM loads WHERE load_id = ?", [load_id]).fetchone():
        return f"There is no load {load_id}."
    later = con.execute("""
        SELECT min(superseded_by) FROM (
            SELECT superseded_by FROM observation_rows WHERE load_id = $id AND superseded_by <> $id
            UNION ALL
            SELECT superseded_by FROM population_rows WHERE load_id = $id AND superseded_by <> $id)
    """, {"id": load_id}).fetchone()[0]
    if later is not None:
        return (f"Load {load_id} cannot be undone because load {later} has since replaced some of its "
                f"rows; undo load {later} first.")
    used = con.execute("""
        SELECT min(o.load_id) FROM load_prior_areas AS p
        JOIN observation_rows AS o ON o.area_code = p.area_code
        WHERE p.load_id = $id AND NOT p.existed AND o.load_id <> $id
    """, {"id": load_id}).fetchone()[0]
    if used is not None:
        return (f"Load {load_id} cannot be undone because load {used} uses areas it added; "
                f"undo load {used} first.")
    return None


def undo_load(con: duckdb.DuckDBPyConnection, load_id: int, *, user: str) -> writes.RowCounts:
    """Take a load back, exactly, in one transaction; raises UndoRefused with the reason when unsafe.

    Returns how many rows were removed (`added`) and made current again (`changed`).
    """
    if not user or not user.strip():
        raise ValueError("an undo must name the user who made it")
    con.execute("BEGIN TRANSACTION")
    try:
        reason = undo_refusal(con, load_id)
        if reason:
            raise UndoRefused(reason)
        removed = 0
        restored = 0
        for table in ("observation_rows", "population_rows"):
            removed += con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id]).fetchone()[0]
            restored += con.execute(f"UPDATE {table} SET superseded_by = NULL WHERE superseded_by = ?",
                                    [load_id]).fetchone()[0]
        con.execute("""
            UPDATE indicators AS i SET is_demonstration = p.is_demonstration
            FROM load_prior_indicators AS p
            WHERE p.load_id = ? AND p.indicator_id = i.indicator_id
        """, [load_id])
        con.execute("""
            UPDATE areas AS a SET region = p.region FROM load_prior_areas AS p
            WHERE p.load_id = ? AND p.existed AND p.area_code = a.area_code
        """, [load_id])
        con.execute("""
            DELETE FROM areas WHERE area_code IN
                (SELECT area_code FROM load_prior_areas WHERE load_id = ? AND NOT existed)
        """, [load_id])
        con.execute("DELETE FROM load_prior_indicators WHERE load_id = ?", [load_id])
        con.execute("DELETE FROM load_prior_areas WHERE load_id = ?", [load_id])
        file_name, sha256 = con.execute("""
            INSERT INTO load_undone
            SELECT *, ?, ? FROM loads WHERE load_id = ? RETURNING file_name, sha256
        """, [writes.now(), user, load_id]).fetchone()
        con.execute("DELETE FROM loads WHERE load_id = ?", [load_id])
        writes.append_audit(con, user=user, action="undo", load_id=load_id,
                            detail={"file": file_name, "sha256": sha256, "rows_removed": removed,
                                    "rows_restored": restored})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return writes.RowCounts(added=removed, changed=restored)


def recent_loads(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The latest loads, newest first, with whether each can be undone now and why not."""
    frame = con.execute("""
        SELECT load_id, file_name, loader, row_count, loaded_at, loaded_by, is_demonstration
        FROM loads ORDER BY load_id DESC LIMIT ?
    """, [limit]).df()
    frame["undo_refused"] = pd.Series([undo_refusal(con, int(load_id)) for load_id in frame["load_id"]],
                                      index=frame.index, dtype=object)
    return frame


def undone_loads(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every undone load with who undid it and when, newest first."""
    return con.execute("SELECT * FROM load_undone ORDER BY undone_at DESC, load_id DESC").df()
