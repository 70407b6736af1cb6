"""Exceptions first: the indicators a board must hear about, each with its reason in words.

An indicator is an exception when its XmR chart shows special-cause concern, its assurance against the
target is failing or hit-and-miss, it is significantly worse than the comparator, or it has fallen into a
worse fifth among councils since the period before. Pure: assessments in, :class:`Exception_` rows out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.assess import Assessment

NO_COMMENTARY = "No commentary yet"


@dataclass(frozen=True)
class IndicatorException:
    """One indicator the board should discuss: why, what its lead says, and the overdue actions linked to it."""

    indicator_id: str
    name: str
    reasons: tuple[str, ...]
    commentary: str
    """The signed-off "what the data shows" (with its owner), or :data:`NO_COMMENTARY`."""
    overdue_actions: tuple[str, ...]
    """'R5.1 Agree the discharge protocol (due 30 Jun 2018)', plan order."""

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


def quintile(peers: pd.DataFrame | None, area_code: str, direction: str) -> int | None:
    """The area's fifth among `peers` (area_code, value), 1 best, as the assessment's rank counts it."""
    if peers is None or peers.empty or direction not in ("increase", "decrease"):
        return None
    valued = peers.dropna(subset=["value"])
    if area_code not in set(valued["area_code"]) or len(valued) < 5:
        return None
    positions = valued["value"].rank(method="min", ascending=direction == "decrease").astype(int)
    position = int(positions[valued["area_code"] == area_code].iloc[0])
    return min(5, 1 + (position - 1) * 5 // len(valued))


def reasons(a: Assessment, previous_quintile: int | None = None) -> list[str]:
    """Why the assessment is an exception, one phrase per reason; empty when it is not one."""
    found = []
    if isinstance(a.variation_icon, str) and a.variation_icon.startswith("concern"):
        found.append(f"special-cause concern ({a.variation_text.lower()})")
    if a.assurance_icon == "fail":
        found.append("the process is failing its target: the target lies outside the process limits")
    elif a.assurance_icon == "hit_or_miss":
        found.append("hit and miss against its target: the target lies within the process limits")
    for level, comparison in (("95%", a.comparison), ("99.8%", a.comparison_998)):
        if comparison.call == "worse":
            found.append(f"significantly worse than {a.comparator_name} ({level})")
            break
    rank = a.rank  # the tier's rank: the one `quintile` of the period before is counted among
    if rank is not None and previous_quintile is not None and rank.quintile > previous_quintile:
        found.append(f"fell into a worse fifth among {rank.among} ({rank.quintile_text}, {rank.period_text})")
    return found


def exceptions(assessments: Sequence[Assessment], *, commentary: Mapping[str, str] | None = None,
               overdue: Mapping[str, Sequence[str]] | None = None,
               previous_quintiles: Mapping[str, int | None] | None = None) -> list[IndicatorException]:
    """The exceptions among `assessments`, in their order, each with its commentary and overdue linked actions."""
    commentary, overdue, previous_quintiles = commentary or {}, overdue or {}, previous_quintiles or {}
    out = []
    for a in assessments:
        found = reasons(a, previous_quintiles.get(a.indicator_id))
        if found:
            out.append(IndicatorException(a.indicator_id, a.short_name, tuple(found),
                                          commentary.get(a.indicator_id) or NO_COMMENTARY,
                                          tuple(overdue.get(a.indicator_id, ()))))
    return out


def overdue_lines(actions: pd.DataFrame) -> list[str]:
    """'R5.1 Agree the discharge protocol (due 30 Jun 2018)' for each overdue action in `actions`."""
    if actions.empty:
        return []
    late = actions[actions["is_overdue"].astype(bool)]
    return [f"{row.ref} {row.description}" + (f" (due {pd.Timestamp(row.due_date):%-d %b %Y})"
                                              if pd.notna(row.due_date) else "")
            for row in late.itertuples()]
