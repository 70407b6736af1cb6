"""Drawing a chart built as plain data (charts/figure.py) on a page.

`st.plotly_chart` given a dict rebuilds it as a plotly Figure, validating every property, which costs more
than building the chart; given a Figure it only copies it. The charts' own tests validate every figure they
build, so here the dict is wrapped as a Figure without a second validation (plotly's `_validate=False`, the
switch its own templates are loaded with). plotly's default template is still applied, as before.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st


def plotly_chart(figure: dict, place=None, **options):
    """Draw `figure` (``{"data": [...], "layout": {...}}``) as `place.plotly_chart(figure, **options)` would
    (`place` a column or container; the page itself when None)."""
    return (place or st).plotly_chart(go.Figure(figure, _validate=False), **options)
