"""Signing in in Debian's Chromium through `server.py`: a reload keeps the analyst signed in through an
HTTP-only, expiring cookie that holds no password; the form is cleared; sign-out ends it for good."""

from __future__ import annotations

import shutil
import time

import pytest

from accounts.users import add_user
from tests.servers import serving
from ui.session import SESSION_COOKIE, SESSION_ROUTE, SIGN_OUT_ROUTE

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def session_server(bundled_db, tmp_path_factory):
    """The dashboard served by server.py (with the session routes), with one analyst account; its URL."""
    folder = tmp_path_factory.mktemp("sign_in")
    db = folder / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    users = folder / "users.json"
    add_user("Ann Analyst", PASSWORD, "analyst", path=users)
    with serving(db, folder / "streamlit.log", script="server.py",
                                      env={"PBIP_USERS_FILE": str(users)}) as url:
        yield url


def _sidebar(page):
    return page.get_by_test_id("stSidebar")


def _page_ready(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMain").get_by_text("RAG by recommendation").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)


def test_a_reload_keeps_the_analyst_signed_in_until_they_sign_out(page, session_server):
    """Sign in, reload: still the analyst, by an HTTP-only, SameSite=Strict, expiring cookie with no password;
    sign out, reload: signed out, and the old cookie, replayed, signs no one in."""
    from playwright.sync_api import expect

    page.goto(session_server + "/plan")
    _page_ready(page)
    sidebar = _sidebar(page)
    sidebar.get_by_label("User name", exact=True).fill("Ann Analyst")
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_response(lambda response: response.url.endswith(SESSION_ROUTE), timeout=90_000) as answer:
        sidebar.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 204
    expect(sidebar.get_by_text("Signed in as Ann Analyst (analyst)")).to_be_visible(timeout=90_000)
    expect(sidebar.get_by_label("Password", exact=True)).to_have_count(0)

    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert time.time() < cookie["expires"] < time.time() + 24 * 3600
    assert PASSWORD not in cookie["value"]
    assert SESSION_COOKIE not in page.evaluate("document.cookie")
    every_cookie = " ".join(c["value"] for c in page.context.cookies())
    assert PASSWORD not in every_cookie and PASSWORD not in page.evaluate("JSON.stringify(localStorage)")

    page.reload()
    _page_ready(page)
    expect(sidebar.get_by_text("Signed in as Ann Analyst (analyst)")).to_be_visible(timeout=90_000)
    expect(page.get_by_role("tab", name="Add, edit or close an action")).to_be_visible()

    with page.expect_response(lambda response: response.url.endswith(SIGN_OUT_ROUTE), timeout=90_000):
        sidebar.get_by_role("button", name="Sign out").click()
    expect(sidebar.get_by_label("User name", exact=True)).to_be_visible(timeout=90_000)
    assert SESSION_COOKIE not in {c["name"] for c in page.context.cookies()}
    page.reload()
    _page_ready(page)
    expect(sidebar.get_by_label("User name", exact=True)).to_be_visible(timeout=90_000)

    page.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "httpOnly", "sameSite",
                                                       "expires")}])
    page.reload()
    _page_ready(page)
    expect(sidebar.get_by_label("User name", exact=True)).to_be_visible(timeout=90_000)
    expect(sidebar.get_by_text("Signed in as")).to_have_count(0)
