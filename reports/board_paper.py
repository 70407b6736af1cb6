"""What the board paper reads besides the assessments: signed-off commentary and last period's fifth.

For each assessment, the commentary signed off for its reporting period (the latest period it holds) by a
day, and the area's fifth among councils in the period before, so a fall into a worse fifth is an
exception (analysis/exceptions.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from analysis.assess import Assessment
from analysis.exceptions import quintile
from store import commentary
from store.as_at import NOW, AsAt
from store.assessment import council_values


def signed_off_commentary(con: duckdb.DuckDBPyConnection, assessments: Sequence[Assessment], *,
                          by: date | None = None) -> dict[str, commentary.Commentary | None]:
    """Per indicator id: the commentary signed off (by `by`) for the assessment's latest period, or None."""
    return {a.indicator_id: commentary.signed_off(con, a.indicator_id, a.area_code, a.latest.period_start, by=by)
            if a.latest is not None else None for a in assessments}


def previous_quintiles(con: duckdb.DuckDBPyConnection, assessments: Sequence[Assessment],
                       as_at: AsAt = NOW) -> dict[str, int | None]:
    """Per indicator id: the area's fifth among councils in the period before its latest (None: unknown)."""
    out: dict[str, int | None] = {}
    for a in assessments:
        out[a.indicator_id] = None
        if a.rank is None:
            continue
        valued = a.rows.loc[a.rows["value"].notna(), "period_start"].drop_duplicates().sort_values()
        if len(valued) < 2:
            continue
        before = pd.Timestamp(valued.iloc[-2])
        out[a.indicator_id] = quintile(council_values(con, a.indicator_id, before, a.area_code, as_at),
                                       a.area_code, str(a.definition["improvement_direction"]))
    return out


def commentary_line(found: commentary.Commentary | None) -> str | None:
    """What the data shows, with its owner, for the exceptions list; None without signed-off commentary."""
    if found is None:
        return None
    return found.what_data_shows + (f" (owner: {found.owner})" if found.owner else "")
