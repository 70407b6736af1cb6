"""One verdict for each indicator: the assessment every page, export and pack reads.

:func:`assess` takes what the store holds for one indicator and one area (its definition, the area's
series, the comparator's series, the rebase dates, every council's value for the latest period) and
returns an :class:`Assessment`: the latest value and period, the comparator's value, the significance
call at 95 % and 99.8 % (OHID Fingertips' two tiers), the XmR chart's points and limits, the *Making
Data Count* variation and assurance icons, staleness, rank among councils, and the summary in plain
words. Pages draw it; nothing downstream recomputes any part of it.

The XmR limits come from the whole stored series (split at the rebase dates), never from the period a
viewer zooms to: *Making Data Count* sets limits from the chosen baseline, so a slider only changes
what is drawn.

Pure: no Streamlit, no DuckDB.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from analysis import spc
from analysis.periods import format_value, period_label
from analysis.series import regular_series
from analysis.significance import CONFIDENCE_LEVELS, Comparison, compare_with, confidence_label
from analysis.staleness import Staleness, staleness
from analysis.summary import ASSURANCE_LABELS, COMPARISON_LABELS, latest_signal, variation_label

# Fingertips writes its own comparison with England beside each published value; loaders keep it in the
# value note as "Fingertips compared with England: Better" (or "Better 95%", "Worse 99.8%").
_PUBLISHER_NOTE = re.compile(r"Fingertips compared with England:\s*(Better|Similar|Worse|Higher|Lower)"
                             r"(?:\s+(95|99\.8)%?)?", re.IGNORECASE)
PUBLISHER_METHOD = "OHID Fingertips' own comparison with England, as published"
QUINTILE_WORDS = ("best fifth", "second fifth", "middle fifth", "fourth fifth", "worst fifth")
# Comparator groups' codes (store/groups.py): their value notes say who reported.
GROUP_PREFIX = "group:"
NEUTRAL_QUINTILE_WORDS = ("highest fifth", "second-highest fifth", "middle fifth", "second-lowest fifth",
                          "lowest fifth")


@dataclass(frozen=True)
class Latest:
    """The area's latest period with a value."""

    period_start: pd.Timestamp
    period_end: pd.Timestamp
    value: float
    numerator: float | None
    denominator: float | None
    value_note: str | None
    is_demonstration: bool

    @property
    def period_text(self) -> str:
        return period_label(self.period_start, self.period_end)


@dataclass(frozen=True)
class Rank:
    """Where the area stands among every council with a value for the same period (1 = best)."""

    position: int
    of: int
    quintile: int
    period_text: str
    best_is: str
    """"lowest" or "highest" (or "highest" for a neutral indicator, where 1 is simply the highest)."""
    among: str = "councils"
    """Who is ranked, in words ("councils": the area's tier; "English councils": every upper-tier one)."""

    @property
    def quintile_text(self) -> str:
        words = QUINTILE_WORDS if self.best_is != "neutral" else NEUTRAL_QUINTILE_WORDS
        return words[self.quintile - 1]

    @property
    def position_text(self) -> str:
        """'120th of 151 councils': the position alone, for a table cell."""
        return f"{_ordinal(self.position)} of {self.of} {self.among}"

    @property
    def text(self) -> str:
        order = "best" if self.best_is != "neutral" else "highest"
        return (f"{_ordinal(self.position)} of {self.of} {self.among} ({order} first), "
                f"{self.quintile_text}, {self.period_text}")


@dataclass(frozen=True)
class Assessment:
    """Everything a page, an export or a board pack says about one indicator for one area."""

    indicator_id: str
    definition: Mapping
    area_code: str
    area_name: str
    comparator_code: str | None
    comparator_name: str | None
    rows: pd.DataFrame
    """The area's stored rows in period order (counts, value, note, demonstration flag)."""
    points: pd.DataFrame
    """:func:`analysis.spc.xmr` output for the whole regular series (missing periods as NaN)."""
    comparator_series: pd.Series
    missing_periods: list[pd.Timestamp]
    latest: Latest | None
    comparator_value: float | None
    comparison: Comparison
    """The 95 % call (or the publisher's own call where the dashboard cannot test)."""
    comparison_998: Comparison
    comparison_source: str
    """"dashboard" (the Fingertips method applied here), "publisher" (the publisher's call) or "none"."""
    variation_icon: str | None
    assurance_icon: str | None
    trial_limits: bool
    target: float | None
    rebase_dates: tuple[pd.Timestamp, ...]
    staleness: Staleness
    rank: Rank | None
    summary: str
    is_demonstration: bool
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    rank_england: Rank | None = None
    """Rank and quintile among England's upper-tier councils with a value for the latest period."""
    comparator_note: str | None = None
    """For a group comparator: how many members reported in the latest period, and which did not."""

    @property
    def has_data(self) -> bool:
        return self.latest is not None

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def short_name(self) -> str:
        return str(self.definition["short_name"])

    @property
    def unit(self) -> str:
        return str(self.definition["unit"])

    @property
    def value_kind(self) -> str:
        return str(self.definition["value_kind"])

    @property
    def is_cqc_indicator(self) -> bool:
        """One of the indicators the CQC tracked (a column of data/indicators.csv, not a list in code)."""
        return bool(self.definition.get("is_cqc_indicator", False))

    @property
    def is_proxy(self) -> bool:
        return bool(self.definition["is_proxy"])

    @property
    def period_text(self) -> str:
        return self.latest.period_text if self.latest else "no data"

    @property
    def value_text(self) -> str:
        return format_value(self.latest.value, self.value_kind) if self.latest else "— no data"

    @property
    def comparator_text(self) -> str:
        if not self.comparator_code:
            return "— no comparator"
        return "— no value" if self.comparator_value is None else format_value(self.comparator_value, self.value_kind)

    @property
    def comparison_text(self) -> str:
        """'Better (significant)', 'Similar', '– Not compared' … the 95 % call in the board's words."""
        return COMPARISON_LABELS[self.comparison.call]

    @property
    def is_compared(self) -> bool:
        return self.comparison.call != "not compared"

    @property
    def comparison_figure(self) -> str:
        """The comparison as a headline figure shows it: the call, or an em dash when there is none (the
        reason, `comparison_detail`, is written beside it)."""
        return self.comparison_text if self.is_compared else "—"

    @property
    def comparison_998_text(self) -> str:
        return COMPARISON_LABELS[self.comparison_998.call]

    @property
    def comparison_detail(self) -> str:
        """How the comparison was made, or why it was not, in a sentence fragment."""
        if self.comparison.call == "not compared":
            return self.comparison.reason or "not compared"
        return self.comparison.method or ""

    @property
    def variation_text(self) -> str:
        return variation_label(self.variation_icon) if self.latest else "– Not enough data"

    @property
    def assurance_text(self) -> str:
        return ASSURANCE_LABELS.get(self.assurance_icon if self.target is not None else None, "No target set")

    @property
    def trend(self) -> list[float]:
        """The area's values, oldest first, gaps left out: the board's sparkline."""
        return [float(v) for v in self.points["value"].dropna().to_numpy()]


def assess(*, definition: Mapping, series: pd.DataFrame, area_code: str, area_name: str,
           comparator: pd.DataFrame | None = None, comparator_code: str | None = None,
           comparator_name: str | None = None, rebase_dates: Sequence = (), peers: pd.DataFrame | None = None,
           events: pd.DataFrame | None = None, england_councils: pd.DataFrame | None = None,
           today: date) -> Assessment:
    """The one assessment of an indicator for an area against a comparator.

    ``definition`` is the indicator's row (``store.indicators.indicator``); ``series`` and
    ``comparator`` are stored rows (``period_start, period_end, numerator, denominator, value,
    value_note, is_demonstration``); ``peers`` has ``area_code, value`` for every council in the
    latest period (for the rank), ``england_councils`` the same for every English upper-tier council
    (for the rank among them all); ``today`` dates the staleness check.
    """
    rows = _valued(series)
    values, missing = regular_series(rows, str(definition["frequency"]))
    target = _number(definition.get("target"))
    rebases = tuple(pd.Timestamp(when) for when in rebase_dates)
    direction = str(definition["improvement_direction"])
    points = spc.xmr(values, direction, rebase=list(rebases), target=target)

    comparator_rows = _valued(comparator) if comparator_code else _valued(None)
    comparator_series = pd.Series(comparator_rows["value"].to_numpy(dtype=float),
                                  index=pd.DatetimeIndex(comparator_rows["period_start"]))
    latest = _latest(rows)
    comparator_value = comparator_note = None
    if latest is not None and comparator_code:
        same = comparator_rows[pd.to_datetime(comparator_rows["period_start"]) == latest.period_start]
        comparator_value = None if same.empty else _number(same["value"].iloc[-1])
        if comparator_code.startswith(GROUP_PREFIX):
            comparator_note = (f"no member reported for {latest.period_text}" if same.empty
                               else str(same["value_note"].iloc[-1]))

    comparison, comparison_998, source = _comparisons(definition, latest, comparator_code, comparator_name,
                                                      comparator_value)
    has_data = latest is not None
    rank = _rank(peers, area_code, latest, direction) if has_data else None
    rank_england = _rank(england_councils, area_code, latest, direction, "English councils") if has_data else None
    stale = staleness(latest.period_end if latest else None, str(definition["frequency"]),
                      int(definition["publication_lag_days"]), today)
    is_demonstration = bool(definition["is_demonstration"]) or bool(rows["is_demonstration"].fillna(False).any())
    assessment = Assessment(
        indicator_id=str(definition["indicator_id"]), definition=dict(definition), area_code=area_code,
        area_name=area_name, comparator_code=comparator_code or None, comparator_name=comparator_name,
        rows=rows, points=points, comparator_series=comparator_series, missing_periods=missing, latest=latest,
        comparator_value=comparator_value, comparison=comparison, comparison_998=comparison_998,
        comparison_source=source, variation_icon=points.attrs["variation_icon"] if has_data else None,
        assurance_icon=points.attrs["assurance_icon"] if has_data and target is not None else None,
        trial_limits=bool(points.attrs["trial_limits"]), target=target, rebase_dates=rebases, staleness=stale,
        rank=rank, summary="", is_demonstration=is_demonstration,
        events=events if events is not None else pd.DataFrame(columns=["event_date", "end_date", "label"]),
        rank_england=rank_england, comparator_note=comparator_note,
    )
    return _with_summary(assessment)


def comparator_order(codes: Sequence[str], benchmark_code: str, region_code: str | None, *,
                     groups: Sequence[str] = (), area_code: str | None = None) -> list[str]:
    """Comparator choices in the board's order: the benchmark (England), then the comparator `groups`
    (the area's own first, as given; never the area itself), then the region, then the other areas.

    `codes` are the areas with this series. When the benchmark has none the first choice is "" (no
    comparator): the area is shown alone.
    """
    ordered = [code for code in codes if code not in (benchmark_code, region_code)]
    if region_code in codes:
        ordered.insert(0, region_code)
    chosen_groups = [code for code in dict.fromkeys(groups) if code != area_code]
    return [benchmark_code if benchmark_code in codes else "", *chosen_groups, *ordered]


def comparator_names(area_names: dict[str, str], groups: pd.DataFrame) -> dict[str, str]:
    """What each comparator choice is called: an area by its name, a group by its name and how many
    councils' counts it adds up, and "" as "No comparator"."""
    return (dict(area_names) | {"": "No comparator"}
            | {group.group_code: f"{group.group_name} ({group.members} councils added up)"
               for group in groups.itertuples()})


def publisher_comparison(value_note: str | None) -> Comparison | None:
    """The publisher's own comparison with England, read from the value note a loader wrote, or None."""
    if not isinstance(value_note, str):
        return None
    found = _PUBLISHER_NOTE.search(value_note)
    if not found:
        return None
    level = f" at {found.group(2)}%" if found.group(2) else ""
    return Comparison(found.group(1).lower(), PUBLISHER_METHOD + level)


def _comparisons(definition: Mapping, latest: Latest | None, comparator_code: str | None,
                 comparator_name: str | None, comparator_value: float | None
                 ) -> tuple[Comparison, Comparison, str]:
    if latest is None:
        none = Comparison("not compared", None, reason="not compared: no value for the area")
        return none, none, "none"
    tiers = [compare_with(value_kind=str(definition["value_kind"]), numerator=latest.numerator,
                          denominator=latest.denominator, multiplier=float(definition["multiplier"]),
                          comparator_value=comparator_value,
                          improvement_direction=str(definition["improvement_direction"]),
                          numerator_meaning=definition.get("numerator_meaning"), confidence=level)
             for level in CONFIDENCE_LEVELS]
    if tiers[0].method is None:
        # No method applies here; where the publisher made its own call against England, show that.
        published = publisher_comparison(latest.value_note)
        if published is not None and comparator_code and _is_england(comparator_code):
            return published, Comparison("not compared", None, reason="not published at 99.8%"), "publisher"
        return tiers[0], tiers[1], "none"
    if not comparator_code:
        none = Comparison("not compared", tiers[0].method, reason="not compared: no comparator chosen")
        return none, none, "none"
    if comparator_value is None:
        reason = f"not compared: {comparator_name or 'the comparator'} has no value for {latest.period_text}"
        return (Comparison("not compared", tiers[0].method, reason=reason),
                Comparison("not compared", tiers[1].method, reason=reason), "none")
    return tiers[0], tiers[1], "dashboard" if tiers[0].call != "not compared" else "none"


def _rank(peers: pd.DataFrame | None, area_code: str, latest: Latest, direction: str,
          among: str = "councils") -> Rank | None:
    """Rank among councils with a value in the latest period; None when the area is not among them."""
    if peers is None or peers.empty:
        return None
    valued = peers.dropna(subset=["value"])
    if area_code not in set(valued["area_code"]) or len(valued) < 5:
        return None
    ascending = direction == "decrease"
    # Ties share the better position ("min"), as league tables do.
    positions = valued["value"].rank(method="min", ascending=ascending).astype(int)
    position = int(positions[valued["area_code"] == area_code].iloc[0])
    of = len(valued)
    quintile = min(5, 1 + (position - 1) * 5 // of)
    best_is = {"decrease": "lowest", "increase": "highest"}.get(direction, "neutral")
    return Rank(position, of, quintile, latest.period_text, best_is, among)


def _with_summary(a: Assessment) -> Assessment:
    """The plain-words paragraph: latest values and the comparison, what the XmR chart says, the rank."""
    if a.latest is None:
        text = f"{a.area_name} has no values for {a.short_name} in this database."
        return replace(a, summary=text)
    call = a.comparison.call
    if call == "not compared":
        versus = a.comparison.reason or "not compared"
    elif a.comparison_source == "publisher":
        versus = _publisher_words(a.comparison)
    elif a.comparison.significant:
        strength = " (also at 99.8%)" if a.comparison_998.significant else " (at 95%, not at 99.8%)"
        versus = f"significantly {call}{strength}"
    else:
        versus = "similar (no significant difference at 95%)"
    against = f"{a.comparator_name} {a.comparator_text}" if a.comparator_code else "no comparator chosen"
    if a.comparator_note:
        against += f" ({a.comparator_note})"
    parts = [f"{a.period_text}: {a.area_name} {a.value_text}, {against}: {versus}."]
    signal = latest_signal(a.points)
    parts.append(signal + "." if signal else "Common cause variation: no special cause in the latest period.")
    n = int(a.points["value"].notna().sum())
    if a.trial_limits:
        parts.append(f"The limits are trial limits: fewer than {spc.TRIAL_LIMITS_BELOW} points in a segment ({n} "
                     "points held).")
    if a.rank is not None:
        parts.append(f"Rank: {a.rank.text}.")
    # The rank among every English council, unless it says what the tier's rank already said.
    england = a.rank_england
    if england is not None and (a.rank is None or (a.rank.position, a.rank.of) != (england.position, england.of)):
        parts.append(f"Among all English upper-tier councils: {england.text}.")
    return replace(a, summary=" ".join(parts))


def _publisher_words(comparison: Comparison) -> str:
    word = comparison.call
    said = "similar" if word == "similar" else f"{word} than England"
    return f"{said}, as OHID Fingertips published it"


def _valued(rows: pd.DataFrame | None) -> pd.DataFrame:
    """Stored rows in period order, with the columns an assessment reads (missing ones blank)."""
    columns = ["period_start", "period_end", "numerator", "denominator", "value", "value_note", "is_demonstration"]
    if rows is None or rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.startswith("period") else object)
                             for c in columns})
    frame = rows.reindex(columns=columns).copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame.sort_values("period_start", kind="stable").reset_index(drop=True)


def _latest(rows: pd.DataFrame) -> Latest | None:
    valued = rows[rows["value"].notna()]
    if valued.empty:
        return None
    row = valued.iloc[-1]
    return Latest(pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"]), float(row["value"]),
                  _number(row["numerator"]), _number(row["denominator"]),
                  row["value_note"] if isinstance(row["value_note"], str) else None,
                  bool(row["is_demonstration"]) if not pd.isna(row["is_demonstration"]) else False)


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _is_england(code: str) -> bool:
    return code == "E92000001"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


__all__ = ["Assessment", "Latest", "Rank", "assess", "comparator_names", "comparator_order", "confidence_label",
           "publisher_comparison"]
