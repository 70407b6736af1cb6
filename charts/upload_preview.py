"""The upload preview's chart: a file's new values drawn over the series stored now, before confirming."""

from __future__ import annotations

import pandas as pd

from charts.figure import iso_dates, scatter
from charts.xmr import BACKGROUND, SERIES_LINE, TEXT

# NHS blue: the file's points stand out against the grey stored series.
NEW_VALUES = "#005EB8"
HEIGHT = 360


def new_over_stored(stored: pd.DataFrame, new: pd.DataFrame, value_label: str) -> dict:
    """`stored` (``period_start, value``) as a grey line, `new` (``period_start, new_value``, from the
    preview) as blue points; the y axis is called `value_label` (the indicator's name). Plain data."""
    return {"data": [scatter(x=iso_dates(stored["period_start"]), y=stored["value"].astype(float).tolist(),
                             name="stored", mode="lines+markers", line={"color": SERIES_LINE}),
                     scatter(x=iso_dates(new["period_start"]), y=new["new_value"].astype(float).tolist(),
                             name="this file", mode="markers", marker={"color": NEW_VALUES, "size": 9})],
            "layout": {"height": HEIGHT, "margin": {"t": 30}, "legend": {"orientation": "h"},
                       "paper_bgcolor": BACKGROUND, "plot_bgcolor": BACKGROUND, "font": {"color": TEXT},
                       "xaxis": {"title": {"text": "period start"}}, "yaxis": {"title": {"text": value_label}}}}
