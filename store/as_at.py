"""What the store held at a load and a date: the `observations` view as it stood then, for a board pack.

The store keeps every version of every observation (`observation_rows`, `population_rows`: a load marks
what it replaces as superseded, never overwrites), so the view can be read "as at store version N" (the
loads up to N that still stand) and "as at a date" (periods that had been published by then: ended at
least the indicator's publication lag before it). The relation here
is the view's own SQL from store/schema.py with those two restrictions written in, so it can never drift
from the view: it has the same columns, and with neither restriction it *is* the view.

An undo makes the store what a rebuild without the undone load would give (store/loads.py), and so does
every version read here: an undone load's rows are gone, and the rows it superseded are current again
until the next load that holds their key. A version therefore keeps its meaning after an undo of a later
load; :func:`undone_within` names any undone load a version would have included.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb

from store import schema


@dataclass(frozen=True)
class AsAt:
    """A point of view on the store: the last load included (None: every load) and the day (None: all); a
    period counts as at the day once published (its end plus the indicator's publication lag)."""

    version: int | None = None
    day: date | None = None
    # A temporary table holding this point's rows (:func:`held`), read instead of the view's SQL: the same rows.
    table: str | None = field(default=None, compare=False)

    @property
    def observations(self) -> str:
        """A relation for FROM: the `observations` view itself, or the view's SQL restricted to this point."""
        if self.table is not None:
            return self.table
        if self.version is None and self.day is None:
            return "observations"
        return f"({_restricted_view(self.version, self.day)})"

    @property
    def is_now(self) -> bool:
        return self.version is None and self.day is None


NOW = AsAt()


@contextmanager
def held(con: duckdb.DuckDBPyConnection, view: AsAt) -> Iterator[AsAt]:
    """The same point of view with its rows read once into a temporary table of this connection, dropped after.

    A board pack asks some sixty questions of one point of view; each asked of the restricted view joins
    every stored row again (15 to 30 ms each), each asked of its rows held once takes a millisecond or two.
    The table is the connection's own (TEMP), so a read-only snapshot or the shared store holds it as well,
    and it is named afresh each time, so two packs on one connection never meet.
    """
    table = f"observations_as_at_{uuid.uuid4().hex}"
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {view.observations} AS o")
    try:
        yield replace(view, table=table)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _view_sql() -> str:
    """The `observations` view's SELECT, from the last migration that (re)defines it."""
    body = None
    for _, step in schema.MIGRATIONS:
        if isinstance(step, str):
            found = re.search(r"CREATE (?:OR REPLACE )?VIEW observations AS(.*?);", step, re.DOTALL)
            body = found.group(1) if found else body
    if body is None:
        raise RuntimeError("store/schema.py defines no observations view")
    return body


def _replace_once(text: str, old: str, new: str) -> str:
    # The view's SQL is matched exactly: if schema.py changes its shape, this fails loudly, never quietly.
    if text.count(old) != 1:
        raise RuntimeError(f"the observations view no longer contains {old!r} once; update store/as_at.py")
    return text.replace(old, new)


def _standing(alias: str, version: int) -> str:
    """Rows current at load `version`: loaded by then and not yet superseded then."""
    return f"{alias}load_id <= {version} AND ({alias}superseded_by IS NULL OR {alias}superseded_by > {version})"


def _restricted_view(version: int | None, day: date | None) -> str:
    sql = _view_sql()
    conditions = []
    if version is not None:
        version = int(version)  # written into the SQL: an int can carry nothing else
        sql = _replace_once(sql, "LEFT JOIN current_populations p",
                            "LEFT JOIN (SELECT area_code, year, age_band, population, approximation "
                            f"FROM population_rows WHERE {_standing('', version)}) p")
        conditions.append(_standing("o.", version))
        if "LEFT JOIN current_denominators d" in sql:
            sql = _replace_once(sql, "LEFT JOIN current_denominators d",
                                "LEFT JOIN (SELECT n.indicator_id, r.area_code, r.period_start, r.numerator AS "
                                "denominator FROM indicator_denominators AS n JOIN observation_rows AS r ON "
                                f"r.indicator_id = n.denominator_id WHERE {_standing('r.', version)}) d")
    else:
        conditions.append("o.superseded_by IS NULL")
    if day is not None:
        # A period counts as at a day only once it had been published: its end plus the indicator's
        # publication lag (data/indicators.csv: delayed transfers about six weeks) on or before the day.
        conditions.append(f"o.period_end + i.publication_lag_days <= DATE '{date.fromisoformat(str(day)).isoformat()}'")
    return _replace_once(sql, "WHERE o.superseded_by IS NULL", "WHERE " + " AND ".join(conditions))


def indicator_is_demonstration(con: duckdb.DuckDBPyConnection, indicator_id: str, version: int | None) -> bool:
    """Whether the indicator was demonstration data at store version `version` (None: now).

    A real extract turns an indicator's flag off; each load records the flag it found
    (`load_prior_indicators`), so the flag at version N is the one the first later load found.
    """
    row = con.execute("""
        SELECT coalesce(
            (SELECT arg_min(p.is_demonstration, p.load_id) FROM load_prior_indicators AS p
             WHERE p.indicator_id = $indicator AND p.load_id > $version),
            (SELECT is_demonstration FROM indicators WHERE indicator_id = $indicator))
    """, {"indicator": indicator_id, "version": version if version is not None else 2**31 - 1}).fetchone()
    return bool(row[0])


def latest_load(con: duckdb.DuckDBPyConnection) -> int:
    """The store version now: the last standing load (0 for an empty store)."""
    return int(con.execute("SELECT coalesce(max(load_id), 0) FROM loads").fetchone()[0])


def version_refusal(con: duckdb.DuckDBPyConnection, version: int) -> str | None:
    """Why a pack cannot be made from store version `version` (one sentence), or None when it can."""
    latest = latest_load(con)
    if version < 1 or version > latest:
        return f"There is no store version {version}: the versions held are 1 to {latest} (one per load)."
    if con.execute("SELECT 1 FROM load_undone WHERE load_id = ?", [version]).fetchone():
        return f"Load {version} was undone, so there is no store version {version}; choose another load."
    return None


def undone_within(con: duckdb.DuckDBPyConnection, version: int) -> list[int]:
    """Loads up to `version` that were undone since: the version reads as if they had never been loaded."""
    return [load_id for (load_id,) in con.execute(
        "SELECT load_id FROM load_undone WHERE load_id <= ? ORDER BY load_id", [version]).fetchall()]
