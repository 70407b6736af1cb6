"""The floor every write stands on: the clock, which engine a handle reads, the ids of new rows, and
the check that a change is made inside a write through the door.

It imports nothing of the project. The door (store/door.py) marks a handle as writing while it holds
the transaction; the row-level modules (store/writes.py, store/audit.py, store/loads.py, ...) call
`require_write` so none of them can change the store around the door.
"""

from __future__ import annotations

import threading
from datetime import datetime

import duckdb

# Ids the store hands out: a DuckDB file's sequence, else one more than the largest in these columns.
ID_SOURCES = {
    "load": ("load_id_seq", (("loads", "load_id"), ("load_undone", "load_id"))),
    "audit": ("audit_id_seq", (("audit", "audit_id"),)),
    "plan_history": ("plan_history_id_seq", (("plan_action_history", "history_id"),)),
}

_writing_now = threading.local()


class RetryWrite(Exception):
    """The store was busy, or changed under a write; the message says what to do."""


class StoreWriteFailed(PermissionError):
    """The disk holding the store (or its archive) could not take the write (full, or failing); nothing was
    stored. A refusal to write like StoreFileChanged, so every page that shows one shows this too."""


class StoreFileChanged(PermissionError):
    """The store's file has gone or been replaced since it was opened; nothing was written.

    A refusal to write, like a missing role, so every page that shows "you may not" shows this too.
    """


def now() -> datetime:
    """The time a change is recorded at, to the second."""
    return datetime.now().replace(microsecond=0)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """True when `con` reads the shared store (DuckLake) rather than a DuckDB file."""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row) and row[0] == "ducklake"


def active_handles() -> set[int]:
    """The ids of the handles this thread is writing through now (the door adds and removes them)."""
    if not hasattr(_writing_now, "handles"):
        _writing_now.handles = set()
    return _writing_now.handles


def require_write(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The handle, when it is inside a write through the door on this thread; RuntimeError otherwise."""
    if id(con) not in active_handles():
        raise RuntimeError("this change must be made inside a write through the store's door "
                           "(store.writing or Store.write)")
    return con


def next_id(con: duckdb.DuckDBPyConnection, kind: str) -> int:
    """The id for a new row of `kind` ("load", "audit", "plan_history"), inside a write through the door.

    A DuckDB file draws it from its sequence. DuckLake has no sequences: the id is one more than any
    used, which is safe because every writer to the shared store holds the store-wide lock.
    """
    require_write(con)
    sequence, columns = ID_SOURCES[kind]
    if not is_lake(con):
        return con.execute(f"SELECT nextval('{sequence}')").fetchone()[0]
    used = " UNION ALL ".join(f"SELECT max({column}) AS id FROM {table}" for table, column in columns)
    return con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM ({used})").fetchone()[0]
