"""The board view and the pages a board sees, in a real browser at three projector sizes.

At 1024x768, 1280x720 and 1920x1080 in presentation mode: body text at least 20 px and chart text at
least 18 px (getComputedStyle; a chart's words as drawn, its picture's scale included), no sideways scroll in the
main area, no metric cut short, and none of the words a program leaks ("None", "nan", "NaT", ".py",
"00:00:00"). No control's label or chosen value on the board is cut with an ellipsis or clipped, at those
sizes and 1280x800. The peers page (the funnel and the matrix) is measured the same way at 1280x720.
Screenshots go to tests/artifacts/ (git-ignored); look at them.
"""

from __future__ import annotations

import re

import pytest

from tests.servers import ARTIFACTS

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]
# (name, path, text shown once the page has finished)
PAGES = [
    ("board", "/board", "What changed since"),
    ("indicator", "/indicator?indicator=dtoc_18", "The data behind the chart"),
    ("proxy", "/indicator?indicator=nonelective_admissions_all_ccg", "The data behind the chart"),
    ("recommendation", "/recommendation?ref=R10", "Indicators this recommendation is meant to move"),
    ("plan", "/plan", "RAG by recommendation"),
]
# The board view is put on the screen and talked from: at these sizes it fits without scrolling at all.
FITS_ONE_SCREEN = {(1280, 720), (1920, 1080)}
LEAKS = re.compile(r"\bNone\b|\bnan\b|\bNaT\b|\.py\b|00:00:00")

_MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const size = e => parseFloat(getComputedStyle(e).fontSize);
  const body = Array.from(main.querySelectorAll(
      '[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"], .pbip-board td'))
    .filter(visible).filter(e => e.textContent.trim());
  const metrics = Array.from(main.querySelectorAll('[data-testid="stMetricValue"] div, [data-testid="stMetricValue"]'));
  return {
    scroll: [main.scrollWidth, main.clientWidth],
    height: [main.scrollHeight, main.clientHeight],
    wide: Array.from(main.querySelectorAll('*')).filter(visible)
      .filter(e => e.getBoundingClientRect().right > main.getBoundingClientRect().right + 1)
      .map(e => e.tagName).slice(0, 5),
    smallBody: body.filter(e => size(e) < 20).map(e => [e.textContent.slice(0, 40), size(e)]).slice(0, 5),
    cut: metrics.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent),
    tableScroll: Array.from(main.querySelectorAll('[data-testid="stTable"]')).filter(visible)
      .map(e => [e.querySelector('table').getBoundingClientRect().width, e.clientWidth])
      .filter(([table, room]) => table > room + 1),
    text: main.innerText,
  };
}"""


def _small_chart_words(page) -> list:
    """Words in the shown charts' pictures drawn under 18 px (their size times the picture's scale)."""
    from tests.browsing import picture_words

    return [(words[:40], round(size, 1)) for words, size in picture_words(page) if size < 17.99][:5]


@pytest.mark.parametrize("name,path,finished", PAGES, ids=[p[0] for p in PAGES])
def test_presentation_mode_reads_on_a_projector(page, server, name, path, finished):
    """Large enough to read from the back of the room, nothing cut off or scrolled sideways, no leaked words,
    at each projector size: loaded once at the first, then the window resized (as a laptop moved onto the
    projector is), which redraws the page without running it again."""
    from playwright.sync_api import expect

    from tests.browsing import wait_until_drawn

    problems = []
    for number, (width, height) in enumerate(SIZES):
        page.set_viewport_size({"width": width, "height": height})
        if number == 0:
            page.goto(server + path + ("&" if "?" in path else "?") + "presentation=1")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text(finished).first).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)
        if name not in ("board", "plan"):
            expect(page.locator(".pbip-picture > img").filter(visible=True).first).to_be_visible(timeout=60_000)
        # The presentation style is applied when the page's first paragraph is projector-sized.
        expect(main.get_by_test_id("stMarkdownContainer").locator("p").first).to_have_css(
            "font-size", re.compile(r"^(2\d|[3-9]\d)(\.\d+)?px$"), timeout=90_000)
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
        wait_until_drawn(page)
        found = page.evaluate(_MEASURE) | {"smallChart": _small_chart_words(page)}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"projector_{name}_{width}x{height}.png"))
        at = f"{width}x{height}"
        if found["scroll"][0] > found["scroll"][1]:
            problems.append(f"{at}: sideways scroll: {found['scroll']} {found['wide']}")
        problems += [f"{at}: {kind}: {found[kind]}" for kind in ("smallBody", "smallChart", "cut", "tableScroll")
                     if found[kind]]
        problems += [f"{at}: leaked {leak!r}" for leak in LEAKS.findall(found["text"])]
        if name == "board" and (width, height) in FITS_ONE_SCREEN and found["height"][0] > found["height"][1]:
            problems.append(f"{at}: the board scrolls: {found['height']}")
    assert problems == []


@pytest.mark.parametrize("name,path,finished", PAGES, ids=[p[0] for p in PAGES])
def test_normal_mode_fits_a_small_projector(page, server, name, path, finished):
    """Without presentation mode, at 1024 x 768: no sideways scroll, no metric cut short, no leaked words."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(server + path)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(finished).first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=60_000)
    found = page.evaluate(_MEASURE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"normal_{name}_1024x768.png"))
    assert found["scroll"][0] <= found["scroll"][1], f"sideways scroll: {found['scroll']} {found['wide']}"
    assert found["cut"] == [], found["cut"]
    assert LEAKS.findall(found["text"]) == []


def test_the_board_view_draws_the_icons_with_words(page, server):
    """Each indicator row has a variation and an assurance icon as an image with its words as alternative."""
    from playwright.sync_api import expect

    page.goto(server + "/board")
    expect(page.get_by_test_id("stMain").get_by_text("What changed since").first).to_be_visible(timeout=60_000)
    icons = page.locator(".pbip-indicators td.icon img")
    expect(icons).to_have_count(12)
    alts = [icons.nth(i).get_attribute("alt") for i in range(12)]
    assert all(alts) and any("Common cause" in alt or "special cause" in alt.lower() for alt in alts)
    expect(page.locator(".pbip-wrap").first).to_contain_text("No recommendations yet")


# Words of the peers matrix that a line break splits (a word on two lines); a break after a hyphen is allowed.
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


@pytest.mark.parametrize("indicator", ["dtoc_18", "falls_admissions_65"])
def test_the_funnel_and_the_matrix_read_on_a_projector(page, server, indicator):
    """At 1280x720 the funnel names each council on hover, the matrix links each cell, no word of it is broken
    across two lines, and everything reads."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/peers?indicator={indicator}&presentation=1")
    main = page.get_by_test_id("stMain")
    expect(main.locator(".pbip-matrix").first).to_be_visible(timeout=90_000)
    expect(page.locator(".pbip-picture > img").filter(visible=True).first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    expect(main.get_by_test_id("stMarkdownContainer").locator("p").first).to_have_css(
        "font-size", re.compile(r"^(2\d|[3-9]\d)(\.\d+)?px$"), timeout=90_000)
    found = page.evaluate(_MEASURE) | {"smallChart": _small_chart_words(page)}
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


# The longest upper-tier council name the store holds, for the board's widest header.
LONGEST_NAME = "E06000058"  # Bournemouth, Christchurch and Poole

_TABLE = """(selector) => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const tables = Array.from(document.querySelectorAll(selector));
  return {tables: tables.length,
          over: Math.max(...tables.map(t => t.getBoundingClientRect().right - main.right)),
          clipped: tables.flatMap(t => Array.from(t.querySelectorAll('td, th')))
            .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 40))};
}"""


@pytest.mark.parametrize("path,table", [("/board", "table.pbip-indicators"), ("/", "table.pbip-overview")],
                         ids=["board", "overview"])
def test_the_tables_fit_the_longest_council_name(page, bundled_db, tmp_path, path, table):
    """For the council with the longest name, the board's indicators table and the overview's two tables fit
    the page on the projector (1280 x 720), at 1280 x 800, and beside the sidebar at 1024 px (where the overview
    leaves off its trend and data age): they wrap between words, never cut a cell or run past the main area."""
    import shutil

    from playwright.sync_api import expect

    from tests.browsing import wait_until_drawn
    from tests.servers import serving

    db = tmp_path / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    with serving(db, tmp_path / "server.log", env={"PBIP_AREA_CODE": LONGEST_NAME}) as url:
        for (width, height), query in (((1280, 720), "?presentation=1"), ((1280, 800), ""), ((1024, 768), "")):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url + path + query, timeout=180_000)
            expect(page.locator(table).first).to_be_visible(timeout=180_000)
            wait_until_drawn(page)
            found = page.evaluate(_TABLE, table)
            page.screenshot(path=str(ARTIFACTS / f"{path.strip('/') or 'overview'}_longest_name_{width}x{height}.png"),
                            full_page=True)
            assert found["tables"] >= 1 and found["over"] <= 1 and found["clipped"] == [], (width, found)
            if path == "/":  # what the narrow page leaves off is there when there is room
                trend_shown = page.locator("table.pbip-overview th", has_text="Trend").first.is_visible()
                assert trend_shown == (width == 1280 and not query), (width, query)


# Every window size the browser tests put the board on the projector at (here and tests/test_browser_truth.py).
CONTROL_SIZES = [(1024, 768), (1280, 720), (1280, 800), (1920, 1080)]

# Each control's text in the main area (a button's or popover's label, a select's chosen value, a widget's
# label) that is cut: a box in it that hides what overflows (an ellipsis or a clip) holding more text than it
# shows, a line of its text running past the control's edge, or an ellipsis the page's text never had.
_CUT_CONTROLS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const controls = Array.from(main.querySelectorAll(
      'button, [data-baseweb="select"], [data-testid="stWidgetLabel"]')).filter(visible);
  const cut = [];
  for (const control of controls) {
    const box = control.getBoundingClientRect();
    for (const e of [control, ...control.querySelectorAll('*')]) {
      if (!e.textContent.trim()) continue;
      const style = getComputedStyle(e);
      const hides = style.textOverflow === 'ellipsis' || style.overflowX !== 'visible'
        || style.overflowY !== 'visible';
      if (hides && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
        cut.push(e.textContent.trim().slice(0, 60));
    }
    const walker = document.createTreeWalker(control, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange(); range.selectNodeContents(node);
      const lines = Array.from(range.getClientRects()).filter(r => r.width > 0);
      if (lines.some(r => r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1)
          || node.textContent.includes('\\u2026'))
        cut.push(node.textContent.trim().slice(0, 60));
    }
  }
  return {cut: [...new Set(cut)], labels: controls.filter(c => c.tagName === 'BUTTON')
    .map(c => c.innerText.trim()).filter(t => t)};
}"""


def test_the_board_controls_show_their_whole_label_on_a_projector(page, server):
    """On the projector the chair reads every control's whole label (the summary's and the trust's latest
    month's buttons under the title, any select's chosen value): none cut with an ellipsis or clipped, at
    every size the board is projected at; loaded once, then the window resized."""
    from playwright.sync_api import expect

    from tests.browsing import wait_until_drawn

    problems = []
    for number, (width, height) in enumerate(CONTROL_SIZES):
        page.set_viewport_size({"width": width, "height": height})
        if number == 0:
            page.goto(server + "/board?presentation=1")
        expect(page.get_by_test_id("stMain").get_by_text("What changed since").first).to_be_visible(
            timeout=60_000)
        expect(page.get_by_test_id("stPopover").first).to_be_visible(timeout=60_000)
        wait_until_drawn(page)
        found = page.evaluate(_CUT_CONTROLS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"board_controls_{width}x{height}.png"))
        assert any("xception" in label for label in found["labels"]), found["labels"]
        if found["cut"]:
            problems.append(f"{width}x{height}: {found['cut']}")
    assert problems == []
