"""What signing in must remember beyond one server process: revoked sessions and failed sign-ins.

Both live in a small SQLite file beside the accounts file (`sign_in_state.sqlite3`, readable by its owner
only). Every server of a deployment shares the accounts file (deploy/README.md), so they share this too,
and it outlives a restart: a session signed out on one server is signed out on all of them, and the
sign-in throttle counts failures across sessions, servers and restarts.

- `revoke(session_id, expires)` / `is_revoked(session_id)`: a signed-out session cookie's id, kept
  until the cookie would have expired anyway;
- `StoredThrottle`: `accounts.sign_in.SignInThrottle`'s rule (a few free failures, then a doubling wait per
  key), counted in the file. Each attempt is one SQLite write transaction, so two servers cannot both
  slip past a wait.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from accounts.throttle import (
    FORGET_FAILURES_AFTER_SECONDS,
    FREE_SIGN_IN_FAILURES,
    MAX_SIGN_IN_DELAY_SECONDS,
    SignInLocked,
    sign_in_delay_seconds,
)
from store.settings import users_file

STATE_FILE = "sign_in_state.sqlite3"
# How long a server waits for another's sign-in write before giving up (it never should).
BUSY_SECONDS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS revoked (session_id TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL,
                                     next_allowed REAL NOT NULL);
"""


def state_file() -> Path:
    return users_file().with_name(STATE_FILE)


@contextmanager
def _database(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    """The state file, opened for one transaction (BEGIN IMMEDIATE: writers queue)."""
    path = path or state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    con = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


def revoke(session_id: str, expires: float) -> None:
    """Remember that this session was signed out, until its cookie would have expired."""
    now = time.time()
    with _database() as con:
        con.execute("DELETE FROM revoked WHERE expires < ?", [now])
        con.execute("INSERT OR REPLACE INTO revoked VALUES (?, ?)", [str(session_id), float(expires)])


def is_revoked(session_id: str) -> bool:
    with _database() as con:
        row = con.execute("SELECT 1 FROM revoked WHERE session_id = ?", [str(session_id)]).fetchone()
    return row is not None


def _hashed(keys: tuple[str, ...]) -> tuple[str, ...]:
    """Keys as digests: the file counts a stranger's attempts without keeping the names they typed."""
    return tuple(hashlib.sha256(key.encode("utf-8")).hexdigest() for key in keys)


class StoredThrottle:
    """`SignInThrottle` with its counts in the state file: shared by every server, kept across restarts."""

    def __init__(self, *, delay: Callable[[], float] | None = None, clock: Callable[[], float] = time.time,
                 path: Callable[[], Path] = state_file):
        self._delay, self._clock, self._path = delay, clock, path

    def _first_delay(self) -> float:
            return (self._delay or sign_in_delay_seconds)()

    def wait(self, *keys: str) -> float:
        keys = _hashed(keys)
        now = self._clock()
        with _database(self._path()) as con:
            waits = [row[0] - now for row in con.execute(
                f"SELECT next_allowed FROM failures WHERE key IN ({','.join('?' * len(keys))})", keys)]
        return max([0.0, *waits])

    def attempt(self, *keys: str) -> None:
        keys = _hashed(keys)
        now = self._clock()
        with _database(self._path()) as con:
            con.execute("DELETE FROM failures WHERE ? - last > ? AND next_allowed <= ?",
                        [now, FORGET_FAILURES_AFTER_SECONDS, now])
            held = {key: (0, 0.0) for key in keys}
            for key, count, next_allowed in con.execute(
                    f"SELECT key, count, next_allowed FROM failures WHERE key IN ({','.join('?' * len(keys))})",
                    keys):
                held[key] = (count, next_allowed)
            wait = max(next_allowed - now for _, next_allowed in held.values())
            if wait > 0:
                raise SignInLocked(wait)
            for key, (count, next_allowed) in held.items():
                count += 1
                extra = count - FREE_SIGN_IN_FAILURES
                if extra > 0:
                    next_allowed = now + min(self._first_delay() * 2 ** (extra - 1), MAX_SIGN_IN_DELAY_SECONDS)
                con.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", [key, count, now, next_allowed])

    def succeeded(self, *keys: str) -> None:
        keys = _hashed(keys)
        with _database(self._path()) as con:
            con.executemany("DELETE FROM failures WHERE key = ?", [(key,) for key in keys])
