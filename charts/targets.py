"""Targets and trajectories drawn on an XmR chart: finished targets in, traces on the figure. No query, no maths.

A target is a solid line across the periods it is in force, named in words in the legend ("Target: at or below
9.4 from September 2017") and labelled at its right-hand end ("Target 9.4"), in the chart's tick size (18 px on
the projector). A trajectory is a dotted line through its planned values with open markers, named "Planned
(trajectory)". The colour (Okabe-Ito reddish purple, darkened to 5:1 on white) is not used for any point type;
the words carry the meaning, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analysis.assurance import DIRECTION_WORDS, Target
from analysis.periods import format_value

TARGET = "#9E3D74"
TRAJECTORY = "#9E3D74"
TEXT_BACKGROUND = "#FFFFFF"


def add_targets(fig: go.Figure, targets: Sequence[Target], trajectory: pd.Series | None, x: pd.DatetimeIndex, *,
                value_kind: str, unit: str, tick_size: int, where: dict | None = None) -> None:
    """Draw each target over the charted periods it is in force, and the trajectory's planned values."""
    where = where or {}
    if len(x) == 0:
        return
    first, last = x.min(), x.max()
    for target in targets:
        start = max(target.effective_from, first)
        end = min(target.effective_to, last) if target.effective_to is not None else last
        if start > end:
            continue
        shown = format_value(target.value, value_kind)
        words = f"Target: {DIRECTION_WORDS[target.direction]} {shown}" + (
            f" from {target.effective_from:%b %Y}" if target.effective_from > first else "")
        fig.add_trace(go.Scatter(
            x=[start, end], y=[target.value, target.value], mode="lines", name=words,
            line={"color": TARGET, "width": 3}, hovertemplate=f"{words} {unit}<extra></extra>"), **where)
        fig.add_annotation(x=end, y=target.value, text=f"Target {shown}", showarrow=False, xanchor="right",
                           yanchor="bottom", font={"size": tick_size, "color": TARGET}, bgcolor=TEXT_BACKGROUND,
                           **_axes(where))
    planned = trajectory.dropna().sort_index() if trajectory is not None else pd.Series(dtype=float)
    planned = planned[(planned.index >= first) & (planned.index <= last)] if not planned.empty else planned
    if not planned.empty:
        fig.add_trace(go.Scatter(
            x=pd.DatetimeIndex(planned.index), y=planned.to_numpy(dtype=float), mode="lines+markers",
            name="Planned (trajectory)", line={"color": TRAJECTORY, "width": 2.5, "dash": "dot"},
            marker={"symbol": "circle-open", "size": 9, "color": TRAJECTORY, "line": {"width": 2}},
            customdata=[[f"{when:%B %Y}", format_value(value, value_kind)] for when, value in planned.items()],
            hovertemplate=("Planned for %{customdata[0]}: %{customdata[1]} " + unit + "<extra></extra>")), **where)


def _axes(where: dict) -> dict:
    """The annotation's axes for a figure with subplots (row 1) or without."""
    return {"xref": "x", "yref": "y"} if where else {}
