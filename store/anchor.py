"""The audit chain's anchor outside the store: how many lines it had and its last hash, signed.

The hash chain (store/audit.py) finds a line changed in the middle, but not one cut from the end, a trail
emptied, or a trail changed and its chain recomputed: each of those leaves a chain that is whole. So after
every write the door records the chain's head here, in `audit_anchor.json` in the store's archive folder
(beside the journal, never in the store), with an HMAC under a key kept beside the accounts file (the
session secret's, so every server of a shared store has it). `check` compares the store with it:

- the anchored last line is gone: the trail was cut from the end (or emptied);
- the anchored line is there with another hash: the trail was changed and its chain recomputed;
- fewer lines up to the anchored one than anchored: lines were removed and the chain recomputed;
- the anchor's own signature does not match: the anchor file was changed.

A write never moves an anchor the store no longer matches, so the evidence stays until someone looks.
A build, a rebuild from the archive and a copy into a store start a new anchor (`start`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from store.secret import secret

ANCHOR = "audit_anchor.json"
_PURPOSE = b"pbip audit anchor"


@dataclass(frozen=True)
class Head:
    """The audit chain as it stands: how many lines, the last line's id and its chain hash."""

    count: int
    last_id: int | None
    row_hash: str | None


def _key() -> bytes:
    """A key for the anchor alone, derived from the deployment's secret (store/secret.py)."""
    return hmac.new(secret(), _PURPOSE, hashlib.sha256).digest()


def _mac(head: Head) -> str:
    message = json.dumps([head.count, head.last_id, head.row_hash]).encode("utf-8")
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def head(con: duckdb.DuckDBPyConnection) -> Head:
    """The store's chain head now."""
    count = con.execute("SELECT count(*) FROM audit").fetchone()[0]
    row = con.execute("SELECT audit_id, row_hash FROM audit_chain ORDER BY audit_id DESC LIMIT 1").fetchone()
    return Head(int(count), int(row[0]) if row else None, row[1] if row else None)


def read(archive_dir: Path) -> tuple[Head, bool] | None:
    """The anchored head and whether its signature holds; None when there is no anchor."""
    path = Path(archive_dir) / ANCHOR
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        anchored = Head(int(data["count"]), data["last_id"], data["row_hash"])
        return anchored, hmac.compare_digest(str(data.get("mac", "")), _mac(anchored))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return Head(0, None, None), False


def _write(archive_dir: Path, now: Head) -> None:
    archive_dir = Path(archive_dir)
    archive_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=archive_dir, prefix=".anchor-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"count": now.count, "last_id": now.last_id, "row_hash": now.row_hash, "mac": _mac(now)}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, archive_dir / ANCHOR)


def start(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> None:
    """Anchor this store's chain as it is (a new build, a rebuild, a copy): the old anchor described another."""
    _write(archive_dir, head(con))


def record(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> None:
    """After a write: move the anchor to the chain's new head, unless the store no longer matches it."""
    if check(con, archive_dir) is not None:
        return
    _write(archive_dir, head(con))


def check(con: duckdb.DuckDBPyConnection, archive_dir: Path) -> str | None:
    """One sentence saying how the store's audit differs from its anchor, or None when it matches."""
    found = read(archive_dir)
    if found is None:
        return None
    anchored, signed = found
    if not signed:
        return ("The audit's anchor (kept outside the store) has been changed or does not belong to this "
                "installation, so the trail cannot be checked against it.")
    if anchored.last_id is None:
        return None
    now = head(con)
    if now.count == 0:
        return (f"The audit trail has been emptied: its anchor records {anchored.count:,} lines, up to line "
                f"{anchored.last_id}, and the store holds none.")
    row = con.execute("SELECT row_hash FROM audit_chain WHERE audit_id = ?", [anchored.last_id]).fetchone()
    present = con.execute("SELECT count(*) FROM audit WHERE audit_id = ?", [anchored.last_id]).fetchone()[0]
    if row is None or not present:
        return (f"The audit trail has been cut from the end: its anchor records {anchored.count:,} lines, up to "
                f"line {anchored.last_id}; the store holds {now.count:,}, up to line {now.last_id}.")
    if row[0] != anchored.row_hash:
        return (f"The audit trail has been changed and its chain recomputed: line {anchored.last_id} no longer "
                "has the hash its anchor recorded.")
    upto = con.execute("SELECT count(*) FROM audit WHERE audit_id <= ?", [anchored.last_id]).fetchone()[0]
    if upto != anchored.count:
        return (f"Lines have been removed from the audit trail and its chain recomputed: its anchor records "
                f"{anchored.count:,} lines up to line {anchored.last_id}, the store {upto:,}.")
    return None
