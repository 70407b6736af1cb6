"""The board pack as a PDF for the papers (fpdf2): A4 landscape, text 9 pt and larger, real text throughout.

Lays out a :class:`~reports.board_pack.BoardPack` and its pictures; computes nothing. Every page that shows
demonstration data says so in a banner at its top. Type is DejaVu Sans (Debian's fonts-dejavu-core) for
its signs (●, ▲, ±, –); without it the PDF falls back to Helvetica, writing those signs as near as Latin-1 can.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace

from charts.plan import RAG_COLOURS, RAG_TEXT_COLOURS
from plan_vocabulary import ROLL_UP_RULE
from reports import tables
from reports.board_pack import DEMONSTRATION_LABEL, BoardPack, FunnelPage, IndicatorPage, PlanSection
from reports.figures import CHART_SIZE, FUNNEL, FUNNEL_HEIGHT, Pictures
from reports.tables import Table

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


def _add_fonts(pdf: FPDF) -> str:
    if all((FONT_DIR / name).exists() for name in FONT_FILES.values()):
        for style, name in FONT_FILES.items():
            pdf.add_font("DejaVu", style, str(FONT_DIR / name))
        return "DejaVu"
    return "Helvetica"


def render(pack: BoardPack, pictures: Pictures) -> bytes:
    """The whole pack as PDF bytes: cover, summary, one page per indicator, every council at once (the funnel),
    the plan, sources and methods."""
    pdf = _Paper(pack)
    _cover(pdf, pack)
    _summary(pdf, pack, pictures)
    for page in pack.pages:
        _indicator(pdf, pack, page, pictures)
    if pack.funnel is not None:
        _funnel(pdf, pack.funnel, pictures)
    if pack.plan is not None:
        _plan(pdf, pack, pack.plan)
    _sources(pdf, pack)
    return bytes(pdf.output())


def _page(pdf: _Paper, title: str, *, demonstration: bool, size: float = SIZES["title"]) -> None:
    pdf.demonstration_here = demonstration
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


def _summary(pdf: _Paper, pack: BoardPack, pictures: Pictures) -> None:
    _page(pdf, f"Summary: {pack.area_name} against {pack.comparator_name}",
          demonstration=bool(pack.demonstration_names))
    table = tables.summary(pack)
    icons = {6: [pictures.variation(row.variation_icon) for row in pack.rows],
             7: [pictures.assurance(row.assurance_icon) for row in pack.rows]}
    _table(pdf, table, [40, 22, 24, 26, 27, 27, 11, 37, 11, 22, 25], icons=icons)
    _paragraph(pdf, "95% and 99.8%: the comparison with the comparator at each confidence level (OHID Fingertips' "
               "methods). Variation and assurance: NHS England's Making Data Count icons, with their words. Plan: "
               "the roll-up RAG of the plan actions linked to the indicator.", size=SIZES["small"])


def _indicator(pdf: _Paper, pack: BoardPack, page: IndicatorPage, pictures: Pictures) -> None:
    a = page.assessment
    _page(pdf, a.name, demonstration=a.is_demonstration or bool(page.actions["is_demonstration"].any()))
    height = CHART_WIDTH * CHART_SIZE[1] / CHART_SIZE[0]
    pdf.image(io.BytesIO(pictures.charts[a.indicator_id]), x=(pdf.w - CHART_WIDTH) / 2, w=CHART_WIDTH, h=height)
    pdf.ln(1)
    _paragraph(pdf, a.summary, bold=True)
    definition = a.definition
    _paragraph(pdf, f"Definition: {definition['definition']} ({a.unit}). Measured for {a.area_name}.")
    _paragraph(pdf, f"Source: {definition['source']}; published by {definition['publisher']}. "
               f"Data: {page.row.data}. {a.staleness.label}.", size=SIZES["small"])
    if a.caveat_text:
        _paragraph(pdf, f"Caveat: {a.caveat_text}", size=SIZES["small"])
    _heading(pdf, f"Linked plan actions as at {pack.as_at:%-d %B %Y}: {page.row.plan} ({page.row.plan_detail})")
    if len(page.actions):
        _table(pdf, tables.linked_actions(page), ACTION_WIDTHS)
    else:
        _paragraph(pdf, "No plan actions are linked to this indicator.")


def _funnel(pdf: _Paper, page: FunnelPage, pictures: Pictures) -> None:
    _page(pdf, page.title, demonstration=False)
    height = FUNNEL_WIDTH * FUNNEL_HEIGHT / CHART_SIZE[0]
    pdf.image(io.BytesIO(pictures.charts[FUNNEL]), x=(pdf.w - FUNNEL_WIDTH) / 2, w=FUNNEL_WIDTH, h=height)
    pdf.ln(1)
    for line in page.lines:
        _paragraph(pdf, line)


# The funnel is taller than an indicator's chart: narrower, so that it and its three sentences fit one page.
FUNNEL_WIDTH = 200
ACTION_WIDTHS = [16, 134, 58, 25, 19, 21]


def _plan(pdf: _Paper, pack: BoardPack, plan: PlanSection) -> None:
    _page(pdf, f"The improvement plan as at {pack.as_at:%-d %B %Y}", demonstration=plan.is_demonstration)
    if plan.is_demonstration:
        _paragraph(pdf, "The plan's actions are invented for demonstration: the plan's action tables are empty.",
                   size=SIZES["small"])
    _heading(pdf, "RAG by project")
    _table(pdf, tables.by_project(plan), [93, 18, 17, 17, 17, 17, 17, 22, 55])
    _paragraph(pdf, ROLL_UP_RULE, size=SIZES["small"])
    _heading(pdf, "RAG by recommendation")
    _table(pdf, tables.by_recommendation(plan), [13, 124, 14, 15, 15, 14, 14, 21, 43])
    _heading(pdf, f"Overdue actions on {pack.as_at:%-d %B %Y}: {len(plan.overdue)}")
    if len(plan.overdue):
        _table(pdf, tables.overdue(plan), ACTION_WIDTHS)
    label = f" ({plan.previous_board_label})" if plan.previous_board_label else ""
    _heading(pdf, f"Since the previous board, {plan.previous_board:%-d %B %Y}{label}: {plan.changes_line}")
    if len(plan.changes):
        _table(pdf, tables.changes(plan), [25, 50, 60, 60])


def _sources(pdf: _Paper, pack: BoardPack) -> None:
    _page(pdf, "Sources and methods", demonstration=bool(pack.demonstration_names))
    _table(pdf, tables.sources(pack), [45, 95, 60, 35, 38])
    _heading(pdf, "Methods")
    for method in pack.methods:
        _paragraph(pdf, f"• {method}")
    _paragraph(pdf, f"Every figure is the dashboard's own assessment of the store as at {pack.as_at:%-d %B %Y}, "
               f"{pack.version_text}: making the pack again with the same date and version gives the same "
               "figures.", size=SIZES["small"])


def _table(pdf: _Paper, table: Table, widths: Sequence[float], icons: dict[int, list[bytes]] | None = None) -> None:
    """A table with a shaded heading row; RAG cells on their swatch; `icons` put a picture before a column."""
    icons = icons or {}
    pdf.set_font(pdf.family, "", SIZES["table"])
    heading_style = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align="LEFT", line_height=4.6,
                   headings_style=heading_style, padding=1) as grid:
        heading = grid.row()
        for column, text in enumerate(table.headings):
            if column in icons:
                heading.cell("")
            heading.cell(pdf.clean(text))
        for index, cells in enumerate(table.rows):
            row = grid.row()
            for column, text in enumerate(cells):
                if column in icons:
                    row.cell(img=io.BytesIO(icons[column][index]), img_fill_width=True)
                style = None
                if column == table.rag_column and text in RAG_COLOURS:
                    style = FontFace(emphasis="BOLD", color=RAG_TEXT_COLOURS[text], fill_color=RAG_COLOURS[text])
                row.cell(pdf.clean(text), style=style)
    pdf.ln(2)
