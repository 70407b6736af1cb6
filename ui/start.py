"""The server's start, once per store location: make sure the store exists, check the audit's chain, settle memory.

Held in this module, not in a `st.cache_resource` function defined in dashboard.py: dashboard.py runs again on
every page's run, and each run made the cached function again (reading its source to name it) and hashed the
location to look it up, two milliseconds of every page, the empty one included.
"""

from __future__ import annotations

import sys
import threading

import streamlit as st

from accounts.users import first_account_hint
from loaders.build import ensure_store
from store import audit
from store.door import archive_dir_of
from store.settings import StoreLocation
from ui import context, memory

_STARTED: dict[StoreLocation, tuple[str | None, audit.AuditBreak | None]] = {}
_NOTICES: dict[StoreLocation, dict] = {}
_LOCK = threading.Lock()


def start(location: StoreLocation) -> tuple[str | None, audit.AuditBreak | None]:
    """Once per server and location: create or recover the store, check the audit's hash chain, and settle the
    process's memory (ui/memory.py: what the start built is kept out of later garbage collections).

    Returns what was done to the store, in a sentence (None if nothing), and the first broken audit line (None
    when the chain is whole). Later breaks are found by the About page, which checks on every visit, and by
    `python -m loaders audit --verify`; not on every page run. A start that fails (a file of something else at
    the store's path) is not held: the next run tries again.
    """
    held = _STARTED.get(location)
    if held is not None:
        return held
    with st.spinner("Preparing the database (first start only)…"), _LOCK:  # the first sessions wait for one start
        if location not in _STARTED:
            _STARTED[location] = _first_start(location)
    return _STARTED[location]


def _first_start(location: StoreLocation) -> tuple[str | None, audit.AuditBreak | None]:
    started = ensure_store(location)
    if hint := first_account_hint():  # for whoever started the server, on its console
        print(hint, file=sys.stderr, flush=True)
    con = context.connection()
    verified = audit.verify(con, archive_dir_of(con))
    memory.settle()
    return started, verified


def start_notice(location: StoreLocation) -> dict:
    """Whether this server has told anyone how its database came to be: said once, not to every session."""
    with _LOCK:
        return _NOTICES.setdefault(location, {"told": False})
