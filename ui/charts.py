"""Drawing a chart built as plain data (charts/figure.py) on a page, and keeping it until the store changes.

A chart is drawn as a picture (charts/svg.py): the page carries it as an image the browser draws itself, with
each point's words as its tooltip, and loads no chart library. A visitor who wants plotly's hover and zoom turns on
"Interactive charts" in the sidebar (:func:`interactive_toggle`), for the session; plotly then draws the
same figure.


`st.plotly_chart` turns whatever it is given into the dict it sends: a dict is rebuilt as a plotly Figure,
validating every property; a Figure is deep-copied and walked (`to_dict`). For a page of five XmR charts that
was more than the rest of the page's run. So a figure is expanded once, the way plotly would (its default
template applied, `go.Figure(..., _validate=False)`, the switch plotly's own templates are loaded with: the
charts' tests validate every figure they build), kept per store version, and handed to Streamlit in a wrapper
that gives that dict back as it is. What reaches the browser is the same JSON as before, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import plotly.graph_objects as go
import streamlit as st

from charts.svg import chart_html
from ui import context
from ui.html_block import html_block

INTERACTIVE_KEY = "interactive_charts"


def expanded(figure: dict) -> dict:
    """The figure as `st.plotly_chart` would send it: plotly's default template in its layout, every property
    spelt out as plotly.js reads it. (An expanded figure is given back unchanged.)"""
    if isinstance(figure.get("layout", {}).get("template"), dict):
        return figure
    return go.Figure(figure, _validate=False).to_dict()


class Expanded(go.Figure):
    """A figure already expanded, which Streamlit takes as a plotly Figure (no validation) and whose `to_dict`,
    all Streamlit and `plotly.io.to_json` ask of it, gives the dict back without copying it.

    plotly's own constructor is not run: it would copy and walk every trace, the cost this exists to skip."""

    def __init__(self, figure: dict):  # plotly.graph_objects.Figure.__init__ deliberately not called (see the class)
        self._expanded_figure = figure

    def to_dict(self) -> dict:
        return self._expanded_figure

    to_plotly_json = to_dict

    @property
    def layout(self) -> SimpleNamespace:
        """What Streamlit reads of the layout besides `to_dict`: the figure's own width and height, which size
        the chart when the page asks for its "content" size (Streamlit's default height)."""
        layout = self._expanded_figure.get("layout", {})
        return SimpleNamespace(width=layout.get("width"), height=layout.get("height"))


def plotly_chart(figure: dict, place=None, **options):
    """Draw `figure` (``{"data": [...], "layout": {...}}``, plain or :func:`expanded`) as
    `place.plotly_chart(figure, **options)` would (`place` a column or container; the page itself when None)."""
    return (place or st).plotly_chart(Expanded(expanded(figure)), **options)


def interactive_toggle() -> None:
    """The sidebar's switch between pictures and plotly's interactive charts (off: pictures load faster)."""
    st.sidebar.toggle("Interactive charts", key=INTERACTIVE_KEY,
                      help="Hover over a point for its value and any rule it breaks, drag to zoom, double-click "
                           "to zoom out. Pages with charts take longer to load. Off, each point's words show "
                           "when the pointer rests on it.")


def interactive() -> bool:
    """Whether this visitor asked for plotly's interactive charts."""
    return bool(st.session_state.get(INTERACTIVE_KEY, False))


def chart(figure: dict, place=None, *, kept: tuple | None = None, words: str | None = None, **plotly_options):
    """Draw `figure` in `place` (a column or container; the page itself when None): as a picture, or with
    plotly when the visitor asked for :func:`interactive` charts (`plotly_options` are then plotly_chart's).

    `kept` names the figure as :func:`kept_figure` was given it: its picture (or its expanded form) is then kept
    per store version too. `words` describe the picture for screen readers (the figure's title otherwise)."""
    where = place or st
    if interactive():
        prepared = context.keep(("expanded", *kept), lambda: expanded(figure)) if kept else figure
        return plotly_chart(prepared, place, **plotly_options)
    # Each picture is an image, a document of its own: its ids need not differ from another chart's.
    html = context.keep(("picture", *kept), lambda: chart_html(figure, words=words)) if kept \
        else chart_html(figure, words=words)
    return html_block(html, where)


def kept_figure(key: tuple, build: Callable[..., dict], /, *args, **kwargs) -> dict:
    """`build(*args, **kwargs)`'s figure kept per store version and day: a second visit takes it (and, through
    :func:`chart` given the same key, its picture) instead of drawing it again.

    `key` names everything else the figure depends on (the page, the indicator, the area, the comparator, the
    periods shown, presentation mode); what the store holds (the series, the plan's actions) is the version's.
    """
    return context.keep(("figure", *key), lambda: build(*args, **kwargs))
