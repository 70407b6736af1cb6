"""The overview's tables as HTML that wraps at word boundaries: every column on screen at 1280 x 800 and on
the projector, no cell clipped, no word broken inside (st.dataframe draws on a canvas that can only cut).
Narrower than the table's words (1024 px beside the sidebar), it leaves off the trend and the data's age.

Pure: the overview frame (``analysis.overview.overview_table``) in, HTML text out. Every value is escaped;
the indicator's name links to its page (the link keeps presentation mode); the trend is a small line with
its words as the text alternative. Sizes are in em, so presentation mode's larger type enlarges everything.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from charts.board import BOARD_CSS, image, sparkline_svg

OVERVIEW_CSS = """
<style>
.pbip-overview td.num { white-space: nowrap; }
.pbip-overview .trend img { width: 5em; height: 1.8em; }
.pbip-overview a { color: #005eb8; }
/* A page narrower than the table's words (1024 px with the sidebar open) leaves off the trend and the data's
   age, as the projector does, rather than running off the edge; should it still not fit, it scrolls. */
.pbip-fit { container-type: inline-size; overflow-x: auto; }
@container (max-width: 779px) {
  .pbip-overview .pbip-optional { display: none; }
  .pbip-overview { font-size: 0.94em; }
  .pbip-overview th, .pbip-overview td { padding-left: 0.2em; padding-right: 0.2em; }
}
</style>
"""
# Left to the indicator page: the source's long name, and the link (the name is the link). The unit and the
# kind of data are said under the name, so the row keeps to the width of the screen.
_NOT_SHOWN = ("Open", "Source", "Measured for", "Unit", "Data")
# Also left off the projector, where the type is 22 px: the trend and the data's age (the board view has both).
_NOT_PROJECTED = ("Trend", "Data age")


def overview_html(table: pd.DataFrame, *, value_columns: tuple[str, str], presentation: bool = False) -> str:
    """The overview frame as an HTML table; `value_columns` (area, comparator) are right-aligned numbers."""
    columns = [c for c in table.columns if c not in _NOT_SHOWN and not (presentation and c in _NOT_PROJECTED)]
    head = "".join(f'<th{_classes(c, value_columns)}>{escape(str(c))}</th>' for c in columns)
    keep = "&presentation=1" if presentation else ""
    body = []
    for _, row in table.iterrows():
        cells = []
        for column in columns:
            value = row[column]
            if column == "Indicator":
                measured = (f' title="{escape("Measured for " + str(row["Measured for"]), True)}"'
                            if "Measured for" in row else "")
                under = " · ".join(escape(str(row[c])) for c in ("Unit", "Data") if c in row and str(row[c]))
                cells.append(f'<td><a href="{escape(str(row["Open"]) + keep, True)}" target="_self"{measured}>'
                             f'<strong>{escape(str(value))}</strong></a><span class="small">{under}</span></td>')
            elif column == "Trend":
                points = list(value) if value is not None else []
                words = (f"{row['Indicator']}: {len(points)} periods, from {points[0]:,.1f} to {points[-1]:,.1f}"
                         if points else f"{row['Indicator']}: no trend")
                cells.append(f'<td class="trend pbip-optional">{image(sparkline_svg(points, words), words)}</td>')
            else:
                cells.append(f"<td{_classes(column, value_columns)}>{escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'{BOARD_CSS}{OVERVIEW_CSS}<div class="pbip-fit"><table class="pbip-board pbip-wrap pbip-overview" '
            f'lang="en-GB"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _classes(column: str, value_columns: tuple[str, str]) -> str:
    """A cell's classes: a number right-aligned; a column left off a narrow page (the trend, the data's age)."""
    names = " ".join(filter(None, ("num" if column in value_columns else "",
                                   "pbip-optional" if column in _NOT_PROJECTED else "")))
    return f' class="{names}"' if names else ""


__all__ = ["overview_html"]
