"""The board's first table: one row per indicator, written for people, from each indicator's assessment."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.assess import Assessment
from analysis.summary import counts_line

RAG_ORDER = ("Red", "Amber", "Green", "Blue", "Grey")
# The trend line in the table shows at most this many of the latest periods (five years of months).
TREND_POINTS = 60


def data_label(assessment: Assessment) -> str:
    if assessment.is_demonstration:
        return "Demonstration data"
    if assessment.is_proxy:
        return "Proxy"
    return "Published data"


def linked_rags(rag: pd.DataFrame, indicator_id: str) -> dict[str, int]:
    """How many of the indicator's linked actions read as each RAG (``ui.plan_state.indicator_rags`` rows)."""
    # A plain pass over a few dozen rows: a pandas filter per indicator cost a millisecond each, per page run.
    return {name: count for linked, name, count in zip(rag["indicator_id"], rag["rag"], rag["actions"], strict=True)
            if linked == indicator_id}


def rag_text(rag: pd.DataFrame, indicator_id: str) -> str:
    """'2 Red, 1 Green' for the plan actions linked to the indicator, or that none are linked yet."""
    by = linked_rags(rag, indicator_id)
    if not by:
        return "No plan actions linked yet"
    return ", ".join(f"{int(by[name])} {name}" for name in RAG_ORDER if name in by)


def overview_table(assessments: Sequence[Assessment], *, area_name: str, comparator_name: str,
                   rag: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per assessment: latest period, the two values, the comparison, the icons, the plan, the data.

    What a board member reads first comes first; provenance and links follow.
    """
    rows = []
    for a in assessments:
        rows.append({
            "Indicator": a.short_name,
            "Data": data_label(a),
            "Latest period": a.period_text,
            area_name: a.value_text,
            comparator_name: a.comparator_text,
            "Unit": a.unit,
            f"Compared with {comparator_name}": a.comparison_text,
            "Variation": a.variation_text,
            "Assurance": a.assurance_text,
            "Plan actions": rag_text(rag, a.indicator_id) if rag is not None else "",
            "Open": f"indicator?indicator={a.indicator_id}",
            "Trend": a.trend[-TREND_POINTS:],
            "Data age": a.staleness.label,
            "Measured for": a.area_name,
            "Source": str(a.definition["source"]),
        })
    columns = ["Indicator", "Data", "Latest period", area_name, comparator_name, "Unit",
               f"Compared with {comparator_name}", "Variation", "Assurance", "Plan actions", "Open", "Trend",
               "Data age", "Measured for", "Source"]
    return pd.DataFrame(rows, columns=columns)


def headline(assessments: Sequence[Assessment], *, area_name: str, comparator_name: str) -> str:
    """'The six indicators: 1 improving, 1 concerning, 4 stable … against England: 1 better …'."""
    calls = [a.comparison.call for a in assessments]
    return (f"**{count_words(len(assessments))} indicators: {counts_line([a.variation_icon for a in assessments])}** "
            f"(statistical process control on {area_name}'s series). Against {comparator_name}: "
            f"{calls.count('better')} significantly better, {calls.count('similar')} similar, "
            f"{calls.count('worse')} significantly worse, {calls.count('not compared')} not compared.")


_WORDS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve")


def count_words(n: int) -> str:
    """'The six' for 6, 'The 14' past twelve: how the board's headings count indicators."""
    return f"The {_WORDS[n].lower()}" if 1 < n < len(_WORDS) else f"The {n}"
