"""What one assessment reads: an indicator's definition and series for an area, its comparator, rebases, peers.

`analysis.assess.assess(**assessment_inputs(con, ...), today=...)` is the one way every page, export
and pack gets an indicator's verdict, so they all read the same rows. Four small queries an assessment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import duckdb
import numpy as np
import pandas as pd

from store import groups, indicators, queries
from store import targets as store_targets
from store.as_at import NOW, AsAt, indicator_is_demonstration

# Councils are ranked within their tier: upper-tier councils (those with social care duties, who
# report delayed transfers) against each other, districts against lower-tier areas.
UPPER_TIER = ("unitary authority", "county", "metropolitan district", "London borough",
              "Welsh unitary authority", "Scottish council area")
LOWER_TIER = ("unitary authority", "non-metropolitan district", "metropolitan district", "London borough",
              "Welsh unitary authority", "Scottish council area")
COUNCIL_TYPES = tuple(dict.fromkeys(UPPER_TIER + LOWER_TIER))
# Every English council with social care duties: the rank among all councils (store.groups.england_councils).
_ENGLAND_UPPER_TIER = ("unitary authority", "county", "metropolitan district", "London borough")

_SERIES_COLUMNS = ["area_code", "period_start", "period_end", "numerator", "denominator", "value", "value_note",
                   "is_demonstration"]
_ROW_COLUMNS = _SERIES_COLUMNS[1:]


def subject_of(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str) -> tuple[str, str]:
    """The code and name an indicator is measured for on this area's pages (the council, or its CCG or trust).

    A comparator group (a region, similar councils) is measured for itself."""
    if groups.is_group(area_code):
        return area_code, groups.group_name(con, area_code) or area_code
    subject = indicators.subject_code(con, indicator_id, area_code) or area_code
    return subject, queries.area_name(con, subject) or subject


def default_comparator(con: duckdb.DuckDBPyConnection, indicator_id: str, benchmark_code: str,
                       as_at: AsAt = NOW) -> str | None:
    """The benchmark (England) when the store holds its series for the indicator, else None."""
    row = con.execute(f"SELECT 1 FROM {as_at.observations} AS o WHERE indicator_id = ? AND area_code = ? "
                      "AND value IS NOT NULL LIMIT 1", [indicator_id, benchmark_code]).fetchone()
    return benchmark_code if row else None


def council_values(con: duckdb.DuckDBPyConnection, indicator_id: str, period_start, area_code: str,
                   as_at: AsAt = NOW) -> pd.DataFrame:
    """Every council of the area's tier with a value for one period: ``area_code, area_name, value``."""
    return con.execute(f"""
        WITH tier AS (
            SELECT CASE WHEN area_type = 'non-metropolitan district' THEN $lower ELSE $upper END AS types
            FROM areas WHERE area_code = $area
        )
        SELECT o.area_code, o.area_name, o.value
        FROM {as_at.observations} AS o, tier
        WHERE o.indicator_id = $indicator AND o.period_start = $period AND o.value IS NOT NULL
          AND list_contains(tier.types, o.area_type)
        ORDER BY o.area_code
    """, {"indicator": indicator_id, "period": pd.Timestamp(period_start), "area": area_code,
          "upper": list(UPPER_TIER), "lower": list(LOWER_TIER)}).df()


def assessment_inputs(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str,
                      comparator_code: str | None, *, events: pd.DataFrame | None = None,
                      as_at: AsAt = NOW) -> dict:
    """Keyword arguments for `analysis.assess.assess` (all but ``today``) from the stored rows.

    ``area_code`` is the council the page is about; proxies are read for its linked organisation.
    ``comparator_code`` None (or "") means the area is shown alone; a group's code ("group:...") compares
    with the group's value computed from its members (`store.groups.group_series`). A group may be the
    area too (the matrix's region row). ``events`` may be passed in by a page that assesses many
    indicators, so they are read once. ``as_at`` reads the store as it stood at a load and a date
    (store/as_at.py: a board pack); rebase dates set after that day are left out.
    """
    definition = _definition(con, indicator_id)
    if as_at.version is not None:
        definition["is_demonstration"] = indicator_is_demonstration(con, indicator_id, as_at.version)
    subject, subject_name = subject_of(con, indicator_id, area_code)
    series = _series(con, indicator_id, subject, as_at)
    comparator = _series(con, indicator_id, comparator_code, as_at) if comparator_code else None
    comparator_name = _name(con, comparator_code) if comparator_code else None
    valued = series[series["value"].notna()]
    latest = valued["period_start"].max() if not valued.empty else None
    peers = council_values(con, indicator_id, latest, subject, as_at) if latest is not None else None
    councils = (groups.england_councils(con, indicator_id, latest, observations=as_at.observations)
                [["area_code", "value"]] if latest is not None and not groups.is_group(subject) else None)
    rebases = con.execute("SELECT rebase_date FROM rebase_dates WHERE indicator_id = ? AND area_code = ? "
                          "AND (? IS NULL OR set_at < ?::DATE + 1) ORDER BY rebase_date",
                          [indicator_id, subject, as_at.day, as_at.day]).fetchall()
    return {
        "definition": definition, "series": series, "area_code": subject, "area_name": subject_name,
        "comparator": comparator, "comparator_code": comparator_code or None, "comparator_name": comparator_name,
        "rebase_dates": [pd.Timestamp(when) for (when,) in rebases], "peers": peers, "england_councils": councils,
        "events": indicators.events(con) if events is None else events,
        "targets": store_targets.targets_of(con, indicator_id, subject, as_at),
        "trajectory": store_targets.trajectory_of(con, indicator_id, subject, as_at),
    }


def _series(con: duckdb.DuckDBPyConnection, indicator_id: str, code: str, as_at: AsAt = NOW) -> pd.DataFrame:
    """An area's stored rows, or a group's rows computed from its members."""
    if groups.is_group(code):
        return groups.group_series(con, indicator_id, code, observations=as_at.observations)
    return con.execute(f"""
        SELECT {', '.join(_SERIES_COLUMNS)} FROM {as_at.observations} AS o
        WHERE indicator_id = ? AND area_code = ? ORDER BY period_start
    """, [indicator_id, code]).df()


def _name(con: duckdb.DuckDBPyConnection, code: str) -> str:
    name = groups.group_name(con, code) if groups.is_group(code) else queries.area_name(con, code)
    return name or code


def _definition(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict:
    cursor = con.execute("SELECT * FROM indicators WHERE indicator_id = ?", [indicator_id])
    row = cursor.fetchone()
    if row is None:
        raise KeyError(f"there is no indicator called {indicator_id!r}")
    return dict(zip([column[0] for column in cursor.description], row, strict=True))


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A token that changes with every change an assessment reads: a cache key, not a timer.

    Every write through the door is audited, so the audit's last line moves with loads, undos, rebase
    dates and plan edits; the counts catch a change made by another DuckDB client outside the door.
    """
    return "-".join(str(value) for value in con.execute("""
        SELECT (SELECT coalesce(max(audit_id), 0) FROM audit),
               (SELECT count(*) FROM observation_rows WHERE superseded_by IS NULL),
               (SELECT count(*) FROM rebase_dates), (SELECT count(*) FROM events),
               (SELECT count(*) FROM target_rows WHERE superseded_by IS NULL)
    """).fetchone())


def assessment_inputs_many(con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str], area_codes: Sequence[str],
                           comparator_for: Mapping[str, str | None]) -> dict[tuple[str, str], dict]:
    """`assessment_inputs` for every area and indicator at once, keyed ``(area_code, indicator_id)``.

    The same rows as one call per pair (tests/test_peers.py checks every cell), read in a handful of
    queries rather than ten a pair, so a matrix of 18 areas × 11 indicators is read in well under a
    second. ``comparator_for`` gives each area's comparator (None: the area alone).
    """
    ids, areas = list(indicator_ids), list(dict.fromkeys(area_codes))
    definitions = {d["indicator_id"]: d for d in _records(con.execute(
        "SELECT * FROM indicators WHERE list_contains(?, indicator_id)", [ids]))}
    subjects = {(a, i): s for a, i, s in con.execute(
        "SELECT area_code, indicator_id, subject_code FROM indicator_subjects "
        "WHERE list_contains(?, area_code) AND list_contains(?, indicator_id)", [areas, ids]).fetchall()}
    subject = {(a, i): a if groups.is_group(a) else subjects.get((a, i)) or a for a in areas for i in ids}
    wanted = set(subject.values()) | {c for c in comparator_for.values() if c}
    plain_codes = [c for c in wanted if not groups.is_group(c)]
    names = dict(con.execute("SELECT area_code, area_name FROM areas WHERE list_contains(?, area_code)",
                             [plain_codes]).fetchall())
    names |= dict(con.execute("SELECT group_code, group_name FROM comparator_groups").fetchall())
    rows = con.execute(f"""
        SELECT {', '.join(_SERIES_COLUMNS)}, NULL::DOUBLE AS coverage, indicator_id FROM observations
        WHERE list_contains(?, indicator_id) AND list_contains(?, area_code)
        ORDER BY area_code, indicator_id, period_start
    """, [ids, plain_codes]).df()
    # Each series with exactly the columns, order and index an assessment reads (so it is not copied again);
    # the coverage only a group has is read blank here rather than added to each series by the assessment.
    series = _slices(rows, ["area_code", "indicator_id"], [*_ROW_COLUMNS, "coverage"])
    empty = rows.iloc[0:0][[*_ROW_COLUMNS, "coverage"]]
    for code in (c for c in wanted if groups.is_group(c)):
        both = groups.group_series_many(con, ids, code)
        columns = [c for c in both.columns if c != "indicator_id"]
        none = both.iloc[0:0][columns].reset_index(drop=True)
        mine = _slices(both, ["indicator_id"], columns)
        for indicator_id in ids:
            series[(code, indicator_id)] = mine.get((indicator_id,), none)
    # Every council's value, only for the periods some cell's latest value falls in (a rank needs no more).
    latest_of = {}
    for key, frame in series.items():
        valued = frame["value"].notna().to_numpy()
        if valued.any():
            latest_of[key] = frame["period_start"].to_numpy()[valued].max()
    wanted_periods = sorted({(i, pd.Timestamp(p)) for (_, i), p in latest_of.items()})
    councils = con.execute("""
        SELECT o.indicator_id, o.area_code, o.area_name, o.area_type, o.period_start, o.value
        FROM observations AS o
        JOIN (SELECT unnest(?) AS indicator_id, unnest(?) AS period_start) AS w USING (indicator_id, period_start)
        WHERE o.value IS NOT NULL AND list_contains(?, o.area_type)
        ORDER BY o.area_code
    """, [[i for i, _ in wanted_periods], [p.to_pydatetime() for _, p in wanted_periods],
          list(COUNCIL_TYPES)]).df()
    councils = dict(iter(councils.groupby(["indicator_id", "period_start"])))
    types = dict(con.execute("SELECT area_code, area_type FROM areas").fetchall())
    rebases: dict[tuple[str, str], list[pd.Timestamp]] = {}
    for indicator_id, code, when in con.execute(
            "SELECT indicator_id, area_code, rebase_date FROM rebase_dates ORDER BY rebase_date").fetchall():
        rebases.setdefault((indicator_id, code), []).append(pd.Timestamp(when))
    events = indicators.events(con)
    all_targets, all_planned = store_targets.all_targets(con, ids, sorted(set(subject.values())))
    # Cut once by (indicator, area): filtering the whole frame for each of 200 pairs cost most of the read.
    targets_of, planned_of = _by_indicator_and_area(all_targets), _by_indicator_and_area(all_planned)
    inputs = {}
    peers_cut, england_cut = {}, {}
    for area in areas:
        comparator_code = comparator_for.get(area) or None
        for indicator_id in ids:
            code = subject[(area, indicator_id)]
            own = series.get((code, indicator_id), empty)
            latest = pd.Timestamp(latest_of[(code, indicator_id)]) if (code, indicator_id) in latest_of else None
            peers = england = None
            if latest is not None:
                same = councils.get((indicator_id, latest), _NO_COUNCILS)
                tier = LOWER_TIER if types.get(code) == "non-metropolitan district" else UPPER_TIER
                # Areas of one tier share one period's councils: each frame is cut once.
                cut = (indicator_id, latest, tier if code in types else None)
                if cut not in peers_cut:
                    peers_cut[cut] = (same[same["area_type"].isin(tier)][["area_code", "area_name", "value"]]
                                      .reset_index(drop=True) if code in types
                                      else same.iloc[0:0][["area_code", "area_name", "value"]])
                peers = peers_cut[cut]
                if not groups.is_group(code):
                    if (indicator_id, latest) not in england_cut:
                        upper = same[same["area_type"].isin(_ENGLAND_UPPER_TIER)
                                     & same["area_code"].str.startswith("E")]
                        england_cut[(indicator_id, latest)] = upper[["area_code", "value"]].reset_index(drop=True)
                    england = england_cut[(indicator_id, latest)]
            inputs[(area, indicator_id)] = {
                "definition": definitions[indicator_id], "series": own, "area_code": code,
                "area_name": names.get(code, code),
                "comparator": series.get((comparator_code, indicator_id), empty) if comparator_code else None,
                "comparator_code": comparator_code, "comparator_name": names.get(comparator_code, comparator_code)
                if comparator_code else None,
                "rebase_dates": list(rebases.get((indicator_id, code), ())), "peers": peers,
                "england_councils": england, "events": events,
                "targets": targets_of(indicator_id, code), "trajectory": planned_of(indicator_id, code),
            }
    return inputs


_NO_COUNCILS = pd.DataFrame(columns=["indicator_id", "area_code", "area_name", "area_type", "period_start", "value"])


def _by_indicator_and_area(frame: pd.DataFrame) -> Callable[[str, str], pd.DataFrame]:
    """A function giving the rows of one indicator and area from a frame of many (none: an empty frame)."""
    if frame.empty:
        return lambda indicator_id, code: frame
    cut = {key: rows.reset_index(drop=True) for key, rows in frame.groupby(["indicator_id", "area_code"], sort=False)}
    none = frame.iloc[0:0].reset_index(drop=True)
    return lambda indicator_id, code: cut.get((indicator_id, code), none)


def _slices(frame: pd.DataFrame, by: list[str], columns: list[str]) -> dict[tuple, pd.DataFrame]:
    """Each key's rows of ``columns`` with a fresh RangeIndex, from a frame already sorted by ``by``: slices
    found from where the key changes (numpy), cheaper than a groupby cutting out some 200 series."""
    if frame.empty:
        return {}
    keys = [frame[column].to_numpy() for column in by]
    change = np.zeros(len(frame), dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(change)
    body, cut = frame[columns], {}
    for start, stop in zip(starts, np.r_[starts[1:], len(frame)], strict=True):
        part = body.iloc[start:stop]
        part.index = pd.RangeIndex(stop - start)
        cut[tuple(key[start] for key in keys)] = part
    return cut


def _records(cursor) -> list[dict]:
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
