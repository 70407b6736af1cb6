"""The plan's tables in Debian's Chromium: projector-sized in presentation mode, RAG readable in both modes.

Uses the shared `server` of tests/conftest.py; screenshots of the finished grids go to tests/artifacts/.
"""

from __future__ import annotations

import pytest

from charts.plan import RAG_COLOURS, RAG_TEXT_COLOURS
from tests.servers import ARTIFACTS

# The projector rule (ui/presentation.py): body text at least 20 px.
PROJECTOR_MIN_PX = 20


def _rgb(colour: str) -> str:
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("path,table_text", [("/plan?presentation=1", "RAG by recommendation"),
                                             ("/recommendation?ref=R10&presentation=1", "Actions")])
def test_presentation_tables_are_projector_sized_with_rag_words(page, server, path, table_text):
    """In presentation mode the plan's tables are HTML tables with 20 px+ text; a RAG cell says its word
    on its colour in contrasting text, and overdue is the word "Overdue"."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(server + path)
    expect(page.get_by_test_id("stMain").get_by_text(table_text).first).to_be_visible(timeout=90_000)
    # The actions' table: the one with a Progress column.
    table = page.locator("table.pbip-board").filter(has=page.locator("th", has_text="Progress")).first
    expect(table.locator("td").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    assert page.get_by_test_id("stDataFrame").count() == 0
    size = table.locator("td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= PROJECTOR_MIN_PX
    # A Red cell: "Red: off track", or an overdue action's "Red: overdue (reported Green)" (one rule for both).
    red = table.locator("td span.pbip-rag", has_text="Red:").first
    expect(red).to_be_visible()
    assert red.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(RAG_COLOURS["Red"])
    assert red.evaluate("e => getComputedStyle(e).color") == _rgb(RAG_TEXT_COLOURS["Red"])
    expect(table.locator("td", has_text="Overdue").first).to_be_visible()
    name = path.strip("/").split("?")[0] + ("_r10" if "ref=" in path else "")
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}_tables_presentation_1920x1080.png"))


def test_the_normal_grid_is_whole_on_the_page(page, server):
    """In normal mode the grid is an HTML table like the projector's (no grid's canvas to load): every action's
    words wrapped on the page, RAG a swatch, no table wider than the page beside the sidebar at 1280 and 1024
    px, and the finished page is saved as a screenshot (look at it: RAG is the third column)."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/plan")
    expect(page.get_by_test_id("stMain").get_by_text("RAG by recommendation")).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    assert page.get_by_test_id("stDataFrame").count() == 0
    grid = page.locator("table.pbip-board").filter(has=page.locator("th", has_text="Progress")).first
    expect(grid.locator("tbody tr")).to_have_count(38)
    expect(grid.locator("td span.pbip-rag").first).to_be_visible()
    # Whole words: no cell of the grid cuts its text off (a canvas grid ended long progress notes in "…").
    clipped = grid.evaluate("t => [...t.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth + 1)"
                            ".length")
    assert clipped == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan_grid_normal_1280x720.png"))
    # The grid and the RAG counts are whole tables at 1280 px, each as wide as the page at most: no column (the
    # roll-up) scrolled out of sight. At 1024 px beside the sidebar the grid's words need more room than there
    # is: it scrolls sideways in its own box, and the page never does.
    for width, height in ((1280, 720), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the layout follows the window
        widths = page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]')"
                               ".getBoundingClientRect(); return [...document.querySelectorAll('table.pbip-board')]"
                               ".map(t => [t.getBoundingClientRect().right, t.parentElement.getBoundingClientRect()"
                               ".right, main.right]); }")
        assert len(widths) == 3, widths
        assert all(box <= room + 1 for _, box, room in widths), (width, widths)
        if width == 1280:
            assert all(right <= room + 1 for right, _, room in widths), (width, widths)
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_long_table_scrolls_on_screen_and_prints_whole(page, server):
    """The councils outside chance-alone limits are more than their 420 px box holds: on screen the box scrolls
    (its headings kept in view); printed, the whole table is on the paper, no row cut off."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/peers?limits=unadjusted")
    box = page.locator("div.pbip-scroll[role=region]").first
    expect(box.locator("tbody tr").first).to_be_attached(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    sizes = "b => [b.scrollHeight, b.clientHeight]"
    whole, shown = box.evaluate(sizes)
    assert whole > shown + 50, (whole, shown)
    page.emulate_media(media="print")
    whole, shown = box.evaluate(sizes)
    assert whole <= shown + 1, (whole, shown)
