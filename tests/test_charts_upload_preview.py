"""The upload preview's chart (charts/upload_preview.py): new values over the stored series."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.upload_preview import NEW_VALUES, new_over_stored


def test_the_stored_series_is_a_line_and_the_file_s_values_are_points():
    """Two traces: the stored values joined up, the file's new values as blue points, y named in words."""
    stored = pd.DataFrame({"period_start": pd.to_datetime(["2019-01-01", "2019-02-01"]), "value": [10.0, 12.0]})
    new = pd.DataFrame({"period_start": pd.to_datetime(["2019-02-01", "2019-03-01"]), "new_value": [13.0, 14.0]})
    figure = new_over_stored(stored, new, "Delayed transfers of care")
    line, points = figure["data"]
    assert (line["name"], line["mode"], list(line["y"])) == ("stored", "lines+markers", [10.0, 12.0])
    assert (points["name"], points["mode"], list(points["y"])) == ("this file", "markers", [13.0, 14.0])
    assert points["marker"]["color"] == NEW_VALUES
    assert figure["layout"]["yaxis"]["title"]["text"] == "Delayed transfers of care"
    assert go.Figure(figure).layout.yaxis.title.text == "Delayed transfers of care"  # valid plotly
