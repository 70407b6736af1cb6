"""What the pages read. Every query takes an open connection and returns a DataFrame."""

from __future__ import annotations

import duckdb
import pandas as pd


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
        "AND table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name").fetchall()]
    return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').df() for name in tables}
