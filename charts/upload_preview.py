"""The upload preview's chart: a file's new values drawn over the series stored now, before confirming."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.xmr import BACKGROUND, SERIES_LINE, TEXT

# NHS blue: the file's points stand out against the grey stored series.
NEW_VALUES = "#005EB8"
HEIGHT = 360


def new_over_stored(stored: pd.DataFrame, new: pd.DataFrame, value_label: str) -> go.Figure:
    """`stored` (``period_start, value``) as a grey line, `new` (``period_start, new_value``, from the
    preview) as blue points; the y axis is called `value_label` (the indicator's name)."""
    figure = go.Figure()
    figure.add_scatter(x=stored["period_start"], y=stored["value"], name="stored", mode="lines+markers",
                       line={"color": SERIES_LINE})
    figure.add_scatter(x=new["period_start"], y=new["new_value"], name="this file", mode="markers",
                       marker={"color": NEW_VALUES, "size": 9})
    figure.update_layout(height=HEIGHT, margin={"t": 30}, legend={"orientation": "h"}, paper_bgcolor=BACKGROUND,
                         plot_bgcolor=BACKGROUND, font={"color": TEXT}, xaxis_title="period start",
                         yaxis_title=value_label)
    return figure
