"""How much room text takes on a slide, measured with the font the slides are set in (DejaVu Sans).

PowerPoint shrinks text to fit a box; LibreOffice, which renders the pack here (`soffice --convert-to
pdf`), does not: text too long for its box spills over whatever is below, and a word wider than a
table column is broken mid-word. So the slides are laid out from measurements made here: a word's
width, the lines a text wraps to in a width, the largest size (never below the slides' minimum) at
which a text fits a box, and column widths that hold every column's longest word.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from PIL import ImageFont

FONT_NAME = "DejaVu Sans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
# Line height as a multiple of the type size: LibreOffice sets DejaVu Sans at about 1.17; a margin over it.
LINE_HEIGHT = 1.25
POINTS_PER_INCH = 72
# Measured at a large size and scaled, so rounding to whole pixels does not understate widths.
_MEASURE_PT = 100
# A little more than measured: the renderer's kerning and hinting differ from PIL's by a few per cent.
_WIDTH_MARGIN = 1.04


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    path = FONT_DIR / FONT_FILES[bold]
    return ImageFont.truetype(str(path), _MEASURE_PT) if path.exists() else None


@functools.lru_cache(maxsize=1 << 16)
def _length(text: str, bold: bool) -> float:
    """`text`'s width at the measuring size, in points: kept, as a pack measures the same words many times
    (each size a text is tried at, each row of a table laid out again)."""
    font = _font(bold)
    return font.getlength(text) if font else len(text) * 0.62 * _MEASURE_PT


def width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` set at `size` points, in inches."""
    points = _length(text, bold) * size / _MEASURE_PT
    return points * _WIDTH_MARGIN / POINTS_PER_INCH


def lines(text: str, room: float, size: float, *, bold: bool = False) -> int:
    """How many lines `text` wraps to in `room` inches (each paragraph on its own lines); a word wider
    than the room counts as more lines, as the renderer would break it."""
    total = 0
    space = width(" ", size, bold=bold)
    for paragraph in text.split("\n"):
        used, count = 0.0, 1
        for word in paragraph.split():
            wide = width(word, size, bold=bold)
            if wide > room:
                count += int(wide // room) + (1 if used else 0)
                used = wide % room
            elif used and used + space + wide > room:
                count, used = count + 1, wide
            else:
                used = used + space + wide if used else wide
        total += count
    return total


def height(text: str, room: float, size: float, *, bold: bool = False) -> float:
    """The height in inches `text` takes set in `room` inches at `size` points."""
    return lines(text, room, size, bold=bold) * size * LINE_HEIGHT / POINTS_PER_INCH


def longest_word(text: str, size: float, *, bold: bool = False) -> float:
    return max((width(word, size, bold=bold) for word in text.split()), default=0.0)


def fit_size(texts: Sequence[str], room: float, tall: float, largest: float, smallest: float, *,
             bold: bool = False) -> float | None:
    """The largest size from `largest` down to `smallest` (whole points) at which the paragraphs `texts`
    fit `room` x `tall` inches without a word broken; None when even `smallest` does not fit."""
    size = largest
    while size >= smallest:
        if (sum(height(t, room, size, bold=bold) for t in texts) <= tall
                and all(longest_word(t, size, bold=bold) <= room for t in texts)):
            return size
        size -= 1
    return None


def column_widths(rows: Sequence[Sequence[str]], total: float, size: float, *, padding: float,
                  stretch: Sequence[int] = (0,), bold_first_row: bool = True, cap: float = 2.6,
                  stretch_cap: float = 3.4) -> list[float]:
    """Column widths (inches) summing to `total`. Each column is at least its longest word (plus `padding`),
    so no word is broken; where room allows, as wide as its longest cell up to `cap` inches (a date on one
    line); what is left goes to the `stretch` columns. ValueError when the longest words alone do not fit."""
    columns = len(rows[0])

    def measured(measure) -> list[float]:
        return [max(measure(row[c], r == 0 and bold_first_row) for r, row in enumerate(rows)) + padding
                for c in range(columns)]

    needed = measured(lambda text, bold: longest_word(text, size, bold=bold))
    full = measured(lambda text, bold: width(text, size, bold=bold))
    preferred = [max(n, min(f, stretch_cap if c in stretch else cap))
                 for c, (n, f) in enumerate(zip(needed, full, strict=True))]
    if sum(needed) > total:
        raise ValueError(f"the table's longest words need {sum(needed):.2f} in, more than the {total:.2f} in it has")
    widths = list(preferred)
    # Too wide: the other columns give way first (down to their longest words), then the stretch columns.
    for giving in ([c for c in range(columns) if c not in stretch], list(stretch)):
        excess = sum(widths) - total
        slack = sum(widths[c] - needed[c] for c in giving)
        if excess <= 0 or slack <= 0:
            continue
        for c in giving:
            widths[c] -= (widths[c] - needed[c]) * min(1.0, excess / slack)
    spare = total - sum(widths)
    for column in stretch:
        widths[column] += spare / len(stretch)
    return widths


def row_heights(rows: Sequence[Sequence[str]], widths: Sequence[float], size: float, *, padding: float,
                margin: float) -> list[float]:
    """Each row's height (inches): its tallest cell's lines at `size`, plus the cell's top and bottom margin."""
    return [max(height(cell, width_ - padding, size, bold=r == 0) for cell, width_ in zip(row, widths, strict=True))
            + 2 * margin for r, row in enumerate(rows)]
