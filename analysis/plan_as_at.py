"""The improvement plan as it stood on a day, for a board pack made "as at" a board date.

The store keeps each action's current state and every change to it (`plan_action_history`: field, old,
new, when). A board on a past date saw the actions that existed by the end of that day, each field as
its last change by then left it; overdue is counted on that day. Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from analysis.plan import (
    COMPLETE,
    EDITABLE_FIELDS,
    change_counts,
    changes_line,
    since_last_board,
    state_at,
    with_status,
)

# With no marked event before the board date, "since the previous board" looks back one quarter.
DEFAULT_BOARD_INTERVAL = timedelta(days=90)


def actions_as_at(actions: pd.DataFrame, history: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """`actions` (``store.plan.actions``) as they stood at the end of `as_at`, with `is_overdue` on that day.

    Actions created later are left out; each editable field, `updated_by`/`updated_at` and `completed_on`
    are rebuilt from `history` (``store.plan.action_history``). The row order of `actions` is kept.
    """
    end_of_day = datetime.combine(as_at, datetime.max.time())
    state = state_at(history, end_of_day).set_index("ref")
    frame = actions[actions["ref"].isin(state.index)].copy()
    if frame.empty:
        # A day before the plan's first action: nothing to rebuild (and mapping an empty column by a
        # frame of timestamps is refused by pandas).
        return with_status(frame, as_at).reset_index(drop=True)
    for field in EDITABLE_FIELDS:
        held = frame["ref"].map(state[field])
        frame[field] = (pd.to_datetime(held) if field == "due_date" else held).astype(actions[field].dtype)
    upto = history[pd.to_datetime(history["changed_at"]) <= pd.Timestamp(end_of_day)]
    last = upto.sort_values(["changed_at", "history_id"]).groupby("action_ref").tail(1).set_index("action_ref")
    frame["updated_by"] = frame["ref"].map(last["changed_by"])
    frame["updated_at"] = frame["ref"].map(last["changed_at"])
    completions = upto[(upto["field"] == "rag") & (upto["new_value"] == COMPLETE)]
    completed = {ref: pd.Timestamp(when).normalize()
                 for ref, when in completions.groupby("action_ref")["changed_at"].max().items()}
    frame["completed_on"] = pd.to_datetime(pd.Series(
        [completed.get(ref) if rag == COMPLETE else None for ref, rag in zip(frame["ref"], frame["rag"], strict=True)],
        index=frame.index, dtype=object)).astype(actions["completed_on"].dtype)
    return with_status(frame, as_at).reset_index(drop=True)


def indicator_rag(links: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """Per indicator, how many linked actions read as each RAG: ``indicator_id, rag, actions``.

    `links` has ``recommendation_ref, indicator_id`` (``store.plan.indicator_links``); `actions` has the
    `status` of :func:`analysis.plan.with_status` (an overdue action counts as Red), or only `rag`.
    """
    column = "status" if "status" in actions else "rag"
    linked = links[["recommendation_ref", "indicator_id"]].merge(
        actions[["recommendation_ref", column]].rename(columns={column: "rag"}), on="recommendation_ref")
    counts = linked.groupby(["indicator_id", "rag"]).size().rename("actions").reset_index()
    return counts.sort_values(["indicator_id", "rag"]).reset_index(drop=True)


def previous_board(events: pd.DataFrame, as_at: date, chosen: date | None = None) -> tuple[date, str | None]:
    """The board before `as_at` and its label: `chosen` when given, else the last marked event before the
    day (as the board view takes it), else one quarter back (no label)."""
    if chosen is not None:
        return chosen, None
    before = events[pd.to_datetime(events["event_date"]).dt.date < as_at]
    if before.empty:
        return as_at - DEFAULT_BOARD_INTERVAL, None
    return pd.Timestamp(before["event_date"].iloc[-1]).date(), str(before["label"].iloc[-1])


@dataclass(frozen=True)
class SinceBoard:
    """What changed in the plan between the previous board and a day: the one answer every page and the
    board pack give for the same day."""

    meeting: date
    """The previous board's date."""
    label: str | None
    """The marked event standing for that board, when one does."""
    as_at: date
    changes: pd.DataFrame
    """``analysis.plan.since_last_board``: one row per change."""

    @property
    def counts(self) -> dict[str, int]:
        return change_counts(self.changes)

    @property
    def line(self) -> str:
        return changes_line(self.changes)

    @property
    def heading(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"since the board on {self.meeting:%-d %B %Y}{label}"


def since_board(history: pd.DataFrame, events: pd.DataFrame, as_at: date,
                chosen: date | None = None) -> SinceBoard:
    """The plan's changes since the previous board (:func:`previous_board`: `chosen`, else the last marked
    event before `as_at`, else one quarter back) up to the end of `as_at`."""
    meeting, label = previous_board(events, as_at, chosen)
    return SinceBoard(meeting, label, as_at, since_last_board(history, meeting, as_at))
