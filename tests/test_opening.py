"""Opening an existing store (store/opening.py) while another process, the dashboard, holds its file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import store
from store import audit
from store.door import archive_dir_of
from store.file_lock import locked
from tests.servers import serving

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Another process that opens the store as the dashboard does, makes one audited write through the door
# (left in the write-ahead log, not yet checkpointed), says "ready" and holds the file until told to go.
HOLDER = """
import sys
import store
from store.file_lock import locked
opened = store.open_store(sys.argv[1])
with store.writing(opened, user="holder", action="test") as write:
    write.audit("held by another process")
if sys.argv[2] == "mid-write":
    with locked(opened.location.path, shared=False, wait_seconds=60, action="test"):
        print("ready", flush=True)
        sys.stdin.readline()
else:
    print("ready", flush=True)
    sys.stdin.readline()
opened.close()
"""


class Holder:
    """The dashboard's part, played by a subprocess holding the store file (optionally mid-write)."""

    def __init__(self, db: Path, mode: str = "idle"):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode], cwd=PROJECT_ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        line = self.process.stdout.readline()
        assert line.strip() == "ready", self.process.stderr.read()

    def release(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        self.process.wait(timeout=120)


@pytest.fixture
def held(small_store_db):
    """The small store, held open (after one more audited write) by another process."""
    holder = Holder(small_store_db)
    yield small_store_db
    holder.release()


def _audit_lines(opened: store.Store) -> int:
    return audit.line_count(opened.read())


class TestReadingWhileAnotherProcessHoldsTheFile:
    def test_a_read_only_open_sees_the_last_committed_write(self, held):
        """The snapshot holds the other process's last write, still only in its write-ahead log."""
        opened = store.open_existing(held, read_only=True)
        try:
            lines = opened.read().execute("SELECT action FROM audit ORDER BY audit_id").fetchall()
            assert lines[-1] == ("held by another process",)
            assert audit.verify(opened.read(), archive_dir_of(opened.read())) is None
        finally:
            opened.close()

    def test_the_snapshot_cannot_be_written_and_is_deleted_on_close(self, held):
        """A write to the snapshot is refused (it would be lost), and closing removes the copy."""
        opened = store.open_existing(held, read_only=True)
        copy = opened.location.path
        assert copy != held and copy.exists()
        with pytest.raises(duckdb.Error, match="read-only"):
            opened.read().execute("DELETE FROM rebase_dates")
        opened.close()
        assert not copy.parent.exists()

    def test_a_copy_waits_for_a_write_in_progress_then_says_to_try_again(self, small_store_db):
        """While another process is inside a write, no copy is taken: after the wait, "try again"."""
        holder = Holder(small_store_db, mode="mid-write")
        try:
            with pytest.raises(store.RetryWrite, match="again"):
                store.open_existing(small_store_db, read_only=True, wait_seconds=0.5)
        finally:
            holder.release()
        opened = store.open_existing(small_store_db, read_only=True)
        try:
            assert opened.read().execute("SELECT max(audit_id) FROM audit").fetchone()[0] > 0
        finally:
            opened.close()


class TestWritingWhileAnotherProcessHoldsTheFile:
    def test_a_write_waits_then_says_to_try_again_and_writes_nothing(self, held):
        """Opening to write waits for the file, then RetryWrite in a sentence that never says to stop it."""
        with pytest.raises(store.RetryWrite) as refused:
            store.open_existing(held, wait_seconds=0.5)
        assert "try again" in str(refused.value) and "stop" not in str(refused.value)

    def test_a_write_goes_ahead_once_the_file_is_free(self, small_store_db):
        """When the other process lets go, the same open succeeds and the write lands."""
        Holder(small_store_db).release()
        opened = store.open_existing(small_store_db, wait_seconds=5)
        try:
            before = _audit_lines(opened)
            with store.writing(opened, user="ann", action="test") as write:
                write.audit("after the holder")
            assert _audit_lines(opened) == before + 1
        finally:
            opened.close()


class TestFinding:
    def test_a_missing_store_is_refused_not_created(self, tmp_path):
        """open_existing never creates a store: a missing file is StoreMissing, naming how to build it."""
        with pytest.raises(store.StoreMissing, match="python -m loaders build"):
            store.open_existing(tmp_path / "gone.duckdb", read_only=True)
        assert not (tmp_path / "gone.duckdb").exists()

    def test_the_lock_is_held_exclusively_by_a_write(self, small_store_db):
        """Inside a write through the door, the file's lock cannot be taken for a copy."""
        opened = store.open_existing(small_store_db)
        try:
            with store.writing(opened, user="ann", action="test"):
                with pytest.raises(store.RetryWrite):
                    with locked(small_store_db, shared=True, wait_seconds=0.2, action="copy"):
                        pass
            with locked(small_store_db, shared=True, wait_seconds=5, action="copy"):
                pass
        finally:
            opened.close()


@pytest.mark.browser
def test_the_pack_and_the_audit_check_run_while_the_dashboard_holds_the_store(small_store_db, tmp_path, page):
    """With `streamlit run dashboard.py` serving (and holding) the store, `python -m reports board-pack`
    and `python -m loaders audit --verify` both succeed, and the dashboard keeps serving."""
    from playwright.sync_api import expect

    with serving(small_store_db, tmp_path / "streamlit.log") as url:
        page.goto(url)
        expect(page.get_by_test_id("stHeading").first).to_be_visible(timeout=120_000)
        with pytest.raises(duckdb.IOException):  # the dashboard holds the file, as DuckDB allows one
            duckdb.connect(str(small_store_db), read_only=True)
        pack = tmp_path / "pack.pdf"
        made = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--as-at", "2019-05-01", "--format",
                               "pdf", "--out", str(pack), "--db", str(small_store_db)], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=600)
        checked = subprocess.run([sys.executable, "-m", "loaders", "audit", "--verify", "--db",
                                  str(small_store_db)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                 timeout=600)
        page.reload()
        expect(page.get_by_test_id("stHeading").first).to_be_visible(timeout=120_000)
    assert made.returncode == 0, made.stderr
    assert pack.read_bytes().startswith(b"%PDF")
    assert checked.returncode == 0, checked.stderr
    assert "The audit chain is whole" in checked.stdout


class TestOnTheSharedStore:
    def test_the_pack_command_takes_the_shared_store(self, lake_location, small_db, tmp_path):
        """`python -m reports board-pack --db ducklake:postgres:...` makes the pack from the shared store."""
        from store.copy import copy_store
        from store.settings import StoreLocation

        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        pack = tmp_path / "pack.pdf"
        environment = {**os.environ, "PBIP_STORE_DATA_PATH": str(lake_location.path)}
        made = subprocess.run([sys.executable, "-m", "reports", "board-pack", "--as-at", "2019-05-01", "--format",
                               "pdf", "--out", str(pack), "--db", str(lake_location)], cwd=PROJECT_ROOT,
                              env=environment, capture_output=True, text=True, timeout=600)
        assert made.returncode == 0, made.stderr
        assert pack.read_bytes().startswith(b"%PDF")
        assert shutil.which("pdfinfo") is None or "Pages:" in subprocess.run(
            ["pdfinfo", str(pack)], capture_output=True, text=True, check=True).stdout



@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_never_draws_a_progress_bar_on_stdout(small_store_db, read_only):
    """A load past DuckDB's two-second threshold drew a progress bar on stdout: a blank line in a command's
    output, which once made a test read a busy machine's load as one that died before its write. Asked in a
    process of its own, as a command is run: inside pytest DuckDB's default differs."""
    asking = ("import sys, store\n"
              "opened = store.open_existing(sys.argv[1], read_only=sys.argv[2] == 'True')\n"
              "print(opened.connection.execute(\"SELECT current_setting('enable_progress_bar')\").fetchone()[0])\n"
              "opened.close()\n")
    answer = subprocess.run([sys.executable, "-c", asking, str(small_store_db), str(read_only)], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    assert answer.stdout.strip() == "False"
