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
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

import possible_values
from analysis import assurance as assurance_rules
from analysis import spc
from analysis.periods import format_value, period_label
from analysis.series import FREQUENCY_CODES, regular_series, regular_series_many
from analysis.significance import CONFIDENCE_LEVELS, Comparison, compare_with, confidence_label
from analysis.staleness import COLLECTION_ENDED, Staleness, staleness
from analysis.summary import ASSURANCE_LABELS, COMPARISON_LABELS, latest_signal, variation_label

# Fingertips writes its own comparison with England beside each published value; loaders keep it in the
# value note as "Fingertips compared with England: Better" (or "Better 95%", "Worse 99.8%").
_PUBLISHER_NOTE = re.compile(r"Fingertips compared with England:\s*(Better|Similar|Worse|Higher|Lower)"
                             r"(?:\s+(95|99\.8)%?)?", re.IGNORECASE)
PUBLISHER_METHOD = "OHID Fingertips' own comparison with England, as published"
QUINTILE_WORDS = ("best fifth", "second fifth", "middle fifth", "fourth fifth", "worst fifth")
# Comparator groups' codes (store/groups.py): their value notes say who reported.
GROUP_PREFIX = "group:"
# The value note of a stored value the assessment left out as impossible.
IMPOSSIBLE_NOTE = "not a possible value; left out"
# A significance call between a group and another area needs the group's reporting members to hold at least
# nine tenths of its population: below that the "group" figure is mostly some of its members, and a
# confident "better than England" about it would overclaim. docs/group-coverage.md.
MIN_SIGNIFICANCE_COVERAGE = 0.9
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
    coverage: float | None = None
    """For a group: the reporting members' share of its population (or of its members), 0 to 1."""

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
    impossible_values: int = 0
    """How many stored values of the area's series were not possible (not finite, out of range), left out."""
    targets: tuple = ()
    """Every stored target for the area (`analysis.assurance.Target`), oldest first: the chart draws each."""
    target_in_force: assurance_rules.Target | None = None
    """The target in force for the latest period (its value is `target`), with its source."""
    trajectory: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    """Planned values (a trajectory) on a DatetimeIndex of period starts."""
    assurance: assurance_rules.Assurance | None = None
    """The assurance icon and how it was judged, in words (`analysis.assurance.assure`)."""

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
    def caveat_text(self) -> str | None:
        """What the figures shown are not, for the data stored now: the definition's caveat, except that a
        caveat written for the bundled demonstration series is replaced once a real extract has retired it."""
        caveat = self.definition.get("caveat")
        if not isinstance(caveat, str) or not caveat.strip():
            return None
        if not self.is_demonstration and "demonstration" in caveat.lower():
            return (f"No public series exists for {self.short_name}: these are figures an analyst loaded from a "
                    "real extract, which retired the demonstration series. They are only as complete as that "
                    "extract; the data table below says which periods it holds.")
        return caveat

    @property
    def comparator_value_text(self) -> str:
        """The comparator's value alone ("10.3"), or why there is none, in words."""
        if not self.comparator_code:
            return "no comparator chosen"
        if self.comparator_value is None:
            return f"no value for {self.comparator_name or 'the comparator'}"
        return format_value(self.comparator_value, self.value_kind)

    @property
    def comparator_text(self) -> str:
        """The comparator's value in a table whose column names the comparator: "10.3", "no value", or, for a
        group, with its coverage beside it ("9.4 (15 of 15 members reported, 100% of the population)")."""
        if not self.comparator_code:
            return "no comparator chosen"
        if self.comparator_value is None:
            return "no value"
        if self.comparator_note and is_group_code(self.comparator_code):
            return f"{self.comparator_value_text} ({coverage_words(self.comparator_note)})"
        return self.comparator_value_text

    @property
    def is_group(self) -> bool:
        """The area assessed is a comparator group (a region row of the matrix)."""
        return is_group_code(self.area_code)

    @property
    def coverage_text(self) -> str | None:
        """For a group: its coverage in the latest period ("14 of 15 members reported, 96% of the population"),
        or, with no value, why it has none; None for an area."""
        if not self.is_group or self.rows.empty:
            return None
        notes = self.rows.loc[self.rows["value"].notna(), "value_note"] if self.latest else self.rows["value_note"]
        note = notes.dropna()
        return coverage_words(str(note.iloc[-1])) if len(note) else None

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
           targets: pd.DataFrame | None = None, trajectory: pd.DataFrame | None = None,
           today: date, points: pd.DataFrame | None = None, prepared: _Prepared | None = None) -> Assessment:
    """The one assessment of an indicator for an area against a comparator.

    ``definition`` is the indicator's row (``store.indicators.indicator``); ``series`` and
    ``comparator`` are stored rows (``period_start, period_end, numerator, denominator, value,
    value_note, is_demonstration``); ``peers`` has ``area_code, value`` for every council in the
    latest period (for the rank), ``england_councils`` the same for every English upper-tier council
    (for the rank among them all); ``targets`` and ``trajectory`` are the area's stored targets and planned
    values (``store.targets``); ``today`` dates the staleness check. ``points`` is the series' XmR chart
    when :func:`assess_many` has already drawn it with every other series (the same frame :func:`spc.xmr` gives;
    the assurance is judged here from its last segment's limits and the target in force). ``prepared`` is
    what :func:`assess_many` has already worked out from these same arguments (never given by hand).
    """
    upper = possible_values.upper_bound(str(definition.get("value_kind")), _number(definition.get("multiplier")))
    if prepared is None:
        prepared = _prepare(series, comparator if comparator_code else None, peers, england_councils, targets, upper)
    rows, impossible_count, latest = prepared.rows, prepared.impossible_count, prepared.latest
    rebases = tuple(pd.Timestamp(when) for when in rebase_dates)
    direction = str(definition["improvement_direction"])
    stored_targets = prepared.targets
    in_force = _target_in_force(stored_targets, definition, latest)
    target = in_force.value if in_force else None
    if points is None:
        values, missing = regular_series(rows, str(definition["frequency"]))
        points = spc.xmr(values, direction, rebase=list(rebases), target=target)
    else:
        # regular_series names the gaps it filled (never an annual series' blanks): the chart's NaN values.
        gaps = points.index[np.isnan(points["value"].to_numpy())]
        missing = [pd.Timestamp(when) for when in gaps] if FREQUENCY_CODES.get(str(definition["frequency"])) else []
    planned = (pd.Series(trajectory["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(trajectory["period_start"]))
               if trajectory is not None and not trajectory.empty else pd.Series(dtype=float))
    judged = assurance_rules.assure(points, in_force, value_kind=str(definition["value_kind"]),
                                    improvement_direction=direction, trajectory=planned,
                                    latest=(latest.period_start, latest.value) if latest else None)

    comparator_series = prepared.comparator.series
    comparator_value = comparator_note = None
    coverage_refusal = _coverage_refusal(area_name, latest.coverage) if latest and is_group_code(area_code) else None
    if latest is not None and comparator_code:
        same = prepared.comparator.row(latest.period_start)
        comparator_value = None if same is None else _number(same["value"])
        if is_group_code(comparator_code):
            comparator_note = (f"no member reported for {latest.period_text}" if same is None
                               else str(same["value_note"]))
            if comparator_value is not None:
                coverage_refusal = coverage_refusal or _coverage_refusal(comparator_name or comparator_code,
                                                                         _number(same["coverage"]))

    comparison, comparison_998, source = _comparisons(definition, latest, comparator_code, comparator_name,
                                                      comparator_value, coverage_refusal)
    has_data = latest is not None
    rank = _rank(prepared.peers, area_code, latest, direction) if has_data else None
    rank_england = (_rank(prepared.england, area_code, latest, direction, "English councils")
                    if has_data else None)
    is_demonstration = bool(definition["is_demonstration"]) or bool(rows["is_demonstration"].fillna(False).any())
    stale = staleness(latest.period_end if latest else None, str(definition["frequency"]),
                      int(definition["publication_lag_days"]), today,
                      collection_ended=COLLECTION_ENDED.get(str(definition["indicator_id"])),
                      is_demonstration=is_demonstration)
    assessment = Assessment(
        indicator_id=str(definition["indicator_id"]), definition=dict(definition), area_code=area_code,
        area_name=area_name, comparator_code=comparator_code or None, comparator_name=comparator_name,
        rows=rows, points=points, comparator_series=comparator_series, missing_periods=missing, latest=latest,
        comparator_value=comparator_value, comparison=comparison, comparison_998=comparison_998,
        comparison_source=source, variation_icon=points.attrs["variation_icon"] if has_data else None,
        assurance_icon=judged.icon,
        trial_limits=bool(points.attrs["trial_limits"]), target=target, rebase_dates=rebases, staleness=stale,
        rank=rank, summary="", is_demonstration=is_demonstration,
        events=events if events is not None else pd.DataFrame(columns=["event_date", "end_date", "label"]),
        rank_england=rank_england, comparator_note=comparator_note, targets=stored_targets,
        target_in_force=in_force, trajectory=planned, assurance=judged, impossible_values=impossible_count,
    )
    return _with_summary(assessment)


def _target_sentences(a: Assessment) -> list[str]:
    """The target in force and the assurance against it, how it was judged, and the trajectory, in sentences."""
    if a.target_in_force is None or a.assurance is None:
        return [a.assurance.trajectory] if a.assurance is not None and a.assurance.trajectory else []
    said = [f"Target: {a.target_in_force.text(a.value_kind)}; assurance: {a.assurance_text.lower()}. "
            f"{a.assurance.judged}"]
    return said + ([a.assurance.trajectory] if a.assurance.trajectory else [])


def _target_in_force(stored: tuple, definition: Mapping, latest: Latest | None) -> assurance_rules.Target | None:
    """The stored target in force for the latest period; else the indicator definition's own target, if any."""
    if latest is None:
        return None
    found = assurance_rules.target_in_force(stored, latest.period_start)
    fixed = _number(definition.get("target"))
    if found is not None or fixed is None or str(definition["improvement_direction"]) == "neutral":
        return found
    return assurance_rules.Target(fixed, assurance_rules.DIRECTION_OF[str(definition["improvement_direction"])],
                                  pd.Timestamp.min, source="the indicator's definition")


def assess_many(inputs: Mapping[Hashable, Mapping], *, today: date) -> dict[Hashable, Assessment]:
    """:func:`assess` for every entry of ``inputs`` (key → :func:`assess`'s arguments), the XmR charts of every
    series drawn at once by :func:`spc.xmr_many` (each identical to :func:`spc.xmr` on that series alone)."""
    keys = list(inputs)
    # Each series' rows put in shape, checked and read for their latest value once here, so that assess does
    # none of it again; comparators and councils, shared by many series, are checked once each.
    checked: dict[tuple, pd.DataFrame | None] = {}

    def once(check: Callable, frame: pd.DataFrame | None, upper: float) -> pd.DataFrame | None:
        if frame is None:
            return check(frame, upper)
        key = (check, id(frame), upper)
        if key not in checked:
            checked[key] = check(frame, upper)
        return checked[key]

    prepared = {}
    for key, kwargs in inputs.items():
        definition = kwargs["definition"]
        upper = possible_values.upper_bound(str(definition.get("value_kind")), _number(definition.get("multiplier")))
        prepared[key] = _prepare(kwargs["series"], kwargs.get("comparator") if kwargs.get("comparator_code") else None,
                                 kwargs.get("peers"), kwargs.get("england_councils"), kwargs.get("targets"), upper,
                                 once)
    definitions = [inputs[key]["definition"] for key in keys]
    regular = regular_series_many([prepared[key].rows for key in keys],
                                  [str(definition["frequency"]) for definition in definitions])
    lengths = np.array([len(values) for values, _ in regular], dtype=np.intp)
    drawn = [i for i, n in enumerate(lengths) if n]
    table = pd.DataFrame({
        "key": np.repeat(np.arange(len(keys)), lengths),
        "period": np.concatenate([values.index.to_numpy() for values, _ in regular]) if drawn
        else np.array([], dtype="datetime64[ns]"),
        "value": np.concatenate([values.to_numpy(dtype=float) for values, _ in regular]) if drawn else np.array([]),
    })
    targets = {i: _target_of(inputs[keys[i]]["definition"], prepared[keys[i]]) for i in drawn}
    many = spc.xmr_many(
        table, key="key", period="period", value="value",
        improvement_direction={i: str(definitions[i]["improvement_direction"]) for i in drawn},
        rebase={i: [pd.Timestamp(when) for when in inputs[keys[i]].get("rebase_dates", ())] for i in drawn},
        target={i: t for i, t in targets.items() if t is not None})
    bounds = np.r_[0, np.cumsum(lengths)]
    charts = many.points[["value", *spc.RESULT_COLUMNS]]
    arrays = {name: charts[name].to_numpy() for name in ("segment", "mean", "lpl", "upl")}
    summary = many.summary.to_dict("index")
    result = {}
    for i, key in enumerate(keys):
        points = None
        if lengths[i]:
            index = regular[i][0].index
            points = charts.iloc[bounds[i]:bounds[i + 1]].set_axis(index, axis=0)
            points.attrs = _chart_attrs(arrays, bounds[i], bounds[i + 1], index, summary[i],
                                        str(definitions[i]["improvement_direction"]), targets[i])
        result[key] = assess(**inputs[key], today=today, points=points, prepared=prepared[key])
    return result


@dataclass(frozen=True)
class _Prepared:
    """One series' rows with impossible values left out (and how many), its latest value, its comparator's
    rows and the councils it is ranked among, likewise checked, and its stored targets: what :func:`assess` reads
    from its arguments."""
    rows: pd.DataFrame
    impossible_count: int
    latest: Latest | None
    comparator: _Comparator
    peers: _Councils | None
    england: _Councils | None
    targets: tuple[assurance_rules.Target, ...]


class _Comparator(NamedTuple):
    """A comparator's checked rows as its chart's series, the position of its last row of each period and
    the columns an assessment reads from that row: worked out once for the many series compared with it."""
    series: pd.Series
    at: dict[pd.Timestamp, int]
    columns: dict[str, np.ndarray]

    def row(self, when: pd.Timestamp) -> dict | None:
        """``value``, ``value_note`` and ``coverage`` of the last row for the period starting ``when``."""
        at = self.at.get(when)
        return None if at is None else {name: column[at] for name, column in self.columns.items()}


class _Councils(NamedTuple):
    """The councils a series is ranked among, checked, as arrays: worked out once for the many series ranked
    among them."""
    area_code: np.ndarray
    value: np.ndarray


def _prepare(series: pd.DataFrame, comparator: pd.DataFrame | None, peers: pd.DataFrame | None,
             england_councils: pd.DataFrame | None, targets: pd.DataFrame | None, upper: float,
             once: Callable | None = None) -> _Prepared:
    """``once(check, frame, upper)`` checks a frame shared by many series only the first time (assess_many)."""
    def shared(check: Callable, frame: pd.DataFrame | None) -> pd.DataFrame | None:
        return once(check, frame, upper) if once is not None else check(frame, upper)

    rows, impossible_count = _possible(_valued(series), upper)
    return _Prepared(rows, impossible_count, _latest(rows), shared(_possible_comparator, comparator),
                     shared(_possible_councils, peers), shared(_possible_councils, england_councils),
                     assurance_rules.targets_from(targets))


def _possible_comparator(rows: pd.DataFrame | None, upper: float) -> _Comparator:
    rows = _possible(_valued(rows), upper)[0]
    starts = pd.DatetimeIndex(pd.to_datetime(rows["period_start"]))
    columns = {name: rows[name].to_numpy(dtype=object) for name in ("value", "value_note", "coverage")
               if name in rows.columns}
    # A period's last row wins, as a filter's iloc[-1] did; read one row only when a series asks for its period.
    return _Comparator(pd.Series(rows["value"].to_numpy(dtype=float), index=starts),
                       dict(zip(starts, range(len(starts)), strict=True)), columns)


def _possible_councils(peers: pd.DataFrame | None, upper: float) -> _Councils | None:
    peers = _possible_peers(peers, upper)
    if peers is None or peers.empty:
        return None
    return _Councils(peers["area_code"].to_numpy(), peers["value"].to_numpy(dtype=float, na_value=np.nan))


def _target_of(definition: Mapping, prepared: _Prepared) -> float | None:
    """The target :func:`assess` judges a series by: the one in force at its latest period."""
    in_force = _target_in_force(prepared.targets, definition, prepared.latest)
    return in_force.value if in_force else None


def _chart_attrs(arrays: Mapping[str, np.ndarray], start: int, stop: int, index: pd.DatetimeIndex,
                 summary: Mapping, direction: str, target: float | None) -> dict:
    """The attrs :func:`spc.xmr` gives one series' chart, from its rows ``start:stop`` of :func:`spc.xmr_many`."""
    segment = arrays["segment"][start:stop]
    first = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
    last = np.r_[first[1:], len(segment)] - 1
    return {
        "variation_icon": str(summary["variation_icon"]),
        "assurance_icon": None if pd.isna(summary["assurance_icon"]) else str(summary["assurance_icon"]),
        "trial_limits": bool(summary["trial_limits"]), "improvement_direction": direction, "target": target,
        "screen_outliers": True,
        "segments": [{"segment": int(segment[a]), "start": index[a], "end": index[b], "n_points": int(b - a + 1),
                      "mean": float(arrays["mean"][start + a]), "lpl": float(arrays["lpl"][start + a]),
                      "upl": float(arrays["upl"][start + a]),
                      "trial_limits": bool(b - a + 1 < spc.TRIAL_LIMITS_BELOW)}
                     for a, b in zip(first, last, strict=True)],
    }


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


def is_group_code(code: str | None) -> bool:
    """True when a code names a comparator group ("group:…"), not an area."""
    return isinstance(code, str) and code.startswith(GROUP_PREFIX)


def coverage_words(value_note: str) -> str:
    """A group's coverage from its value note, without the list of members missing (which can be long)."""
    return value_note.split(";", 1)[0].strip()


def _coverage_refusal(name: str, coverage: float | None) -> str | None:
    """Why no significance call is made for a group covered below :data:`MIN_SIGNIFICANCE_COVERAGE`."""
    if coverage is None or coverage >= MIN_SIGNIFICANCE_COVERAGE:
        return None
    return (f"not compared: {name}'s reporting members cover {coverage:.0%} of it, below the "
            f"{MIN_SIGNIFICANCE_COVERAGE:.0%} a significance call needs")


def _comparisons(definition: Mapping, latest: Latest | None, comparator_code: str | None,
                 comparator_name: str | None, comparator_value: float | None, coverage_refusal: str | None = None
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
    if coverage_refusal:
        return (Comparison("not compared", tiers[0].method, reason=coverage_refusal),
                Comparison("not compared", tiers[1].method, reason=coverage_refusal), "none")
    return tiers[0], tiers[1], "dashboard" if tiers[0].call != "not compared" else "none"


def _rank(peers: _Councils | None, area_code: str, latest: Latest, direction: str,
          among: str = "councils") -> Rank | None:
    """Rank among councils with a value in the latest period; None when the area is not among them."""
    if peers is None:
        return None
    values = peers.value
    valued = ~np.isnan(values)
    mine = np.flatnonzero((peers.area_code == area_code) & valued)
    of = int(valued.sum())
    if not mine.size or of < 5:
        return None
    # Ties share the better position (pandas' rank "min"), as league tables do: 1 + how many are strictly better.
    own = values[mine[0]]
    better = values[valued] < own if direction == "decrease" else values[valued] > own
    position = 1 + int(better.sum())
    quintile = min(5, 1 + (position - 1) * 5 // of)
    best_is = {"decrease": "lowest", "increase": "highest"}.get(direction, "neutral")
    return Rank(position, of, quintile, latest.period_text, best_is, among)


def _with_summary(a: Assessment) -> Assessment:
    """The plain-words paragraph: latest values and the comparison, what the XmR chart says, the rank."""
    if a.latest is None:
        text = f"{a.area_name} has no values for {a.short_name} in this database."
        if a.impossible_values:
            text = impossible_sentence(a.impossible_values, a.short_name) + " " + text
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
    against = f"{a.comparator_name} {a.comparator_value_text}" if a.comparator_code else "no comparator chosen"
    if a.comparator_note:
        against += f" ({a.comparator_note})"
    parts = [f"{a.period_text}: {a.area_name} {a.value_text}, {against}: {versus}."]
    if a.impossible_values:
        parts.insert(0, impossible_sentence(a.impossible_values, a.short_name))
    signal = latest_signal(a.points)
    parts.append(signal + "." if signal else "Common cause variation: no special cause in the latest period.")
    parts += _target_sentences(a)
    if a.trial_limits:
        n = int(a.points["value"].notna().sum())
        parts.append(f"The limits are trial limits: fewer than {spc.TRIAL_LIMITS_BELOW} points in a segment ({n} "
                     "points held).")
    if a.rank is not None:
        parts.append(f"Rank: {a.rank.text}.")
    # The rank among every English council, unless it says what the tier's rank already said.
    england = a.rank_england
    if england is not None and (a.rank is None or (a.rank.position, a.rank.of) != (england.position, england.of)):
        parts.append(f"Among all English upper-tier councils: {england.text}.")
    return replace(a, summary=" ".join(parts))


def impossible_sentence(count: int, short_name: str) -> str:
    """Says that stored values were left out, and what to do about it."""
    values = "value is" if count == 1 else "values are"
    return (f"{count} stored {short_name} {values} not possible (not a finite number, or outside the "
            "indicator's range) and left out; an analyst should undo the load that stored them.")


def _publisher_words(comparison: Comparison) -> str:
    word = comparison.call
    said = "similar" if word == "similar" else f"{word} than England"
    return f"{said}, as OHID Fingertips published it"


_IN_SHAPE = "rows in the shape an assessment reads"
# Shared and never changed: every reader takes what it needs from it.
_NO_ROWS = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.startswith("period") else object)
                         for c in ["period_start", "period_end", "numerator", "denominator", "value", "value_note",
                                   "is_demonstration"]})


def _valued(rows: pd.DataFrame | None) -> pd.DataFrame:
    """Stored rows in period order, with the columns an assessment reads (missing ones blank)."""
    columns = ["period_start", "period_end", "numerator", "denominator", "value", "value_note", "is_demonstration",
               "coverage"]
    if rows is None or rows.empty:
        return _NO_ROWS
    # Rows already in shape are handed back as they are (the matrix reads 200 series; each copy costs), and
    # marked so that the next look is one dictionary lookup.
    if rows.attrs.get(_IN_SHAPE) is True and isinstance(rows.index, pd.RangeIndex):
        return rows
    # The store's rows (no coverage column: only a group has one) are in shape once it is added.
    if (list(rows.columns) in (columns, columns[:-1]) and rows.index.equals(pd.RangeIndex(len(rows)))
            and _in_period_order(rows)):
        rows = rows.copy(deep=False)
        if "coverage" not in rows.columns:
            rows["coverage"] = np.nan
        rows.attrs[_IN_SHAPE] = True
        return rows
    frame = rows.reindex(columns=columns).copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame.sort_values("period_start", kind="stable").reset_index(drop=True)


def _in_period_order(rows: pd.DataFrame) -> bool:
    """Whether both period columns are datetimes and the starts run in order (none missing), read as numpy."""
    types = rows.dtypes
    if types["period_start"].kind != "M" or types["period_end"].kind != "M":
        return False
    starts = rows["period_start"].to_numpy()
    return bool((starts[1:] >= starts[:-1]).all()) and not np.isnat(starts[:1]).any()


def _possible(rows: pd.DataFrame, upper: float) -> tuple[pd.DataFrame, int]:
    """Rows with every impossible stored number (not finite, outside 0..upper) left out as missing.

    A store written before the loaders checked every number, or changed by hand, may hold one; it must
    cost its own series a sentence, never the page or another series its chart.
    """
    # numpy masks, not Series: the matrix checks some 200 series, and aligning Series costs more than the check.
    bad = (possible_values.impossible_mask(rows["value"], upper)
           | possible_values.impossible_mask(rows["numerator"], possible_values.MAX_AMOUNT)
           | possible_values.impossible_mask(rows["denominator"], possible_values.MAX_AMOUNT))
    if bad.any():
        rows = rows.copy()
        rows["value"] = pd.to_numeric(rows["value"], errors="coerce").astype("float64").where(~bad)
        for column in ("numerator", "denominator"):
            rows[column] = rows[column].where(~bad, None)
        rows["value_note"] = rows["value_note"].where(~bad, IMPOSSIBLE_NOTE)
    # Counted from the notes, so rows already put in shape by assess_many still say how many were left out.
    notes = rows["value_note"].to_numpy(dtype=object, na_value=None)
    return rows, int(np.count_nonzero(notes == IMPOSSIBLE_NOTE))


def _possible_peers(peers: pd.DataFrame | None, upper: float) -> pd.DataFrame | None:
    if peers is None or peers.empty:
        return peers
    bad = possible_values.impossible_mask(peers["value"], upper)
    return peers[~bad] if bad.any() else peers


def _latest(rows: pd.DataFrame) -> Latest | None:
    value = rows["value"]
    valued = np.flatnonzero(~np.isnan(value.to_numpy()) if value.dtype == np.float64 else value.notna().to_numpy())
    if not valued.size:
        return None
    at = int(valued[-1])
    # One row by position, read once (the matrix reads some 200 latest rows; a column at a time costs ten times).
    whole = dict(zip(rows.columns, rows.iloc[at].to_numpy(dtype=object), strict=True))
    row = {column: whole.get(column) for column in ("period_start", "period_end", "numerator", "denominator",
                                                    "value_note", "is_demonstration", "coverage")}
    row["value"] = value.array[at]
    return Latest(pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"]), float(row["value"]),
                  _number(row["numerator"]), _number(row["denominator"]),
                  row["value_note"] if isinstance(row["value_note"], str) else None,
                  bool(row["is_demonstration"]) if not pd.isna(row["is_demonstration"]) else False,
                  _number(row["coverage"]))


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


__all__ = ["Assessment", "Latest", "Rank", "assess", "assess_many", "comparator_names", "comparator_order",
           "confidence_label", "publisher_comparison"]
