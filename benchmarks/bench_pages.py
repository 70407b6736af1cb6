"""Server run of each page beside an empty page reached through the same navigation, first and second visit.

    .venv/bin/python benchmarks/bench_pages.py [--runs 7] [--pages recommendation,plan]

Runs against the bundled store (built into a temporary folder). The anchor is an empty page added to
dashboard.py's own navigation (it and a copy of dashboard.py are written beside dashboard.py for the run),
so every page, the empty one included, pays the same start: settings, the store, the navigation. Each run is
a server's after its first request (`as_served`). A visit is AppTest's run of the page in a session that has
already shown the overview; the first visit is the page's first run in that session, the second its rerun
(what a widget change or a return costs). Each figure is the median over `--runs` fresh sessions; the
process's caches are warm after the first. Goal (issue 25): every page ≤ 1.5× the empty page. Ratios are
only comparable within one run: the load average is printed beside them; CPU time is the steadier figure on
a busy machine.
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
NAVIGATION = "st.navigation(navigation_pages())"  # dashboard.py's navigation: an empty page is added at its end


def app_with_empty_page() -> tuple[Path, Path]:
    """dashboard.py's copy, written beside it (so its pages resolve), whose navigation also holds an empty page in
    pages/. (AppTest shows the overview instead of a page elsewhere, or one with its own url_path.)"""
    source = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    if NAVIGATION not in source:
        raise SystemExit("dashboard.py's navigation has changed: update NAVIGATION in benchmarks/bench_pages.py")
    files = []
    for text, folder in ((EMPTY_PAGE, ROOT / "pages"), (source, ROOT)):
        handle, name = tempfile.mkstemp(prefix="bench_pages_", suffix=".py", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        files.append(Path(name))
    empty, app = files
    app.write_text(source.replace(NAVIGATION, f'st.navigation([*navigation_pages(), st.Page("pages/{empty.name}", '
                                              f'title="Empty")])'), encoding="utf-8")
    return app, empty


def as_served() -> None:
    """Every AppTest run as a server's after its first request: through dashboard.py's navigation.

    AppTest forgets before each run that the app uses st.navigation, so Streamlit starts the run in its legacy
    mode for apps beside a `pages/` folder: the page alone, without dashboard.py. Our pages leave that mode and
    rerun (ui/context.py `_leave_legacy_page_mode`), paying a second start; the empty page never did, so it was
    timed without dashboard.py at all. A server leaves legacy mode on its first request, for good.
    """
    from streamlit.runtime.pages_manager import PagesManager

    made = PagesManager.__init__

    def made_as_served(self, *args, **kwargs):
        made(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = made_as_served


def visits(app: Path, page: str, query: dict[str, str], runs: int) -> tuple[float, float, float, float]:
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
        # dashboard.py's own sidebar switch: the page ran through its navigation.
        assert "Interactive charts" in [toggle.label for toggle in at.sidebar.toggle], "not through dashboard.py"
    return tuple(statistics.median(values) for values in (first, second, first_cpu, second_cpu))


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
        app, empty = app_with_empty_page()
        try:
            visits(app, f"pages/{empty.name}", {}, 2)  # the process's first run pays imports and caches: not counted
            print(f"load average (1/5/15 min) at start: {load()}; median of {args.runs} sessions each")
            anchor = visits(app, f"pages/{empty.name}", {}, args.runs)
            print(f"{'':<28}{'clock, s (×empty)':^32}{'CPU, s (×empty)':^32}")
            print(f"{'page':<28}{'1st visit':>16}{'2nd visit':>16}{'1st visit':>16}{'2nd visit':>16}  "
                  f"goal ≤ {GOAL}× empty")
            print(f"{'empty page (anchor)':<28}" + "".join(f"{value:>8.3f}{'':>8}" for value in anchor))
            for name, path, query in chosen:
                figures = visits(app, path, query, args.runs)
                ratios = [value / base for value, base in zip(figures, anchor, strict=True)]
                verdict = "met" if max(ratios) <= GOAL else "MISSED"
                print(f"{name:<28}" + "".join(f"{value:>8.3f}{f'({ratio:.1f})':>8}"
                                              for value, ratio in zip(figures, ratios, strict=True)) + f"  {verdict}")
            print(f"load average at end: {load()}")
        finally:
            app.unlink(missing_ok=True)
            empty.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
