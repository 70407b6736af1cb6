"""The board view drawn as HTML: one row per indicator with its icons and a small trend, the plan by project.

Pure: board rows in, HTML text out. Every value is escaped (HTML and so Markdown-free), icons are inline
SVG with a text alternative, and the table wraps its text instead of scrolling sideways, so it fits a
1024 x 768 projector. Sizes are in em, so presentation mode's larger type enlarges everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from analysis.board import BoardRow
from charts.icons import assurance_svg, data_uri, variation_svg
from charts.plan import RAG_COLOURS, rag_label, swatch_text_colour

BOARD_CSS = """
<style>
.pbip-board { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 1em; }
.pbip-board th, .pbip-board td { padding: 0.3em 0.35em; border-bottom: 1px solid #d9d9d9; vertical-align: middle;
    text-align: left; overflow-wrap: break-word; }
.pbip-board th { font-weight: 700; border-bottom: 2px solid #1a1a1a; font-size: 0.92em; overflow-wrap: normal;
    hyphens: manual; }
.pbip-board .num { text-align: right; font-variant-numeric: tabular-nums; font-weight: 700; }
.pbip-board .icon img { width: 2.4em; height: 2.4em; display: block; }
.pbip-board .trend img { width: 100%; height: 2.2em; display: block; }
.pbip-board th.num { font-weight: 700; }
.pbip-board .small { font-size: 0.92em; color: #404040; display: block; }
.pbip-projects { list-style: none; padding: 0 !important; margin: 0 !important; line-height: 1.25;
    font-size: 1em !important; }
.pbip-projects li { padding: 0.05em 0; margin: 0 !important; font-size: 1em !important; }
.pbip-projects .detail-words { color: #404040; }
/* A table that sizes its columns to their longest word: cells wrap between words, never inside one. */
.pbip-wrap, .pbip-indicators { table-layout: auto !important; }
.pbip-wrap th, .pbip-wrap td, .pbip-indicators th, .pbip-indicators td { overflow-wrap: normal !important;
    word-break: normal; hyphens: manual; }
/* Whole words only, so narrow number columns give back their padding to fit a small screen. */
.pbip-wrap th.num, .pbip-wrap td.num, .pbip-indicators th.num, .pbip-indicators td.num { padding-left: 0.15em;
    padding-right: 0.15em; }
/* The indicators' table takes each column's width from its content and wraps between words, so a council's
   long name or a long value narrows nothing else into cutting a word; the trend keeps a fixed width. */
.pbip-indicators .trend img { width: 4.5em; }
/* Beside the sidebar on a 1024 px screen the table has about 560 px: a shorter trend, tighter cells. */
@media (max-width: 1100px) {
  .pbip-indicators .trend img { width: 2.75em; }
  .pbip-indicators th, .pbip-indicators td { padding-left: 0.15em; padding-right: 0.15em; }
}
.pbip-indicators .icon img { margin: 0 auto; }
.pbip-scroll { overflow: auto; }
.pbip-scroll thead th { position: sticky; top: 0; background: #ffffff; }
.pbip-rag { display: inline-block; padding: 0.05em 0.4em; border-radius: 0.3em; font-weight: 700; }
</style>
"""


def sparkline_svg(values: Sequence[float], label: str, target: float | None = None) -> str:
    """A small line of the values, oldest first, scaled to its own range (and the target's, drawn as a dashed line
    across it); described in words for screen readers."""
    points = [float(v) for v in values]
    if len(points) < 2:
        points = points * 2 or [0.0, 0.0]
    scaled = points + ([float(target)] if target is not None else [])
    low, high = min(scaled), max(scaled)
    span = (high - low) or 1.0
    step = 100 / (len(points) - 1)
    path = " ".join(f"{i * step:.1f},{28 - (v - low) / span * 24:.1f}" for i, v in enumerate(points))
    last_x, last_y = path.split(" ")[-1].split(",")
    target_y = f"{28 - (float(target) - low) / span * 24:.1f}" if target is not None else ""
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 0 104 32" preserveAspectRatio="none" '
            f'role="img" aria-label="{escape(label, True)}">'
            f'<title>{escape(label)}</title><polyline points="{path}" fill="none" stroke="#595959" '
            f'stroke-width="2" vector-effect="non-scaling-stroke"/>'
            + (f'<line x1="0" x2="100" y1="{target_y}" y2="{target_y}" stroke="#9E3D74" stroke-width="2" '
               'stroke-dasharray="5 3" vector-effect="non-scaling-stroke"/>' if target is not None else "")
            + f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="#1a1a1a"/></svg>')


def board_table_html(rows: Sequence[BoardRow], *, area_name: str, comparator_name: str) -> str:
    """The indicators' table: value, comparator, comparison, variation and assurance icons, trend, plan."""
    # "Plan", not "Plan actions": the cell is one swatch, and a two-word heading was the widest thing in it.
    headings = ("Indicator", escape(area_name), escape(comparator_name), "Compared", "Variation", "Assurance",
                "Trend", "Plan")
    head = "".join(f'<th{" class=num" if i in (1, 2) else ""}>{h}</th>' for i, h in enumerate(headings))
    body = []
    for row in rows:
        trend_words = (f"{row.name}: {len(row.trend)} periods, from {row.trend[0]:,.1f} to {row.trend[-1]:,.1f}"
                       if row.trend else f"{row.name}: no trend") + (
            f"; dashed line: target {row.target:,.1f}" if row.target is not None else "")
        kind = {"Demonstration data": " · invented", "Proxy": " · proxy"}.get(row.data, "")
        note = f'<span class="small">{escape(row.period)}{kind}</span>'
        body.append(
            "<tr>"
            f"<td><strong>{escape(row.name)}</strong>{note}</td>"
            f'<td class="num">{escape(row.value)}</td>'
            f'<td class="num">{escape(row.comparator)}</td>'
            f'<td class="compared">{escape(row.comparison)}'
            + (f'<span class="small">99.8%: {escape(row.comparison_998)}</span>'
               if row.comparison != row.comparison_998 else "")
            + (f'<span class="small" title="{escape(row.rank or "", True)}">{escape(row.rank_position)}</span>'
               if row.rank_position and row.comparison == row.comparison_998 and "Not compared" in row.comparison
               else "") + "</td>"
            f'<td class="icon">{image(variation_svg(row.variation_icon), row.variation)}</td>'
            f'<td class="icon">{image(assurance_svg(row.assurance_icon), row.assurance)}</td>'
            f'<td class="trend">{image(sparkline_svg(row.trend, trend_words, row.target), trend_words)}</td>'
            f'<td title="{escape(row.plan_detail, True)}">{rag_swatch(row.plan)}'
            f'<span class="small detail">{escape(row.plan_detail)}</span></td>'
            "</tr>")
    return (f'{BOARD_CSS}<table class="pbip-board pbip-indicators"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def rag_swatch(word: str, text: str | None = None) -> str:
    """A RAG word (or `text`, its word and meaning) on its colour, in black or white text whichever has the
    contrast."""
    colour = RAG_COLOURS.get(word)
    if colour is None:
        return escape(word)
    return (f'<span class="pbip-rag" style="background:{colour};color:{swatch_text_colour(colour)}">'
            f"{escape(word if text is None else text)}</span>")


def projects_table_html(projects: pd.DataFrame) -> str:
    """RAG by project (``analysis.board.rag_by_project``): counts in numbers, the roll-up as a swatch."""
    return rag_counts_html(projects, widths=("30%", "16%"))


def rag_counts_html(counts: pd.DataFrame, *, widths: tuple[str, str] | None = None, meanings: bool = False) -> str:
    """A table of RAG counts: its first column names the row (a project, a recommendation), a "Roll-up" column
    is a swatch (with its meaning, "Red: off track", when `meanings`), every other column a number. An HTML
    table: whole on the page, wrapped between words, enlarged on the projector, built without pandas' Styler."""
    label, *numbers = [c for c in counts.columns if c != "Roll-up"]
    label_width, roll_up_width = (f' style="width:{w}"' for w in widths) if widths else ("", "")
    head = (f"<th{label_width}>{escape(str(label))}</th>"
            + "".join(f'<th class="num">{escape(str(c))}</th>' for c in numbers)
            + f"<th{roll_up_width}>Roll-up</th>")
    body = "".join(
        f"<tr><td>{escape(str(row[label]))}</td>"
        + "".join(f'<td class="num">{escape(str(row[c]))}</td>' for c in numbers)
        + f"<td>{rag_swatch(str(row['Roll-up']), rag_label(row['Roll-up']) if meanings else None)}</td></tr>"
        for _, row in counts.iterrows())
    return (f'{BOARD_CSS}<table class="pbip-board pbip-wrap"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            '</table>')


def projects_lines_html(projects: pd.DataFrame) -> str:
    """RAG by project on the projector: one line each, the roll-up swatch first, then counts in words."""
    lines = []
    for _, row in projects.iterrows():
        roll_up = str(row["Roll-up"])
        counts = ", ".join(f"{row[rag]} {rag}" for rag in RAG_COLOURS if row.get(rag))
        n = int(row["Recommendations"])
        detail = (f"{n} recommendation{'s' if n != 1 else ''}" + (f"; actions {counts}" if counts else "")
                  + (f"; {row['Overdue']} overdue" if row["Overdue"] else "")) if n else roll_up.lower()
        swatch = rag_swatch(roll_up) + " " if roll_up in RAG_COLOURS else ""
        lines.append(f'<li>{swatch}<strong>{escape(str(row["Project"]))}</strong>: '
                     f'<span class="detail-words">{escape(detail)}</span></li>')
    return f'{BOARD_CSS}<ul class="pbip-projects">{"".join(lines)}</ul>'


def image(svg: str, words: str) -> str:
    """An SVG as an <img> with its words as the text alternative (the page's HTML sanitiser keeps images)."""
    return f'<img src="{data_uri(svg)}" alt="{escape(words, True)}" title="{escape(words, True)}">'
