"""What Streamlit reads from .streamlit/config.toml when the dashboard is served from the project's folder.

The served dashboard watches no file: with a watcher, every new session set one on each project module (0.6 s
of every visit), and a file saved while someone looked at a page left Streamlit's "File change. Rerun" prompt
on their screen until they clicked it. Nor does it walk every object in the process after every run.
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


def test_the_served_dashboard_does_not_collect_every_object_after_every_run():
    # A full collection after each run held the interpreter 140 ms on a warm server (ui/memory.py).
    assert served_option("runner.postScriptGC") == "False"


def test_settling_freezes_the_start_once_and_later_garbage_is_still_collected():
    # In a fresh interpreter: freezing is for the whole process, not for this test's.
    script = """
import gc, weakref
from ui import memory

class Node:
    pass

def cycle():
    node = Node(); node.itself = node
    return weakref.ref(node)

before = cycle()  # garbage from the start, collected before freezing
memory.settle()
frozen = gc.get_freeze_count()
memory.settle()  # a second start (another store) in the same process changes nothing
again = gc.get_freeze_count()
after = cycle()  # a page's garbage, made after the freeze
gc.collect()
print(frozen, again, before() is None, after() is None)
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120).stdout.split()
    frozen, again, start_garbage_gone, page_garbage_gone = out
    assert int(frozen) > 1000 and again == frozen
    assert start_garbage_gone == "True" and page_garbage_gone == "True"
