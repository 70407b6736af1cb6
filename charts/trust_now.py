"""The "now" section drawn as HTML: the trust's latest month on each measure, England, the region's trusts,
the funnel of every trust in words, and the SPC icons. Pure: a TrustNow in, escaped HTML out."""

from __future__ import annotations

from html import escape

from analysis.trust_now import TrustNow
from charts.board import BOARD_CSS, image
from charts.icons import assurance_svg, variation_svg

_WIDTHS = (28, 17, 19, 20, 16)
# Numbers never break; the two icons side by side.
_NOW_CSS = ("<style>.pbip-now .n { white-space: nowrap; } .pbip-now td.num .small { font-weight: 400; }"
            " .pbip-now .pair { display: flex; gap: 0.3em; }</style>")


def now_table_html(now: TrustNow) -> str:
    """One row per measure: its month under its name and England's value under the trust's (as the board's
    indicators), the region and the funnel in words, and both SPC icons in one cell, so it reads on a narrow
    screen. Icons are SVG with their words as the text alternative."""
    headings = (now.headings[0], now.headings[2], now.headings[4], now.headings[5],
                f"{now.headings[6]}, {now.headings[7].lower()}")
    head = "".join(f'<th style="width:{w}%"{" class=num" if i == 1 else ""}>{escape(h)}</th>'
                   for i, (h, w) in enumerate(zip(headings, _WIDTHS, strict=True)))
    body = []
    for row in now.rows:
        body.append(
            "<tr>"
            f'<td><strong>{escape(row.name)}</strong><span class="small">{escape(row.period)}</span></td>'
            f'<td class="num"><span class="n">{escape(row.trust)}</span><span class="small">'
            f'{escape(now.headings[3])} <span class="n">{escape(row.england)}</span></span></td>'
            f"<td>{escape(row.region)}</td>"
            f"<td>{escape(row.funnel)}</td>"
            f'<td class="icon"><span class="pair">{image(variation_svg(row.variation_icon), row.variation)}'
            f'{image(assurance_svg(row.assurance_icon), row.assurance)}</span></td>'
            "</tr>")
    return (f'{BOARD_CSS}{_NOW_CSS}<table class="pbip-board pbip-now"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
