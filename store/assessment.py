"""What one assessment reads: an indicator's definition and series for an area, its comparator, rebases, peers.

`analysis.assess.assess(**assessment_inputs(con, ...), today=...)` is the one way every page, export
and pack gets an indicator's verdict, so they all read the same rows. Four small queries an assessment.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store import indicators, queries
from store.as_at import NOW, AsAt, indicator_is_demonstration

# Councils are ranked within their tier: upper-tier councils (those with social care duties, who
# report delayed transfers) against each other, districts against lower-tier areas.
UPPER_TIER = ("unitary authority", "county", "metropolitan district", "London borough",
              "Welsh unitary authority", "Scottish council area")
LOWER_TIER = ("unitary authority", "non-metropolitan district", "metropolitan district", "London borough",
              "Welsh unitary authority", "Scottish council area")
COUNCIL_TYPES = tuple(dict.fromkeys(UPPER_TIER + LOWER_TIER))

_SERIES_COLUMNS = ["area_code", "period_start", "period_end", "numerator", "denominator", "value", "value_note",
                   "is_demonstration"]


def subject_of(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str) -> tuple[str, str]:
    """The code and name an indicator is measured for on this area's pages (the council, or its CCG or trust)."""
    subject = indicators.subject_code(con, indicator_id, area_code) or area_code
    return subject, queries.area_name(con, subject) or subject


def default_comparator(con: duckdb.DuckDBPyConnection, indicator_id: str, benchmark_code: str,
                       as_at: AsAt = NOW) -> str | None:
    """The benchmark (England) when the store holds its series for the indicator, else None."""
    row = con.execute(f"SELECT 1 FROM {as_at.observations} AS o WHERE indicator_id = ? AND area_code = ? "
                      "AND value IS NOT NULL LIMIT 1", [indicator_id, benchmark_code]).fetchone()
    return benchmark_code if row else None


def council_values(con: duckdb.DuckDBPyConnection, indicator_id: str, period_start, area_code: str,
                   as_at: AsAt = NOW) -> pd.DataFrame:
    """Every council of the area's tier with a value for one period: ``area_code, area_name, value``."""
    return con.execute(f"""
        WITH tier AS (
            SELECT CASE WHEN area_type = 'non-metropolitan district' THEN $lower ELSE $upper END AS types
            FROM areas WHERE area_code = $area
        )
        SELECT o.area_code, o.area_name, o.value
        FROM {as_at.observations} AS o, tier
        WHERE o.indicator_id = $indicator AND o.period_start = $period AND o.value IS NOT NULL
          AND list_contains(tier.types, o.area_type)
        ORDER BY o.area_code
    """, {"indicator": indicator_id, "period": pd.Timestamp(period_start), "area": area_code,
          "upper": list(UPPER_TIER), "lower": list(LOWER_TIER)}).df()


def assessment_inputs(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str,
                      comparator_code: str | None, *, events: pd.DataFrame | None = None,
                      as_at: AsAt = NOW) -> dict:
    """Keyword arguments for `analysis.assess.assess` (all but ``today``) from the stored rows.

    ``area_code`` is the council the page is about; proxies are read for its linked organisation.
    ``comparator_code`` None (or "") means the area is shown alone. ``events`` may be passed in by a
    page that assesses many indicators, so they are read once. ``as_at`` reads the store as it stood
    at a load and a date (store/as_at.py: a board pack); rebase dates set after that day are left out.
    """
    definition = _definition(con, indicator_id)
    if as_at.version is not None:
        definition["is_demonstration"] = indicator_is_demonstration(con, indicator_id, as_at.version)
    subject, subject_name = subject_of(con, indicator_id, area_code)
    codes = [subject] + ([comparator_code] if comparator_code else [])
    rows = con.execute(f"""
        SELECT {', '.join(_SERIES_COLUMNS)}, area_name FROM {as_at.observations} AS o
        WHERE indicator_id = ? AND list_contains(?, area_code) ORDER BY area_code, period_start
    """, [indicator_id, codes]).df()
    series = rows[rows["area_code"] == subject]
    comparator = rows[rows["area_code"] == comparator_code] if comparator_code else None
    comparator_name = (queries.area_name(con, comparator_code) or comparator_code) if comparator_code else None
    valued = series[series["value"].notna()]
    peers = (council_values(con, indicator_id, valued["period_start"].max(), subject, as_at)
             if not valued.empty else None)
    rebases = con.execute("SELECT rebase_date FROM rebase_dates WHERE indicator_id = ? AND area_code = ? "
                          "AND (? IS NULL OR set_at < ?::DATE + 1) ORDER BY rebase_date",
                          [indicator_id, subject, as_at.day, as_at.day]).fetchall()
    return {
        "definition": definition, "series": series, "area_code": subject, "area_name": subject_name,
        "comparator": comparator, "comparator_code": comparator_code or None, "comparator_name": comparator_name,
        "rebase_dates": [pd.Timestamp(when) for (when,) in rebases], "peers": peers,
        "events": indicators.events(con) if events is None else events,
    }


def _definition(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict:
    cursor = con.execute("SELECT * FROM indicators WHERE indicator_id = ?", [indicator_id])
    row = cursor.fetchone()
    if row is None:
        raise KeyError(f"there is no indicator called {indicator_id!r}")
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A token that changes with every change an assessment reads: a cache key, not a timer.

    Every write through the door is audited, so the audit's last line moves with loads, undos, rebase
    dates and plan edits; the counts catch a change made by another DuckDB client outside the door.
    """
    return "-".join(str(value) for value in con.execute("""
        SELECT (SELECT coalesce(max(audit_id), 0) FROM audit),
               (SELECT count(*) FROM observation_rows WHERE superseded_by IS NULL),
               (SELECT count(*) FROM rebase_dates), (SELECT count(*) FROM events)
    """).fetchone())
