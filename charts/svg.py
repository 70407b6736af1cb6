"""A chart built as plain data (charts/figure.py) drawn as one SVG picture, in Python, with no browser library.

Plotly.js is 4.7 MB of script that every page holding a chart waited for, on every visit; a page's charts drawn here
are text the page already carries. The drawing reads the subset of plotly's figure format our chart builders write
(scatter traces as lines, markers and text; date, linear, log and category axes; panels by axis domain; line and
rectangle shapes; annotations; a horizontal legend below the plot) and draws it as plotly would lay it out, so the
same figure also goes to plotly unchanged where someone asks for hover and zoom (ui/charts.py). Hover is kept in
the browser's own way: each point carries a <title>, which the browser shows as a tooltip.

Pure: a figure and a width in, SVG text out; the same figure always gives the same text.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

# plotly.js's own defaults, for a figure that leaves them out.
DEFAULT_MARGIN = {"l": 80, "r": 80, "t": 100, "b": 80}
DEFAULT_HEIGHT = 450
DEFAULT_FONT = {"size": 12, "color": "#444444", "family": "Arial, Helvetica, sans-serif"}
COLOURWAY = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3")
GRID_DEFAULT = "#D9D9D9"
TICK_GAP = 6  # pixels between an axis and its tick labels
LEGEND_SAMPLE = 34  # pixels of line drawn before a legend entry's words
_EPOCH = datetime(1970, 1, 1)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# The text formatting plotly reads in hover text (our builders write <b> and <br>): left out of a tooltip.
_FORMATTING = re.compile(r"</?(?:b|i|em|sup|sub|span)(?:\s[^>]*)?>")

# Widths of Arial's letters in ems, by kind: enough to place words, legend entries and margins without a browser.
_NARROW = set("ijlI.,:;'|!`")
_SMALL = set("frt()[]{}-/ ")
_WIDE = set("mwMW%@")
_CAPITAL_SIZE = 0.68


def text_width(text: str, size: float) -> float:
    """About how many pixels `text` takes in Arial at `size` px (within a few per cent for words and numbers)."""
    ems = 0.0
    for letter in text:
        if letter in _NARROW:
            ems += 0.24
        elif letter in _SMALL:
            ems += 0.31
        elif letter in _WIDE:
            ems += 0.86
        elif letter.isupper():
            ems += _CAPITAL_SIZE
        elif letter.isdigit():
            ems += 0.556
        else:
            ems += 0.52
    return ems * size


@dataclass
class _Axis:
    """One axis: what kind it is, its range in its own units, and where it lies on the picture in pixels."""

    kind: str  # "date", "linear", "log" or "category"
    low: float
    high: float
    start: float  # pixel of `low`
    end: float  # pixel of `high`
    categories: tuple = ()

    def value(self, raw) -> float | None:
        """`raw` (an ISO date, a number or a category) in the axis's own units; None for a gap."""
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return None
        if self.kind == "date":
            return _days(raw)
        if self.kind == "category":
            return float(self.categories.index(raw)) if raw in self.categories else None
        number = float(raw)
        if self.kind == "log":
            return math.log10(number) if number > 0 else None
        return number

    def pixel(self, value: float) -> float:
        span = self.high - self.low
        share = (value - self.low) / span if span else 0.5
        return self.start + share * (self.end - self.start)

    def at(self, raw) -> float | None:
        value = self.value(raw)
        return None if value is None else self.pixel(value)


def _days(raw) -> float:
    when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return (when.replace(tzinfo=None) - _EPOCH) / timedelta(days=1)


def _date(days: float) -> datetime:
    return _EPOCH + timedelta(days=days)


def _number(value: float, step: float) -> str:
    """A tick's number with the decimals its step needs and thousands separated ("12,500", "0.25")."""
    decimals = 0
    while decimals < 6 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6 * 10 ** decimals:
        decimals += 1
    return f"{value:,.{decimals}f}".replace("-", "−")


def nice_ticks(low: float, high: float, most: int) -> tuple[float, list[float]]:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving at most `most` ticks over low..high, and the ticks."""
    span = high - low
    if span <= 0:
        return 1.0, [low]
    raw = span / max(most, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 12))
        k += 1
    return step, ticks


def _month_ticks(low: float, high: float, every: int, start: datetime) -> list[datetime]:
    """Dates every `every` months from `start` (either side of it) inside low..high days."""
    first = _date(low)
    months = (first.year - start.year) * 12 + first.month - start.month
    k = math.floor(months / every) - 1
    ticks = []
    while True:
        month = start.month - 1 + k * every
        when = datetime(start.year + month // 12, month % 12 + 1, 1)
        days = _days(when)
        if days > high:
            return ticks
        if days >= low:
            ticks.append(when)
        k += 1


def date_ticks(axis_layout: dict, low: float, high: float, room: float, size: float) -> list[tuple[float, str]]:
    """The date axis's ticks (days, words): plotly's ``dtick: "M<n>"`` and ``tickformat`` where the figure sets them,
    otherwise days, months or years, as many as fit in `room` pixels."""
    dtick = str(axis_layout.get("dtick", ""))
    spec = axis_layout.get("tickformat")
    if dtick.startswith("M"):
        start = datetime.fromisoformat(axis_layout.get("tick0", "2000-01-01T00:00:00"))
        months = int(dtick[1:])
        chosen = _month_ticks(low, high, months, datetime(start.year, start.month, 1))
        spec = spec or ("%Y" if months % 12 == 0 else "%b %Y")
    else:
        span = high - low
        for days, spec_for in ((1, "%d %b"), (2, "%d %b"), (7, "%d %b"), (14, "%d %b")):
            label = text_width("30 Sep", size) + 16
            if span / days * label <= room:
                first = math.ceil(low / days) * days
                chosen = [_date(first + k * days) for k in range(int((high - first) // days) + 1)]
                spec = spec or spec_for
                break
        else:
            for months in (1, 2, 3, 6, 12, 24, 60, 120):
                label = text_width("Sep 2020", size) + 16
                if span / (30.4 * months) * label <= room:
                    break
            chosen = _month_ticks(low, high, months, datetime(2000, 1, 1))
            spec = spec or ("%Y" if months >= 12 else "%b %Y")
    return [(_days(when), when.strftime(spec)) for when in chosen]


def _thin(ticks: list[tuple[float, str]], axis: _Axis, size: float) -> list[tuple[float, str]]:
    """Every k-th tick, the fewest skipped so that no two labels touch."""
    if len(ticks) < 2:
        return ticks
    widest = max(text_width(words, size) for _, words in ticks) + 10
    room = abs(axis.pixel(ticks[1][0]) - axis.pixel(ticks[0][0]))
    every = max(1, math.ceil(widest / room)) if room else len(ticks)
    return ticks[::every]


def _kind(axis_layout: dict, values: Iterable) -> str:
    if axis_layout.get("type") in ("log", "date", "category", "linear"):
        return axis_layout["type"]
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            return "date" if _DATE.match(value) else "category"
        return "linear"
    return "linear"


def _dash(dash: str | None, width: float) -> str:
    """plotly.js's dash patterns, which grow with the line's width."""
    unit = max(width, 3)
    pattern = {"dot": (unit, unit), "dash": (3 * unit, 3 * unit), "longdash": (5 * unit, 5 * unit),
               "dashdot": (3 * unit, unit, unit, unit)}.get(dash or "solid")
    return f' stroke-dasharray="{",".join(f"{p:g}" for p in pattern)}"' if pattern else ""


def _marker(symbol: str, x: float, y: float, size: float, style: str) -> str:
    """Plotly's marker `symbol` of diameter `size` centred at x, y, drawn with `style`."""
    if not symbol.startswith(("diamond", "square", "triangle-up")):  # a circle: the shortest element for it
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size / 2:.1f}" {style}/>'
    return f'<path d="{_marker_path(symbol, x, y, size)}" {style}/>'


def _marker_path(symbol: str, x: float, y: float, size: float) -> str:
    """An SVG path for plotly's marker `symbol` of diameter `size` centred at x, y."""
    r = size / 2
    if symbol.startswith("diamond"):
        r *= 1.3
        return f"M{x - r:.1f},{y:.1f}L{x:.1f},{y - r:.1f}L{x + r:.1f},{y:.1f}L{x:.1f},{y + r:.1f}Z"
    if symbol.startswith("square"):
        return f"M{x - r:.1f},{y - r:.1f}H{x + r:.1f}V{y + r:.1f}H{x - r:.1f}Z"
    if symbol.startswith("triangle-up"):
        r *= 1.2
        return f"M{x - r:.1f},{y + r * 0.58:.1f}L{x:.1f},{y - r * 1.15:.1f}L{x + r:.1f},{y + r * 0.58:.1f}Z"
    return (f"M{x + r:.1f},{y:.1f}A{r:.1f},{r:.1f} 0 1,1 {x:.1f},{y - r:.1f}"
            f"A{r:.1f},{r:.1f} 0 0,1 {x + r:.1f},{y:.1f}Z")


def hover_words(trace: dict, i: int, x, y) -> str | None:
    """What plotly would show on hovering point `i`, as plain lines of text; None where the trace skips hover."""
    if trace.get("hoverinfo") == "skip":
        return None
    template = trace.get("hovertemplate")
    if template is None:
        text = trace.get("hovertext")
        if isinstance(text, list):
            text = text[i] if i < len(text) else None
        if text is None:
            text = f"{trace.get('name', '')}: {x}, {y}"
    else:
        custom = trace.get("customdata")
        row = custom[i] if isinstance(custom, list) and i < len(custom) else []

        def fill(match: re.Match) -> str:
            name, spec = match.group(1), match.group(2)
            if name.startswith("customdata"):
                index = int(name[name.index("[") + 1:-1])
                return str(row[index]) if index < len(row) else ""
            value = x if name == "x" else y if name == "y" else ""
            if spec and isinstance(value, str) and _DATE.match(value):
                return datetime.fromisoformat(value).strftime(spec)
            return str(value)

        text = re.sub(r"%\{([^}|]+)(?:\|([^}]*))?\}", fill, template)
        text = re.sub(r"<extra>.*?</extra>", "", text)
    text = re.sub(r"<br\s*/?>", "\n", str(text))
    return _FORMATTING.sub("", text).strip() or None


def _font(layout: dict, override: dict | None) -> dict:
    return {**DEFAULT_FONT, **layout.get("font", {}), **(override or {})}


def _text(x: float, y: float, words: str, font: dict, *, anchor: str = "start", baseline: float = 0.35,
          css: str = "", extra: str = "") -> str:
    """One line of text; `baseline` moves it down by that many ems (0.35 centres it on y)."""
    return (f'<text{css} x="{x:.1f}" y="{y + baseline * font["size"]:.1f}" text-anchor="{anchor}" '
            f'font-size="{font["size"]:g}" fill="{font["color"]}"{extra}>{_words(words)}</text>')


def _panels(layout: dict) -> list[tuple[str, str]]:
    """The (x axis, y axis) names of each panel: one, or one per y axis the layout declares."""
    names = sorted(key for key in layout if re.fullmatch(r"yaxis\d*", key))
    panels = []
    for name in names or ["yaxis"]:
        y_name = "y" + name[5:]
        anchor = layout.get(name, {}).get("anchor")
        x_name = anchor if anchor and anchor.startswith("x") else "x" + name[5:]
        panels.append((x_name, y_name))
    return panels or [("x", "y")]


def _axis_layout(layout: dict, name: str) -> dict:
    return layout.get(("xaxis" if name.startswith("x") else "yaxis") + name[1:], {})


def figure_svg(figure: dict, *, width: float = 900, words: str | None = None, ids: str = "c",
               fixed_size: bool = False) -> str:
    """`figure` (``{"data": [...], "layout": {...}}``) drawn `width` pixels wide (the layout's own width, where it
    sets one, wins) as SVG text; `words` describe it for screen readers; `ids` prefixes the picture's internal ids
    (a page holding several pictures gives each its own).

    A page's picture scales to its column and grows downwards to hold its legend. With `fixed_size` (a picture
    for paper) it is exactly the layout's width and height in pixels and, as plotly does, the bottom margin grows
    to hold the legend, the plot giving up that height."""
    if not fixed_size:
        return picture(figure, width=width, words=words, ids=ids).svg
    layout = figure.get("layout", {})
    height = float(layout.get("height") or DEFAULT_HEIGHT)
    bottom = float({**DEFAULT_MARGIN, **layout.get("margin", {})}["b"])
    svg, total, _ = _drawn(figure, width, words, ids)
    for _ in range(3):  # the plot's new height can move its ticks, so the legend once more; it settles at once
        if total <= height:
            break
        bottom += total - height
        svg, total, _ = _drawn({**figure, "layout": {**layout, "margin": {**layout.get("margin", {}), "b": bottom}}},
                               width, words, ids)
    picture_width = float(layout.get("width") or width)
    head = svg[:svg.index(">") + 1]
    sized = (head.replace(f' {total:.0f}" ', f' {height:g}" ', 1)
             .replace('width="100%"', f'width="{picture_width:g}" height="{height:g}"', 1))
    return sized + svg[len(head):]


@dataclass(frozen=True)
class Picture:
    """A figure drawn for a page: the SVG, its size in its own pixels, and each point's hover words at (x, y)
    with the point's size, for the page to lay over the picture (an SVG shown as an image has no tooltips)."""

    svg: str
    width: float
    height: float
    hovers: tuple[tuple[float, float, float, str], ...]


def picture(figure: dict, *, width: float = 900, words: str | None = None, ids: str = "c") -> Picture:
    """`figure` drawn as :func:`figure_svg` draws it for a page, with its size and its points' hover words."""
    svg, total, hovers = _drawn(figure, width, words, ids)
    return Picture(svg, float(figure.get("layout", {}).get("width") or width), total, tuple(hovers))


def _drawn(figure: dict, width: float, words: str | None,
           ids: str) -> tuple[str, float, list[tuple[float, float, float, str]]]:
    """The picture as :func:`figure_svg` draws it for a page, its height and its points' hover words."""
    layout = figure.get("layout", {})
    traces = [trace for trace in figure.get("data", []) if trace.get("visible", True) is not False]
    width = float(layout.get("width") or width)
    height = float(layout.get("height") or DEFAULT_HEIGHT)
    font = _font(layout, None)
    margin = {**DEFAULT_MARGIN, **layout.get("margin", {})}
    panels = _panels(layout)
    tick_sizes = {}
    axes: dict[str, _Axis] = {}

    # The left margin grows to hold the y axes' tick labels and titles (plotly's automargin).
    y_ticks: dict[str, tuple[float, list[float]]] = {}
    y_ranges: dict[str, tuple[float, float, str, tuple]] = {}
    left = float(margin["l"])
    for _, y_name in panels:
        y_layout = _axis_layout(layout, y_name)
        size = float(y_layout.get("tickfont", {}).get("size", font["size"]))
        tick_sizes[y_name] = size
        values = [v for t in traces if t.get("yaxis", "y") == y_name for v in t.get("y", [])]
        kind = _kind(y_layout, values)
        low, high, categories = _range(y_layout, values, kind)
        y_ranges[y_name] = (low, high, kind, categories)
        if y_layout.get("visible", True) is False or kind == "category":
            continue
        plot_height = _panel_height(layout, y_name, height - margin["t"] - margin["b"])
        step, ticks = nice_ticks(low, high, max(2, int(plot_height // (size * 3.2))))
        y_ticks[y_name] = (step, ticks)
        widest = max((text_width(_number(t, step), size) for t in ticks), default=0)
        title = y_layout.get("title", {}).get("text")
        need = widest + TICK_GAP + (size * 1.6 if title else 0) + 4
        left = max(left, need + 4)

    plot_left, plot_right = left, width - float(margin["r"])
    plot_top, plot_bottom = float(margin["t"]), height - float(margin["b"])
    plot_height = plot_bottom - plot_top
    for x_name, y_name in panels:
        y_layout = _axis_layout(layout, y_name)
        bottom_share, top_share = y_layout.get("domain", [0.0, 1.0])
        low, high, kind, categories = y_ranges[y_name]
        axes[y_name] = _Axis(kind, low, high, plot_bottom - bottom_share * plot_height,
                             plot_bottom - top_share * plot_height, categories)
        if x_name not in axes:
            x_layout = _axis_layout(layout, x_name)
            values = [v for t in traces if t.get("xaxis", "x") == x_name for v in t.get("x", [])]
            kind = _kind(x_layout, values)
            low, high, categories = _range(x_layout, values, kind, pad=0.0 if kind == "date" else 0.02)
            axes[x_name] = _Axis(kind, low, high, plot_left, plot_right, categories)

    parts: list[str] = []
    clip = f"{ids}clip"
    parts.append(f'<defs><clipPath id="{clip}"><rect x="{plot_left:.1f}" y="{plot_top - 2:.1f}" '
                 f'width="{plot_right - plot_left:.1f}" height="{plot_height + 4:.1f}"/></clipPath></defs>')
    parts.append(f'<rect width="{width:g}" height="{{HEIGHT}}" fill="{layout.get("paper_bgcolor", "#FFFFFF")}"/>')

    lowest = plot_bottom  # the lowest pixel drawn so far, for the legend
    for x_name, y_name in panels:
        x_axis, y_axis = axes[x_name], axes[y_name]
        x_layout, y_layout = _axis_layout(layout, x_name), _axis_layout(layout, y_name)
        grid = y_layout.get("gridcolor", GRID_DEFAULT)
        size = tick_sizes[y_name]
        tick_font = _font(layout, {"size": size})
        if y_name in y_ticks:
            step, ticks = y_ticks[y_name]
            ys = []
            for tick in ticks:
                pixel = y_axis.pixel(tick)
                if y_layout.get("showgrid", True) is not False:
                    parts.append(f'<line x1="{plot_left:.1f}" x2="{plot_right:.1f}" y1="{pixel:.1f}" y2="{pixel:.1f}" '
                                 f'stroke="{grid}" stroke-width="1"/>')
                ys.append(_text(plot_left - TICK_GAP, pixel, _number(tick, step), tick_font, anchor="end"))
            parts.append(f'<g class="ytick">{"".join(ys)}</g>')
            title = y_layout.get("title", {}).get("text")
            if title:
                title_font = _font(layout, y_layout.get("title", {}).get("font"))
                middle = (y_axis.start + y_axis.end) / 2
                parts.append(f'<g class="ytitle"><text x="{title_font["size"] * 0.9:.1f}" y="{middle:.1f}" '
                             f'transform="rotate(-90 {title_font["size"] * 0.9:.1f} {middle:.1f})" '
                             f'text-anchor="middle" font-size="{title_font["size"]:g}" fill="{title_font["color"]}">'
                             f'{_words(str(title))}</text></g>')
        if x_layout.get("visible", True) is not False and x_layout.get("showticklabels", True) is not False:
            x_size = float(x_layout.get("tickfont", {}).get("size", font["size"]))
            x_font = _font(layout, {"size": x_size})
            ticks = _x_ticks(x_layout, x_axis, x_size)
            base = y_axis.start + TICK_GAP + x_size * 0.8
            parts.append('<g class="xtick">' + "".join(
                _text(x_axis.pixel(value), base, words, x_font, anchor="middle", baseline=0.2)
                for value, words in ticks) + "</g>")
            lowest = max(lowest, base + x_size * 0.4)
            title = x_layout.get("title", {}).get("text")
            if title:
                title_font = _font(layout, x_layout.get("title", {}).get("font"))
                lowest += title_font["size"] * 1.5
                parts.append('<g class="xtitle">' + _text((plot_left + plot_right) / 2, lowest, str(title), title_font,
                                                          anchor="middle", baseline=0) + "</g>")

    # One clipped group for every trace: a renderer gives each clipped group a canvas of its own.
    parts.append(f'<g clip-path="url(#{clip})">')
    hovers: list[tuple[float, float, float, str]] = []
    for number, trace in enumerate(traces):
        parts.append(_trace(trace, number, axes, font, hovers))
    parts.append("</g>")

    for shape in layout.get("shapes", []):
        parts.append(_shape(shape, axes, plot_left, plot_right, plot_top, plot_bottom))
    for annotation in layout.get("annotations", []):
        parts.append(_annotation(annotation, axes, layout, plot_left, plot_right, plot_top, plot_bottom))

    title = layout.get("title", {})
    if title.get("text"):
        title_font = _font(layout, {"size": font["size"] * 1.25, **title.get("font", {})})
        parts.append('<g class="gtitle">' + _text(plot_left, title_font["size"] * 1.1, str(title["text"]),
                                                  title_font, baseline=0) + "</g>")

    legend, legend_bottom = _legend(traces, layout, plot_left, width - 10, lowest, plot_height)
    parts.append(legend)
    total = max(height, legend_bottom + 8)
    body = "".join(parts).replace("{HEIGHT}", f"{total:.0f}", 1)
    label = _label(figure, words)
    return (f'<svg class="pbip-chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {total:.0f}" '
            f'width="100%" role="img" aria-label="{label}" font-family="{escape(font["family"], True)}">'
            f"{body}</svg>"), float(f"{total:.0f}"), hovers


def _panel_height(layout: dict, y_name: str, plot_height: float) -> float:
    bottom, top = _axis_layout(layout, y_name).get("domain", [0.0, 1.0])
    return (top - bottom) * plot_height


def _range(axis_layout: dict, values: list, kind: str, pad: float = 0.05) -> tuple[float, float, tuple]:
    """The axis's range in its own units: the layout's where it sets one, otherwise the data's with `pad` of air."""
    categories: tuple = ()
    if kind == "category":
        categories = tuple(dict.fromkeys(v for v in values if v is not None))
        return -0.5, max(len(categories) - 0.5, 0.5), categories
    probe = _Axis(kind, 0, 1, 0, 1)
    if axis_layout.get("range"):
        # plotly gives a log axis's range in powers of ten, any other in the axis's own values
        low, high = (float(v) if kind == "log" else probe.value(v) for v in axis_layout["range"])
        return low, high, categories
    numbers = [n for n in (probe.value(v) for v in values) if n is not None and math.isfinite(n)]
    if not numbers:
        return (0.0, 1.0, categories) if kind != "date" else (_days("2000-01-01"), _days("2001-01-01"), categories)
    low, high = min(numbers), max(numbers)
    if high == low:
        air = abs(low) * 0.1 or 1.0
        return low - air, high + air, categories
    air = (high - low) * pad
    return low - air, high + air, categories


def _x_ticks(x_layout: dict, axis: _Axis, size: float) -> list[tuple[float, str]]:
    room = abs(axis.end - axis.start)
    if x_layout.get("tickvals"):
        texts = x_layout.get("ticktext") or [str(v) for v in x_layout["tickvals"]]
        ticks = [(axis.value(v), str(t)) for v, t in zip(x_layout["tickvals"], texts, strict=False)]
        ticks = [(v, t) for v, t in ticks if v is not None and axis.low - 1e-9 <= v <= axis.high + 1e-9]
    elif axis.kind == "date":
        ticks = date_ticks(x_layout, axis.low, axis.high, room, size)
    elif axis.kind == "category":
        ticks = [(float(i), str(c)) for i, c in enumerate(axis.categories)]
    elif axis.kind == "log":
        ticks = [(float(p), f"{10 ** p:,.0f}") for p in range(math.ceil(axis.low), math.floor(axis.high) + 1)]
    else:
        step, values = nice_ticks(axis.low, axis.high, max(2, int(room // (size * 6))))
        ticks = [(v, _number(v, step)) for v in values]
    return _thin(ticks, axis, size)


def _colour(trace: dict, number: int, part: str) -> str:
    style = trace.get(part) or {}
    colour = style.get("color")
    if isinstance(colour, str):
        return colour
    other = (trace.get("line") or {}).get("color") if part == "marker" else (trace.get("marker") or {}).get("color")
    return other if isinstance(other, str) else COLOURWAY[number % len(COLOURWAY)]


def _trace(trace: dict, number: int, axes: dict[str, _Axis], font: dict, hovers: list) -> str:
    """One scatter trace: its line (broken at gaps), markers and text; each point's hover words (and where the
    point is, and how big) added to `hovers`."""
    x_axis, y_axis = axes[trace.get("xaxis", "x")], axes[trace.get("yaxis", "y")]
    xs, ys = trace.get("x", []), trace.get("y", [])
    mode = trace.get("mode", "lines+markers")
    points = [(x_axis.at(x), y_axis.at(y)) if x is not None and y is not None else (None, None)
              for x, y in zip(xs, ys, strict=False)]
    out = ['<g class="trace">']
    line = trace.get("line") or {}
    line_colour = _colour(trace, number, "line")
    if "lines" in mode:
        runs, run = [], []
        for px, py in points:
            if px is None or py is None:
                if trace.get("connectgaps"):
                    continue
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((round(px, 1), round(py, 1)))
        if run:
            runs.append(run)
        d = "".join("M" + "L".join(f"{px:g},{py:g}" for px, py in line_corners(r)) for r in runs if r)
        if d:
            line_width = float(line.get("width", 2))
            out.append(f'<path d="{d}" fill="none" stroke="{line_colour}" stroke-width="{line_width:g}"'
                       f'{_dash(line.get("dash"), line_width)} stroke-linejoin="round"/>')
            if trace.get("hovertemplate") and not trace.get("customdata"):  # a line that says one thing (a target)
                words = hover_words(trace, 0, xs[0] if xs else None, ys[0] if ys else None)
                hovers += [(px, py, 12.0, words) for run in runs for px, py in line_corners(run) if words]
    if "markers" in mode or ("lines" in mode and trace.get("customdata") and trace.get("hoverinfo") != "skip"):
        marker = trace.get("marker") or {}
        shown = "markers" in mode
        symbol = str(marker.get("symbol", "circle"))
        size = float(marker.get("size", 6))
        colour = _colour(trace, number, "marker")
        edge = marker.get("line") or {}
        open_symbol = symbol.endswith("-open")
        fill = "#FFFFFF" if open_symbol else colour
        stroke = colour if open_symbol else edge.get("color", colour)
        stroke_width = float(edge.get("width", 2 if open_symbol else 0))
        style = f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width:g}"'
        for i, (px, py) in enumerate(points):
            if px is None or py is None:
                continue
            if shown:
                out.append(_marker(symbol, px, py, size, style))
            if words := hover_words(trace, i, xs[i], ys[i]):
                hovers.append((px, py, size if shown else 12.0, words))
    if "text" in mode:
        texts = trace.get("text") or []
        text_font = {**font, **(trace.get("textfont") or {})}
        below = str(trace.get("textposition", "")).startswith("bottom")
        for (px, py), words in zip(points, texts, strict=False):
            if px is not None and py is not None and words:
                y = py + 10 + text_font["size"] * 0.8 if below else py - 10
                out.append(_text(px + 4, y, str(words), text_font, baseline=0))
    out.append("</g>")
    return "".join(out)


def _words(text: str) -> str:
    """Words from data or people (names, labels, units), as text in the picture and nothing else."""
    return escape(str(text), True)


def _label(figure: dict, words: str | None) -> str:
    """What the picture is called for screen readers: `words`, else the figure's title, escaped."""
    return _words(words or figure.get("layout", {}).get("title", {}).get("text") or "Chart")


def line_corners(run: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The points of a line where it turns: a point in a straight run between two others (a mean or a limit
    along a segment) draws nothing, and a chart of ten years carried it for every month."""
    kept = run[:1]
    for middle, after in zip(run[1:], run[2:], strict=False):
        before = kept[-1]
        turn = (middle[0] - before[0]) * (after[1] - before[1]) - (middle[1] - before[1]) * (after[0] - before[0])
        onward = (middle[0] - before[0]) * (after[0] - middle[0]) + (middle[1] - before[1]) * (after[1] - middle[1])
        if abs(turn) > 1e-9 or onward <= 0:  # a turn, or a line that doubles back on itself
            kept.append(middle)
    return kept + run[-1:] if len(run) > 1 else kept


def _reference(ref: str, value, axes: dict[str, _Axis], start: float, end: float) -> float | None:
    """A shape's or annotation's coordinate in pixels: on an axis ("x", "y2"), across a panel ("y domain") or
    across the whole plot ("paper", where 0..1 runs from `start` to `end`)."""
    if ref == "paper":
        return start + float(value) * (end - start)
    if ref.endswith(" domain"):
        axis = axes[ref.split()[0]]
        return axis.start + float(value) * (axis.end - axis.start)
    return axes[ref].at(value) if ref in axes else None


def _shape(shape: dict, axes: dict[str, _Axis], left: float, right: float, top: float, bottom: float) -> str:
    x0 = _reference(shape.get("xref", "x"), shape.get("x0"), axes, left, right)
    x1 = _reference(shape.get("xref", "x"), shape.get("x1"), axes, left, right)
    y0 = _reference(shape.get("yref", "y"), shape.get("y0"), axes, bottom, top)
    y1 = _reference(shape.get("yref", "y"), shape.get("y1"), axes, bottom, top)
    if None in (x0, x1, y0, y1):
        return ""
    line = shape.get("line") or {}
    width = float(line.get("width", 2))
    stroke = f'stroke="{line.get("color", "#444444")}" stroke-width="{width:g}"{_dash(line.get("dash"), width)}' \
        if width else 'stroke="none"'
    if shape.get("type") == "rect":
        return (f'<rect x="{min(x0, x1):.1f}" y="{min(y0, y1):.1f}" width="{abs(x1 - x0):.1f}" '
                f'height="{abs(y1 - y0):.1f}" fill="{shape.get("fillcolor", "none")}" '
                f'fill-opacity="{shape.get("opacity", 1):g}" {stroke}/>')
    return f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y0:.1f}" y2="{y1:.1f}" {stroke}/>'


def _annotation(note: dict, axes: dict[str, _Axis], layout: dict, left: float, right: float, top: float,
                bottom: float) -> str:
    x = _reference(note.get("xref", "x"), note.get("x"), axes, left, right)
    y = _reference(note.get("yref", "y"), note.get("y"), axes, bottom, top)
    if x is None or y is None:
        return ""
    font = _font(layout, note.get("font"))
    words = str(note.get("text", ""))
    width, size = text_width(words, font["size"]), font["size"]
    x += {"left": 0, "right": -width, "center": -width / 2}.get(note.get("xanchor", "center"), -width / 2)
    y -= float(note.get("yshift", 0))
    # y is the text's bottom, top or middle, as plotly's yanchor says; the box has a pixel of air around the text.
    box_top = {"bottom": y - size * 1.25, "top": y, "middle": y - size * 0.62}.get(note.get("yanchor", "middle"),
                                                                                    y - size * 0.62)
    out = ['<g class="annotation">']
    if note.get("bgcolor"):
        out.append(f'<rect x="{x - 2:.1f}" y="{box_top:.1f}" width="{width + 4:.1f}" height="{size * 1.25:.1f}" '
                   f'fill="{note["bgcolor"]}"/>')
    out.append(_text(x, box_top + size * 0.62, words, font))
    out.append("</g>")
    return "".join(out)


def _legend(traces: Sequence[dict], layout: dict, left: float, right: float, lowest: float,
            plot_height: float) -> tuple[str, float]:
    """The legend below the plot, its entries in trace order flowing left to right and wrapping; and its bottom."""
    settings = layout.get("legend", {})
    if layout.get("showlegend") is False:
        return "", lowest
    entries = [(number, trace) for number, trace in enumerate(traces)
               if trace.get("showlegend") is not False and trace.get("name")]
    if len(entries) < 2 and layout.get("showlegend") is not True:
        return "", lowest  # plotly draws no legend for a single trace
    font = _font(layout, settings.get("font"))
    size = font["size"]
    row_height = size + 12
    top = max(lowest + size * 0.6, lowest - float(settings.get("y", -0.1)) * plot_height * 0.25)
    x, y = left, top + row_height / 2
    out = ['<g class="legend">']
    for number, trace in entries:
        name = str(trace["name"])
        entry = LEGEND_SAMPLE + 6 + text_width(name, size) + 22
        if x > left and x + entry > right:
            x, y = left, y + row_height
        out.append(f'<g class="traces">{_sample(trace, number, x, y)}'
                   + _text(x + LEGEND_SAMPLE + 6, y, name, font) + "</g>")
        x += entry
    out.append("</g>")
    return "".join(out), y + row_height / 2


def _sample(trace: dict, number: int, x: float, y: float) -> str:
    """A legend entry's picture: a short length of the trace's line, and its marker in the middle."""
    mode = trace.get("mode", "lines+markers")
    out = []
    if "lines" in mode:
        line = trace.get("line") or {}
        width = min(float(line.get("width", 2)), 6)
        dash = _dash(line.get("dash"), width)
        out.append(f'<line x1="{x:.1f}" x2="{x + LEGEND_SAMPLE:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{_colour(trace, number, "line")}" stroke-width="{width:g}"{dash}/>')
    if "markers" in mode:
        marker = trace.get("marker") or {}
        symbol = str(marker.get("symbol", "circle"))
        colour = _colour(trace, number, "marker")
        open_symbol = symbol.endswith("-open")
        edge = marker.get("line") or {}
        out.append(_marker(symbol, x + LEGEND_SAMPLE / 2, y, min(float(marker.get("size", 6)), 14),
                           f'fill="{"#FFFFFF" if open_symbol else colour}" '
                           f'stroke="{colour if open_symbol else edge.get("color", colour)}" '
                           f'stroke-width="{float(edge.get("width", 2 if open_symbol else 0)):g}"'))
    return "".join(out)


# The picture is drawn at the widths below and the browser shows the widest its column holds, so text is never
# drawn smaller than the figure asks (12 px shrunk to 70 % in a 1024 px window would be unreadable), and from
# 480 px to 1600 px of column never more than about a third larger.
WIDTHS = (480, 640, 880, 1200)
CHART_CSS = (
    "<style>.pbip-chart{container-type:inline-size;width:100%;line-height:normal}"
    ".pbip-chart>.pbip-picture{display:none;position:relative}"
    ".pbip-picture>img{display:block;width:100%;height:auto}"
    ".pbip-picture>span{position:absolute;aspect-ratio:1;transform:translate(-50%,-50%);border-radius:50%}"
    ".pbip-chart>.w480{display:block}"
    "@container (min-width:640px){.pbip-chart>.w480{display:none}.pbip-chart>.w640{display:block}}"
    "@container (min-width:880px){.pbip-chart>.w640{display:none}.pbip-chart>.w880{display:block}}"
    "@container (min-width:1200px){.pbip-chart>.w880{display:none}.pbip-chart>.w1200{display:block}}"
    "</style>")
# A point's hover area is at least this many of the picture's pixels across, however small the point.
HOVER_SIZE = 12


def chart_html(figure: dict, *, words: str | None = None, ids: str = "c") -> str:
    """The figure as HTML for a page (`st.html`): at each width in :data:`WIDTHS`, the picture as an image, which
    the browser draws itself, under a tooltip for each point (its hover words, where it is); a container query
    shows the one for the column's width. `words` name each image for screen readers; `ids` as in
    :func:`figure_svg`."""
    label = _label(figure, words)
    drawn = []
    for width in WIDTHS:
        shown = picture(figure, width=width, words=words, ids=f"{ids}w{width}")
        spots = "".join(
            f'<span style="left:{x / shown.width * 100:.2f}%;top:{y / shown.height * 100:.2f}%;'
            f'width:{max(size, HOVER_SIZE) / shown.width * 100:.2f}%" title="{escape(hover, True)}"></span>'
            for x, y, size, hover in shown.hovers)
        source = base64.b64encode(shown.svg.encode()).decode()
        drawn.append(f'<div class="pbip-picture w{width}"><img alt="{label}" src="data:image/svg+xml;base64,{source}">'
                     f"{spots}</div>")
    return f'{CHART_CSS}<div class="pbip-chart">{"".join(drawn)}</div>'
