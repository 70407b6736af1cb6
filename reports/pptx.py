"""The board pack as slides for the chair (python-pptx): 16:9, type 18 pt and larger, editable tables.

Lays out a :class:`~reports.board_pack.BoardPack` and its pictures; computes nothing. Tables are real
PowerPoint tables so a board secretary can edit them; charts and icons are pictures. Long words (an
indicator's definition and source, its linked actions) go in the speaker notes, where the chair reads them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from charts.plan import RAG_COLOURS, RAG_TEXT_COLOURS
from reports import tables
from reports.board_pack import DEMONSTRATION_LABEL, BoardPack, FunnelPage, IndicatorPage, PlanSection
from reports.figures import CHART_SIZE, FUNNEL, FUNNEL_HEIGHT, Pictures
from reports.tables import Table

# Type sizes in points; nothing on a slide is smaller than MIN_TEXT_PT (tests/test_board_pack.py reads it).
MIN_TEXT_PT = 18
SIZES = {"cover": 40, "title": 28, "body": 20, "table": MIN_TEXT_PT}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.3)
TITLE_HEIGHT = Inches(0.75)
ICON = Inches(0.55)
# Rows of an action table per slide: descriptions wrap to two or three lines at 18 pt.
ACTION_ROWS_PER_SLIDE = 4
BANNER_FILL = "FFEB9C"
HEADING_FILL = "E8EDEE"
TEXT = "1A1A1A"


def render(pack: BoardPack, pictures: Pictures) -> bytes:
    """The whole pack as .pptx bytes: cover, summary, one slide per indicator, the plan, sources and methods."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _cover(deck, pack)
    _summary(deck, pack)
    for page in pack.pages:
        _indicator(deck, pack, page, pictures)
    if pack.funnel is not None:
        _funnel(deck, pack.funnel, pictures)
    if pack.plan is not None:
        _plan(deck, pack, pack.plan)
    _sources(deck, pack)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _slide(deck, title: str, *, demonstration: bool, size: int = SIZES["title"]):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # "Blank": every shape is ours, sized by us
    _text(slide, title, MARGIN, Inches(0.15), WIDTH - 2 * MARGIN, TITLE_HEIGHT, size=size, bold=True)
    if demonstration:
        _text(slide, DEMONSTRATION_LABEL, MARGIN, HEIGHT - Inches(0.55), WIDTH - 2 * MARGIN, Inches(0.45),
              size=MIN_TEXT_PT, bold=True, fill=BANNER_FILL)
    return slide


def _text(slide, text: str | Sequence[str], left, top, width, height, *, size: int = SIZES["body"],
          bold: bool = False, fill: str | None = None):
    """A text box; a sequence of strings is one paragraph each."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    if fill:
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(fill)
    for index, line in enumerate([text] if isinstance(text, str) else text):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor.from_string(TEXT)
    return box


def _table(slide, table: Table, left, top, widths: Sequence[float]):
    """A PowerPoint table with a shaded heading row; RAG cells on their swatch."""
    shape = slide.shapes.add_table(len(table.rows) + 1, len(table.headings), left, top,
                                   Inches(sum(widths)), Inches(0.4) * (len(table.rows) + 1))
    grid = shape.table
    for column, width in enumerate(widths):
        grid.columns[column].width = Inches(width)
    for row_index, cells in enumerate([table.headings, *table.rows]):
        for column, text in enumerate(cells):
            cell = grid.cell(row_index, column)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.text = text
            fill, colour = HEADING_FILL if row_index == 0 else "FFFFFF", TEXT
            if row_index and column == table.rag_column and text in RAG_COLOURS:
                fill, colour = RAG_COLOURS[text].lstrip("#"), RAG_TEXT_COLOURS[text].lstrip("#")
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string(fill)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(SIZES["table"]), row_index == 0 or fill != "FFFFFF"
                    run.font.color.rgb = RGBColor.from_string(colour)
    return grid


def _notes(slide, lines: Sequence[str]) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _cover(deck, pack: BoardPack) -> None:
    slide = _slide(deck, pack.title, demonstration=pack.has_demonstration, size=SIZES["cover"])
    _text(slide, [f"{label}: {value}" for label, value in pack.facts], MARGIN, Inches(1.1), Inches(5.2),
          Inches(5.0))
    _table(slide, tables.data_status(pack), Inches(5.8), Inches(1.1), [3.6, 2.0, 1.6])


def _summary(deck, pack: BoardPack) -> None:
    slide = _slide(deck, f"Summary: {pack.area_name} against {pack.comparator_name}",
                   demonstration=bool(pack.demonstration_names))
    _table(slide, tables.summary(pack), MARGIN, Inches(0.85), [2.3, 1.3, 1.0, 1.4, 1.4, 1.4, 2.0, 1.25, 0.75])
    _notes(slide, ["95% and 99.8%: the comparison with the comparator at each confidence level (OHID Fingertips' "
                   "methods). Variation and assurance: NHS England's Making Data Count icons, in words. Plan: the "
                   "roll-up RAG of the plan actions linked to the indicator."])


def _indicator(deck, pack: BoardPack, page: IndicatorPage, pictures: Pictures) -> None:
    a, row = page.assessment, page.row
    slide = _slide(deck, a.name, demonstration=a.is_demonstration)
    chart_width = Inches(8.6)
    slide.shapes.add_picture(io.BytesIO(pictures.charts[a.indicator_id]), MARGIN, Inches(0.95),
                             width=chart_width, height=Emu(int(chart_width * CHART_SIZE[1] / CHART_SIZE[0])))
    left, width = MARGIN + chart_width + Inches(0.2), WIDTH - chart_width - 2 * MARGIN - Inches(0.2)
    _text(slide, [f"{row.period}: {a.area_name} {row.value}", f"{a.comparator_name or 'No comparator'}: "
                  f"{row.comparator}", f"95%: {row.comparison}", f"99.8%: {row.comparison_998}"],
          left, Inches(0.95), width, Inches(1.9))
    for top, picture, words in ((Inches(2.95), pictures.variation(row.variation_icon), row.variation),
                                (Inches(3.75), pictures.assurance(row.assurance_icon), row.assurance)):
        slide.shapes.add_picture(io.BytesIO(picture), left, top, width=ICON, height=ICON)
        _text(slide, words, left + ICON + Inches(0.1), top - Inches(0.05), width - ICON - Inches(0.1), Inches(0.75))
    _text(slide, f"Plan: {row.plan} ({row.plan_detail})", left, Inches(4.55), width, Inches(0.8))
    _text(slide, a.summary, MARGIN, Inches(5.0), WIDTH - 2 * MARGIN, Inches(1.9), size=MIN_TEXT_PT)
    definition = a.definition
    actions = tables.linked_actions(page)
    _notes(slide, [a.summary, f"Definition: {definition['definition']} ({a.unit}). Measured for {a.area_name}.",
                   f"Source: {definition['source']}; published by {definition['publisher']}. Data: {row.data}.",
                   f"Linked plan actions as at {pack.as_at:%-d %B %Y}:",
                   *(" · ".join(cell for cell in cells if cell) for cells in actions.rows)])


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
    slide = _slide(deck, f"The improvement plan as at {day}: RAG by project", demonstration=plan.is_demonstration)
    _table(slide, tables.by_project(plan), MARGIN, Inches(0.95), [4.5, 0.85, 0.8, 1.0, 0.9, 0.8, 0.8, 1.25, 1.8])
    label = f" ({plan.previous_board_label})" if plan.previous_board_label else ""
    _text(slide, [f"Overdue on {day}: {len(plan.overdue)} actions.",
                  f"Since the previous board, {plan.previous_board:%-d %B %Y}{label}: {plan.changes_line}."],
          MARGIN, Inches(4.6), WIDTH - 2 * MARGIN, Inches(1.6))

    slide = _slide(deck, f"The improvement plan as at {day}: RAG by recommendation",
                   demonstration=plan.is_demonstration)
    by_recommendation = tables.by_recommendation(plan)
    _table(slide, _without(by_recommendation, 1), MARGIN, Inches(0.85), [1.0, 1.0, 1.2, 1.1, 1.0, 1.0, 1.4, 1.8])
    _notes(slide, [" · ".join(cells[:2]) for cells in by_recommendation.rows])

    for title, table in ((f"Overdue actions on {day}", tables.overdue(plan)),
                         (f"Changes since the previous board, {plan.previous_board:%-d %B %Y}",
                          tables.changes(plan))):
        chunks = _chunks(table, ACTION_ROWS_PER_SLIDE if table.headings[0] == "Ref" else 10)
        for number, chunk in enumerate(chunks, start=1):
            slide = _slide(deck, f"{title} ({number} of {len(chunks)})" if len(chunks) > 1 else title,
                           demonstration=plan.is_demonstration)
            widths = [0.9, 5.6, 3.1, 1.6, 1.0, 1.5] if chunk.headings[0] == "Ref" else [1.5, 3.5, 3.0, 3.0]
            _table(slide, chunk, MARGIN, Inches(0.95), widths)


def _sources(deck, pack: BoardPack) -> None:
    demonstration = bool(pack.demonstration_names)
    slide = _slide(deck, "Sources", demonstration=demonstration)
    sources = tables.sources(pack)
    _table(slide, _without(sources, 1), MARGIN, Inches(0.95), [3.6, 4.4, 2.8, 1.9])
    _notes(slide, [f"{s.indicator}: {s.source}" for s in pack.sources])
    slide = _slide(deck, "Methods", demonstration=demonstration)
    _text(slide, [f"• {method}" for method in pack.methods[:2]]
          + [f"Every figure is the dashboard's assessment of the store as at {pack.as_at:%-d %B %Y}, "
             f"{pack.version_text}."], MARGIN, Inches(0.95), WIDTH - 2 * MARGIN, Inches(5.6), size=MIN_TEXT_PT)
    _notes(slide, pack.methods[2:])


def _without(table: Table, column: int) -> Table:
    """The table less one column (long text that goes in the notes instead)."""
    rag = table.rag_column - (table.rag_column > column) if table.rag_column is not None else None
    drop = lambda cells: [cell for index, cell in enumerate(cells) if index != column]  # noqa: E731
    return Table(drop(table.headings), [drop(row) for row in table.rows], rag)


def _chunks(table: Table, size: int) -> list[Table]:
    """The table's rows split over slides, headings repeated; one empty chunk for an empty table."""
    return [Table(table.headings, table.rows[start:start + size], table.rag_column)
            for start in range(0, max(len(table.rows), 1), size)]
