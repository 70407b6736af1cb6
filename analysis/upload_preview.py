"""What a previewed load will do, in words: rows added, changed, unchanged and demonstration rows retired.

A real extract for an indicator retires every demonstration row of that indicator, for every area,
England included (store.writes.store_observations): real and invented values never share a chart.
So a York-only extract leaves England with no series for that indicator, and the analyst must be
told so before confirming, in a sentence, not in a column of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# Beyond this many areas a sentence names the first few and counts the rest.
AREAS_NAMED = 4


@dataclass(frozen=True)
class Replacement:
    """What one indicator loses to a load: its demonstration rows retired, its comparator's series."""

    indicator_id: str
    sentence: str
    retired_rows: int
    areas_left_without: tuple[str, ...]
    comparator_left_without: bool


def names_in_words(names: list[str], others: str = "areas") -> str:
    """"York", "York and England", "York, Leeds and England", or the first few and "N other areas"
    (``others`` names what the rest are: "groups")."""
    if len(names) > AREAS_NAMED:
        shown = names[:AREAS_NAMED - 1]
        return f"{', '.join(shown)} and {len(names) - len(shown):,} other {others}"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _incoming(summary: pd.DataFrame) -> pd.Series:
    return summary[["added", "changed", "unchanged"]].sum(axis=1) > 0


def retired_rows(summary: pd.DataFrame) -> int:
    """How many demonstration rows the load retires, over every indicator and area."""
    return int(summary["demonstration_retired"].sum()) if "demonstration_retired" in summary else 0


def replacements(summary: pd.DataFrame, stored: pd.DataFrame, area_names: dict[str, str],
                 indicator_names: dict[str, str], benchmark_code: str, *,
                 is_demonstration: bool = False) -> list[Replacement]:
    """Per indicator of the load that retires rows or leaves an area without a series, what it replaces.

    `summary` is the preview's per indicator-and-area summary (store.loads.preview); `stored` the current series
    (store.upload_checks.current_series): an area keeps a series after the load when the file brings
    rows for it or it has real rows stored (and demonstration rows too, for a demonstration load).
    """
    found: list[Replacement] = []
    for indicator_id, rows in summary.groupby("indicator_id", sort=True):
        retired = rows[rows["demonstration_retired"] > 0]
        before = stored[stored["indicator_id"] == indicator_id]
        kept = before["rows"] if is_demonstration else before["rows"] - before["demonstration_rows"]
        after = set(rows.loc[_incoming(rows), "area_code"]) | set(before.loc[kept > 0, "area_code"])
        lost = [code for code in before["area_code"] if code not in after]
        if retired.empty and not lost:
            continue
        name = indicator_names.get(indicator_id, indicator_id)
        parts = []
        if not retired.empty:
            areas = names_in_words([area_names.get(code, code) for code in _benchmark_last(retired["area_code"],
                                                                                         benchmark_code)])
            count = int(retired["demonstration_retired"].sum())
            parts.append(f"This replaces the demonstration series for {areas} ({count:,} rows).")
        if lost:
            areas = names_in_words([area_names.get(code, code) for code in _benchmark_last(lost, benchmark_code)])
            verb = "has" if len(lost) == 1 else "have"
            parts.append(f"After this load, {areas} {verb} no series for this indicator.")
        found.append(Replacement(indicator_id, f"{name}: {' '.join(parts)}",
                                 int(retired["demonstration_retired"].sum()), tuple(lost), benchmark_code in lost))
    return found


def _benchmark_last(codes, benchmark_code: str) -> list[str]:
    """Codes in order with the comparator last, as people say "York and England"."""
    codes = list(dict.fromkeys(codes))
    return [c for c in codes if c != benchmark_code] + [c for c in codes if c == benchmark_code]


def needs_second_tick(found: list[Replacement]) -> bool:
    """Confirming needs an explicit second tick when the load retires series or leaves an area without one."""
    return any(item.retired_rows or item.areas_left_without for item in found)


def headline(added: int, changed: int, unchanged: int, retired: int) -> str:
    """The load in one sentence: rows added, changed, unchanged and retired."""
    text = (f"This load adds {added:,} row{'s' if added != 1 else ''}, changes {changed:,} and leaves "
            f"{unchanged:,} unchanged")
    if retired:
        return f"{text}; it retires {retired:,} demonstration row{'s' if retired != 1 else ''}."
    return f"{text}; it retires no demonstration rows."


def summary_in_words(summary: pd.DataFrame, area_names: dict[str, str],
                     indicator_names: dict[str, str]) -> pd.DataFrame:
    """The per indicator-and-area summary with names, months written out and retired rows counted."""
    return pd.DataFrame({
        "indicator": summary["indicator_id"].map(lambda i: indicator_names.get(i, i)),
        "area": summary["area_code"].map(lambda c: f"{area_names.get(c, c)} ({c})"),
        "added": summary["added"], "changed": summary["changed"], "unchanged": summary["unchanged"],
        "demonstration rows retired": summary["demonstration_retired"],
        "from": pd.to_datetime(summary["first_period"]).dt.strftime("%b %Y").fillna("—"),
        "to": pd.to_datetime(summary["last_period"]).dt.strftime("%b %Y").fillna("—"),
    })


def undo_dependents_sentence(dependents: pd.DataFrame, *, first: list[str]) -> str | None:
    """What undoing a reference load would blank or change, by indicator and area, in one sentence; None
    when nothing depends on it.

    `dependents` is ``store.loads.undo_dependents``; areas whose codes are in `first` (the dashboard's area
    and comparator) are named first, then the others, a few by name and the rest counted. Comparator groups
    the load stored are named by indicator and group, with the pages that show their values.
    """
    if dependents.empty and not dependents.attrs.get("groups"):
        return None
    through = dependents["through"] if "through" in dependents else pd.Series("populations", index=dependents.index)
    parts = _by_indicator(dependents[through != "group"], first, "areas")
    said = ("Undoing it blanks or changes " + "; ".join(parts) + ", which are computed from its populations"
            if parts else "")
    grouped = dependents[through == "group"]
    for effect in ("blanks", "changes"):
        parts = _by_indicator(grouped[grouped["effect"] == effect], first, "groups")
        if parts:
            said += ("; and " if said else "Undoing it ") + f"{effect} the group values of " + "; ".join(parts)
    if not grouped.empty:
        said += ", as the Among its peers and Indicator pages and a board pack comparing with a group show them"
    if dependents.attrs.get("groups"):
        said += ("; and " if said else "Undoing it changes ") + \
            "every comparator group's coverage, which is weighed by these populations"
    return said + "."


def _by_indicator(dependents: pd.DataFrame, first: list[str], others: str) -> list[str]:
    """"Delayed transfers of care (18+) for York, England and 3 other areas (2011 to 2019)", one per indicator."""
    parts = []
    for _, rows in dependents.groupby("short_name", sort=False):
        rows = rows.assign(order=[first.index(c) if c in first else len(first) for c in rows["area_code"]])
        names = rows.sort_values(["order", "area_name"])["area_name"].tolist()
        years = (f"{pd.Timestamp(rows['first_period'].min()):%Y} to {pd.Timestamp(rows['last_period'].max()):%Y}")
        parts.append(f"{rows['short_name'].iloc[0]} for {names_in_words(names, others)} ({years})")
    return parts
