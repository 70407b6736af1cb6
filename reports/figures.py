"""The pack's pictures as PNG: each indicator's XmR chart and the Making Data Count icons.

Both come from the code the pages draw with (`charts.xmr.assessment_figure`, `charts.icons`), exported
by plotly's static export (kaleido) in Debian's chromium, one browser for the whole pack
(reports/browser.py). The icons are their SVGs placed side by side on one empty figure, exported once and
cut apart, so the picture on paper is the picture on screen and a pack pays for one export of icons, not
one per icon. A chart may come as a go.Figure or as
the same figure in a plain dict.

The browser (`Exporter`) runs beside the caller: it starts while the pack's code is imported and the store
is read, draws each picture as soon as it is asked for, and a format's layout waits only for a picture not
drawn yet (the PDF's not even then: it places each picture by its size, :func:`pixels`, and takes the
pixels before it writes the file).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Union

from PIL import Image

from analysis.assess import Assessment
from charts.funnel import funnel_figure
from charts.icons import data_uri
from charts.legend import LEGEND, icon_svg
from charts.xmr import assessment_figure
from reports.board_pack import FunnelPage
from reports.browser import Exporter

if TYPE_CHECKING:
    import plotly.graph_objects as go

# Pixels of the exported chart; presentation type sizes (18 px ticks) stay legible at A4 and 16:9 widths.
CHART_SIZE = (1100, 500)
CHART_SCALE = 1.5
FUNNEL_HEIGHT = 620
# The funnel's key among the charts (no indicator id is this).
FUNNEL = "funnel:every council"
ICON_PIXELS = 64
ICON_SCALE = 4
# A chart as the chart builders give it: a plotly figure or the same as a plain dict (kaleido takes both).
Figure = Union["go.Figure", dict]


@dataclass(frozen=True)
class Pictures:
    """PNG bytes: charts by indicator id, icons by (family, icon) as :func:`icon_key` names them. Each may
    still be being drawn: reading one waits for it, so a format is laid out while chromium draws the rest."""

    charts: Mapping[str, bytes]
    icons: Mapping[tuple[str, str | None], bytes]

    def wait(self) -> Pictures:
        """Every picture drawn (an error drawing one raised here)."""
        for drawn in (self.charts, self.icons):
            for key in drawn:
                drawn[key]
        return self

    def each(self) -> Iterator[tuple[str, object, bytes]]:
        """Every picture as it is drawn, ("icon", key, PNG) then ("chart", key, PNG), in the order the pages
        first show them, telling no progress: for a thread that readies them beside a layout (the PDF's) or
        sends them on to a format laid out in a copy of this process (reports/layout_process.py)."""
        for kind, drawn in (("icon", self.icons), ("chart", self.charts)):
            for key in drawn:
                yield kind, key, drawn.quietly(key) if isinstance(drawn, _Drawn) else drawn[key]

    def variation(self, icon: str | None) -> bytes:
        return self.icons[icon_key("variation", icon)]

    def assurance(self, icon: str | None) -> bytes:
        return self.icons[icon_key("assurance", icon)]


def icon_key(family: str, icon: str | None) -> tuple[str, str | None]:
    return family, icon


def pixels(kind: str, key) -> tuple[int, int]:
    """The size chromium draws a picture at, in pixels (its figure's size times its scale): an icon ("icon")
    is a square tile of the strip, a chart ("chart") the chart's size, the funnel taller."""
    if kind == "icon":
        return ICON_PIXELS * ICON_SCALE, ICON_PIXELS * ICON_SCALE
    height = FUNNEL_HEIGHT if key == FUNNEL else CHART_SIZE[1]
    return round(CHART_SIZE[0] * CHART_SCALE), round(height * CHART_SCALE)


def with_layout(fig: Figure, **layout) -> Figure:
    """The figure with these layout settings (a dict setting merged into the one there), go.Figure or dict."""
    if not isinstance(fig, dict):  # a go.Figure: plotly is never imported here, as the pack's charts are dicts
        return fig.update_layout(**layout)
    merged = dict(fig.get("layout", {}))
    for key, value in layout.items():
        merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return {**fig, "layout": merged}


def chart_figure(a: Assessment) -> Figure:
    """The indicator page's chart in projector type, sized for the pack."""
    return with_layout(assessment_figure(a, presentation=True), width=CHART_SIZE[0], height=CHART_SIZE[1],
                       margin={"l": 70, "r": 20, "t": 50, "b": 60})


def icon_strip(svgs: Sequence[str]) -> dict:
    """SVG icons side by side on a transparent figure, each exactly its own size: a plain dict, as the charts
    are, so plotly never validates it (chromium draws it byte for byte as it drew the same go.Figure)."""
    n = len(svgs)
    images = [{"source": data_uri(svg), "xref": "paper", "yref": "paper", "x": index / n, "y": 1, "sizex": 1 / n,
               "sizey": 1, "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "above"}
              for index, svg in enumerate(svgs)]
    return {"data": [], "layout": {"images": images, "width": ICON_PIXELS * n, "height": ICON_PIXELS,
                                   "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)",
                                   "plot_bgcolor": "rgba(0,0,0,0)", "xaxis": {"visible": False},
                                   "yaxis": {"visible": False}}}


def funnel_chart(page: FunnelPage) -> Figure:
    """The peers page's funnel in projector type, sized for the pack."""
    fig = funnel_figure(page.funnel, area_code=page.area_code, area_name=page.area_name, group_codes=page.group_codes,
                        group_name=page.group_name, unit=page.unit, value_kind=page.value_kind,
                        denominator_label=page.denominator_label, adjusted=page.adjusted, presentation=True)
    return with_layout(fig, width=CHART_SIZE[0], height=FUNNEL_HEIGHT)


def pictures(assessments: Sequence[Assessment], progress: Callable[[str], None] | None = None,
             funnel: FunnelPage | None = None, exporter: Exporter | None = None) -> Pictures:
    """Every chart and every icon the pack shows, in one chromium session; the funnel's chart (when the pack
    has one) under the key :data:`FUNNEL`. With an exporter given, the pictures are handed back at once and
    drawn while the caller goes on (each read waits for its own; `progress` is told which when it waits);
    without one, every picture is drawn before this returns."""
    if exporter is None:
        with Exporter() as own:
            return pictures(assessments, progress, funnel, own).wait()
    # Every icon of the legend, so the pack's legend page explains each one it could show.
    icons = {icon_key(family, icon): icon_svg(family, icon) for family, icon, _ in LEGEND}
    icons |= {icon_key("variation", a.variation_icon): icon_svg("variation", a.variation_icon) for a in assessments}
    icons |= {icon_key("assurance", a.assurance_icon): icon_svg("assurance", a.assurance_icon) for a in assessments}
    # The icons first: the summary pages, laid out first, need them. Each chart is sent as soon as it is built,
    # so chromium draws one while python builds the next.
    strip = exporter.submit(icon_strip(list(icons.values())), ICON_SCALE)
    tiles = _Tiles(strip, len(icons))
    drawn_icons = {key: ("Making Data Count icons", strip, lambda _, i=index: tiles.tile(i))
                   for index, key in enumerate(icons)}
    charts = {a.indicator_id: (f"chart of {a.short_name}", exporter.submit(chart_figure(a), CHART_SCALE), None)
              for a in assessments}
    if funnel is not None:
        charts[FUNNEL] = ("funnel of every council", exporter.submit(funnel_chart(funnel), CHART_SCALE), None)
    return Pictures(_Drawn(charts, progress), _Drawn(drawn_icons, progress))


class _Drawn(Mapping):
    """Pictures by key, each waited for when first read."""

    def __init__(self, pending: dict, progress: Callable[[str], None] | None) -> None:
        self._pending = pending  # key: (name, future PNG, what to make of it or None)
        self._done: dict = {}
        self._progress = progress

    def __getitem__(self, key):
        if key not in self._done:
            name, future, _ = self._pending[key]
            if self._progress and not future.done():
                self._progress(name)
        return self.quietly(key)

    def quietly(self, key):
        """The picture, waited for without telling progress (which may only be told in the caller's thread)."""
        if key not in self._done:
            _, future, then = self._pending[key]
            image = future.result()
            self._done[key] = then(image) if then else image
        return self._done[key]

    def __iter__(self):
        return iter(self._pending)

    def __len__(self) -> int:
        return len(self._pending)


class _Tiles:
    """The icon strip cut into its squares once, when the first is read."""

    def __init__(self, strip: Future, n: int) -> None:
        self._strip, self._n, self._tiles = strip, n, None
        self._cutting = threading.Lock()  # a layout and a thread readying the pictures may both ask first

    def tile(self, index: int) -> bytes:
        with self._cutting:
            if self._tiles is None:
                self._tiles = _cut(self._strip.result(), self._n)
        return self._tiles[index]


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
