"""The improvement plan's words, in one home: RAG statuses and their meanings, the roll-up rule, the
fields of an action and the Excel columns of an action plan.

Both the store (store/plan.py) and the analysis (analysis/plan.py) use these; neither defines its own.
Plain values and small pure functions only: no store, no Streamlit.

The RAG roll-up rule (:func:`roll_up`), as shown on the plan page:

    A project's or recommendation's RAG is the worst RAG of its open actions (those not Blue):
    Red if any open action is Red, else Amber if any is Amber, else Green if any is Green, else Grey
    (every open action not started). It is Blue only when every action is complete (Blue), and
    "No actions" when it has none.

The overdue rule (:func:`status`): an action not complete whose date for completion has passed is
overdue, and an overdue action reads Red ("Red: overdue"), whatever RAG its lead last reported: it
cannot read "on track". Its reported RAG is kept and shown beside it. Roll-ups and counts use this
status, so a recommendation with one overdue action rolls up Red.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

# The plan's RAG scale, in the order the board reads it.
RAG_STATUSES = ("Red", "Amber", "Green", "Blue", "Grey")
RAG_MEANING = {
    "Red": "Red: off track",
    "Amber": "Amber: at risk",
    "Green": "Green: on track",
    "Blue": "Blue: complete",
    "Grey": "Grey: not started",
}
COMPLETE = "Blue"
NOT_STARTED = "Grey"
# An overdue action is off track, whatever RAG was last reported for it.
OVERDUE_STATUS = "Red"
OVERDUE_MEANING = "Red: overdue"
NO_ACTIONS = "No actions"
# Worst first: the roll-up takes the first of these found among the open actions.
OPEN_SEVERITY = ("Red", "Amber", "Green", "Grey")

ROLL_UP_RULE = (
    "Roll-up rule: a project's or recommendation's RAG is the worst RAG of its open actions "
    "(Red if any is Red, else Amber if any is Amber, else Green if any is Green, else Grey when no "
    "open action has started). It is Blue only when every action is complete. An action past its date "
    "for completion and not complete is overdue and counts as Red, whatever RAG was last reported for it."
)

ACTION_REF = re.compile(r"R(\d+)\.(\d+)")
# The fields of an action a person edits; each change to one of them is kept in the history.
EDITABLE_FIELDS = ("description", "lead", "due_date", "progress", "rag")
# Excel column headings of the plan's action tables, and the field each one holds.
EXCEL_COLUMNS = {
    "Ref": "ref",
    "Actions": "description",
    "Lead": "lead",
    "Date for Completion": "due_date",
    "Progress": "progress",
    "RAG": "rag",
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")


def roll_up(rags: Iterable[str]) -> str:
    """The RAG of a group of actions by the rule in the module docstring (:data:`ROLL_UP_RULE`)."""
    rags = [rag for rag in rags if isinstance(rag, str)]
    if not rags:
        return NO_ACTIONS
    open_rags = {rag for rag in rags if rag != COMPLETE}
    if not open_rags:
        return COMPLETE
    return next(rag for rag in OPEN_SEVERITY if rag in open_rags)


def status(rag: str, overdue: bool) -> str:
    """The RAG an action reads as: Red when it is overdue, else the RAG last reported for it."""
    return OVERDUE_STATUS if overdue and rag != COMPLETE else rag


def status_label(rag: str, overdue: bool) -> str:
    """How an action's status is written: "Green: on track", or "Red: overdue (reported Green)"."""
    if overdue and rag != COMPLETE:
        return OVERDUE_MEANING if rag == OVERDUE_STATUS else f"{OVERDUE_MEANING} (reported {rag})"
    return RAG_MEANING.get(rag, str(rag))


def recommendation_of(action_ref: str) -> str | None:
    """The recommendation an action ref belongs to ("R5.2" -> "R5"), or None if it is not R<n>.<k>."""
    match = ACTION_REF.fullmatch(str(action_ref).strip())
    return f"R{int(match.group(1))}" if match else None


def parse_date(value) -> date | None:
    """A date from a date, a datetime or text as the plan writes dates (2019-03-31, 31/03/2019)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def value_text(field: str, value) -> str | None:
    """How a field's value is written in the history (dates as ISO text, blanks as None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if field == "due_date":
        parsed = parse_date(value)
        return parsed.isoformat() if parsed else str(value)
    text = str(value)
    return text if text.strip() else None


def sort_refs(refs: Iterable[str]) -> list[str]:
    """Refs in plan order: R2 before R10, R5.2 before R5.10."""
    return sorted(refs, key=ref_key)


def ref_key(ref: str) -> tuple[int, ...]:
    """The numbers of a ref, for sorting in plan order (refs without numbers last)."""
    return tuple(int(part) for part in re.findall(r"\d+", str(ref))) or (10**9,)
