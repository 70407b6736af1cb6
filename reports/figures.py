"""The pack's pictures as PNG: each indicator's XmR chart, the funnel and the Making Data Count icons.

They come from the code the pages draw with: a chart is the figure the page shows (`charts.xmr`,
`charts.funnel`) drawn as SVG by the pages' own renderer (`charts.svg.figure_svg`), an icon is its SVG
(`charts.icons`), and each SVG becomes a PNG in resvg (`resvg_py`, Rust, in this process): no browser is
started, so a pack no longer waits for chromium. The text is set in Liberation Sans, Arial's metrics (the
renderer places words by Arial's widths), else DejaVu Sans, loaded from their files (:data:`FONT_FILES`):
resvg reads no fontconfig aliases, and a name it cannot find leaves the words out.

Each picture is drawn at the size :func:`pixels` gives, which the layouts place it by (the PDF before it has
its pixels: see reports/pdf.py), the legend inside the chart's height (`figure_svg`'s `fixed_size`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import resvg_py

from analysis.assess import Assessment
from charts.funnel import funnel_figure
from charts.legend import LEGEND, icon_svg
from charts.svg import figure_svg
from charts.xmr import assessment_figure
from reports.board_pack import FunnelPage

# Pixels of the drawn chart; presentation type sizes (18 px ticks) stay legible at A4 and 16:9 widths.
CHART_SIZE = (1100, 500)
CHART_SCALE = 1.5
FUNNEL_HEIGHT = 620
# The funnel's key among the charts (no indicator id is this).
FUNNEL = "funnel:every council"
ICON_PIXELS = 64
ICON_SCALE = 4
# The type the pictures' words are set in: the first family whose files are all there (Debian's
# fonts-liberation, then fonts-dejavu-core, which scripts/test and scripts/start install), as resvg names it.
# With neither, resvg looks among the system's fonts for Arial itself (macOS has it).
FONT_FILES = (
    ("Liberation Sans", ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                         "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")),
    ("DejaVu Sans", ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
)


@dataclass(frozen=True)
class Pictures:
    """PNG bytes: charts by indicator id, icons by (family, icon) as :func:`icon_key` names them. In a copy of
    the command laying out a format (reports/layout_process.py), each arrives as the command draws it: reading
    one waits for it."""

    charts: Mapping[str, bytes]
    icons: Mapping[tuple[str, str | None], bytes]

    def each(self) -> Iterator[tuple[str, object, bytes]]:
        """Every picture, ("icon", key, PNG) then ("chart", key, PNG), in the order the pages first show them:
        for the thread that readies them beside the PDF's layout (reports/pdf.py)."""
        for kind, drawn in (("icon", self.icons), ("chart", self.charts)):
            for key in drawn:
                yield kind, key, drawn[key]

    def variation(self, icon: str | None) -> bytes:
        return self.icons[icon_key("variation", icon)]

    def assurance(self, icon: str | None) -> bytes:
        return self.icons[icon_key("assurance", icon)]


def icon_key(family: str, icon: str | None) -> tuple[str, str | None]:
    return family, icon


def pixels(kind: str, key) -> tuple[int, int]:
    """The size a picture is drawn at, in pixels (its SVG's size times its scale): an icon ("icon") square, a
    chart ("chart") the chart's size, the funnel taller."""
    if kind == "icon":
        return ICON_PIXELS * ICON_SCALE, ICON_PIXELS * ICON_SCALE
    height = FUNNEL_HEIGHT if key == FUNNEL else CHART_SIZE[1]
    return round(CHART_SIZE[0] * CHART_SCALE), round(height * CHART_SCALE)


def with_layout(fig: dict, **layout) -> dict:
    """The figure with these layout settings (a dict setting merged into the one there); the builder's own
    layout is left as it was."""
    merged = dict(fig.get("layout", {}))
    for key, value in layout.items():
        merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return {**fig, "layout": merged}


def chart_figure(a: Assessment) -> dict:
    """The indicator page's chart in projector type, sized for the pack."""
    return with_layout(assessment_figure(a, presentation=True), width=CHART_SIZE[0], height=CHART_SIZE[1],
                       margin={"l": 70, "r": 20, "t": 50, "b": 60})


def funnel_chart(page: FunnelPage) -> dict:
    """The peers page's funnel in projector type, sized for the pack."""
    fig = funnel_figure(page.funnel, area_code=page.area_code, area_name=page.area_name, group_codes=page.group_codes,
                        group_name=page.group_name, unit=page.unit, value_kind=page.value_kind,
                        denominator_label=page.denominator_label, adjusted=page.adjusted, presentation=True)
    return with_layout(fig, width=CHART_SIZE[0], height=FUNNEL_HEIGHT)


def chart_svg(fig: dict) -> str:
    """The figure (its layout giving its width and height) as SVG exactly that size, the legend inside it, as
    plotly lays a chart out on paper."""
    return figure_svg(fig, fixed_size=True)


def _font() -> dict:
    """resvg's font settings: the first of :data:`FONT_FILES` whose files are all there, as every sans-serif."""
    for family, files in FONT_FILES:
        if all(Path(file).exists() for file in files):
            return {"skip_system_fonts": True, "font_files": list(files), "sans_serif_family": family}
    return {}


def png(svg: str, scale: float) -> bytes:
    """The SVG drawn as PNG at `scale` times its size, on a transparent ground where it draws none."""
    return resvg_py.svg_to_bytes(svg_string=svg, zoom=scale, **_FONT)


_FONT = _font()


def _icon_svgs(assessments: Sequence[Assessment]) -> dict[tuple[str, str | None], str]:
    # Every icon of the legend, so the pack's legend page explains each one it could show.
    icons = {icon_key(family, icon): icon_svg(family, icon) for family, icon, _ in LEGEND}
    icons |= {icon_key("variation", a.variation_icon): icon_svg("variation", a.variation_icon) for a in assessments}
    icons |= {icon_key("assurance", a.assurance_icon): icon_svg("assurance", a.assurance_icon) for a in assessments}
    return icons


def keys(assessments: Sequence[Assessment], funnel: FunnelPage | None = None) -> tuple[list, list]:
    """The keys of the icons and of the charts :func:`pictures` draws, in its order, before any is drawn."""
    return list(_icon_svgs(assessments)), [a.indicator_id for a in assessments] + ([FUNNEL] if funnel else [])


def pictures(assessments: Sequence[Assessment], progress: Callable[[str], None] | None = None,
             funnel: FunnelPage | None = None,
             as_drawn: Callable[[str, object, bytes], None] | None = None, drawers: int = 1) -> Pictures:
    """Every chart and every icon the pack shows, drawn here in the order the pages first show them (the icons
    first; :func:`keys`), the funnel's chart (when the pack has one) under the key :data:`FUNNEL`. `progress`
    is told what is about to be drawn, `as_drawn` is given each picture, ("icon" or "chart", key, PNG), as soon
    as it is drawn (to send it on to a copy of this process laying out a format: reports/layout_process.py).

    With `drawers` above one (the command line, on Linux), the charts are drawn by that many copies of this
    process at once, each given a chart's SVG and giving back its PNG: resvg holds the interpreter while it
    draws, and the charts are most of a pack's time. A server (the board view) draws in its own process."""
    def tell(kind: str, key, picture: bytes) -> bytes:
        if as_drawn:
            as_drawn(kind, key, picture)
        return picture

    if progress:
        progress("Making Data Count icons")
    icons = {key: tell("icon", key, png(svg, ICON_SCALE)) for key, svg in _icon_svgs(assessments).items()}
    figures = {a.indicator_id: (f"chart of {a.short_name}", lambda a=a: chart_figure(a)) for a in assessments}
    if funnel is not None:
        figures[FUNNEL] = ("funnel of every council", lambda: funnel_chart(funnel))
    charts = {}
    if drawers > 1 and hasattr(os, "fork"):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if progress:
            progress(f"{len(figures)} charts, {drawers} at a time")
        svgs = {key: chart_svg(figure()) for key, (_, figure) in figures.items()}
        with ProcessPoolExecutor(max_workers=drawers, mp_context=multiprocessing.get_context("fork")) as copies:
            for key, drawn in zip(svgs, copies.map(_chart_png, svgs.values()), strict=True):
                charts[key] = tell("chart", key, drawn)
        return Pictures(charts, icons)
    for key, (name, figure) in figures.items():
        if progress:
            progress(name)
        charts[key] = tell("chart", key, _chart_png(chart_svg(figure())))
    return Pictures(charts, icons)


def _chart_png(svg: str) -> bytes:
    """A chart's SVG as the pack's PNG (here, or in a copy of the process drawing charts side by side)."""
    return png(svg, CHART_SCALE)
