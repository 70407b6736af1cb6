"""Server run of each page beside an empty page reached through the same navigation, first and second visit.

    .venv/bin/python benchmarks/bench_pages.py [--runs 7] [--pages recommendation,plan]

Runs against the bundled store (built into a temporary folder). The anchor is an empty page added to
dashboard.py's own navigation (it and a copy of dashboard.py are written beside dashboard.py for the run),
so every page, the empty one included, pays the same start: settings, the store, the navigation. Each run is
a server's after its first request (`as_served`). A visit is AppTest's run of the page in a session that has
already shown the overview; the first visit is the page's first run in that session, the second its rerun
(what a widget change or a return costs). Each figure is the median over `--runs` fresh sessions; the
process's caches are warm after the first. Beside each page, how many elements and layout blocks it drew (the
sidebar's included); the floor's rows are the empty page with 10, 20 and 40 lines of constant text more, what
that many elements cost when nothing is read or computed, and with one of each kind of element the pages draw
(KINDS_PAGE), what those kinds cost. A server compiles each script once; so does the run here (`as_served`).
Goal (issue 25): every page ≤ 1.5× the empty page. Ratios are only comparable within one run: the load
average is printed beside them; CPU time is the steadier figure on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 1.5
PAGES = [
    ("overview", "pages/overview.py", {}),
    ("board view", "pages/board.py", {}),
    ("board view (presentation)", "pages/board.py", {"presentation": "1"}),
    ("indicator (DToC)", "pages/indicator.py", {"indicator": "dtoc_18"}),
    ("indicator (length of stay)", "pages/indicator.py", {"indicator": "length_of_stay_65"}),
    ("among its peers", "pages/peers.py", {}),
    ("improvement plan", "pages/plan.py", {}),
    ("recommendation (R10)", "pages/recommendation.py", {"ref": "R10"}),
    ("upload (signed out)", "pages/upload.py", {}),
    ("about", "pages/about.py", {}),
]
EMPTY_PAGE = 'import streamlit as st\n\nst.title("Empty")\n'
# The floor: the empty page with this many elements more, each a line of constant text (nothing read, nothing
# computed), timed the same way. What a page's count of elements alone costs, whatever the page does.
FLOOR = (10, 20, 40)
# The floor of kinds: the empty page with one or more of each kind of element the pages draw (metrics in columns, a
# picture, an expander, a download, tabs, a table, a multiselect, a date, the sidebar's choices and a form), all
# constant. Streamlit sends each kind's own code to the browser and draws it its own way, so a page of these costs
# more than lines of text; this is that cost when nothing is read or computed.
KINDS_PAGE = EMPTY_PAGE + """import datetime

left, middle, right = st.columns(3)
left.metric("York", "12.5", "1.2")
middle.metric("England", "10.8")
right.metric("Compared", "Higher")
st.markdown("**Constant text** in bold.")
st.html('<img alt="A constant picture" src="data:image/svg+xml;base64,'
        'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI0MDAiIGhlaWdodD0iMTAwIi8+">')
st.caption("A constant caption.")
st.subheader("A constant subheader")
with st.expander("A constant expander"):
    st.markdown("Inside the expander.")
st.download_button("Download the data (CSV)", "a,b\\n1,2\\n", file_name="constant.csv")
one, two = st.tabs(["One", "Two"])
one.markdown("In the first tab.")
two.markdown("In the second tab.")
st.dataframe({"Action": [f"Action {i}" for i in range(12)], "RAG": ["Green"] * 12}, hide_index=True)
st.multiselect("Projects", ["Project 1", "Project 2", "Project 3"], default=["Project 1"])
st.date_input("Overdue as at", datetime.date(2026, 1, 1))
st.sidebar.selectbox("Indicator", ["One", "Two", "Three"])
st.sidebar.select_slider("Periods shown", options=[12, 24, 36, 60], value=36)
with st.sidebar.form("constant_form"):
    st.text_input("User name")
    st.text_input("Password", type="password")
    st.form_submit_button("Sign in")
st.markdown("Last line of constant text.")
"""
NAVIGATION = "st.navigation(navigation_pages())"  # dashboard.py's navigation: an empty page is added at its end


def floor_page(elements: int) -> str:
    return EMPTY_PAGE + "".join(f'st.markdown("Line {i} of constant text.")\n' for i in range(elements))


def app_with_empty_page() -> tuple[Path, list[Path]]:
    """dashboard.py's copy, written beside it (so its pages resolve), whose navigation also holds an empty page and
    the floor's pages, in pages/. (AppTest shows the overview instead of a page elsewhere, or one with its own
    url_path.) Returns the app and the added pages: the empty page first, the floor of kinds last."""
    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    if NAVIGATION not in source:
        raise SystemExit("dashboard.py's navigation has changed: update NAVIGATION in benchmarks/bench_pages.py")
    added = []
    for text in (EMPTY_PAGE, *(floor_page(n) for n in FLOOR), KINDS_PAGE):
        handle, name = tempfile.mkstemp(prefix="bench_pages_", suffix=".py", dir=ROOT / "pages")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        added.append(Path(name))
    handle, name = tempfile.mkstemp(prefix="bench_pages_", suffix=".py", dir=ROOT)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        pages = ", ".join(f'st.Page("pages/{page.name}", title="Empty {i}")' for i, page in enumerate(added))
        out.write(source.replace(NAVIGATION, f"st.navigation([*navigation_pages(), {pages}])"))
    return Path(name), added


def elements(at) -> int:
    """How many elements and layout blocks the run drew, in the page and the sidebar (each a message to send)."""
    def count(node) -> int:
        children = getattr(node, "children", None) or {}
        return 1 + sum(count(child) for child in children.values())
    return sum(count(block) - 1 for block in at._tree.children.values())


def as_served() -> None:
    """Every AppTest run as a server's after its first request: through dashboard.py's navigation.

    AppTest forgets before each run that the app uses st.navigation, so Streamlit starts the run in its legacy
    mode for apps beside a `pages/` folder: the page alone, without dashboard.py. Our pages leave that mode and
    rerun (ui/context.py `_leave_legacy_page_mode`), paying a second start; the empty page never did, so it was
    timed without dashboard.py at all. A server leaves legacy mode on its first request, for good.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    made = PagesManager.__init__

    def made_as_served(self, *args, **kwargs):
        made(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = made_as_served
    # A server compiles each script once, into its runtime's cache, for every session and run; AppTest makes a new
    # cache for every run, so it compiled dashboard.py and the page each time (2 ms for the plan, 0 for the empty
    # page): a cost that grew with a page's source, not with what it shows.
    served = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: served


def visits(app: Path, page: str, query: dict[str, str], runs: int) -> tuple[tuple[float, float, float, float], int]:
    """Median seconds of the page's first and second run in a session that began on the overview, on the clock and
    in CPU (the process's: the script's thread does the work, AppTest's own thread mostly waits). CPU time hardly
    moves with other work on the machine; the clock does. The page's own title is checked, so a page AppTest could
    not find (it would show the overview) is never timed."""
    from streamlit.testing.v1 import AppTest

    first, second, first_cpu, second_cpu = [], [], [], []
    for _ in range(runs):
        at = AppTest.from_file(str(app), default_timeout=120).run()
        at.switch_page(page)
        for key, value in query.items():
            at.query_params[key] = value
        for times, cpu in ((first, first_cpu), (second, second_cpu)):
            start, start_cpu = time.perf_counter(), time.process_time()
            at.run()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            assert not at.exception, at.exception
        if Path(page).name.startswith("bench_pages_"):
            assert [title.value for title in at.title] == ["Empty"], "AppTest did not show the empty page"
        drawn = elements(at)
        # dashboard.py's own sidebar switch: the page ran through its navigation.
        assert "Interactive charts" in [toggle.label for toggle in at.sidebar.toggle], "not through dashboard.py"
    return tuple(statistics.median(values) for values in (first, second, first_cpu, second_cpu)), drawn


def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", default="", help="comma-separated words; only pages whose name holds one")
    args = parser.parse_args()
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's bare-mode warnings hide the table
    chosen = [p for p in PAGES if not args.pages or any(w in p[0] for w in args.pages.split(","))]
    as_served()

    from loaders import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pbip.duckdb"
        build(db)
        os.environ["PBIP_DB_PATH"] = str(db)
        app, added = app_with_empty_page()
        empty, floor, kinds = added[0], added[1:-1], added[-1]
        try:
            visits(app, f"pages/{empty.name}", {}, 2)  # the process's first run pays imports and caches: not counted
            print(f"load average (1/5/15 min) at start: {load()}; median of {args.runs} sessions each")
            anchor, drawn = visits(app, f"pages/{empty.name}", {}, args.runs)
            print(f"{'':<28}{'':>9}{'clock, s (×empty)':^32}{'CPU, s (×empty)':^32}")
            print(f"{'page':<28}{'elements':>9}{'1st visit':>16}{'2nd visit':>16}{'1st visit':>16}{'2nd visit':>16}  "
                  f"goal ≤ {GOAL}× empty")
            print(f"{'empty page (anchor)':<28}{drawn:>9}" + "".join(f"{value:>8.3f}{'':>8}" for value in anchor))
            rows = [(f"empty page + {n} lines", f"pages/{page.name}", {}) for n, page in zip(FLOOR, floor, strict=True)]
            rows.append(("empty page + each kind", f"pages/{kinds.name}", {}))
            for name, path, query in [*rows, *chosen]:
                figures, drawn = visits(app, path, query, args.runs)
                ratios = [value / base for value, base in zip(figures, anchor, strict=True)]
                verdict = "" if name.startswith("empty page") else "met" if max(ratios) <= GOAL else "MISSED"
                print(f"{name:<28}{drawn:>9}" + "".join(f"{value:>8.3f}{f'({ratio:.1f})':>8}"
                                                        for value, ratio in zip(figures, ratios, strict=True))
                      + f"  {verdict}")
            print(f"load average at end: {load()}")
        finally:
            for path in (app, *added):
                path.unlink(missing_ok=True)

if __name__ == "__main__":
    main()
