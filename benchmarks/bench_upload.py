"""Upload speed: validation and preview of the full DToC CSV and of a 1,000,000-row tidy CSV.

    .venv/bin/python benchmarks/bench_upload.py

Targets (the upload issue): DToC local-authority CSV (16,267 rows) validated and previewed in under
1 s; a 1,000,000-row tidy CSV validated and previewed in under 15 s with peak memory under 2 GB.
Prints each stage's time, the peak resident memory of this process, and the confirm time.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import store  # noqa: E402
from loaders import build  # noqa: E402
from loaders.pipeline import confirm_load, preview, read_file, store_context  # noqa: E402
from store.settings import PROJECT_ROOT  # noqa: E402
from store.users import User  # noqa: E402
from tests.test_concurrency import big_tidy  # noqa: E402

DTOC_CSV = PROJECT_ROOT / "data" / "public" / "nhse_dtoc_la_monthly_2011-04_2019-12.csv"
BIG_ROWS = 1_000_000
ANALYST = User("benchmark", "analyst")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"  {label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def run(path: Path, con, archive: Path, limit_mb: float) -> None:
    started = time.perf_counter()
    context = store_context(con)
    extract = _time("read and validate", lambda: read_file(path, context, size_limit_mb=limit_mb))
    shown = _time("preview", lambda: preview(con, extract))
    checked = time.perf_counter() - started
    print(f"  {'validation + preview':<34} {checked:7.2f} s   ({extract.row_count:,} rows; "
          f"{shown.counts.added:,} added, {shown.counts.changed:,} changed, {shown.counts.unchanged:,} unchanged)")
    _time("confirm (one transaction)", lambda: confirm_load(con, path, extract, user=ANALYST, archive_dir=archive))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        bundled = folder / "bundled.duckdb"
        print("building the store from the bundled data …")
        build(bundled)
        work = folder / "pbip.duckdb"
        shutil.copyfile(bundled, work)
        con = store.connect(work)
        print(f"DToC local-authority CSV ({DTOC_CSV.name}), against the built store:")
        run(DTOC_CSV, con, folder / "archive", 50)
        big = big_tidy(folder / "tidy_1m.csv", con, BIG_ROWS)
        print(f"1,000,000-row tidy CSV ({big.stat().st_size / 1024 / 1024:.0f} MB; limit raised for it):")
        run(big, con, folder / "archive", 1000)
        con.close()
    print(f"peak resident memory of this process: {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
