"""Copying a whole store into another: an embedded DuckDB file into the shared store, or back.

Every table is copied (load history, undone loads, the audit and its hash chain, plan history,
comparator groups), in one write through the target's door, and the copy is refused (rolled back)
unless `observations` and every table's rows read the same in both afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import door
from store.door import Store
from store.settings import StoreLocation

SOURCE = "copy_source"
# The schema's own bookkeeping: the target already holds it (opening a store migrates it).
NOT_COPIED = {"schema_version"}


class TargetNotEmpty(Exception):
    """The target already holds an audit trail, and replacing it was not asked for; nothing was written."""


class CopyMismatch(Exception):
    """The copy did not read back the same as its source; nothing was written."""


@dataclass(frozen=True)
class Copied:
    """What a copy did: rows per table, and the number of current observations compared."""

    tables: dict[str, int]
    observations: int


def copy_store(source: StoreLocation, target: StoreLocation, *, user: str, replace: bool = False) -> Copied:
    """Replace everything in `target` with the contents of `source` (both migrated to the latest schema).

    The audit is append-only, so a target that already has audit lines is refused (TargetNotEmpty) unless
    `replace` says its whole history is to go (a rebuild does). Returns the rows copied per table;
    CopyMismatch (and nothing written) when the target would differ from the source.
    """
    Store.open(source).close()  # brings the source to the current schema, so the tables match
    into = Store.open(target)
    try:
        con = into.connection
        door.attach(con, source, SOURCE, read_only=True)
        try:
            with door.writing(into, user=user, action="copy the store") as write:
                held = write.con.execute("SELECT count(*) FROM audit").fetchone()[0]
                if held and not replace:
                    raise TargetNotEmpty(f"{target} already holds a store ({held:,} audit lines); copying would "
                                         "replace its history, so nothing was written (give --replace to do it)")
                copied = _copy_tables(write.con)
                observations = _check_same(write.con, copied)
                _advance_sequences(write.con)
                write.audit("store copied", detail={"from": str(source), "tables": copied,
                                                    "observations": observations})
        finally:
            con.execute(f"DETACH {SOURCE}")
    finally:
        into.close()
    return Copied(copied, observations)


def _tables(con, catalog: str) -> list[str]:
    return [name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = ? AND table_schema = 'main' ORDER BY table_name", [catalog]).fetchall()
        if name not in NOT_COPIED]


def _copy_tables(con) -> dict[str, int]:
    copied = {}
    for table in _tables(con, SOURCE):
        con.execute(f'DELETE FROM "{table}"')
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM {SOURCE}.main."{table}"')
        copied[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return copied


def _check_same(con, copied: dict[str, int]) -> int:
    """The number of current observations, once every table and `observations` read the same in both."""
    for relation in [*copied, "observations"]:
        differing = con.execute(f"""
            SELECT (SELECT count(*) FROM (SELECT * FROM {SOURCE}.main."{relation}"
                                          EXCEPT ALL SELECT * FROM "{relation}"))
                 + (SELECT count(*) FROM (SELECT * FROM "{relation}"
                                          EXCEPT ALL SELECT * FROM {SOURCE}.main."{relation}"))
        """).fetchone()[0]
        if differing:
            raise CopyMismatch(f'the copy of "{relation}" differs from its source in {differing:,} rows, '
                               "so nothing was written")
    return con.execute("SELECT count(*) FROM observations").fetchone()[0]


def _advance_sequences(con) -> None:
    """A DuckDB file's sequences continue after the ids copied into it, so no id is handed out twice."""
    if door.is_shared(con):
        return
    for sequence, columns in door.ID_SOURCES.values():
        used = " UNION ALL ".join(f"SELECT max({column}) AS id FROM {table}" for table, column in columns)
        highest = con.execute(f"SELECT coalesce(max(id), 0) FROM ({used})").fetchone()[0]
        drawn = con.execute(f"SELECT nextval('{sequence}')").fetchone()[0]
        if drawn < highest:
            con.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [highest - drawn])
