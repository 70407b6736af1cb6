"""Areas × indicators: each cell is that area's assessment for that indicator, in the board's words.

The matrix reads assessments and nothing else, so a cell can never disagree with the indicator page
for the same area (tests/test_peers_matrix.py checks every cell). Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from analysis.assess import Assessment


@dataclass(frozen=True)
class MatrixCell:
    """One area's verdict on one indicator, and the link to its indicator page."""

    area_code: str
    indicator_id: str
    has_data: bool
    value_text: str
    period_text: str
    comparator_name: str | None
    comparator_text: str
    comparison_text: str
    comparison_998_text: str
    variation_icon: str | None
    variation_text: str
    assurance_icon: str | None
    assurance_text: str
    link: str
    coverage_text: str | None = None
    """For a group's row: how much of the group reported ("14 of 15 members reported, 96% of the
    population"), or why it has no value; None for an area."""


def matrix_areas(area_code: str, members: Sequence[str], region_code: str | None, benchmark_code: str
                 ) -> list[str]:
    """The matrix's rows: the chosen area, its group's other members, the region, then England."""
    rows = [area_code, *members, *([region_code] if region_code else []), benchmark_code]
    return list(dict.fromkeys(rows))


def cell(a: Assessment, *, page: str = "indicator") -> MatrixCell:
    """The matrix cell an assessment makes; the link opens the indicator page for that area and comparator."""
    query = {"indicator": a.indicator_id, "area": a.area_code}
    if a.comparator_code:
        query["comparator"] = a.comparator_code
    return MatrixCell(
        area_code=a.area_code, indicator_id=a.indicator_id, has_data=a.has_data, value_text=a.value_text,
        period_text=a.period_text, comparator_name=a.comparator_name, comparator_text=a.comparator_text,
        comparison_text=a.comparison_text, comparison_998_text=a.comparison_998_text,
        variation_icon=a.variation_icon, variation_text=a.variation_text, assurance_icon=a.assurance_icon,
        assurance_text=a.assurance_text, link=f"{page}?{urlencode(query)}", coverage_text=a.coverage_text)


def matrix_cells(assessments: Mapping[tuple[str, str], Assessment]) -> dict[tuple[str, str], MatrixCell]:
    """Every (area code, indicator id) assessment as its cell."""
    return {key: cell(a) for key, a in assessments.items()}


__all__ = ["MatrixCell", "cell", "matrix_areas", "matrix_cells"]
