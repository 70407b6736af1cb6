"""The board pack: real PDF and PowerPoint files, read back with poppler and python-pptx.

Each pack is made once per module (resvg draws its charts, in the test's process); the tests read the files.
No timing is asserted: the speed is measured by benchmarks/bench_board_pack.py.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt
from streamlit.testing.v1 import AppTest

import reports
import store
from analysis.assess import assess
from charts.legend import icon_svg
from charts.svg import figure_svg
from loaders import load_file
from reports import figures
from reports import pdf as paper
from reports import pptx as slides
from reports.__main__ import main as reports_main
from reports.layout_process import LayoutProcess
from store.assessment import assessment_inputs, default_comparator

YORK, STOKE, ENGLAND = "E06000014", "E06000021", "E92000001"
BOARD_DATE = date(2018, 11, 20)
GENERATED = datetime(2018, 11, 13, 9, 0)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def make_pack(db: Path, area: str, *, store_version: int | None = None, as_at: date | None = BOARD_DATE):
    opened = store.open_store(db, read_only=True)
    try:
        return reports.from_store(opened.connection, area_code=area, comparator_code=ENGLAND, as_at=as_at,
                                  store_version=store_version, generated_at=GENERATED)
    finally:
        opened.close()


def write_files(pack, folder: Path, formats=("pdf", "pptx")) -> dict[str, Path]:
    paths = {}
    for name, content in reports.render(pack, list(formats)).items():
        paths[name] = folder / reports.file_name(pack, name)
        paths[name].write_bytes(content)
    return paths


def undated(content: bytes) -> bytes:
    """A PDF's bytes without its date and /ID, which differ between two makings of the same pack."""
    return re.sub(rb"/ID \[<\w+><\w+>\]|/CreationDate \(D:[^)]*\)", b"", content)


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, whitespace made single spaces (titles wrap)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=300).stdout
    return " ".join(text.split())


def pdf_font_sizes(path: Path) -> set[float]:
    """Every font size the PDF's content streams set (the Tf operator), read from the file itself."""
    raw = path.read_bytes()
    sizes = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        sizes |= {float(size) for size in re.findall(rb"/F\d+\s+([\d.]+)\s+Tf", content)}
    return sizes


def slide_runs(slide):
    """Every text run on a slide: text boxes and every cell of every table."""
    for shape in slide.shapes:
        frames = []
        if shape.has_text_frame:
            frames.append(shape.text_frame)
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        for frame in frames:
            for paragraph in frame.paragraphs:
                yield from paragraph.runs


def slide_table(slide):
    return next(shape.table for shape in slide.shapes if shape.has_table)


class _Coming(Mapping):
    """Pictures by key, each read waiting for its future: as a copy of the command gets them through its pipe."""

    def __init__(self, futures: dict) -> None:
        self._futures = futures

    def __getitem__(self, key) -> bytes:
        return self._futures[key].result()

    def __iter__(self):
        return iter(self._futures)

    def __len__(self) -> int:
        return len(self._futures)


def dark_pixels(png: bytes, box: tuple[int, int, int, int] | None = None) -> int:
    """How many pixels of the picture (or of `box` in it) are dark, as text and lines are: under 100 of 255."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    return sum(picture.crop(box).point(lambda level: 255 if level < 100 else 0).histogram()[255:])


@pytest.fixture(scope="module")
def york(bundled_db, tmp_path_factory):
    pack = make_pack(bundled_db, YORK)
    return pack, write_files(pack, tmp_path_factory.mktemp("york"))


@pytest.fixture(scope="module")
def stoke(bundled_db, tmp_path_factory):
    pack = make_pack(bundled_db, STOKE)
    return pack, write_files(pack, tmp_path_factory.mktemp("stoke"))


@pytest.fixture(params=["york", "stoke"])
def made(request):
    return request.getfixturevalue(request.param)


class TestPdf:
    def test_names_each_indicator_with_its_latest_value_as_the_page_shows_it(self, made):
        """The PDF's text has each indicator's name and its value text, and says "demonstration" where it applies."""
        pack, paths = made
        text = pdf_text(paths["pdf"])
        for page in pack.pages:
            a = page.assessment
            assert a.name in text
            assert a.value_text in text
            assert a.comparator_text in text
        assert ("demonstration" in text.lower()) == pack.has_demonstration
        assert pack.area_name in text and "20 November 2018" in text
        assert f"store version {pack.store_version}" in text

    def test_shows_every_council_at_once_with_the_limits_the_peers_page_opens_on(self, made):
        """The funnel of delayed transfers: adjusted limits (φ > 1), φ and τ² in words, on a page of its own."""
        pack, paths = made
        assert pack.funnel.title.startswith("Every council: Delayed transfers of care (18+), ")
        assert pack.funnel.adjusted and pack.funnel.funnel.fit.phi > 1
        text = subprocess.run(["pdftotext", str(paths["pdf"]), "-"], check=True, capture_output=True, text=True,
                              timeout=300).stdout
        assert "dispersion ratio φ = " in text and "adjusted limits" in text
        assert any(method.startswith("Funnel: Spiegelhalter") for method in pack.methods)

    def test_every_page_renders(self, made, tmp_path):
        """pdftoppm draws every page of the PDF."""
        _, paths = made
        info = subprocess.run(["pdfinfo", str(paths["pdf"])], check=True, capture_output=True, text=True,
                              timeout=300).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(paths["pdf"]), str(tmp_path / "page")], check=True,
                       timeout=600)
        drawn = sorted(tmp_path.glob("page-*.png"))
        assert pages >= 2 + len(made[0].pages) and len(drawn) == pages
        assert all(png.stat().st_size > 1000 for png in drawn)

    def test_no_text_is_smaller_than_9_pt(self, york):
        """Every font size set in the PDF is at least 9 pt."""
        sizes = pdf_font_sizes(york[1]["pdf"])
        assert sizes and min(sizes) >= paper.MIN_TEXT_PT == 9

    def test_demonstration_data_is_labelled_on_its_indicator_pages(self, york):
        """Each indicator page of demonstration data carries the label (one line per page of pdftotext)."""
        pack, paths = york
        pages = subprocess.run(["pdftotext", str(paths["pdf"]), "-"], check=True, capture_output=True, text=True,
                               timeout=300).stdout.split("\f")
        for page in pack.pages:
            if page.assessment.is_demonstration:
                title = page.assessment.name.split(",")[0]
                # The "now" page (real trust measures) may name a proxy of the same title: not an indicator page.
                holding = [p for p in pages if title in " ".join(p.split()) and not p.lstrip().startswith("Now:")]
                assert holding and all("Demonstration data" in p for p in holding)

    def test_the_pages_are_laid_out_before_any_picture_is_drawn_and_the_file_is_the_same(self, york, monkeypatch):
        """The PDF places each picture by its size before it comes (as in a copy of the command, while the
        command draws): every page is laid out before a single picture has come (else this would wait for ever),
        and the file is the one made from pictures drawn beforehand, byte for byte but for its date and /ID."""
        pack, _ = york
        ready = figures.pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
        pending = {kind: {key: Future() for key in drawn} for kind, drawn in (("icon", ready.icons),
                                                                             ("chart", ready.charts))}
        later = figures.Pictures(**{f"{kind}s": _Coming(pending[kind]) for kind in pending})
        fill = paper._Placed.fill

        def drawn_only_now(placed):
            for kind, drawn in (("icon", ready.icons), ("chart", ready.charts)):
                for key, future in pending[kind].items():
                    future.set_result(drawn[key])
            fill(placed)

        monkeypatch.setattr(paper._Placed, "fill", drawn_only_now)
        with ThreadPoolExecutor(1) as laying:
            late = laying.submit(paper.render, pack, later).result(timeout=300)
        monkeypatch.setattr(paper._Placed, "fill", fill)

        assert undated(late) == undated(paper.render(pack, ready))

    def test_rows_measured_once_and_skipped_in_trials_are_placed_as_fpdf2_places_them(self, york, monkeypatch):
        """Each table row is measured once and a trial layout moves down the scratch page by the rows' heights,
        drawing no cell: the file is the one fpdf2's own tables make, measuring and drawing every row in every
        trial, byte for byte but for its date and /ID."""
        pack, _ = york
        drawn = figures.pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
        quick = paper.render(pack, drawn)
        for name in ("_compute_rows_info", "_render_table_row"):
            monkeypatch.setattr(paper._Rows, name, getattr(paper.Grid, name))
        assert undated(paper.render(pack, drawn)) == undated(quick)

    @pytest.mark.parametrize("guess", [-1, 0, 1, 2, 3, 4, 5, 6, 9])
    @pytest.mark.parametrize("rows,fitting", [(0, 0), (1, 0), (1, 1), (6, 0), (6, 1), (6, 3), (6, 5), (6, 6)])
    def test_the_rows_that_fit_are_found_from_any_guess(self, rows, fitting, guess):
        """The search for the most rows that fit a page answers the same wherever the guess points, and never
        tries none at all (which always fits)."""
        tried = []

        def fits(n: int) -> bool:
            tried.append(n)
            return n <= fitting

        assert paper._most_that_fit(rows, fits, guess) == fitting
        assert 0 not in tried or rows == 0
        if guess == fitting:
            assert tried == [n for n in (guess, guess + 1) if 0 < n <= rows]  # the guess fits, the next does not


class TestPictures:
    def test_each_chart_is_drawn_at_the_size_the_layouts_place_it_and_shows_its_words_and_lines(self, york):
        """Every chart (and the funnel) is drawn at :func:`figures.pixels`, the size the PDF places it by before
        it is drawn, and is not blank: dark pixels where its lines are, and where the y axis's numbers and the
        legend's words are (words left out for want of a font would leave those strips white)."""
        pack, _ = york
        drawn = figures.pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
        assert list(drawn.charts) == [page.assessment.indicator_id for page in pack.pages] + [figures.FUNNEL]
        for key, png in drawn.charts.items():
            width, height = figures.pixels("chart", key)
            assert Image.open(io.BytesIO(png)).size == (width, height)
            assert dark_pixels(png) > 5000, key
            assert dark_pixels(png, (0, 0, 100, height)) > 300, key  # the y axis's title and numbers
            if key != figures.FUNNEL:
                assert dark_pixels(png, (0, height * 5 // 6, width, height)) > 1000, key  # the legend, inside
        for key, png in drawn.icons.items():
            assert Image.open(io.BytesIO(png)).size == figures.pixels("icon", key)

    def test_words_are_set_in_a_real_font(self):
        """resvg reads no fontconfig aliases and leaves out words in a font it cannot find: the pack names the
        files (Liberation Sans, else DejaVu Sans), and a picture of one word is not blank."""
        svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><text x="10" y="40" '
               'font-family="Arial, Helvetica, sans-serif" font-size="30">Words</text></svg>')
        assert figures._FONT.get("font_files"), "neither Liberation Sans nor DejaVu Sans is installed"
        assert dark_pixels(figures.png(svg, 1)) > 200
        assert figures.pixels("icon", None) == Image.open(io.BytesIO(figures.png(
            icon_svg("variation", "improvement_high"), figures.ICON_SCALE))).size

    def test_a_chart_keeps_its_layout_size_with_its_legend_inside(self, york):
        """The pages' renderer grows a picture below its layout's height for the legend; the pack's keeps
        the height, the bottom margin grown to hold the legend as plotly does."""
        pack, _ = york
        fig = figures.chart_figure(pack.pages[0].assessment)
        assert figure_svg(fig).count('viewBox="0 0 1100 500"') == 0  # the page's picture is taller
        svg = figures.chart_svg(fig)
        assert svg.startswith("<svg") and 'viewBox="0 0 1100 500" width="1100" height="500"' in svg
        legend = re.findall(r'<g class="legend">.*?</g></g>', svg)[0]
        assert max(float(y) for y in re.findall(r' y="([\d.]+)"', legend)) <= 500

    def test_charts_drawn_two_at_a_time_are_the_charts_drawn_one_by_one(self, york):
        pack, _ = york
        assessments = [page.assessment for page in pack.pages]
        one = figures.pictures(assessments, funnel=pack.funnel)
        two = figures.pictures(assessments, funnel=pack.funnel, drawers=2)
        assert list(two.charts) == list(one.charts) and dict(two.charts) == dict(one.charts)
        assert dict(two.icons) == dict(one.icons)

    def test_traces_are_clipped_once(self, york):
        """The traces share one clipped group: resvg draws each clipped group on a canvas of its own."""
        pack, _ = york
        for fig in (figures.chart_figure(pack.pages[0].assessment), figures.funnel_chart(pack.funnel)):
            assert figures.chart_svg(fig).count("clip-path=") == 1

    def test_a_chart_is_sized_without_touching_the_builders_layout(self):
        layout = {"margin": {"l": 1, "pad": 4}, "showlegend": False}
        as_dict = {"data": [{"type": "scatter", "y": [1, 3, 2]}], "layout": layout}
        sized = figures.with_layout(as_dict, width=400, height=300, margin={"l": 70})
        assert sized["layout"] == {"margin": {"l": 70, "pad": 4}, "showlegend": False, "width": 400, "height": 300}
        assert layout == {"margin": {"l": 1, "pad": 4}, "showlegend": False}
        assert Image.open(io.BytesIO(figures.png(figures.chart_svg(sized), 1))).size == (400, 300)


class TestSlides:
    def test_has_the_expected_slides(self, made):
        """Cover, executive summary and legend, summary, one slide per indicator (its commentary on a slide
        of its own when it cannot fit), then the plan, sources and methods; 16:9."""
        pack, paths = made
        deck = Presentation(str(paths["pptx"]))
        assert (deck.slide_width, deck.slide_height) == (slides.WIDTH, slides.HEIGHT)
        titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
        assert titles[0] == pack.title
        assert titles[1].startswith("Executive summary") and "What the icons mean" in titles[2]
        # The summary table takes as many slides as its rows need ("(1 of 2)"), never running off one.
        summary = max(i for i, t in enumerate(titles)
                      if t.startswith(f"Summary: {pack.area_name} against {pack.comparator_name}"))
        shown = [t for t in titles[summary + 1:] if not t.endswith(": commentary")][:len(pack.pages) + 1]
        assert shown == [page.assessment.name for page in pack.pages] + [pack.funnel.title]
        assert any(title.startswith("The improvement plan as at 20 November 2018") for title in titles)
        assert titles[-2:] == ["Sources", "Methods"]

    def test_summary_table_cells_equal_the_assessment(self, made):
        """The summary slide's table is a real table whose cells are the assessment's own words."""
        pack, paths = made
        deck = Presentation(str(paths["pptx"]))
        title = f"Summary: {pack.area_name} against {pack.comparator_name}"
        tables = [slide_table(s) for s in deck.slides if s.shapes[0].text_frame.text.startswith(title)]
        every = [[[cell.text for cell in row.cells] for row in table.rows] for table in tables]
        assert all(rows[0] == slides.SLIDE_SUMMARY_HEADINGS for rows in every)
        cells = [every[0][0], *(row for rows in every for row in rows[1:])]
        for row, page in zip(cells[1:], pack.pages, strict=True):
            a = page.assessment
            assert row[:7] == [a.short_name, slides.short_period(a.period_text), a.value_text, a.comparator_text,
                               a.comparison_text.replace(" (significant)", ""),
                               slides.SHORT_VARIATION.get(a.variation_icon, "Not enough data"),
                               slides.SHORT_ASSURANCE[a.assurance_icon]]

    def test_no_text_on_a_slide_is_smaller_than_18_pt(self, york):
        """Every run on every slide, table cells included, is set at 18 pt or more."""
        deck = Presentation(str(york[1]["pptx"]))
        sizes = [run.font.size for slide in deck.slides for run in slide_runs(slide)]
        assert sizes and all(size is not None and size >= Pt(18) for size in sizes)

    def test_table_cells_written_at_once_are_the_cells_python_pptx_writes_property_by_property(self, york,
                                                                                           monkeypatch):
        """Each table cell's type, colour, fill and margins are written as one piece (reports.pptx._cell): the
        slides are python-pptx's own, setting each property in turn, part for part."""
        pack, _ = york
        drawn = figures.pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
        at_once = slides.render(pack, drawn)

        def by_property(cell, text, fill, colour, *, bold):
            cell.margin_left = cell.margin_right = Inches(slides.CELL_X)
            cell.margin_top = cell.margin_bottom = Inches(slides.CELL_Y)
            cell.text = text
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string(fill)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(slides.SIZES["table"]), bold
                    run.font.name = slides.fit.FONT_NAME
                    run.font.color.rgb = RGBColor.from_string(colour)

        monkeypatch.setattr(slides, "_cell", by_property)
        one_by_one = slides.render(pack, drawn)
        parts = [zipfile.ZipFile(io.BytesIO(deck)) for deck in (at_once, one_by_one)]
        assert parts[0].namelist() == parts[1].namelist()
        assert [name for name in parts[0].namelist() if parts[0].read(name) != parts[1].read(name)] == []


class TestOneVerdict:
    def test_pack_made_today_says_what_the_board_view_says(self, bundled_db):
        """Made as at today from the last load, the pack's rows are the page's own assessments."""
        pack = make_pack(bundled_db, YORK, as_at=date.today())
        opened = store.open_store(bundled_db, read_only=True)
        try:
            con = opened.connection
            for page in pack.pages:
                i = page.assessment.indicator_id
                shown = assess(**assessment_inputs(con, i, YORK, default_comparator(con, i, ENGLAND)),
                               today=date.today())
                assert (page.row.value, page.row.comparator, page.row.comparison, page.row.variation) == (
                    shown.value_text, shown.comparator_text, shown.comparison_text, shown.variation_text)
                assert page.assessment.summary == shown.summary
        finally:
            opened.close()


class TestAsAt:
    def test_the_same_date_and_version_give_the_same_pack_after_a_later_load(self, built_db, tmp_path):
        """A pack made again from its recorded store version, after a load changing one of its figures, is the same."""
        before = make_pack(built_db, YORK)
        dtoc = next(page for page in before.pages if page.assessment.indicator_id == "dtoc_18")
        # October 2018 had ended by the board but was published about six weeks later: not yet counted.
        assert dtoc.row.period == "September 2018"
        (tmp_path / "first").mkdir()
        first = write_files(before, tmp_path / "first", ("pdf",))

        changed = tmp_path / "dtoc_september_2018.csv"
        changed.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,"
                           "value_note\ndtoc_18,E06000014,York,2018-09-01,2018-09-30,60,,,\n", encoding="utf-8")
        load_file(changed, built_db, "test")

        latest = make_pack(built_db, YORK)
        assert latest.store_version == before.store_version + 1
        assert next(p.row.value for p in latest.pages if p.assessment.indicator_id == "dtoc_18") != dtoc.row.value

        again = make_pack(built_db, YORK, store_version=before.store_version)
        (tmp_path / "again").mkdir()
        second = write_files(again, tmp_path / "again", ("pdf",))
        assert [p.row for p in again.pages] == [p.row for p in before.pages]
        assert pdf_text(second["pdf"]) == pdf_text(first["pdf"])

    def test_a_version_that_does_not_exist_is_refused_in_a_sentence(self, bundled_db):
        with pytest.raises(ValueError, match="There is no store version 999"):
            make_pack(bundled_db, YORK, store_version=999)


class TestCommandLine:
    def test_board_pack_command_writes_the_pptx(self, bundled_db, tmp_path):
        """`python -m reports board-pack` with the documented names writes the file and names its version."""
        out = tmp_path / "pack.pptx"
        done = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--as-at",
                               "2018-11-20", "--format", "pptx", "--out", str(out), "--area", STOKE,
                               "--comparator", ENGLAND, "--store-version", "1", "--db", str(bundled_db)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "store version 1" in done.stdout
        assert Presentation(str(out)).slides[0].shapes[0].text_frame.text == "PBIP performance: board pack"

    def test_both_formats_from_one_command_draw_each_picture_once(self, bundled_db, tmp_path, monkeypatch, capsys):
        """`--format pdf --out ... --format pptx --out ...` writes both files from one set of pictures, drawn
        in the command (the copies laying the formats out get them through their pipes; the charts by copies
        drawing two at a time, so each drawing is counted in a file): once per chart, once for the funnel, once
        per icon."""
        tally = tmp_path / "drawn.txt"
        png = figures.png

        def counted(svg, scale):
            with tally.open("a") as lines:
                lines.write(f"{scale}\n")
            return png(svg, scale)

        monkeypatch.setattr(figures, "png", counted)
        paper_file, deck_file = tmp_path / "pack.pdf", tmp_path / "pack.pptx"
        assert reports_main(["board-pack", "--as-at", "2018-11-20", "--format", "pdf", "--out", str(paper_file),
                             "--format", "pptx", "--out", str(deck_file), "--db", str(bundled_db)]) == 0
        pack = make_pack(bundled_db, YORK)
        icons, charts = figures.keys([page.assessment for page in pack.pages], pack.funnel)
        assert len(charts) == len(pack.pages) + (pack.funnel is not None)
        drawn = [float(line) for line in tally.read_text().split()]
        assert sorted(drawn) == sorted([figures.CHART_SCALE] * len(charts) + [figures.ICON_SCALE] * len(icons))
        assert "Delayed transfers of care" in pdf_text(paper_file)
        assert Presentation(str(deck_file)).slides[0].shapes[0].text_frame.text == "PBIP performance: board pack"
        printed = capsys.readouterr().out
        assert f"{paper_file}: board pack for York" in printed and f"{deck_file}: board pack for York" in printed

    def test_the_pack_starts_no_browser_or_other_program(self, bundled_db, tmp_path):
        """The pictures are drawn in the command's own process (resvg): with every way of starting a program
        refused, the command still writes both files, and neither kaleido nor plotly is imported."""
        program = ("import os, subprocess, sys\n"
                   "def refuse(*args, **kwargs):\n"
                   "    raise AssertionError(f'a program was started: {args[:2]}')\n"
                   "subprocess.Popen.__init__ = refuse\n"
                   "os.posix_spawn = os.posix_spawnp = os.execv = os.execve = refuse\n"
                   "from reports.__main__ import main\n"
                   "status = main(sys.argv[1:])\n"
                   "print(sorted(m for m in ('kaleido', 'choreographer', 'plotly') if m in sys.modules))\n"
                   "sys.exit(status)\n")
        paper_file, deck_file = tmp_path / "pack.pdf", tmp_path / "pack.pptx"
        done = subprocess.run([sys.executable, "-c", program, "board-pack", "--as-at", "2018-11-20", "--format",
                               "pdf", "--out", str(paper_file), "--format", "pptx", "--out", str(deck_file), "--db",
                               str(bundled_db)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "[]"
        assert paper_file.stat().st_size > 10_000 and deck_file.stat().st_size > 10_000

    def test_a_refusal_with_both_formats_writes_neither(self, bundled_db, tmp_path, capsys):
        """With both formats the PDF is laid out by a copy of the command's process, made once the pack is
        assembled: a refusal (no such store version) ends the command with its sentence, writing no file."""
        paper_file, deck_file = tmp_path / "pack.pdf", tmp_path / "pack.pptx"
        assert reports_main(["board-pack", "--as-at", "2018-11-20", "--store-version", "999", "--format", "pdf",
                             "--out", str(paper_file), "--format", "pptx", "--out", str(deck_file), "--db",
                             str(bundled_db)]) == 1
        assert "There is no store version 999" in capsys.readouterr().err
        assert not paper_file.exists() and not deck_file.exists()

    def test_a_command_that_stops_before_every_picture_is_sent_stops_the_pdf_process(self, york):
        """The PDF's process (a copy of this one, with the pack) gets each picture as it is drawn; should the
        command stop before it has sent them all (a picture that could not be drawn), the copy is stopped and
        the PDF is said not to have been laid out, rather than waited for."""
        pack, _ = york
        with LayoutProcess("pdf") as process:
            laid_out = process.lay_out(pack)
            process.send_keys([], ["never drawn"])
        with pytest.raises(RuntimeError, match="PDF could not be laid out"):
            laid_out.result(timeout=300)

    def test_importing_reports_loads_none_of_the_pack_code(self):
        """The board view imports `reports` on every visit: it imports neither pandas, DuckDB, fpdf2,
        python-pptx nor resvg (about 1.5 s) until a pack is made; `reports.from_store` still reads as it did."""
        program = ("import sys, reports, reports.__main__\n"
                   "print(sorted(m for m in ('pandas', 'duckdb', 'fpdf', 'pptx', 'resvg_py') if m in sys.modules))\n"
                   "print(reports.from_store.__module__, reports.BoardPack.__name__)\n")
        done = subprocess.run([sys.executable, "-c", program], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=300, check=True)
        assert done.stdout.splitlines() == ["[]", "reports.board_pack BoardPack"]

    @pytest.mark.parametrize("pairs", [["--format", "pdf", "--out", "a.pdf", "--format", "pptx"],
                                       ["--format", "pdf", "--out", "a.pdf", "--format", "pdf", "--out", "b.pdf"]])
    def test_formats_and_files_that_do_not_pair_are_refused(self, pairs, capsys):
        with pytest.raises(SystemExit) as refused:
            reports_main(["board-pack", *pairs])
        assert refused.value.code == 2 and "--format" in capsys.readouterr().err


class TestBoardView:
    def open_board(self, monkeypatch, db: Path, opened: bool = True, **query: str) -> AppTest:
        monkeypatch.setenv("PBIP_DB_PATH", str(db))
        at = AppTest.from_file(str(PROJECT_ROOT / "pages" / "board.py"), default_timeout=600)
        if opened:
            at.session_state["board_pack_open"] = True  # the controls' expander, opened
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    def test_board_view_makes_the_pack_on_request_and_offers_the_download(self, monkeypatch, small_db):
        """Nothing is made on a page run; the button makes the PDF under a progress indicator, then offers it."""
        at = self.open_board(monkeypatch, small_db)
        assert not at.get("download_button") and not [e for e in at.main if type(e).__name__ == "Status"]
        at.radio(key="board_pack_format").set_value("PDF for the papers")
        at.button(key="board_pack_make").click().run()
        assert not at.exception, at.exception
        statuses = [e.proto.label for e in at.main if type(e).__name__ == "Status"]
        assert statuses and statuses[0].startswith("The board pack is ready")
        assert [b for b in at.get("download_button") if b.proto.label.endswith(".pdf")]

    def test_the_controls_wait_in_their_expander_until_it_is_opened(self, monkeypatch, small_db):
        """A visit draws only the expander's heading: no date picker or button until someone opens it."""
        at = self.open_board(monkeypatch, small_db, opened=False)
        assert [e for e in at.expander if e.label.startswith("Board pack")]
        pack_dates = lambda: [d for d in at.date_input if d.key.startswith("board_pack_")]  # noqa: E731
        assert not pack_dates() and not [b for b in at.button if b.label == "Make the board pack"]
        at.session_state["board_pack_open"] = True
        at.run()
        assert len(pack_dates()) == 2 and [b for b in at.button if b.label == "Make the board pack"]

    def test_presentation_mode_hides_the_pack_controls(self, monkeypatch, small_db):
        """On the projector the board view has no pack controls."""
        at = self.open_board(monkeypatch, small_db, presentation="1")
        assert not [b for b in at.button if b.label == "Make the board pack"]
