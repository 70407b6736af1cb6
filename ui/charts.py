"""Drawing a chart built as plain data (charts/figure.py) on a page, and keeping it until the store changes.

`st.plotly_chart` given a dict rebuilds it as a plotly Figure, validating every property, which costs more
than building the chart; given a Figure it only copies it. The charts' own tests validate every figure they
build, so here the dict is wrapped as a Figure without a second validation (plotly's `_validate=False`, the
switch its own templates are loaded with). plotly's default template is still applied, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from ui import context


def plotly_chart(figure: dict, place=None, **options):
    """Draw `figure` (``{"data": [...], "layout": {...}}``) as `place.plotly_chart(figure, **options)` would
    (`place` a column or container; the page itself when None)."""
    return (place or st).plotly_chart(go.Figure(figure, _validate=False), **options)


@st.cache_data(show_spinner=False, max_entries=256)
def _kept(key: tuple, _build: Callable[[], dict]) -> dict:
    return _build()


def kept_figure(key: tuple, build: Callable[..., dict], /, *args, **kwargs) -> dict:
    """`build(*args, **kwargs)`'s figure, kept per store version and day: a second visit unpickles it instead of
    drawing it again.

    `key` names everything else the figure depends on (the page, the indicator, the area, the comparator, the
    periods shown, presentation mode); what the store holds (the series, the plan's actions) is the version's.
    """
    return _kept((str(context.settings().store), context.store_version(), date.today(), *key),
                 partial(build, *args, **kwargs))
