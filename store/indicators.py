"""What the indicator, overview and about pages read, and the two things they write (events, rebase dates).

"Which area is an indicator measured for on a council's pages" (the council, or the CCG or acute
trust that serves it) has one answer, the `indicator_subjects` view (store/schema.py).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from store import door
from store.primitives import now, require_write
from store.roles import User

EVENT_COLUMNS = ["event_date", "end_date", "label", "source"]


def replace_events(con: duckdb.DuckDBPyConnection, events: pd.DataFrame) -> None:
    """Set the marked events (reference data kept under data/events.csv); inside a write through the door."""
    require_write(con)
    frame = events.reindex(columns=EVENT_COLUMNS)
    con.register("incoming_events", frame)
    try:
        con.execute("DELETE FROM events")
        con.execute("INSERT INTO events SELECT CAST(event_date AS DATE), CAST(nullif(end_date, '') AS DATE), "
                    "label, source FROM incoming_events")
    finally:
        con.unregister("incoming_events")


def events(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every marked event, oldest first."""
    return con.execute("SELECT event_date, end_date, label, source FROM events ORDER BY event_date").df()


def indicator(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict | None:
    """One indicator's definition as a dict of its columns, or None when there is no such indicator."""
    frame = con.execute("SELECT * FROM indicators WHERE indicator_id = ?", [indicator_id]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def indicator_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Indicator ids and short names in the board's order."""
    return con.execute("SELECT indicator_id, short_name, name FROM indicators ORDER BY display_order").df()


def subject_code(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str) -> str | None:
    """The code an indicator is measured for on this council's pages: the council, or its CCG or trust."""
    row = con.execute("SELECT subject_code FROM indicator_subjects WHERE area_code = ? AND indicator_id = ?",
                      [area_code, indicator_id]).fetchone()
    return row[0] if row else None


def comparators(con: duckdb.DuckDBPyConnection, indicator_id: str, exclude: str) -> pd.DataFrame:
    """Areas holding a series for the indicator, England first, then regions, then the rest by name."""
    return con.execute("""
        SELECT o.area_code, any_value(coalesce(a.area_name, o.area_code)) AS area_name,
               any_value(coalesce(a.area_type, 'unknown')) AS area_type
        FROM observations AS o LEFT JOIN areas AS a USING (area_code)
        WHERE o.indicator_id = ? AND o.area_code <> ? AND o.value IS NOT NULL
        GROUP BY o.area_code
        ORDER BY CASE WHEN any_value(a.area_type) = 'country' THEN 0
                      WHEN any_value(a.area_type) = 'region' THEN 1 ELSE 2 END, area_name
    """, [indicator_id, exclude]).df()


def region_code(con: duckdb.DuckDBPyConnection, area_code: str) -> str | None:
    """The code of the area's region when the store holds the region as an area, else None."""
    row = con.execute("""
        SELECT r.area_code FROM areas AS a JOIN areas AS r
          ON r.area_name = a.region AND r.area_type = 'region'
        WHERE a.area_code = ?
    """, [area_code]).fetchone()
    return row[0] if row else None


def rebase_dates(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str) -> pd.DataFrame:
    """The rebase dates set for one indicator and area, oldest first."""
    return con.execute("""
        SELECT rebase_date, reason, set_by, set_at FROM rebase_dates
        WHERE indicator_id = ? AND area_code = ? ORDER BY rebase_date
    """, [indicator_id, area_code]).df()


def add_rebase_date(con, *, indicator_id: str, area_code: str, rebase_date: date, reason: str,
                    user: User | str | None) -> None:
    """Store a rebase date (a new set of limits from that period) and audit who set it and why.

    Only an analyst may: a rebase changes the limits every viewer sees.
    """
    door.writer(user)
    if not reason or not reason.strip():
        raise ValueError("a rebase date needs a reason, e.g. the change in the process that it marks")
    with door.writing(con, user=user, action="set the rebase date") as write:
        # Delete then insert, not INSERT OR REPLACE: the shared store (DuckLake) has no primary keys.
        write.con.execute("DELETE FROM rebase_dates WHERE indicator_id = ? AND area_code = ? AND rebase_date = ?",
                          [indicator_id, area_code, rebase_date])
        write.con.execute("INSERT INTO rebase_dates VALUES (?, ?, ?, ?, ?, ?)",
                          [indicator_id, area_code, rebase_date, reason.strip(), write.user, now()])
        write.audit("rebase date set", detail={"indicator_id": indicator_id, "area_code": area_code,
                                               "rebase_date": str(rebase_date), "reason": reason.strip()})


def data_status(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """Per indicator: the area's latest period, when and by whom it was loaded, and what kind of data it is."""
    return con.execute("""
        WITH subject AS (
            SELECT i.*, s.subject_code AS code
            FROM indicators AS i
            LEFT JOIN indicator_subjects AS s ON s.indicator_id = i.indicator_id AND s.area_code = $area
        )
        SELECT s.indicator_id, s.short_name, s.frequency, s.publication_lag_days, s.is_proxy,
               bool_or(o.is_demonstration) AS is_demonstration,
               max(o.period_start) AS period_start, max(o.period_end) AS period_end,
               max(l.loaded_at) AS loaded_at, string_agg(DISTINCT l.loaded_by, ', ') AS loaded_by,
               string_agg(DISTINCT l.file_name, ', ') AS files
        FROM subject AS s
        LEFT JOIN observations AS o ON o.indicator_id = s.indicator_id AND o.area_code = s.code
             AND o.value IS NOT NULL
        LEFT JOIN loads AS l ON l.load_id = o.load_id
        GROUP BY ALL
        ORDER BY any_value(s.display_order)
    """, {"area": area_code}).df()


def definitions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every indicator definition, in the board's order."""
    return con.execute("SELECT * FROM indicators ORDER BY display_order").df()
