"""The improvement plan's rules: overdue, the RAG roll-up, "since the last board", import previews.

Pure functions on frames and plain values; nothing here reads the store or draws. The plan's words and
the roll-up rule itself live in `plan_vocabulary.py` (re-exported here), which the store uses too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd

# The plan's words have one home, shared with the store; they stay importable from here.
from plan_vocabulary import (  # noqa: F401
    ACTION_REF,
    COMPLETE,
    EDITABLE_FIELDS,
    EXCEL_COLUMNS,
    NO_ACTIONS,
    NOT_STARTED,
    OVERDUE_MEANING,
    OVERDUE_STATUS,
    RAG_MEANING,
    RAG_STATUSES,
    ROLL_UP_RULE,
    parse_date,
    recommendation_of,
    roll_up,
    sort_refs,
    status,
    status_label,
    value_text,
)
from plan_vocabulary import ref_key as _ref_key

# The partner organisations named in the plan, offered first when choosing a lead.
ORGANISATIONS = (
    "City of York Council",
    "Vale of York CCG",
    "York Teaching Hospital NHS FT",
    "Tees, Esk and Wear Valleys NHS FT",
    "York CVS (voluntary sector)",
    "Humber, Coast and Vale STP",
    "Place Based Improvement Partnership",
)


def is_overdue(rag: str, due_date: date | None, as_at: date) -> bool:
    """True when an action is not complete and its date for completion is before `as_at`.

    On the due date itself the action is not yet overdue; it becomes overdue the day after.
    """
    if due_date is None or pd.isna(due_date) or rag == COMPLETE:
        return False
    return pd.Timestamp(due_date).date() < as_at


def overdue_flags(actions: pd.DataFrame, as_at: date) -> pd.Series:
    """`is_overdue` for every row of a frame with `rag` and `due_date` columns."""
    due = pd.to_datetime(actions["due_date"])
    return (actions["rag"] != COMPLETE) & due.notna() & (due < pd.Timestamp(as_at))


def with_status(actions: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """`actions` (with `rag` and `due_date`) plus `is_overdue` on `as_at` and `status`, the RAG each reads
    as by the overdue rule (:func:`plan_vocabulary.status`): Red when overdue, else its reported RAG."""
    overdue = overdue_flags(actions, as_at)
    return actions.assign(is_overdue=overdue, status=[status(rag, bool(late)) for rag, late
                                                      in zip(actions["rag"], overdue, strict=True)])


def rag_counts(actions: pd.DataFrame, by: str, as_at: date) -> pd.DataFrame:
    """Counts of each status, the overdue count and the rolled-up RAG, one row per value of `by`.

    Counts and roll-up use each action's status on `as_at` (:func:`with_status`): an overdue action
    counts as Red, never as on track.
    """
    frame = with_status(actions, as_at)
    # One pass over plain lists: a pandas filter per group and status cost more than drawing the table.
    groups: dict = {}
    for key, state, late in zip(frame[by], frame["status"], frame["is_overdue"], strict=True):
        if not pd.isna(key):  # as groupby: an action without a `by` is in no row
            groups.setdefault(key, []).append((state, bool(late)))
    rows = []
    for key, members in groups.items():
        states = [state for state, _ in members]
        rows.append({by: key, **{rag: states.count(rag) for rag in RAG_STATUSES}, "Total": len(members),
                     "Overdue": sum(late for _, late in members), "Roll-up": roll_up(states)})
    return pd.DataFrame(rows, columns=[by, *RAG_STATUSES, "Total", "Overdue", "Roll-up"])


# How the action grid can be ordered (the page's "Order by"): the plan's own order, then what a board asks.
# "Most urgent first" reads each action's status (overdue is Red): off track, at risk, not started, on track,
# complete; within a status, the earliest date for completion first.
ACTION_ORDERS = ("Ref", "RAG, most urgent first", "Date for completion", "Lead")
_URGENCY = {"Red": 0, "Amber": 1, "Grey": 2, "Green": 3, "Blue": 4}


def ordered_actions(actions: pd.DataFrame, order: str) -> pd.DataFrame:
    """`actions` (with `ref`, and `status`, `due_date` or `lead` as `order` needs) in one of
    :data:`ACTION_ORDERS`; ties, and blank dates or leads (last), in plan order."""
    if order not in ACTION_ORDERS:
        raise ValueError(f"unknown order {order!r}; expected one of {', '.join(ACTION_ORDERS)}")
    refs = [_ref_key(ref) for ref in actions["ref"]]
    if order == "Ref":
        keys = refs
    elif order == "Lead":
        keys = [(not isinstance(lead, str), lead.casefold() if isinstance(lead, str) else "", r)
                for lead, r in zip(actions["lead"], refs, strict=True)]
    else:  # by date, within each status when most urgent first; a blank date after every date
        dates = [(True, pd.Timestamp.max) if pd.isna(d) else (False, d) for d in pd.to_datetime(actions["due_date"])]
        urgency = ([_URGENCY.get(state, len(_URGENCY)) for state in actions["status"]]
                   if order == "RAG, most urgent first" else [0] * len(refs))
        keys = list(zip(urgency, dates, refs, strict=True))
    positions = sorted(range(len(keys)), key=keys.__getitem__)
    return actions.iloc[positions]


# --- Validation of one action as a person enters it -----------------------------------------------


def validate_action(action: dict, recommendation_refs: Iterable[str]) -> list[str]:
    """Every problem with an action about to be saved, as sentences; empty when it can be saved.

    `action` has `ref`, `description`, `lead`, `due_date`, `progress`, `rag`. The description is
    required, the date must be a real date, the RAG one of :data:`RAG_STATUSES`, the lead named, and
    the ref R<n>.<k> of a recommendation the plan has.
    """
    problems = []
    ref = str(action.get("ref") or "").strip()
    recommendation = recommendation_of(ref)
    if recommendation is None:
        problems.append(f'the ref "{ref}" is not of the form R<n>.<k>, for example R5.2')
    elif recommendation not in set(recommendation_refs):
        problems.append(f'the ref "{ref}" names {recommendation}, which is not a recommendation of the plan')
    if not str(action.get("description") or "").strip():
        problems.append("the action needs a description")
    if not str(action.get("lead") or "").strip():
        problems.append("the action needs a lead (a person and organisation)")
    if action.get("rag") not in RAG_STATUSES:
        problems.append(f'the RAG "{action.get("rag")}" is not one of {", ".join(RAG_STATUSES)}')
    due = action.get("due_date")
    if due is not None and parse_date(due) is None:
        problems.append(f'the date for completion "{due}" is not a real date')
    return problems


# --- "Since the last board" ------------------------------------------------------------------------


def state_at(history: pd.DataFrame, when: datetime) -> pd.DataFrame:
    """Each action's fields as they stood at `when`, rebuilt from its change history.

    `history` has `action_ref, changed_at, field, new_value` (and a `history_id` giving the order of
    changes made in the same second). Actions created after `when` are absent.
    """
    columns = ["ref", *EDITABLE_FIELDS]
    upto = history[pd.to_datetime(history["changed_at"]) <= pd.Timestamp(when)]
    if upto.empty:
        return pd.DataFrame(columns=columns)
    order = ["changed_at", "history_id"] if "history_id" in upto else ["changed_at"]
    latest = upto.sort_values(order).groupby(["action_ref", "field"]).tail(1)
    state = latest.pivot(index="action_ref", columns="field", values="new_value")
    state = state.reindex(columns=list(EDITABLE_FIELDS)).rename_axis(None, axis=1)
    return state.rename_axis("ref").reset_index()[columns]


def since_last_board(history: pd.DataFrame, meeting: date, as_at: date) -> pd.DataFrame:
    """What changed between the board meeting on `meeting` and `as_at`, one row per change.

    `change` is one of "New action", "RAG changed", "Completed", "Became overdue". State "at the
    meeting" is the state at the end of that day. An action completed since the meeting is
    reported as both "RAG changed" and "Completed"; one whose date for completion passed since
    the meeting without it being completed "Became overdue".
    """
    before = state_at(history, datetime.combine(meeting, datetime.max.time())).set_index("ref")
    after = state_at(history, datetime.combine(as_at, datetime.max.time())).set_index("ref")
    rows = []
    for ref, now in after.iterrows():
        was = before.loc[ref] if ref in before.index else None
        due_now = parse_date(now["due_date"]) if isinstance(now["due_date"], str) else None
        overdue_now = is_overdue(now["rag"], due_now, as_at)
        if was is None:
            rows.append((ref, "New action", None, now["rag"]))
            if overdue_now:
                rows.append((ref, "Became overdue", None, now["due_date"]))
            continue
        if was["rag"] != now["rag"]:
            rows.append((ref, "RAG changed", was["rag"], now["rag"]))
            if now["rag"] == COMPLETE:
                rows.append((ref, "Completed", was["rag"], now["rag"]))
        due_then = parse_date(was["due_date"]) if isinstance(was["due_date"], str) else None
        if overdue_now and not is_overdue(was["rag"], due_then, meeting):
            rows.append((ref, "Became overdue", was["due_date"], now["due_date"]))
    result = pd.DataFrame(rows, columns=["ref", "change", "from", "to"])
    return result.sort_values(["ref", "change"], key=_ref_sort_key).reset_index(drop=True)


# The kinds of change "since the last board" reports, in the order the board reads them.
CHANGE_KINDS = ("RAG changed", "Completed", "Became overdue", "New action")


def change_counts(since: pd.DataFrame) -> dict[str, int]:
    """How many changes of each kind in :data:`CHANGE_KINDS` a :func:`since_last_board` frame holds."""
    return {change: int((since["change"] == change).sum()) for change in CHANGE_KINDS}


def changes_line(since: pd.DataFrame) -> str:
    """'3 RAG changes, 1 completed, 2 became overdue, 0 new actions' from :func:`since_last_board`."""
    count = change_counts(since)
    return (f"{count['RAG changed']} RAG {'change' if count['RAG changed'] == 1 else 'changes'}, "
            f"{count['Completed']} completed, {count['Became overdue']} became overdue, "
            f"{count['New action']} new {'action' if count['New action'] == 1 else 'actions'}")


def rag_timeline(history: pd.DataFrame, ref: str) -> pd.DataFrame:
    """One action's RAG over time: `changed_at, changed_by, old_value, new_value`, oldest first."""
    rows = history[(history["action_ref"] == ref) & (history["field"] == "rag")]
    order = ["changed_at", "history_id"] if "history_id" in rows else ["changed_at"]
    return rows.sort_values(order)[["changed_at", "changed_by", "old_value", "new_value"]].reset_index(
        drop=True)


# --- Import preview --------------------------------------------------------------------------------


def import_preview(incoming: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """What applying an imported action plan would change, one row per changed field.

    `incoming` and `current` both have `ref` and the :data:`EDITABLE_FIELDS`. Rows: `ref, change,
    field, old_value, new_value`, where `change` is "new action" or "changed". Actions held but
    absent from the workbook are left as they are and not listed; unchanged actions are not listed.
    """
    held = current.set_index("ref") if len(current) else pd.DataFrame(columns=list(EDITABLE_FIELDS))
    rows = []
    for _, action in incoming.iterrows():
        ref = action["ref"]
        for field in EDITABLE_FIELDS:
            new = value_text(field, action[field])
            if ref not in held.index:
                if new is not None:
                    rows.append((ref, "new action", field, None, new))
                continue
            old = value_text(field, held.at[ref, field])
            if old != new:
                rows.append((ref, "changed", field, old, new))
    return pd.DataFrame(rows, columns=["ref", "change", "field", "old_value", "new_value"])


def _ref_sort_key(column: pd.Series) -> pd.Series:
    if column.name == "ref":
        return column.map(_ref_key)
    return column


# --- Export for board papers -----------------------------------------------------------------------

DEMONSTRATION_LABEL = "Demonstration data"


def demonstration_labels(actions: pd.DataFrame) -> pd.Series:
    """Each action's Data cell: "Demonstration data" for an invented action, blank for a real one."""
    return actions["is_demonstration"].map({True: DEMONSTRATION_LABEL, False: ""})


def export_frame(actions: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """The action plan as the board sees it: the plan's Excel columns first, then status columns.

    Importing this frame's first six columns back changes nothing (the export round-trip).
    """
    frame = pd.DataFrame({heading: actions[field] for heading, field in EXCEL_COLUMNS.items()})
    frame["Date for Completion"] = pd.to_datetime(frame["Date for Completion"]).dt.date
    frame["Recommendation"] = actions["recommendation_ref"]
    frame["Overdue"] = overdue_flags(actions, as_at).map({True: "Overdue", False: ""})
    frame["Updated by"] = actions["updated_by"]
    frame["Updated at"] = pd.to_datetime(actions["updated_at"])
    frame["Data"] = demonstration_labels(actions)
    return frame.reset_index(drop=True)


def completion_events(actions: pd.DataFrame) -> pd.DataFrame:
    """Completed actions as chart events (``event_date, end_date, label``): "R10.1 complete" on its date."""
    done = actions.dropna(subset=["completed_on"]) if "completed_on" in actions else actions.iloc[0:0]
    return pd.DataFrame({"event_date": pd.to_datetime(done["completed_on"]).to_numpy(), "end_date": None,
                         "label": [f"{ref} complete" for ref in done["ref"]]},
                        columns=["event_date", "end_date", "label"])
