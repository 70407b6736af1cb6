"""Handing a figure to Streamlit expanded once: the same JSON and the same size as plotly's own path."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io
import plotly.tools
from streamlit.elements import plotly_chart as streamlit_plotly_chart

from tests.test_charts import figure as xmr_example
from ui.charts import Expanded, expanded


def sent(figure) -> str:
    """The JSON `st.plotly_chart` sends for `figure`, computed the way Streamlit computes it."""
    return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                             validate=False)


def test_the_browser_gets_the_same_figure_as_from_a_validated_plotly_figure():
    plain = xmr_example()
    assert json.loads(sent(Expanded(expanded(plain)))) == json.loads(sent(go.Figure(plain)))
    # and byte for byte what the unvalidated Figure sent before the expansion was kept
    assert sent(Expanded(expanded(plain))) == sent(go.Figure(plain, _validate=False))


def test_expanding_twice_changes_nothing():
    once = expanded(xmr_example())
    assert expanded(once) is once
    assert isinstance(once["layout"]["template"], dict)


def test_a_chart_sized_by_its_content_takes_the_figure_s_own_height_and_width():
    plain = xmr_example()
    plain["layout"] |= {"height": 380, "width": 640}
    chart = Expanded(expanded(plain))
    assert streamlit_plotly_chart._resolve_content_height("content", chart) == 380
    assert streamlit_plotly_chart._resolve_content_width("content", chart) == 640


def test_without_a_size_the_chart_takes_plotly_s_defaults():
    plain = xmr_example()
    plain["layout"].pop("height", None)
    plain["layout"].pop("width", None)
    chart = Expanded(expanded(plain))
    assert streamlit_plotly_chart._resolve_content_height("content", chart) == 450
