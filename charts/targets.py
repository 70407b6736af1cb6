"""Targets and trajectories drawn on an XmR chart: finished targets in, traces and labels out. No query, no maths.

A target is a solid line across the periods it is in force, named in words in the legend ("Target: at or below
9.4 from September 2017") and labelled at its right-hand end ("Target 9.4"), in the chart's tick size (18 px on
the projector). A trajectory is a dotted line through its planned values with open markers, named "Planned
(trajectory)". The colour (Okabe-Ito reddish purple, darkened to 5:1 on white) is not used for any point type;
the words carry the meaning, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.assurance import DIRECTION_WORDS, Target
from analysis.periods import format_value
from charts.figure import iso, iso_dates, scatter

TARGET = "#9E3D74"
TRAJECTORY = "#9E3D74"
TEXT_BACKGROUND = "#FFFFFF"


def target_lines(targets: Sequence[Target], trajectory: pd.Series | None, x: pd.DatetimeIndex, *,
                 value_kind: str, unit: str, tick_size: int, axes: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Each target over the charted periods it is in force, and the trajectory's planned values: the traces and
    the targets' labels (annotations). ``axes`` names the panel's axes on a chart of two panels."""
    axes = axes or {}
    if len(x) == 0:
        return [], []
    traces: list[dict] = []
    labels: list[dict] = []
    first, last = x.min(), x.max()
    for target in targets:
        start = max(target.effective_from, first)
        end = min(target.effective_to, last) if target.effective_to is not None else last
        if start > end:
            continue
        shown = format_value(target.value, value_kind)
        words = f"Target: {DIRECTION_WORDS[target.direction]} {shown}" + (
            f" from {target.effective_from:%b %Y}" if target.effective_from > first else "")
        traces.append(scatter(x=[iso(start), iso(end)], y=[target.value, target.value], mode="lines", name=words,
                              line={"color": TARGET, "width": 3}, hovertemplate=f"{words} {unit}<extra></extra>",
                              **axes))
        labels.append({"x": iso(end), "y": target.value, "text": f"Target {shown}", "showarrow": False,
                       "xanchor": "right", "yanchor": "bottom", "font": {"size": tick_size, "color": TARGET},
                       "bgcolor": TEXT_BACKGROUND, **({"xref": "x", "yref": "y"} if axes else {})})
    planned = trajectory.dropna().sort_index() if trajectory is not None else pd.Series(dtype=float)
    planned = planned[(planned.index >= first) & (planned.index <= last)] if not planned.empty else planned
    if not planned.empty:
        traces.append(scatter(
            x=iso_dates(planned.index), y=planned.astype(float).tolist(), mode="lines+markers",
            name="Planned (trajectory)", line={"color": TRAJECTORY, "width": 2.5, "dash": "dot"},
            marker={"symbol": "circle-open", "size": 9, "color": TRAJECTORY, "line": {"width": 2}},
            customdata=[[f"{when:%B %Y}", format_value(value, value_kind)] for when, value in planned.items()],
            hovertemplate=("Planned for %{customdata[0]}: %{customdata[1]} " + unit + "<extra></extra>"), **axes))
    return traces, labels
