"""Many simultaneous viewers: 2 servers behind nginx on the shared store against 1 server on the embedded file.

    .venv/bin/python benchmarks/bench_servers.py [--sessions 50] [--deadline 600]

Builds the bundled store into a temporary folder, starts a PostgreSQL (tests/postgres.py) and copies the
store into a shared store there, then, for each set-up, starts it with deploy/run (2 servers and nginx on
the shared store; 1 server, no proxy, on the embedded file) and opens `--sessions` browser sessions at
once (Playwright, Debian's chromium, one context each). Each session opens the board view, then an
indicator page; its time to content runs from navigation until the page's finishing text is visible.
Prints p50 and p95 per page, errors (a page not shown within the bound), and each server's peak memory
(resident set, sampled every half second). The whole run is bounded by `--deadline` seconds per set-up.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import postgres  # noqa: E402
from tests.servers import CHROMIUM, free_port  # noqa: E402

PAGES = [("board view", "/board", "What changed since"),
         ("indicator (DToC)", "/indicator?indicator=dtoc_18", "The data behind the chart")]
PAGE_BOUND_SECONDS = 240


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _start(env: dict[str, str], run_dir: Path, ports: list[int], entry: str) -> subprocess.Popen:
    process = subprocess.Popen([str(ROOT / "deploy" / "run")], cwd=ROOT, env={**os.environ, **env,
                               "PBIP_RUN_DIR": str(run_dir), "PBIP_PYTHON": sys.executable},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    for url in [f"http://127.0.0.1:{port}" for port in ports] + [entry]:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{url} did not start") from None
                time.sleep(0.5)
    return process


async def _session(browser, entry: str, timings: dict[str, list[float]], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    try:
        for name, path, text in PAGES:
            started = time.perf_counter()
            try:
                await page.goto(entry + path, timeout=PAGE_BOUND_SECONDS * 1000)
                await page.get_by_text(text).first.wait_for(timeout=PAGE_BOUND_SECONDS * 1000)
                timings[name].append(time.perf_counter() - started)
            except Exception as error:  # a page not shown in time is an error, counted and named
                errors.append(f"{name}: {type(error).__name__}")
    finally:
        await context.close()


async def _crowd(entry: str, sessions: int, deadline: float) -> tuple[dict[str, list[float]], list[str], float]:
    from playwright.async_api import async_playwright

    timings: dict[str, list[float]] = {name: [] for name, _, _ in PAGES}
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        started = time.perf_counter()
        tasks = [asyncio.create_task(_session(browser, entry, timings, errors)) for _ in range(sessions)]
        done, pending = await asyncio.wait(tasks, timeout=deadline)
        for task in pending:
            task.cancel()
            errors.append("session cut off at the deadline")
        elapsed = time.perf_counter() - started
        await browser.close()
    return timings, errors, elapsed


def _run(label: str, env: dict[str, str], ports: list[int], entry: str, sessions: int, deadline: float,
         folder: Path) -> None:
    run_dir = folder / label.replace(" ", "_")
    process = _start(env, run_dir, ports, entry)
    peaks: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for port in ports:
                pid = int((run_dir / f"server-{port}.pid").read_text())
                peaks[port] = max(peaks.get(port, 0.0), _rss_mb(pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        timings, errors, elapsed = asyncio.run(_crowd(entry, sessions, deadline))
    finally:
        stop.set()
        sampler.join()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    print(f"\n{label}: {sessions} sessions at once, all done in {elapsed:.0f} s")
    for name, values in timings.items():
        if values:
            print(f"  {name:<18} p50 {statistics.median(values):6.1f} s   p95 {_percentile(values, 0.95):6.1f} s"
                  f"   ({len(values)} shown)")
    print(f"  errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    for port, peak in sorted(peaks.items()):
        print(f"  server on port {port}: peak memory {peak:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--deadline", type=float, default=600)
    args = parser.parse_args()
    from store.copy import copy_store
    from store.settings import StoreLocation

    with tempfile.TemporaryDirectory(prefix="bench_servers_") as directory:
        folder = Path(directory)
        embedded = folder / "pbip.duckdb"
        subprocess.run([sys.executable, "-m", "loaders", "build", "--db", str(embedded)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        server = postgres.start()
        try:
            lake = StoreLocation("ducklake", folder / "lake", "postgres:" + server.create_database("pbip_bench"))
            copy_store(StoreLocation("duckdb", embedded), lake, user="benchmark")
            first = free_port()
            proxy = free_port()
            _run("2 servers behind nginx, shared store", {
                "PBIP_STORE": f"ducklake:{lake.catalog}", "PBIP_STORE_DATA_PATH": str(lake.path),
                "PBIP_SERVERS": "2", "PBIP_FIRST_PORT": str(first), "PBIP_PROXY_PORT": str(proxy)},
                [first, first + 1], f"http://127.0.0.1:{proxy}", args.sessions, args.deadline, folder)
            single = free_port()
            _run("1 server, embedded file", {"PBIP_STORE": str(embedded), "PBIP_SERVERS": "1",
                                             "PBIP_FIRST_PORT": str(single), "PBIP_PROXY_PORT": ""},
                 [single], f"http://127.0.0.1:{single}", args.sessions, args.deadline, folder)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
