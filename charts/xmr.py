"""The XmR chart as a plotly figure: finished SPC results in, Figure out. Nothing here queries or computes limits.

Colours follow NHS England "Making Data Count" (improvement blue, concern orange, neutral purple,
common cause grey) in shades from the Okabe-Ito colour-blind-safe palette, each at least 3:1 against
white (WCAG 2.2, 1.4.11). Every point type also has its own marker shape and legend words, so colour
is never the only cue (WCAG 2.2, 1.4.1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.assess import Assessment
from analysis.periods import format_value
from analysis.spc import RULE_LABELS

BACKGROUND = "#FFFFFF"
TEXT = "#1A1A1A"
GRID = "#D9D9D9"
SERIES_LINE = "#595959"
MEAN_LINE = "#1A1A1A"
LIMIT_LINE = "#595959"
COMPARATOR = "#005A8C"
EVENT = "#4D4D4D"

# (colour, plotly marker symbol, legend words) per MDC point type.
POINT_STYLES: dict[str, tuple[str, str, str]] = {
    "common_cause": ("#767676", "circle", "Common cause"),
    "special_cause_improvement": ("#0072B2", "diamond", "Special cause: improvement"),
    "special_cause_concern": ("#D55E00", "square", "Special cause: concern"),
    "special_cause_neutral": ("#7B3294", "triangle-up", "Special cause: neither better nor worse"),
}

BASE_FONT = {False: 14, True: 22}
TITLE_FONT = {False: 20, True: 30}
MARKER_SIZE = {False: 9, True: 13}


def xmr_figure(result: pd.DataFrame, *, area_name: str, unit: str, value_kind: str,
               comparator: pd.Series | None = None, comparator_name: str | None = None,
               events: pd.DataFrame | None = None, rebase_dates: Sequence[pd.Timestamp] = (),
               title: str | None = None, presentation: bool = False) -> go.Figure:
    """The area's XmR chart (points by type, mean, process limits), the comparator's series, events, rebases.

    ``result`` is :func:`analysis.spc.xmr` output on a DatetimeIndex; ``comparator`` a value Series on
    a DatetimeIndex; ``events`` has ``event_date, end_date, label``.
    """
    points = result.sort_index()
    x = pd.DatetimeIndex(points.index)
    fig = go.Figure()

    fig.add_trace(go.Scatter(x=x, y=points["value"], mode="lines", name=area_name,
                             line={"color": SERIES_LINE, "width": 2}, hoverinfo="skip", connectgaps=False))
    mean_x, mean_y = _segment_lines(points, "mean")
    fig.add_trace(go.Scatter(x=mean_x, y=mean_y, mode="lines", name="Mean",
                             line={"color": MEAN_LINE, "width": 2}, hoverinfo="skip"))
    for column, name, show in (("upl", "Process limits", True), ("lpl", "Lower process limit", False)):
        lx, ly = _segment_lines(points, column)
        fig.add_trace(go.Scatter(x=lx, y=ly, mode="lines", name=name, showlegend=show,
                                 legendgroup="limits", line={"color": LIMIT_LINE, "width": 2, "dash": "dash"},
                                 hoverinfo="skip"))

    for point_type, (colour, symbol, words) in POINT_STYLES.items():
        chosen = points[(points["point_type"] == point_type) & points["value"].notna()]
        if chosen.empty:
            continue
        fig.add_trace(go.Scatter(
            x=pd.DatetimeIndex(chosen.index), y=chosen["value"], mode="markers", name=words,
            marker={"color": colour, "symbol": symbol, "size": MARKER_SIZE[presentation],
                    "line": {"color": TEXT if point_type != "common_cause" else colour, "width": 1}},
            customdata=[[f"{pd.Timestamp(when):%B %Y}", format_value(value, value_kind), _hover_rule(rule)]
                        for when, value, rule in zip(chosen.index, chosen["value"], chosen["rule"], strict=True)],
            hovertemplate=(f"<b>{area_name}</b> %{{customdata[0]}}<br>%{{customdata[1]}} {unit}"
                           "<br>%{customdata[2]}<extra></extra>"),
        ))

    if comparator is not None and not comparator.dropna().empty:
        comp = comparator.sort_index()
        fig.add_trace(go.Scatter(
            x=pd.DatetimeIndex(comp.index), y=comp.to_numpy(), mode="lines", name=comparator_name or "Comparator",
            line={"color": COMPARATOR, "width": 2.5, "dash": "dot"},
            customdata=[[f"{pd.Timestamp(when):%B %Y}", format_value(value, value_kind)]
                        for when, value in comp.items()],
            hovertemplate=(f"<b>{comparator_name}</b> %{{customdata[0]}}<br>%{{customdata[1]}} {unit}"
                           "<extra></extra>"),
        ))

    _add_events(fig, events, x, presentation)
    for when in rebase_dates:
        fig.add_vline(x=pd.Timestamp(when), line={"color": TEXT, "width": 2, "dash": "longdash"})
        fig.add_annotation(x=pd.Timestamp(when), y=0, yref="paper", text="Rebase", showarrow=False,
                           xanchor="left", yanchor="bottom", font={"size": BASE_FONT[presentation] - 2, "color": TEXT},
                           bgcolor=BACKGROUND)

    font = BASE_FONT[presentation]
    fig.update_layout(
        title={"text": title, "font": {"size": TITLE_FONT[presentation], "color": TEXT}} if title else None,
        font={"size": font, "color": TEXT, "family": "Arial, Helvetica, sans-serif"},
        paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND,
        hoverlabel={"font": {"size": font}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": font}},
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10},
        height=620 if presentation else 480,
        yaxis={"title": {"text": unit, "font": {"size": font}}, "gridcolor": GRID, "zeroline": False},
        xaxis={"gridcolor": GRID, "showgrid": False},
    )
    return fig


def _hover_rule(rule: object) -> str:
    if rule is None or (isinstance(rule, float) and pd.isna(rule)) or rule is pd.NA:
        return "Common cause: no rule flagged"
    return "Flagged: " + RULE_LABELS.get(str(rule), str(rule))


def _segment_lines(points: pd.DataFrame, column: str) -> tuple[list, list]:
    """x, y for a line drawn per segment, with a gap (None) between segments so none is joined up."""
    xs: list = []
    ys: list = []
    for _, segment in points.groupby("segment", sort=True):
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(pd.DatetimeIndex(segment.index))
        ys.extend(segment[column].astype(float).tolist())
    return xs, ys


def _add_events(fig: go.Figure, events: pd.DataFrame | None, x: pd.DatetimeIndex, presentation: bool) -> None:
    """Events inside the charted period: a shaded band or a line, each labelled at the top, staggered."""
    if events is None or events.empty or len(x) == 0:
        return
    first, last = x.min(), x.max() + pd.offsets.MonthEnd(0)
    shown = events[(pd.to_datetime(events["event_date"]) >= first) & (pd.to_datetime(events["event_date"]) <= last)]
    for i, row in enumerate(shown.itertuples(index=False)):
        start = pd.Timestamp(row.event_date)
        end = pd.Timestamp(row.end_date) if row.end_date is not None and not pd.isna(row.end_date) else None
        if end is not None and end > start:
            fig.add_vrect(x0=start, x1=end, fillcolor=EVENT, opacity=0.25, line_width=0)
        fig.add_vline(x=start, line={"color": EVENT, "width": 1.5, "dash": "dot"})
        fig.add_annotation(x=start, y=1 - 0.075 * (i % 4), yref="paper", text=row.label, showarrow=False,
                           xanchor="left", yanchor="top", font={"size": BASE_FONT[presentation] - 3, "color": TEXT},
                           bgcolor="rgba(255,255,255,0.85)")


def assessment_figure(a: Assessment, *, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                      title: str | None = None, presentation: bool = False) -> go.Figure:
    """The indicator's XmR chart from its assessment, drawn for the periods ``start``..``end``.

    The window only changes what is drawn: the limits are the assessment's, from the whole series.
    """
    points = a.points.sort_index()
    comparator = a.comparator_series.sort_index()
    if start is not None:
        points, comparator = points[points.index >= start], comparator[comparator.index >= start]
    if end is not None:
        points, comparator = points[points.index <= end], comparator[comparator.index <= end]
    return xmr_figure(points, area_name=a.area_name, unit=a.unit, value_kind=a.value_kind,
                      comparator=comparator if a.comparator_code else None, comparator_name=a.comparator_name,
                      events=a.events, rebase_dates=a.rebase_dates, title=title, presentation=presentation)
