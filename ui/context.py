"""The open store and the settings, for pages. Pages read through here, never from files: `kept` keeps each read
until the store changes.

This only opens the store; making sure it exists (building or recovering it) is dashboard.py's job.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

import store
from charts.text import plain
from store import door, queries
from store.assessment import data_version
from store.settings import Settings, StoreLocation, load_settings

T = TypeVar("T")


def _leave_legacy_page_mode() -> None:
    """Route a deep link through dashboard.py's navigation.

    Streamlit treats an app beside a `pages/` folder as a legacy multipage app until dashboard.py
    has called `st.navigation` once in the process. A server's first request for, say,
    /indicator would then run the page alone, without the page config or the titled sidebar.
    Switching the flag and rerunning sends that request through the navigation like any other.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def settings() -> Settings:
    """The settings in force, read once per script run."""
    _leave_legacy_page_mode()
    memo = _this_run()
    if "settings" not in memo:
        memo["settings"] = load_settings()
    return memo["settings"]


_STORES: dict[StoreLocation, store.Store] = {}
_STORES_LOCK = threading.Lock()


def open_store() -> store.Store:
    """The store, the door every write from the dashboard goes through (one per server process and location)."""
    location = settings().store
    held = _STORES.get(location)
    if held is None:
        with _STORES_LOCK:  # two first sessions at once open it once
            held = _STORES.get(location)
            if held is None:
                held = _STORES[location] = store.open_existing(location)
    return held


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the store for this script run (one a run, not one a query); writes made through it still use
    the store's door."""
    memo = _this_run()
    if "connection" not in memo:
        memo["connection"] = open_store().read()
    return memo["connection"]


def store_version() -> str:
    """The store's data version (`store.assessment.data_version`, the caches' key), read once per script run.

    A page asks for up to a dozen cached assessments; the version is the same for all of them unless the run
    itself writes (an upload confirmed, a plan edit), and then it is read again.
    """
    memo = _this_run()
    key = ("store_version", door.commits())
    if key not in memo:
        memo[key] = data_version(connection())
    return memo[key]


# What `kept` holds: pickled results, newest last, at most _KEPT_MOST of them and _KEPT_MOST_BYTES in all (a
# figure of every council is a few hundred kilobytes; a server for many councils must not grow without end).
# Not st.cache_data, which hashes every argument with its own hasher and reads the function's signature on
# every call: 1-2 ms a read, ten reads a page. A tuple of codes and dates is hashed by Python for nothing.
_KEPT: OrderedDict[tuple, bytes] = OrderedDict()
_KEPT_LOCK = threading.Lock()  # server sessions run in threads
_KEPT_MOST = 1024
_KEPT_MOST_BYTES = 256 * 2**20
_kept_bytes = 0
# What `shared` holds, as it is: an assessment is a few kilobytes, the peers matrix's every cell a few hundred.
_SHARED: OrderedDict[tuple, object] = OrderedDict()
_SHARED_MOST = 2048


def kept(read: Callable[..., T], /, *args, key: tuple | None = None, **kwargs) -> T:
    """`read(connection, *args, **kwargs)` (a read of `store`) on this run's store, kept per store version and
    day: a page's second run asks DuckDB nothing it asked before.

    A query and its conversion to pandas cost a few milliseconds, as much as an empty page's whole run, and a
    page makes ten. Every write goes through the store's door, which audits it, so the version moves with
    every change a read could see; the day is in the key for reads that compare with today (an action
    overdue). The arguments name the result when they are plain values (codes, ids, dates); otherwise `key`
    names them (for assessments: their indicator, area and comparator). What is returned is a fresh copy
    (unpickled each time): a page changing it changes nothing kept.
    """
    named = (args, tuple(sorted(kwargs.items()))) if key is None else key
    return keep((f"{read.__module__}.{read.__qualname__}", named), lambda: read(connection(), *args, **kwargs))


def keep(name: tuple, make: Callable[[], T]) -> T:
    """`make()`, kept per store and store version and day under `name` (what else it depends on), a fresh
    copy each time: what `kept` does for a read, for anything else built from the store (a page's figure)."""
    name = (str(settings().store), store_version(), date.today(), *name)
    with _KEPT_LOCK:
        held = _KEPT.get(name)
        if held is not None:
            _KEPT.move_to_end(name)
    if held is None:
        held = pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL)
        _hold(name, held)
    return pickle.loads(held)


def shared(name: tuple, make: Callable[[], T]) -> T:
    """`make()`, kept per store and store version and day under `name` as it is, not copied: for results no page
    changes (frozen assessments, the trust's latest month), held for every session of the server.

    Not st.cache_resource, which reads the function's source and signature and hashes every argument with its own
    hasher on every call (a millisecond or more a call, several calls a page). The newest _SHARED_MOST are kept.
    """
    name = (str(settings().store), store_version(), date.today(), *name)
    with _KEPT_LOCK:
        if name in _SHARED:
            _SHARED.move_to_end(name)
            return _SHARED[name]
    made = make()  # outside the lock: another session may make the same meanwhile, and one of them is kept
    with _KEPT_LOCK:
        # What an earlier version or day of this store holds is never asked for again (the version only moves
        # on): let it go now, not when the count runs out (a peers matrix of the national store is megabytes).
        for old in [key for key in _SHARED if key[0] == name[0] and key[1:3] != name[1:3]]:
            del _SHARED[old]
        _SHARED[name] = made
        while len(_SHARED) > _SHARED_MOST:
            _SHARED.popitem(last=False)
    return made


def _hold(name: tuple, held: bytes) -> None:
    """Keep `held` under `name`, dropping the least recently used beyond the count and the bytes allowed."""
    global _kept_bytes
    with _KEPT_LOCK:
        replaced = _KEPT.pop(name, None)  # another session may have kept the same meanwhile
        _kept_bytes += len(held) - (len(replaced) if replaced is not None else 0)
        _KEPT[name] = held
        while len(_KEPT) > 1 and (len(_KEPT) > _KEPT_MOST or _kept_bytes > _KEPT_MOST_BYTES):
            _kept_bytes -= len(_KEPT.popitem(last=False)[1])


def once_per_run(name: tuple, make: Callable[[], T]) -> T:
    """`make()`, made once in this script run under `name` (every call outside Streamlit): for what several parts
    of a page ask and cannot change within a run (who is signed in, whether sign-in is by OIDC)."""
    memo = _this_run()
    if name not in memo:
        memo[name] = make()
    return memo[name]


def _this_run() -> dict:
    """A dict that lasts one script run (empty outside Streamlit, so nothing is remembered there)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return {}
    # Streamlit gives each run a fresh `cursors` dict; holding it keeps its identity from being reused.
    run, memo = getattr(ctx, "_pbip_run_memo", (None, None))
    if run is not ctx.cursors:
        memo = {}
        ctx._pbip_run_memo = (ctx.cursors, memo)
    return memo


def demonstration_notice(indicator_names: list[str], *, short: bool = False, plan_actions: bool = False) -> None:
    """The label every page shows beside invented data (``short``: one line, for the projector, which can
    also say the plan's actions are invented)."""
    if (indicator_names or plan_actions) and short:
        series = f"{len(indicator_names)} of these series" if indicator_names else ""
        actions = "the plan's actions" if plan_actions else ""
        st.warning(f"**Demonstration data**: {' and '.join(filter(None, (series, actions)))} "
                   f"{'are' if len(indicator_names) != 1 or plan_actions else 'is'} invented for demonstration "
                   "(no public data exists).", icon=":material/warning:")
    elif indicator_names:
        st.warning("**Demonstration data**, invented for demonstration: no public series exists for "
                   + "; ".join(plain(name) for name in indicator_names)
                   + ". These series follow the shapes the CQC progress report describes "
                   "and are replaced when an analyst loads a real extract.", icon=":material/warning:")


NO_DATA = ("No data has been loaded into this dashboard's database yet. An analyst can load an extract on the "
           "Upload data page, or whoever runs the dashboard can rebuild the database from the bundled data.")


def area_name(code: str) -> str:
    """The area's name as the store holds it, or its code when the store does not know it."""
    return kept(queries.area_name, code) or code


def area_label(code: str) -> str:
    """The area's name and code, "York (E06000014)", for text: the code alone when the store does not know the
    area (an empty store), not the code twice."""
    name = area_name(code)
    return f"{plain(name)} ({code})" if name != code else code


def stop_when_empty() -> None:
    """End the page with a sentence when the store holds no observations at all."""
    if kept(queries.observation_count) == 0:
        st.info(NO_DATA)
        st.stop()
