"""The real dashboard in Debian's Chromium: every page, normal and presentation mode, screenshots saved.

Screenshots go to tests/artifacts/ (git-ignored) at 1280x720 and 1920x1080; look at them. `server` (the
dashboard on a copy of the bundled store) is shared with the other browser tests through tests/conftest.py.
"""

from __future__ import annotations

import re
import shutil

import pytest

import store
from tests.servers import ARTIFACTS, serving

# (screenshot name, path and query, the heading the page must show, text that appears once it has finished)
PAGES = [
    ("overview", "/", "the CQC indicators", "Open an indicator"),
    ("board", "/board", "the board view", "What changed since"),
    ("indicator_dtoc", "/indicator?indicator=dtoc_18", "Delayed transfers of care", "The data behind the chart"),
    ("indicator_length_of_stay", "/indicator?indicator=length_of_stay_65", "lasting longer than 7 days",
     "The data behind the chart"),
    ("indicator_trust_proxy", "/indicator?indicator=ae_attendances_all_trust", "local acute trust",
     "The data behind the chart"),
    ("plan", "/plan", "The improvement plan", "RAG by recommendation"),
    ("recommendation_r10", "/recommendation?ref=R10", "Recommendation 10",
     "Indicators this recommendation is meant to move"),
    ("upload", "/upload", "Upload data", "Only analysts can upload data"),
    ("about", "/about", "About this dashboard", "Data status"),
]
SIZES = [(1280, 720), (1920, 1080)]
# Computed font sizes, as CSS writes them ("22px", "20.5px"), of at least 20 px and at least 28 px.
AT_LEAST_20_PX = re.compile(r"^(2\d|[3-9]\d|\d{3,})(\.\d+)?px$")
AT_LEAST_28_PX = re.compile(r"^(2[89]|[3-9]\d|\d{3,})(\.\d+)?px$")


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    """The dashboard against a store with the schema and no data; its URL."""
    db = tmp_path_factory.mktemp("browser_empty") / "empty.duckdb"
    store.connect(db).close()
    with serving(db, tmp_path_factory.mktemp("browser_empty_log") / "streamlit.log") as url:
        yield url


def test_a_deep_link_as_the_first_request_gets_the_dashboard(page, bundled_db, tmp_path):
    """A bookmarked indicator page opened first after a restart still goes through dashboard.py.

    The test starts its own server so the deep link is that server's first request whatever order the
    tests run in: Streamlit runs a page beside a `pages/` folder on its own until `st.navigation` has
    been called once in the process.
    """
    from playwright.sync_api import expect

    db = tmp_path / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    with serving(db, tmp_path / "streamlit.log") as url:
        page.goto(url + "/indicator?indicator=dtoc_18")
        expect(page.get_by_test_id("stHeading").first).to_contain_text("Delayed transfers of care",
                                                                       timeout=90_000)
        navigation = page.get_by_test_id("stSidebarNav")
        expect(navigation).to_contain_text("Overview")
        expect(navigation).to_contain_text("Improvement plan")
        expect(navigation.get_by_role("link", name="dashboard", exact=True)).to_have_count(0)


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("name,path,heading,finished", PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_without_exceptions(page, server, name, path, heading, finished, presentation):
    """Each page shows its heading, no exception box, and is saved as a screenshot at both sizes: loaded at the
    first, then the window resized, which redraws the page without running it again."""
    from playwright.sync_api import expect

    from tests.browsing import wait_until_drawn

    query = ("&" if "?" in path else "?") + "presentation=1" if presentation else ""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, (width, height) in enumerate(SIZES):
        page.set_viewport_size({"width": width, "height": height})
        if number == 0:
            page.goto(server + path + query)
        expect(page.get_by_test_id("stHeading").first).to_contain_text(heading, timeout=90_000)
        expect(page.get_by_test_id("stMain").get_by_text(finished).first).to_be_visible(timeout=90_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
        expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=90_000)
        if name.startswith("indicator"):
            expect(page.locator(".pbip-chart").first).to_be_visible(timeout=90_000)
        grids = page.get_by_test_id("stDataFrame").filter(visible=True)  # not those in hidden tabs
        for i in range(grids.count()):
            expect(grids.nth(i).locator("canvas").first).to_be_attached(timeout=90_000)
        tables = page.get_by_test_id("stTable")
        if tables.count():
            expect(tables.first.locator("td").first).to_be_visible(timeout=90_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Traceback")).to_have_count(0)
        expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
        mode = "presentation" if presentation else "normal"
        wait_until_drawn(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}_{mode}_{width}x{height}.png"))


def test_presentation_text_is_projector_sized(page, server):
    """In presentation mode every paragraph of the page is at least 20 px and the title at least 28 px.

    The page is measured once it has finished running, and each size is a waiting assertion
    (`to_have_css` retries), so a slow machine that draws the text before its style cannot fail it.
    """
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/indicator?indicator=dtoc_18&presentation=1")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("The data behind the chart").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    title = page.get_by_test_id("stHeading").locator("h1").first
    expect(title).to_contain_text("Delayed transfers of care")
    expect(title).to_have_css("font-size", AT_LEAST_28_PX, timeout=90_000)
    paragraphs = main.get_by_test_id("stMarkdownContainer").locator("p").filter(visible=True)
    expect(paragraphs.first).to_be_visible()
    for i in range(paragraphs.count()):
        expect(paragraphs.nth(i)).to_have_css("font-size", AT_LEAST_20_PX, timeout=90_000)


# (path, the sentence the page must show when the store holds no data)
EMPTY_PAGES = [
    ("/", "No data has been loaded"),
    ("/board", "No data has been loaded"),
    ("/indicator?indicator=dtoc_18", "No data has been loaded"),
    ("/plan", "The improvement plan is not in this dashboard's database yet"),
    ("/recommendation?ref=R10", "The improvement plan is not in this dashboard's database yet"),
    ("/upload", "Only analysts can upload data"),
    ("/about", "No data has been loaded"),
]


@pytest.mark.parametrize("path,sentence", EMPTY_PAGES, ids=[p[0] for p in EMPTY_PAGES])
def test_every_page_says_so_when_the_store_is_empty(page, empty_server, path, sentence):
    """With no data, each page says so in a sentence: no exception box, no traceback."""
    from playwright.sync_api import expect

    page.goto(empty_server + path)
    expect(page.get_by_test_id("stMain").get_by_text(sentence).first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
