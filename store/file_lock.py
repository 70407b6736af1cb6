"""The lock beside a DuckDB store file that every process writing to the file, or copying it, takes.

DuckDB lets one process at a time open a file to write, so the dashboard holds its store file for as
long as it runs. A command that only reads (the board pack, the audit check) therefore reads a copy:
it takes this lock shared, copies the file and its write-ahead log, and lets go. Every write through
the door (and every checkpoint on closing) holds it exclusively, so a copy is never taken half-way
through a write: it is the store as of the last committed write.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.primitives import RetryWrite

# How often a waiting process looks again at a lock another holds.
POLL_SECONDS = 0.05


def lock_path(db_path: Path) -> Path:
    """The lock file beside the store file `db_path`."""
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def locked(db_path: Path, *, shared: bool, wait_seconds: float, action: str) -> Iterator[None]:
    """Hold the store file's lock (shared for a copy, exclusive for a write) for the block.

    Waits up to `wait_seconds` for another process's write to finish, then RetryWrite, saying to
    `action` again; nothing has been done by then.
    """
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(handle, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RetryWrite(f"Another change to the store is still running; {action} again in a "
                                     "minute.") from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
