"""Time a full board pack (PDF and PowerPoint) for one area, against one bare kaleido export.

Builds the store from the bundled data into a temporary folder (or uses --db), then times: reading the
assessments and the plan as at a board date, drawing the pictures in chromium, laying out each format,
and the whole. The anchor, measured in the same run, is one kaleido export of a one-line figure
(chromium's start included): the pack's time divided by it says how many "browser starts" a pack costs,
which moves less with a busy machine than seconds do. Target: the whole pack within 20 s.

Run: .venv/bin/python benchmarks/bench_board_pack.py [--db PATH] [--area CODE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import plotly.graph_objects as go  # noqa: E402

import store  # noqa: E402
from loaders import build  # noqa: E402
from reports import board_pack, pdf, pptx  # noqa: E402
from reports.figures import pictures, render_png  # noqa: E402

BOARD_DATE = date(2018, 11, 20)
TARGET_SECONDS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing store (default: build one from the bundled data)")
    parser.add_argument("--area", default="E06000014")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else Path(folder) / "bench.duckdb"
        if not args.db:
            build(db)

        started = time.perf_counter()
        render_png([("anchor", go.Figure(go.Scatter(y=[1, 3, 2]), layout={"width": 400, "height": 300}), 1)])
        anchor = time.perf_counter() - started

        opened = store.open_store(db, read_only=True)
        started = time.perf_counter()
        pack = board_pack.from_store(opened.connection, area_code=args.area, comparator_code="E92000001",
                                     as_at=BOARD_DATE)
        read = time.perf_counter() - started
        opened.close()
        started = time.perf_counter()
        drawn = pictures([page.assessment for page in pack.pages], funnel=pack.funnel)
        draw = time.perf_counter() - started
        started = time.perf_counter()
        paper = pdf.render(pack, drawn)
        lay_pdf = time.perf_counter() - started
        started = time.perf_counter()
        slides = pptx.render(pack, drawn)
        lay_pptx = time.perf_counter() - started

    whole = read + draw + lay_pdf + lay_pptx
    verdict = "met" if whole <= TARGET_SECONDS else "MISSED"
    rows = [("anchor: one bare kaleido export (chromium start included)", anchor),
            ("read assessments and plan", read),
            (f"draw {len(pack.pages)} charts and the icons in chromium", draw),
            (f"lay out the PDF ({len(paper):,} bytes)", lay_pdf),
            (f"lay out the slides ({len(slides):,} bytes)", lay_pptx),
            ("whole pack, both formats", whole)]
    print(f"board pack for {pack.area_name} as at {BOARD_DATE}, {pack.version_text}")
    for label, seconds in rows:
        print(f"  {label:<60} {seconds:6.2f} s")
    print(f"  whole / anchor: {whole / anchor:.1f}; target {TARGET_SECONDS} s: {verdict}")

if __name__ == "__main__":
    main()
