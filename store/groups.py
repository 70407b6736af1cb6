"""Comparator groups: named lists of areas with their source, and a group's value computed from its members.

A group's value for a period is the sum of its reporting members' numerators over the sum of their
denominators, times the indicator's multiplier: never an average of rates. A member reports when it has
a numerator, a denominator above 0 and a value for the period; the others are named as missing. Where
the stored values carry no counts (published standardised rates such as PHOF falls, or counts without a
denominator) a group has no value, and says why, rather than an average.

Group codes start "group:" (the schema checks it), so they never collide with an ONS or ODS code. Groups are
stored by a load (`store_groups`, from store.loads.store_extract): one versioned row per group, so a group
load is undone, archived and replayed as any load is.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from store.primitives import now, require_write
from store.writes import RowCounts

PREFIX = "group:"
# A group's value needs reporting members holding at least half its population: below that the figure is
# more the reporting few than the group. (Significance needs more: analysis.assess.MIN_SIGNIFICANCE_COVERAGE.)
MIN_VALUE_COVERAGE = 0.5
GROUP_SERIES_COLUMNS = ["period_start", "period_end", "numerator", "denominator", "value", "value_note",
                        "is_demonstration", "reporting", "members", "missing", "coverage"]


def is_group(code: str | None) -> bool:
    """True when the code names a comparator group, not an area."""
    return isinstance(code, str) and code.startswith(PREFIX)


def store_groups(con: duckdb.DuckDBPyConnection, groups: pd.DataFrame | None, *, load_id: int,
                 loaded_by: str) -> RowCounts:
    """Make the groups in ``groups`` (``group_code, group_name, area_code, source``, one row per member) the
    current version of each group they name, as load ``load_id``; groups not named are kept. A group the
    same as the stored one (name, source and members) is noted as this load's (for undo); a differing one
    supersedes it whole. Counts are in groups."""
    require_write(con)
    if groups is None or groups.empty:
        return RowCounts()
    heads = _heads(groups)
    con.register("incoming_groups_df", heads)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE incoming_groups AS SELECT group_code::VARCHAR AS group_code, "
                    "group_name::VARCHAR AS group_name, source::VARCHAR AS source, members::VARCHAR[] AS members "
                    "FROM incoming_groups_df")
    finally:
        con.unregister("incoming_groups_df")
    current = "t.superseded_by IS NULL AND t.group_code = i.group_code"
    same = "t.group_name = i.group_name AND t.source = i.source AND t.members = i.members"
    con.execute(f"INSERT INTO load_reasserted_groups SELECT ?, i.group_code FROM incoming_groups AS i "
                f"JOIN comparator_group_rows AS t ON {current} WHERE {same}", [load_id])
    changed = con.execute(f"UPDATE comparator_group_rows AS t SET superseded_by = ? FROM incoming_groups AS i "
                          f"WHERE {current} AND NOT ({same})", [load_id]).fetchone()[0]
    inserted = con.execute(f"""
        INSERT INTO comparator_group_rows
        SELECT i.group_code, i.group_name, i.source, i.members, ?, ?, ?, NULL FROM incoming_groups AS i
        WHERE NOT EXISTS (SELECT 1 FROM comparator_group_rows AS t WHERE {current})
    """, [loaded_by, now(), load_id]).fetchone()[0]
    con.execute("DROP TABLE incoming_groups")
    return RowCounts(added=inserted - changed, changed=changed, unchanged=len(heads) - inserted)


def _heads(groups: pd.DataFrame) -> pd.DataFrame:
    """One row per group of a groups file: its name, source and sorted members."""
    return (groups.groupby("group_code", sort=True)
            .agg(group_name=("group_name", "first"), source=("source", "first"),
                 members=("area_code", lambda codes: sorted(set(codes))))
            .reset_index())


def preview(con: duckdb.DuckDBPyConnection, groups: pd.DataFrame | None) -> pd.DataFrame:
    """What storing a groups file would do, writing nothing: one row per group with its name, how many members
    it would have and has now, the members joining and leaving, and ``status`` (added, changed or unchanged),
    as `store_groups` counts them."""
    columns = ["group_code", "group_name", "members", "stored_members", "joining", "leaving", "status"]
    if groups is None or groups.empty:
        return pd.DataFrame(columns=columns)
    heads = _heads(groups)
    stored = con.execute(
        "SELECT group_code, group_name, source, members FROM comparator_group_rows WHERE superseded_by IS NULL "
        "AND list_contains(?, group_code)", [heads["group_code"].tolist()]).df().set_index("group_code")
    rows = []
    for head in heads.itertuples(index=False):
        new = list(head.members)
        if head.group_code not in stored.index:
            rows.append([head.group_code, head.group_name, len(new), None, len(new), 0, "added"])
            continue
        old = stored.loc[head.group_code]
        before = sorted(old["members"])
        same = (old["group_name"], old["source"], before) == (head.group_name, head.source, new)
        rows.append([head.group_code, head.group_name, len(new), len(before), len(set(new) - set(before)),
                     len(set(before) - set(new)), "unchanged" if same else "changed"])
    return pd.DataFrame(rows, columns=columns)


def groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every group: ``group_code, group_name, source, members``, by name."""
    return con.execute("""
        SELECT g.group_code, g.group_name, g.source, count(m.area_code) AS members
        FROM comparator_groups AS g LEFT JOIN comparator_group_members AS m USING (group_code)
        GROUP BY ALL ORDER BY g.group_name
    """).df()


def groups_of(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """The groups an area belongs to (its region first): ``group_code, group_name, members``."""
    return con.execute("""
        SELECT g.group_code, g.group_name, (SELECT count(*) FROM comparator_group_members AS c
                                            WHERE c.group_code = g.group_code) AS members
        FROM comparator_groups AS g JOIN comparator_group_members AS m USING (group_code)
        WHERE m.area_code = ?
        ORDER BY g.group_code LIKE 'group:E12%' DESC, g.group_name
    """, [area_code]).df()


def group_name(con: duckdb.DuckDBPyConnection, group_code: str) -> str | None:
    row = con.execute("SELECT group_name FROM comparator_groups WHERE group_code = ?", [group_code]).fetchone()
    return row[0] if row else None


def members(con: duckdb.DuckDBPyConnection, group_code: str) -> pd.DataFrame:
    """A group's members: ``area_code, area_name``, by name (the code where the store has no name)."""
    return con.execute("""
        SELECT m.area_code, coalesce(a.area_name, m.area_code) AS area_name
        FROM comparator_group_members AS m LEFT JOIN areas AS a USING (area_code)
        WHERE m.group_code = ? ORDER BY area_name
    """, [group_code]).df()


def group_series(con: duckdb.DuckDBPyConnection, indicator_id: str, group_code: str, *,
                 observations: str = "observations") -> pd.DataFrame:
    """The group's series for an indicator, one row per period any member has (:data:`GROUP_SERIES_COLUMNS`).

    ``numerator`` and ``denominator`` are the reporting members' sums, ``value`` their ratio times the
    multiplier; ``reporting`` of ``members`` reported; ``missing`` lists the others' names; ``value_note``
    says both in words. ``observations`` is the relation to read (`store.as_at.AsAt.observations`: the
    store as it stood at a load and a day, for a board pack).
    """
    return group_series_many(con, [indicator_id], group_code, observations=observations).drop(columns="indicator_id")


def group_series_many(con: duckdb.DuckDBPyConnection, indicator_ids: list[str], group_code: str, *,
                      observations: str = "observations") -> pd.DataFrame:
    """:func:`group_series` for several indicators in one query, with an ``indicator_id`` column."""
    return con.execute(f"""
        WITH member AS (
            SELECT m.area_code, coalesce(a.area_name, m.area_code) AS area_name
            FROM comparator_group_members AS m LEFT JOIN areas AS a USING (area_code)
            WHERE m.group_code = $group
        ),
        mine AS (
            SELECT indicator_id, area_code, period_start, period_end, numerator, denominator, value, is_demonstration
            FROM {observations} AS o
            WHERE list_contains($indicators, indicator_id) AND area_code IN (SELECT area_code FROM member)
        ),
        period AS (
            SELECT indicator_id, period_start, max(period_end) AS period_end FROM mine GROUP BY ALL
        ),
        cell AS (
            SELECT p.indicator_id, p.period_start, p.period_end, m.area_code, m.area_name, o.numerator,
                   o.denominator, coalesce(o.is_demonstration, false) AS is_demonstration,
                   coalesce(o.numerator IS NOT NULL AND o.denominator > 0 AND o.value IS NOT NULL
                            AND NOT coalesce(o.is_demonstration, false), false) AS reports,
                   coalesce(i.population_age_band, 'all') AS age_band, year(p.period_start) AS year
            FROM period AS p CROSS JOIN member AS m JOIN indicators AS i ON i.indicator_id = p.indicator_id
            LEFT JOIN mine AS o ON o.indicator_id = p.indicator_id AND o.area_code = m.area_code
                 AND o.period_start = p.period_start
        ),
        weighted AS (
            SELECT c.*, pop.population
            FROM cell AS c ASOF LEFT JOIN current_populations AS pop
                 ON pop.area_code = c.area_code AND pop.age_band = c.age_band AND c.year >= pop.year
        ),
        summed AS (
            SELECT indicator_id, period_start, any_value(period_end) AS period_end,
                   sum(numerator) FILTER (reports) AS numerator, sum(denominator) FILTER (reports) AS denominator,
                   count(*) FILTER (reports) AS reporting, count(*) AS members,
                   count(*) FILTER (is_demonstration) AS invented,
                   coalesce(list(area_name ORDER BY area_name) FILTER (NOT reports), []) AS missing,
                   CASE WHEN bool_and(population IS NOT NULL) AND sum(population) > 0
                        THEN coalesce(sum(population) FILTER (reports), 0) / sum(population) END AS population_share
            FROM weighted GROUP BY indicator_id, period_start
        ),
        covered AS (
            SELECT *, coalesce(population_share, reporting / members) AS coverage,
                   reporting || ' of ' || members || ' members reported, '
                   || CASE WHEN population_share IS NOT NULL
                           THEN round(100 * population_share)::INTEGER || '% of the population'
                           ELSE round(100 * reporting / members)::INTEGER || '% of the members' END AS covers
            FROM summed
        )
        SELECT s.period_start, s.period_end, s.numerator, s.denominator,
               CASE WHEN s.reporting > 0 AND s.coverage >= $min_coverage
                    THEN s.numerator / s.denominator * i.multiplier END AS value,
               CASE WHEN s.reporting = 0 AND s.invented > 0
                    THEN 'no group value: demonstration figures only, never counted'
                    WHEN s.reporting = 0 AND i.value_kind IN ('published', 'count')
                    THEN 'no group value: the published values carry no counts to add up'
                    WHEN s.coverage < $min_coverage
                    THEN 'no group value: ' || s.covers || ', below the '
                         || round(100 * $min_coverage)::INTEGER || '% a group value needs'
                    ELSE s.covers
                         || CASE WHEN len(s.missing) > 0 THEN '; no value for ' || array_to_string(s.missing, ', ')
                                 ELSE '' END
               END AS value_note,
               false AS is_demonstration, s.reporting, s.members, s.missing, s.coverage, s.indicator_id
        FROM covered AS s JOIN indicators AS i USING (indicator_id)
        ORDER BY s.indicator_id, s.period_start
    """, {"group": group_code, "indicators": list(indicator_ids), "min_coverage": MIN_VALUE_COVERAGE}).df()


def england_councils(con: duckdb.DuckDBPyConnection, indicator_id: str, period_start, *,
                     observations: str = "observations") -> pd.DataFrame:
    """England's upper-tier councils with a value for one period: ``area_code, area_name, numerator,
    denominator, value, population`` (``population``: the ONS estimate for the indicator's age band, for
    published rates that carry no denominator)."""
    return con.execute(f"""
        SELECT o.area_code, o.area_name, o.numerator, o.denominator, o.value, p.population::DOUBLE AS population
        FROM {observations} AS o
        JOIN indicators AS i USING (indicator_id)
        LEFT JOIN current_populations AS p ON p.area_code = o.area_code AND p.year = year(o.period_start)
             AND p.age_band = coalesce(i.population_age_band, i.age_band)
        WHERE o.indicator_id = $indicator AND o.period_start = $period AND o.value IS NOT NULL
          AND o.area_type IN ('unitary authority', 'county', 'metropolitan district', 'London borough')
          AND o.area_code LIKE 'E%'
        ORDER BY o.area_code
    """, {"indicator": indicator_id, "period": pd.Timestamp(period_start)}).df()




def funnel_indicators(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Indicators with values for English upper-tier councils (those a funnel can show), in the board's order;
    a series only one council has (the demonstration series are York's alone) is no funnel, so it is left out."""
    return [i for (i,) in con.execute("""
        SELECT i.indicator_id FROM indicators AS i
        WHERE i.value_kind <> 'count' AND (
            SELECT count(DISTINCT o.area_code) FROM observations AS o
            WHERE o.indicator_id = i.indicator_id AND o.value IS NOT NULL
              AND o.area_type IN ('unitary authority', 'county', 'metropolitan district', 'London borough')
              AND o.area_code LIKE 'E%') > 1
        ORDER BY i.display_order
    """).fetchall()]


def council_periods(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """The periods with values for English upper-tier councils, latest first: ``period_start, period_end``."""
    return con.execute("""
        SELECT period_start, max(period_end) AS period_end FROM observations
        WHERE indicator_id = ? AND value IS NOT NULL AND area_code LIKE 'E%'
          AND area_type IN ('unitary authority', 'county', 'metropolitan district', 'London borough')
        GROUP BY period_start ORDER BY period_start DESC
    """, [indicator_id]).df()


def value_for(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str, period_start) -> float | None:
    """One area's stored value for one period (None when it has none)."""
    row = con.execute("SELECT value FROM observations WHERE indicator_id = ? AND area_code = ? AND period_start = ?",
                      [indicator_id, area_code, pd.Timestamp(period_start)]).fetchone()
    return None if row is None or row[0] is None else float(row[0])


__all__ = ["GROUP_SERIES_COLUMNS", "PREFIX", "council_periods", "england_councils", "funnel_indicators",
           "group_name", "group_series", "group_series_many", "groups",
           "groups_of", "is_group", "members", "store_groups", "value_for"]
