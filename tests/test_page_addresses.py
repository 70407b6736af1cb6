"""Each page's address serves Streamlit's page with the server's address written in (ui/page_addresses.py), so the
browser asks for the server once, at the right address, instead of first at the page's and waiting 100 ms."""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.routing import Match

from tests.browsing import wait_until_drawn
from tests.servers import serving
from ui import page_addresses
from ui.navigation import PAGES, url_paths

STREAMLIT_SCRIPT = '<script type="module"'
PAGES_FOLDER = Path(__file__).resolve().parent.parent / "pages"


def _scope(path: str, method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": []}


def _answer(route, path: str):
    """The route's answer to a GET of `path`, run on its own thread: Playwright's sync API may hold this one's
    event loop when a browser test ran first in the process."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, route.endpoint(Request(_scope(path)))).result()


def _route_for(routes, path: str, method: str = "GET"):
    matched = [route for route in routes if route.matches(_scope(path, method))[0] == Match.FULL]
    return matched[0] if matched else None


class TestRoutes:
    def test_every_page_of_the_navigation_has_its_address(self):
        routes = page_addresses.routes(url_paths(), "")
        assert [route.path for route in routes] == ["/", "/board", "/indicator", "/peers", "/plan",
                                                     "/recommendation", "/upload", "/about"]
        # Every page script is in the list (a page left out would be neither in the sidebar nor served here).
        scripts = sorted(f"pages/{path.name}" for path in PAGES_FOLDER.glob("*.py"))
        assert sorted(page.script for page in PAGES) == scripts

    def test_under_a_base_path(self):
        routes = page_addresses.routes(["", "plan"], "/pbip/")
        assert [route.path for route in routes] == ["/pbip/", "/pbip/plan"]
        assert _route_for(routes, "/plan") is None
        assert _route_for(routes, "/pbip") is None  # Streamlit sends it to /pbip/, where ./static/ resolves

    def test_the_servers_base_path_setting_is_read_when_not_given(self, monkeypatch):
        from streamlit import config

        monkeypatch.setattr(config, "get_option", lambda name: "pbip" if name == "server.baseUrlPath" else None)
        assert [route.path for route in page_addresses.routes(["", "about"])] == ["/pbip/", "/pbip/about"]

    @pytest.mark.parametrize("path", ["/nowhere", "/plan/_stcore/health", "/static/js/index.js", "/favicon.png",
                                      "/_stcore/health", "/pbip/session"])
    def test_no_other_address_is_taken_from_streamlit(self, path):
        assert _route_for(page_addresses.routes(url_paths(), ""), path) is None

    def test_a_post_is_not_answered_with_the_page(self):
        routes = page_addresses.routes(url_paths(), "")
        assert all(route.matches(_scope("/plan", "POST"))[0] != Match.FULL for route in routes)

    @pytest.mark.parametrize("path", ["/", "/plan", "/recommendation"])
    def test_the_answer_is_streamlits_page_with_the_address_script_first(self, path):
        route = _route_for(page_addresses.routes(url_paths(), ""), path)
        response = _answer(route, path)
        body = response.body.decode("utf-8")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"  # a new Streamlit's page names new bundles
        assert "BACKEND_BASE_URL" in body
        # Before Streamlit's own code, which reads it once as it starts.
        assert body.index("BACKEND_BASE_URL") < body.index(STREAMLIT_SCRIPT)
        # Streamlit's page is otherwise as Streamlit wrote it.
        original = page_addresses.INDEX_HTML.read_text(encoding="utf-8")
        assert len(body) > len(original)
        assert body.replace(body[body.index("<script>(() =>"):body.index("</script>") + len("</script>")], "") \
            == original

    def test_the_page_name_is_written_as_a_javascript_string(self):
        assert 'const page = "plan";' in page_addresses.page_html("plan")
        assert 'const page = "";' in page_addresses.page_html("")

    def test_a_streamlit_page_without_a_head_is_served_as_it_is(self, monkeypatch, tmp_path):
        odd = tmp_path / "index.html"
        odd.write_text("<html><body>odd</body></html>", encoding="utf-8")
        monkeypatch.setattr(page_addresses, "INDEX_HTML", odd)
        page_addresses.page_html.cache_clear()
        try:
            assert page_addresses.page_html("plan") == "<html><body>odd</body></html>"
        finally:
            page_addresses.page_html.cache_clear()


# --- In Debian's chromium, through server.py -----------------------------------------------------------------

@pytest.fixture(scope="module")
def served(bundled_db, tmp_path_factory):
    """The dashboard as users get it (`streamlit run server.py`)."""
    folder = tmp_path_factory.mktemp("page_addresses")
    shutil.copyfile(bundled_db, folder / "pbip.duckdb")
    with serving(folder / "pbip.duckdb", folder / "streamlit.log", script="server.py") as url:
        yield url


def _drawn(page) -> None:
    """The page's title is shown (its run has begun) and the page has finished drawing."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible(timeout=90_000)
    wait_until_drawn(page)


def _health_asked(page) -> list[str]:
    """Every health check the page asks for from now on (a list the caller may clear)."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if request.url.endswith("_stcore/health") else None)
    return asked


def test_every_page_asks_for_the_server_once_at_its_address(served, page):
    """Streamlit's page asks `<page>/_stcore/health` first and waits 100 ms after the 404; served through
    server.py, each page of the navigation asks `/_stcore/health` alone, and is drawn."""
    asked = _health_asked(page)
    for url_path in url_paths():
        asked.clear()
        page.goto(f"{served}/{url_path}")
        _drawn(page)
        assert asked == [f"{served}/_stcore/health"], url_path
        assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{served}/"


def test_an_address_that_is_no_page_is_left_to_streamlit(served, page):
    """A mistyped address still opens the dashboard, Streamlit finding its server the slow way."""
    from playwright.sync_api import expect

    page.goto(f"{served}/no-such-page")
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Overview", timeout=90_000)
    assert page.evaluate("window.__streamlit === undefined")


@pytest.fixture(scope="module")
def served_under_a_prefix(bundled_db, tmp_path_factory):
    """server.py with `server.baseUrlPath` set, as behind a proxy that serves the dashboard at /pbip."""
    folder = tmp_path_factory.mktemp("page_addresses_prefix")
    shutil.copyfile(bundled_db, folder / "pbip.duckdb")
    with serving(folder / "pbip.duckdb", folder / "streamlit.log", script="server.py", base_url_path="pbip") as url:
        yield url


def test_under_a_base_path_each_page_finds_its_server_there(served_under_a_prefix, page):
    asked = _health_asked(page)
    for url_path in ("", "plan"):
        asked.clear()
        page.goto(f"{served_under_a_prefix}/pbip/{url_path}")
        _drawn(page)
        assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{served_under_a_prefix}/pbip/"
        assert asked == [f"{served_under_a_prefix}/pbip/_stcore/health"], url_path
