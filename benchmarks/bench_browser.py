"""Time to the last drawn chart in a real browser (Debian's chromium): each page's first and second visit
beside an empty Streamlit app, normal and presentation mode, York's store and a national one.

    .venv/bin/python benchmarks/bench_browser.py [--runs 3] [--national] [--pages peers improvement]

Serves the dashboard as users get it, `streamlit run server.py` (st.App: the session routes and each page's
address with the server's written in), with an empty page added to dashboard.py's navigation (as
`bench_pages.py` does; its row is the dashboard's own start, sidebar and navigation with nothing drawn) on the
bundled store (built into a temporary folder), and a one-line Streamlit app the same way (an st.App, the same
command and flags), on free ports. Each page is opened in a fresh browser context ("first visit") and again in the same
context ("second visit"). The clock runs from navigation until the page has finished (its last text visible,
Streamlit's running indicator gone) AND everything it draws is drawn, checked at every animation frame: every
visible chart's picture (charts/svg.py) laid out, every visible plotly chart's SVG (`.main-svg`) holding its
traces (with "Interactive charts" on), and every visible table's canvas (st.dataframe's grid) painted. That is
what a user waits for, not the last text. Figures are medians; each ratio is the page's median over the empty
app's, whose visits are interleaved with the page's (one pair just before each of the page's), with the load
average after each page's runs. Goals (issue 25): second visit <= 1.5x the empty app's, first <= 2x.

`--national` adds a national store: the bundled store plus every English upper-tier council x every
local-authority indicator x ten years (2008-04 to 2018-03, monthly or financial years as the indicator
is published; invented values, loaded through `loaders.load_file` like any extract), kept where the
store already has a value. Building it takes a minute or two on a busy machine, printed beside the table.
"""

from __future__ import annotations

import argparse
import csv
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
    ("peers", "/peers", "the region and England"),
    ("improvement plan", "/plan", "RAG by recommendation"),
    ("recommendation (R10)", "/recommendation?ref=R10", "Indicators this recommendation is meant to move"),
]
EMPTY_APP = 'import streamlit as st\nst.title("Empty")\nst.write("Loaded")\n'
EMPTY_SERVER = 'import streamlit as st\n\napp = st.App("empty_app.py")\n'
# server.py's app and its page addresses: the copy serves dashboard.py's copy, and the empty page's address too.
SERVED_APP, SERVED_PATHS = 'st.App("dashboard.py"', "url_paths()"
GOAL_FIRST, GOAL_SECOND = 2.0, 1.5

# True once every visible chart and table on the page is drawn: no skeleton left (Streamlit's stand-in while
# an element's code loads), every plotly chart's SVG holding a trace (or the figure has none), and every
# st.dataframe grid's canvas painted in its heading row (the canvas starts transparent). Charts and tables
# in a closed tab or expander are not seen, so not waited for.
DRAWN = """() => {
  const seen = (el) => el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  // A chart or table whose code is still loading shows a skeleton, not yet its own element.
  for (const box of document.querySelectorAll('[data-testid="stMain"] [data-testid="stSkeleton"]')) {
    if (seen(box)) return false;
  }
  // A chart drawn as a picture: the image its column shows is decoded and laid out with its height.
  for (const box of document.querySelectorAll('.pbip-chart')) {
    if (!seen(box)) continue;
    const shown = [...box.querySelectorAll(':scope > .pbip-picture > img')].filter(seen);
    if (!shown.length || !shown[0].complete || !shown[0].naturalWidth || !shown[0].getBoundingClientRect().height)
      return false;
  }
  for (const box of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!seen(box)) continue;
    const plot = box.querySelector('.js-plotly-plot');
    if (!plot || !plot._fullLayout || !plot.querySelector('.main-svg')) return false;
    if ((plot.data || []).length && !plot.querySelector('.main-svg g.trace')) return false;
  }
  for (const box of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!seen(box)) continue;
    const canvas = box.querySelector('canvas');
    if (!canvas || !canvas.width || !canvas.height) return false;
    const context = canvas.getContext('2d');
    if (!context) continue;  // a grid drawn some other way: its canvas is there, which is all we can see
    const pixels = context.getImageData(0, 0, canvas.width, Math.min(canvas.height, 30)).data;
    let painted = false;
    for (let i = 3; i < pixels.length; i += 4 * 7) { if (pixels[i]) { painted = true; break; } }
    if (!painted) return false;
  }
  return true;
}"""
# The page has finished: its last text is shown in the main area, Streamlit's running indicator is gone, and
# everything it draws is drawn (DRAWN).
# Cheapest checks first, and none that lays the page out (innerText would, at every frame, while it is drawn).
FINISHED = """(finished) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.textContent.includes(finished)) return false;
  return (""" + DRAWN + """)();
}"""
COUNT = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"], .pbip-chart')]
  .filter(e => e.checkVisibility()).length
  + '/' + [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(e => e.checkVisibility()).length"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


@contextmanager
def serving(script: Path, env: dict[str, str]):
    """`streamlit run SCRIPT` headless on a free port, the same command for the dashboard and the empty app."""
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


def time_to_drawn(page, url: str, finished: str) -> float:
    """Seconds from navigation until the page has finished and drawn everything, checked at every frame.

    One check at every animation frame, not Playwright's `expect`: that backs off to polling every 500 ms
    after the first 270 ms, so any page finishing between 0.3 and 0.8 s after the load event read as 0.8 s.
    """
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FINISHED, arg=finished, polling="raf", timeout=120_000)
    return time.perf_counter() - start


def visit_twice(browser, url: str, finished: str) -> tuple[float, float, str]:
    """A first and a second visit in a fresh browser context, and how many charts/tables the page drew."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        first = time_to_drawn(page, url, finished)
        second = time_to_drawn(page, url, finished)
        return first, second, page.evaluate(COUNT)
    finally:
        context.close()


def measure(browser, url: str, finished: str, runs: int, anchor: str | None = None
            ) -> tuple[float, float, str, float, float]:
    """Median first and second visit, and how many charts/tables the page drew; with `anchor` (the empty app's
    address), its median first and second visit too, each run of it just before the page's, so both see the
    same machine (its load moves during a run)."""
    first, second, anchor_first, anchor_second, drawn = [], [], [], [], ""
    for _ in range(runs):
        if anchor:
            times = visit_twice(browser, anchor, "Loaded")
            anchor_first.append(times[0])
            anchor_second.append(times[1])
        one, two, drawn = visit_twice(browser, url, finished)
        first.append(one)
        second.append(two)
    medians = [statistics.median(values) if values else float("nan")
               for values in (first, second, anchor_first, anchor_second)]
    return medians[0], medians[1], drawn, medians[2], medians[3]


def with_presentation(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "presentation=1"


def national_store(db: Path, folder: Path) -> tuple[int, float]:
    """Every English upper-tier council x every local-authority indicator x ten years, loaded into `db` as one
    tidy extract; rows the store already holds are left as they are. Returns (rows loaded, seconds)."""
    import duckdb
    import numpy as np
    import pandas as pd

    from loaders import load_file

    con = duckdb.connect(str(db), read_only=True)
    councils = con.execute("""
        SELECT area_code, area_name FROM areas
        WHERE area_type IN ('unitary authority', 'county', 'metropolitan district', 'London borough')
          AND area_code LIKE 'E%' ORDER BY area_code""").fetchall()
    indicators = con.execute("""SELECT indicator_id, value_kind, frequency FROM indicators
                                WHERE area_relation = 'local_authority' ORDER BY indicator_id""").fetchall()
    held = set(con.execute("SELECT indicator_id, area_code, period_start FROM observations").fetchall())
    con.close()
    months = pd.date_range("2008-04-01", "2018-03-01", freq="MS")
    years = pd.date_range("2008-04-01", "2017-04-01", freq="12MS")
    rng = np.random.default_rng(25)
    path = folder / "national_tidy.csv"
    rows = 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["indicator_id", "area_code", "area_name", "period_start", "period_end", "numerator",
                         "denominator", "value", "value_note"])
        for indicator_id, value_kind, frequency in indicators:
            starts = months if frequency == "monthly" else years
            ends = starts + (pd.offsets.MonthEnd(1) if frequency == "monthly" else pd.DateOffset(years=1, days=-1))
            for code, name in councils:
                level = rng.uniform(0.05, 0.6)
                for start, end in zip(starts, ends, strict=True):
                    if (indicator_id, code, start.date()) in held:
                        continue
                    if value_kind in ("rate", "percentage"):
                        denominator = int(rng.integers(20_000, 200_000))
                        numerator = int(rng.binomial(denominator, level / 10))
                        cells = [numerator, denominator, ""]
                    else:
                        cells = ["", "", round(float(rng.uniform(5, 900)), 1)]  # within every kind's range
                    writer.writerow([indicator_id, code, name, f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", *cells, ""])
                    rows += 1
    started = time.perf_counter()
    load_file(path, db, user="benchmark", size_limit_mb=1_000)
    return rows, time.perf_counter() - started


def table(browser, url: str, empty_url: str, pages: list[tuple[str, str, str]], runs: int, label: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    print(label)
    print(f"  {'page':<36}{'first s':>8}{'ratio':>7}{'second s':>9}{'ratio':>7}  {'empty app s':>11}  {'drawn':>6}"
          f"  load  goals (first <= {GOAL_FIRST}x, second <= {GOAL_SECOND}x)")
    for name, path, finished in pages:
        for mode, address in (("", path), (", presentation", with_presentation(path))):
            try:
                first, second, drawn, empty_first, empty_second = measure(browser, url + address, finished, runs,
                                                                          anchor=empty_url)
            except (AssertionError, PlaywrightTimeout) as error:  # a page that never finished is a finding: said
                print(f"  {name + mode:<36}did not finish within 120 s: {str(error).splitlines()[0]}  {_load():>4}",
                      flush=True)
                continue
            met = ("met" if first <= GOAL_FIRST * empty_first else "first MISSED",
                   "met" if second <= GOAL_SECOND * empty_second else "second MISSED")
            print(f"  {name + mode:<36}{first:>8.2f}{first / empty_first:>7.1f}{second:>9.2f}"
                  f"{second / empty_second:>7.1f}  {empty_first:>5.2f}/{empty_second:.2f}  {drawn:>6}  {_load():>4}  "
                  f"{', '.join(met)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--national", action="store_true", help="also measure a national store")
    parser.add_argument("--pages", nargs="+", metavar="NAME",
                        help="only the pages whose name starts with one of these (the empty page is always measured)")
    args = parser.parse_args()
    from bench_pages import app_with_empty_page  # beside this script

    # dashboard.py's copy with an empty page in its navigation, served for every page: the empty page's row is
    # what the dashboard's own start, sidebar and navigation cost before any page draws anything.
    # The floor: the empty page with 40 lines of constant text more (bench_pages.FLOOR's last), about as many
    # elements as a page with content draws, and nothing read or computed.
    # The floor of kinds (bench_pages.KINDS_PAGE): one of each kind of element the pages draw, all constant.
    app, added = app_with_empty_page()
    empty_page, floor_page, kinds_page = added[0], added[-2], added[-1]
    server = served_copy(app, [empty_page, floor_page, kinds_page])
    chosen = [p for p in PAGES if not args.pages or p[0].startswith(tuple(args.pages))]
    pages = [("dashboard's empty page", f"/{empty_page.stem}", "Empty"),
             ("empty page + 40 lines", f"/{floor_page.stem}", "Line 39 of constant text."),
             ("empty page + each kind", f"/{kinds_page.stem}", "Last line of constant text."), *chosen]
    try:
        measure_all(server, pages, args)
    finally:
        for path in (server, app, *added):
            path.unlink(missing_ok=True)


def served_copy(app: Path, added: list[Path]) -> Path:
    """server.py's copy beside it, serving `app` (dashboard.py's copy) and the added pages' addresses too."""
    source = (ROOT / "server.py").read_text(encoding="utf-8")
    if SERVED_APP not in source or SERVED_PATHS not in source:
        raise SystemExit("server.py has changed: update SERVED_APP and SERVED_PATHS in benchmarks/bench_browser.py")
    handle, name = tempfile.mkstemp(prefix="bench_server_", suffix=".py", dir=ROOT)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(source.replace(SERVED_APP, f'st.App("{app.name}"')
                  .replace(SERVED_PATHS, "[*url_paths(), " + ", ".join(f'"{page.stem}"' for page in added) + "]"))
    return Path(name)


def measure_all(app: Path, pages: list[tuple[str, str, str]], args: argparse.Namespace) -> None:
    from playwright.sync_api import sync_playwright

    from loaders import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pbip.duckdb"
        build(db)
        (Path(folder) / "empty_app.py").write_text(EMPTY_APP)
        empty_script = Path(folder) / "empty_server.py"
        empty_script.write_text(EMPTY_SERVER)
        stores = [("York's store (the bundled data)", db)]
        if args.national:
            national = Path(folder) / "national" / "pbip.duckdb"
            national.parent.mkdir()
            build(national)
            rows, seconds = national_store(national, Path(folder))
            stores.append((f"national store (+{rows:,} rows: every English upper-tier council x every "
                           f"local-authority indicator x ten years, loaded in {seconds:.0f} s)", national))
        with sync_playwright() as playwright, serving(empty_script, {}) as empty_url:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            measure(browser, empty_url, "Loaded", 1)  # warm-up: the server's first-run imports
            print(f"medians of {args.runs} runs at 1280x720; drawn = visible charts/tables; load = load average "
                  "after the page's runs")
            for label, store_db in stores:
                with serving(app, {"PBIP_DB_PATH": str(store_db)}) as url:
                    measure(browser, url, "Open an indicator", 1)  # warm-up: imports, the store's caches
                    print()
                    table(browser, url, empty_url, pages, args.runs, label)
            browser.close()


if __name__ == "__main__":
    main()
