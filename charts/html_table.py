"""A few rows of words as an HTML table, for a page: no grid to load, type the projector's CSS can enlarge.

For short read-only lists (an indicator's targets); a table people sort, filter or scroll stays st.dataframe.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape

import pandas as pd

from charts.board import BOARD_CSS


def table_html(frame: pd.DataFrame, *, links: Collection[str] = (), link_words: str = "source") -> str:
    """`frame`'s cells as text, each escaped; a column in `links` holds web addresses, each shown as a link
    reading `link_words` (a blank cell stays blank)."""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            if column in links and text.startswith(("https://", "http://")):
                cells.append(f'<td><a href="{escape(text, True)}" target="_blank" rel="noopener">'
                             f"{escape(link_words)}</a></td>")
            else:
                cells.append(f"<td>{escape(text)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f'{BOARD_CSS}<table class="pbip-board pbip-wrap"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
