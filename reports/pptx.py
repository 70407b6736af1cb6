"""The board pack as slides for the chair (python-pptx): 16:9, type 18 pt and larger, editable tables.

Lays out a :class:`~reports.board_pack.BoardPack` and its pictures; computes nothing. Tables are real
PowerPoint tables so a board secretary can edit them; charts and icons are pictures. Long words (an
indicator's definition and source, its linked actions) go in the speaker notes, where the chair reads them.

Every box is sized from measurements (reports/fit.py), in the font the slides are set in, because
LibreOffice renders the deck without PowerPoint's shrink-to-fit: a title is set at the largest size that
fits its box, columns are at least as wide as their longest word, a table's rows are spread over as many
slides as they need, and text that cannot fit under a chart moves to a slide of its own.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Sequence

from lxml.etree import SubElement
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from analysis.summary import ASSURANCE_LABELS
from charts.legend import LEGEND, LEGEND_TITLE
from charts.plan import RAG_COLOURS, RAG_TEXT_COLOURS
from reports import fit, tables
from reports.board_pack import DEMONSTRATION_LABEL, BoardPack, FunnelPage, IndicatorPage, PlanSection
from reports.figures import CHART_SIZE, FUNNEL, FUNNEL_HEIGHT, Pictures, icon_key
from reports.tables import Table
from store.commentary import NO_COMMENTARY

# Type sizes in points; nothing on a slide is smaller than MIN_TEXT_PT (tests/test_board_pack.py reads it).
MIN_TEXT_PT = 18
SIZES = {"cover": 40, "title": 28, "body": 20, "table": MIN_TEXT_PT}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN_IN = 0.3
MARGIN = Inches(MARGIN_IN)
TITLE_TOP, TITLE_HEIGHT_IN = 0.15, 0.75
TITLE_HEIGHT = Inches(TITLE_HEIGHT_IN)
CONTENT_TOP = 0.95
ICON_IN = 0.55
ICON = Inches(ICON_IN)
# A text box's inner margins (python-pptx's defaults, set explicitly so measurements can count them).
INSET_X, INSET_Y = 0.1, 0.05
# A table cell's inner margins.
CELL_X, CELL_Y = 0.05, 0.03
BANNER_FILL = "FFEB9C"
HEADING_FILL = "E8EDEE"
TEXT = "1A1A1A"
GAP = 0.1
# The short words a slide's summary table uses; the full words are in the notes and on the pages.
SHORT_ASSURANCE = {"pass": "Met", "fail": "Missed", "hit_or_miss": "Hit and miss", None: "No target"}
SHORT_VARIATION = {"common_cause": "Common cause", "improvement_high": "Improving (high)",
                   "improvement_low": "Improving (low)", "concern_high": "Concern (high)",
                   "concern_low": "Concern (low)", "neutral_high": "Special cause (high)",
                   "neutral_low": "Special cause (low)"}
SLIDE_SUMMARY_HEADINGS = ["Indicator", "Period", "Value", "Comparator", "95%", "Variation", "Assurance", "Plan"]


def render(pack: BoardPack, pictures: Pictures) -> bytes:
    """The whole pack as .pptx bytes: cover, executive summary, summary, one slide per indicator, the funnel,
    the trust now, the plan, sources and methods."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _cover(deck, pack)
    _executive_summary(deck, pack, pictures)
    _summary(deck, pack)
    for page in pack.pages:
        _indicator(deck, pack, page, pictures)
    if pack.funnel is not None:
        _funnel(deck, pack.funnel, pictures)
    if pack.now is not None:
        _now(deck, pack.now)
    if pack.plan is not None:
        _plan(deck, pack, pack.plan)
    _sources(deck, pack)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# --- Boxes measured to fit ----------------------------------------------------------------------------------


def _banner_height() -> float:
    room = SLIDE_W - 2 * MARGIN_IN - 2 * INSET_X
    return fit.height(DEMONSTRATION_LABEL, room, MIN_TEXT_PT, bold=True) + 2 * INSET_Y + 0.05


def content_bottom(demonstration: bool) -> float:
    """Where a slide's content must end (inches from the top): above the banner, or the bottom margin."""
    return SLIDE_H - (_banner_height() + 0.1 + GAP if demonstration else MARGIN_IN)


def _slide(deck, title: str, *, demonstration: bool, size: int = SIZES["title"]):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # "Blank": every shape is ours, sized by us
    room = SLIDE_W - 2 * MARGIN_IN - 2 * INSET_X
    fitted = fit.fit_size([title], room, TITLE_HEIGHT_IN - 2 * INSET_Y, size, MIN_TEXT_PT, bold=True) or MIN_TEXT_PT
    _text(slide, title, MARGIN, Inches(TITLE_TOP), WIDTH - 2 * MARGIN, TITLE_HEIGHT, size=int(fitted), bold=True)
    if demonstration:
        banner = _banner_height()
        _text(slide, DEMONSTRATION_LABEL, MARGIN, Inches(SLIDE_H - banner - 0.1), WIDTH - 2 * MARGIN,
              Inches(banner), size=MIN_TEXT_PT, bold=True, fill=BANNER_FILL)
    return slide


def _text(slide, text: str | Sequence[str | tuple[str, bool]], left, top, width, height, *,
          size: int = SIZES["body"], bold: bool = False, fill: str | None = None):
    """A text box; a sequence is one paragraph each, a (text, bold) pair setting its own weight."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Inches(INSET_X)
    frame.margin_top = frame.margin_bottom = Inches(INSET_Y)
    if fill:
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(fill)
    for index, line in enumerate([text] if isinstance(text, str) else text):
        words, weight = line if isinstance(line, tuple) else (line, bold)
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = words
        run.font.size, run.font.bold, run.font.name = Pt(size), weight, fit.FONT_NAME
        run.font.color.rgb = RGBColor.from_string(TEXT)
    return box


def _paragraphs_height(paragraphs: Sequence[tuple[str, bool]], room: float, size: int) -> float:
    return sum(fit.height(text, room, size, bold=bold) for text, bold in paragraphs) + 2 * INSET_Y


def _flow(deck, title: str, paragraphs: Sequence[tuple[str, bool]], *, demonstration: bool,
          size: int = MIN_TEXT_PT, top: float = CONTENT_TOP) -> tuple[object, float]:
    """Paragraphs over as many slides as they need ("(continued)" after the first); returns the last
    slide and where its text ends."""
    room_w = SLIDE_W - 2 * MARGIN_IN
    bottom = content_bottom(demonstration)
    remaining, first = list(paragraphs), True
    slide, end = None, top
    while remaining or first:
        slide = _slide(deck, title if first else f"{title} (continued)", demonstration=demonstration)
        taken = []
        while remaining and _paragraphs_height([*taken, remaining[0]], room_w - 2 * INSET_X, size) <= bottom - top:
            taken.append(remaining.pop(0))
        if not taken and remaining:
            taken.append(remaining.pop(0))  # one paragraph taller than a slide: set as it comes
        tall = _paragraphs_height(taken, room_w - 2 * INSET_X, size)
        if taken:
            _text(slide, taken, MARGIN, Inches(top), Inches(room_w), Inches(tall), size=size)
        end, first = top + tall, False
    return slide, end


def _table(slide, table: Table, left: float, top: float, widths: Sequence[float]):
    """A PowerPoint table with a shaded heading row; RAG cells on their swatch; rows as tall as measured."""
    rows = [table.headings, *table.rows]
    heights = fit.row_heights(rows, widths, SIZES["table"], padding=2 * CELL_X + 0.02, margin=CELL_Y)
    shape = slide.shapes.add_table(len(rows), len(table.headings), Inches(left), Inches(top),
                                   Inches(sum(widths)), Inches(sum(heights)))
    grid = shape.table
    for column, width in enumerate(widths):
        grid.columns[column].width = Inches(width)
    for row_index, cells in enumerate(rows):
        grid.rows[row_index].height = Inches(heights[row_index])
        for column, text in enumerate(cells):
            fill, colour = HEADING_FILL if row_index == 0 else "FFFFFF", TEXT
            if row_index and column == table.rag_column and text in RAG_COLOURS:
                fill, colour = RAG_COLOURS[text].lstrip("#"), RAG_TEXT_COLOURS[text].lstrip("#")
            _cell(grid.cell(row_index, column), text, fill, colour, bold=row_index == 0 or fill != "FFFFFF")
    return grid


def _cell(cell, text: str, fill: str, colour: str, *, bold: bool) -> None:
    """A table cell's text in the table's type and colour on its fill, within its margins. python-pptx writes
    the text (its paragraphs and escaping); the rest is written here as python-pptx's properties would write
    it, element by element at once: setting them one property at a time was most of the slides' time."""
    cell.text = text
    tc = cell._tc
    for run in tc.iter(qn("a:r")):
        properties = run.get_or_add_rPr()
        properties.set("sz", str(SIZES["table"] * 100))
        properties.set("b", "1" if bold else "0")
        _solid_fill(properties, colour)
        SubElement(properties, qn("a:latin"), typeface=fit.FONT_NAME)
    cell_properties = tc.get_or_add_tcPr()
    for name, margin in (("marL", CELL_X), ("marR", CELL_X), ("marT", CELL_Y), ("marB", CELL_Y)):
        cell_properties.set(name, str(Inches(margin)))
    _solid_fill(cell_properties, fill)


def _solid_fill(parent, colour: str) -> None:
    SubElement(SubElement(parent, qn("a:solidFill")), qn("a:srgbClr"), val=str(RGBColor.from_string(colour)))


def _widths(table: Table, total: float, stretch: Sequence[int]) -> list[float]:
    return fit.column_widths([table.headings, *table.rows], total, SIZES["table"], padding=2 * CELL_X + 0.08,
                             stretch=stretch)


def _table_slides(deck, title: str, table: Table, *, demonstration: bool, stretch: Sequence[int] = (1,),
                  top: float = CONTENT_TOP, notes: Sequence[str] = ()) -> None:
    """The table over as many slides as its measured rows need, its headings on each, "(2 of 3)" in titles."""
    total = SLIDE_W - 2 * MARGIN_IN
    widths = _widths(table, total, stretch)
    heights = fit.row_heights([table.headings, *table.rows], widths, SIZES["table"], padding=2 * CELL_X + 0.02,
                              margin=CELL_Y)
    room = content_bottom(demonstration) - top - heights[0]
    chunks: list[list[list[str]]] = [[]]
    used = 0.0
    for row, tall in zip(table.rows, heights[1:], strict=True):
        if chunks[-1] and used + tall > room:
            chunks.append([])
            used = 0.0
        chunks[-1].append(row)
        used += tall
    for number, rows in enumerate(chunks, start=1):
        slide = _slide(deck, f"{title} ({number} of {len(chunks)})" if len(chunks) > 1 else title,
                       demonstration=demonstration)
        _table(slide, Table(table.headings, rows, table.rag_column), MARGIN_IN, top, widths)
        if notes:
            _notes(slide, notes)


def _notes(slide, lines: Sequence[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


# --- Slides -------------------------------------------------------------------------------------------------


def _cover(deck, pack: BoardPack) -> None:
    slide = _slide(deck, pack.title, demonstration=pack.has_demonstration, size=SIZES["cover"])
    status = tables.data_status(pack)
    widths = _widths(status, 7.4, (0,))
    facts = [f"{label}: {value}" for label, value in pack.facts]
    room = SLIDE_W - 2 * MARGIN_IN - sum(widths) - 0.2
    size = fit.fit_size(facts, room - 2 * INSET_X, content_bottom(pack.has_demonstration) - 1.1 - 2 * INSET_Y,
                        SIZES["body"], MIN_TEXT_PT) or MIN_TEXT_PT
    _text(slide, facts, MARGIN, Inches(1.1), Inches(room), Inches(content_bottom(pack.has_demonstration) - 1.1),
          size=int(size))
    _table(slide, status, SLIDE_W - MARGIN_IN - sum(widths), 1.1, widths)


def _executive_summary(deck, pack: BoardPack, pictures: Pictures) -> None:
    """Exceptions, each with its reasons and commentary (overdue actions in the notes), then the board's asks."""
    day = f"{pack.as_at:%-d %B %Y}"
    paragraphs: list[tuple[str, bool]] = [(f"Exceptions: {len(pack.exceptions)} of {len(pack.pages)} indicators",
                                           True)]
    if not pack.exceptions:
        paragraphs.append(("No indicator is an exception.", False))
    for item in pack.exceptions:
        overdue = (f" Overdue linked actions: {len(item.overdue_actions)} (listed in the notes)."
                   if item.overdue_actions else "")
        paragraphs += [(f"{item.name}: {item.reason_text}.", True), (f"Commentary: {item.commentary}.{overdue}",
                                                                      False)]
    paragraphs.append((f"What the board is asked to do, {day}", True))
    if pack.asks is None:
        paragraphs.append((f"Nothing signed off for this board by {day}.", False))
    else:
        paragraphs += [(f"{label}: {text}", False) for label, text in pack.asks.lines()]
    slide, _ = _flow(deck, f"Executive summary: {pack.area_name}, {day}", paragraphs,
                     demonstration=bool(pack.demonstration_names))
    _notes(slide, [f"{item.name}, overdue linked actions: {'; '.join(item.overdue_actions)}"
                   for item in pack.exceptions if item.overdue_actions])
    _legend(deck, pack, pictures)


def _legend(deck, pack: BoardPack, pictures: Pictures) -> None:
    slide = _slide(deck, LEGEND_TITLE, demonstration=False)
    rows = (len(LEGEND) + 1) // 2
    column = (SLIDE_W - 2 * MARGIN_IN) / 2
    step = min(0.75, (SLIDE_H - MARGIN_IN - CONTENT_TOP) / rows)
    for index, (family, icon, words) in enumerate(LEGEND):
        left, top = MARGIN_IN + (index // rows) * column, CONTENT_TOP + (index % rows) * step
        slide.shapes.add_picture(io.BytesIO(pictures.icons[icon_key(family, icon)]), Inches(left), Inches(top),
                                 width=Inches(0.5), height=Inches(0.5))
        label = ("Variation: " if family == "variation" else "Assurance: ") + words
        _text(slide, label, Inches(left + 0.6), Inches(top), Inches(column - 0.7), Inches(step),
              size=MIN_TEXT_PT)


def short_period(text: str) -> str:
    """'September 2018' as 'Sep 2018': a month's name in three letters, so the indicator's name has room."""
    for month in calendar.month_name[1:]:
        text = text.replace(month, month[:3])
    return text


def summary_table(pack: BoardPack) -> Table:
    """The summary slide's table: the assessment's words, short where a cell is narrow (full ones in the notes)."""
    return Table(SLIDE_SUMMARY_HEADINGS, [
        [row.name, short_period(row.period), row.value, row.comparator, row.comparison.replace(" (significant)", ""),
         SHORT_VARIATION.get(row.variation_icon, "Not enough data"),
         SHORT_ASSURANCE.get(row.assurance_icon, ASSURANCE_LABELS.get(row.assurance_icon, "")), row.plan]
        for row in pack.rows], rag_column=SLIDE_SUMMARY_HEADINGS.index("Plan"))


def _summary(deck, pack: BoardPack) -> None:
    title = f"Summary: {pack.area_name} against {pack.comparator_name}"
    notes = ["Comparator: " + pack.comparator_name + ". 95%: the comparison at 95% confidence (OHID Fingertips' "
             "methods); Better and Worse are significant differences. Variation and assurance: NHS England's "
             "Making Data Count icons. Plan: the roll-up RAG of the plan actions linked to the indicator.",
             *(f"{row.name}: 99.8% {row.comparison_998}; {row.variation}; {row.assurance}" for row in pack.rows)]
    _table_slides(deck, title, summary_table(pack), demonstration=bool(pack.demonstration_names), stretch=(0,),
                  notes=notes)


def _now(deck, now) -> None:
    """Two slides at projector type: the trust against England with the variation icon's words, then
    against the region's trusts and every trust, with the assurance icon's words."""
    from reports.trust_now import NOTES

    table = tables.now(now)
    room = SLIDE_W - 2 * MARGIN_IN
    geography_height = fit.height(now.geography, room - 2 * INSET_X, MIN_TEXT_PT) + 2 * INSET_Y
    for index, (title, columns, widths) in enumerate((
            (f"Now: {now.area_name}'s acute trust, latest month", (0, 1, 2, 3, 6), [3.4, 1.9, 1.6, 2.0, 3.8]),
            (f"Now: {now.area_name}'s acute trust among the trusts", (0, 4, 5, 7), [3.0, 3.4, 3.9, 2.4]))):
        slide = _slide(deck, title, demonstration=False)
        top = CONTENT_TOP
        if index == 0:  # the geography in words above the first table
            _text(slide, now.geography, MARGIN, Inches(top), Inches(room), Inches(geography_height), size=MIN_TEXT_PT)
            top += geography_height + 0.1
        part = Table([table.headings[i] for i in columns], [[row[i] for i in columns] for row in table.rows])
        _table(slide, part, MARGIN_IN, top, widths)
        _notes(slide, [now.geography, NOTES])


def _indicator(deck, pack: BoardPack, page: IndicatorPage, pictures: Pictures) -> None:
    """The chart with the verdict, icons, target and plan beside it, and the commentary below (on a slide of
    its own when it does not fit)."""
    a, row = page.assessment, page.row
    demonstration = a.is_demonstration
    slide = _slide(deck, a.name, demonstration=demonstration)
    chart_width = 8.3
    chart_height = chart_width * CHART_SIZE[1] / CHART_SIZE[0]
    slide.shapes.add_picture(io.BytesIO(pictures.charts[a.indicator_id]), MARGIN, Inches(CONTENT_TOP),
                             width=Inches(chart_width), height=Emu(int(Inches(chart_height))))
    left = MARGIN_IN + chart_width + 0.15
    width = SLIDE_W - MARGIN_IN - left
    bottom = content_bottom(demonstration)
    verdict = [f"{row.period}: {a.area_name} {row.value}", f"{a.comparator_name or 'No comparator'}: "
               f"{row.comparator}", f"95%: {row.comparison}", f"99.8%: {row.comparison_998}"]
    size = int(fit.fit_size(verdict, width - 2 * INSET_X, 2.0, SIZES["body"], MIN_TEXT_PT) or MIN_TEXT_PT)
    tall = _paragraphs_height([(v, False) for v in verdict], width - 2 * INSET_X, size)
    _text(slide, verdict, Inches(left), Inches(CONTENT_TOP), Inches(width), Inches(tall), size=size)
    y = CONTENT_TOP + tall + 0.05
    words_width = width - ICON_IN - 0.1
    for picture, words in ((pictures.variation(row.variation_icon), row.variation),
                           (pictures.assurance(row.assurance_icon), row.assurance)):
        words_tall = fit.height(words, words_width - 2 * INSET_X, MIN_TEXT_PT) + 2 * INSET_Y
        slide.shapes.add_picture(io.BytesIO(picture), Inches(left), Inches(y), width=ICON, height=ICON)
        _text(slide, words, Inches(left + ICON_IN + 0.1), Inches(y), Inches(words_width), Inches(words_tall),
              size=MIN_TEXT_PT)
        y += max(ICON_IN, words_tall) + 0.05
    target = getattr(a, "target", None)
    lines = [f"Target: {'none set' if target is None else f'{target:g} {a.unit}'}",
             f"Plan: {row.plan} ({row.plan_detail})"]
    tall = _paragraphs_height([(line, False) for line in lines], width - 2 * INSET_X, MIN_TEXT_PT)
    _text(slide, lines, Inches(left), Inches(y), Inches(width), Inches(tall), size=MIN_TEXT_PT)
    y = max(y + tall, CONTENT_TOP + chart_height) + GAP
    commentary = _commentary_paragraphs(page)
    room = SLIDE_W - 2 * MARGIN_IN
    needed = _paragraphs_height(commentary, room - 2 * INSET_X, MIN_TEXT_PT)
    if y + needed <= bottom:
        _text(slide, commentary, MARGIN, Inches(y), Inches(room), Inches(needed), size=MIN_TEXT_PT)
    else:
        _text(slide, "Commentary: on the next slide.", MARGIN, Inches(y), Inches(room),
              Inches(fit.height("Commentary", room, MIN_TEXT_PT, bold=True) + 2 * INSET_Y), size=MIN_TEXT_PT,
              bold=True)
    definition = a.definition
    actions = tables.linked_actions(page)
    _notes(slide, [a.summary, f"Definition: {definition['definition']} ({a.unit}). Measured for {a.area_name}.",
                   f"Source: {definition['source']}; published by {definition['publisher']}. {page.publication} "
                   f"Data: {row.data}.", f"Linked plan actions as at {pack.as_at:%-d %B %Y}:",
                   *(" · ".join(cell for cell in cells if cell) for cells in actions.rows)])
    if y + needed > bottom:
        _flow(deck, f"{a.short_name}: commentary", commentary, demonstration=demonstration)


def _commentary_paragraphs(page: IndicatorPage) -> list[tuple[str, bool]]:
    found = page.commentary
    if found is None:
        return [(f"Commentary: {NO_COMMENTARY}.", True)]
    return [(f"Commentary, signed off by {found.changed_by} on {found.changed_at:%-d %B %Y}", True),
            *((f"{label}: {text}", False) for label, text in found.lines())]


def _funnel(deck, page: FunnelPage, pictures: Pictures) -> None:
    slide = _slide(deck, page.title, demonstration=False, size=SIZES["body"] + 4)
    chart_width = Inches(8.2)
    slide.shapes.add_picture(io.BytesIO(pictures.charts[FUNNEL]), MARGIN, Inches(0.95), width=chart_width,
                             height=Emu(int(chart_width * FUNNEL_HEIGHT / CHART_SIZE[0])))
    left = MARGIN + chart_width + Inches(0.2)
    _text(slide, page.lines[:2], left, Inches(0.95), WIDTH - left - MARGIN, HEIGHT - Inches(1.2), size=MIN_TEXT_PT)
    _notes(slide, page.lines)


def _plan(deck, pack: BoardPack, plan: PlanSection) -> None:
    day = f"{pack.as_at:%-d %B %Y}"
    demonstration = plan.is_demonstration
    by_project = tables.by_project(plan)
    label = f" ({plan.previous_board_label})" if plan.previous_board_label else ""
    _table_slides(deck, f"The improvement plan as at {day}: RAG by project", by_project, demonstration=demonstration,
                  stretch=(0,))
    _flow(deck, f"The improvement plan as at {day}: overdue and changed",
          [(f"Overdue on {day}: {len(plan.overdue)} actions.", False),
           (f"Since the previous board, {plan.previous_board:%-d %B %Y}{label}: {plan.changes_line}.", False)],
          demonstration=demonstration)
    by_recommendation = tables.by_recommendation(plan)
    _table_slides(deck, f"The improvement plan as at {day}: RAG by recommendation", by_recommendation,
                  demonstration=demonstration, stretch=(1,))
    _table_slides(deck, f"Overdue actions on {day}", tables.overdue(plan), demonstration=demonstration, stretch=(1,))
    _table_slides(deck, f"Changes since the previous board, {plan.previous_board:%-d %B %Y}", tables.changes(plan),
                  demonstration=demonstration, stretch=(1,))


def _sources(deck, pack: BoardPack) -> None:
    demonstration = bool(pack.demonstration_names)
    sources = tables.sources(pack)
    _table_slides(deck, "Sources", _without(sources, 1), demonstration=demonstration, stretch=(0, 1),
                  notes=[f"{s.indicator}: {s.source}" for s in pack.sources])
    slide, _ = _flow(deck, "Methods", [(f"• {method}", False) for method in pack.methods[:2]]
                     + [(f"Every figure is the dashboard's assessment of the store as at {pack.as_at:%-d %B %Y}, "
                         f"{pack.version_text}.", False)], demonstration=demonstration)
    _notes(slide, pack.methods[2:])


def _without(table: Table, column: int) -> Table:
    """The table less one column (long text that goes in the notes instead)."""
    rag = table.rag_column - (table.rag_column > column) if table.rag_column is not None else None
    drop = lambda cells: [cell for index, cell in enumerate(cells) if index != column]  # noqa: E731
    return Table(drop(table.headings), [drop(row) for row in table.rows], rag)
