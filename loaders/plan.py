"""The improvement plan: data/plan/*.csv, the demonstration actions, and action plan workbooks.

`load_plan_data(con)` loads the plan (projects, R1-R13, CQC progress findings, indicator links) and
the demonstration actions; `read_action_workbook(...)` reads an Excel action plan with the plan's
columns (`Ref, Actions, Lead, Date for Completion, Progress, RAG`), on one sheet or one sheet per
recommendation, and either returns every action or raises one LoadError naming the file, sheet, row
and column of the first problem. Nothing is stored by reading a workbook.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from loaders.errors import LoadError
from plan_vocabulary import EXCEL_COLUMNS, RAG_STATUSES, parse_date, recommendation_of, sort_refs
from store import plan as plan_store
from store.settings import PROJECT_ROOT

PLAN_DIR = PROJECT_ROOT / "data" / "plan"
DEMONSTRATION_ACTIONS = PROJECT_ROOT / "data" / "demonstration" / "plan_actions_demonstration.csv"
# Who made the invented actions, as the plan history says it: words, not the module that invents them.
DEMONSTRATION_USER = "Demonstration data (invented)"
# How far down a sheet to look for the header row (action plans often have a title above it).
HEADER_SEARCH_ROWS = 10


def load_plan_data(con, *, user: str, demonstration_actions: Path | None = DEMONSTRATION_ACTIONS) -> None:
    """Load data/plan/ and (unless None) the demonstration actions into the store, in one transaction."""
    text = {"dtype": str, "keep_default_na": False}
    projects = pd.read_csv(PLAN_DIR / "projects.csv", **text)
    projects["project_number"] = projects["project_number"].astype(int)
    recommendations = pd.read_csv(PLAN_DIR / "recommendations.csv", **text)
    recommendations["project_number"] = recommendations["project_number"].astype(int)
    findings = pd.read_csv(PLAN_DIR / "cqc_progress_findings.csv", **text)
    findings["review_date"] = pd.to_datetime(findings["review_date"]).dt.date
    links = pd.read_csv(PLAN_DIR / "indicator_links.csv", **text)
    for frame in (projects, recommendations, findings, links):
        frame.replace("", None, inplace=True)
    actions = read_demonstration_actions(demonstration_actions) if demonstration_actions else []
    plan_store.load_plan(con, projects=projects, recommendations=recommendations, findings=findings,
                         indicator_links=links, demonstration_actions=actions, user=DEMONSTRATION_USER
                         if actions else user)


def read_demonstration_actions(path: Path) -> list[dict]:
    """The demonstration actions CSV as action dicts, each with its `rag_history` as (datetime, RAG)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    actions = []
    for row_number, row in enumerate(frame.to_dict("records"), start=2):
        steps = []
        for step in row.pop("rag_history").split(";"):
            day, _, rag = step.strip().partition(" ")
            if rag not in RAG_STATUSES or parse_date(day) is None:
                raise LoadError(f'"{step.strip()}" is not "YYYY-MM-DD RAG"', file=path.name, row=row_number,
                                column="rag_history")
            steps.append((datetime.combine(parse_date(day), datetime.min.time()).replace(hour=9), rag))
        actions.append({**row, "rag_history": steps})
    return actions


def read_action_workbook(source: Path | bytes, *, file_name: str,
                         recommendation_refs: set[str]) -> pd.DataFrame:
    """Every action in an action plan workbook: `ref, description, lead, due_date, progress, rag`.

    Each sheet that has a header row with the plan's columns is read; a sheet with none of them is
    skipped, and a sheet with some but not all is an error. Rows with every cell blank are skipped.
    Raises LoadError for a missing column, an unknown RAG, an impossible date, a duplicate ref (on any
    sheet) or a ref naming no recommendation of the plan.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise LoadError(f"is not an Excel .xlsx workbook ({error})", file=file_name) from error
    rows, seen = [], {}
    try:
        for sheet in workbook.worksheets:
            rows.extend(_read_sheet(sheet, file_name, recommendation_refs, seen))
    finally:
        workbook.close()
    if not rows:
        raise LoadError("has no sheet with the action plan's columns ("
                        + ", ".join(EXCEL_COLUMNS) + ")", file=file_name)
    frame = pd.DataFrame(rows, columns=list(EXCEL_COLUMNS.values()))
    order = {ref: i for i, ref in enumerate(sort_refs(frame["ref"]))}
    return frame.sort_values("ref", key=lambda refs: refs.map(order)).reset_index(drop=True)


def _read_sheet(sheet, file_name: str, recommendation_refs: set[str], seen: dict) -> list[dict]:
    cells = list(sheet.iter_rows(values_only=True))
    header_at, positions = None, {}
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        names = {str(value).strip(): col for col, value in enumerate(row) if value is not None}
        found = {heading: names[heading] for heading in EXCEL_COLUMNS if heading in names}
        if len(found) >= 2 and "Ref" in found:
            header_at, positions = index, found
            break
    if header_at is None:
        return []
    missing = [heading for heading in EXCEL_COLUMNS if heading not in positions]
    if missing:
        raise LoadError(f'has no "{missing[0]}" column (the plan\'s columns are '
                        + ", ".join(EXCEL_COLUMNS) + ")", file=file_name, sheet=sheet.title,
                        row=header_at + 1, column=missing[0])
    actions = []
    for index, row in enumerate(cells[header_at + 1:], start=header_at + 2):
        values = {heading: (row[col] if col < len(row) else None) for heading, col in positions.items()}
        if all(value is None or str(value).strip() == "" for value in values.values()):
            continue
        actions.append(_read_action(values, file_name, sheet.title, index, recommendation_refs, seen))
    return actions


def _read_action(values: dict, file_name: str, sheet: str, row: int, recommendation_refs: set[str],
                 seen: dict) -> dict:
    def fail(column: str, reason: str) -> LoadError:
        return LoadError(reason, file=file_name, sheet=sheet, row=row, column=column)

    ref = _text(values["Ref"])
    recommendation = recommendation_of(ref or "")
    if recommendation is None:
        raise fail("Ref", f'"{ref or ""}" is not an action ref of the form R<n>.<k>, for example R5.2')
    if recommendation not in recommendation_refs:
        raise fail("Ref", f'"{ref}" names {recommendation}, which is not a recommendation of the plan')
    if ref in seen:
        raise fail("Ref", f'"{ref}" appears twice (also sheet "{seen[ref][0]}" row {seen[ref][1]})')
    seen[ref] = (sheet, row)
    description = _text(values["Actions"])
    if description is None:
        raise fail("Actions", f"action {ref} has no description")
    rag = _text(values["RAG"])
    matches = [status for status in RAG_STATUSES if rag and status.lower() == rag.lower()]
    if not matches:
        raise fail("RAG", f'"{rag or ""}" is not a RAG status (one of {", ".join(RAG_STATUSES)})')
    raw_date = values["Date for Completion"]
    due = None
    if raw_date is not None and str(raw_date).strip():
        due = parse_date(raw_date)
        if due is None:
            raise fail("Date for Completion", f'"{raw_date}" is not a real date')
    return {"ref": ref, "description": description, "lead": _text(values["Lead"]), "due_date": due,
            "progress": _text(values["Progress"]), "rag": matches[0]}


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def write_action_workbook(plan: pd.DataFrame, *, title: str,
                          since: pd.DataFrame | None = None) -> bytes:
    """An .xlsx for board papers: sheet "Action plan" (a title row, then the plan's columns) and,
    when given, sheet "Since last board". `read_action_workbook` reads it back unchanged."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame([[title]]).to_excel(writer, sheet_name="Action plan", header=False, index=False)
        plan.to_excel(writer, sheet_name="Action plan", startrow=1, index=False)
        if since is not None:
            since.to_excel(writer, sheet_name="Since last board", index=False)
    return buffer.getvalue()
