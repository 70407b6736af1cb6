"""The store's one door: it owns the DuckDB connection, hands out read cursors, and runs every write.

Every change to the store (a load, an undo, a plan edit or import, a rebase date, the reference data,
the build) goes through `writing(...)` / `Store.write(...)`, which in one place

- checks the writer: a signed-in `store.users.User` must hold the role (analyst by default); a plain
  name is a script or the command line, trusted as file access is, and its audit lines also record
  the operating-system user it runs as;
- takes the one process-wide write lock, so two analysts (or an analyst and a plan edit) are stored
  one after the other;
- refuses when the store's file has gone or been replaced since it was opened (its st_dev/st_ino);
- BEGINs, runs the change, and COMMITs, or ROLLs BACK everything when it raises.

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

from store import audit
from store.schema import migrate
from store.settings import StoreLocation
from store.users import User, require_role

T = TypeVar("T")
WRITER_ROLE = "analyst"
# How long a write waits for another to finish before asking the person to try again.
LOCK_WAIT_SECONDS = 30

# One writer at a time in this process (DuckDB itself lets only one process write a file).
_WRITE_LOCK = threading.RLock()
_writing_now = threading.local()
# Where each handle a Store opened or gave out leads, and which file that was when opened. The values
# never refer to the handle, so a dropped connection is freed (and its file unlocked) as before.
_opened: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class RetryWrite(Exception):
    """The store was busy, or changed under a write; the message says what to do."""


class StoreFileChanged(PermissionError):
    """The store's file has gone or been replaced since it was opened; nothing was written.

    A refusal to write, like a missing role, so every page that shows "you may not" shows this too.
    """


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


def writer(user: User | str | None, role: str = WRITER_ROLE) -> tuple[str, str | None]:
    """The name to record for a write and, for a trusted script, the operating-system user.

    A `User` must hold `role` (PermissionError otherwise); None is nobody signed in (PermissionError);
    a plain name is the command line or a script with access to the file, trusted as that access is.
    """
    if isinstance(user, str):
        if not user.strip():
            raise ValueError("a change to the store must name the user who made it")
        return user.strip(), getpass.getuser()
    require_role(user, role)
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

    @classmethod
    def open(cls, location: StoreLocation | Path | str = ":memory:", *, read_only: bool = False) -> Store:
        """Open (creating if needed) a store and migrate it forward to the current schema."""
        if not isinstance(location, StoreLocation):
            location = None if str(location) == ":memory:" else StoreLocation("duckdb", Path(location))
        if location is not None:
            if location.engine != "duckdb":
                raise ValueError(f"the {location.engine} engine is not supported yet")
            location.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(location.path) if location else ":memory:", read_only=read_only)
        if not read_only:
            migrate(con)
        return cls(con, location)

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self._con

    def read(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one reader (a script run, a thread); writes through it use this door."""
        cursor = self._con.cursor()
        _opened[cursor] = (self.location, self.identity)
        return cursor

    cursor = read

    def file_problem(self) -> str | None:
        """One sentence when the store's file has gone or been replaced since it was opened, else None."""
        if self.location is None:
            return None
        now = FileIdentity.of(self.location.path)
        if now is not None and now == self.identity:
            return None
        what = "has been deleted" if now is None else "has been replaced by another file"
        return (f"The store file {self.location.path} {what} since the dashboard opened it, so nothing was "
                "written; restart the dashboard (it rebuilds the store from the archive) and try again.")

    @contextmanager
    def writing(self, *, user: User | str | None, action: str, role: str = WRITER_ROLE,
                con: duckdb.DuckDBPyConnection | None = None) -> Iterator[Writing]:
        """One write: checked writer, the lock, the file's identity, BEGIN, then COMMIT or ROLLBACK.

        `action` is what the person is doing, in words that finish "... again" ("confirm", "undo").
        A write opened inside another on the same handle joins it (one transaction, one commit).
        """
        name, os_user = writer(user, role)
        handle = con if con is not None else self._con
        active = _active_handles()
        if id(handle) in active:
            yield Writing(handle, name, os_user)
            return
        if not _WRITE_LOCK.acquire(timeout=LOCK_WAIT_SECONDS):
            raise RetryWrite(f"Another change to the store is still running; {action} again in a minute.")
        try:
            problem = self.file_problem()
            if problem:
                raise StoreFileChanged(problem)
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
                if isinstance(error, duckdb.TransactionException):
                    raise RetryWrite(f"Someone else changed the same rows at the same moment; {action} "
                                     f"again ({error}).") from error
                raise
            finally:
                active.discard(id(handle))
            for callback in write._after_commit:
                callback()
        finally:
            _WRITE_LOCK.release()

    def write(self, change: Callable[[Writing], T], *, user: User | str | None, action: str,
              role: str = WRITER_ROLE) -> T:
        """Run `change(writing)` as one write through the door and return what it returns."""
        with self.writing(user=user, action=action, role=role) as write:
            return change(write)

    def close(self) -> None:
        self._con.close()


def door_of(handle: Store | duckdb.DuckDBPyConnection) -> Store:
    """The Store a handle belongs to (a plain connection becomes a Store of its own)."""
    if isinstance(handle, Store):
        return handle
    return Store(handle)


@contextmanager
def writing(handle: Store | duckdb.DuckDBPyConnection, *, user: User | str | None, action: str,
            role: str = WRITER_ROLE) -> Iterator[Writing]:
    """A write through the door of whatever store `handle` is (a Store, a connection or a cursor)."""
    store = door_of(handle)
    with store.writing(user=user, action=action, role=role,
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


def require_write(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The handle, when it is inside a write through the door on this thread; RuntimeError otherwise.

    The row-level helpers (store/writes.py, store/audit.py) call this, so none of them can be used
    to change the store around the door.
    """
    if id(con) not in _active_handles():
        raise RuntimeError("this change must be made inside a write through the store's door "
                           "(store.writing or Store.write)")
    return con


def handle_of(handle: Store | duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A DuckDB handle to read with, from a Store or a handle."""
    return handle.read() if isinstance(handle, Store) else handle


def _active_handles() -> set[int]:
    if not hasattr(_writing_now, "handles"):
        _writing_now.handles = set()
    return _writing_now.handles


def _roll_back(handle: duckdb.DuckDBPyConnection) -> None:
    try:
        handle.execute("ROLLBACK")
    except duckdb.Error:
        pass  # DuckDB has already ended a transaction that failed to commit


def _file_of(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row and row[0] else None
