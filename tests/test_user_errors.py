"""Issue 22 (8): every error a person can cause is a sentence, never a traceback.

On main: a CSV with a byte-order mark and lone CR line endings was a csv.Error traceback; a query-string
value the peers page did not expect was a traceback; a disk that filled while the raw file was archived
raised OSError and left an `.incoming-*` file; a disk full at commit was reported as "Someone else
changed the same rows".
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.users import add_user
from loaders.pipeline import load_into
from store.primitives import RetryWrite, StoreWriteFailed
from store.settings import PROJECT_ROOT, archive_dir_for
from tests.page_text import as_read, open_page

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note"
ROW = "ae_attendances_65,E06000014,York,2010-01-01,2010-01-31,,,24.5,"


def _rows(db) -> int:
    con = store.connect(db)
    try:
        return con.execute("SELECT count(*) FROM observation_rows").fetchone()[0]
    finally:
        con.close()


def _load(db, path, archive_dir=None):
    con = store.open_store(db)
    try:
        return load_into(con, path, user="tester", archive_dir=archive_dir or archive_dir_for(db))
    finally:
        con.close()


def test_a_csv_with_a_bom_and_lone_cr_line_endings_loads(small_store_db, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\r" + ROW + "\r").encode())
    assert _load(small_store_db, path).rows == 1


@pytest.mark.parametrize("period", ["notadate", "2018-13-45", "0000-01-01", "2018-04-01T25:00"])
def test_an_unexpected_period_in_the_address_is_ignored(monkeypatch, built_db, period):
    at = open_page(monkeypatch, built_db, "pages/peers.py", period=period)
    assert at.title


def _disk_fills(monkeypatch):
    """The archive's copy writes part of the file, then the disk is full."""
    def copy_part_then_fail(source, target, *args, **kwargs):
        Path(target).write_bytes(Path(source).read_bytes()[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr("store.archive.shutil.copyfile", copy_part_then_fail)


def test_a_disk_full_while_archiving_is_a_sentence_and_leaves_nothing(monkeypatch, small_store_db, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "\n" + ROW + "\n")
    archive = tmp_path / "archive"
    before = _rows(small_store_db)
    _disk_fills(monkeypatch)
    with pytest.raises(StoreWriteFailed, match="could not be kept in the archive"):
        _load(small_store_db, path, archive)
    assert not list(archive.glob(".incoming-*")) and not list(archive.glob("*.csv"))
    assert _rows(small_store_db) == before


def test_the_upload_page_says_the_disk_is_full(monkeypatch, small_store_db, tmp_path):
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(small_store_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    add_user("ana", "correct horse", "analyst", users)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=60).run()
    at.text_input(key="pbip_login_name").input("ana")
    at.text_input(key="pbip_login_password").input("correct horse")
    at.button[0].click().run()
    at.file_uploader[0].set_value(("extract.csv", (HEADER + "\n" + ROW + "\n").encode(), "text/csv"))
    at.run()
    _disk_fills(monkeypatch)
    next(b for b in at.button if b.label == "Confirm and store").click().run()
    assert not at.exception, at.exception
    shown = as_read(" ".join(e.value for e in at.error))
    assert "could not be kept in the archive" in shown and "nothing was stored" in shown


@pytest.fixture
def small_disk(tmp_path):
    """A 30 MB tmpfs holding a copy of the small store (root only: skipped where it cannot be mounted)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=30000k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small disk here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_disk_full_at_commit_is_not_called_a_conflict(small_disk, small_db, tmp_path):
    db = small_disk / "small.duckdb"
    shutil.copyfile(small_db, db)
    lines = [HEADER]
    for indicator in ("ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65", "readmissions_65"):
        for area in ("E06000014", "E06000021", "E92000001"):
            for month in range(12 * 60):
                year, index = 1955 + month // 12, month % 12 + 1
                lines.append(f"{indicator},{area},{'A long area name ' * 3},{year}-{index:02d}-01,"
                             f"{year}-{index:02d}-28,{100 + month % 700},40000,,{'a padding note ' * 3}")
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(0, free - 200_000))
    with pytest.raises(StoreWriteFailed, match="disk holding it is full") as raised:
        _load(db, path, tmp_path / "archive")
    assert not isinstance(raised.value, RetryWrite)
