"""Areas × indicators as an HTML table: each cell the value, the comparison and the two icons, linked.

Pure: matrix cells in, HTML text out, following the board view's table (charts/board.py): every value
escaped, icons as images with their words as the text alternative, sizes in em so presentation mode's
larger type enlarges everything, text wrapping between words instead of a sideways scroll: eleven indicators
are drawn as two tables of six and five, each narrow enough at 1280 px that no word is broken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from analysis.matrix import MatrixCell
from charts.board import BOARD_CSS, image
from charts.icons import assurance_svg, variation_svg

MATRIX_CSS = """
<style>
.pbip-matrix td, .pbip-matrix th { text-align: center; }
.pbip-matrix td:first-child, .pbip-matrix th:first-child { text-align: left; }
.pbip-matrix .icon img { width: 1.4em; height: 1.4em; display: inline-block; }
.pbip-matrix a { color: #1a1a1a; text-decoration: underline; }
/* Words are never broken mid-word (a projector shows "attenda-nces" as two words): lines break between
   words or after a hyphen only, and the indicators are split into tables narrow enough for that. */
.pbip-matrix { table-layout: auto; margin-bottom: 1em; }
.pbip-matrix th, .pbip-matrix td { hyphens: manual; overflow-wrap: normal; word-break: normal; }
</style>
"""
# Indicators per table: at 1280 px, presentation type (20 px and up) and the area's column, six columns leave each
# about 170 px, wider than the longest word a cell or heading holds ("(significant)", "Readmissions").
COLUMNS_PER_TABLE = 6


def matrix_html(cells: Mapping[tuple[str, str], MatrixCell], *, areas: Sequence[tuple[str, str]],
                indicators: Sequence[tuple[str, str]], highlight: str | None = None,
                columns_per_table: int = COLUMNS_PER_TABLE) -> str:
    """The matrix: one row per (area code, name), one column per (indicator id, short name), the indicators split
    in order into tables of at most ``columns_per_table`` (as even as they go), each repeating the areas."""
    count = max(1, -(-len(indicators) // columns_per_table))
    size = -(-len(indicators) // count) if indicators else 0
    tables = [_table(cells, areas, indicators[start:start + size], highlight)
              for start in range(0, len(indicators), size or 1)] or [_table(cells, areas, [], highlight)]
    return BOARD_CSS + MATRIX_CSS + "".join(tables)


def _table(cells, areas, indicators, highlight) -> str:
    width = 100 / (len(indicators) + 1.4)
    head = f'<th style="width:{1.4 * width:.0f}%">Area</th>' + "".join(
        f'<th style="width:{width:.0f}%">{escape(name)}</th>' for _, name in indicators)
    body = []
    for code, name in areas:
        label = f"<strong>{escape(name)}</strong>" if code == highlight else escape(name)
        row = [f"<td>{label}</td>"]
        for indicator_id, _ in indicators:
            row.append(_cell(cells.get((code, indicator_id))))
        body.append("<tr>" + "".join(row) + "</tr>")
    return (f'<table class="pbip-board pbip-matrix" lang="en-GB"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _cell(c: MatrixCell | None) -> str:
    if c is not None and not c.has_data and c.coverage_text:
        # A group with no value says why (too few members reported; only invented figures), in words.
        return f'<td><span class="small">{escape(c.coverage_text)}</span></td>'
    if c is None or not c.has_data:
        return '<td><span class="small">no data</span></td>'
    coverage = f'<span class="small coverage">{escape(c.coverage_text)}</span>' if c.coverage_text else ""
    words = f"{c.value_text}, {c.period_text}; {c.comparison_text}"
    icons = (f'<span class="icon">{image(variation_svg(c.variation_icon), c.variation_text)}'
             + (image(assurance_svg(c.assurance_icon), c.assurance_text) if c.assurance_icon else "")
             + "</span>")
    return (f'<td><a href="{escape(c.link, True)}" target="_self" title="{escape(words, True)}">'
            f"{escape(c.value_text)}</a>{coverage}"
            f'<span class="small">{escape(c.comparison_text)}</span>{icons}</td>')


__all__ = ["COLUMNS_PER_TABLE", "matrix_html"]
