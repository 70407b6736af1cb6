"""The XmR chart as a plotly figure in plain data: finished SPC results in. Nothing here queries or computes limits.

Colours follow NHS England "Making Data Count" (improvement blue, concern orange, neutral purple,
common cause grey) in shades from the Okabe-Ito colour-blind-safe palette, each at least 3:1 against
white (WCAG 2.2, 1.4.11). Every point type also has its own marker shape and legend words, so colour
is never the only cue (WCAG 2.2, 1.4.1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.assess import Assessment
from analysis.periods import format_value
from analysis.spc import RULE_LABELS
from charts.figure import iso, iso_dates, month_names, scatter, vertical_line
from charts.targets import target_lines

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
# Tick, legend and event-number text: at least 18 px on the projector.
TICK_FONT = {False: 12, True: 18}
# A comparator more than this many times the area's typical value (or less than its inverse) gets its own panel.
SCALE_RATIO = 10
TITLE_FONT = {False: 20, True: 30}
MARKER_SIZE = {False: 9, True: 13}


def xmr_figure(result: pd.DataFrame, *, area_name: str, unit: str, value_kind: str,
               comparator: pd.Series | None = None, comparator_name: str | None = None,
               events: pd.DataFrame | None = None, rebase_dates: Sequence[pd.Timestamp] = (),
               title: str | None = None, presentation: bool = False, targets: Sequence = (),
               trajectory: pd.Series | None = None) -> dict:
    """The area's XmR chart (points by type, mean, process limits), the comparator's series, events, rebases.

    ``result`` is :func:`analysis.spc.xmr` output on a DatetimeIndex; ``comparator`` a value Series on
    a DatetimeIndex; ``events`` has ``event_date, end_date, label``; ``targets`` (`analysis.assurance.Target`)
    and ``trajectory`` (planned values on a DatetimeIndex) are drawn and named in words. A comparator on
    another scale (a CCG's admissions against England's) is drawn on its own panel below, never on the area's axis;
    ``figure["layout"]["meta"]["comparator_panel"]`` says so, for the page's caption.

    The figure is plain data (``{"data": [...], "layout": {...}}``, see charts/figure.py), one trace per kind of
    line or point: plotly's objects validate and copy every property, several times the cost of the page.
    """
    points = result.sort_index()
    points.attrs = {}  # the SPC's notes, which pandas would deep-copy at every step below; the chart needs none
    x = pd.DatetimeIndex(points.index)
    comp = comparator.dropna().sort_index() if comparator is not None else pd.Series(dtype=float)
    own_panel = not comp.empty and other_scale(points["value"], comp)
    main = {"xaxis": "x", "yaxis": "y"} if own_panel else {}
    data: list[dict] = [scatter(x=iso_dates(x), y=points["value"].astype(float).tolist(), mode="lines",
                                name=area_name, line={"color": SERIES_LINE, "width": 2}, hoverinfo="skip",
                                connectgaps=False, **main)]
    mean_x, mean_y = _segment_lines(points, "mean")
    data.append(scatter(x=mean_x, y=mean_y, mode="lines", name="Mean", line={"color": MEAN_LINE, "width": 2},
                        hoverinfo="skip", **main))
    for column, name, show in (("upl", "Process limits", True), ("lpl", "Lower process limit", False)):
        lx, ly = _segment_lines(points, column)
        data.append(scatter(x=lx, y=ly, mode="lines", name=name, showlegend=show, legendgroup="limits",
                            line={"color": LIMIT_LINE, "width": 2, "dash": "dash"}, hoverinfo="skip", **main))

    for point_type, (colour, symbol, words) in POINT_STYLES.items():
        chosen = points[(points["point_type"] == point_type) & points["value"].notna()]
        if chosen.empty:
            continue
        data.append(scatter(
            x=iso_dates(chosen.index), y=chosen["value"].astype(float).tolist(), mode="markers",
            name=words,
            marker={"color": colour, "symbol": symbol, "size": MARKER_SIZE[presentation],
                    "line": {"color": TEXT if point_type != "common_cause" else colour, "width": 1}},
            customdata=[[when, format_value(value, value_kind), _hover_rule(rule)] for when, value, rule in
                        zip(month_names(chosen.index), chosen["value"].tolist(), chosen["rule"].tolist(), strict=True)],
            hovertemplate=(f"<b>{area_name}</b> %{{customdata[0]}}<br>%{{customdata[1]}} {unit}"
                           "<br>%{customdata[2]}<extra></extra>"), **main))

    if not comp.empty:
        data.append(scatter(
            x=iso_dates(comp.index), y=comp.astype(float).tolist(), mode="lines",
            name=comparator_name or "Comparator", line={"color": COMPARATOR, "width": 2.5, "dash": "dot"},
            customdata=[[when, format_value(value, value_kind)]
                        for when, value in zip(month_names(comp.index), comp.tolist(), strict=True)],
            hovertemplate=(f"<b>{comparator_name}</b> %{{customdata[0]}}<br>%{{customdata[1]}} {unit}"
                           "<extra></extra>"), **({"xaxis": "x2", "yaxis": "y2"} if own_panel else {})))

    layout: dict = {"shapes": [], "annotations": []}
    rows = ("y", "y2") if own_panel else ("y",)
    target_traces, target_labels = target_lines(targets, trajectory, x, value_kind=value_kind, unit=unit,
                                                tick_size=TICK_FONT[presentation], axes=main)
    data += target_traces
    layout["annotations"] += target_labels
    _add_events(data, layout, events, x, presentation, rows)
    rebases = [pd.Timestamp(when) for when in rebase_dates if len(x) and x.min() <= pd.Timestamp(when) <= x.max()]
    for when in rebases:
        layout["shapes"] += vertical_line(when, {"color": TEXT, "width": 2, "dash": "longdash"}, rows)
    if rebases:
        data.append(scatter(x=[None], y=[None], mode="lines", name="Rebase (new limits from here)",
                            line={"color": TEXT, "width": 2, "dash": "longdash"}))

    font = BASE_FONT[presentation]
    tick = TICK_FONT[presentation]
    legend_rows = -(-sum(1 for trace in data if trace.get("showlegend") is not False) // 3)
    axis = {"gridcolor": GRID, "showgrid": False, "tickfont": {"size": tick}, **period_ticks(x)}
    if len(x):
        # The axis ends at the data: half a period of air either side, not plotly's 5 % padding.
        pad = pd.Timedelta(days=16) if len(x) < 2 else (x[1] - x[0]) / 2
        axis["range"] = [iso(x.min() - pad), iso(x.max() + pad)]
    y_axis = {"gridcolor": GRID, "zeroline": False, "tickfont": {"size": tick}, "title": {"font": {"size": tick}},
              "automargin": True}
    layout.update(
        font={"size": font, "color": TEXT, "family": "Arial, Helvetica, sans-serif"},
        paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND,
        hoverlabel={"font": {"size": font}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.06 if own_panel else -0.1, "x": 0,
                "font": {"size": tick}},
        # Room under the plot for the legend (about three entries a row), above it for the event numbers.
        margin={"l": 10, "r": 10, "t": (60 if title else 30) + 2 * tick, "b": 40 + legend_rows * (tick + 14)},
        height=(560 if presentation else 440) + (180 if own_panel else 0) + legend_rows * (tick + 14),
        meta={"comparator_panel": bool(own_panel)},
        xaxis=axis, yaxis={**y_axis, "title": {"font": {"size": tick}, "text": unit}},
    )
    if title:
        layout["title"] = {"text": title, "font": {"size": TITLE_FONT[presentation], "color": TEXT}}
    if own_panel:
        # Two panels sharing the time axis, as plotly's make_subplots(rows=2, row_heights=[0.7, 0.3]) lays them.
        layout["xaxis"] = {**axis, "anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False}
        layout["yaxis"] |= {"anchor": "x", "domain": [0.356, 1.0]}
        layout["xaxis2"] = {**axis, "anchor": "y2", "domain": [0.0, 1.0]}
        layout["yaxis2"] = {**y_axis, "anchor": "x2", "domain": [0.0, 0.276]}
        layout["annotations"].insert(0, {"text": f"{comparator_name}, on its own scale", "showarrow": False,
                                         "x": 0.5, "xanchor": "center", "xref": "paper", "y": 0.276,
                                         "yanchor": "bottom", "yref": "paper"})
    for annotation in layout["annotations"]:
        annotation["font"] = {"size": tick, "color": TEXT}
    return {"data": data, "layout": layout}


# Ticks for monthly data: every month up to a year shown, then every quarter, half year, then each year.
_MONTH_STEPS = ((12, 1), (36, 3), (72, 6))


def period_ticks(x: pd.DatetimeIndex) -> dict:
    """X-axis ticks that count the data's own periods: months for monthly data ("Apr 2018"), years for
    annual data ("2018"), never days (plotly picks days for a short span of months)."""
    if len(x) == 0:
        return {}
    gaps = pd.Series(x.sort_values()).diff().dropna()
    step_days = gaps.median().days if len(gaps) else 31
    if step_days >= 360:
        return {"dtick": "M12", "tickformat": "%Y", "tick0": iso(x.min())}
    if step_days < 28:
        return {}
    months = (x.max().year - x.min().year) * 12 + x.max().month - x.min().month + 1
    step = next((every for up_to, every in _MONTH_STEPS if months <= up_to), 12)
    return {"dtick": f"M{step}", "tickformat": "%b %Y" if step < 12 else "%Y", "tick0": iso(x.min())}


def other_scale(values: pd.Series, comparator: pd.Series) -> bool:
    """True when the comparator's typical value is over ten times the area's (or under a tenth)."""
    area, other = values.dropna().abs().median(), comparator.dropna().abs().median()
    if not area or not other or pd.isna(area) or pd.isna(other):
        return False
    return max(area, other) / min(area, other) > SCALE_RATIO


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
        xs.extend(iso_dates(segment.index))
        ys.extend(segment[column].astype(float).tolist())
    return xs, ys


def _add_events(data: list[dict], layout: dict, events: pd.DataFrame | None, x: pd.DatetimeIndex,
                presentation: bool, rows: Sequence[str]) -> None:
    """Events inside the charted period: a dotted line (a band for a span) numbered at the top, named in the
    legend. Labels live in the legend, not on the plot, so they can never overlap each other or the data."""
    if events is None or events.empty or len(x) == 0:
        return
    first, last = x.min(), x.max() + pd.offsets.MonthEnd(0)
    shown = events[(pd.to_datetime(events["event_date"]) >= first) & (pd.to_datetime(events["event_date"]) <= last)]
    for number, row in enumerate(shown.itertuples(index=False), start=1):
        start = pd.Timestamp(row.event_date)
        end = pd.Timestamp(row.end_date) if row.end_date is not None and not pd.isna(row.end_date) else None
        if end is not None and end > start:
            layout["shapes"] += [{"type": "rect", "x0": iso(start), "x1": iso(end), "xref": axis.replace("y", "x"),
                                  "y0": 0, "y1": 1, "yref": f"{axis} domain", "fillcolor": EVENT, "opacity": 0.25,
                                  "line": {"width": 0}} for axis in rows]
        layout["shapes"] += vertical_line(start, {"color": EVENT, "width": 1.5, "dash": "dot"}, rows)
        # Neighbouring numbers alternate between two heights, so events a month apart stay legible.
        layout["annotations"].append({
            "x": iso(start), "y": 1, "yref": "paper", "text": str(number), "showarrow": False, "xanchor": "center",
            "yanchor": "bottom", "yshift": (number % 2 == 0) * (TICK_FONT[presentation] + 4),
            "font": {"size": TICK_FONT[presentation], "color": TEXT}, "bgcolor": BACKGROUND})
        data.append(scatter(x=[None], y=[None], mode="lines", name=f"{number}: {row.label} ({start:%b %Y})",
                            line={"color": EVENT, "width": 1.5, "dash": "dot"}))


def assessment_figure(a: Assessment, *, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                      title: str | None = None, presentation: bool = False) -> dict:
    """The indicator's XmR chart from its assessment, drawn for the periods ``start``..``end``.

    The window only changes what is drawn: the limits are the assessment's, from the whole series.
    """
    points = a.points.sort_index()
    points.attrs = {}  # as in xmr_figure: not deep-copied at each step
    comparator = a.comparator_series.sort_index()
    if start is not None:
        points, comparator = points[points.index >= start], comparator[comparator.index >= start]
    if end is not None:
        points, comparator = points[points.index <= end], comparator[comparator.index <= end]
    return xmr_figure(points, area_name=a.area_name, unit=a.unit, value_kind=a.value_kind,
                      comparator=comparator if a.comparator_code else None, comparator_name=a.comparator_name,
                      events=a.events, rebase_dates=a.rebase_dates, title=title, presentation=presentation,
                      targets=a.targets, trajectory=a.trajectory)
