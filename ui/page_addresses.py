"""Each page's address serves Streamlit's page with the server's address written in, so the browser connects at once.

Streamlit's page (its index.html) cannot tell whether `/plan` is a page of an app served at `/` or an app served
at `/plan`. So it asks `/plan/_stcore/health` first, is told 404, waits 100 ms and then asks `/_stcore/health`:
every visit to every page but the overview paid a tenth of a second before the page was even asked for (a
second visit to the plan took 0.8 s, an empty app's 0.3 s). Streamlit reads the server's address from
`window.__streamlit.BACKEND_BASE_URL` when a host sets it; these routes serve index.html with it set, for the
overview and each page of the navigation (ui/navigation.py). The browser works the address out from its own
location, the page's path taken off the end, so it holds behind a proxy that serves the dashboard under a prefix.
An address that is no page (a typo) is left to Streamlit: it finds its server the slow way and opens the overview.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import config, file_util

INDEX_HTML = Path(file_util.get_static_dir()) / "index.html"
HEAD = "<head>"

# Runs before Streamlit's own code (a module script, which waits for the page to be read).
_SCRIPT = """<script>(() => {
  const page = %s;
  let path = location.pathname.replace(/\\/+$/, "");
  if (page && path.endsWith("/" + page)) path = path.slice(0, -page.length - 1);
  window.__streamlit = Object.assign({}, window.__streamlit, {BACKEND_BASE_URL: location.origin + path + "/"});
})();</script>"""


@cache
def page_html(url_path: str) -> str:
    """Streamlit's index.html with the script that gives the browser the server's address, for the page served
    at `url_path` ("" for the overview)."""
    html = INDEX_HTML.read_text(encoding="utf-8")
    if HEAD not in html:  # a Streamlit whose page has changed shape: served as it is, the slow way
        return html
    return html.replace(HEAD, HEAD + _SCRIPT % json.dumps(url_path), 1)


def _serve(url_path: str):
    async def serve(request: Request) -> HTMLResponse:
        # Never kept by the browser: a new Streamlit's page names new bundles (Streamlit's own rule for it).
        return HTMLResponse(page_html(url_path), headers={"Cache-Control": "no-cache"})
    return serve


def routes(url_paths: list[str], base_url_path: str | None = None) -> list[Route]:
    """A route for each page's address under the server's base path (`server.baseUrlPath` unless given), for
    `st.App(..., routes=...)`; "" is the overview's."""
    if base_url_path is None:
        base_url_path = config.get_option("server.baseUrlPath") or ""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    # The overview at the base path's own folder, `/pbip/`, as Streamlit serves it: at `/pbip` the page's
    # relative addresses (./static/...) would miss the base path.
    return [Route(f"{base}/{url_path}", _serve(url_path), methods=["GET", "HEAD"]) for url_path in url_paths]
