"""charts.svg: each kind of figure drawn as a picture says what plotly would show, where plotly would put it."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import spc
from analysis.assurance import Target
from analysis.funnel import funnel
from charts.funnel import funnel_figure
from charts.plan import rag_timeline
from charts.svg import (
    WIDTHS,
    chart_html,
    date_ticks,
    figure_svg,
    hover_words,
    line_corners,
    nice_ticks,
    picture,
    text_width,
)
from charts.upload_preview import new_over_stored
from charts.xmr import POINT_STYLES, xmr_figure

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = pd.date_range("2017-01-01", periods=24, freq="MS")
EVENTS = pd.DataFrame({"event_date": pd.to_datetime(["2017-10-30", "2018-06-01"]),
                       "end_date": [pd.Timestamp("2017-11-03"), pd.NaT], "label": ["Review", "Plan"]})


def _xmr(presentation=False, **kwargs) -> dict:
    values = np.r_[np.tile([9.0, 11.0], 8), np.tile([11.5, 30.0], 4)]
    result = spc.xmr(pd.Series(values, index=MONTHS), "decrease")
    return xmr_figure(result, area_name="York", unit="%", value_kind="percentage",
                      comparator=pd.Series(np.linspace(11, 12, 24), index=MONTHS), comparator_name="England",
                      events=EVENTS, presentation=presentation, **kwargs)


def _funnel() -> dict:
    rng = np.random.default_rng(3)
    population = rng.integers(2_000, 1_000_000, size=60).astype(float)
    people = rng.poisson(population * 10 / 100_000).astype(float)
    councils = pd.DataFrame({"area_code": [f"E06{n:06d}" for n in range(60)],
                             "area_name": [f"Council {n}" for n in range(60)], "numerator": people,
                             "denominator": population, "value": people / population * 100_000,
                             "population": population})
    plot = funnel(councils, {"multiplier": 100_000, "value_kind": "rate", "numerator_meaning": "Days"})
    return funnel_figure(plot, area_code="E06000001", area_name="Council 1", group_codes={"E06000002"},
                         group_name="Group", unit="per 100,000", value_kind="rate", denominator_label="Population")


def _timeline() -> dict:
    history = pd.DataFrame({"changed_at": pd.to_datetime(["2018-01-05", "2018-03-01", "2018-06-20"]),
                            "new_value": ["Red", "Amber", "Green"]})
    return rag_timeline(history, "1.1a")


def _preview() -> dict:
    stored = pd.DataFrame({"period_start": MONTHS[:12], "value": np.arange(12.0)})
    new = pd.DataFrame({"period_start": MONTHS[12:14], "new_value": [3.0, 4.0]})
    return new_over_stored(stored, new, "A&E attendances")


FIGURES = {"xmr": _xmr, "targets": lambda: _xmr(
    targets=[Target(10.0, "at_or_below", pd.Timestamp("2017-06-01"), None)]), "funnel": _funnel,
    "timeline": _timeline, "preview": _preview}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element, group: str) -> list[str]:
    return [t.text or "" for g in root.iter(f"{SVG}g") if g.get("class") == group for t in g.iter(f"{SVG}text")]


def _hovers(figure: dict, width: float = 900) -> list[str]:
    """The words each point's tooltip says, as the page lays them over the picture."""
    return [words for _, _, _, words in picture(figure, width=width).hovers]


def _page(html: str):
    """The chart's HTML as the browser reads it, and the SVG of each of its images."""
    import base64

    import lxml.html

    tree = lxml.html.fromstring(html)
    svgs = [base64.b64decode(img.get("src").split(",", 1)[1]).decode() for img in tree.iter("img")]
    return tree, svgs


@pytest.mark.parametrize("name", FIGURES)
def test_every_kind_of_figure_is_one_well_formed_picture_without_a_newline(name):
    """Well-formed SVG (a browser would drop a broken one whole), on the page as images that are the same
    pictures."""
    svg = figure_svg(FIGURES[name](), width=880)
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-label")
    _, svgs = _page(chart_html(FIGURES[name]()))
    own_ids = svg.replace('id="cclip"', 'id="cw880clip"').replace("url(#cclip)", "url(#cw880clip)")
    assert svgs[WIDTHS.index(880)] == own_ids


def test_the_legend_names_every_trace_plotly_would_name_in_order():
    figure = _xmr()
    expected = [t["name"] for t in figure["data"] if t.get("showlegend") is not False and t.get("name")]
    assert _texts(_parse(figure_svg(figure)), "traces") == expected
    assert "Lower process limit" not in expected  # the limits are one entry


def test_each_point_says_its_month_value_and_rule_when_the_pointer_rests_on_it():
    """Every marker of every point type has the words plotly's hover shows, as its tooltip."""
    figure = _xmr()
    titles = _hovers(figure)
    for trace in figure["data"]:
        if trace.get("mode") == "markers" and trace["name"] in {w for _, _, w in POINT_STYLES.values()}:
            for i, row in enumerate(trace["customdata"]):
                words = hover_words(trace, i, trace["x"][i], trace["y"][i])
                assert words == f"York {row[0]}\n{row[1]} %\n{row[2]}"
                assert words in titles
    # England's line: each month's value too, though the line has no markers drawn.
    assert any(t.startswith("England January 2017") for t in titles)


def test_points_are_placed_by_their_values_and_months():
    """Higher values are drawn higher, later months further right, and each marker is where its tooltip is."""
    figure = _xmr()
    drawn = picture(figure, width=900)
    root = _parse(drawn.svg)
    markers = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    markers += [((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2) for p in root.iter(f"{SVG}path")
                if p.get("d", "").endswith("Z") and p.get("stroke-width") == "1"
                for numbers in [[float(n) for n in re.findall(r"-?\d+\.?\d*", p.get("d"))]]
                for xs, ys in [(numbers[0::2], numbers[1::2])]]
    centres = {words.split("\n")[0]: (x, y) for x, y, _, words in drawn.hovers if words.startswith("York ")}
    assert len(centres) == 24
    for x, y in centres.values():
        assert any(math.isclose(x, mx, abs_tol=0.2) and math.isclose(y, my, abs_tol=0.2) for mx, my in markers)
    jan, feb, dec = centres["York January 2017"], centres["York February 2017"], centres["York December 2018"]
    assert jan[0] < feb[0] < dec[0]
    assert feb[1] < jan[1]  # 11 above 9
    assert dec[1] < feb[1]  # 30 above 11


def test_the_y_ticks_span_the_data_and_read_as_numbers():
    root = _parse(figure_svg(_xmr()))
    ticks = [float(t.replace(",", "").replace("−", "-")) for t in _texts(root, "ytick")]
    assert ticks == sorted(ticks) and ticks[0] <= 9 and ticks[-1] >= 30
    assert len(ticks) >= 3


def test_monthly_ticks_follow_the_figures_own_step_and_format():
    """Two years of months: a tick each quarter, "Jan 2017", as `period_ticks` asks plotly for."""
    ticks = _texts(_parse(figure_svg(_xmr(), width=1200)), "xtick")
    assert ticks[:3] == ["Jan 2017", "Apr 2017", "Jul 2017"]
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in ticks)


def test_x_ticks_are_thinned_so_no_two_labels_touch():
    root = _parse(figure_svg(_xmr(presentation=True), width=480))
    xs = [float(t.get("x")) for g in root.iter(f"{SVG}g") if g.get("class") == "xtick" for t in g]
    words = _texts(root, "xtick")
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert gaps and min(gaps) > max(text_width(w, 18) for w in words)


def test_a_comparator_on_another_scale_is_drawn_on_its_own_panel_with_its_own_ticks():
    values = np.r_[np.tile([9.0, 11.0], 12)]
    result = spc.xmr(pd.Series(values, index=MONTHS), "decrease")
    figure = xmr_figure(result, area_name="York", unit="admissions", value_kind="count",
                        comparator=pd.Series(np.linspace(40_000, 42_000, 24), index=MONTHS),
                        comparator_name="England")
    assert figure["layout"]["meta"]["comparator_panel"]
    root = _parse(figure_svg(figure))
    ticks = _texts(root, "ytick")
    assert any("," in t for t in ticks) and any(float(t) < 20 for t in ticks if "," not in t)
    assert "England, on its own scale" in _texts(root, "annotation")


def test_projector_sizes_are_kept():
    root = _parse(figure_svg(_xmr(presentation=True)))
    sizes = {float(t.get("font-size")) for g in root.iter(f"{SVG}g")
             if g.get("class") in ("xtick", "ytick", "legend") for t in g.iter(f"{SVG}text")}
    assert sizes and min(sizes) >= 18


def test_the_funnel_is_drawn_on_a_log_axis_with_the_figures_ticks():
    figure = _funnel()
    root = _parse(figure_svg(figure))
    assert _texts(root, "xtick") == figure["layout"]["xaxis"]["ticktext"]
    assert any(t.startswith("Council 1\n") for t in _hovers(figure))


def test_the_timeline_names_each_rag_at_its_start_alternately_above_and_below_the_line():
    root = _parse(figure_svg(_timeline()))
    y = {t.text: float(t.get("y")) for t in root.iter(f"{SVG}text") if t.text in ("Red", "Amber", "Green")}
    line = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")][0]
    assert y["Red"] < line < y["Amber"] and y["Green"] < line


def test_the_page_gets_one_picture_per_width_each_with_its_own_ids_and_tooltips_where_its_points_are():
    figure = _xmr()
    tree, svgs = _page(chart_html(figure, ids="a"))
    pictures = [d for d in tree.iter("div") if "pbip-picture" in (d.get("class") or "")]
    assert [d.get("class").split()[1] for d in pictures] == [f"w{w}" for w in WIDTHS]
    ids = [i for svg in svgs for i in re.findall(r'id="([^"]+)"', svg)]
    assert len(ids) == len(set(ids)) == len(WIDTHS)
    for width, shown in zip(WIDTHS, pictures, strict=True):
        drawn = picture(figure, width=width)
        spots = shown.findall("span")
        assert [s.get("title") for s in spots] == [words for *_, words in drawn.hovers]
        first_x, first_y, _, _ = drawn.hovers[0]
        left, top = (float(v.strip().rstrip("%")) for v in re.findall(r"(?:left|top):([\d.]+%)", spots[0].get("style")))
        assert math.isclose(left, first_x / drawn.width * 100, abs_tol=0.01)
        assert math.isclose(top, first_y / drawn.height * 100, abs_tol=0.01)


def test_a_straight_run_of_a_line_keeps_only_its_ends_and_a_line_that_turns_keeps_every_turn():
    assert line_corners([(0, 5), (1, 5), (2, 5), (3, 5)]) == [(0, 5), (3, 5)]
    assert line_corners([(0, 0), (1, 1), (2, 0)]) == [(0, 0), (1, 1), (2, 0)]
    assert line_corners([(0, 0), (2, 0), (1, 0)]) == [(0, 0), (2, 0), (1, 0)]  # doubles back: kept
    assert line_corners([(4, 4)]) == [(4, 4)]


def test_the_same_figure_gives_the_same_picture():
    assert figure_svg(_xmr()) == figure_svg(_xmr())


def test_hover_fills_customdata_and_formats_dates():
    trace = {"hovertemplate": "%{customdata[0]} from %{x|%d %b %Y}<extra></extra>", "customdata": [["Red"]]}
    assert hover_words(trace, 0, "2018-01-05T00:00:00", 1) == "Red from 05 Jan 2018"
    assert hover_words({"hoverinfo": "skip"}, 0, 1, 1) is None
    assert hover_words({"hovertext": ["<b>York</b><br>12"], "hoverinfo": "text"}, 0, 1, 1) == "York\n12"


def test_automatic_date_ticks_fit_their_room():
    low, high = 17_000.0, 17_000.0 + 3 * 365
    ticks = date_ticks({}, low, high, room=600, size=12)
    assert 2 <= len(ticks) and all(low <= days <= high for days, _ in ticks)
    assert len(ticks) * (text_width(ticks[0][1], 12) + 16) <= 600


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6), st.integers(2, 12))
def test_nice_ticks_are_round_steps_inside_the_range(low, span, most):
    step, ticks = nice_ticks(low, low + span, most)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))
    assert 1 <= len(ticks) <= most + 1
    assert all(low - step * 1e-6 <= t <= low + span + step * 1e-6 for t in ticks)


def test_a_picture_for_paper_keeps_its_size_with_the_legend_inside():
    """For paper the picture is the layout's size, its plot giving up height to the legend, as plotly does."""
    figure = _xmr(presentation=True)
    figure["layout"] |= {"width": 1100, "height": 500, "margin": {"l": 70, "r": 20, "t": 50, "b": 60}}
    assert 'viewBox="0 0 1100 500"' not in figure_svg(figure)  # a page's picture grows instead
    root = _parse(figure_svg(figure, fixed_size=True))
    assert (root.get("viewBox"), root.get("width"), root.get("height")) == ("0 0 1100 500", "1100", "500")
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert max(float(t.get("y")) for t in legend.iter(f"{SVG}text")) <= 500
    ticks = [float(t.get("y")) for g in root.iter(f"{SVG}g") if g.get("class") == "xtick" for t in g]
    assert max(ticks) < min(float(t.get("y")) for t in legend.iter(f"{SVG}text"))  # ticks above the legend


def test_words_from_people_are_only_words_in_the_picture():
    """An event's label, an area's name and a unit typed by someone reach the page as text: no HTML of theirs in
    the page or in the picture, which shows them as typed."""
    hostile = "![i](https://evil.example/i.png) [l](x) :red[c] $x^2$ <b>h</b> *s* _u_ `c` ~t~ \\"
    events = pd.DataFrame({"event_date": [pd.Timestamp("2017-06-01")], "end_date": [pd.NaT], "label": [hostile]})
    values = np.r_[np.tile([9.0, 11.0], 12)]
    figure = xmr_figure(spc.xmr(pd.Series(values, index=MONTHS), "decrease"), area_name=hostile, unit=hostile,
                        value_kind="count", events=events)
    tree, svgs = _page(chart_html(figure, words=hostile))
    assert not list(tree.iter("b")) and {img.get("alt") for img in tree.iter("img")} == {hostile}
    assert {s.get("title") for s in tree.iter("span")} >= {h for h in _hovers(figure, 480)}
    root = _parse(svgs[0])
    assert root.get("aria-label") == hostile
    assert f"1: {hostile} (Jun 2017)" in _texts(root, "traces")
    # A tooltip leaves out the bold plotly would have drawn for <b>, and shows every other character.
    assert any(t.startswith(hostile.replace("<b>", "").replace("</b>", "") + " ") for t in _hovers(figure))
