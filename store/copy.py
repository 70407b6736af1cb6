"""Copying a whole store into another: an embedded DuckDB file into the shared store, or back.

Every table is copied (load history, undone loads, the audit and its hash chain, plan history,
comparator groups), in one write through the target's door, and the copy is refused (rolled back)
unless `observations` and every table's rows read the same in both afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import door
from store.opening import open_store
from store.primitives import ID_SOURCES, is_lake
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

    Rows travel as Arrow tables between the two stores' own connections (no ATTACH), so a source file
    this process already has open (the dashboard's, a test's) is read through that same database.
    """
    source_store = open_store(source)  # brings the source to the current schema, so the tables match
    into = open_store(target)
    try:
        reader = source_store.read()
        with door.snapshot(reader):
            with door.writing(into, user=user, action="copy the store") as write:
                held = write.con.execute("SELECT count(*) FROM audit").fetchone()[0]
                if held and not replace:
                    raise TargetNotEmpty(f"{target} already holds a store ({held:,} audit lines); copying would "
                                         "replace its history, so nothing was written (give --replace to do it)")
                copied = {table: _copy_table(reader, write.con, table) for table in _tables(reader)}
                observations = _check_same(reader, write.con, "observations")
                _advance_sequences(write.con)
                write.audit("store copied", detail={"from": str(source), "tables": copied,
                                                    "observations": observations})
    finally:
        into.close()
        source_store.close()
    return Copied(copied, observations)


def _tables(con) -> list[str]:
    return [name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
        "AND table_catalog = current_database() AND table_schema = 'main' ORDER BY table_name").fetchall()
        if name not in NOT_COPIED]


def _copy_table(reader, con, table: str) -> int:
    """Replace `table` in the target with the source's rows; the number of rows, once they read the same."""
    rows = reader.execute(f'SELECT * FROM "{table}"').to_arrow_table()
    con.execute(f'DELETE FROM "{table}"')
    con.register(SOURCE, rows)
    try:
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM {SOURCE}')
    finally:
        con.unregister(SOURCE)
    return _check_same(reader, con, table)


def _check_same(reader, con, relation: str) -> int:
    """The rows of `relation`, once they read the same in the source and the target; else CopyMismatch."""
    rows = reader.execute(f'SELECT * FROM "{relation}"').to_arrow_table()
    con.register(SOURCE, rows)
    try:
        differing = con.execute(f"""
            SELECT (SELECT count(*) FROM (SELECT * FROM {SOURCE} EXCEPT ALL SELECT * FROM "{relation}"))
                 + (SELECT count(*) FROM (SELECT * FROM "{relation}" EXCEPT ALL SELECT * FROM {SOURCE}))
        """).fetchone()[0]
    finally:
        con.unregister(SOURCE)
    if differing:
        raise CopyMismatch(f'the copy of "{relation}" differs from its source in {differing:,} rows, '
                           "so nothing was written")
    return rows.num_rows


def _advance_sequences(con) -> None:
    """A DuckDB file's sequences continue after the ids copied into it, so no id is handed out twice."""
    if is_lake(con):
        return
    for sequence, columns in ID_SOURCES.values():
        used = " UNION ALL ".join(f"SELECT max({column}) AS id FROM {table}" for table, column in columns)
        highest = con.execute(f"SELECT coalesce(max(id), 0) FROM ({used})").fetchone()[0]
        drawn = con.execute(f"SELECT nextval('{sequence}')").fetchone()[0]
        if drawn < highest:
            con.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [highest - drawn])
