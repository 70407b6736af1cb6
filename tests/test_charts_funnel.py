"""charts.funnel: the funnel figure draws the limits asked for, names them, and lets the councils set its height."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.funnel import funnel
from charts.figure import trace_names
from charts.funnel import funnel_figure


def _plot():
    rng = np.random.default_rng(3)
    population = rng.integers(2_000, 1_000_000, size=80).astype(float)
    people = rng.poisson(population * 10 / 100_000 * np.exp(rng.normal(0, 0.4, size=80))).astype(float)
    councils = pd.DataFrame({"area_code": [f"E06{n:06d}" for n in range(80)],
                             "area_name": [f"Council {n}" for n in range(80)], "numerator": people,
                             "denominator": population, "value": people / population * 100_000,
                             "population": population})
    return funnel(councils, {"multiplier": 100_000, "value_kind": "rate",
                             "numerator_meaning": "Average delayed days per day"})


def _draw(plot, adjusted: bool):
    return funnel_figure(plot, area_code="E06000001", area_name="Council 1", group_codes={"E06000002"},
                         group_name="Group", unit="per 100,000", value_kind="rate", denominator_label="Population",
                         adjusted=adjusted)


class TestTheFunnelFigure:
    def test_names_the_adjusted_limits_and_draws_the_adjusted_curve(self):
        """Adjusted: the legend says so and the 99.8 % line is the adjusted view's curve."""
        plot = _plot()
        assert plot.fit.adjusted
        fig = _draw(plot, adjusted=True)
        names = set(trace_names(fig))
        assert {"99.8% adjusted limits", "95% adjusted limits"} <= names
        upper = next(t for t in fig["data"] if t["name"] == "99.8% adjusted limits" and t["showlegend"])
        assert list(upper["y"]) == plot.view(True).curve["upper_998"].tolist()

    def test_unadjusted_limits_are_narrower_and_named_plainly(self):
        """Chance alone: the legend says "99.8% limits" and the curve lies inside the adjusted one."""
        plot = _plot()
        fig = _draw(plot, adjusted=False)
        upper = next(t for t in fig["data"] if t["name"] == "99.8% limits" and t["showlegend"])
        assert (np.array(upper["y"]) < plot.view(True).curve["upper_998"].to_numpy()).all()

    def test_the_councils_set_the_height_not_the_limits_at_tiny_populations(self):
        """The y axis reaches a little above the highest council, not to the limits' peak at the smallest size."""
        plot = _plot()
        fig = _draw(plot, adjusted=True)
        top = fig["layout"]["yaxis"]["range"][1]
        assert top >= plot.points["value"].max()
        assert top < plot.view(True).curve["upper_998"].max()

    def test_the_area_and_its_group_have_their_own_colour_shape_and_name_and_plotly_accepts_it(self):
        """The area and its group are named in the legend with their own marker; the figure is valid plotly
        (pages draw it without plotly validating it again)."""
        plot = _plot()
        for adjusted in (True, False):
            fig = _draw(plot, adjusted=adjusted)
            area = next(t for t in fig["data"] if t["name"] == "Council 1")
            group = next(t for t in fig["data"] if t["name"] == "Group")
            assert (area["marker"]["symbol"], group["marker"]["symbol"]) == ("square", "diamond")
            assert area["hovertext"][0].startswith("<b>Council 1</b>")
            assert len(go.Figure(fig).data) == len(fig["data"])
