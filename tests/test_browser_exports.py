"""The plan page in Debian's Chromium with hostile text in its actions: every export downloaded and every
cell checked for live formulas; no table offers Streamlit's own CSV download; and Markdown in an action
makes the viewer's browser fetch nothing.
"""

from __future__ import annotations

import csv
import http.server
import io
import shutil
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

import store
from charts.text import WORD_JOINER
from store import plan
from store.roles import User
from tests.servers import serving
from ui.download import FORMULA_STARTS

FORMULAS = {"description": '=HYPERLINK("http://x")', "progress": "-2+3+cmd|' /C calc'!A0", "lead": "@SUM(1)"}
HOSTILE_REF = "R10.1"
# Added (not edited) so "since the last board" has a row about it too.
NEW_REF = "R5.9"
YORK = "E06000014"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with an empty 200 and remembers its path."""

    requests: list[str]

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """A tiny HTTP server on a free loopback port: (its URL, the paths it was asked for)."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def markdown_payloads(url: str) -> dict[str, str]:
    """Markdown that would make a browser fetch from `url` if any page rendered it."""
    return {"image": f"![x]({url}/image)", "link_image": f"[![y]({url}/linked)]({url}/link)",
            "html": f'<img src="{url}/html">', "reference": f"![z][r]\n\n[r]: {url}/reference"}


def area_payload(url: str) -> str:
    """An area name that is both a spreadsheet formula and a Markdown image fetched from `url`."""
    return f'=HYPERLINK("http://x") ![a]({url}/area)'


@pytest.fixture(scope="module")
def hostile_server(bundled_db, tmp_path_factory, listener):
    """The dashboard on a store whose actions hold formula and Markdown payloads; its URL."""
    url, _ = listener
    markdown = markdown_payloads(url)
    db = tmp_path_factory.mktemp("hostile") / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    con = store.connect(db)
    try:
        analyst = User("Ann Analyst", "analyst")
        plan.update_action(con, HOSTILE_REF, FORMULAS, user=analyst)
        plan.add_action(con, {"ref": NEW_REF, "description": markdown["image"] + " " + markdown["html"],
                              "lead": markdown["link_image"], "due_date": None, "progress": markdown["reference"],
                              "rag": "Grey"}, user=analyst)
        # As a MAR or DToC file could name an area; there is no write function that renames one.
        con.execute("UPDATE areas SET area_name = ? WHERE area_code = ?", [area_payload(url), YORK])
    finally:
        con.close()
    with serving(db, tmp_path_factory.mktemp("hostile_log") / "streamlit.log") as served:
        yield served


def _finished(page, last_text: str = "RAG by recommendation") -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMain").get_by_text(last_text).first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=90_000)


def _download(page, label: str) -> bytes:
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).locator("button")
    with page.expect_download(timeout=90_000) as download:
        button.click()
    return Path(download.value.path()).read_bytes()


def test_every_plan_export_holds_no_live_formula(page, hostile_server):
    """Both CSVs and the workbook, downloaded as a viewer would: every text cell that starts like a formula
    is neutralised (CSV: a leading apostrophe; .xlsx: a text cell holding exactly what was typed)."""
    from playwright.sync_api import expect

    page.goto(hostile_server + "/plan")
    _finished(page)
    page.get_by_role("tab", name="Excel export").click()
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(3, timeout=90_000)

    for label in ("Action plan (.csv)", "Since last board (.csv)"):
        rows = list(csv.reader(io.StringIO(_download(page, label).decode("utf-8"))))
        assert len(rows) > 1, label
        live = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS) and not _number(cell)]
        assert not live, (label, live)
        if label == "Action plan (.csv)":
            row = next(row for row in rows if row[0] == HOSTILE_REF)
            assert {"'" + payload for payload in FORMULAS.values()} <= set(row)
        else:
            assert NEW_REF in {row[0] for row in rows}

    workbook = load_workbook(io.BytesIO(_download(page, "Action plan and since last board (.xlsx)")))
    assert workbook.sheetnames == ["Action plan", "Since last board"]
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert len(cells) > 100
    assert not [f"{cell.parent.title}!{cell.coordinate}" for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert set(FORMULAS.values()) <= texts


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_table_offers_streamlits_own_download(page, hostile_server):
    """Hovering a grid (the About page's sources) shows its toolbar without "Download as CSV", which would skip
    the escaping."""
    from playwright.sync_api import expect

    page.goto(hostile_server + "/about")
    _finished(page, "Data status")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_attached(timeout=90_000)
    grid.hover()
    expect(page.get_by_role("button", name="Search").first).to_be_visible(timeout=90_000)
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)


@pytest.mark.parametrize("path", ["/plan", "/plan?presentation=1", "/recommendation?ref=R5&presentation=1"],
                         ids=["plan", "plan_presentation", "recommendation_presentation"])
def test_markdown_in_an_action_makes_the_browser_fetch_nothing(page, hostile_server, listener, path):
    """An action holding `![x](http://127.0.0.1:PORT/...)` (and a linked image, an <img>, a reference image)
    is shown as text: no image or link to the listener is in the page, and the listener hears nothing."""
    from playwright.sync_api import expect

    url, requests = listener
    page.goto(hostile_server + path)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stHeading").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=90_000)
    payloads = markdown_payloads(url)
    if "presentation" in path:
        # The payload reached the page as the text typed (plain() adds only invisible word joiners): proof
        # that the checks below looked at it.
        cell = main.get_by_text(url.removeprefix("http://") + "/image").first
        expect(cell).to_be_visible(timeout=90_000)
        assert payloads["image"] in cell.inner_text().replace(WORD_JOINER, "")
    else:
        # The lead filter's options are drawn only when it is open (and only those matching what is typed).
        main.get_by_role("combobox", name="Lead").fill("linked")
        option = page.get_by_role("option").filter(has_text="/linked")
        expect(option).to_be_visible(timeout=90_000)
        assert option.inner_text().replace(WORD_JOINER, "") == payloads["link_image"]
    page.wait_for_load_state("networkidle")
    expect(page.locator(f'img[src^="{url}"], a[href^="{url}"]')).to_have_count(0)
    # Only the actions' payloads: the area name's is the next test's (the pages showing it are not ours).
    assert [request for request in requests if not request.startswith("/area")] == []


def test_the_indicator_download_escapes_a_formula_in_an_area_name(page, hostile_server, listener):
    """The indicator page's CSV, whose heading names the area, neutralises an area name that is a formula."""
    from playwright.sync_api import expect

    url, _ = listener
    page.goto(hostile_server + "/indicator?indicator=dtoc_18")
    button = page.get_by_test_id("stDownloadButton").first
    expect(button).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    with page.expect_download(timeout=90_000) as download:
        button.locator("button").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) > 1
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS) and not _number(cell)]
    assert "'" + area_payload(url) + " value" in rows[0]


AREA_PAGES = {"overview": "/", "board": "/board", "indicator": "/indicator?indicator=dtoc_18", "peers": "/peers",
              "plan": "/plan", "recommendation": "/recommendation?ref=R10", "upload": "/upload", "about": "/about"}


@pytest.mark.parametrize("path", list(AREA_PAGES.values()), ids=list(AREA_PAGES))
def test_markdown_in_an_area_name_makes_the_browser_fetch_nothing(page, hostile_server, listener, path):
    """An area name holding a Markdown image is shown as text on every page (the About page once drew it)."""
    from playwright.sync_api import expect

    url, requests = listener
    requests.clear()  # what this page asks for, not an earlier test's
    page.goto(hostile_server + path)
    expect(page.get_by_test_id("stMain").get_by_test_id("stHeading").first).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=90_000)
    page.wait_for_load_state("networkidle")
    expect(page.locator(f'img[src^="{url}"], a[href^="{url}"]')).to_have_count(0)
    assert [request for request in requests if request.startswith("/area")] == []
