"""The archive beside the store: every raw file loaded, kept under its sha256, and a journal of loads.

The journal (`journal.jsonl`, one line per load or undo) lives outside the database file, so when the
store file is lost the loads still standing can be replayed from the archive alone
(`loaders.build.ensure_store`). It is written after each load or undo commits.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from store.primitives import StoreWriteFailed

JOURNAL = "journal.jsonl"


@dataclass(frozen=True)
class StandingLoad:
    """A load a rebuild replays: its file (by sha256), layout, who made it and whether it was invented."""

    load_id: int
    file: str
    sha256: str
    layout: str | None
    user: str
    is_demonstration: bool


def keep(path: Path, sha256: str, archive_dir: Path) -> Path:
    """Keep the raw file under its sha256 (the same file twice is kept once)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    target = archived_path(path, sha256, archive_dir)
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=archive_dir, prefix=".incoming-")
        os.close(handle)
        try:
            shutil.copyfile(path, temporary)
            os.replace(temporary, target)
        except OSError as error:
            # A disk that fills part way leaves no half-copied file behind, and says so in a sentence.
            Path(temporary).unlink(missing_ok=True)
            raise StoreWriteFailed(f"The raw file could not be kept in the archive ({error.strerror or error}), so "
                                   "nothing was stored. Ask whoever runs the dashboard to free some space on the "
                                   "disk holding the store, then try again.") from error
    return target


def archived_path(path: Path, sha256: str, archive_dir: Path) -> Path:
    return archive_dir / f"{sha256}{''.join(Path(path).suffixes[-1:]).lower()}"


def keep_for(write, path: Path, sha256: str, archive_dir: Path) -> Path:
    """Keep the raw file for a write through the door; if the write rolls back, a file it added goes."""
    existed = archived_path(path, sha256, archive_dir).exists()
    kept = keep(path, sha256, archive_dir)
    if not existed:
        write.after_rollback(lambda: kept.unlink(missing_ok=True))
    return kept


def _append(archive_dir: Path, entry: dict) -> None:
    archive_dir.mkdir(parents=True, exist_ok=True)
    with open(archive_dir / JOURNAL, "a", encoding="utf-8") as journal:
        journal.write(json.dumps({**entry, "at": datetime.now().isoformat(timespec="seconds")}) + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def record_load(archive_dir: Path, result, kept: Path, *, user: str, is_demonstration: bool = False) -> None:
    """Add a committed load to the journal."""
    _append(archive_dir, {"event": "load", "load_id": result.load_id, "file": result.file, "sha256": result.sha256,
                          "layout": result.layout, "user": user, "is_demonstration": is_demonstration,
                          "archived_as": kept.name})


def record_undo(archive_dir: Path, load_id: int, *, user: str) -> None:
    """Add a committed undo to the journal."""
    _append(archive_dir, {"event": "undo", "load_id": load_id, "user": user})


def _entries(archive_dir: Path) -> list[dict] | None:
    path = Path(archive_dir) / JOURNAL
    if not path.exists():
        return None
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def not_described(store_loads: list[StandingLoad], archive_dir: Path) -> str | None:
    """Why a store is not the one the journal describes (in words), or None when it is, or there is no journal.

    The journal is written after each load and undo commits, so the store holds every load the journal
    says stands (it may hold one more: a crash between the commit and the journal's line); a store missing
    one, or holding a load the journal says was undone, is another store (an older copy, a replaced file).
    """
    entries = _entries(archive_dir)
    if not entries:
        return None
    undone = {entry["load_id"] for entry in entries if entry["event"] == "undo"}
    journal = {(entry["load_id"], entry["sha256"]) for entry in entries
               if entry["event"] == "load" and entry["load_id"] not in undone}
    held = {(load.load_id, load.sha256) for load in store_loads}
    missing = journal - held
    if missing:
        return (f"it lacks {len(missing)} of the {len(journal)} confirmed loads the archive's journal records"
                if len(missing) > 1 else f"it lacks a confirmed load the archive's journal records ({len(journal)} "
                "in all)")
    revived = {load_id for load_id, _ in held if load_id in undone}
    if revived:
        return f"it still holds {len(revived)} loads the archive's journal records as undone"
    return None


def standing(archive_dir: Path) -> list[StandingLoad]:
    """The journal's loads not undone, in the order they were made (empty without a journal)."""
    path = Path(archive_dir) / JOURNAL
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    undone = {entry["load_id"] for entry in entries if entry["event"] == "undo"}
    return [StandingLoad(entry["load_id"], entry["file"], entry["sha256"], entry.get("layout"), entry["user"],
                         bool(entry.get("is_demonstration", False)))
            for entry in entries if entry["event"] == "load" and entry["load_id"] not in undone]


def rewrite(archive_dir: Path, loads: list[StandingLoad]) -> None:
    """Replace the journal with these loads (after a build or a rebuild gave them new load ids)."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=archive_dir, prefix=".journal-")
    with os.fdopen(handle, "w", encoding="utf-8") as journal:
        for load in loads:
            journal.write(json.dumps({"event": "load", "load_id": load.load_id, "file": load.file,
                                      "sha256": load.sha256, "layout": load.layout, "user": load.user,
                                      "is_demonstration": load.is_demonstration}) + "\n")
        journal.flush()
        os.fsync(journal.fileno())
    os.replace(temporary, archive_dir / JOURNAL)
