"""The board view's content: the indicators' verdicts, the plan's RAG by project, what changed since the last board.

Pure: assessments and plan frames in, plain rows out. The page and the board pack both draw these rows,
so the screen and the papers say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis import plan as rules
from analysis.assess import Assessment
from analysis.overview import data_label, linked_rags, rag_text


@dataclass(frozen=True)
class BoardRow:
    """One indicator as the chair reads it out."""

    indicator_id: str
    name: str
    period: str
    value: str
    comparator: str
    comparison: str
    comparison_998: str
    variation_icon: str | None
    variation: str
    assurance_icon: str | None
    assurance: str
    trend: list[float]
    plan: str
    """The linked actions' roll-up RAG ("Red"), or "No actions linked"."""
    plan_detail: str
    """'2 Red, 1 Blue, 1 Grey': the linked actions by RAG."""
    data: str
    rank: str | None
    rank_position: str | None
    """'120th of 151 councils' (best first): read where no significance method applies."""
    target: float | None = None
    """The target in force for the latest period (drawn on the trend as a line), None without one."""


def board_rows(assessments: Sequence[Assessment], plan_rag: pd.DataFrame) -> list[BoardRow]:
    """One row per assessment, in the order given."""
    return [BoardRow(
        indicator_id=a.indicator_id, name=a.short_name, period=a.period_text, value=a.value_text,
        comparator=a.comparator_text, comparison=a.comparison_text, comparison_998=a.comparison_998_text,
        variation_icon=a.variation_icon, variation=a.variation_text,
        assurance_icon=a.assurance_icon, assurance=a.assurance_text, trend=a.trend[-36:],
        plan=_roll_up(plan_rag, a.indicator_id), plan_detail=rag_text(plan_rag, a.indicator_id), data=data_label(a),
        rank=(a.rank_england or a.rank).text if (a.rank_england or a.rank) else None,
        rank_position=(a.rank_england or a.rank).position_text if (a.rank_england or a.rank) else None,
        target=a.target,
    ) for a in assessments]


def rag_by_project(projects: pd.DataFrame, recommendations: pd.DataFrame, actions: pd.DataFrame,
                   as_at: date) -> pd.DataFrame:
    """RAG counts and roll-up for every project of the plan, including one with no recommendations yet.

    ``projects`` has ``project_number, title``; ``recommendations`` ``project_number, ref``; ``actions``
    ``recommendation_ref, rag, due_date``. A project without recommendations says so in its roll-up.
    """
    project_of = dict(zip(recommendations["ref"], recommendations["project_number"], strict=True))
    tagged = actions.assign(project_number=actions["recommendation_ref"].map(project_of))
    counts = rules.rag_counts(tagged, "project_number", as_at).set_index("project_number")
    rows = []
    for project in projects.sort_values("project_number").itertuples(index=False):
        n_recommendations = int((recommendations["project_number"] == project.project_number).sum())
        title = f"{project.project_number}. {_sentence_case(str(project.title))}"
        if project.project_number in counts.index:
            row = counts.loc[project.project_number]
            rows.append({"Project": title, "Recommendations": n_recommendations,
                         **{rag: int(row[rag]) for rag in rules.RAG_STATUSES},
                         "Overdue": int(row["Overdue"]), "Roll-up": row["Roll-up"]})
        else:
            rows.append({"Project": title, "Recommendations": n_recommendations,
                         **{rag: 0 for rag in rules.RAG_STATUSES}, "Overdue": 0,
                         "Roll-up": "No recommendations yet" if n_recommendations == 0 else rules.NO_ACTIONS})
    return pd.DataFrame(rows, columns=["Project", "Recommendations", *rules.RAG_STATUSES, "Overdue", "Roll-up"])


# Names that keep their capitals when the plan's upper-case titles are put in sentence case.
_PROPER_NOUNS = {"york": "York", "nhs": "NHS", "cqc": "CQC", "pbip": "PBIP"}


def _sentence_case(title: str) -> str:
    """'A SINGLE PLAN FOR CITY OF YORK' -> 'A single plan for city of York'."""
    words = title.strip().lower().split()
    words = [_PROPER_NOUNS.get(word.strip(",.;:"), word) if word.strip(",.;:") in _PROPER_NOUNS else word
             for word in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _roll_up(plan_rag: pd.DataFrame, indicator_id: str) -> str:
    linked = linked_rags(plan_rag, indicator_id)
    return rules.roll_up([name for name, count in linked.items() if count > 0]) if linked else "No actions linked"
