"""The plan as the pages read it today: each action's status by the overdue rule, and per-indicator RAG.

Every page that shows a plan RAG asks here, so the overview, the board view and the plan page count the
same actions the same way (an overdue action is Red, never on track) for the same day.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analysis import plan as rules
from analysis.plan_as_at import SinceBoard, indicator_rag, since_board
from store import indicators as store_indicators
from store import plan
from ui import context


def actions(as_at: date) -> pd.DataFrame:
    """Today's actions with `is_overdue` on `as_at` and the `status` each reads as."""
    return context.keep(("actions_with_status", as_at), lambda: rules.with_status(context.kept(plan.actions), as_at))


def indicator_rags(as_at: date) -> pd.DataFrame:
    """Per indicator, how many linked actions read as each RAG on `as_at` (empty without a plan)."""
    return context.kept(_indicator_rags, as_at)


def _indicator_rags(con: duckdb.DuckDBPyConnection, as_at: date) -> pd.DataFrame:
    if not plan.has_plan(con):
        return pd.DataFrame(columns=["indicator_id", "rag", "actions"])
    return indicator_rag(plan.indicator_links(con), rules.with_status(plan.actions(con), as_at))


def since_previous_board(as_at: date, chosen: date | None = None) -> SinceBoard:
    """What changed since the previous board, as the board view, the plan page and the pack all say it."""
    return context.kept(_since_board, as_at, chosen)


def _since_board(con: duckdb.DuckDBPyConnection, as_at: date, chosen: date | None) -> SinceBoard:
    # Kept whole: replaying every action's history to the board date costs more than reading it.
    return since_board(plan.action_history(con), store_indicators.events(con), as_at, chosen)
