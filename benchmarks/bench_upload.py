"""Upload speed: every column validated and the load previewed, for the full DToC CSV and a 1,000,000-row
tidy CSV, against DuckDB's bare read_csv of the same file in the same run.

    .venv/bin/python benchmarks/bench_upload.py

Targets (issue 12): the local-authority DToC CSV (16,267 rows) validated and previewed in at most 1 s;
a 1,000,000-row tidy CSV in at most 10 s with peak memory at most 1.5 GB. Issue 25: the 1,000,000-row
tidy CSV validated and previewed in at most 3 x DuckDB's typed read_csv of the same file, measured in
the same process moments after, using at most 2 x its memory (the rise in peak resident memory over
the process's memory before, the read_csv's measured in a process of its own the same way). On a
shared machine the seconds move with the load, so CPU seconds are printed beside them, and the load
average. Each file is measured in a process of its own, so its peak resident memory is its own, after
a small file has been through the same steps (as in a running dashboard, imports and first calls are
paid once per start).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

import store  # noqa: E402
from loaders import build  # noqa: E402
from loaders.pipeline import confirm_load, read_file, store_context  # noqa: E402
from store.loads import preview  # noqa: E402
from store.roles import User  # noqa: E402
from store.settings import PROJECT_ROOT  # noqa: E402

DTOC_CSV = PROJECT_ROOT / "data" / "public" / "nhse_dtoc_la_monthly_2011-04_2019-12.csv"
WARM_UP = PROJECT_ROOT / "data" / "public" / "nhse_dtoc_york_england_monthly_2011-04_2019-12.csv"
BIG_ROWS = 1_000_000
ANALYST = User("benchmark", "analyst")
TARGETS = {"dtoc": (1.0, None), "tidy": (10.0, 1536)}  # seconds, peak MB
TIMES_READ_CSV, MEMORY_TIMES_READ_CSV = 3.0, 2.0  # issue 25, the tidy file


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _seconds(work) -> tuple[float, object]:
    global _cpu
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    _cpu = time.process_time() - cpu
    return time.perf_counter() - started, result


_cpu = 0.0  # CPU seconds of the last step, every thread of this process: what a busy machine cannot inflate


def _bare_read(path: Path) -> None:
    """DuckDB's typed read_csv (types detected, nothing checked) into numpy, as a reader hands on its rows."""
    duckdb.sql(f"SELECT * FROM read_csv('{path}')").fetchnumpy()


def read_csv_memory(path: Path) -> None:
    """In a process of its own: the rise in peak memory of DuckDB's typed read_csv of `path`."""
    _bare_read(WARM_UP)
    before = _rss_mb()
    _bare_read(path)
    print(f"{_peak_mb() - before:.1f}")


def measure(case: str, path: Path, db: Path, archive: Path) -> None:
    """One file in this process, warmed up as a running dashboard is: validation, preview, then
    DuckDB's bare read (after the peak memory is taken), then confirm."""
    con = store.connect(db)
    context = store_context(con)
    preview(con, read_file(WARM_UP, context))  # imports and first calls, paid once per dashboard start
    _bare_read(WARM_UP)
    before = _rss_mb()
    checked, extract = _seconds(lambda: read_file(path, context, size_limit_mb=1000))
    checked_cpu = _cpu
    previewed, shown = _seconds(lambda: preview(con, extract))
    previewed_cpu = _cpu
    peak = _peak_mb()
    bare, _ = _seconds(lambda: _bare_read(path))
    bare_cpu = _cpu
    total = checked + previewed
    seconds_target, memory_target = TARGETS[case]
    print(f"  rows: {extract.row_count:,} ({shown.counts.added:,} added, {shown.counts.changed:,} changed, "
          f"{shown.counts.unchanged:,} unchanged)")
    print(f"  {'':38} {'wall':>7}   {'CPU':>7}")
    print(f"  read and validate every column:        {checked:7.2f} s {checked_cpu:7.2f} s")
    print(f"  preview against the store:             {previewed:7.2f} s {previewed_cpu:7.2f} s")
    print(f"  validation + preview:                  {total:7.2f} s {checked_cpu + previewed_cpu:7.2f} s   "
          f"target <= {seconds_target:g} s: {'met' if total <= seconds_target else 'MISSED'} (wall)")
    total_cpu = checked_cpu + previewed_cpu
    times = total / bare
    print(f"  DuckDB typed read_csv, same file:      {bare:7.2f} s {bare_cpu:7.2f} s   validation + preview is "
          f"{times:.1f} x this (wall), {total_cpu / bare_cpu:.1f} x (CPU)"
          + (f"   target <= {TIMES_READ_CSV:g} x: {'met' if times <= TIMES_READ_CSV else 'MISSED'} (wall)"
             if case == "tidy" else ""))
    print(f"  load average while measured:           {os.getloadavg()[0]:7.2f} on {os.cpu_count()} cores")
    print(f"  peak resident memory of this process:  {peak:7,.0f} MB"
          + (f"   target <= {memory_target:,} MB: {'met' if peak <= memory_target else 'MISSED'}"
             if memory_target else ""))
    if case == "tidy":
        read_rise = float(subprocess.run([sys.executable, __file__, "read_csv", str(path)], check=True,
                                         capture_output=True, text=True).stdout.strip())
        rise = peak - before
        print(f"  peak memory above the memory before:   {rise:7,.0f} MB; DuckDB's typed read_csv alone "
              f"{read_rise:,.0f} MB: {rise / read_rise:.1f} x   target <= {MEMORY_TIMES_READ_CSV:g} x: "
              f"{'met' if rise <= MEMORY_TIMES_READ_CSV * read_rise else 'MISSED'}")
    confirmed, _ = _seconds(lambda: confirm_load(con, path, extract, user=ANALYST, archive_dir=archive))
    print(f"  confirm (one transaction):             {confirmed:7.2f} s")
    con.close()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "read_csv":
        read_csv_memory(Path(sys.argv[2]))
        return
    if len(sys.argv) == 5 and sys.argv[1] in TARGETS:
        measure(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    from tests.test_concurrency import big_tidy

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        bundled = folder / "bundled.duckdb"
        print("building the store from the bundled data …")
        build(bundled)
        con = store.connect(bundled)
        big = big_tidy(folder / "tidy_1m.csv", con, BIG_ROWS)
        con.close()
        for case, path, title in [
            ("dtoc", DTOC_CSV, f"DToC local-authority CSV ({DTOC_CSV.name})"),
            ("tidy", big, f"1,000,000-row tidy CSV ({big.stat().st_size / 1024 / 1024:.0f} MB; limit raised)"),
        ]:
            db = folder / f"{case}.duckdb"
            shutil.copyfile(bundled, db)
            print(f"{title}, against a copy of the built store:", flush=True)
            subprocess.run([sys.executable, __file__, case, str(path), str(db), str(folder / "archive")],
                           check=True)


if __name__ == "__main__":
    main()
