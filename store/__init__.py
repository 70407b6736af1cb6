"""The DuckDB store: the only place the pages read from, and the only place SQL lives.

Read it bottom-up: store/primitives.py and store/roles.py (the floor), the rows (writes.py, audit.py),
the schema, the door every write goes through (door.py), and opening a store (opening.py) on top.

`open_existing(db)` opens the store a command line or the dashboard names (a read-only command gets
a snapshot it can read while the dashboard holds the file); `open_store(location)` opens or creates
one (a build, a test); `connect(path)` does the same and returns its connection, for analysts' scripts.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from store.door import Store, Writing, door_of, snapshot, writing
from store.opening import StoreMissing, open_existing, open_store
from store.primitives import RetryWrite, StoreFileChanged
from store.schema import LATEST_VERSION, migrate
from store.settings import StoreLocation

__all__ = ["LATEST_VERSION", "RetryWrite", "Store", "StoreFileChanged", "StoreLocation", "StoreMissing", "Writing",
           "connect", "door_of", "migrate", "open_existing", "open_store", "snapshot", "writing"]


def connect(path: StoreLocation | Path | str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) a store and return its connection; writes through it use the store's door."""
    return open_store(path, read_only=read_only).connection
