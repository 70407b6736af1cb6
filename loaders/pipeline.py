"""One file into the store: recognise, read, validate, then hand the Extract to the store.

Nothing is written until the whole file has been read and checked. The write itself is one write
through the store's door (store/door.py, store/loads.py), so on any error the store is exactly as it
was. The raw file is archived under its sha256 and the load is recorded, with the user, in the audit
trail. Everything about a load once read (preview, undo, history) is `store.loads`; this module reads
files and stores them with their raw file archived (`load_into`, `confirm_load`, `load_file`).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

import possible_values
import store
from loaders import cells
from loaders.errors import LoadError, Problems, quoted, shown_file_name
from loaders.extract import Extract, StoreContext, lookup
from loaders.layouts import BY_NAME, detect_layout
from loaders.repeats import report_repeats
from store import archive as store_archive
from store import loads, writes
from store.roles import User
from store.settings import location_of

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


def store_context(con, today: date | None = None) -> StoreContext:
    """What reading and validating a file needs to know about the store."""
    indicators, codes = loads.validation_reference(con)
    return StoreContext(indicators=indicators, area_codes=codes, today=today or date.today())


def read_file(path: Path | str, context: StoreContext, *, file: str | None = None,
              layout: str | None = None, size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB) -> Extract:
    """Recognise, read and validate a file without touching the store."""
    path = Path(path)
    file = shown_file_name(file or path.name)
    if not path.is_file():
        raise LoadError("does not exist", file=file)
    size = path.stat().st_size
    check_size(size, size_limit_mb, file)
    if size == 0:
        raise LoadError("is empty", file=file)
    chosen = BY_NAME[layout] if layout else detect_layout(path, file)
    try:
        extract = chosen.read(path, file, context)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, MemoryError, csv.Error) as error:
        # A file so damaged a reader trips on it still ends in a sentence, never a stack trace.
        raise LoadError(f"cannot be read as {chosen.description} ({type(error).__name__}: "
                        f"{quoted(error)})", file=file) from error
    validate(extract, context, file)
    return extract


def check_size(size: int, size_limit_mb: float, file: str) -> None:
    """LoadError when a file of `size` bytes is above the upload limit (checked before it is read)."""
    if size > size_limit_mb * 1024 * 1024:
        raise LoadError(f"is {size / 1024 / 1024:.1f} MB, above the {size_limit_mb:g} MB limit; "
                        "split it or ask for the limit to be raised", file=file)


def validate(extract: Extract, context: StoreContext, file: str) -> None:
    """Checks every layout shares: known indicators and areas, no future periods, possible values,
    each indicator, area and period once, and text short and safe. Raises one LoadError listing all."""
    problems = Problems(file)
    frame = extract.observations
    if frame is None or frame.empty or extract.validated:
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
    _check_possible(frame, context, flag)
    notes = frame["value_note"]
    if notes.notna().any():
        cells.check_text(notes.fillna("").astype("str"), "value_note", problems, rows=rows)
    report_repeats(frame[["indicator_id", "area_code", "period_start"]], problems, "period_start",
                   "indicator, area and period", rows=rows)
    problems.raise_if_any()


def _check_possible(frame: pd.DataFrame, context: StoreContext, flag) -> None:
    """Every number is finite and within its indicator's possible range (possible_values.py)."""
    for column in ("numerator", "denominator"):
        if column in frame:
            flag(possible_values.impossible_amount(frame[column]), column,
                 f'"{{value}}" is not a possible {column} (a number from 0 to '
                 f'{possible_values.MAX_AMOUNT:,.0f})')
    if "denominator" in frame:
        zero = pd.to_numeric(frame["denominator"], errors="coerce") == 0
        flag(zero, "denominator", '"{value}" is 0; a denominator must be above 0')
    if "value" not in frame or not frame["value"].notna().any():
        return
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    for indicator_id in frame["indicator_id"][frame["value"].notna()].unique():
        if indicator_id not in context.indicators.index:
            continue
        kind = str(context.indicators.at[indicator_id, "value_kind"])
        multiplier = context.indicators.at[indicator_id, "multiplier"]
        upper = possible_values.upper_bound(kind, multiplier)
        mask = (frame["indicator_id"] == indicator_id) & possible_values.impossible(frame["value"], upper)
        flag(mask & np.isfinite(values), "value",
             f'"{{value}}" is not possible for {indicator_id} (values are '
             f'{possible_values.bound_text(kind, multiplier)})')
        flag(mask & ~np.isfinite(values), "value",
             '"{value}" is not a finite number (a denominator near 0 gives an infinite value)')


def _store_archived(con, path: Path, extract: Extract, *, file: str, user: User | str | None,
                    archive_dir: Path, action: str, expected_version: str | None = None,
                    is_demonstration: bool = False, journal: bool = True) -> LoadResult:
    """Archive the raw file and store the extract in one write; a failed write leaves no new archive file."""
    with store.writing(con, user=user, action=action) as write:
        loads.check_version(write.con, expected_version)
        sha256 = sha256_of(path)
        kept = store_archive.keep_for(write, path, sha256, archive_dir)
        stored = loads.store_extract(write.con, extract, file=file, sha256=sha256, user=user,
                                     is_demonstration=is_demonstration)
        result = LoadResult(stored.load_id, file, extract.layout, sha256, extract.row_count, stored.counts)
        if journal:
            write.after_commit(lambda: store_archive.record_load(archive_dir, result, kept, user=write.user,
                                                                 is_demonstration=is_demonstration))
    return result


def load_into(con, path: Path | str, *, user: User | str | None, archive_dir: Path,
              file: str | None = None, layout: str | None = None, is_demonstration: bool = False,
              size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB, journal: bool = True) -> LoadResult:
    """Load one file into an open store: all of it, or (raising LoadError) none of it.

    `user` is the signed-in `User` (who must be an analyst) or, for a script or the command line, a name.
    The load is added to the archive's journal unless `journal` is False (the build writes its own).
    """
    store.door.writer(user)
    path = Path(path)
    file = file or path.name
    extract = read_file(path, store_context(con), file=file, layout=layout, size_limit_mb=size_limit_mb)
    return _store_archived(con, path, extract, file=file, user=user, archive_dir=archive_dir, action="load",
                           is_demonstration=is_demonstration, journal=journal)


def load_file(path: Path | str, db: Path | str, user: str, *, layout: str | None = None,
              size_limit_mb: float = DEFAULT_SIZE_LIMIT_MB) -> LoadResult:
    """Recognise, validate and load one file into the store at `db`, atomically."""
    location = location_of(db)
    opened = store.open_existing(location)
    try:
        return load_into(opened, path, user=user, archive_dir=location.archive_dir, layout=layout,
                         size_limit_mb=size_limit_mb)
    finally:
        opened.close()


# --- Confirming a previewed load, for the upload page -------------------------------------------


def confirm_load(con, path: Path | str, extract: Extract, *, user: User | None, archive_dir: Path,
                 file: str | None = None, expected_version: str | None = None,
                 is_demonstration: bool = False) -> LoadResult:
    """Store a previewed extract for an analyst: archive the raw file, write in one transaction, audit.

    With `expected_version` (from the preview), refuses with RetryWrite when another load was stored
    or undone since the preview, so nobody confirms a preview that no longer describes the change.
    """
    path = Path(path)
    return _store_archived(con, path, extract, file=file or path.name, user=user, archive_dir=archive_dir,
                           action="confirm", expected_version=expected_version, is_demonstration=is_demonstration)
