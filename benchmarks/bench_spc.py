"""Time analysis.spc.xmr_many on the dashboard's full load: 152 local authorities x 6 indicators.

Prints the time for all 912 series of 105 monthly points and the series per second. The data are
synthetic (seeded), shaped like monthly counts with a few missing months and one rebase in a
quarter of the series. Run: .venv/bin/python benchmarks/bench_spc.py
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


def main() -> None:
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
