"""Time analysis.spc.xmr_many on the dashboard's full load: 152 local authorities x 6 indicators.

Prints the time for all 912 series of 105 monthly points and the series per second. The data are
synthetic (seeded), shaped like monthly counts with a few missing months and one rebase in a
quarter of the series. Run: .venv/bin/python benchmarks/bench_spc.py

`--national` times the national scale of issue 25 instead (91,200 series x 105 months, one-decimal
values, 1 % missing), with the anchor `DataFrame.groupby(key).mean()` of the same table measured in the
same run, the process's CPU time beside the wall time (a busy machine stretches the wall clock), the
peak memory the call adds, and the load average.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.spc import xmr, xmr_many  # noqa: E402

N_AUTHORITIES = 152
N_INDICATORS = 6
N_MONTHS = 105
REPEATS = 7


def make_table(seed: int = 20240601) -> tuple[pd.DataFrame, dict[str, list[pd.Timestamp]]]:
    """A long table (series, period, value) and a rebase mapping for a quarter of the series."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2016-01-01", periods=N_MONTHS, freq="MS")
    keys = [f"E{la:08d}/ind{ind}" for la in range(N_AUTHORITIES) for ind in range(N_INDICATORS)]
    level = rng.uniform(20, 2000, size=len(keys))
    values = rng.poisson(np.repeat(level, N_MONTHS)).astype(float)
    values[rng.random(values.size) < 0.01] = np.nan
    table = pd.DataFrame({
        "series": np.repeat(keys, N_MONTHS),
        "period": np.tile(months, len(keys)),
        "value": values,
    })
    rebase = {k: [months[60]] for k in keys[::4]}
    return table, rebase


def national(n_series: int = 91_200, n_months: int = 105, repeats: int = 3) -> None:
    """xmr_many on a national store's worth of series, against groupby-mean of the same table."""
    import os
    import resource

    rng = np.random.default_rng(1)
    months = pd.date_range("2016-01-01", periods=n_months, freq="MS")
    level = rng.uniform(20, 2000, size=n_series)
    values = np.round(rng.normal(np.repeat(level, n_months), 10), 1)
    values[rng.random(values.size) < 0.01] = np.nan
    table = pd.DataFrame({"series": np.repeat(np.arange(n_series), n_months),
                          "period": np.tile(months, n_series), "value": values})

    def timed(run) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = []
    for _ in range(repeats):
        anchor = timed(lambda: table.groupby("series")["value"].mean())
        engine = timed(lambda: xmr_many(table, key="series", period="period", value="value",
                                        improvement_direction="increase", target=500.0))
        rows.append((anchor, engine))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (a_wall, a_cpu), (e_wall, e_cpu) = min(rows, key=lambda r: r[1][1])
    print(f"xmr_many, national: {n_series:,} series x {n_months} months ({len(table):,} rows), "
          f"best of {repeats} by CPU; load average {os.getloadavg()[0]:.1f}")
    print(f"  anchor groupby-mean  wall {a_wall:.3f} s  cpu {a_cpu:.3f} s")
    print(f"  xmr_many             wall {e_wall:.3f} s  cpu {e_cpu:.3f} s  "
          f"= {e_cpu / a_cpu:.1f}x the anchor (cpu)")
    print(f"  memory: table {before:.0f} MB peak RSS before, {peak:.0f} MB after "
          f"(+{peak - before:.0f} MB)")


def main() -> None:
    if "--national" in sys.argv[1:]:
        national()
        return
    table, rebase = make_table()
    n_series = table["series"].nunique()
    directions = {k: ("increase", "decrease", "neutral")[i % 3]
                  for i, k in enumerate(table["series"].unique())}

    def run() -> None:
        xmr_many(table, key="series", period="period", value="value",
                 improvement_direction=directions, rebase=rebase, target=500.0)

    run()  # warm up imports and caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(f"xmr_many: {n_series} series x {N_MONTHS} points ({len(table)} rows), {REPEATS} runs")
    print(f"  best   {best:.4f} s  ({n_series / best:,.0f} series/s)")
    print(f"  median {median:.4f} s  ({n_series / median:,.0f} series/s)")

    one = table[table["series"] == table["series"].iloc[0]].set_index("period")["value"]
    start = time.perf_counter()
    for _ in range(100):
        xmr(one, "increase", rebase=rebase.get(table["series"].iloc[0], ()))
    per_call = (time.perf_counter() - start) / 100
    print(f"xmr (one series, for comparison): {per_call * 1000:.2f} ms a call, "
          f"{per_call * n_series:.2f} s if looped over {n_series} series")


if __name__ == "__main__":
    main()
