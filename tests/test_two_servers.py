"""Two real Streamlit servers on one shared store behind nginx, started by deploy/run, driven in Chromium.

An upload confirmed on one server is seen on the other; two analysts confirming at once on the two
servers both land (or one is told to retry); a server killed with kill -9 while it stores a load leaves
the store as it was (or holds the whole load), and the other server and the proxy keep serving.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

import store
from accounts.users import add_user
from store.copy import copy_store
from store.settings import PROJECT_ROOT, StoreLocation
from tests.servers import free_port, started
from tests.small_store import YORK

PASSWORD = "correct horse"
ANALYST = "Ann Analyst"
# What the door says when a write must be tried again (store.RetryWrite's sentences).
RETRY_SENTENCE = re.compile(r"again in a minute|at the same moment|check the preview again")

pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                       reason="nginx is not installed (apt-get install nginx)"),
]


@pytest.fixture(scope="module")
def cluster(postgres, small_db, tmp_path_factory):
    """deploy/run: two servers and nginx on a shared store holding the small store; their URLs and run folder."""
    folder = tmp_path_factory.mktemp("two_servers")
    location = StoreLocation("ducklake", folder / "lake_data",
                             "postgres:" + postgres.create_database("pbip_two_servers"))
    copy_store(StoreLocation("duckdb", small_db), location, user="test")
    users = folder / "users.json"
    add_user(ANALYST, PASSWORD, "analyst", path=users)
    first, proxy = free_port(), free_port()
    while proxy in (first, first + 1):
        proxy = free_port()
    run_dir = folder / "run"
    environment = {"PBIP_STORE": f"ducklake:{location.catalog}",
                   "PBIP_STORE_DATA_PATH": str(location.path), "PBIP_USERS_FILE": str(users),
                   "PBIP_SERVERS": "2", "PBIP_FIRST_PORT": str(first), "PBIP_PROXY_PORT": str(proxy),
                   "PBIP_RUN_DIR": str(run_dir), "PBIP_PYTHON": sys.executable}
    urls = [f"http://127.0.0.1:{port}" for port in (first, first + 1, proxy)]
    with started([str(PROJECT_ROOT / "deploy" / "run")], environment, folder / "run.log", urls):
        yield {"a": urls[0], "b": urls[1], "proxy": urls[2], "run_dir": run_dir, "location": location,
               "ports": (first, first + 1), "folder": folder}


def _tidy(folder: Path, month: str, numerator: int) -> Path:
    path = folder / f"york_length_of_stay_{month}.csv"
    path.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
                    f"length_of_stay_65,{YORK},York,{month}-01,{month}-28,{numerator},100,,\n", encoding="utf-8")
    return path


def _signed_in_upload_page(context, url: str):
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(url + "/upload")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_label("User name", exact=True).fill(ANALYST)
    sidebar.get_by_label("Password", exact=True).fill(PASSWORD)
    sidebar.get_by_role("button", name="Sign in").click()
    expect(sidebar.get_by_text(f"Signed in as {ANALYST} (analyst)")).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(1, timeout=90_000)
    return page


def _next_page_run(page) -> None:
    """Away to the About page and back to Upload data, in the same session (a reload would sign out)."""
    from playwright.sync_api import expect

    navigation = page.get_by_test_id("stSidebarNav")
    navigation.get_by_role("link", name="About this dashboard").click()
    expect(page.get_by_test_id("stHeading").first).to_contain_text("About this dashboard", timeout=90_000)
    navigation.get_by_role("link", name="Upload data").click()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(1, timeout=90_000)


def _preview(page, file: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(file))
    expect(page.get_by_role("button", name="Confirm and store")).to_be_enabled(timeout=90_000)


def _loads(location: StoreLocation) -> list[tuple]:
    opened = store.open_store(location, read_only=True)
    try:
        return opened.read().execute("SELECT load_id, file_name FROM loads ORDER BY load_id").fetchall()
    finally:
        opened.close()


def _observations(location: StoreLocation) -> list[tuple]:
    opened = store.open_store(location, read_only=True)
    try:
        return opened.read().execute("SELECT * FROM observations ORDER BY ALL").fetchall()
    finally:
        opened.close()


def test_an_upload_confirmed_on_one_server_is_seen_on_the_other(browser, cluster):
    """Confirm a load on server A; server B lists it on its next page run, and so does the proxy."""
    from playwright.sync_api import expect

    file = _tidy(cluster["folder"], "2019-04", 30)
    page_a = _signed_in_upload_page(browser.new_context(), cluster["a"])
    page_b = _signed_in_upload_page(browser.new_context(), cluster["b"])
    _preview(page_a, file)
    page_a.get_by_role("button", name="Confirm and store").click()
    expect(page_a.get_by_text(f"Stored {file.name} as load")).to_be_visible(timeout=90_000)
    _next_page_run(page_b)
    expect(page_b.get_by_test_id("stMain").get_by_text(file.name).first).to_be_visible(timeout=90_000)
    through_proxy = _signed_in_upload_page(browser.new_context(), cluster["proxy"])
    expect(through_proxy.get_by_test_id("stMain").get_by_text(file.name).first).to_be_visible(timeout=90_000)


def test_two_analysts_confirming_at_once_on_two_servers_lose_nothing(browser, cluster):
    """Both press Confirm together: each load is stored, or its analyst is told to try again; none is half-stored."""
    from playwright.sync_api import expect

    before = _loads(cluster["location"])
    files = [_tidy(cluster["folder"], "2019-05", 31), _tidy(cluster["folder"], "2019-06", 32)]
    pages = [_signed_in_upload_page(browser.new_context(), cluster[name]) for name in ("a", "b")]
    for page, file in zip(pages, files, strict=True):
        _preview(page, file)
    for page in pages:
        page.get_by_role("button", name="Confirm and store").click()
    outcomes = []
    for page, file in zip(pages, files, strict=True):
        # The door's "try again" sentences (store.RetryWrite), not any text with "again" in it: the page says
        # "again" elsewhere too, and a loose match read a stored load as refused.
        stored, retry = page.get_by_text(f"Stored {file.name} as load"), page.get_by_text(RETRY_SENTENCE)
        expect(stored.or_(retry).first).to_be_visible(timeout=90_000)
        outcomes.append(stored.count() > 0)
    after = _loads(cluster["location"])
    landed = {name for _, name in after} - {name for _, name in before}
    assert landed == {file.name for file, stored in zip(files, outcomes, strict=True) if stored}
    assert any(outcomes)
    assert len({load_id for load_id, _ in after}) == len(after)


def test_a_server_killed_mid_load_leaves_the_store_whole_and_the_other_serves(browser, cluster):
    """kill -9 server A as it stores a load: the store is as before or holds the whole load; B and nginx serve."""
    from playwright.sync_api import expect

    location = cluster["location"]
    before = _observations(location)
    file = _tidy(cluster["folder"], "2019-07", 33)
    page_a = _signed_in_upload_page(browser.new_context(), cluster["a"])
    _preview(page_a, file)
    pid = int((cluster["run_dir"] / f"server-{cluster['ports'][0]}.pid").read_text())
    page_a.get_by_role("button", name="Confirm and store").click()
    os.kill(pid, signal.SIGKILL)
    after = _observations(location)
    assert after == before or len(after) == len(before) + 1
    page_b = browser.new_context().new_page()
    page_b.goto(cluster["b"] + "/board")
    expect(page_b.get_by_test_id("stHeading").first).to_contain_text("the board view", timeout=90_000)
    # A load on the surviving server is not kept waiting by the killed one's lock.
    page = _signed_in_upload_page(browser.new_context(), cluster["b"])
    second = _tidy(cluster["folder"], "2019-08", 34)
    _preview(page, second)
    page.get_by_role("button", name="Confirm and store").click()
    expect(page.get_by_text(f"Stored {second.name} as load")).to_be_visible(timeout=60_000)
