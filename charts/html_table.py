"""Rows of words as an HTML table, for a page: no grid to load, every word on screen wrapped between words,
type the projector's CSS can enlarge.

For read-only tables a page shows whole (an indicator's targets, the plan's actions, the councils outside a
funnel's limits); a table people scroll through thousands of rows of (an upload's preview) stays st.dataframe.
Every cell is escaped: a note holding `<script>` or a Markdown link is shown as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from html import escape

import pandas as pd

from charts.board import BOARD_CSS, rag_swatch
from charts.cells import cell_text
from charts.plan import RAG_COLOURS


def rag_of_text(value) -> str | None:
    """The RAG a cell's text names ("Red", "Green: on track", "Red: overdue (reported Green)"), or None."""
    if not isinstance(value, str):
        return None
    word = value.split(":", 1)[0].strip()
    return word if word in RAG_COLOURS else None


def table_html(frame: pd.DataFrame, *, links: Collection[str] = (), link_words: str = "source",
               rag_columns: Collection[str] = (), numbers: Mapping[str, Callable[[object], str]] | None = None,
               scroll: tuple[str, str] | None = None) -> str:
    """`frame`'s cells as text, each escaped (`cell_text`).

    A column in `links` holds web addresses, each shown as a link reading `link_words` (a blank cell stays
    blank); a cell of a column in `rag_columns` that names a RAG is its words on the RAG's swatch; a column in
    `numbers` is right-aligned and written by its function (a blank cell stays blank). With `scroll` (a CSS
    height, and what the table is for a screen reader) a long table scrolls in a box that high, its headings
    kept in view, and the keyboard can scroll it.
    """
    numbers = numbers or {}
    head = "".join(f'<th class="num">{escape(str(column))}</th>' if column in numbers
                   else f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            text = cell_text(value)
            if column in numbers:
                cells.append(f'<td class="num">{escape(numbers[column](value)) if text else ""}</td>')
            elif column in links and text.startswith(("https://", "http://")):
                cells.append(f'<td><a href="{escape(text, True)}" target="_blank" rel="noopener">'
                             f"{escape(link_words)}</a></td>")
            elif column in rag_columns and (rag := rag_of_text(text)):
                cells.append(f"<td>{rag_swatch(rag, text)}</td>")
            else:
                cells.append(f"<td>{escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table = (f'<table class="pbip-board pbip-wrap"><thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    # In a box that scrolls sideways when the page is narrower than the table's words (1024 px beside the
    # sidebar), so the page itself never does.
    if scroll:
        height, words = scroll
        return (f'{BOARD_CSS}<div class="pbip-scroll" style="max-height:{escape(height, True)}" tabindex="0" '
                f'role="region" aria-label="{escape(words, True)}">{table}</div>')
    return f'{BOARD_CSS}<div class="pbip-scroll">{table}</div>'
