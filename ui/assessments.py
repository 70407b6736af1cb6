"""The pages' one way to an assessment, cached until the store changes.

A page run asks for up to a dozen assessments; each reads a few small queries and runs the SPC. They are
kept per store version (the audit's last line: every load, undo, rebase date and plan edit is audited;
read once per page run), so the next run of any page reuses them and a change to the store is seen at
once, never after a timer. They are kept as they are, not as copies (`cache_resource`): an assessment is a
frozen record no page changes, and unpickling the peers matrix's 200 on every run cost more than drawing it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from analysis.assess import Assessment, assess, assess_many
from store.assessment import assessment_inputs, assessment_inputs_many, default_comparator
from ui import context


@st.cache_resource(show_spinner=False, max_entries=1024)
def _cached(store_key: str, version: str, indicator_id: str, area_code: str, comparator_code: str | None,
            today: date) -> Assessment:
    return assess(**assessment_inputs(context.connection(), indicator_id, area_code, comparator_code), today=today)


def assessment(indicator_id: str, area_code: str, comparator_code: str | None) -> Assessment:
    """The assessment of one indicator for the area against the comparator ("" or None: none)."""
    return _cached(str(context.settings().store), context.store_version(), indicator_id, area_code,
                   comparator_code or None, date.today())


@st.cache_data(show_spinner=False, max_entries=1024)
def _default_comparator(store_key: str, version: str, indicator_id: str, benchmark_code: str) -> str | None:
    return default_comparator(context.connection(), indicator_id, benchmark_code)


def default_assessment(indicator_id: str, area_code: str, benchmark_code: str) -> Assessment:
    """The assessment against the benchmark (England), or the area alone when the benchmark has no series."""
    comparator = _default_comparator(str(context.settings().store), context.store_version(), indicator_id,
                                     benchmark_code)
    return assessment(indicator_id, area_code, comparator)


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_defaults(store_key: str, version: str, indicator_ids: tuple[str, ...], area_code: str,
                     benchmark_code: str, today: date) -> list[Assessment]:
    con = context.connection()
    by_comparator: dict[str | None, list[str]] = {}
    for indicator_id in indicator_ids:
        by_comparator.setdefault(default_comparator(con, indicator_id, benchmark_code), []).append(indicator_id)
    inputs = {}
    for comparator_code, ids in by_comparator.items():
        inputs |= assessment_inputs_many(con, ids, [area_code], {area_code: comparator_code})
    assessed = assess_many(inputs, today=today)
    return [assessed[(area_code, indicator_id)] for indicator_id in indicator_ids]


def default_assessments(indicator_ids, area_code: str, benchmark_code: str) -> list[Assessment]:
    """:func:`default_assessment` for several indicators, in their order: read in one batch and charted in one
    (the board view and the overview assess every indicator at once)."""
    return _cached_defaults(str(context.settings().store), context.store_version(), tuple(indicator_ids),
                            area_code, benchmark_code, date.today())


@st.cache_resource(show_spinner=False, max_entries=64)
def _cached_many(store_key: str, version: str, indicator_ids: tuple[str, ...], area_codes: tuple[str, ...],
                 comparators: tuple[tuple[str, str | None], ...], today: date) -> dict[tuple[str, str], Assessment]:
    inputs = assessment_inputs_many(context.connection(), indicator_ids, area_codes, dict(comparators))
    # A pair with no stored rows is "no data" in the matrix; its assessment would say only that.
    return assess_many({key: kwargs for key, kwargs in inputs.items() if not kwargs["series"].empty}, today=today)


def assessments_many(indicator_ids, area_codes, comparator_for: dict[str, str | None]
                     ) -> dict[tuple[str, str], Assessment]:
    """Assessments of every indicator for every area with data, keyed (area code, indicator id), read at once."""
    return _cached_many(str(context.settings().store), context.store_version(), tuple(indicator_ids), tuple(area_codes),
                        tuple(sorted(comparator_for.items())), date.today())
