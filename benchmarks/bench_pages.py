"""Median server-side render time of each page (an AppTest run) beside an empty Streamlit page.

    .venv/bin/python benchmarks/bench_pages.py [--runs 15]

Runs against the bundled store (built into a temporary folder). Target: each page under 3x the
empty page and under 0.5 s.
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

PAGES = [
    ("overview", "pages/overview.py", {}),
    ("board view", "pages/board.py", {}),
    ("board view (presentation)", "pages/board.py", {"presentation": "1"}),
    ("indicator (DToC)", "pages/indicator.py", {"indicator": "dtoc_18"}),
    ("indicator (length of stay)", "pages/indicator.py", {"indicator": "length_of_stay_65"}),
    ("improvement plan", "pages/plan.py", {}),
    ("recommendation (R10)", "pages/recommendation.py", {"ref": "R10"}),
    ("upload (signed out)", "pages/upload.py", {}),
    ("about", "pages/about.py", {}),
]


def _empty_page() -> None:
    import streamlit as st

    st.title("Empty")


def median_run(make, runs: int) -> float:
    times = []
    for _ in range(runs):
        at = make()
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's bare-mode warnings hide the table

    from streamlit.testing.v1 import AppTest

    from loaders import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pbip.duckdb"
        build(db)
        os.environ["PBIP_DB_PATH"] = str(db)

        def page(path: str, query: dict[str, str]):
            def make():
                at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
                at.switch_page(path)
                for key, value in query.items():
                    at.query_params[key] = value
                return at
            return make

        empty = median_run(lambda: AppTest.from_function(_empty_page, default_timeout=60), args.runs)
        print(f"{'page':<30}{'median s':>10}{'empty s':>10}{'ratio':>8}  target (<3x, <0.5 s)")
        for name, path, query in PAGES:
            median = median_run(page(path, query), args.runs)
            ok = median < 3 * empty and median < 0.5
            print(f"{name:<30}{median:>10.3f}{empty:>10.3f}{median / empty:>8.1f}  {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
