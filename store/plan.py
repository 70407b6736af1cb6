"""The improvement plan in the store: every read and write of the plan's tables.

Actions are kept in `plan_actions_t` (current state) and every change to one, including its
creation, is appended to `plan_action_history` (who, when, field, old, new). The history is
append-only: nothing here updates or deletes its rows, so no action is changed without trace.

Only analysts change actions: `add_action`, `update_action`, `close_action` and `apply_import` take
the signed-in `User` and refuse anyone else (a bare name too: plan edits come only from the
dashboard) with PermissionError before touching the store. Each
write that changes the plan also adds one line, naming the user, to the store's `audit` table.
Every write goes through the store's door (store/door.py), which checks the role, takes the write
lock and holds the transaction; `load_plan` (the build, under a system user name) writes the plan and
the demonstration actions in one.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from plan_vocabulary import COMPLETE, EDITABLE_FIELDS, recommendation_of, value_text
from store import door
from store.primitives import next_id, now
from store.roles import User, require_role

# The role a person needs to change the plan's actions (store/roles.py).
EDITOR_ROLE = "analyst"

PROJECT_COLUMNS = ["project_number", "title", "lead_officer", "strategic_outcomes", "recommendations_note",
                   "cqc_said"]
RECOMMENDATION_COLUMNS = ["ref", "project_number", "recommendation", "aim", "cqc_said", "objectives",
                          "measurable_outcomes", "cluster_table_text"]
FINDING_COLUMNS = ["finding_id", "recommendation_ref", "section", "area", "finding", "review_date",
                   "source", "link", "basis"]
LINK_COLUMNS = ["recommendation_ref", "indicator_id", "why"]


# --- Writes -----------------------------------------------------------------------------------------


def load_plan(con, *, projects: pd.DataFrame, recommendations: pd.DataFrame,
              findings: pd.DataFrame, indicator_links: pd.DataFrame,
              demonstration_actions: list[dict] | None = None, user: str) -> None:
    """Set the plan (projects, R1-R13, CQC findings, indicator links) and add demonstration actions.

    Each demonstration action is a dict with the action fields, `created_at` and `rag_history`
    (a list of (datetime, RAG)); its RAG changes are replayed through the history so that "since
    the last board" has something to show. Actions already held are kept, never replaced.
    """
    with door.writing(con, user=user, action="load the plan") as write:
        con = write.con
        _replace(con, "plan_projects", projects, PROJECT_COLUMNS)
        _replace(con, "plan_recommendations_t", recommendations, RECOMMENDATION_COLUMNS)
        _replace(con, "plan_findings", findings, FINDING_COLUMNS)
        _replace(con, "plan_indicator_links", indicator_links, LINK_COLUMNS)
        held = {ref for (ref,) in con.execute("SELECT ref FROM plan_actions_t").fetchall()}
        added = []
        for action in demonstration_actions or []:
            if action["ref"] in held:
                continue
            steps = list(action["rag_history"])
            first_when, first_rag = steps[0]
            _insert_action(con, {**action, "rag": first_rag}, user=user, when=first_when,
                           is_demonstration=True)
            for when, rag in steps[1:]:
                _change_action(con, action["ref"], {"rag": rag}, user=user, when=when)
            added.append(action["ref"])
        write.audit("plan loaded", detail={"recommendations": len(recommendations),
                                           "demonstration_actions_added": added})


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    incoming = frame.reindex(columns=columns).astype(object).where(frame.reindex(columns=columns).notna(), None)
    con.register("incoming_plan_rows", incoming)
    try:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} "
                    "FROM incoming_plan_rows")
    finally:
        con.unregister("incoming_plan_rows")


def add_action(con, action: dict, *, user: User | None,
               when: datetime | None = None) -> None:
    """Add a new action for an analyst; its creation is recorded in the history field by field."""
    require_role(user, EDITOR_ROLE)
    when = when or now()
    with door.writing(con, user=user, action="save the action", role=EDITOR_ROLE) as write:
        _insert_action(write.con, action, user=write.user, when=when, is_demonstration=False)
        _audit(write, "plan action added", when, ref=str(action["ref"]).strip())


def update_action(con, ref: str, changes: dict, *, user: User | None,
                  when: datetime | None = None) -> list[str]:
    """Change some fields of an action for an analyst; returns the fields that really changed (each
    one recorded in the history, and the change in the audit)."""
    require_role(user, EDITOR_ROLE)
    return _update(con, ref, changes, user=user, when=when or now(), action="plan action changed")


def close_action(con, ref: str, *, user: User | None, progress: str | None = None,
                 when: datetime | None = None) -> list[str]:
    """Mark an action complete (Blue) for an analyst, with an optional closing progress note."""
    require_role(user, EDITOR_ROLE)
    changes: dict = {"rag": COMPLETE}
    if progress is not None:
        changes["progress"] = progress
    return _update(con, ref, changes, user=user, when=when or now(), action="plan action closed")


def apply_import(con, incoming: pd.DataFrame, *, user: User | None,
                 when: datetime | None = None) -> dict[str, int]:
    """Add or change the actions of an imported plan for an analyst, all or nothing; returns counts of
    each. An import that changes something is one line in the audit, with the refs it touched."""
    require_role(user, EDITOR_ROLE)
    when = when or now()
    touched: dict[str, list[str]] = {"added": [], "changed": [], "unchanged": []}
    with door.writing(con, user=user, action="apply the import", role=EDITOR_ROLE) as write:
        held = {ref for (ref,) in write.con.execute("SELECT ref FROM plan_actions_t").fetchall()}
        for action in incoming.to_dict("records"):
            if action["ref"] in held:
                changed = _change_action(write.con, action["ref"], {f: action[f] for f in EDITABLE_FIELDS},
                                         user=write.user, when=when)
                touched["changed" if changed else "unchanged"].append(action["ref"])
            else:
                _insert_action(write.con, action, user=write.user, when=when, is_demonstration=False)
                touched["added"].append(action["ref"])
        if touched["added"] or touched["changed"]:
            _audit(write, "plan import applied", when, added=touched["added"], changed=touched["changed"])
    return {outcome: len(refs) for outcome, refs in touched.items()}


def _update(con, ref: str, changes: dict, *, user: User | str | None, when: datetime, action: str) -> list[str]:
    with door.writing(con, user=user, action="save the action", role=EDITOR_ROLE) as write:
        changed = _change_action(write.con, ref, changes, user=write.user, when=when)
        if changed:
            _audit(write, action, when, ref=ref, fields=changed)
    return changed


def _audit(write: door.Writing, action: str, when: datetime, **detail) -> None:
    # The action history keeps the field values; the audit says who changed the plan, when and where.
    write.audit(action, detail={"changed_at": when, **detail})


def _insert_action(con: duckdb.DuckDBPyConnection, action: dict, *, user: str, when: datetime,
                   is_demonstration: bool) -> None:
    ref = str(action["ref"]).strip()
    values = {field: value_text(field, action.get(field)) for field in EDITABLE_FIELDS}
    completed_on = when.date() if values["rag"] == COMPLETE else None
    con.execute("""
        INSERT INTO plan_actions_t (ref, recommendation_ref, description, lead, due_date, progress, rag,
                                    completed_on, is_demonstration, created_by, created_at, updated_by,
                                    updated_at)
        VALUES (?, ?, ?, ?, ?::DATE, ?, ?, ?, ?, ?, ?, ?, ?)
    """, [ref, recommendation_of(ref), values["description"], values["lead"], values["due_date"],
          values["progress"], values["rag"], completed_on, is_demonstration, user, when, user, when])
    for field in EDITABLE_FIELDS:
        if values[field] is not None:
            _append_history(con, ref, when, user, field, None, values[field])


def _change_action(con: duckdb.DuckDBPyConnection, ref: str, changes: dict, *, user: str,
                   when: datetime) -> list[str]:
    row = con.execute(f"SELECT {', '.join(EDITABLE_FIELDS)} FROM plan_actions_t WHERE ref = ?",
                      [ref]).fetchone()
    if row is None:
        raise KeyError(f"there is no action {ref}")
    held = {field: value_text(field, value) for field, value in zip(EDITABLE_FIELDS, row, strict=True)}
    changed = []
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} is not a field of an action a person can change")
        new = value_text(field, value)
        if new == held[field]:
            continue
        _append_history(con, ref, when, user, field, held[field], new)
        cast = "?::DATE" if field == "due_date" else "?"
        con.execute(f"UPDATE plan_actions_t SET {field} = {cast} WHERE ref = ?", [new, ref])
        changed.append(field)
    if "rag" in changed:
        completed_on = when.date() if value_text("rag", changes["rag"]) == COMPLETE else None
        con.execute("UPDATE plan_actions_t SET completed_on = ? WHERE ref = ?", [completed_on, ref])
    if changed:
        con.execute("UPDATE plan_actions_t SET updated_by = ?, updated_at = ? WHERE ref = ?",
                    [user, when, ref])
    return changed


def _append_history(con: duckdb.DuckDBPyConnection, ref: str, when: datetime, user: str, field: str,
                    old: str | None, new: str | None) -> None:
    con.execute("INSERT INTO plan_action_history (history_id, action_ref, changed_at, changed_by, field, "
                "old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [next_id(con, "plan_history"), ref, when, user, field, old, new])


# --- Reads --------------------------------------------------------------------------------------------


def projects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The plan's projects, in order."""
    return con.execute(f"SELECT {', '.join(PROJECT_COLUMNS)} FROM plan_projects "
                       "ORDER BY project_number").df()


def recommendations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """R1-R13 in plan order, with their project's title (the `plan_recommendations` view)."""
    return con.execute("""
        SELECT project_number, project_title, ref, recommendation, aim
        FROM plan_recommendations ORDER BY project_number, try_cast(substr(ref, 2) AS INTEGER)
    """).df()


def recommendation(con: duckdb.DuckDBPyConnection, ref: str) -> dict | None:
    """One recommendation with every field of the plan, or None."""
    frame = con.execute("""
        SELECT r.*, p.title AS project_title
        FROM plan_recommendations_t AS r LEFT JOIN plan_projects AS p USING (project_number)
        WHERE r.ref = ?
    """, [ref]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def findings(con: duckdb.DuckDBPyConnection, ref: str) -> pd.DataFrame:
    """What the CQC progress review found on a recommendation, in report order."""
    return con.execute(f"SELECT {', '.join(FINDING_COLUMNS)} FROM plan_findings "
                       "WHERE recommendation_ref = ? ORDER BY finding_id", [ref]).df()


def indicator_links(con: duckdb.DuckDBPyConnection, ref: str | None = None) -> pd.DataFrame:
    """The indicators each recommendation is meant to move, with the indicator's name and direction."""
    return con.execute("""
        SELECT l.recommendation_ref, l.indicator_id, l.why, i.name, i.short_name, i.unit,
               i.improvement_direction, i.area_relation, i.is_demonstration
        FROM plan_indicator_links AS l LEFT JOIN indicators AS i USING (indicator_id)
        WHERE ? IS NULL OR l.recommendation_ref = ?
        ORDER BY l.recommendation_ref, i.display_order
    """, [ref, ref]).df()


def actions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every action (the `plan_actions` view) with its project, in plan order."""
    return con.execute("""
        SELECT a.*, r.project_number, r.project_title
        FROM plan_actions AS a LEFT JOIN plan_recommendations AS r ON r.ref = a.recommendation_ref
        ORDER BY try_cast(substr(a.recommendation_ref, 2) AS INTEGER),
                 try_cast(split_part(a.ref, '.', 2) AS INTEGER)
    """).df()


def action_history(con: duckdb.DuckDBPyConnection, ref: str | None = None) -> pd.DataFrame:
    """The change history of one action, or of all: `history_id, action_ref, changed_at, changed_by,
    field, old_value, new_value`, oldest first."""
    return con.execute("""
        SELECT history_id, action_ref, changed_at, changed_by, field, old_value, new_value
        FROM plan_action_history WHERE ? IS NULL OR action_ref = ?
        ORDER BY changed_at, history_id
    """, [ref, ref]).df()


def leads(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every lead named on an action so far, alphabetically."""
    return [lead for (lead,) in con.execute(
        "SELECT DISTINCT lead FROM plan_actions_t WHERE lead IS NOT NULL ORDER BY lead").fetchall()]


def has_plan(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the plan's recommendations are loaded."""
    return con.execute("SELECT count(*) FROM plan_recommendations_t").fetchone()[0] > 0
