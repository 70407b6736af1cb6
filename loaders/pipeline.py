"""One file into the store: recognise, read, validate, then store in one transaction.

Nothing is written until the whole file has been read and checked. The write itself is a single
DuckDB transaction, so on any error the store is exactly as it was. The raw file is archived under
its sha256 and the load is recorded, with the user, in the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

import store
from loaders import cells
from loaders.errors import LoadError, Problems, quoted, shown_file_name
from loaders.extract import Extract, StoreContext, lookup
from loaders.layouts import BY_NAME, detect_layout
from loaders.repeats import report_repeats
from store import preview as store_preview
from store import writes
from store.settings import archive_dir_for
from store.users import User, require_role

DEFAULT_SIZE_LIMIT_MB = 50.0


@dataclass(frozen=True)
class LoadResult:
    load_id: int
    file: str
    layout: str
    sha256: str
    rows: int
    counts: writes.RowCounts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_context(con: duckdb.DuckDBPyConnection, today: date | None = None) -> StoreContext:
    indicators = con.execute("SELECT * FROM indicators").df().set_index("indicator_id")
    codes = frozenset(code for (code,) in con.execute("SELECT area_code FROM areas").fetchall())
    return StoreContext(indicators=indicators, area_codes=codes, today=today or date.today())


def read_file(path: Path | str, context: StoreContext, *, file: str | None = None,
              layout: str | None = None, size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB) -> Extract:
    """Recognise, read and validate a file without touching the store."""
    path = Path(path)
    file = shown_file_name(file or path.name)
    if not path.is_file():
        raise LoadError("does not exist", file=file)
    size = path.stat().st_size
    if size > size_limit_mb * 1024 * 1024:
        raise LoadError(f"is {size / 1024 / 1024:.1f} MB, above the {size_limit_mb:g} MB limit; "
                        "split it or ask for the limit to be raised", file=file)
    if size == 0:
        raise LoadError("is empty", file=file)
    chosen = BY_NAME[layout] if layout else detect_layout(path, file)
    try:
        extract = chosen.read(path, file, context)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, MemoryError) as error:
        # A file so damaged a reader trips on it still ends in a sentence, never a stack trace.
        raise LoadError(f"cannot be read as {chosen.description} ({type(error).__name__}: "
                        f"{quoted(error)})", file=file) from error
    validate(extract, context, file)
    return extract


def validate(extract: Extract, context: StoreContext, file: str) -> None:
    """Checks every layout shares: known indicators and areas, no future periods, possible values,
    each indicator, area and period once, and text short and safe. Raises one LoadError listing all."""
    problems = Problems(file)
    frame = extract.observations
    if frame is None or frame.empty:
        return
    rows = frame["source_row"] if "source_row" in frame else pd.Series(frame.index + 2, index=frame.index)

    def flag(mask: pd.Series, column: str, message: str) -> None:
        if mask.any():  # quoting a million cells as text costs seconds; only quote when there is a problem
            shown = frame[column] if column in frame else frame["indicator_id"]
            problems.flag(mask, column, message, shown.astype("str"), rows)

    flag(~frame["indicator_id"].isin(context.indicators.index), "indicator_id", '"{value}" is not a known indicator')
    known = set(context.area_codes)
    if extract.areas is not None:
        known |= set(extract.areas["area_code"])
    flag(~frame["area_code"].isin(known), "area_code",
         '"{value}" is not an area code the dashboard knows (ONS codes such as E06000014)')
    flag(pd.to_datetime(frame["period_start"]) > pd.Timestamp(context.today), "period_start",
         '"{value}" is in the future')
    kind = lookup(frame["indicator_id"], context.indicators["value_kind"])
    percentage = kind == "percentage"
    flag(percentage & (frame["numerator"].astype(float) > frame["denominator"].astype(float)), "numerator",
         '"{value}" is larger than the denominator, impossible for a percentage')
    flag(percentage & (pd.to_numeric(frame["value"], errors="coerce") > 100), "value",
         '"{value}" is above 100, impossible for a percentage')
    notes = frame["value_note"]
    if notes.notna().any():
        cells.check_text(notes.fillna("").astype("str"), "value_note", problems, rows=rows)
    report_repeats(frame[["indicator_id", "area_code", "period_start"]], problems, "period_start",
                   "indicator, area and period", rows=rows)
    problems.raise_if_any()


def archive(path: Path, sha256: str, archive_dir: Path) -> Path:
    """Keep the raw file under its sha256 (the same file twice is kept once)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archive_dir / f"{sha256}{''.join(Path(path).suffixes[-1:]).lower()}"
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=archive_dir, prefix=".incoming-")
        os.close(handle)
        shutil.copyfile(path, temporary)
        os.replace(temporary, target)
    return target


def store_extract(con: duckdb.DuckDBPyConnection, extract: Extract, *, file: str, sha256: str,
                  user: str, is_demonstration: bool = False) -> LoadResult:
    """Write a validated extract in one transaction, with its load record and audit line."""
    if not user or not user.strip():
        raise ValueError("a load must name the user who made it")
    with store.transaction(con):
        load_id = writes.record_load(con, file_name=file, sha256=sha256, loader=extract.layout,
                                     row_count=extract.row_count, user=user,
                                     is_demonstration=is_demonstration)
        indicator_ids = ([] if extract.observations is None
                         else extract.observations["indicator_id"].astype(str).unique().tolist())
        store_preview.record_prior_state(con, load_id, indicator_ids, extract.areas)
        if extract.areas is not None:
            writes.upsert_areas(con, extract.areas)
        counts = writes.RowCounts()
        if extract.populations is not None:
            counts += writes.store_populations(con, extract.populations, load_id=load_id)
        if extract.observations is not None:
            counts += writes.store_observations(con, extract.observations, load_id=load_id,
                                                is_demonstration=is_demonstration)
        writes.append_audit(con, user=user, action="load", load_id=load_id,
                            detail={"file": file, "layout": extract.layout, "sha256": sha256,
                                    "is_demonstration": is_demonstration,
                                    "added": counts.added, "changed": counts.changed,
                                    "unchanged": counts.unchanged})
    return LoadResult(load_id, file, extract.layout, sha256, extract.row_count, counts)


def load_into(con: duckdb.DuckDBPyConnection, path: Path | str, *, user: str, archive_dir: Path,
              file: str | None = None, layout: str | None = None, is_demonstration: bool = False,
              size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB) -> LoadResult:
    """Load one file into an open store: all of it, or (raising LoadError) none of it."""
    path = Path(path)
    file = file or path.name
    extract = read_file(path, store_context(con), file=file, layout=layout, size_limit_mb=size_limit_mb)
    sha256 = sha256_of(path)
    existed = (archive_dir / f"{sha256}{''.join(path.suffixes[-1:]).lower()}").exists()
    archived = archive(path, sha256, archive_dir)
    try:
        return store_extract(con, extract, file=file, sha256=sha256, user=user,
                             is_demonstration=is_demonstration)
    except Exception:
        if not existed:
            archived.unlink(missing_ok=True)
        raise


def load_file(path: Path | str, db: Path | str, user: str, *, layout: str | None = None,
              size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB) -> LoadResult:
    """Recognise, validate and load one file into the store at `db`, atomically."""
    con = store.connect(db)
    try:
        return load_into(con, path, user=user, archive_dir=archive_dir_for(db), layout=layout,
                         size_limit_mb=size_limit_mb)
    finally:
        con.close()


# --- Preview, confirm and undo, for the upload page ------------------------------------------------

# One writer at a time in this process: two analysts confirming at the same moment are stored one
# after the other (DuckDB itself lets only one process write a file).
_WRITE_LOCK = threading.Lock()
_LOCK_WAIT_SECONDS = 30


class RetryLoad(Exception):
    """The store changed, or was busy, while a load was being confirmed; the message says what to do."""


def preview(con: duckdb.DuckDBPyConnection, extract: Extract, *,
            is_demonstration: bool = False) -> store_preview.Preview:
    """What storing this extract would add, change and leave as it is; writes nothing."""
    return store_preview.preview(con, extract.observations, extract.populations,
                                 is_demonstration=is_demonstration)


@contextmanager
def _writer(action: str) -> Iterator[None]:
    if not _WRITE_LOCK.acquire(timeout=_LOCK_WAIT_SECONDS):
        raise RetryLoad(f"Another change to the store is still running; {action} again in a minute.")
    try:
        yield
    except duckdb.TransactionException as error:
        raise RetryLoad(f"Someone else changed the same rows at the same moment; {action} again "
                        f"({error}).") from error
    finally:
        _WRITE_LOCK.release()


def confirm_load(con: duckdb.DuckDBPyConnection, path: Path | str, extract: Extract, *, user: User,
                 archive_dir: Path, file: str | None = None, expected_version: str | None = None,
                 is_demonstration: bool = False) -> LoadResult:
    """Store a previewed extract for an analyst: archive the raw file, write in one transaction, audit.

    With `expected_version` (from the preview), refuses with RetryLoad when another load was stored
    or undone since the preview, so nobody confirms a preview that no longer describes the change.
    """
    require_role(user, "analyst")
    path = Path(path)
    file = file or path.name
    with _writer("confirm"):
        if expected_version is not None and store_preview.store_version(con) != expected_version:
            raise RetryLoad("The store has changed since this preview (another load was confirmed or "
                            "undone); check the preview again, then confirm.")
        sha256 = sha256_of(path)
        existed = (archive_dir / f"{sha256}{''.join(path.suffixes[-1:]).lower()}").exists()
        archived = archive(path, sha256, archive_dir)
        try:
            return store_extract(con, extract, file=file, sha256=sha256, user=user.name,
                                 is_demonstration=is_demonstration)
        except Exception:
            if not existed:
                archived.unlink(missing_ok=True)
            raise


def undo_load(con: duckdb.DuckDBPyConnection, load_id: int, *, user: User) -> writes.RowCounts:
    """Take a load back for an analyst, exactly and audited; UndoRefused says why when it is unsafe."""
    require_role(user, "analyst")
    with _writer("undo"):
        return store_preview.undo_load(con, int(load_id), user=user.name)


def previous_load_of(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str, str] | None:
    """The latest load still in the store of the file with this sha256: (load id, by whom, when)."""
    row = con.execute("SELECT load_id, loaded_by, loaded_at FROM loads WHERE sha256 = ? "
                      "ORDER BY load_id DESC LIMIT 1", [sha256]).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]))


def rebuild_from_archive(source: duckdb.DuckDBPyConnection, target: Path | str, archive_dir: Path) -> int:
    """Build a new store at `target` by replaying, in audit order, every load not undone.

    Reads only the audit trail and the raw files archived by sha256; returns how many loads it
    replayed. The observations it gives are those of the source store.
    """
    from loaders.build import load_reference

    replay = source.execute("""
        SELECT a.load_id, a.user_name, a.detail FROM audit AS a
        WHERE a.action = 'load'
          AND a.load_id NOT IN (SELECT load_id FROM audit WHERE action = 'undo' AND load_id IS NOT NULL)
        ORDER BY a.audit_id
    """).fetchall()
    con = store.connect(target)
    try:
        load_reference(con, user="rebuild from archive")
        for _load_id, user, detail in replay:
            entry = json.loads(detail)
            matches = sorted(Path(archive_dir).glob(f"{entry['sha256']}*"))
            if not matches:
                raise FileNotFoundError(f"the archive has no file with sha256 {entry['sha256']} "
                                        f"({entry['file']})")
            layout = entry.get("layout") if entry.get("layout") in BY_NAME else None
            extract = read_file(matches[0], store_context(con), file=entry["file"], layout=layout,
                                size_limit_mb=float("inf"))
            store_extract(con, extract, file=entry["file"], sha256=entry["sha256"], user=user,
                          is_demonstration=bool(entry.get("is_demonstration", False)))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return len(replay)
