"""Opening a store that already exists: the one way every command line and the dashboard open theirs.

A DuckDB file can be open to write in one process only, and the dashboard keeps its file open while
it runs. So a command that only reads (the board pack, the audit check) reads a snapshot: a private
copy of the file and its write-ahead log, taken under the file's lock (store/file_lock.py), so it is
the store as of the last committed write, opened read-only and deleted when closed. A command that
writes waits for the file, and after a while says to try again; it never writes anywhere else.
The shared store (DuckLake on PostgreSQL) is opened directly: many processes read and write it at once.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from store.door import LAKE, LOCK_WAIT_SECONDS, Store
from store.file_lock import locked
from store.primitives import RetryWrite
from store.schema import LATEST_VERSION, current_version, migrate
from store.settings import StoreLocation, location_of

# A copy is taken again when the file changed while it was copied (a checkpoint outside a write).
SNAPSHOT_ATTEMPTS = 3
# How often a command waiting to write looks again at a file another process holds.
RETRY_OPEN_SECONDS = 0.5


class StoreMissing(Exception):
    """There is no store where the command looked; nothing was done."""


def open_store(location: StoreLocation | Path | str = ":memory:", *, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at `location` (in memory by default) and migrate it forward
    to the current schema; a build, a test and `open_existing` start here."""
    if not isinstance(location, StoreLocation):
        location = None if str(location) == ":memory:" else StoreLocation("duckdb", Path(location))
    if location is not None and location.shared:
        con = _attach_lake(location, read_only=read_only)
    else:
        if location is not None:
            location.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(location.path) if location else ":memory:", read_only=read_only)
    # DuckDB's allocator keeps freed memory for reuse unless its background threads return it: without
    # them a server that stored a million-row upload kept a few hundred megabytes it no longer used.
    con.execute("SET allocator_background_threads = true")
    # A query running past two seconds (a big load on a busy machine) would otherwise draw DuckDB's progress
    # bar on the process's stdout: noise in the server log, and a stray line in any command's output.
    con.execute("SET enable_progress_bar = false")
    opened = Store(con, location)
    opened.read_only = read_only
    if not read_only:
        with opened.file_lock("open the store"):
            migrate(con)
    return opened


def open_existing(db: StoreLocation | Path | str, *, read_only: bool = False,
                  wait_seconds: float = LOCK_WAIT_SECONDS) -> Store:
    """The store `db` names (a StoreLocation, a DuckDB file's path, or `ducklake:postgres:...`), which
    must exist (StoreMissing otherwise).

    `read_only`: a snapshot of a DuckDB file, readable while the dashboard holds the file. Otherwise the
    file itself, waiting up to `wait_seconds` while another process holds it, then RetryWrite.
    """
    location = location_of(db)
    if location.shared:
        return open_store(location, read_only=read_only)
    if not location.path.exists():
        raise StoreMissing(f"there is no store at {location.path}; build it first with "
                           f"`python -m loaders build --db {location.path}`")
    if read_only:
        return _snapshot(location.path, wait_seconds)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return open_store(location)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise RetryWrite(f"{location.path} is held by another program (the dashboard, which lets no other "
                                 "program write to the file while it has it open), so nothing was written; make "
                                 "the change on the dashboard's Upload data page, or try again later.") from error
            time.sleep(RETRY_OPEN_SECONDS)


def _snapshot(path: Path, wait_seconds: float) -> Store:
    """A read-only copy of the store file at `path` as of its last committed write, deleted on close."""
    directory = Path(tempfile.mkdtemp(prefix="pbip-snapshot-"))
    copy = directory / path.name
    try:
        for _ in range(SNAPSHOT_ATTEMPTS):
            with locked(path, shared=True, wait_seconds=wait_seconds, action="read the store"):
                before = _state(path)
                _copy(path, copy)
                if _state(path) == before:
                    break
        else:
            raise RetryWrite("The store kept changing while it was being copied to read; try again.")
        opened = _open_current(copy)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    opened.on_close(lambda: shutil.rmtree(directory, ignore_errors=True))
    return opened


def _open_current(copy: Path) -> Store:
    """The copy, read-only, brought to the current schema first when the original is older."""
    opened = open_store(StoreLocation("duckdb", copy), read_only=True)
    if current_version(opened.connection) >= LATEST_VERSION:
        return opened
    opened.close()
    open_store(StoreLocation("duckdb", copy)).close()
    return open_store(StoreLocation("duckdb", copy), read_only=True)


def _files(path: Path) -> tuple[Path, Path]:
    return path, path.with_name(path.name + ".wal")


def _state(path: Path) -> tuple:
    """What would show a change to the file or its log: inode, size and modification time of each."""
    states = []
    for file in _files(path):
        try:
            status = os.stat(file)
        except FileNotFoundError:
            states.append(None)
        else:
            states.append((status.st_ino, status.st_size, status.st_mtime_ns))
    return tuple(states)


def _copy(path: Path, copy: Path) -> None:
    for source, target in zip(_files(path), _files(copy), strict=True):
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)


def extension_file(name: str) -> Path:
    """The extension's file inside its PyPI wheel (duckdb-extension-<name>), for this DuckDB version."""
    package = importlib.import_module(f"duckdb_extension_{name}")
    return (Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
            / f"{name}.duckdb_extension")


def _attach_lake(location: StoreLocation, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the shared store attached as `pbip` and in use."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    attach(con, location, LAKE, read_only=read_only)
    con.execute(f"USE {LAKE}")
    return con


def attach(con: duckdb.DuckDBPyConnection, location: StoreLocation, alias: str, *, read_only: bool = False) -> None:
    """Attach another store to `con` under `alias` (copying between stores reads one from the other).

    DuckLake's extensions are loaded from their wheels' files, so nothing is downloaded at run time.
    """
    options = ["READ_ONLY"] if read_only else []
    if location.shared:
        for name in ("postgres_scanner", "ducklake"):
            con.execute(f"LOAD '{extension_file(name)}'")
        location.path.mkdir(parents=True, exist_ok=True)
        options.append(f"DATA_PATH '{_quoted(str(location.path).rstrip('/') + '/')}'")
        target = "ducklake:" + location.catalog
    else:
        target = str(location.path)
    con.execute(f"ATTACH '{_quoted(target)}' AS {alias}" + (f" ({', '.join(options)})" if options else ""))


def _quoted(text: str) -> str:
    return text.replace("'", "''")
