"""Time the bundled store's build with and without the York-today files (issue 24), in the same run.

The anchor is the build of every other bundled file (the store as it was before the trust measures);
the ratio of the full build to it is the figure, which a busy machine moves less than seconds. Each
build runs `--repeat` times, alternating, and the fastest of each is kept (CPU time of this process,
since a shared machine stretches the wall clock). Target: the full build within 1.5 x the anchor.

Run: .venv/bin/python benchmarks/bench_build_york_today.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import importlib  # noqa: E402

build = importlib.import_module("loaders.build")

TARGET_RATIO = 1.5


def _timed(bundled, db: Path) -> tuple[float, float]:
    with mock.patch.object(build, "BUNDLED", bundled):
        cpu, wall = time.process_time(), time.perf_counter()
        build.build(db)
        return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    anchor_files = [(path, demo) for path, demo in build.BUNDLED if not path.name.startswith("healthyr_")]
    runs: dict[str, list[tuple[float, float]]] = {"anchor": [], "full": []}
    with tempfile.TemporaryDirectory() as folder:
        for attempt in range(args.repeat):
            runs["anchor"].append(_timed(anchor_files, Path(folder) / f"anchor{attempt}.duckdb"))
            runs["full"].append(_timed(build.BUNDLED, Path(folder) / f"full{attempt}.duckdb"))
    anchor, full = (min(runs[name]) for name in ("anchor", "full"))
    print(f"anchor (the bundled build without the trust files): {anchor[0]:.2f} s CPU, {anchor[1]:.2f} s wall")
    print(f"full build (with the trust files):                   {full[0]:.2f} s CPU, {full[1]:.2f} s wall")
    ratio = full[0] / anchor[0]
    print(f"ratio (CPU): {ratio:.2f} x (target <= {TARGET_RATIO} x): {'met' if ratio <= TARGET_RATIO else 'NOT met'}")


if __name__ == "__main__":
    main()
