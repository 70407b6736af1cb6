"""Pictures, tables and safe text for the improvement plan pages: results in, plotly figures (plain data),
styled tables and strings out.

RAG is never colour alone: every RAG cell says its word and meaning ("Red: off track") on a swatch
of its colour, in black or white text, whichever contrasts more (always at least WCAG 2.2 AA's
4.5:1). Overdue is the word "Overdue", not a tick.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd

from analysis.plan import RAG_MEANING, status_label
from charts.figure import iso, scatter
from charts.text import plain
from charts.xmr import TICK_FONT

if TYPE_CHECKING:  # pandas' Styler (and jinja2 with it) loads when a page first styles a table, not on import
    from pandas.io.formats.style import Styler

# The colours boards use for RAG ratings (Blue = complete, Grey = not started).
RAG_COLOURS = {"Red": "#d5281b", "Amber": "#ffb81c", "Green": "#009639", "Blue": "#005eb8",
               "Grey": "#768692"}
# WCAG 2.2 success criterion 1.4.3 (contrast, minimum): 4.5:1 for body-size text.
WCAG_AA_CONTRAST = 4.5
_SWATCH_TEXT_COLOURS = ("#000000", "#ffffff")
OVERDUE_WORD = "Overdue"
# The plan pages' name for the one Markdown escaping (charts.text.plain).
markdown_text = plain


# --- Readable RAG tables ---------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour "#rrggbb", as WCAG 2.2 defines it."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two "#rrggbb" colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def swatch_text_colour(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return max(_SWATCH_TEXT_COLOURS, key=lambda text: contrast_ratio(text, background))


RAG_TEXT_COLOURS = {rag: swatch_text_colour(colour) for rag, colour in RAG_COLOURS.items()}


def _blank(value) -> bool:
    """None, NaN or NaT: a cell with nothing to say."""
    return value is None or (not isinstance(value, str) and pd.isna(value))


def rag_label(value) -> str:
    """A RAG as people read it, word and meaning ("Blue: complete"); other values as they are."""
    if _blank(value):
        return ""
    return RAG_MEANING.get(value, str(value))


def readable_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """The actions with `rag` as the status each reads as, in words, and `is_overdue` as "Overdue" or blank.

    An overdue action's RAG reads "Red: overdue (reported Green)", never "on track" (the overdue rule of
    ``plan_vocabulary``). Columns keep their names, so a page can still label them; others are unchanged.
    """
    frame = actions.copy()
    overdue = (frame["is_overdue"].astype("boolean").fillna(False).astype(bool) if "is_overdue" in frame
               else pd.Series(False, index=frame.index))
    if "rag" in frame:
        frame["rag"] = [status_label(rag, late) if isinstance(rag, str) else rag_label(rag)
                        for rag, late in zip(frame["rag"], overdue, strict=True)]
    if "is_overdue" in frame:
        frame["is_overdue"] = overdue.map({True: OVERDUE_WORD, False: ""})
    return frame


def readable_rags(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` with each RAG in `columns` as its word and meaning; other values (a date, "No actions")
    as they are."""
    return frame.assign(**{column: frame[column].map(rag_label) for column in columns})


def _cell_text(value) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        stamp = pd.Timestamp(value)
        return f"{stamp:%d %b %Y}" if stamp == stamp.normalize() else f"{stamp:%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)


def rag_of_text(value) -> str | None:
    """The RAG a cell's text names ("Red", "Green: on track", "Red: overdue (reported Green)"), or None."""
    if not isinstance(value, str):
        return None
    word = value.split(":", 1)[0].strip()
    return word if word in RAG_COLOURS else None


_RAG_CSS = {rag: f"background-color: {colour}; color: {RAG_TEXT_COLOURS[rag]}; font-weight: 600"
            for rag, colour in RAG_COLOURS.items()}


def _rag_css(frame: pd.DataFrame, rag_columns: list[str], source: pd.DataFrame) -> pd.DataFrame:
    """CSS for each cell of `frame`: a RAG swatch with contrasting text where `source` holds a RAG."""
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for column in rag_columns:
        if column in frame:
            # A whole column at once: setting cell by cell cost more than the rest of a plan table's drawing.
            css[column] = [_RAG_CSS.get(rag_of_text(value), "") for value in source[column]]
    return css


def rag_styler(frame: pd.DataFrame, rag_columns: list[str]) -> Styler:
    """`frame` for st.dataframe: each RAG cell on its colour with contrasting text, dates written out,
    blanks blank. The data underneath is unchanged, so sorting still sorts dates as dates."""
    styler = frame.style.format(_cell_text)
    return styler.apply(lambda shown: _rag_css(shown, rag_columns, frame), axis=None)


def projector_table(frame: pd.DataFrame, rag_columns: list[str]) -> Styler:
    """`frame` for st.table in presentation mode, which the projector CSS enlarges.

    Every cell becomes text escaped for Markdown (st.table renders Markdown in cells), so a note
    holding `<script>` or a link is shown as typed; RAG cells keep their swatch and word. Column
    headings are the page's own and are left as they are.
    """
    text = frame.map(lambda value: markdown_text(_cell_text(value)))
    return text.style.apply(lambda shown: _rag_css(shown, rag_columns, frame), axis=None)


def rag_timeline(timeline: pd.DataFrame, ref: str, *, presentation: bool = False) -> dict:
    """An action's RAG over time as coloured steps: `changed_at` and `new_value` (the RAG from then), each
    step named in words at its start so the colour is never the only sign. A plotly figure as plain data."""
    times = pd.to_datetime(timeline["changed_at"]).tolist()
    ends = times[1:] + [pd.Timestamp.now()]
    # Words alternate above and below the line: changes days apart on a line that runs to today sit close.
    data = [scatter(x=[iso(start), iso(end)], y=[ref, ref], mode="lines+markers+text", name=rag,
                    line={"color": RAG_COLOURS.get(rag, "#768692"), "width": 14}, text=[rag, ""],
                    textposition="top right" if number % 2 == 0 else "bottom right",
                    hovertemplate=f"{rag} from %{{x|%d %b %Y}}<extra></extra>", showlegend=False)
            for number, (start, end, rag) in enumerate(zip(times, ends, timeline["new_value"], strict=True))]
    font = TICK_FONT[presentation]
    return {"data": data, "layout": {"height": 140 + 2 * font,
                                     "margin": {"l": 40, "r": 10, "t": 10 + font, "b": 30 + font},
                                     "yaxis": {"visible": False}, "font": {"size": font},
                                     "xaxis": {"tickfont": {"size": font}}}}
