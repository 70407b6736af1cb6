"""Time to content in a real browser (Debian's chromium): each page's first and second visit beside an empty app.

    .venv/bin/python benchmarks/bench_browser.py [--runs 5]

Starts `streamlit run dashboard.py` on the bundled store (built into a temporary folder) and a one-line
Streamlit app on free ports, then opens each page in a fresh browser context ("first visit") and again in
the same context ("second visit"), timing from navigation until the page's finishing text is visible and
Streamlit's running indicator is gone. Figures are medians, with the ratio to the empty app's in the same
run. Goal (issue "Board-ready on any screen"): every second visit within 1.5x the empty app's.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STREAMLIT = Path(sys.executable).with_name("streamlit")

# (name, path, text shown once the page has finished)
PAGES = [
    ("overview", "/", "Open an indicator"),
    ("board view", "/board", "What changed since"),
    ("indicator (DToC)", "/indicator?indicator=dtoc_18", "The data behind the chart"),
    ("improvement plan", "/plan", "RAG by recommendation"),
    ("recommendation (R10)", "/recommendation?ref=R10", "Indicators this recommendation is meant to move"),
]
EMPTY_APP = 'import streamlit as st\nst.title("Empty")\nst.write("Loaded")\n'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(script: Path, env: dict[str, str]):
    port = _free_port()
    process = subprocess.Popen([str(STREAMLIT), "run", str(script), "--server.headless", "true", "--server.port",
                                str(port), "--server.address", "127.0.0.1"], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)  # polling a starting server
        yield url
    finally:
        process.terminate()
        process.wait(30)


def time_to_content(page, url: str, finished: str) -> float:
    from playwright.sync_api import expect

    start = time.perf_counter()
    page.goto(url)
    expect(page.get_by_test_id("stMain").get_by_text(finished).first).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)
    return time.perf_counter() - start


def measure(browser, url: str, finished: str, runs: int) -> tuple[float, float]:
    first, second = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        first.append(time_to_content(page, url, finished))
        second.append(time_to_content(page, url, finished))
        context.close()
    return statistics.median(first), statistics.median(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from loaders import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pbip.duckdb"
        build(db)
        empty = Path(folder) / "empty_app.py"
        empty.write_text(EMPTY_APP)
        with sync_playwright() as playwright, serving(empty, {}) as empty_url, \
                serving(ROOT / "dashboard.py", {"PBIP_DB_PATH": str(db)}) as url:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            # One warm-up visit each, so the servers' first-run imports are not counted against a page.
            measure(browser, empty_url, "Loaded", 1)
            measure(browser, url, "Open an indicator", 1)
            empty_first, empty_second = measure(browser, empty_url, "Loaded", args.runs)
            print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.runs} runs at 1280x720")
            print(f"{'page':<24}{'first s':>9}{'ratio':>7}{'second s':>10}{'ratio':>7}  goal (second <= 1.5x empty)")
            print(f"{'empty Streamlit app':<24}{empty_first:>9.2f}{1:>7.1f}{empty_second:>10.2f}{1:>7.1f}")
            for name, path, finished in PAGES:
                first, second = measure(browser, url + path, finished, args.runs)
                met = "met" if second <= 1.5 * empty_second else "MISSED"
                print(f"{name:<24}{first:>9.2f}{first / empty_first:>7.1f}{second:>10.2f}"
                      f"{second / empty_second:>7.1f}  {met}")
            browser.close()


if __name__ == "__main__":
    main()
