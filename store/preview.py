"""Kept for code written before store/loads.py: preview, undo and load history now live there."""

from store.loads import (  # noqa: F401
    STATUSES,
    Preview,
    UndoRefused,
    preview,
    preview_observations,
    preview_populations,
    recent_loads,
    record_prior_state,
    store_version,
    undo_load,
    undo_refusal,
    undone_loads,
)
