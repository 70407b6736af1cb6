"""The pack's pictures as PNG: each indicator's XmR chart and the Making Data Count icons.

Both come from the code the pages draw with (`charts.xmr.assessment_figure`, `charts.icons`), exported
by plotly's static export (kaleido) in Debian's chromium, one browser for the whole pack; nothing is
fetched at run time (MathJax is off, plotly.js is the one plotly ships). The icons are their SVGs placed
side by side on one empty figure, exported once and cut apart, so the picture on paper is the picture on
screen and a pack pays for one export of icons, not one per icon.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO

import plotly.graph_objects as go
from PIL import Image

from analysis.assess import Assessment
from charts.funnel import funnel_figure
from charts.icons import data_uri
from charts.legend import LEGEND, icon_svg
from charts.xmr import assessment_figure
from reports.board_pack import FunnelPage

# Debian's chromium (installed by scripts/test, scripts/start and .ci/run); kaleido never downloads one.
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
# Pixels of the exported chart; presentation type sizes (18 px ticks) stay legible at A4 and 16:9 widths.
CHART_SIZE = (1100, 500)
CHART_SCALE = 1.5
FUNNEL_HEIGHT = 620
# The funnel's key among the charts (no indicator id is this).
FUNNEL = "funnel:every council"
ICON_PIXELS = 64
ICON_SCALE = 4
# Seconds kaleido waits for one picture before giving up: a busy machine is slow, never stuck this long.
RENDER_TIMEOUT = 120


@dataclass(frozen=True)
class Pictures:
    """PNG bytes: charts by indicator id, icons by (family, icon) as :func:`icon_key` names them."""

    charts: dict[str, bytes]
    icons: dict[tuple[str, str | None], bytes]

    def variation(self, icon: str | None) -> bytes:
        return self.icons[icon_key("variation", icon)]

    def assurance(self, icon: str | None) -> bytes:
        return self.icons[icon_key("assurance", icon)]


def icon_key(family: str, icon: str | None) -> tuple[str, str | None]:
    return family, icon


def chart_figure(a: Assessment) -> go.Figure:
    """The indicator page's chart in projector type, sized for the pack."""
    fig = go.Figure(assessment_figure(a, presentation=True))  # the chart is plain data; a Figure to resize
    fig.update_layout(width=CHART_SIZE[0], height=CHART_SIZE[1], margin={"l": 70, "r": 20, "t": 50, "b": 60})
    return fig


def icon_strip(svgs: Sequence[str]) -> go.Figure:
    """SVG icons side by side on a transparent figure, each exactly its own size."""
    fig = go.Figure()
    for index, svg in enumerate(svgs):
        fig.add_layout_image(source=data_uri(svg), xref="paper", yref="paper", x=index / len(svgs), y=1,
                             sizex=1 / len(svgs), sizey=1, xanchor="left", yanchor="top", sizing="stretch",
                             layer="above")
    fig.update_layout(width=ICON_PIXELS * len(svgs), height=ICON_PIXELS, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def funnel_chart(page: FunnelPage) -> go.Figure:
    """The peers page's funnel in projector type, sized for the pack."""
    fig = funnel_figure(page.funnel, area_code=page.area_code, area_name=page.area_name, group_codes=page.group_codes,
                        group_name=page.group_name, unit=page.unit, value_kind=page.value_kind,
                        denominator_label=page.denominator_label, adjusted=page.adjusted, presentation=True)
    fig = go.Figure(fig)  # the chart is plain data; a Figure to resize
    fig.update_layout(width=CHART_SIZE[0], height=FUNNEL_HEIGHT)
    return fig


def pictures(assessments: Sequence[Assessment], progress: Callable[[str], None] | None = None,
             funnel: FunnelPage | None = None) -> Pictures:
    """Every chart and every icon the pack shows, rendered in one chromium session; the funnel's chart (when the
    pack has one) under the key :data:`FUNNEL`."""
    # Every icon of the legend, so the pack's legend page explains each one it could show.
    icons = {icon_key(family, icon): icon_svg(family, icon) for family, icon, _ in LEGEND}
    icons |= {icon_key("variation", a.variation_icon): icon_svg("variation", a.variation_icon) for a in assessments}
    icons |= {icon_key("assurance", a.assurance_icon): icon_svg("assurance", a.assurance_icon) for a in assessments}
    jobs: list[tuple[str, go.Figure, float]] = [
        (f"chart of {a.short_name}", chart_figure(a), CHART_SCALE) for a in assessments]
    if funnel is not None:
        jobs.append(("funnel of every council", funnel_chart(funnel), CHART_SCALE))
    jobs.append(("Making Data Count icons", icon_strip(list(icons.values())), ICON_SCALE))
    images = render_png(jobs, progress)
    charts = {a.indicator_id: image for a, image in zip(assessments, images, strict=False)}
    if funnel is not None:
        charts[FUNNEL] = images[len(assessments)]
    return Pictures(charts, dict(zip(icons, _cut(images[-1], len(icons)), strict=True)))


def _cut(strip: bytes, n: int) -> list[bytes]:
    """The strip's n square pictures, left to right, as PNG bytes."""
    picture = Image.open(BytesIO(strip))
    side = picture.height
    tiles = []
    for index in range(n):
        out = BytesIO()
        picture.crop((index * side, 0, (index + 1) * side, side)).save(out, format="PNG")
        tiles.append(out.getvalue())
    return tiles


def render_png(jobs: Sequence[tuple[str, go.Figure, float]], progress: Callable[[str], None] | None = None
               ) -> list[bytes]:
    """PNG bytes of each (name, figure, scale), in order, from one kaleido browser.

    Kaleido runs in a thread of its own, so it works the same from the command line and from a Streamlit
    script whatever event loop that thread has; `progress` is called with each picture's name in the
    caller's thread (Streamlit draws only from the script's own thread).
    """
    messages: queue.Queue[tuple[str, object]] = queue.Queue()

    def run() -> None:
        try:
            messages.put(("done", asyncio.run(_render(jobs, lambda name: messages.put(("step", name))))))
        except BaseException as error:  # handed to the caller's thread below
            messages.put(("error", error))

    threading.Thread(target=run, name="board-pack-kaleido", daemon=True).start()
    while True:
        kind, value = messages.get()
        if kind == "step":
            if progress:
                progress(str(value))
        elif kind == "error":
            raise value
        else:
            return value


async def _render(jobs: Sequence[tuple[str, go.Figure, float]], progress: Callable[[str], None]) -> list[bytes]:
    import kaleido  # imported when a pack is made: it is not needed to draw a page

    path = CHROMIUM if os.path.exists(CHROMIUM) else None
    images = []
    async with kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=path) as k:
        for name, fig, scale in jobs:
            progress(name)
            layout = fig.layout
            images.append(await k.calc_fig(fig, opts={"format": "png", "width": layout.width,
                                                      "height": layout.height, "scale": scale}))
    return images
