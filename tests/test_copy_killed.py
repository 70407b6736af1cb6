"""Issue 22 (7): a `copy-store` killed part way leaves the target as it was, and the next copy works.

On main the copy wrote straight into the target, so kill -9 left a target that might not open, and
running `copy-store` again, with or without `--replace`, died on it. The copy now goes to a temporary
file and is moved into place only once verified. The kill is made deterministic: the copying process
kills itself with SIGKILL at the last step before its commit.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys

import duckdb
import pytest

from loaders.__main__ import main
from store.settings import PROJECT_ROOT

KILLED_COPY = """
import os, signal, sys
import store.copy
store.copy._advance_sequences = lambda con: os.kill(os.getpid(), signal.SIGKILL)
from loaders.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def _killed_copy(*args: str) -> int:
    done = subprocess.run([sys.executable, "-c", KILLED_COPY, "copy-store", *args], cwd=PROJECT_ROOT,
                          capture_output=True, timeout=600)
    return done.returncode


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _audit_lines(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        con.close()


def test_a_killed_copy_to_a_new_target_leaves_nothing_and_the_next_copy_works(small_store_db, tmp_path, capsys):
    target = tmp_path / "copy.duckdb"
    assert _killed_copy("--from", str(small_store_db), "--to", str(target)) == -signal.SIGKILL
    assert not target.exists()
    assert main(["copy-store", "--from", str(small_store_db), "--to", str(target)]) == 0
    assert _audit_lines(target) == _audit_lines(small_store_db) + 1
    assert not list(tmp_path.glob("*.copying*"))


@pytest.mark.parametrize("replace", [True, False])
def test_a_killed_replacing_copy_leaves_the_old_target_as_it_was(small_store_db, empty_db, tmp_path, replace):
    target = tmp_path / "old.duckdb"
    assert main(["copy-store", "--from", str(small_store_db), "--to", str(target)]) == 0
    before = _digest(target)
    assert _killed_copy("--from", str(small_store_db), "--to", str(target), "--replace") == -signal.SIGKILL
    assert _digest(target) == before
    args = ["copy-store", "--from", str(small_store_db), "--to", str(target)] + (["--replace"] if replace else [])
    assert main(args) == (0 if replace else 1)


def test_a_target_that_cannot_be_opened_is_a_sentence_and_replace_replaces_it(small_store_db, tmp_path, capsys):
    target = tmp_path / "broken.duckdb"
    target.write_bytes(b"not a database" * 100)
    assert main(["copy-store", "--from", str(small_store_db), "--to", str(target)]) == 1
    assert "cannot be opened" in capsys.readouterr().err
    assert main(["copy-store", "--from", str(small_store_db), "--to", str(target), "--replace"]) == 0
    assert _audit_lines(target) > 0
