"""The commentary workflow in Debian's Chromium through server.py: an analyst drafts and submits, the
indicator's lead signs off, and someone not signed in (a viewer) sees the text only once it is signed off."""

from __future__ import annotations

import shutil

import pytest

from accounts.users import add_user
from tests.servers import ARTIFACTS, serving
from ui.session import SESSION_ROUTE

PASSWORD = "correct horse"
SHOWS = "Delays fell for the third month running"
INDICATOR = "/indicator?indicator=dtoc_18"


@pytest.fixture(scope="module")
def commentary_server(bundled_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("commentary")
    db = folder / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    users = folder / "users.json"
    add_user("Ann Analyst", PASSWORD, "analyst", path=users)
    add_user("Lee Lead", PASSWORD, "lead", path=users, leads=["dtoc_18"])
    with serving(db, folder / "streamlit.log", script="server.py", env={"PBIP_USERS_FILE": str(users)}) as url:
        yield url


def _ready(page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMain").get_by_text(text).first).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)


def _sign_in(page, url: str, name: str) -> None:
    from playwright.sync_api import expect

    page.goto(url + "/plan")
    _ready(page, "RAG by recommendation")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("User name", exact=True).fill(name)
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    # The session cookie is set by the browser's call back to the server: wait for it before moving on.
    with page.expect_response(lambda response: response.url.endswith(SESSION_ROUTE), timeout=120_000):
        sidebar.get_by_role("button", name="Sign in").click()
    expect(sidebar.get_by_text(f"Signed in as {name}")).to_be_visible(timeout=120_000)
    page.goto(url + INDICATOR)
    _ready(page, "The data behind the chart")


def test_draft_submit_sign_off_in_the_browser(browser, commentary_server):
    from playwright.sync_api import expect

    url = commentary_server
    analyst = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(analyst, url, "Ann Analyst")
    main = analyst.get_by_test_id("stMain")
    main.get_by_label("What the data shows").fill(SHOWS)
    main.get_by_label("Owner").fill("Director of Adult Social Care")
    main.get_by_role("button", name="Save draft").click()
    expect(main.get_by_text("Draft saved.")).to_be_visible(timeout=120_000)
    main.get_by_role("button", name="Submit for sign-off").click()
    expect(main.get_by_text("Submitted for sign-off.")).to_be_visible(timeout=120_000)
    expect(main.get_by_role("button", name="Sign off", exact=True)).to_have_count(0)

    viewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    viewer.goto(url + INDICATOR)
    _ready(viewer, "The data behind the chart")
    expect(viewer.get_by_test_id("stMain").get_by_text("No commentary yet").first).to_be_visible()
    expect(viewer.get_by_test_id("stMain").get_by_text(SHOWS)).to_have_count(0)

    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(lead, url, "Lee Lead")
    lead.get_by_test_id("stMain").get_by_role("button", name="Sign off", exact=True).click()
    expect(lead.get_by_test_id("stMain").get_by_text("Signed off.")).to_be_visible(timeout=120_000)

    viewer.reload()
    _ready(viewer, "The data behind the chart")
    shown = viewer.get_by_test_id("stMain").get_by_text(SHOWS)
    expect(shown).to_be_visible(timeout=120_000)
    shown.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    viewer.screenshot(path=str(ARTIFACTS / "commentary_signed_off_viewer.png"))
    expect(viewer.get_by_role("button", name="Save draft")).to_have_count(0)
