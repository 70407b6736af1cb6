"""The pack's "now" page: the council's acute trust after 2020, read as at the pack's date and version, and
its table (the same cells in the PDF and the slides). The icons are given in their words."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analysis.assess import assess_many
from analysis.trust_now import AE_GAP, INDICATORS, MONTHLY_METHOD, READY_NOT_REMAINING, TrustNow, trust_now
from store import as_at as store_as_at
from store import trusts as store_trusts
from store.assessment import assessment_inputs, default_comparator

NOTES = f"{MONTHLY_METHOD} {READY_NOT_REMAINING} {AE_GAP}"


def now_from_store(con: duckdb.DuckDBPyConnection, *, area_code: str, comparator_code: str,
                   view: store_as_at.AsAt, events: pd.DataFrame, day: date) -> TrustNow | None:
    """The section as the store stood at the pack's version and day; None without a linked trust's measures."""
    inputs = store_trusts.now_inputs(con, area_code, INDICATORS, observations=view.observations)
    if inputs is None:
        return None
    assessments = assess_many({
        i: assessment_inputs(con, i, area_code, default_comparator(con, i, comparator_code, view), events=events,
                             as_at=view)
        for i in INDICATORS if i in inputs["definitions"]}, today=day)
    now = trust_now(assessments, england_code=comparator_code, **inputs)
    return now if now.rows else None
