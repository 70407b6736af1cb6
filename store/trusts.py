"""NHS trusts: catchment shares (reference data) and the trust-level reads of the "now" section."""

from __future__ import annotations

import duckdb
import pandas as pd

from store.writes import replace_reference


def replace_catchments(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Set the share of each trust's patients from each council (reference data under data/public/)."""
    replace_reference(con, "trust_catchments", frame, ["trust_code", "area_code", "share"])


def catchment_share(con: duckdb.DuckDBPyConnection, trust_code: str, area_code: str) -> float | None:
    """The share of the trust's patients who come from the council, or None when the lookup has none."""
    row = con.execute("SELECT share FROM trust_catchments WHERE trust_code = ? AND area_code = ?",
                      [trust_code, area_code]).fetchone()
    return float(row[0]) if row else None


def region_of(con: duckdb.DuckDBPyConnection, area_code: str) -> str | None:
    row = con.execute("SELECT region FROM areas WHERE area_code = ?", [area_code]).fetchone()
    return row[0] if row else None


def now_inputs(con: duckdb.DuckDBPyConnection, area_code: str, indicator_ids, observations: str = "observations"
               ) -> dict | None:
    """What the "now" section reads besides the assessments (keyword arguments of `analysis.trust_now.trust_now`
    but those): the council's acute trust, its name and NHS region, the catchment share, every trust's rows
    and the definitions; None when the council has no linked acute trust."""
    row = con.execute("SELECT linked_code FROM area_links WHERE area_code = ? AND relation = 'acute_trust'",
                      [area_code]).fetchone()
    if row is None:
        return None
    trust = row[0]
    names = con.execute("SELECT area_code, area_name FROM areas WHERE list_contains(?, area_code)",
                        [[trust, area_code]]).fetchall()
    names = dict(names)
    every = {}
    for indicator_id in indicator_ids:
        every[indicator_id] = con.execute(f"""
            SELECT o.area_code, coalesce(o.area_name, o.area_code) AS area_name, a.region, o.period_start,
                   o.period_end, o.numerator, o.denominator, o.value
            FROM {observations} AS o LEFT JOIN areas AS a USING (area_code)
            WHERE o.indicator_id = ? AND o.value IS NOT NULL
              AND o.period_start = (SELECT max(period_start) FROM {observations} AS t
                                    WHERE t.indicator_id = ? AND t.area_code = ? AND t.value IS NOT NULL)
        """, [indicator_id, indicator_id, trust]).df()
    cursor = con.execute("SELECT * FROM indicators WHERE list_contains(?, indicator_id)", [list(indicator_ids)])
    columns = [c[0] for c in cursor.description]
    definitions = {r[0]: dict(zip(columns, r, strict=True)) for r in cursor.fetchall()}
    return {"trust_code": trust, "trust_name": names.get(trust, trust), "area_name": names.get(area_code, area_code),
            "region": region_of(con, trust), "catchment_share": catchment_share(con, trust, area_code),
            "every_trust": every, "definitions": definitions}


def linked_trusts_with_data_both_sides(con: duckdb.DuckDBPyConnection, indicator_id: str, boundary) -> list[str]:
    """The councils' linked acute trusts holding rows of the indicator both before and from `boundary`."""
    return [code for (code,) in con.execute("""
        SELECT DISTINCT l.linked_code FROM area_links AS l
        WHERE l.relation = 'acute_trust'
          AND EXISTS (SELECT 1 FROM observations AS o WHERE o.indicator_id = $i AND o.area_code = l.linked_code
                      AND o.period_start < $b)
          AND EXISTS (SELECT 1 FROM observations AS o WHERE o.indicator_id = $i AND o.area_code = l.linked_code
                      AND o.period_start >= $b)
        ORDER BY 1
    """, {"i": indicator_id, "b": boundary}).fetchall()]
