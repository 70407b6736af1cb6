"""The "now" section in Debian's Chromium: the trust's table with its icons and the funnel of every trust."""

from __future__ import annotations

import shutil

import pytest

from tests.servers import ARTIFACTS, CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(bundled_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser_now") / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    with serving(db, tmp_path_factory.mktemp("browser_now_log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--headless", "--no-sandbox", "--disable-gpu"]}


def test_the_overview_shows_the_trust_now_with_its_funnel(page, server):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server + "/")
    heading = page.get_by_test_id("stHeading").filter(has_text="Now: York and Scarborough Teaching Hospitals")
    expect(heading.first).to_be_visible(timeout=90_000)
    table = page.locator("table.pbip-now")
    expect(table.locator("tbody tr")).to_have_count(5, timeout=90_000)
    expect(table.locator("img[alt]").first).to_be_attached()
    expect(page.get_by_text("serving York and beyond").first).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    heading.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "overview_now_1280x720.png"))
    # The funnel is behind its tab, drawn when opened.
    expect(page.locator(".pbip-chart")).to_have_count(0)
    page.get_by_role("tab", name="Every English trust: funnel").click()
    funnel = page.locator(".pbip-picture > img[alt*='every English trust']").filter(visible=True)
    expect(funnel.first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    heading.first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "overview_now_funnel_1280x720.png"))
