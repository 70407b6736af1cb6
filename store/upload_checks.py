"""What the upload page needs to say about a load before it is confirmed: the series stored now."""

from __future__ import annotations

import duckdb
import pandas as pd


def current_series(con: duckdb.DuckDBPyConnection, indicator_ids: list[str]) -> pd.DataFrame:
    """Per indicator and area, the current rows stored now: how many, and how many are demonstration.

    Columns `indicator_id, indicator_name, area_code, area_name, rows, demonstration_rows`.
    """
    return con.execute("""
        SELECT o.indicator_id, any_value(i.short_name) AS indicator_name, o.area_code,
               coalesce(any_value(a.area_name), o.area_code) AS area_name,
               count(*) AS rows, count(*) FILTER (WHERE l.is_demonstration) AS demonstration_rows
        FROM observation_rows AS o
        JOIN loads AS l USING (load_id)
        JOIN indicators AS i USING (indicator_id)
        LEFT JOIN areas AS a USING (area_code)
        WHERE o.superseded_by IS NULL AND list_contains(?::VARCHAR[], o.indicator_id)
        GROUP BY o.indicator_id, o.area_code
        ORDER BY o.indicator_id, o.area_code
    """, [sorted(set(indicator_ids))]).df()


def names(con: duckdb.DuckDBPyConnection, area_codes: list[str], indicator_ids: list[str]) -> tuple[dict, dict]:
    """Area names by code and indicator short names by id, for the codes and ids given."""
    areas = dict(con.execute("SELECT area_code, area_name FROM areas WHERE list_contains(?::VARCHAR[], area_code)",
                             [sorted(set(area_codes))]).fetchall())
    indicators = dict(con.execute("SELECT indicator_id, short_name FROM indicators "
                                  "WHERE list_contains(?::VARCHAR[], indicator_id)",
                                  [sorted(set(indicator_ids))]).fetchall())
    return areas, indicators
