"""The board pack as a PDF for the papers (fpdf2): A4 landscape, text 9 pt and larger, real text throughout.

Lays out a :class:`~reports.board_pack.BoardPack` and its pictures; computes nothing. Every page that shows
demonstration data says so in a banner at its top. Type is DejaVu Sans (Debian's fonts-dejavu-core) for
its signs (●, ▲, ±, –); without it the PDF falls back to Helvetica, writing those signs as near as Latin-1 can.
"""

from __future__ import annotations

import copy
import io
import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.fonts import TTFFont
from fpdf.image_datastructures import RasterImageInfo
from fpdf.image_parsing import get_img_info
from fpdf.table import RowLayoutInfo
from fpdf.table import Table as Grid

from charts.legend import LEGEND, LEGEND_TITLE
from charts.plan import RAG_COLOURS, RAG_TEXT_COLOURS
from plan_vocabulary import ROLL_UP_RULE
from reports import tables
from reports.board_pack import DEMONSTRATION_LABEL, BoardPack, FunnelPage, IndicatorPage, PlanSection
from reports.figures import CHART_SIZE, FUNNEL, FUNNEL_HEIGHT, Pictures, icon_key, pixels
from reports.tables import Table
from store.commentary import NO_COMMENTARY

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Type sizes in points; nothing in the pack is smaller than MIN_TEXT_PT (tests/test_board_pack.py reads it).
MIN_TEXT_PT = 9
SIZES = {"cover": 28, "title": 20, "heading": 13, "body": 11, "table": 9.5, "small": MIN_TEXT_PT}
MARGIN = 12
CHART_WIDTH = 200
HEADING_FILL = (232, 237, 238)
BANNER_FILL = (255, 235, 156)
TEXT = (26, 26, 26)
# Millimetres: a table's line and the padding round each cell; a heading's line with the space above it; the
# "And 3 more linked actions" line under a cut table.
TABLE_LINE = 4.6
TABLE_PADDING = 1
HEADING_LINE = 9
MORE_LINE = 6


class _Paper(FPDF):
    """A4 landscape with the pack's footer on every page and the demonstration banner where it applies."""

    def __init__(self, pack: BoardPack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.demonstration_here = False
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 6)
        self.family = _add_fonts(self)
        self.set_title(f"{pack.title}: {pack.area_name}, as at {pack.as_at:%-d %B %Y}")
        self.set_creator("PBIP performance dashboard")
        self.set_text_color(*TEXT)
        self.is_trial = False
        # A blank copy for trial layouts (:func:`_fits`), sharing the pack and the fonts' parsed tables:
        # loading the fonts again would cost more than every trial together.
        self.scratch: _Paper = copy.deepcopy(self, {id(pack): pack})
        self.scratch.is_trial = True
        # Each table row's layout (its heights), measured once for the paper and its scratch copy: _rows_laid_out.
        self.rows_measured: dict[tuple, RowLayoutInfo] = {}
        self.scratch.rows_measured = self.rows_measured
        for paper in (self, self.scratch):
            for font in paper.fonts.values():
                if type(font) is TTFFont:
                    font.__class__ = _MeasuredFont

    def header(self) -> None:
        if self.demonstration_here:
            self.set_font(self.family, "B", SIZES["body"])
            self.set_fill_color(*BANNER_FILL)
            self.multi_cell(0, 6, self.clean(DEMONSTRATION_LABEL), fill=True, border=1, new_x="LMARGIN",
                            new_y="NEXT")
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-MARGIN - 2)
        self.set_font(self.family, "", SIZES["small"])
        self.cell(0, 5, self.clean(f"{self.pack.title}: {self.pack.area_name} against {self.pack.comparator_name}, "
                                   f"as at {self.pack.as_at:%-d %B %Y}, {self.pack.version_text}. "
                                   f"Page {self.page_no()}"), align="C")

    def clean(self, text: str) -> str:
        """Text the font can draw: unchanged with DejaVu, near Latin-1 with the core fallback."""
        if self.family != "Helvetica":
            return text
        for sign, plain in (("–", "-"), ("—", "-"), ("●", "*"), ("▲", "^"), ("▼", "v"), ("…", "..."),
                            ("×", "x"), ("±", "+/-"), ("’", "'"), ("◆", "*"), ("■", "*")):
            text = text.replace(sign, plain)
        return text.encode("latin-1", "replace").decode("latin-1")


class _MeasuredFont(TTFFont):
    """fpdf2's TrueType font, keeping each text's width as it measures it.

    fpdf2 measures a line again as each character is added to it, summing the characters' widths in Python,
    and a trial layout (:func:`_fits`) measures a table's lines again: the same texts thousands of times, a
    tenth of the PDF's time. Kept here, each is summed once. The same sum of the same widths: the same pages.
    """

    __slots__ = ()

    def get_text_width(self, text: str, font_size_pt: float, text_shaping_params) -> tuple[int, float]:
        if text_shaping_params or self.is_symbol:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        key = (self.fontkey, text)
        units = _TEXT_UNITS.get(key)
        if units is None:
            if len(_TEXT_UNITS) >= _TEXT_UNITS_KEPT:
                _TEXT_UNITS.clear()
            units = _TEXT_UNITS[key] = sum(map(self.cw.__getitem__, map(ord, text)))
        return len(text), units * font_size_pt * 0.001


# Each text's width in font units by (font, text); a pack keeps some 100,000, a long-running dashboard no more.
_TEXT_UNITS: dict[tuple[str, str], int] = {}
_TEXT_UNITS_KEPT = 500_000


def _add_fonts(pdf: FPDF) -> str:
    if all((FONT_DIR / name).exists() for name in FONT_FILES.values()):
        for style, name in FONT_FILES.items():
            pdf.add_font("DejaVu", style, str(FONT_DIR / name))
        return "DejaVu"
    return "Helvetica"


def render(pack: BoardPack, pictures: Pictures) -> bytes:
    """The whole pack as PDF bytes: cover, summary, one page per indicator, every council at once (the funnel),
    the trust now, the plan, sources and methods. The pages are laid out before the pictures are in
    (:class:`_Placed`: in a copy of the command, they are drawn meanwhile); the file is written once every
    picture is in."""
    pdf = _Paper(pack)
    placed = _Placed(pdf, pictures)
    _cover(pdf, pack)
    _executive_summary(pdf, pack, placed)
    _summary(pdf, pack, placed)
    for page in pack.pages:
        _indicator(pdf, pack, page, placed)
    if pack.funnel is not None:
        _funnel(pdf, pack.funnel, placed)
    if pack.now is not None:
        _now(pdf, pack.now)
    if pack.plan is not None:
        _plan(pdf, pack, pack.plan)
    _sources(pdf, pack)
    placed.fill()
    return bytes(pdf.output())


class _Placed:
    """The pack's pictures in the PDF, placed before they are drawn and filled in before output.

    fpdf2 needs a picture's pixels only to write the file: to place one on a page it needs its size alone. So
    each picture is put in fpdf2's image cache (`FPDF.image_cache.images`, which `FPDF.image` reads a name
    from) under a name of its own, with the size it is drawn at (`reports.figures.pixels`) and the number
    fpdf2 gives a picture when first placed, and every page is laid out without waiting for the pictures. As
    each picture comes, a thread decodes and compresses it as fpdf2 does (`get_img_info`); :meth:`fill`
    gives each entry its pixels before the file is written. The same pages, the same pictures, the same numbering.
    """

    def __init__(self, pdf: _Paper, pictures: Pictures) -> None:
        self._pdf, self._pictures = pdf, pictures
        self._placed: dict[str, tuple[str, object, RasterImageInfo]] = {}
        self._ready: dict[tuple[str, object], Future] = {}
        self._failed: BaseException | None = None
        self._asking = threading.Lock()
        threading.Thread(target=self._ready_each, name="board-pack-pdf-pictures", daemon=True).start()

    def chart(self, key: str) -> str:
        return self._place("chart", key)

    def icon(self, key: tuple[str, str | None]) -> str:
        return self._place("icon", key)

    def _place(self, kind: str, key) -> str:
        """The name `FPDF.image` takes the picture by, entered in the cache when the picture is first placed."""
        name = f"board pack {kind}: {key}"
        if name not in self._placed:
            cache = self._pdf.image_cache
            width, height = pixels(kind, key)
            info = RasterImageInfo(w=width, h=height, i=len(cache.images) + 1, usages=0, iccp_i=None)
            if kind == "icon":
                info["smask"] = b""  # an icon is drawn on a transparent ground: fpdf2 asks for PDF 1.4 on placing it
            cache.images[name] = info
            self._placed[name] = (kind, key, info)
        return name

    def _future(self, kind: str, key) -> Future:
        with self._asking:
            future = self._ready.get((kind, key))
            if future is None:
                future = self._ready[kind, key] = Future()
                if self._failed is not None:
                    future.set_exception(self._failed)
            return future

    def _ready_each(self) -> None:
        try:
            for kind, key, png in self._pictures.each():
                self._future(kind, key).set_result(
                    get_img_info(f"{kind}: {key}", io.BytesIO(png), self._pdf.image_cache.image_filter))
        except BaseException as error:  # raised by fill, in the layout's thread
            with self._asking:
                self._failed = error
                waiting = [future for future in self._ready.values() if not future.done()]
            for future in waiting:
                future.set_exception(error)

    def fill(self) -> None:
        """Every placed picture's pixels, in the order they were placed (each waited for as it is drawn)."""
        cache = self._pdf.image_cache
        for kind, key, info in self._placed.values():
            (self._pictures.icons if kind == "icon" else self._pictures.charts)[key]  # waits, telling progress
            drawn = self._future(kind, key).result()
            if (drawn["w"], drawn["h"]) != (info["w"], info["h"]):
                raise ValueError(f"the {kind} {key} was drawn {drawn['w']}×{drawn['h']} pixels, placed as "
                                 f"{info['w']}×{info['h']}")
            info.pop("smask", None)
            info.update(drawn)
            iccp = info.get("iccp")
            if iccp is not None:  # as fpdf2 enters a picture's colour profile when it first places it
                info["iccp_i"] = cache.icc_profiles.setdefault(iccp, len(cache.icc_profiles))
                info["iccp"] = None


def _page(pdf: _Paper, title: str, *, demonstration: bool, size: float = SIZES["title"]) -> None:
    pdf.demonstration_here = demonstration
    pdf.title_now = title
    pdf.add_page()
    pdf.set_font(pdf.family, "B", size)
    pdf.multi_cell(0, size * 0.5, pdf.clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _heading(pdf: _Paper, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(pdf.family, "B", SIZES["heading"])
    pdf.multi_cell(0, 7, pdf.clean(text), new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf: _Paper, text: str, *, bold: bool = False, size: float = SIZES["body"]) -> None:
    pdf.set_font(pdf.family, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, pdf.clean(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _cover(pdf: _Paper, pack: BoardPack) -> None:
    _page(pdf, pack.title, demonstration=pack.has_demonstration, size=SIZES["cover"])
    pdf.ln(4)
    for label, value in pack.facts:
        pdf.set_font(pdf.family, "B", SIZES["heading"])
        pdf.cell(45, 8, pdf.clean(label))
        pdf.set_font(pdf.family, "", SIZES["heading"])
        pdf.multi_cell(0, 8, pdf.clean(value), new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Data status: the latest period held for each indicator")
    _table(pdf, tables.data_status(pack), [110, 70, 60])
    if pack.demonstration_names:
        _paragraph(pdf, "Demonstration data in this pack: " + "; ".join(pack.demonstration_names) + ".", bold=True)


def _executive_summary(pdf: _Paper, pack: BoardPack, placed: _Placed) -> None:
    """Exceptions first, each with its reason, commentary and overdue linked actions; then what the board is
    asked to do; then the icon legend."""
    _page(pdf, f"Executive summary: {pack.area_name}, {pack.as_at:%-d %B %Y}",
          demonstration=bool(pack.demonstration_names))
    _heading(pdf, f"Exceptions: {len(pack.exceptions)} of {len(pack.pages)} indicators")
    if not pack.exceptions:
        _paragraph(pdf, "No indicator is an exception: no special-cause concern, no failing or hit-and-miss "
                   "assurance, none significantly worse than the comparator, none fallen into a worse fifth.")
    for item in pack.exceptions:
        _paragraph(pdf, f"{item.name}: {item.reason_text}.", bold=True, size=SIZES["body"])
        _paragraph(pdf, f"Commentary: {item.commentary}.", size=SIZES["small"] + 0.5)
        if item.overdue_actions:
            _paragraph(pdf, "Overdue linked actions: " + "; ".join(item.overdue_actions) + ".", size=SIZES["small"])
    _heading(pdf, f"What the board is asked to do, {pack.as_at:%-d %B %Y}")
    if pack.asks is None:
        _paragraph(pdf, f"Nothing signed off for this board by {pack.as_at:%-d %B %Y}.")
    else:
        for label, text in pack.asks.lines():
            _paragraph(pdf, f"{label}: {text}")
        _paragraph(pdf, f"Signed off by {pack.asks.changed_by} on {pack.asks.changed_at:%-d %B %Y}.",
                   size=SIZES["small"])
    _legend(pdf, placed)


def _legend(pdf: _Paper, placed: _Placed) -> None:
    """Each icon beside its words, two columns; on a page of its own when the summary leaves no room."""
    rows = (len(LEGEND) + 1) // 2
    needed = 9 + rows * 8
    if pdf.get_y() + needed > pdf.h - MARGIN - 8:
        _page(pdf, "What the icons mean", demonstration=pdf.demonstration_here)
    else:
        _heading(pdf, LEGEND_TITLE)
    top, column = pdf.get_y() + 1, (pdf.w - 2 * MARGIN) / 2
    pdf.set_font(pdf.family, "", SIZES["table"])
    for index, (family, icon, words) in enumerate(LEGEND):
        x, y = MARGIN + (index // rows) * column, top + (index % rows) * 8
        pdf.image(placed.icon(icon_key(family, icon)), x=x, y=y, w=7, h=7)
        pdf.set_xy(x + 9, y + 1)
        pdf.cell(column - 10, 5, pdf.clean(("Variation: " if family == "variation" else "Assurance: ") + words))
    pdf.set_xy(MARGIN, top + rows * 8 + 2)


def _summary(pdf: _Paper, pack: BoardPack, placed: _Placed) -> None:
    _page(pdf, f"Summary: {pack.area_name} against {pack.comparator_name}",
          demonstration=bool(pack.demonstration_names))
    table = tables.summary(pack)
    icons = {6: [placed.icon(icon_key("variation", row.variation_icon)) for row in pack.rows],
             7: [placed.icon(icon_key("assurance", row.assurance_icon)) for row in pack.rows]}
    _table(pdf, table, [40, 22, 24, 26, 27, 27, 11, 37, 11, 22, 25], icons=icons)
    _paragraph(pdf, "95% and 99.8%: the comparison with the comparator at each confidence level (OHID Fingertips' "
               "methods). Variation and assurance: NHS England's Making Data Count icons, with their words. Plan: "
               "the roll-up RAG of the plan actions linked to the indicator.", size=SIZES["small"])


def _now(pdf: _Paper, now) -> None:
    from reports.trust_now import NOTES

    _page(pdf, f"Now: {now.trust_name}, latest month", demonstration=False)
    _paragraph(pdf, now.geography)
    _table(pdf, tables.now(now), [40, 22, 18, 20, 38, 40, 44, 38])
    _paragraph(pdf, NOTES, size=SIZES["small"])


def _indicator(pdf: _Paper, pack: BoardPack, page: IndicatorPage, placed: _Placed) -> None:
    """One page: the chart with the verdict, target and commentary beside it, then the linked actions
    (as many as fit, open ones first; the rest are named in a sentence, never carried to a page of their own)."""
    a = page.assessment
    _page(pdf, a.name, demonstration=a.is_demonstration or bool(page.actions["is_demonstration"].any()))
    top = pdf.get_y()
    height = INDICATOR_CHART_WIDTH * CHART_SIZE[1] / CHART_SIZE[0]
    pdf.image(placed.chart(a.indicator_id), x=MARGIN, y=top, w=INDICATOR_CHART_WIDTH, h=height)
    side = MARGIN + INDICATOR_CHART_WIDTH + 4
    pdf.set_left_margin(side)
    pdf.set_xy(side, top)
    _paragraph(pdf, a.summary, bold=True, size=SIZES["small"] + 0.5)
    _paragraph(pdf, f"Target: {_target_text(a)}", size=SIZES["small"] + 0.5)
    _commentary(pdf, page)
    pdf.set_left_margin(MARGIN)
    pdf.set_y(max(pdf.get_y(), top + height) + 1)
    definition = a.definition
    _paragraph(pdf, f"Definition: {definition['definition']} ({a.unit}). Measured for {a.area_name}. "
               f"Source: {definition['source']}; published by {definition['publisher']}. {page.publication} "
               f"Data: {page.row.data}. {a.staleness.label}.", size=SIZES["small"])
    if a.caveat_text:
        _paragraph(pdf, f"Caveat: {a.caveat_text}", size=SIZES["small"])
    _heading(pdf, f"Linked plan actions as at {pack.as_at:%-d %B %Y}: {page.row.plan} ({page.row.plan_detail})")
    if len(page.actions):
        _actions_that_fit(pdf, page)
    else:
        _paragraph(pdf, "No plan actions are linked to this indicator.")


INDICATOR_CHART_WIDTH = 150


def _target_text(a) -> str:
    target = getattr(a, "target", None)
    return "none set" if target is None else f"{target:g} {a.unit}"


def _commentary(pdf: _Paper, page: IndicatorPage) -> None:
    found = page.commentary
    pdf.set_font(pdf.family, "B", SIZES["body"])
    if found is None:
        _paragraph(pdf, f"Commentary: {NO_COMMENTARY} (none signed off by {page_day(pdf)}).", bold=True,
                   size=SIZES["small"] + 0.5)
        return
    _paragraph(pdf, f"Commentary, signed off by {found.changed_by} on {found.changed_at:%-d %B %Y}:", bold=True,
               size=SIZES["small"] + 0.5)
    for label, text in found.lines():
        _paragraph(pdf, f"{label}: {text}", size=SIZES["small"])


def page_day(pdf: _Paper) -> str:
    return f"{pdf.pack.as_at:%-d %B %Y}"


def _actions_that_fit(pdf: _Paper, page: IndicatorPage) -> None:
    """The linked actions table, open and overdue first, cut to the rows that fit this page; a sentence
    says how many more the plan pages list. A table never runs onto a page of its own."""
    table = tables.linked_actions(page)
    ordered = sorted(table.rows, key=lambda cells: (cells[5] != tables.OVERDUE_WORD, cells[4] == "Blue"))
    def draw(target, shown: int) -> None:
        _table(target, Table(table.headings, ordered[:shown], table.rag_column), ACTION_WIDTHS)
        if shown < len(ordered):
            more = len(ordered) - shown
            _paragraph(target, f"And {more} more linked action{'s' if more > 1 else ''}, listed on the "
                       "improvement plan pages.", size=SIZES["small"])

    shown = _most_that_fit(len(ordered), lambda n: _fits(pdf, lambda p: draw(p, n)),
                           _rows_guess(pdf, ordered, ACTION_WIDTHS, pdf.get_y(), MORE_LINE))
    if shown:
        draw(pdf, shown)
    else:
        _paragraph(pdf, f"{len(ordered)} linked actions, listed on the improvement plan pages.",
                   size=SIZES["small"])


def _most_that_fit(rows: int, fits, guess: int) -> int:
    """The largest n in 0..rows with fits(n) (true for every n below one that fits), tried first at `guess`
    and beside it, where the answer usually is, then by bisection: a right guess takes two trial layouts
    (it fits, the next does not), or one when all the rows fit, as they mostly do. Every answer is a trial
    layout's, so a poor guess costs trials, never a different page."""
    low, high = 0, rows  # the answer is in low..high; none at all always fits

    def trial(n: int) -> None:
        nonlocal low, high
        if fits(n):
            low = n
        else:
            high = n - 1

    first = min(max(guess, 0), rows)
    if low < first <= high:
        trial(first)
    beside = first + 1 if low == first else first - 1
    if low < beside <= high:
        trial(beside)
    while low < high:
        trial((low + high + 1) // 2)
    return low


def _rows_guess(pdf: _Paper, rows: Sequence[Sequence[str]], widths: Sequence[float], top: float,
                below: float) -> int:
    """How many rows of a table starting at `top` fit above the page's foot with `below` millimetres to
    spare, guessed from each row's longest cell for its column (one width per cell; a trial layout breaks
    lines word by word, character by character): where :func:`_most_that_fit` looks first. Measured on the
    scratch paper: setting a font on the paper itself would write to its page."""
    scratch = pdf.scratch
    scratch.set_font(pdf.family, "", SIZES["table"])

    def height(cells: Sequence[str]) -> float:
        return TABLE_PADDING * 2 + TABLE_LINE * max(
            max(1, math.ceil(scratch.get_string_width(pdf.clean(text)) / (width - 2 * TABLE_PADDING)))
            for text, width in zip(cells, widths, strict=False))

    room, fitting = pdf.page_break_trigger - below - top - height(["Heading"]), 0
    for cells in rows:
        room -= height(cells)
        if room < 0:
            break
        fitting += 1
    return fitting


def _funnel(pdf: _Paper, page: FunnelPage, placed: _Placed) -> None:
    _page(pdf, page.title, demonstration=False)
    height = FUNNEL_WIDTH * FUNNEL_HEIGHT / CHART_SIZE[0]
    pdf.image(placed.chart(FUNNEL), x=(pdf.w - FUNNEL_WIDTH) / 2, w=FUNNEL_WIDTH, h=height)
    pdf.ln(1)
    for line in page.lines:
        _paragraph(pdf, line)


# The funnel is taller than an indicator's chart: narrower, so that it and its three sentences fit one page.
FUNNEL_WIDTH = 200
ACTION_WIDTHS = [16, 134, 58, 25, 19, 21]


def _plan(pdf: _Paper, pack: BoardPack, plan: PlanSection) -> None:
    title = f"The improvement plan as at {pack.as_at:%-d %B %Y}"
    _page(pdf, title, demonstration=plan.is_demonstration)
    if plan.is_demonstration:
        _paragraph(pdf, "The plan's actions are invented for demonstration: the plan's action tables are empty.",
                   size=SIZES["small"])
    _titled_table(pdf, "RAG by project", tables.by_project(plan), [93, 18, 17, 17, 17, 17, 17, 22, 55])
    _paragraph(pdf, ROLL_UP_RULE, size=SIZES["small"])
    _titled_table(pdf, "RAG by recommendation", tables.by_recommendation(plan),
                  [13, 124, 14, 15, 15, 14, 14, 21, 43])
    overdue = f"Overdue actions on {pack.as_at:%-d %B %Y}: {len(plan.overdue)}"
    if len(plan.overdue):
        _titled_table(pdf, overdue, tables.overdue(plan), ACTION_WIDTHS)
    else:
        _heading(pdf, overdue)
    label = f" ({plan.previous_board_label})" if plan.previous_board_label else ""
    since = f"Since the previous board, {plan.previous_board:%-d %B %Y}{label}: {plan.changes_line}"
    if len(plan.changes):
        _titled_table(pdf, since, tables.changes(plan), [25, 50, 60, 60])
    else:
        _heading(pdf, since)


def _fits(pdf: _Paper, draw) -> bool:
    """Whether `draw(paper)` ends on the page it starts on, tried on a scratch paper at the same place. fpdf's
    `offset_rendering` answers the same but deep-copies the whole document (each font's tables included) for
    every trial: most of the PDF's time, and more the longer the pack."""
    trial = pdf.scratch
    trial.demonstration_here = False  # a trial page needs no banner: the place below it is set by hand
    trial.add_page()
    trial.demonstration_here = pdf.demonstration_here
    trial.set_left_margin(pdf.l_margin)
    trial.set_right_margin(pdf.r_margin)
    if pdf.font_family:
        trial.set_font(pdf.font_family, pdf.font_style, pdf.font_size_pt)
    trial.set_xy(pdf.get_x(), pdf.get_y())
    page = trial.page
    draw(trial)
    return trial.page == page and trial.get_y() <= trial.page_break_trigger


def _titled_table(pdf: _Paper, title: str, table: Table, widths: Sequence[float]) -> None:
    """A heading and its table, never split so that a page holds only the table's tail: the rows that fit
    stay under the heading; the rest go to a new page under the heading again, marked "continued"."""
    rows, first = list(table.rows), True
    while rows:
        heading = title if first else f"{title} (continued)"
        shown = _most_that_fit(len(rows), lambda n, h=heading, r=rows: _fits(pdf, lambda p: (_heading(p, h), _table(
            p, Table(table.headings, r[:n], table.rag_column), widths))),
            _rows_guess(pdf, rows, widths, pdf.get_y() + HEADING_LINE, 0))
        if shown == 0:
            if pdf.get_y() > pdf.t_margin + 30:
                _page(pdf, pdf.title_now, demonstration=pdf.demonstration_here)
                continue
            shown = 1  # a single row taller than a page: drawn as it comes
        _heading(pdf, heading)
        _table(pdf, Table(table.headings, rows[:shown], table.rag_column), widths)
        rows, first = rows[shown:], False


def _sources(pdf: _Paper, pack: BoardPack) -> None:
    _page(pdf, "Sources and methods", demonstration=bool(pack.demonstration_names))
    _table(pdf, tables.sources(pack), [45, 95, 60, 35, 38])

    def methods(target) -> None:
        _heading(target, "Methods")
        for method in pack.methods:
            _paragraph(target, f"• {method}")
        _paragraph(target, f"Every figure is the dashboard's own assessment of the store as at "
                   f"{pack.as_at:%-d %B %Y}, {pack.version_text}: making the pack again with the same date and "
                   "version gives the same figures.", size=SIZES["small"])

    # The methods never start on one page and end at the top of the next, under no title.
    if not _fits(pdf, methods):
        _page(pdf, "Methods", demonstration=pdf.demonstration_here)
    methods(pdf)


def _table(pdf: _Paper, table: Table, widths: Sequence[float], icons: dict[int, list[str]] | None = None) -> None:
    """A table with a shaded heading row; RAG cells on their swatch; `icons` put a picture (its placed name)
    before a column."""
    icons = icons or {}
    pdf.set_font(pdf.family, "", SIZES["table"])
    rows = [_cells(pdf, table.headings, dict.fromkeys(icons, ""))]
    rows += [_cells(pdf, cells, {column: names[index] for column, names in icons.items()}, table.rag_column)
             for index, cells in enumerate(table.rows)]
    _Rows(pdf, _rows_laid_out(pdf, rows, widths), **_grid_options(widths)).draw(rows)
    pdf.ln(2)


# A table row, as _table gives it to fpdf2: each cell's (text, RAG) or, for a picture, (None, its placed name).
Cells = tuple[tuple[str | None, str | None], ...]


def _cells(pdf: _Paper, texts: Sequence[str], pictures: dict[int, str], rag_column: int | None = None) -> Cells:
    """One row's cells: each text (a RAG word on its swatch), after the picture put before its column (an empty
    cell in the heading row, named "")."""
    cells = []
    for column, text in enumerate(texts):
        if column in pictures:
            cells.append((None, pictures[column]) if pictures[column] else ("", None))
        cells.append((pdf.clean(text), text if column == rag_column and text in RAG_COLOURS else None))
    return tuple(cells)


def _grid_options(widths: Sequence[float]) -> dict:
    return {"col_widths": widths, "width": sum(widths), "align": "LEFT", "text_align": "LEFT",
            "line_height": TABLE_LINE, "headings_style": FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            "padding": TABLE_PADDING}


def _add_rows(grid: Grid, rows: Sequence[Cells]) -> None:
    for cells in rows:
        row = grid.row()
        for text, extra in cells:
            if text is None:
                row.cell(img=extra, img_fill_width=True)
            elif extra is None:
                row.cell(text)
            else:
                row.cell(text, style=FontFace(emphasis="BOLD", color=RAG_TEXT_COLOURS[extra],
                                              fill_color=RAG_COLOURS[extra]))


def _rows_laid_out(pdf: _Paper, rows: Sequence[Cells], widths: Sequence[float]) -> list[RowLayoutInfo]:
    """Each row's layout (its height, each cell's), the first row as the heading: fpdf2's own measure of each
    row, taken once for the paper and its scratch copy however many trial layouts and drawings the row is in.
    Without spanning cells a row's layout depends on its cells and the widths alone, not on the other rows or
    the place on the page."""
    known = pdf.rows_measured
    keys = [(tuple(widths), index == 0, cells) for index, cells in enumerate(rows)]
    new = [index for index, key in enumerate(keys) if key not in known]
    if new:
        if new[0] != 0:
            new.insert(0, 0)  # the heading is measured as the heading, in its own type
        measuring = Grid(pdf, **_grid_options(widths))
        _add_rows(measuring, [rows[index] for index in new])
        measuring._cols_count = max(row.cols_count for row in measuring.rows)  # as Table.render sets it
        for index, layout in zip(new, measuring._compute_rows_info(), strict=True):
            known[keys[index]] = layout
    return [known[key] for key in keys]


class _Rows(Grid):
    """fpdf2's table, told each row's layout (:func:`_rows_laid_out`) rather than measuring every row again.

    On the scratch paper (a trial layout, :func:`_fits`) it goes down the page row by row and breaks the page
    where fpdf2 would, drawing nothing: the trial's answer without the line breaking of each cell, which
    was most of a trial's time."""

    def __init__(self, pdf: _Paper, layouts: list[RowLayoutInfo], **options) -> None:
        super().__init__(pdf, **options)
        self._layouts = layouts

    def draw(self, rows: Sequence[Cells]) -> None:
        _add_rows(self, rows)
        self.render()

    def _compute_rows_info(self):
        return iter(self._layouts)

    def _render_table_row(self, i: int, row_layout_info: RowLayoutInfo, cell_x_positions, **kwargs) -> None:
        if self._fpdf.is_trial:  # where fpdf2 leaves the page's place after a row: its height further down
            self._fpdf.ln(row_layout_info.height)
        else:
            super()._render_table_row(i, row_layout_info, cell_x_positions, **kwargs)
