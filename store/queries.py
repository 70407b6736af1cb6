"""What the pages read. Every query takes an open connection and returns a DataFrame."""

from __future__ import annotations

import duckdb
import pandas as pd

_OVERVIEW = """
WITH subject AS (
    SELECT i.*, s.subject_code
    FROM indicators AS i
    LEFT JOIN indicator_subjects AS s ON s.indicator_id = i.indicator_id AND s.area_code = $area
),
latest AS (
    SELECT o.indicator_id, max(o.period_start) AS period_start
    FROM observations AS o JOIN subject AS s
      ON o.indicator_id = s.indicator_id AND o.area_code = s.subject_code
    WHERE o.value IS NOT NULL
    GROUP BY o.indicator_id
)
SELECT s.indicator_id, s.name, s.short_name, s.unit, s.value_kind, s.frequency, s.source,
       s.publisher, s.is_proxy, s.is_demonstration, s.caveat, s.improvement_direction,
       s.subject_code, subject_area.area_name AS subject_name,
       latest.period_start, here.period_end,
       here.value AS area_value, here.is_demonstration AS area_is_demonstration,
       here.population_note, here.loaded_at,
       benchmark.value AS benchmark_value
FROM subject AS s
LEFT JOIN latest USING (indicator_id)
LEFT JOIN areas AS subject_area ON subject_area.area_code = s.subject_code
LEFT JOIN observations AS here
       ON here.indicator_id = s.indicator_id AND here.area_code = s.subject_code
      AND here.period_start = latest.period_start
LEFT JOIN observations AS benchmark
       ON benchmark.indicator_id = s.indicator_id AND benchmark.area_code = $benchmark
      AND benchmark.period_start = latest.period_start
ORDER BY s.display_order
"""


def indicator_overview(con: duckdb.DuckDBPyConnection, area_code: str, benchmark_code: str) -> pd.DataFrame:
    """One row per indicator: the area's latest value, the benchmark's value for the same period."""
    return con.execute(_OVERVIEW, {"area": area_code, "benchmark": benchmark_code}).df()


def area_name(con: duckdb.DuckDBPyConnection, area_code: str) -> str | None:
    row = con.execute("SELECT area_name FROM areas WHERE area_code = ?", [area_code]).fetchone()
    return row[0] if row else None


def observation_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM observation_rows WHERE superseded_by IS NULL").fetchone()[0]


def indicator_series(con: duckdb.DuckDBPyConnection, indicator_id: str,
                     area_codes: list[str]) -> pd.DataFrame:
    """The stored series of one indicator for the given areas, in period order."""
    return con.execute("""
        SELECT area_code, area_name, period_start, period_end, numerator, denominator, value,
               value_note, is_demonstration
        FROM observations
        WHERE indicator_id = ? AND list_contains(?, area_code)
        ORDER BY area_code, period_start
    """, [indicator_id, area_codes]).df()


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load, newest first."""
    return con.execute("""
        SELECT load_id, file_name, loader, row_count, loaded_at, loaded_by, is_demonstration, sha256
        FROM loads ORDER BY load_id DESC
    """).df()


def table_snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every base table's full contents, for checking that a failed load changed nothing."""
    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_schema = 'main' ORDER BY table_name").fetchall()]
    return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').df() for name in tables}
