"""The funnel plot: every council's value against its denominator, the councils' pooled line and the limits.

Pure: a finished :class:`analysis.funnel.Funnel` in, a plotly figure as plain data out (charts/figure.py), with
the adjusted or the unadjusted limits as asked. The chosen area and its group are drawn in their own colour
and marker shape and named in the legend, so colour is never the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from analysis.funnel import Funnel
from analysis.periods import format_value
from charts.figure import scatter
from charts.xmr import BACKGROUND, BASE_FONT, GRID, LIMIT_LINE, MARKER_SIZE, TEXT, TICK_FONT

OTHER = "#9E9E9E"
GROUP = "#0072B2"
AREA = "#D55E00"


def funnel_figure(f: Funnel, *, area_code: str, area_name: str, group_codes: Collection[str], group_name: str | None,
                  unit: str, value_kind: str, denominator_label: str, adjusted: bool = True,
                  presentation: bool = False, units: str = "councils") -> dict:
    """The funnel for one indicator and period, the area and its group highlighted, hover naming each council;
    ``adjusted`` chooses the over-dispersion-adjusted limits (the same as the unadjusted where φ ≤ 1)."""
    data: list[dict] = []
    view = f.view(adjusted)
    curve = view.curve
    denominators = curve["denominator"].astype(float).tolist()
    which = "adjusted " if adjusted and f.fit.adjusted else ""
    for name, dash, words in (("998", "dot", f"99.8% {which}limits"), ("95", "dash", f"95% {which}limits")):
        for side in ("lower", "upper"):
            data.append(scatter(x=denominators, y=curve[f"{side}_{name}"].astype(float).tolist(), mode="lines",
                                line={"color": LIMIT_LINE, "dash": dash, "width": 1.5}, name=words,
                                legendgroup=words, showlegend=side == "upper", hoverinfo="skip"))
    data.append(scatter(x=[denominators[0], denominators[-1]], y=[f.target] * 2, mode="lines",
                        line={"color": TEXT, "width": 2},
                        name=f"All English {units}: {format_value(f.target, value_kind)}", hoverinfo="skip"))
    points = view.points
    is_area = points["area_code"] == area_code
    in_group = points["area_code"].isin(group_codes) & ~is_area
    size = MARKER_SIZE[presentation]
    for mask, colour, symbol, name, marker_size in (
            (~is_area & ~in_group, OTHER, "circle", f"Other English {units}", size - 2),
            (in_group, GROUP, "diamond", group_name or "Group", size),
            (is_area, AREA, "square", area_name, size + 5)):
        chosen = points[mask]
        if chosen.empty:
            continue
        hover = [f"<b>{n}</b><br>{format_value(v, value_kind)} {unit}<br>{denominator_label}: {d:,.0f}<br>{p}"
                 for n, v, d, p in zip(chosen["area_name"], chosen["value"], chosen["denominator"],
                                       chosen["position"], strict=True)]
        data.append(scatter(x=chosen["denominator"].astype(float).tolist(), y=chosen["value"].astype(float).tolist(),
                            mode="markers", name=name,
                            marker={"color": colour, "symbol": symbol, "size": marker_size,
                                    "line": {"color": BACKGROUND, "width": 1}},
                            hovertext=hover, hoverinfo="text"))
    font, tick = BASE_FONT[presentation], TICK_FONT[presentation]
    # Ticks at 1, 2 and 5 of each power of ten, all at the tick size (plotly's own log ticks add small digits).
    low, high = denominators[0], denominators[-1]
    ticks = [m * 10 ** p for p in range(int(math.floor(math.log10(low))), int(math.ceil(math.log10(high))) + 1)
             for m in (1, 2, 5) if low <= m * 10 ** p <= high]
    # The councils set the height: the limits at the smallest populations run far above every council and would
    # squash the points into a line at the bottom.
    values = points["value"]
    top = max(float(values.max()), float(view.points["upper_998"].median()), f.target) * 1.15
    bottom = min(0.0, float(values.min()))
    layout = {
        "font": {"size": font, "color": TEXT, "family": "Arial, Helvetica, sans-serif"},
        "paper_bgcolor": BACKGROUND, "plot_bgcolor": BACKGROUND, "hoverlabel": {"font": {"size": font}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "font": {"size": tick}},
        "margin": {"l": 10, "r": 10, "t": 20, "b": 60 + 3 * (tick + 14)},
        "height": (600 if presentation else 480) + 2 * (tick + 14),
        "xaxis": {"type": "log", "title": {"text": denominator_label, "font": {"size": tick}},
                  "tickfont": {"size": tick}, "tickvals": ticks, "ticktext": [f"{t:,.0f}" for t in ticks],
                  "gridcolor": GRID, "showgrid": False},
        "yaxis": {"title": {"text": unit, "font": {"size": tick}}, "tickfont": {"size": tick}, "gridcolor": GRID,
                  "zeroline": False, "automargin": True, "range": [bottom, top]},
    }
    return {"data": data, "layout": layout}


__all__ = ["funnel_figure"]
