"""The *Making Data Count* variation and assurance icons, drawn here as SVG from NHS England's description.

NHS England's *Making Data Count* guidance ("A guide to using SPC icons") defines two families:

* variation: common cause (grey), special cause improvement (blue) or concern (orange), marked H or L
  for a high or low signal; neutral special cause (purple) when neither direction is better;
* assurance: consistently passing the target (blue, P), consistently failing it (orange, F), hit and
  miss (grey, ?).

Each icon is a circle with a small run of points (and, for assurance, the target line) and its letter.
They are drawn here, not copied from anyone's files; colours are those the XmR chart uses, each at
least 3:1 against white (WCAG 2.2, 1.4.11). Every SVG carries a ``<title>`` and ``aria-label`` with
the icon's words, so the meaning never rests on the picture alone (WCAG 2.2, 1.1.1).
"""

from __future__ import annotations

import base64
from html import escape

from analysis.summary import ASSURANCE_LABELS, VARIATION_LABELS

GREY = "#767676"
IMPROVEMENT = "#0072B2"
CONCERN = "#D55E00"
NEUTRAL = "#7B3294"

_SIZE = 64
# The seven points of the little run, left to right, as (x, y) in a 64 x 64 box; y grows downwards.
_FLAT = [(14, 34), (20, 30), (26, 36), (32, 31), (38, 35), (44, 30), (50, 34)]
_HIGH = [(14, 40), (20, 37), (26, 41), (32, 38), (38, 30), (44, 25), (50, 20)]
_LOW = [(14, 24), (20, 27), (26, 23), (32, 26), (38, 34), (44, 39), (50, 44)]


def variation_colour(icon: str | None) -> str:
    if not isinstance(icon, str) or icon == "common_cause":
        return GREY
    return {"improvement": IMPROVEMENT, "concern": CONCERN, "neutral": NEUTRAL}[icon.split("_")[0]]


def variation_svg(icon: str | None) -> str:
    """The variation icon (``analysis.spc.VARIATION_ICONS``, or None for too little data) as SVG text."""
    words = VARIATION_LABELS.get(icon, "Not enough data") if isinstance(icon, str) else "Not enough data"
    colour = variation_colour(icon)
    if not isinstance(icon, str):
        return _svg(words, colour, _dashes(colour) + _letter("–", GREY, 32, 44))
    if icon == "common_cause":
        return _svg(words, colour, _run(_FLAT, colour, colour))
    high = icon.endswith("_high")
    points = _HIGH if high else _LOW
    letter = "H" if high else "L"
    # H sits below a rising run, L to the left of a falling one: clear of the points and of the ring.
    place = (32, 56) if high else (22, 54)
    return _svg(words, colour, _run(points, GREY, colour) + _letter(letter, colour, *place))


def assurance_svg(icon: str | None) -> str:
    """The assurance icon (``pass``, ``fail``, ``hit_or_miss``; None when no target is set) as SVG text."""
    words = ASSURANCE_LABELS.get(icon, "No target set")
    if icon is None:
        return _svg(words, GREY, _dashes(GREY) + _letter("–", GREY, 32, 44))
    colour, letter = {"pass": (IMPROVEMENT, "P"), "fail": (CONCERN, "F"), "hit_or_miss": (GREY, "?")}[icon]
    target = f'<line x1="10" y1="40" x2="54" y2="40" stroke="{colour}" stroke-width="2.5" stroke-dasharray="4 3"/>'
    return _svg(words, colour, target + _letter(letter, colour, 32, 32, size=24))


def data_uri(svg: str) -> str:
    """An SVG as a data: URI, for table image columns and <img> tags."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _svg(words: str, colour: str, body: str) -> str:
    label = escape(words, quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SIZE} {_SIZE}" width="{_SIZE}" '
            f'height="{_SIZE}" role="img" aria-label="{label}"><title>{label}</title>'
            f'<circle cx="32" cy="32" r="29" fill="#FFFFFF" stroke="{colour}" stroke-width="4"/>{body}</svg>')


def _run(points: list[tuple[int, int]], first: str, last: str) -> str:
    """A joined run of seven points; the last three in the signal's colour."""
    path = " ".join(f"{x},{y}" for x, y in points)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="3" fill="{first if i < 4 else last}"/>'
                   for i, (x, y) in enumerate(points))
    return f'<polyline points="{path}" fill="none" stroke="{GREY}" stroke-width="1.5"/>{dots}'


def _dashes(colour: str) -> str:
    return f'<line x1="14" y1="32" x2="50" y2="32" stroke="{colour}" stroke-width="2" stroke-dasharray="2 4"/>'


def _letter(letter: str, colour: str, x: int, y: int, size: int = 16) -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
            f'font-weight="bold" font-size="{size}" fill="{colour}">{escape(letter)}</text>')
