"""Pictures, tables and safe text for the improvement plan pages: results in, plotly figures (plain data),
readable tables and strings out (charts/html_table.py draws the tables).

RAG is never colour alone: every RAG cell says its word and meaning ("Red: off track") on a swatch
of its colour, in black or white text, whichever contrasts more (always at least WCAG 2.2 AA's
4.5:1). Overdue is the word "Overdue", not a tick.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd

from analysis.plan import RAG_MEANING, demonstration_labels, status_label
from charts.cells import cell_text
from charts.figure import iso, scatter
from charts.text import plain
from charts.xmr import TICK_FONT

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


def last_updates(actions: pd.DataFrame) -> list[str]:
    """Each action's last change in words, "10 Jan 2019 09:30, Ann Analyst" (the time only when there is one);
    blank where the plan holds neither."""
    return [", ".join(part for part in (cell_text(at), cell_text(by)) if part)
            for at, by in zip(actions["updated_at"], actions["updated_by"], strict=True)]


def action_table(actions: pd.DataFrame, columns: Iterable[str], *, left_off: Collection[str] = ()) -> pd.DataFrame:
    """The actions as the plan's tables show them (`readable_actions`), with their Data cell and last update
    (`last_updates`) as the columns `data` and `last_update`: of `columns`, those not `left_off`, in that order.

    A Data column saying the same of every row is left off too: the notice above the table says it (and when
    no action is invented there is nothing to say).
    """
    frame = actions.assign(data=demonstration_labels(actions), last_update=last_updates(actions))
    same_data = frame["data"].nunique() <= 1
    return readable_actions(frame[[column for column in columns
                                   if column not in left_off and not (column == "data" and same_data)]])


def readable_rags(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`frame` with each RAG in `columns` as its word and meaning; other values (a date, "No actions")
    as they are."""
    return frame.assign(**{column: frame[column].map(rag_label) for column in columns})


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
