"""NHS trusts: catchment shares (reference data) and the trust-level reads of the "now" section."""

from __future__ import annotations

import duckdb
import pandas as pd

from store import door


def replace_catchments(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Set the share of each trust's patients from each council (reference data under data/public/)."""
    door.require_write(con)
    con.register("incoming_catchments", frame[["trust_code", "area_code", "share"]])
    try:
        con.execute("DELETE FROM trust_catchments")
        con.execute("INSERT INTO trust_catchments SELECT trust_code, area_code, share FROM incoming_catchments")
    finally:
        con.unregister("incoming_catchments")


def catchment_share(con: duckdb.DuckDBPyConnection, trust_code: str, area_code: str) -> float | None:
    """The share of the trust's patients who come from the council, or None when the lookup has none."""
    row = con.execute("SELECT share FROM trust_catchments WHERE trust_code = ? AND area_code = ?",
                      [trust_code, area_code]).fetchone()
    return float(row[0]) if row else None


def region_of(con: duckdb.DuckDBPyConnection, area_code: str) -> str | None:
    row = con.execute("SELECT region FROM areas WHERE area_code = ?", [area_code]).fetchone()
    return row[0] if row else None


def every_trust(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """Every trust's stored rows of one indicator (England's too): ``area_code, area_name, region, area_type,
    period_start, period_end, numerator, denominator, value``."""
    return con.execute("""
        SELECT o.area_code, coalesce(o.area_name, o.area_code) AS area_name, a.region, o.area_type,
               o.period_start, o.period_end, o.numerator, o.denominator, o.value
        FROM observations AS o LEFT JOIN areas AS a USING (area_code)
        WHERE o.indicator_id = ? AND o.value IS NOT NULL
        ORDER BY o.area_code, o.period_start
    """, [indicator_id]).df()
