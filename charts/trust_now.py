"""The "now" section drawn as HTML: the trust's latest month on each measure, England, the region's trusts,
the funnel of every trust in words, and the SPC icons. Pure: a TrustNow in, escaped HTML out."""

from __future__ import annotations

from html import escape

from analysis.trust_now import TrustNow
from charts.board import BOARD_CSS, image
from charts.icons import assurance_svg, variation_svg

_WIDTHS = (20, 10, 9, 9, 17, 17, 9, 9)


def now_table_html(now: TrustNow) -> str:
    """One row per measure; icons are SVG with their words as the text alternative."""
    headings = now.headings
    head = "".join(f'<th style="width:{w}%"{" class=num" if i in (2, 3) else ""}>{escape(h)}</th>'
                   for i, (h, w) in enumerate(zip(headings, _WIDTHS, strict=True)))
    body = []
    for row in now.rows:
        body.append(
            "<tr>"
            f"<td><strong>{escape(row.name)}</strong></td>"
            f"<td>{escape(row.period)}</td>"
            f'<td class="num">{escape(row.trust)}</td>'
            f'<td class="num">{escape(row.england)}</td>'
            f"<td>{escape(row.region)}</td>"
            f"<td>{escape(row.funnel)}</td>"
            f'<td class="icon">{image(variation_svg(row.variation_icon), row.variation)}</td>'
            f'<td class="icon">{image(assurance_svg(row.assurance_icon), row.assurance)}</td>'
            "</tr>")
    return (f'{BOARD_CSS}<table class="pbip-board pbip-now"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')
