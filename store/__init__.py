"""The DuckDB store: the only place the pages read from, and the only place SQL lives.

`open_store(location)` gives the `Store`, the one door every write goes through (store/door.py);
`connect(path)` opens the same store and returns its connection, for analysts' scripts and tests.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from store.door import RetryWrite, Store, StoreFileChanged, Writing, door_of, snapshot, writing
from store.schema import LATEST_VERSION, migrate
from store.settings import StoreLocation

__all__ = ["LATEST_VERSION", "RetryWrite", "Store", "StoreFileChanged", "StoreLocation", "Writing", "connect",
           "door_of", "migrate", "open_store", "snapshot", "writing"]


def open_store(location: StoreLocation | Path | str = ":memory:", *, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at `location` and migrate it to the current schema."""
    return Store.open(location, read_only=read_only)


def connect(path: StoreLocation | Path | str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a store and return its connection; writes through it use the store's door."""
    return Store.open(path, read_only=read_only).connection
