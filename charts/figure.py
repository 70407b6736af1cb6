"""Plotly figures as plain data: ``{"data": [trace, ...], "layout": {...}}``, dicts and lists plotly.js reads.

The charts are built this way rather than from `plotly.graph_objects`, whose objects validate and deep-copy
every property as it is set: for a page of five XmR charts that was most of the page's run. The charts' tests
validate each figure with plotly (`go.Figure(figure)`), so a misspelt property still fails, there and not on a
page; pages draw them with `ui.charts.plotly_chart`, the pack exports them with kaleido.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd


def iso(when) -> str | None:
    """A time as the text plotly.js reads ("2019-04-01T00:00:00"); None (a gap) for None or NaT.

    Figures hold times as text, not Timestamps: copying and encoding a Timestamp costs a thousand times more,
    and a chart holds hundreds of them."""
    return None if when is None or pd.isna(when) else pd.Timestamp(when).isoformat()


def iso_dates(times: Iterable) -> list[str | None]:
    """Each time as :func:`iso` writes it."""
    return [iso(when) for when in times]


def scatter(**properties) -> dict:
    """A scatter trace (lines, markers or both)."""
    return {"type": "scatter", **properties}


def vertical_line(x, line: dict, y_axes: Sequence[str] = ("y",)) -> list[dict]:
    """A line from bottom to top of each panel (its y axis named) at ``x``, as plotly's ``add_vline`` draws it."""
    x = iso(x)
    return [{"type": "line", "x0": x, "x1": x, "xref": axis.replace("y", "x"), "y0": 0, "y1": 1,
             "yref": f"{axis} domain", "line": line} for axis in y_axes]


def trace_names(figure: dict) -> list:
    """Each trace's name, in drawing order (None for a trace without one)."""
    return [trace.get("name") for trace in figure["data"]]
