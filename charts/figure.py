"""Plotly figures as plain data: ``{"data": [trace, ...], "layout": {...}}``, dicts and lists plotly.js reads.

The charts are built this way rather than from `plotly.graph_objects`, whose objects validate and deep-copy
every property as it is set: for a page of five XmR charts that was most of the page's run. The charts' tests
validate each figure with plotly (`go.Figure(figure)`), so a misspelt property still fails, there and not on a
page; pages draw them as pictures (`charts.svg`, through `ui.charts.chart`) or, for hover and zoom, with plotly;
the pack draws the same pictures as PNG (reports/figures.py).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


def iso(when) -> str | None:
    """A time as the text plotly.js reads ("2019-04-01T00:00:00"); None (a gap) for None or NaT.

    Figures hold times as text, not Timestamps: copying and encoding a Timestamp costs a thousand times more,
    and a chart holds hundreds of them."""
    return None if when is None or pd.isna(when) else pd.Timestamp(when).isoformat()


def iso_dates(times: Iterable) -> list[str | None]:
    """Each time as :func:`iso` writes it (to the second), all at once."""
    index = times if isinstance(times, pd.Index) else list(times)
    seconds = pd.DatetimeIndex(index).to_numpy(dtype="datetime64[s]")
    return [None if when == "NaT" else when for when in np.datetime_as_string(seconds, unit="s").tolist()]


def month_names(times: Iterable) -> list[str]:
    """Each time's month as people say it ("April 2019"), for hover text."""
    index = pd.DatetimeIndex(times if isinstance(times, pd.Index) else list(times))
    return [f"{calendar.month_name[month]} {year}" for month, year in zip(index.month, index.year, strict=True)]


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
