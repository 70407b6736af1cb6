"""What Streamlit reads from .streamlit/config.toml when the dashboard is served from the project's folder.

The served dashboard watches no file: with a watcher, every new session set one on each project module (0.6 s
of every visit), and a file saved while someone looked at a page left Streamlit's "File change. Rerun" prompt
on their screen until they clicked it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def served_option(name: str) -> str:
    """The option as Streamlit resolves it for a server started in the project's folder."""
    return subprocess.run(
        [sys.executable, "-c", f"from streamlit import config; config.get_config_options(); "
                               f"print(config.get_option({name!r}))"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def test_the_served_dashboard_watches_no_file():
    assert served_option("server.fileWatcherType") == "none"
    assert served_option("server.runOnSave") == "False"
