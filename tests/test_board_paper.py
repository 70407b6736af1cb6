"""The board paper as a chair circulates it: commentary as signed off by the board date, exceptions first, and
slides that LibreOffice renders with no text outside its box or the slide and no word broken.

The slides are checked as rendered (`soffice --headless --convert-to pdf`, read back with `pdftotext -bbox`),
not only in the file's XML.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime
from html import unescape
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

import reports
import store
from reports.__main__ import main as reports_main
from store import commentary
from store.roles import User

YORK, ENGLAND = "E06000014", "E92000001"
BOARD_DATE = date(2018, 11, 20)
ANALYST, LEAD = User("ana", "analyst"), User("lee", "lead", ("dtoc_18",))
SHOWS = "Delays peaked in April and have fallen since"
EMU_PER_POINT = 12700


def make_pack(db: Path, as_at: date = BOARD_DATE):
    opened = store.open_store(db, read_only=True)
    try:
        return reports.from_store(opened.connection, area_code=YORK, comparator_code=ENGLAND, as_at=as_at,
                                  generated_at=datetime(2018, 11, 13, 9))
    finally:
        opened.close()


def pdf_text(content: bytes, folder: Path, name: str) -> str:
    path = folder / name
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True,
                          timeout=300).stdout
    return " ".join(text.split())


@pytest.fixture(scope="module")
def signed_store(bundled_db, tmp_path_factory) -> Path:
    """The bundled store with York's delayed transfers commentary signed off on 15 November 2018."""
    db = tmp_path_factory.mktemp("signed") / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    pack = make_pack(db)
    period = next(p.assessment for p in pack.pages if p.assessment.indicator_id == "dtoc_18").latest.period_start
    con = store.connect(db)
    try:
        key = {"indicator_id": "dtoc_18", "area_code": YORK, "period_start": period}
        commentary.save_draft(con, **key, texts={"what_data_shows": SHOWS, "owner": "Director of Adult Social Care",
                                                 "improvement_expected": "March 2019"},
                              user=ANALYST, when=datetime(2018, 11, 12, 10))
        commentary.submit(con, **key, user=ANALYST, when=datetime(2018, 11, 13, 10))
        commentary.sign_off(con, **key, user=LEAD, when=datetime(2018, 11, 15, 10))
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def packs(signed_store, tmp_path_factory):
    """The pack as at the board (after the sign-off) and as at 14 November (before it), PDF and slides."""
    folder = tmp_path_factory.mktemp("packs")
    after = make_pack(signed_store)
    before = make_pack(signed_store, date(2018, 11, 14))
    return {"after": (after, reports.render(after, ["pdf", "pptx"])),
            "before": (before, reports.render(before, ["pdf"])), "folder": folder}


class TestCommentaryInThePack:
    def test_a_pack_after_the_sign_off_prints_it_and_one_before_lacks_it(self, packs):
        after, files = packs["after"]
        text = pdf_text(files["pdf"], packs["folder"], "after.pdf")
        assert SHOWS in text and "signed off by lee on 15 November 2018" in text
        before, earlier = packs["before"]
        assert SHOWS not in pdf_text(earlier["pdf"], packs["folder"], "before.pdf")

    def test_every_indicator_page_has_its_commentary_or_says_there_is_none(self, packs):
        pack, files = packs["after"]
        folder = packs["folder"]
        (folder / "pages.pdf").write_bytes(files["pdf"])
        pages = subprocess.run(["pdftotext", str(folder / "pages.pdf"), "-"], check=True, capture_output=True,
                               text=True, timeout=300).stdout.split("\f")
        for page in pack.pages:
            holding = [" ".join(p.split()) for p in pages if page.assessment.name in " ".join(p.split())]
            assert holding, page.assessment.name
            expected = SHOWS if page.assessment.indicator_id == "dtoc_18" else "No commentary yet"
            assert any(expected in p for p in holding), page.assessment.name

    def test_the_pack_opens_with_exceptions_and_the_asks(self, packs):
        pack, files = packs["after"]
        text = pdf_text(files["pdf"], packs["folder"], "summary.pdf")
        assert text.index("Executive summary") < text.index("Exceptions:") < text.index(
            "What the board is asked to do") < text.index("What the icons mean") < text.index("Summary: York")
        for item in pack.exceptions:
            assert item.name in text

    def test_no_pdf_page_holds_only_a_tables_tail(self, packs):
        """Every page begins (after the demonstration banner) with a title, never with a table's rows."""
        pack, files = packs["after"]
        (packs["folder"] / "tail.pdf").write_bytes(files["pdf"])
        pages = subprocess.run(["pdftotext", "-layout", str(packs["folder"] / "tail.pdf"), "-"], check=True,
                               capture_output=True, text=True, timeout=300).stdout.split("\f")
        titles = ("PBIP performance", "Executive summary", "What the icons mean", "Summary:", "The improvement plan",
                  "Every council", "Methods", "Now:",
                  "Sources and methods", *(p.assessment.name[:30] for p in pack.pages))
        for number, page in enumerate(pages[:-1], start=1):
            lines = [line.strip() for line in page.splitlines() if line.strip()
                     and not line.strip().startswith("Demonstration data")]
            assert lines[0].startswith(titles), f"page {number} begins {lines[0]!r}"

    def test_recommendation_titles_are_never_cut(self, packs):
        _, files = packs["after"]
        assert "…" not in pdf_text(files["pdf"], packs["folder"], "titles.pdf")


def test_as_at_without_a_date_takes_the_latest_board_date(bundled_db, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    assert reports_main(["board-pack", "--as-at", "--format", "pdf", "--out", str(out), "--db", str(bundled_db)]) == 0
    assert "as at 2018-11-20" in capsys.readouterr().out


# --- The slides as LibreOffice renders them -----------------------------------------------------------------


def _words(bbox_html: str) -> list[list[tuple[float, float, float, float, str]]]:
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", bbox_html, re.DOTALL):
        pages.append([(float(a), float(b), float(c), float(d), unescape(w)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)])
    return pages


def _source_tokens(deck) -> set[str]:
    tokens = set()
    for slide in deck.slides:
        for shape in slide.shapes:
            texts = [shape.text_frame.text] if shape.has_text_frame else []
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            for text in texts:
                tokens |= set(text.split())
    return tokens


def _boxes(slide) -> list[tuple[float, float, float, float]]:
    """Each text box's and table's rectangle in points (x0, y0, x1, y1)."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame or shape.has_table:
            x0, y0 = Emu(shape.left) / EMU_PER_POINT, Emu(shape.top) / EMU_PER_POINT
            height = shape.height
            if shape.has_table:
                height = sum(row.height for row in shape.table.rows)
            out.append((x0, y0, x0 + Emu(shape.width) / EMU_PER_POINT, y0 + Emu(height) / EMU_PER_POINT))
    return out


@pytest.fixture(scope="module")
def rendered(packs):
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice Impress (soffice) is needed to render the slides: apt-get install libreoffice-impress")
    folder = packs["folder"] / "slides"
    folder.mkdir()
    deck_path = folder / "pack.pptx"
    deck_path.write_bytes(packs["after"][1]["pptx"])
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder), str(deck_path)], check=True, capture_output=True, timeout=600)
    html = subprocess.run(["pdftotext", "-bbox", str(folder / "pack.pdf"), "-"], check=True, capture_output=True,
                          text=True, timeout=300).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    return Presentation(str(deck_path)), _words(html), (float(size.group(1)), float(size.group(2))), folder


class TestRenderedSlides:
    def test_every_slide_is_rendered(self, rendered):
        deck, pages, _, _ = rendered
        assert len(pages) == len(deck.slides)

    def test_no_text_runs_off_the_slide(self, rendered):
        _, pages, (width, height), _ = rendered
        for number, words in enumerate(pages, start=1):
            outside = [w[4] for w in words if w[0] < 0 or w[1] < 0 or w[2] > width + 0.5 or w[3] > height + 0.5]
            assert not outside, f"slide {number}: {outside[:5]}"

    def test_no_word_is_broken(self, rendered):
        """Every word on the rendered slides is a word of the deck's text ("Demonstrat ion" would not be)."""
        deck, pages, _, _ = rendered
        tokens = _source_tokens(deck)
        for number, words in enumerate(pages, start=1):
            broken = [w[4] for w in words if w[4] not in tokens]
            assert not broken, f"slide {number}: {broken[:5]}"

    def test_all_text_stays_inside_its_box(self, rendered):
        """Each rendered word lies within a text box or table of its slide (2 pt of tolerance)."""
        deck, pages, _, _ = rendered
        for number, (slide, words) in enumerate(zip(deck.slides, pages, strict=True), start=1):
            boxes = _boxes(slide)
            stray = [w[4] for w in words if not any(
                b[0] - 2 <= w[0] and w[2] <= b[2] + 2 and b[1] - 2 <= w[1] and w[3] <= b[3] + 2 for b in boxes)]
            assert not stray, f"slide {number}: {stray[:5]}"

    def test_no_two_words_overlap(self, rendered):
        """No text is drawn over other text (a title into the content, the plan line over the verdict)."""
        _, pages, _, _ = rendered
        for number, words in enumerate(pages, start=1):
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    across = min(a[2], b[2]) - max(a[0], b[0])
                    down = min(a[3], b[3]) - max(a[1], b[1])
                    # A word's box holds its ascent and descent, so lines touch by a point or two.
                    tolerance = 0.3 * min(a[3] - a[1], b[3] - b[1])
                    assert across <= 1 or down <= tolerance, f"slide {number}: {a[4]!r} overlaps {b[4]!r}"

    def test_the_slides_can_be_looked_at(self, rendered):
        """pdftoppm draws every slide (the PNGs are kept beside the PDF for a person to look at)."""
        _, pages, _, folder = rendered
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(folder / "pack.pdf"), str(folder / "slide")], check=True,
                       timeout=600)
        assert len(list(folder.glob("slide-*.png"))) == len(pages)
