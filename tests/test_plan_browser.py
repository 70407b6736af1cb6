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
    table = page.get_by_test_id("stTable").first
    expect(table.locator("td").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    assert page.get_by_test_id("stDataFrame").count() == 0
    size = table.locator("td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= PROJECTOR_MIN_PX
    # A Red cell: "Red: off track", or an overdue action's "Red: overdue (reported Green)" (one rule for both).
    red = table.locator("td", has_text="Red:").first
    expect(red).to_be_visible()
    assert red.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(RAG_COLOURS["Red"])
    assert red.evaluate("e => getComputedStyle(e).color") == _rgb(RAG_TEXT_COLOURS["Red"])
    expect(table.locator("td", has_text="Overdue").first).to_be_visible()
    name = path.strip("/").split("?")[0] + ("_r10" if "ref=" in path else "")
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}_tables_presentation_1920x1080.png"))


def test_the_normal_grid_is_drawn(page, server):
    """In normal mode the grid is st.dataframe, drawn rather than a loading placeholder, and the finished
    page is saved as a screenshot (look at it: the RAG column is the third, on screen)."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/plan")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_attached(timeout=90_000)
    # Streamlit draws a placeholder (stSkeleton) until each element's code has loaded.
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "plan_grid_normal_1280x720.png"))
    # The RAG counts are whole tables, each as wide as the page: no column (the roll-up) scrolled out of sight,
    # beside the sidebar at 1024 px too.
    for width, height in ((1280, 720), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the layout follows the window
        widths = page.evaluate("() => { const main = document.querySelector('[data-testid=stMain]')"
                               ".getBoundingClientRect(); return [...document.querySelectorAll('table.pbip-board')]"
                               ".map(t => [t.getBoundingClientRect().right, main.right]); }")
        assert len(widths) == 2 and all(right <= room + 1 for right, room in widths), (width, widths)
