"""The peers page in a real browser on the projector: the funnel and the matrix at 1280x720, presentation mode.

The measures are the board's (tests/test_browser_board.py): body text at least 20 px, chart text at
least 18 px, nothing wider than the main area, none of the words a program leaks.
"""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, browser_type_launch_args  # noqa: F401

# The board's server (a copy of the bundled store) and measures serve the peers page as they are.
from tests.test_browser_board import _MEASURE, LEAKS, server  # noqa: F401

# Words of the matrix that a line break splits (a word on two lines); a break after a hyphen is allowed.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const table of document.querySelectorAll('.pbip-matrix')) {
    const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (lines.size > 1 && !m[0].slice(0, -1).includes('-')) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.mark.parametrize("indicator", ["dtoc_18", "falls_admissions_65"])
def test_the_funnel_and_the_matrix_read_on_a_projector(page, server, indicator):  # noqa: F811
    """At 1280x720 the funnel names each council on hover, the matrix links each cell, and everything reads."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/peers?indicator={indicator}&presentation=1")
    main = page.get_by_test_id("stMain")
    expect(main.locator(".pbip-matrix").first).to_be_visible(timeout=90_000)
    expect(page.locator(".js-plotly-plot .legend").first).to_be_attached(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(main.get_by_test_id("stMarkdownContainer").locator("p").first).to_have_css(
        "font-size", re.compile(r"^(2\d|[3-9]\d)(\.\d+)?px$"), timeout=90_000)
    found = page.evaluate(_MEASURE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"projector_peers_{indicator}_1280x720.png"), full_page=True)
    assert found["scroll"][0] <= found["scroll"][1], f"sideways scroll: {found['scroll']} {found['wide']}"
    assert found["wide"] == [], found["wide"]
    assert found["smallBody"] == [], found["smallBody"]
    assert found["smallChart"] == [], found["smallChart"]
    assert LEAKS.findall(found["text"]) == []
    assert page.evaluate(_BROKEN_WORDS) == []
    links = main.locator(".pbip-matrix a")
    assert links.count() > 10
    assert "indicator?indicator=" in links.first.get_attribute("href")
    assert "York" in found["text"] and "Stockport" in found["text"]
