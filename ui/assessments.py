"""The pages' one way to an assessment, cached until the store changes.

A page run asks for up to a dozen assessments; each reads a few small queries and runs the SPC. They are
kept per store version (the audit's last line: every load, undo, rebase date and plan edit is audited;
read once per page run), so the next run of any page reuses them and a change to the store is seen at
once, never after a timer. They are kept as they are, not as copies (`context.shared`): an assessment is a
frozen record no page changes, and unpickling the peers matrix's 200 on every run cost more than drawing it.
"""

from __future__ import annotations

from datetime import date

from analysis.assess import Assessment, assess, assess_many
from store.assessment import assessment_inputs, assessment_inputs_many, default_comparator
from ui import context


def assessment(indicator_id: str, area_code: str, comparator_code: str | None) -> Assessment:
    """The assessment of one indicator for the area against the comparator ("" or None: none)."""
    comparator_code = comparator_code or None
    return context.shared(("assessment", indicator_id, area_code, comparator_code), lambda: assess(
        **assessment_inputs(context.connection(), indicator_id, area_code, comparator_code), today=date.today()))


def default_assessment(indicator_id: str, area_code: str, benchmark_code: str) -> Assessment:
    """The assessment against the benchmark (England), or the area alone when the benchmark has no series."""
    comparator = context.shared(("default_comparator", indicator_id, benchmark_code),
                                lambda: default_comparator(context.connection(), indicator_id, benchmark_code))
    return assessment(indicator_id, area_code, comparator)


def _defaults(indicator_ids: tuple[str, ...], area_code: str, benchmark_code: str) -> list[Assessment]:
    con = context.connection()
    by_comparator: dict[str | None, list[str]] = {}
    for indicator_id in indicator_ids:
        by_comparator.setdefault(default_comparator(con, indicator_id, benchmark_code), []).append(indicator_id)
    inputs = {}
    for comparator_code, ids in by_comparator.items():
        inputs |= assessment_inputs_many(con, ids, [area_code], {area_code: comparator_code})
    assessed = assess_many(inputs, today=date.today())
    return [assessed[(area_code, indicator_id)] for indicator_id in indicator_ids]


def default_assessments(indicator_ids, area_code: str, benchmark_code: str) -> list[Assessment]:
    """:func:`default_assessment` for several indicators, in their order: read in one batch and charted in one
    (the board view and the overview assess every indicator at once)."""
    ids = tuple(indicator_ids)
    return context.shared(("default_assessments", ids, area_code, benchmark_code),
                          lambda: _defaults(ids, area_code, benchmark_code))


def _many(indicator_ids: tuple[str, ...], area_codes: tuple[str, ...],
          comparators: tuple[tuple[str, str | None], ...]) -> dict[tuple[str, str], Assessment]:
    inputs = assessment_inputs_many(context.connection(), indicator_ids, area_codes, dict(comparators))
    # A pair with no stored rows is "no data" in the matrix; its assessment would say only that.
    return assess_many({key: kwargs for key, kwargs in inputs.items() if not kwargs["series"].empty},
                       today=date.today())


def assessments_many(indicator_ids, area_codes, comparator_for: dict[str, str | None]
                     ) -> dict[tuple[str, str], Assessment]:
    """Assessments of every indicator for every area with data, keyed (area code, indicator id), read at once."""
    ids, areas, comparators = tuple(indicator_ids), tuple(area_codes), tuple(sorted(comparator_for.items()))
    return context.shared(("assessments_many", ids, areas, comparators), lambda: _many(ids, areas, comparators))
