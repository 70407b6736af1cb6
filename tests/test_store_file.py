"""The store file going away: writes refused with a sentence, and a lost store recovered from its archive."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.users import add_user
from loaders.build import ensure_store
from loaders.pipeline import load_file, load_into
from store import queries
from store.primitives import StoreFileChanged
from store.roles import User
from store.settings import PROJECT_ROOT, archive_dir_for

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
ROW = "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n"
ANALYST = User("ana", "analyst")


def tidy(tmp_path: Path, name: str = "x.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + ROW, encoding="utf-8")
    return path


@pytest.fixture
def bundled_copy(bundled_db: Path, tmp_path: Path) -> Path:
    """A writable copy of the bundled store together with its archive and journal."""
    path = tmp_path / "store" / "pbip.duckdb"
    path.parent.mkdir()
    shutil.copyfile(bundled_db, path)
    shutil.copytree(archive_dir_for(bundled_db), archive_dir_for(path))
    return path


class TestFileIdentity:
    @pytest.mark.parametrize("how,words", [("deleted", "has been deleted"), ("replaced", "has been replaced")])
    def test_a_write_after_the_file_went_away_is_refused_and_writes_nothing(self, built_db, tmp_path, how, words):
        """Once the store's file is deleted or replaced under it, the open store refuses every write."""
        opened = store.open_store(built_db)
        try:
            before = queries.table_snapshot(opened.read())
            if how == "deleted":
                built_db.unlink()
            else:
                shutil.copyfile(built_db, tmp_path / "other.duckdb")
                os.replace(tmp_path / "other.duckdb", built_db)
            with pytest.raises(StoreFileChanged, match=words) as refused:
                load_into(opened, tidy(tmp_path), user=ANALYST, archive_dir=tmp_path / "archive")
            assert "nothing was written" in str(refused.value)
            after = queries.table_snapshot(opened.read())
        finally:
            opened.close()
        for name in before:
            assert before[name].equals(after[name]), name

    def test_a_plain_connection_to_a_deleted_file_is_refused_too(self, built_db, tmp_path):
        """A DuckDB connection opened without the store's help still meets the door's check."""
        con = duckdb.connect(str(built_db))
        try:
            built_db.unlink()
            with pytest.raises(StoreFileChanged, match="has been deleted"):
                load_into(con, tidy(tmp_path), user=ANALYST, archive_dir=tmp_path / "archive")
        finally:
            con.close()

    def test_an_untouched_file_is_written_as_usual(self, built_db, tmp_path):
        """The identity check lets writes through while the file is the one opened."""
        opened = store.open_store(built_db)
        try:
            load_into(opened, tidy(tmp_path), user=ANALYST, archive_dir=tmp_path / "archive")
        finally:
            opened.close()


class TestRecovery:
    def test_a_lost_store_is_rebuilt_from_its_archive_with_the_confirmed_loads(self, bundled_copy, tmp_path):
        """No store file but an archive journal: the start replays every standing load and says so."""
        kept = load_file(tidy(tmp_path, "kept.csv"), bundled_copy, "ana")
        con = duckdb.connect(str(bundled_copy), read_only=True)
        expected = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        con.close()
        bundled_copy.unlink()
        said = ensure_store(bundled_copy)
        assert "rebuilt from its archive" in said and f"{kept.load_id} loads replayed" in said
        con = duckdb.connect(str(bundled_copy), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == expected
            assert con.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' AND "
                               "area_code = 'E06000014' AND period_start = '2020-01-01'").fetchone() == (30,)
        finally:
            con.close()

    def test_an_undone_load_stays_undone_after_recovery(self, bundled_copy, tmp_path):
        """The journal records undos too, so a recovered store does not bring an undone load back."""
        from store.loads import undo_load

        result = load_file(tidy(tmp_path, "undone.csv"), bundled_copy, "ana")
        opened = store.open_store(bundled_copy)
        try:
            undo_load(opened, result.load_id, user="ana", archive_dir=archive_dir_for(bundled_copy))
        finally:
            opened.close()
        bundled_copy.unlink()
        ensure_store(bundled_copy)
        con = duckdb.connect(str(bundled_copy), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'dtoc_18' AND "
                               "period_start = '2020-01-01' AND area_code = 'E06000014'").fetchone() == (0,)
        finally:
            con.close()

    def test_a_log_left_by_the_lost_file_is_kept_aside_not_replayed(self, bundled_copy):
        """A write-ahead log of the lost file is moved aside, so the rebuilt store opens clean."""
        bundled_copy.unlink()
        lost_log = bundled_copy.with_name(bundled_copy.name + ".wal")
        lost_log.write_bytes(b"not this store's log")
        ensure_store(bundled_copy)
        assert not lost_log.exists()
        assert list(bundled_copy.parent.glob("pbip.duckdb.wal.lost-*"))
        store.connect(bundled_copy).close()

    def test_an_empty_database_at_its_path_is_rebuilt_from_its_archive(self, bundled_copy, tmp_path):
        """A database opened at the store's path and never built (no table in it) is no store: the start replays
        the archive into its place, as for a lost file, rather than failing on a missing table."""
        kept = load_file(tidy(tmp_path, "kept.csv"), bundled_copy, "ana")
        bundled_copy.unlink()
        duckdb.connect(str(bundled_copy)).close()
        said = ensure_store(bundled_copy)
        assert "held no tables" in said and "rebuilt from its archive" in said
        assert f"{kept.load_id} loads replayed" in said
        con = duckdb.connect(str(bundled_copy), read_only=True)
        try:
            assert con.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' AND "
                               "area_code = 'E06000014' AND period_start = '2020-01-01'").fetchone() == (30,)
        finally:
            con.close()

    def test_an_empty_database_with_no_archive_becomes_the_bundled_store(self, tmp_path):
        db = tmp_path / "pbip.duckdb"
        duckdb.connect(str(db)).close()
        said = ensure_store(db)
        assert "held no tables" in said and "built from the bundled data" in said
        con = duckdb.connect(str(db), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM observations WHERE area_code = 'E06000014'").fetchone()[0] > 0
        finally:
            con.close()
        assert ensure_store(db) is None  # and the next start finds it

    def test_a_file_that_is_no_database_is_not_built_over(self, tmp_path):
        """Only an empty database is built over: a file of something else is left where it is."""
        db = tmp_path / "pbip.duckdb"
        db.write_text("area_code,value\n", encoding="utf-8")
        ensure_store(db)
        assert db.read_text(encoding="utf-8") == "area_code,value\n"

    def test_an_existing_store_is_left_alone(self, built_db):
        """A start that finds its store does nothing and says nothing."""
        assert ensure_store(built_db) is None


def test_the_upload_page_refuses_to_store_into_a_deleted_file(monkeypatch, built_db, tmp_path):
    """Confirming an upload after the store file was deleted says so in a sentence and stores nothing."""
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    add_user("ana", "correct horse", "analyst", users)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=60).run()
    at.text_input(key="pbip_login_name").input("ana")
    at.text_input(key="pbip_login_password").input("correct horse")
    at.button[0].click().run()
    at.file_uploader[0].set_value(("x.csv", (HEADER + ROW).encode(), "text/csv"))
    at.run()
    built_db.unlink()
    next(button for button in at.button if button.label == "Confirm and store").click().run()
    assert not at.exception, at.exception
    assert any("has been deleted" in str(error.value) for error in at.error)


def test_a_file_that_is_no_database_gets_a_message_on_every_page_not_an_error(monkeypatch, tmp_path):
    """Where the store should be, a file of something else: each page says so in words (no file name), and the
    file is left as it was."""
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "pbip.duckdb"
    db.write_text("area_code,value\n", encoding="utf-8")
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    [error] = at.error
    assert "is not a database" in error.value and str(tmp_path) not in error.value
    assert db.read_text(encoding="utf-8") == "area_code,value\n"
