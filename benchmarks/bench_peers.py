"""Speed of the peers page's two pieces, server-side, beside an empty Streamlit page run in the same process.

    .venv/bin/python benchmarks/bench_peers.py [--runs 7]

Against the bundled store (built into a temporary folder), York and Trafford's CIPFA group:

* the matrix: every indicator for York, the group's members, the region and England, read in one batch
  (`store.assessment.assessment_inputs_many`), assessed with every series' SPC in one batch
  (`analysis.assess.assess_many`, `analysis.spc.xmr_many`), drawn as HTML; cold,
  no cache. Targets 0.3 s (issue 25) and 0.5 s (issue 23); its CPU time is printed too (a busy machine
  stretches the wall clock);
* the funnel: every English council's delayed transfers for the latest month, the fit (φ, τ²), both sets of
  limits and the figure
  serialised as the page sends it. Target 0.3 s;
* the whole page through AppTest, once its assessments are cached (the second visit).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


YORK, ENGLAND, GROUP, REGION = "E06000014", "E92000001", "group:cipfa-trafford-2019", "group:E12000003"



def _empty_page() -> None:
    import streamlit as st

    st.title("Empty")


def median_run(make, runs: int) -> float:
    """The median seconds of `runs` runs of a fresh AppTest from `make`."""
    times = []
    for _ in range(runs):
        at = make()
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)

def median_time(work, runs: int) -> float:
    return median_times(work, runs)[0]


def median_times(work, runs: int) -> tuple[float, float]:
    """The median wall and CPU seconds of ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

    from streamlit.testing.v1 import AppTest

    import store
    from analysis.assess import assess_many
    from analysis.funnel import funnel
    from analysis.matrix import matrix_areas, matrix_cells
    from charts.funnel import funnel_figure
    from charts.matrix import matrix_html
    from loaders import build
    from store import groups
    from store import indicators as store_indicators
    from store.assessment import assessment_inputs_many

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pbip.duckdb"
        build(db)
        con = store.connect(db, read_only=True)
        ids = store_indicators.indicator_choices(con)["indicator_id"].tolist()
        members = groups.members(con, GROUP)["area_code"].tolist()
        areas = matrix_areas(YORK, members, REGION, ENGLAND)
        comparator_for = {code: None if code == ENGLAND else ENGLAND for code in areas}

        def matrix() -> str:
            inputs = assessment_inputs_many(con, ids, areas, comparator_for)
            assessed = assess_many({key: kwargs for key, kwargs in inputs.items() if not kwargs["series"].empty},
                                   today=date.today())
            return matrix_html(matrix_cells(assessed), areas=[(a, a) for a in areas],
                               indicators=[(i, i) for i in ids])

        def funnel_plot() -> str:
            definition = store_indicators.indicator(con, "dtoc_18")
            period = groups.council_periods(con, "dtoc_18").iloc[0]
            councils = groups.england_councils(con, "dtoc_18", period["period_start"])
            f = funnel(councils, definition)
            figure = funnel_figure(f, area_code=YORK, area_name="York", group_codes=set(members), group_name="group",
                                 unit="per 100,000", value_kind="rate", denominator_label="population")
            return json.dumps(figure)  # as the page hands it on: plain data (charts/figure.py)

        inputs = assessment_inputs_many(con, ids, areas, comparator_for)
        assessed = sum(1 for kwargs in inputs.values() if not kwargs["series"].empty)
        matrix_s, matrix_cpu = median_times(matrix, args.runs)
        funnel_s = median_time(funnel_plot, args.runs)
        latest = groups.council_periods(con, "dtoc_18")["period_start"].iloc[0]
        councils = len(groups.england_councils(con, "dtoc_18", latest))
        con.close()

        os.environ["PBIP_DB_PATH"] = str(db)

        def peers_page():
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
            at.switch_page("pages/peers.py")
            return at

        empty = median_run(lambda: AppTest.from_function(_empty_page, default_timeout=60), args.runs)
        page_s = median_run(peers_page, args.runs)
        print(f"anchor: empty Streamlit page (AppTest) {empty:.3f} s; load average {os.getloadavg()[0]:.1f}")
        print(f"{'piece':<58}{'median s':>9}{'ratio':>7}  target")
        rows = [(f"matrix, {len(areas)} areas x {len(ids)} indicators ({assessed} assessed), cold", matrix_s, 0.3),
                ("matrix, the same, CPU time", matrix_cpu, 0.3),
                (f"funnel, {councils} councils, delayed transfers, figure serialised", funnel_s, 0.3),
                ("peers page (AppTest), assessments cached", page_s, None)]
        for name, seconds, target in rows:
            verdict = "" if target is None else f"<{target} s {'met' if seconds < target else 'MISSED'}"
            print(f"{name:<58}{seconds:>9.3f}{seconds / empty:>7.1f}  {verdict}")


if __name__ == "__main__":
    main()
