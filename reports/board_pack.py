"""The board pack as a description: what each page says, read from the one assessment per indicator.

:func:`assemble` is pure (assessments and plan frames in, a :class:`BoardPack` out); :func:`from_store`
reads the store as at a board date and a store version and calls it. The PDF and the slides
(reports/pdf.py, reports/pptx.py) only lay this description out, so the two formats, and the board
view on screen, say the same thing: every figure is an :class:`~analysis.assess.Assessment`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from analysis import plan as rules
from analysis import spc
from analysis.assess import Assessment, assess_many
from analysis.board import BoardRow, board_rows, rag_by_project
from analysis.board_date import latest_board_date
from analysis.exceptions import IndicatorException, exceptions, overdue_lines
from analysis.funnel import METHOD as FUNNEL_METHOD
from analysis.funnel import Funnel, dispersion_sentence, funnel
from analysis.overview import data_label
from analysis.periods import period_label
from analysis.plan_as_at import actions_as_at, indicator_rag, since_board
from analysis.publication import lag_sentence
from analysis.trust_now import TrustNow
from reports import board_paper
from reports.trust_now import now_from_store
from store import as_at as store_as_at
from store import board_asks, queries
from store import groups as store_groups
from store import indicators as store_indicators
from store import plan as store_plan
from store.assessment import assessment_inputs, default_comparator
from store.board_asks import BoardAsk
from store.commentary import Commentary

TITLE = "PBIP performance: board pack"
DEMONSTRATION_LABEL = ("Demonstration data: invented for demonstration where no public series exists; "
                       "not real figures.")
SPC_METHOD = (f"Statistical process control: XmR (individuals) charts with NHS England's Making Data Count "
              f"rules; process limits at the mean ± {spc.XMR_LIMIT_FACTOR} × the mean moving range, from the "
              f"whole stored series split at rebase dates (trial limits below {spc.TRIAL_LIMITS_BELOW} points); "
              f"special cause: a point beyond a limit, a run of {spc.RUN_LENGTH} on one side of the mean, a trend "
              f"of {spc.TREND_LENGTH}, two of three near a limit.")
SIGNIFICANCE_METHOD = ("Significance: OHID Fingertips' comparison with the comparator at 95% and 99.8% "
                       "confidence (Wilson score interval for percentages; Byar's approximation, or the exact "
                       "Poisson interval below 10 events, for crude rates).")
ASSURANCE_METHOD = ("Assurance: Making Data Count, against the target in force for the latest period: a target "
                    "beyond the process limits of the latest segment (since the last rebase) on the right side is "
                    "consistently met, on the wrong side consistently missed; a target within them is hit and miss. "
                    "A trajectory is compared period by period and drawn on the chart.")
# `rag` is the RAG last reported; `status` the RAG the action reads as on the board date (Red when overdue).
ACTION_COLUMNS = ["ref", "description", "lead", "due_date", "rag", "status", "is_overdue", "is_demonstration"]


@dataclass(frozen=True)
class IndicatorPage:
    """One indicator's page: its assessment (chart, verdict, definition) and the plan actions linked to it."""

    assessment: Assessment
    row: BoardRow
    actions: pd.DataFrame
    """Linked actions as at the board date: ``ACTION_COLUMNS``, plan order."""
    commentary: Commentary | None = None
    """The commentary signed off by the board date for the latest period shown, or None."""

    @property
    def publication(self) -> str:
        return lag_sentence(self.assessment.definition.get("publication_lag_days"))


@dataclass(frozen=True)
class FunnelPage:
    """Every English council at once for one indicator: the peers page's funnel, its limits and what they say."""

    title: str
    funnel: Funnel
    adjusted: bool
    lines: list[str]
    area_code: str
    area_name: str
    group_codes: frozenset[str]
    group_name: str | None
    unit: str
    value_kind: str
    denominator_label: str


@dataclass(frozen=True)
class PlanSection:
    """The plan as at the board date: RAG by project and recommendation, overdue, changes since the last board."""

    by_project: pd.DataFrame
    by_recommendation: pd.DataFrame
    overdue: pd.DataFrame
    previous_board: date
    previous_board_label: str | None
    changes: pd.DataFrame
    changes_line: str
    is_demonstration: bool


@dataclass(frozen=True)
class Source:
    """Where one indicator's figures come from, and the periods the pack holds."""

    indicator: str
    source: str
    publisher: str
    periods: str
    data: str


@dataclass(frozen=True)
class BoardPack:
    """Everything the pack says, page by page; formats lay it out and compute nothing."""

    area_code: str
    area_name: str
    comparator_code: str
    comparator_name: str
    as_at: date
    store_version: int
    undone_loads: tuple[int, ...]
    generated_at: datetime
    rows: list[BoardRow]
    pages: list[IndicatorPage]
    plan: PlanSection | None
    sources: list[Source]
    methods: list[str]
    funnel: FunnelPage | None = None
    # The council's acute trust after 2020 (reports/trust_now.py), when the council has one with these measures.
    now: TrustNow | None = None
    exceptions: list[IndicatorException] = ()
    asks: BoardAsk | None = None
    """What the board is asked to do at this board date, as signed off by then; None when nothing is."""

    @property
    def title(self) -> str:
        return TITLE

    @property
    def demonstration_names(self) -> list[str]:
        return [page.assessment.short_name for page in self.pages if page.assessment.is_demonstration]

    @property
    def has_demonstration(self) -> bool:
        return bool(self.demonstration_names) or bool(self.plan and self.plan.is_demonstration)

    @property
    def version_text(self) -> str:
        undone = (f"; load{'s' if len(self.undone_loads) > 1 else ''} "
                  f"{', '.join(map(str, self.undone_loads))} since undone, so left out") if self.undone_loads else ""
        return f"store version {self.store_version} (the last load included){undone}"

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The cover's facts, label and value."""
        return [("Area", self.area_name), ("Compared with", self.comparator_name),
                ("As at", f"{self.as_at:%-d %B %Y}"), ("Made from", self.version_text),
                ("Generated", f"{self.generated_at:%-d %B %Y %H:%M}")]


@dataclass(frozen=True)
class PlanInputs:
    """The plan as the store holds it now, with its history, for :func:`assemble` to take back to a day."""

    projects: pd.DataFrame
    recommendations: pd.DataFrame
    actions: pd.DataFrame
    history: pd.DataFrame
    links: pd.DataFrame
    events: pd.DataFrame


def assemble(assessments: Sequence[Assessment], plan: PlanInputs | None, *, area_code: str, area_name: str,
             comparator_code: str, comparator_name: str, as_at: date, store_version: int,
             undone_loads: Sequence[int] = (), generated_at: datetime,
             previous_board_date: date | None = None, funnel: FunnelPage | None = None,
             now: TrustNow | None = None,
             commentary: dict[str, Commentary | None] | None = None,
             previous_quintiles: dict[str, int | None] | None = None, asks: BoardAsk | None = None) -> BoardPack:
    """The pack for the area against the comparator as at `as_at`, from assessments made as at that day.

    `commentary` holds each indicator's commentary signed off by that day (None: none); the executive
    summary lists the exceptions with it, or "No commentary yet", and their overdue linked actions.
    """
    commentary = commentary or {}
    actions = (actions_as_at(plan.actions, plan.history, as_at) if plan is not None
               else pd.DataFrame(columns=[*ACTION_COLUMNS, "recommendation_ref"]))
    rag = indicator_rag(plan.links, actions) if plan is not None else pd.DataFrame(
        columns=["indicator_id", "rag", "actions"])
    rows = board_rows(assessments, rag)
    pages = [IndicatorPage(a, row, _linked_actions(plan, actions, a.indicator_id), commentary.get(a.indicator_id))
             for a, row in zip(assessments, rows, strict=True)]
    listed = exceptions(assessments, commentary={i: board_paper.commentary_line(c) for i, c in commentary.items()},
                        overdue={page.assessment.indicator_id: overdue_lines(page.actions) for page in pages},
                        previous_quintiles=previous_quintiles)
    return BoardPack(
        area_code=area_code, area_name=area_name, comparator_code=comparator_code, comparator_name=comparator_name,
        as_at=as_at, store_version=store_version, undone_loads=tuple(undone_loads), generated_at=generated_at,
        rows=rows, pages=pages, plan=_plan_section(plan, actions, as_at, previous_board_date) if plan else None,
        sources=[_source(a) for a in assessments],
        methods=_methods(assessments) + ([f"Funnel: {FUNNEL_METHOD}"] if funnel is not None else []), funnel=funnel,
        now=now,
        exceptions=listed, asks=asks,
    )


def from_store(con: duckdb.DuckDBPyConnection, *, area_code: str, comparator_code: str, as_at: date | None = None,
               store_version: int | None = None, previous_board_date: date | None = None,
               generated_at: datetime | None = None) -> BoardPack:
    """Read the store as at `as_at` and `store_version` (default the last load) and assemble.

    Without `as_at` the pack is for the latest board date among the stored events, never today (the data
    stop in 2019: as at today every action would read as overdue). ValueError with one sentence when
    there is no such date or the version does not exist.
    """
    day = as_at or latest_board_date(store_indicators.events(con))
    if day is None:
        raise ValueError("Give the board date the pack is for (--as-at YYYY-MM-DD): the store holds no "
                         "marked events to take the latest board date from.")
    version = store_as_at.latest_load(con) if store_version is None else int(store_version)
    refusal = store_as_at.version_refusal(con, version)
    if refusal:
        raise ValueError(refusal)
    # The store as it stood, read once: every question below is asked of these rows.
    with store_as_at.held(con, store_as_at.AsAt(version, day)) as view:
        return _assembled(con, area_code=area_code, comparator_code=comparator_code, day=day, version=version,
                          view=view, previous_board_date=previous_board_date, generated_at=generated_at)


def _assembled(con: duckdb.DuckDBPyConnection, *, area_code: str, comparator_code: str, day: date, version: int,
               view: store_as_at.AsAt, previous_board_date: date | None, generated_at: datetime | None) -> BoardPack:
    """:func:`from_store` once the day, the version and the view of the store are settled."""
    events = store_indicators.events(con)
    events = events[pd.to_datetime(events["event_date"]).dt.date <= day].reset_index(drop=True)
    definitions = store_indicators.definitions(con)
    cqc_ids = definitions.loc[definitions["is_cqc_indicator"], "indicator_id"].tolist()
    # Read as the store stood (one indicator at a time: as_at), charted together (one batch SPC, xmr_many).
    assessed = assess_many({indicator_id: assessment_inputs(con, indicator_id, area_code,
                                                            default_comparator(con, indicator_id, comparator_code,
                                                                               view), events=events, as_at=view)
                            for indicator_id in cqc_ids}, today=day)
    assessments = [assessed[indicator_id] for indicator_id in cqc_ids]
    plan = PlanInputs(store_plan.projects(con), store_plan.recommendations(con), store_plan.actions(con),
                      store_plan.action_history(con), store_plan.indicator_links(con),
                      events) if store_plan.has_plan(con) else None
    return assemble(assessments, plan, area_code=area_code, area_name=queries.area_name(con, area_code) or area_code,
                    comparator_code=comparator_code,
                    comparator_name=queries.area_name(con, comparator_code) or comparator_code,
                    as_at=day, store_version=version, undone_loads=store_as_at.undone_within(con, version),
                    generated_at=generated_at or datetime.now().replace(microsecond=0),
                    previous_board_date=previous_board_date, funnel=_funnel_page(con, area_code, view),
                    commentary=board_paper.signed_off_commentary(con, assessments, by=day),
                    previous_quintiles=board_paper.previous_quintiles(con, assessments, view),
                    asks=board_asks.signed_off(con, area_code, day, by=day),
                    now=now_from_store(con, area_code=area_code, comparator_code=comparator_code, view=view,
                                       events=events, day=day))


def _funnel_page(con: duckdb.DuckDBPyConnection, area_code: str, view: store_as_at.AsAt) -> FunnelPage | None:
    """The peers page's opening funnel (its first indicator every council has) for the latest period as at the
    board date, with the limits the page opens on (adjusted where φ > 1)."""
    ids = store_groups.funnel_indicators(con)
    if not ids:
        return None
    indicator_id = ids[0]
    definition = store_indicators.indicator(con, indicator_id)
    for period in store_groups.council_periods(con, indicator_id).itertuples():
        if view.day is not None and pd.Timestamp(period.period_end).date() > view.day:
            continue
        plot = funnel(store_groups.england_councils(con, indicator_id, period.period_start,
                                                    observations=view.observations), definition)
        if plot is None:
            continue
        own = store_groups.groups_of(con, area_code)["group_code"].tolist()[::-1]
        group = own[0] if own else None
        area_name = queries.area_name(con, area_code) or area_code
        kind = str(definition["value_kind"])
        adjusted = plot.fit.adjusted
        view_points = plot.view(adjusted).points
        mine = view_points[view_points["area_code"] == area_code]
        where = f"{area_name} is {mine['position'].iloc[0]}. " if not mine.empty else ""
        which = "adjusted " if adjusted else ""
        return FunnelPage(
            title=f"Every council: {definition['short_name']}, "
                  f"{period_label(period.period_start, period.period_end)}",
            funnel=plot, adjusted=adjusted,
            lines=[f"{len(view_points)} English councils. {where}{plot.view(adjusted).outside_998} lie outside the "
                   f"99.8% {which}limits.", dispersion_sentence(plot, adjusted), plot.note],
            area_code=area_code, area_name=area_name,
            group_codes=frozenset(store_groups.members(con, group)["area_code"]) if group else frozenset(),
            group_name=store_groups.group_name(con, group) if group else None, unit=str(definition["unit"]),
            value_kind=kind,
            denominator_label="Population " + str(definition["age_band"]) if kind == "published"
            else str(definition["denominator_meaning"] or "Denominator"))
    return None


def _linked_actions(plan: PlanInputs | None, actions: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    if plan is None:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    refs = set(plan.links.loc[plan.links["indicator_id"] == indicator_id, "recommendation_ref"])
    return actions.loc[actions["recommendation_ref"].isin(refs), ACTION_COLUMNS].reset_index(drop=True)


def _plan_section(plan: PlanInputs, actions: pd.DataFrame, as_at: date, chosen: date | None) -> PlanSection:
    since = since_board(plan.history, plan.events, as_at, chosen)
    by_recommendation = rules.rag_counts(actions, "recommendation_ref", as_at).merge(
        plan.recommendations[["ref", "recommendation"]], left_on="recommendation_ref", right_on="ref", how="left")
    by_recommendation = by_recommendation.drop(columns="ref")
    return PlanSection(
        by_project=rag_by_project(plan.projects, plan.recommendations, actions, as_at),
        by_recommendation=by_recommendation, overdue=actions.loc[actions["is_overdue"], ACTION_COLUMNS]
        .reset_index(drop=True), previous_board=since.meeting, previous_board_label=since.label,
        changes=since.changes, changes_line=since.line, is_demonstration=bool(actions["is_demonstration"].any()),
    )


def _source(a: Assessment) -> Source:
    periods = (f"{period_label(a.rows['period_start'].iloc[0], a.rows['period_end'].iloc[0])} to {a.period_text}"
               if a.has_data else "no data")
    return Source(a.short_name, str(a.definition["source"]), str(a.definition["publisher"]), periods, data_label(a))


def _methods(assessments: Sequence[Assessment]) -> list[str]:
    used = dict.fromkeys(c.method for a in assessments for c in (a.comparison, a.comparison_998) if c.method)
    return [SPC_METHOD, SIGNIFICANCE_METHOD, ASSURANCE_METHOD, *(f"Used in this pack: {method}." for method in used),
            *target_sources(assessments)]


def target_sources(assessments: Sequence[Assessment]) -> list[str]:
    """Each target in force, with its source in words and its link, for the sources and methods page."""
    return [f"Target for {a.short_name}: {t.text(a.value_kind, a.unit)}. Source: {t.source}"
            + (f" ({t.source_url})" if t.source_url else "") + "."
            for a in assessments if (t := a.target_in_force) is not None]
