"""The store's one door: it owns the DuckDB connection, hands out read cursors, and runs every write.

A store is opened (created, or an existing one found) by store/opening.py, which migrates it and hands
over its connection to a `Store` here.

Every change to the store (a load, an undo, a plan edit or import, a rebase date, the reference data,
the build) goes through `writing(...)` / `Store.write(...)`, which in one place

- checks the writer: a signed-in `store.roles.User` must hold the role (analyst by default) now, by the
  accounts file, and their session must not have been signed out (`store.roles.recheck`); a plain
  name is a script or the command line, trusted as file access is, and its audit lines also record
  the operating-system user it runs as;
- takes the one process-wide write lock, so two analysts (or an analyst and a plan edit) are stored
  one after the other, and the DuckDB file's lock (store/file_lock.py), so a command reading a copy
  of the file never copies it half-way through a write; on the shared store (DuckLake, catalog in
  PostgreSQL) it takes instead the store-wide lock in PostgreSQL (an advisory lock), so writers on
  several servers and the command line queue too, and a writer killed mid-write releases it with its connection;
- refuses when the store's file has gone or been replaced since it was opened (its st_dev/st_ino);
- BEGINs, runs the change, and COMMITs, or ROLLs BACK everything when it raises.

The primitives it stands on (the clock, the ids of new rows, the check that a change is made inside a
write) are store/primitives.py; the roles are store/roles.py. Opening a store migrates it
(store/schema.py) on the way in.

This is the role datasette's `Database.execute_write_fn` plays. Functions elsewhere that take "a
connection" accept either a `Store` or a DuckDB connection (or cursor) and find their door here.
"""

from __future__ import annotations

import getpass
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

from store import anchor, audit
from store.file_lock import locked
from store.primitives import RetryWrite, StoreFileChanged, StoreWriteFailed, active_handles, is_lake
from store.roles import User, recheck, require_role
from store.settings import StoreLocation

T = TypeVar("T")
WRITER_ROLE = "analyst"
# How long a write waits for another to finish before asking the person to try again.
LOCK_WAIT_SECONDS = 30

# The name the shared store is attached under in each server's DuckDB.
LAKE = "pbip"
# The advisory lock key in PostgreSQL that every writer to the shared store holds while it writes.
LAKE_WRITE_LOCK_KEY = 16_2026
# One writer at a time in this process (DuckDB itself lets only one process write a file).
_WRITE_LOCK = threading.RLock()
# Where each handle a Store opened or gave out leads, and which file that was when opened. The values
# never refer to the handle, so a dropped connection is freed (and its file unlocked) as before.
_opened: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Writes committed by this process, so a reader that remembers the store's version for a moment (a page
# run, ui/context.py) knows to read it again after a write.
_commits = 0


# What DuckDB and the operating system say when a write cannot reach the disk.
_DISK_WORDS = ("no space left", "could not write", "disk quota", "input/output error", "read-only file system")


def disk_failure(error: BaseException) -> bool:
    """True when `error` is the disk refusing a write, not two writers meeting."""
    return any(words in str(error).lower() for words in _DISK_WORDS)


def write_failed(action: str) -> StoreWriteFailed:
    return StoreWriteFailed(f"The store could not be written: the disk holding it is full (or failing), so nothing "
                            f"was stored. Ask whoever runs the dashboard to free some space, then {action} again.")


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named when the store was opened (device and inode)."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        try:
            status = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(status.st_dev, status.st_ino)


@dataclass
class Writing:
    """An open write: the handle to write with, who is writing, and their audit line."""

    con: duckdb.DuckDBPyConnection
    user: str
    os_user: str | None
    _after_commit: list[Callable[[], None]] = field(default_factory=list)
    _after_rollback: list[Callable[[], None]] = field(default_factory=list)

    def audit(self, action: str, *, load_id: int | None = None, detail: dict | None = None) -> int:
        """Add this writer's line to the chained audit trail; returns its id."""
        detail = dict(detail or {})
        if self.os_user:
            detail["os_user"] = self.os_user
        return audit.append(self.con, user=self.user, action=action, load_id=load_id, detail=detail)

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def after_rollback(self, callback: Callable[[], None]) -> None:
        self._after_rollback.append(callback)


def writer(user: User | str | None, role: str = WRITER_ROLE, indicator: str | None = None
           ) -> tuple[str, str | None]:
    """The name to record for a write and, for a trusted script, the operating-system user.

    A `User` must hold `role` (PermissionError otherwise), and lead `indicator` when one is named (a
    commentary sign-off); None is nobody signed in (PermissionError);
    a plain name is the command line or a script with access to the file, trusted as that access is.
    """
    if isinstance(user, str):
        if not user.strip():
            raise ValueError("a change to the store must name the user who made it")
        return user.strip(), getpass.getuser()
    if isinstance(user, User):
        # A signed-in person's role and session as the accounts and sign-outs say now, not as the tab
        # remembered them when it signed in (store.roles.recheck, accounts.sign_in.current).
        user = recheck(user)
    require_role(user, role, indicator=indicator)
    return user.name, None


class Store:
    """One open store: its connection, its location and the identity of its file when opened."""

    def __init__(self, con: duckdb.DuckDBPyConnection, location: StoreLocation | None = None) -> None:
        self._con = con
        if con in _opened:
            self.location, self.identity = _opened[con]
            return
        if location is None:
            path = _file_of(con)
            location = StoreLocation("duckdb", Path(path)) if path else None
        self.location = location
        self.identity = FileIdentity.of(location.path) if location else None
        _opened[con] = (self.location, self.identity)

    @property
    def shared(self) -> bool:
        return self.location is not None and self.location.shared

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def read(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one reader (a script run, a thread); writes through it use this door."""
        cursor = self._con.cursor()
        if self.shared:
            cursor.execute(f"USE {LAKE}")
        _opened[cursor] = (self.location, self.identity)
        return cursor

    def file_problem(self) -> str | None:
        """One sentence when the store's file has gone or been replaced since it was opened, else None."""
        if self.location is None or self.shared:
            return None
        now = FileIdentity.of(self.location.path)
        if now is not None and now == self.identity:
            return None
        what = "has been deleted" if now is None else "has been replaced by another file"
        return (f"The store file {self.location.path} {what} since the dashboard opened it, so nothing was "
                "written; restart the dashboard (it rebuilds the store from the archive) and try again.")

    @contextmanager
    def writing(self, *, user: User | str | None, action: str, role: str = WRITER_ROLE,
                con: duckdb.DuckDBPyConnection | None = None, indicator: str | None = None) -> Iterator[Writing]:
        """One write: checked writer, the lock, the file's identity, BEGIN, then COMMIT or ROLLBACK.

        `action` is what the person is doing, in words that finish "... again" ("confirm", "undo").
        A write opened inside another on the same handle joins it (one transaction, one commit).
        """
        name, os_user = writer(user, role, indicator)
        handle = con if con is not None else self._con
        active = active_handles()
        if id(handle) in active:
            yield Writing(handle, name, os_user)
            return
        if not _WRITE_LOCK.acquire(timeout=LOCK_WAIT_SECONDS):
            raise RetryWrite(f"Another change to the store is still running; {action} again in a minute.")
        try:
            problem = self.file_problem()
            if problem:
                raise StoreFileChanged(problem)
            with self._store_wide_lock(action):
                write = Writing(handle, name, os_user)
                handle.execute("BEGIN TRANSACTION")
                active.add(id(handle))
                try:
                    yield write
                    handle.execute("COMMIT")
                except BaseException as error:
                    _roll_back(handle)
                    for callback in write._after_rollback:
                        callback()
                    if (isinstance(error, (duckdb.Error, OSError)) and not isinstance(error, StoreWriteFailed)
                            and disk_failure(error)):
                        raise write_failed(action) from error
                    if isinstance(error, duckdb.TransactionException):
                        raise RetryWrite(f"Someone else changed the same rows at the same moment; {action} "
                                         f"again ({error}).") from error
                    raise
                finally:
                    active.discard(id(handle))
                _count_commit()
                for callback in write._after_commit:
                    callback()
                self._anchor(handle)
        finally:
            _WRITE_LOCK.release()

    def _anchor(self, handle: duckdb.DuckDBPyConnection) -> None:
        """Record the audit chain's new head outside the store (store/anchor.py), in the archive folder."""
        archive_dir = self.location.archive_dir if self.location is not None else None
        if archive_dir is not None and archive_dir.is_dir():
            anchor.record(handle, archive_dir)

    @contextmanager
    def _store_wide_lock(self, action: str) -> Iterator[None]:
        """On the shared store, PostgreSQL's advisory lock, held by every writer on every server; on a
        DuckDB file, the file's lock, which a command copying the file for reading waits on."""
        if not self.shared:
            with self.file_lock(action):
                yield
            return
        if self._lock_connection is None or self._lock_connection.closed:
            import psycopg

            self._lock_connection = psycopg.connect(_libpq(self.location), autocommit=True)
        lock = self._lock_connection
        try:
            lock.execute(f"SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")
            lock.execute("SELECT pg_advisory_lock(%s)", [LAKE_WRITE_LOCK_KEY])
        except Exception as error:
            lock.close()
            raise RetryWrite(f"Another change to the store (on this or another server) is still running; "
                             f"{action} again in a minute.") from error
        try:
            yield
        finally:
            try:
                lock.execute("SELECT pg_advisory_unlock(%s)", [LAKE_WRITE_LOCK_KEY])
            except Exception:
                lock.close()  # closing the session releases the lock too

    def write(self, change: Callable[[Writing], T], *, user: User | str | None, action: str,
              role: str = WRITER_ROLE) -> T:
        """Run `change(writing)` as one write through the door and return what it returns."""
        with self.writing(user=user, action=action, role=role) as write:
            return change(write)

    _lock_connection = None

    read_only = False

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the store is closed (a snapshot's copy is deleted so)."""
        self._closing = [*getattr(self, "_closing", []), callback]

    def close(self) -> None:
        """Close the store; a DuckDB file opened to write checkpoints on closing, so under its lock."""
        if self._lock_connection is not None:
            self._lock_connection.close()
        if self.read_only:
            self._con.close()
        else:
            with self.file_lock("close the store"):
                self._con.close()
        for callback in getattr(self, "_closing", []):
            callback()

    @contextmanager
    def file_lock(self, action: str) -> Iterator[None]:
        """For a DuckDB file, its lock (store/file_lock.py), so no other process copies it mid-write."""
        if self.location is None or self.shared:
            yield
            return
        with locked(self.location.path, shared=False, wait_seconds=LOCK_WAIT_SECONDS, action=action):
            yield


def commits() -> int:
    """How many writes this process has committed through the door (any store)."""
    return _commits


def _count_commit() -> None:
    global _commits
    _commits += 1  # under _WRITE_LOCK: one writer at a time


def door_of(handle: Store | duckdb.DuckDBPyConnection) -> Store:
    """The Store a handle belongs to (a plain connection becomes a Store of its own)."""
    if isinstance(handle, Store):
        return handle
    return Store(handle)


def archive_dir_of(handle: Store | duckdb.DuckDBPyConnection) -> Path | None:
    """The archive folder of the store a handle belongs to (where the audit's anchor is); None in memory."""
    location = door_of(handle).location
    return None if location is None else location.archive_dir


@contextmanager
def writing(handle: Store | duckdb.DuckDBPyConnection, *, user: User | str | None, action: str,
            role: str = WRITER_ROLE, indicator: str | None = None) -> Iterator[Writing]:
    """A write through the door of whatever store `handle` is (a Store, a connection or a cursor)."""
    store = door_of(handle)
    with store.writing(user=user, action=action, role=role, indicator=indicator,
                       con=None if isinstance(handle, Store) else handle) as write:
        yield write


@contextmanager
def snapshot(handle: Store | duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Several reads that see one consistent state of the store (a transaction that writes nothing)."""
    con = handle.read() if isinstance(handle, Store) else handle
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    finally:
        con.execute("ROLLBACK")


def handle_of(handle: Store | duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A DuckDB handle to read with, from a Store or a handle."""
    return handle.read() if isinstance(handle, Store) else handle


def is_shared(handle: Store | duckdb.DuckDBPyConnection) -> bool:
    """True when `handle` reads the shared store (DuckLake) rather than a DuckDB file."""
    return door_of(handle).shared if isinstance(handle, Store) else is_lake(handle)


def _libpq(location: StoreLocation) -> str:
    return location.catalog.removeprefix("postgres:").strip()


def _roll_back(handle: duckdb.DuckDBPyConnection) -> None:
    try:
        handle.execute("ROLLBACK")
    except duckdb.Error:
        pass  # DuckDB has already ended a transaction that failed to commit


def _file_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The DuckDB file a connection has open (None in memory, and for the shared store, which is no file)."""
    row = con.execute("SELECT path, type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row and row[0] and row[1] == "duckdb" else None
