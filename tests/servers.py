"""Starting the dashboard for the browser tests: one way, whether one server (`serving`) or `deploy/run`.

A started server is waited for by its health check (`wait_until_answering`), with a generous deadline for a
busy machine; its output goes to a log that a failure prints.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
STREAMLIT = Path(sys.executable).with_name("streamlit")
# How long a starting server may take to answer its health check; generous, for a busy machine.
START_SECONDS = 180


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    """Return once `url` answers Streamlit's health check; fail with the log if `process` ends or time runs out."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer within {START_SECONDS} s:\n{log.read_text()}")
            time.sleep(0.2)  # polling a starting server, not waiting on a page


@contextlib.contextmanager
def started(command: list[str], env: dict, log: Path, urls: list[str]) -> Iterator[subprocess.Popen]:
    """Run `command` (in its own process group) from the project root until every one of `urls` answers;
    on leaving, stop the whole group: TERM, then KILL after 20 s."""
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for url in urls:
            wait_until_answering(url, process, log)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def serving(db: Path, log: Path, *, script: str = "dashboard.py", env: dict | None = None,
            base_url_path: str = "") -> Iterator[str]:
    """`streamlit run <script>` on a free port against the store file `db`, under `base_url_path` if given (as
    behind a proxy's prefix); its URL (without the base path)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(STREAMLIT), "run", script, "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1"]
    if base_url_path:
        command += ["--server.baseUrlPath", base_url_path]
    with started(command, {"PBIP_DB_PATH": str(db), **(env or {})}, log, [f"{url}/{base_url_path}".rstrip("/")]):
        yield url
