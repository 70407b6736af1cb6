"""The audit trail: append-only, and chained so that a rewritten line is found.

Each line of `audit` has a hash in `audit_chain`: sha256 over the previous line's hash and the line's
own fields (id, time, user, action, load, detail), the way transparency logs chain their entries.
Changing, removing or inserting a line by hand (any DuckDB client can) breaks the chain from that
line on; `verify` finds the first break. The store only ever inserts here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from store import anchor
from store.primitives import next_id, now, require_write

# The hash before the first line.
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditBreak:
    """The first audit line that does not match the chain, and a sentence saying so."""

    audit_id: int
    sentence: str


def row_hash(previous: str, audit_id: int, audited_at: datetime, user_name: str, action: str,
             load_id: int | None, detail: str | None) -> str:
    """The chain hash of one line: sha256 of the previous hash and the line's canonical fields."""
    fields = [int(audit_id), pd.Timestamp(audited_at).isoformat(), user_name, action,
              None if load_id is None or pd.isna(load_id) else int(load_id), detail]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def append(con: duckdb.DuckDBPyConnection, *, user: str, action: str, load_id: int | None = None,
           detail: dict | None = None) -> int:
    """Add one line to the audit trail and chain it to the last; returns its id.

    Call it inside a write through the store's door (`Writing.audit`, store/door.py), whose lock keeps
    the chain in order.
    """
    require_write(con)
    text = json.dumps(detail or {}, default=str, sort_keys=True)
    audit_id = next_id(con, "audit")
    con.execute("INSERT INTO audit (audit_id, audited_at, user_name, action, load_id, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)", [audit_id, now(), user, action, load_id, text])
    audited_at = con.execute("SELECT audited_at FROM audit WHERE audit_id = ?", [audit_id]).fetchone()[0]
    previous = con.execute("SELECT row_hash FROM audit_chain ORDER BY audit_id DESC LIMIT 1").fetchone()
    con.execute("INSERT INTO audit_chain VALUES (?, ?)",
                [audit_id, row_hash(previous[0] if previous else GENESIS, audit_id, audited_at, user, action,
                                    load_id, text)])
    return audit_id


def chain_existing(con: duckdb.DuckDBPyConnection) -> None:
    """Hash every line not yet in the chain, in order (the migration that introduced the chain)."""
    rows = con.execute("""
        SELECT audit_id, audited_at, user_name, action, load_id, detail FROM audit
        WHERE audit_id NOT IN (SELECT audit_id FROM audit_chain) ORDER BY audit_id
    """).fetchall()
    previous = con.execute("SELECT row_hash FROM audit_chain ORDER BY audit_id DESC LIMIT 1").fetchone()
    last = previous[0] if previous else GENESIS
    for row in rows:
        last = row_hash(last, *row)
        con.execute("INSERT INTO audit_chain VALUES (?, ?)", [row[0], last])


def verify(con: duckdb.DuckDBPyConnection, archive_dir: Path | None) -> AuditBreak | None:
    """The first line that breaks the chain (changed, removed or added by hand), or how the chain differs
    from its anchor in `archive_dir` (the store's archive folder: `store.door.archive_dir_of`; None, as for an
    in-memory store, checks the chain alone); None when whole."""
    rows = con.execute("""
        SELECT coalesce(a.audit_id, c.audit_id) AS audit_id, a.audit_id IS NOT NULL AS present,
               a.audited_at, a.user_name, a.action, a.load_id, a.detail, c.row_hash
        FROM audit AS a FULL OUTER JOIN audit_chain AS c USING (audit_id)
        ORDER BY 1
    """).fetchall()
    last = GENESIS
    for audit_id, present, audited_at, user_name, action, load_id, detail, stored in rows:
        if not present:
            return AuditBreak(audit_id, f"Audit line {audit_id} has been deleted: the chain still holds its "
                                        "hash, so the trail was rewritten outside the dashboard.")
        where = f"Audit line {audit_id} ({action} by {user_name} at {audited_at:%Y-%m-%d %H:%M})"
        if stored is None:
            return AuditBreak(audit_id, f"{where} was added outside the dashboard: it has no place in the chain.")
        expected = row_hash(last, audit_id, audited_at, user_name, action, load_id, detail)
        if expected != stored:
            return AuditBreak(audit_id, f"{where} does not match the chain: it, or a line before it, was "
                                        "changed outside the dashboard.")
        last = stored
    return _against_anchor(con, archive_dir)


def _against_anchor(con: duckdb.DuckDBPyConnection, archive_dir: Path | None) -> AuditBreak | None:
    """The chain is whole; does it still reach the head anchored outside the store (store/anchor.py)?"""
    if archive_dir is None:
        return None
    sentence = anchor.check(con, archive_dir)
    if sentence is None:
        return None
    last = con.execute("SELECT max(audit_id) FROM audit").fetchone()[0]
    return AuditBreak(int(last or 0), sentence)


def entries(con: duckdb.DuckDBPyConnection, *, user: str | None = None, kind: str | None = None,
            since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """Audit lines, newest first, filtered by user, kind (action) and date (inclusive)."""
    return con.execute("""
        SELECT audit_id, audited_at, user_name, action, load_id, detail FROM audit
        WHERE ($user IS NULL OR user_name = $user) AND ($kind IS NULL OR action = $kind)
          AND ($since IS NULL OR audited_at >= $since::DATE)
          AND ($until IS NULL OR audited_at < $until::DATE + INTERVAL 1 DAY)
        ORDER BY audit_id DESC
    """, {"user": user, "kind": kind, "since": since, "until": until}).df()


def line_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many lines the audit holds."""
    return con.execute("SELECT count(*) FROM audit").fetchone()[0]


def users(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Everyone named in the audit, alphabetically."""
    return [name for (name,) in con.execute("SELECT DISTINCT user_name FROM audit ORDER BY 1").fetchall()]


def kinds(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every kind of audited change (load, undo, plan action changed, ...), alphabetically."""
    return [kind for (kind,) in con.execute("SELECT DISTINCT action FROM audit ORDER BY 1").fetchall()]
