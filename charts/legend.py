"""The icon legend: every Making Data Count variation and assurance icon beside its words.

One list (`LEGEND`) for the board view's HTML and the pack's pictures, so the two explain the same icons.
"""

from __future__ import annotations

from html import escape

from analysis.summary import ASSURANCE_LABELS, VARIATION_LABELS
from charts.icons import assurance_svg, data_uri, variation_svg

# (family, icon, words), in the order the guidance presents them.
LEGEND: list[tuple[str, str | None, str]] = [
    *(("variation", icon, words) for icon, words in VARIATION_LABELS.items()),
    *(("assurance", icon, words) for icon, words in ASSURANCE_LABELS.items()),
]
LEGEND_TITLE = "What the icons mean (NHS England's Making Data Count)"


def icon_svg(family: str, icon: str | None) -> str:
    return variation_svg(icon) if family == "variation" else assurance_svg(icon)


def legend_html() -> str:
    """The legend as an HTML block: each icon (with its words as alt text) and its words."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:6px;margin:2px 14px 2px 0">'
        f'<img src="{data_uri(icon_svg(family, icon))}" alt="{escape(words, True)}" width="28" height="28">'
        f"{escape(('Variation: ' if family == 'variation' else 'Assurance: ') + words)}</span>"
        for family, icon, words in LEGEND)
    return (f'<div aria-label="{escape(LEGEND_TITLE, True)}"><strong>{escape(LEGEND_TITLE)}</strong><br>'
            f"{items}</div>")
