"""Speed of the store: prints figures, asserts nothing (targets from the store-and-loaders issue).

- cold build of the database from the bundled data (target under 3 s)
- load of the full local-authority DToC CSV, 16,267 rows (under 1 s)
- load of a generated 1,000,000-row tidy extract (under 10 s, peak memory under 1.5 GB)

Each step runs in a fresh Python process, so its time includes nothing cached and its peak resident
memory (ru_maxrss) is its own. Run: .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
step, work = sys.argv[1], Path(sys.argv[2])
import store
from loaders import build
from loaders.build import BUNDLED, load_reference
from loaders.pipeline import load_into
from store.settings import archive_dir_for
started = time.perf_counter()
if step == "build":
    build(work / "cold.duckdb")
    elapsed = time.perf_counter() - started
else:
    con = store.connect(work / f"{{step}}.duckdb")
    load_reference(con, user="benchmark")
    load_into(con, BUNDLED[0][0], user="benchmark", archive_dir=archive_dir_for(work / "x.duckdb"),
              size_limit_mb=500)
    target = BUNDLED[1][0] if step == "dtoc" else work / "extract_1m.csv"
    started = time.perf_counter()
    result = load_into(con, target, user="benchmark", archive_dir=archive_dir_for(work / "x.duckdb"),
                       size_limit_mb=500)
    elapsed = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "peak_mb": peak_mb}}))
"""


def write_million_rows(path: Path) -> int:
    """A tidy extract of 1,000,000 distinct rows: 6 indicators x 309 English districts x 540 months, first million."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""
        COPY (
            WITH areas AS (
                SELECT DISTINCT code AS area_code FROM read_csv_auto(
                    '{ROOT}/data/public/ons_mid_year_population_lad_single_year_1997-2020.csv', all_varchar=true)
                WHERE code LIKE 'E%'),
            indicators AS (SELECT unnest(['ae_attendances_65', 'emergency_admissions_65',
                'care_home_admissions_65', 'length_of_stay_65', 'readmissions_65', 'dtoc_18']) AS indicator_id),
            months AS (SELECT (DATE '1980-01-01' + INTERVAL (m) MONTH)::DATE AS period_start
                       FROM range(540) AS t(m))
            SELECT indicator_id, area_code, '' AS area_name, period_start,
                   last_day(period_start) AS period_end,
                   (hash(area_code, period_start, indicator_id) % 500)::INTEGER AS numerator,
                   CASE WHEN indicator_id = 'dtoc_18' THEN NULL ELSE 1000 END AS denominator,
                   '' AS value, '' AS value_note
            FROM indicators, areas, months LIMIT 1000000
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)
    return con.execute(f"SELECT count(*) FROM read_csv_auto('{path}')").fetchone()[0]


def run(step: str, work: Path) -> dict:
    output = subprocess.run([sys.executable, "-c", STEP.format(root=str(ROOT)), step, str(work)],
                            check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        rows = write_million_rows(work / "extract_1m.csv")
        size = (work / "extract_1m.csv").stat().st_size / 1024 / 1024
        print(f"{'step':<44}{'seconds':>9}{'peak MB':>10}   target")
        for step, label, target in [
            ("build", "cold build from bundled data", "< 3 s"),
            ("dtoc", "load DToC CSV (16,267 rows)", "< 1 s"),
            ("million", f"load tidy extract ({rows:,} rows, {size:.0f} MB)", "< 10 s, < 1,536 MB"),
        ]:
            figures = run(step, work)
            print(f"{label:<44}{figures['seconds']:>9.2f}{figures['peak_mb']:>10.0f}   {target}")


if __name__ == "__main__":
    main()
