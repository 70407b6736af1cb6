"""The pack's tables as headings and rows of text, once for both formats.

The PDF and the slides draw these same cells, so the two cannot word a figure differently. Every cell
is text the assessment or the plan already gives (``Assessment.value_text``, the RAG word …).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.plan import RAG_STATUSES
from reports.board_pack import BoardPack, IndicatorPage, PlanSection

OVERDUE_WORD = "Overdue"


@dataclass(frozen=True)
class Table:
    """Column headings and rows of cell text; `rag_column` names the column whose cells are RAG words."""

    headings: list[str]
    rows: list[list[str]]
    rag_column: int | None = None


def data_status(pack: BoardPack) -> Table:
    """The cover's data status: latest period and kind of data per indicator."""
    return Table(["Indicator", "Latest period", "Data"], [[row.name, row.period, row.data] for row in pack.rows])


SUMMARY_HEADINGS = ["Indicator", "Period", "Value", "Comparator", "95%", "99.8%", "Variation", "Assurance", "Plan"]


def summary(pack: BoardPack) -> Table:
    """The summary matrix: value, comparator, comparison at 95% and 99.8%, icons' words, linked plan RAG."""
    return Table(SUMMARY_HEADINGS, [
        [row.name, row.period, row.value, row.comparator, row.comparison, row.comparison_998, row.variation,
         row.assurance, row.plan] for row in pack.rows], rag_column=SUMMARY_HEADINGS.index("Plan"))


def now(section) -> Table:
    """The "now" page: the trust's latest month on each measure, England, the region, the funnel, the icons' words."""
    return Table(section.headings, section.table_rows())


def linked_actions(page: IndicatorPage) -> Table:
    return _actions(page.actions)


def overdue(plan: PlanSection) -> Table:
    return _actions(plan.overdue)


def by_project(plan: PlanSection) -> Table:
    frame = plan.by_project
    return Table(["Project", "Recs", *RAG_STATUSES, OVERDUE_WORD, "RAG"],
                 [[str(v) for v in row] for row in frame.itertuples(index=False)], rag_column=8)


def by_recommendation(plan: PlanSection) -> Table:
    frame = plan.by_recommendation
    return Table(["Rec", "Recommendation", *RAG_STATUSES, OVERDUE_WORD, "RAG"], [
        [row["recommendation_ref"], str(row["recommendation"]), *(str(row[r]) for r in RAG_STATUSES),
         str(row["Overdue"]), row["Roll-up"]] for _, row in frame.iterrows()], rag_column=8)


def changes(plan: PlanSection) -> Table:
    return Table(["Action", "Change", "From", "To"], [
        [row["ref"], row["change"], _text(row["from"]), _text(row["to"])] for _, row in plan.changes.iterrows()])


def sources(pack: BoardPack) -> Table:
    return Table(["Indicator", "Source", "Publisher", "Periods", "Data"],
                 [[s.indicator, s.source, s.publisher, s.periods, s.data] for s in pack.sources])


def _actions(frame: pd.DataFrame) -> Table:
    """Actions with the RAG each reads as (Red when overdue) and, for an overdue one, the RAG last reported."""
    return Table(["Ref", "Action", "Lead", "Due", "RAG", "Overdue"], [
        [row["ref"], str(row["description"]), _text(row["lead"]), _date(row["due_date"]), row["status"],
         _overdue_text(row)] for _, row in frame.iterrows()], rag_column=4)


def _overdue_text(row) -> str:
    if not row["is_overdue"]:
        return ""
    return OVERDUE_WORD if row["rag"] == row["status"] else f"{OVERDUE_WORD} (reported {row['rag']})"


def _date(value) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%-d %b %Y}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

