"""The XmR figure (plain data): its traces, colours, shapes, hover words, events and rebases, and valid plotly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import spc
from analysis.assurance import Target
from charts.figure import trace_names
from charts.xmr import POINT_STYLES, xmr_figure

MONTHS = pd.date_range("2017-01-01", periods=24, freq="MS")
EVENTS = pd.DataFrame({"event_date": pd.to_datetime(["2017-10-30", "2017-12-22", "2030-01-01"]),
                       "end_date": [pd.Timestamp("2017-11-03"), pd.NaT, pd.NaT],
                       "label": ["CQC local system review", "CQC review report published", "Out of range"],
                       "source": ["a", "b", "c"]})


def result() -> pd.DataFrame:
    values = np.r_[np.tile([9.0, 11.0], 8), np.tile([11.5, 12.0], 4)]
    return spc.xmr(pd.Series(values, index=MONTHS), "decrease")


def figure(**kwargs):
    england = pd.Series(np.linspace(11, 12, 24), index=MONTHS)
    return xmr_figure(result(), area_name="York", unit="%", value_kind="percentage", comparator=england,
                      comparator_name="England", events=EVENTS, **kwargs)


class TestXmrFigure:
    def test_has_series_mean_limits_point_types_and_comparator(self):
        """The figure draws York, the mean, the process limits, each point type present, and England."""
        names = trace_names(figure())
        assert names[:4] == ["York", "Mean", "Process limits", "Lower process limit"]
        assert "Common cause" in names and "Special cause: concern" in names
        assert "England" in names

    def test_point_types_differ_in_colour_and_shape(self):
        """Each point type has its own colour and its own marker, so colour is never the only cue."""
        colours = {style[0] for style in POINT_STYLES.values()}
        shapes = {style[1] for style in POINT_STYLES.values()}
        assert len(colours) == len(shapes) == len(POINT_STYLES)
        concern = next(t for t in figure()["data"] if t["name"] == "Special cause: concern")
        assert (concern["marker"]["color"], concern["marker"]["symbol"]) == ("#D55E00", "square")

    def test_hover_says_value_period_and_rule(self):
        """Hovering a special-cause point gives its period, value and the rule in words."""
        concern = next(t for t in figure()["data"] if t["name"] == "Special cause: concern")
        period, value, rule = concern["customdata"][-1]
        assert period == "December 2018" and value == "12.0%"
        assert rule == "Flagged: 7 points above the mean"

    def test_events_in_range_are_numbered_and_named_in_the_legend(self):
        """Events inside the charted period get a line and a number on the chart and their words in the
        legend (so labels never overlap); the review week gets a band; neighbours' numbers alternate height."""
        fig = figure()
        annotations = fig["layout"]["annotations"]
        assert [a["text"] for a in annotations] == ["1", "2"]
        assert annotations[0]["yshift"] != annotations[1]["yshift"]
        names = trace_names(fig)
        assert "1: CQC local system review (Oct 2017)" in names and "2: CQC review report published (Dec 2017)" in names
        assert not any("Out of range" in str(n) for n in names)
        assert sum(shape["type"] == "rect" for shape in fig["layout"]["shapes"]) == 1

    def test_rebase_dates_are_drawn(self):
        """A rebase date draws a line, named in the legend."""
        fig = figure(rebase_dates=[pd.Timestamp("2018-05-01")])
        assert "Rebase (new limits from here)" in trace_names(fig)
        assert any(pd.Timestamp(shape["x0"]) == pd.Timestamp("2018-05-01") for shape in fig["layout"]["shapes"])

    def test_the_axis_ends_at_the_data(self):
        """The time axis runs from half a period before the first point to half a period after the last."""
        start, end = figure()["layout"]["xaxis"]["range"]
        assert MONTHS[0] - pd.Timedelta(days=20) < pd.Timestamp(start) < MONTHS[0]
        assert MONTHS[-1] < pd.Timestamp(end) < MONTHS[-1] + pd.Timedelta(days=20)

    def test_a_comparator_on_another_scale_gets_its_own_panel(self):
        """A CCG's ~3,000 admissions against England's ~580,000 are never drawn on one axis."""
        big = pd.Series(np.linspace(550_000, 580_000, 24), index=MONTHS)
        fig = xmr_figure(result(), area_name="CCG", unit="admissions", value_kind="count", comparator=big,
                         comparator_name="England")
        assert fig["layout"]["meta"]["comparator_panel"] is True
        england = next(t for t in fig["data"] if t["name"] == "England")
        assert england["yaxis"] == "y2"
        assert all(t.get("yaxis") == "y" for t in fig["data"] if t["name"] == "York")
        assert fig["layout"]["annotations"][0]["text"] == "England, on its own scale"
        assert figure()["layout"]["meta"]["comparator_panel"] is False

    def test_presentation_mode_uses_projector_sizes(self):
        """Presentation mode sets chart text to at least 20 px and the title to at least 28 px."""
        fig = figure(presentation=True, title="DToC")
        layout = fig["layout"]
        assert layout["font"]["size"] >= 20 and layout["title"]["font"]["size"] >= 28
        assert layout["xaxis"]["tickfont"]["size"] >= 18 and layout["yaxis"]["tickfont"]["size"] >= 18
        assert layout["legend"]["font"]["size"] >= 18
        assert figure()["layout"]["font"]["size"] < 20

    def test_limits_break_between_segments(self):
        """After a rebase, the mean line has a gap so no line joins two segments."""
        rebased = spc.xmr(result()["value"], "decrease", rebase=[MONTHS[16]])
        fig = xmr_figure(rebased, area_name="York", unit="%", value_kind="percentage")
        mean = next(t for t in fig["data"] if t["name"] == "Mean")
        assert None in mean["x"]

    def test_a_series_without_comparator_or_events_still_draws(self):
        """No comparator and no events: the chart shows the area alone."""
        fig = xmr_figure(result(), area_name="York", unit="%", value_kind="percentage")
        assert "England" not in trace_names(fig)

    def test_targets_and_the_trajectory_are_named_and_labelled(self):
        """A target is a line named in words with its label at the right; the trajectory a dotted line."""
        fig = figure(targets=[Target(value=11.0, direction="at_or_below", effective_from=MONTHS[6])],
                     trajectory=pd.Series([11.5, 11.0], index=MONTHS[-2:]))
        names = trace_names(fig)
        assert "Target: at or below 11.0% from Jul 2017" in names and "Planned (trajectory)" in names
        assert "Target 11.0%" in [a["text"] for a in fig["layout"]["annotations"]]

    def test_every_kind_of_figure_is_valid_plotly(self):
        """Pages draw the figure without plotly validating it again, so here plotly validates each kind: panels,
        events, rebases, targets, trajectory, presentation (a misspelt property raises)."""
        big = pd.Series(np.linspace(550_000, 580_000, 24), index=MONTHS)
        target = Target(value=11.0, direction="at_or_below", effective_from=MONTHS[6])
        for fig in (figure(), figure(presentation=True, title="DToC", rebase_dates=[MONTHS[10]], targets=[target],
                                     trajectory=pd.Series([11.5, 11.0], index=MONTHS[-2:])),
                    xmr_figure(result(), area_name="CCG", unit="admissions", value_kind="count", comparator=big,
                               comparator_name="England", events=EVENTS, targets=[target])):
            checked = go.Figure(fig)
            assert len(checked.data) == len(fig["data"])
            assert checked.layout.meta["comparator_panel"] == fig["layout"]["meta"]["comparator_panel"]
