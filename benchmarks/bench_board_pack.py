"""Time the board pack, both formats from one command, against a bare python importing pandas and DuckDB.

    .venv/bin/python benchmarks/bench_board_pack.py [--db PATH] [--area CODE] [--runs 3] [--before CHECKOUT]

Builds the store from the bundled data into a temporary folder (or uses --db), then times, as fresh
processes the way a scheduler runs them: the anchor (python importing pandas and DuckDB, none of the
project's code: a fixed piece of the pack's own floor), `python -m reports board-pack` with both formats
from one command, and the same pack as two commands (one per format).
Figures are medians of --runs, each with the load average when it finished: the pack's time divided by the
anchor's moves less with a busy machine than seconds do.
Then where the one command's time goes: importing the pack's code (a fresh python), and in this process
reading the store, building the figures, drawing them (the pages' SVG renderer, then resvg), laying out each
format. In the one command the layouts overlap the drawing: each format is laid out by a copy of the
command's process (reports/layout_process.py) while the command draws the pictures and sends each on.
Goal (issue 25): both formats within 6 s from one command.
`--before CHECKOUT` also times the one command from another checkout (say, main before a change).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOARD_DATE = date(2018, 11, 20)
GOAL_SECONDS = 6
ANCHOR = "import pandas, duckdb"


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def timed(commands: list[list[str]], runs: int, cwd: Path = ROOT) -> tuple[float, list[str]]:
    """Median seconds for the commands run one after another, and the load average after each run."""
    seconds, loads = [], []
    for _ in range(runs):
        started = time.perf_counter()
        for command in commands:
            subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=600)
        seconds.append(time.perf_counter() - started)
        loads.append(_load())
    return statistics.median(seconds), loads


def stages(db: Path, area: str) -> list[tuple[str, float]]:
    """The one command's stages one after another (the command overlaps the drawing with the layouts)."""
    import store
    from reports import board_pack, pdf, pptx
    from reports.figures import chart_figure, chart_svg, pictures

    rows = []
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import reports.board_pack, reports.pdf, reports.pptx"], cwd=ROOT,
                   check=True)
    rows.append(("import the pack's code (a fresh python)", time.perf_counter() - started))
    started = time.perf_counter()
    opened = store.open_existing(str(db), read_only=True)
    pack = board_pack.from_store(opened.connection, area_code=area, comparator_code="E92000001",
                                 as_at=BOARD_DATE)
    opened.close()
    rows.append(("read assessments and plan", time.perf_counter() - started))
    started = time.perf_counter()
    for page in pack.pages:
        chart_svg(chart_figure(page.assessment))
    rows.append((f"build {len(pack.pages)} charts' figures and SVG (python)", time.perf_counter() - started))
    started = time.perf_counter()
    drawn = pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
    rows.append((f"build and draw {len(drawn.charts)} charts and {len(drawn.icons)} icons (resvg)",
                 time.perf_counter() - started))
    started = time.perf_counter()
    paper = pdf.render(pack, drawn)
    rows.append((f"lay out the PDF ({len(paper):,} bytes)", time.perf_counter() - started))
    started = time.perf_counter()
    slides = pptx.render(pack, drawn)
    rows.append((f"lay out the slides ({len(slides):,} bytes)", time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing store (default: build one from the bundled data)")
    parser.add_argument("--area", default="E06000014")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout whose one command to time as well")
    args = parser.parse_args()
    from loaders import build

    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else Path(folder) / "bench.duckdb"
        if not args.db:
            build(db)
        out = Path(folder)
        pack = [sys.executable, "-m", "reports", "board-pack", "--as-at", f"{BOARD_DATE}", "--area", args.area,
                "--db", str(db)]
        both = [*pack, "--format", "pdf", "--out", str(out / "pack.pdf"), "--format", "pptx", "--out",
                str(out / "pack.pptx")]
        apart = [[*pack, "--format", name, "--out", str(out / f"apart.{name}")] for name in ("pdf", "pptx")]
        timed([[sys.executable, "-c", ANCHOR]], 1)  # warm-up: python's files into the cache
        anchor, anchor_loads = timed([[sys.executable, "-c", ANCHOR]], args.runs)
        one, one_loads = timed([both], args.runs)
        two, two_loads = timed(apart, args.runs)
        before = timed([both], args.runs, args.before) if args.before else None
        rows = stages(db, args.area)

    print(f"board pack as at {BOARD_DATE} for {args.area}; medians of {args.runs} runs, fresh processes")
    print(f"  {'':<62}{'s':>7}{'/ anchor':>10}  load average after each run")
    print(f"  {'anchor: python importing pandas and DuckDB':<62}{anchor:>7.2f}{1:>10.1f}  "
          f"{', '.join(anchor_loads)}")
    print(f"  {'both formats, one command (--format pdf --format pptx)':<62}{one:>7.2f}{one / anchor:>10.1f}  "
          f"{', '.join(one_loads)}")
    print(f"  {'both formats, two commands (one per format)':<62}{two:>7.2f}{two / anchor:>10.1f}  "
          f"{', '.join(two_loads)}")
    if before:
        label = f"before: one command in {args.before}"
        print(f"  {label:<62}{before[0]:>7.2f}{before[0] / anchor:>10.1f}  {', '.join(before[1])}")
    print(f"  goal: one command within {GOAL_SECONDS} s: {'met' if one <= GOAL_SECONDS else 'MISSED'}")
    print(f"where the one command's time goes (one after another; load average {_load()}):")
    for label, seconds in rows:
        print(f"  {label:<62}{seconds:>7.2f}")


if __name__ == "__main__":
    main()
