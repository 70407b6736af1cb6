"""The store on both engines: the embedded DuckDB file and the shared store (DuckLake, catalog in a real
PostgreSQL started by the tests), behind the same door; several servers on the shared store; copying."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import store
from loaders import load_file
from store import audit, loads
from store.assessment import data_version
from store.copy import copy_store
from store.door import archive_dir_of
from store.loads import undo_load
from store.schema import LATEST_VERSION, current_version
from store.settings import StoreLocation, load_settings, parse_store
from tests.small_store import YORK

ROOT = Path(__file__).resolve().parent.parent


def _observations(handle) -> list[tuple]:
    return handle.read().execute("SELECT * FROM observations ORDER BY ALL").fetchall()


def _tidy_file(folder: Path, value_month: str = "2019-04", numerator: int = 30) -> Path:
    """A one-row tidy extract: York's length of stay for one month after the small store's."""
    path = folder / f"york_los_{value_month}_{numerator}.csv"
    path.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
                    f"length_of_stay_65,{YORK},York,{value_month}-01,{value_month}-28,{numerator},100,,\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def small_on(store_location: StoreLocation, small_db: Path) -> StoreLocation:
    """The small store on the engine under test (copied into the shared store with the copy command's code)."""
    if store_location.shared:
        copy_store(StoreLocation("duckdb", small_db), store_location, user="test")
    else:
        shutil.copyfile(small_db, store_location.path)
    return store_location


class TestSettings:
    def test_the_shared_store_is_named_by_the_one_store_setting(self, tmp_path):
        """PBIP_STORE names the shared store and PBIP_STORE_DATA_PATH its data files' directory."""
        settings = load_settings(tmp_path / "none.toml", {"PBIP_STORE": "ducklake:postgres:dbname=pbip host=db",
                                                          "PBIP_STORE_DATA_PATH": "/srv/lake"})
        assert settings.store == StoreLocation("ducklake", Path("/srv/lake"), "postgres:dbname=pbip host=db")
        assert settings.store.shared

    def test_a_path_is_still_the_embedded_file(self, tmp_path):
        """The default and PBIP_DB_PATH keep naming a DuckDB file."""
        assert load_settings(tmp_path / "none.toml", {}).store.engine == "duckdb"
        assert load_settings(tmp_path / "none.toml", {"PBIP_DB_PATH": "/x/y.duckdb"}).store.path == Path("/x/y.duckdb")

    def test_the_shared_store_without_a_data_path_is_refused_in_a_sentence(self):
        """DuckLake needs somewhere for its data files; the message says which setting."""
        with pytest.raises(ValueError, match="PBIP_STORE_DATA_PATH"):
            parse_store("ducklake:postgres:dbname=pbip")

    def test_a_catalog_other_than_postgres_is_refused(self):
        with pytest.raises(ValueError, match="ducklake:postgres:"):
            parse_store("ducklake:sqlite:x.db", data_path="/tmp/x")


class TestBothEngines:
    def test_migrations_bring_a_new_store_to_the_latest_version(self, store_location):
        """Opening a new store runs every migration, on either engine."""
        opened = store.open_store(store_location)
        try:
            assert current_version(opened.read()) == LATEST_VERSION
            assert opened.read().execute("SELECT count(*) FROM observations").fetchone()[0] == 0
        finally:
            opened.close()

    def test_both_engines_hold_the_same_tables_columns_and_views(self, lake_location, tmp_path):
        """The shared store's schema is the embedded one's, less only the constraints DuckLake cannot hold."""
        shapes = []
        for location in (StoreLocation("duckdb", tmp_path / "a.duckdb"), lake_location):
            opened = store.open_store(location)
            shapes.append(opened.read().execute("""
                SELECT table_name, column_name, data_type FROM information_schema.columns
                WHERE table_catalog = current_database() ORDER BY ALL""").fetchall())
            opened.close()
        assert shapes[0] == shapes[1]

    def test_a_load_and_its_undo_go_through_the_door_on_either_engine(self, small_on, tmp_path):
        """A load adds its row with the next load id and an audit line; undo leaves the store as before."""
        opened = store.open_store(small_on)
        before = _observations(opened)
        last_load = opened.read().execute("SELECT max(load_id) FROM loads").fetchone()[0]
        opened.close()
        result = load_file(_tidy_file(tmp_path), small_on, "ann")
        assert result.load_id == last_load + 1
        opened = store.open_store(small_on)
        try:
            assert len(_observations(opened)) == len(before) + 1
            undo_load(opened, result.load_id, user="ann", archive_dir=small_on.archive_dir)
            assert _observations(opened) == before
            assert audit.verify(opened.read(), archive_dir_of(opened.read())) is None
        finally:
            opened.close()


class TestSeveralServers:
    def test_a_load_on_one_server_is_read_by_another_on_its_next_read(self, lake_location, small_db, tmp_path):
        """Two processes' stores on one shared store: the second sees the first's load, and its data version moves."""
        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        other = store.open_store(lake_location)
        version = data_version(other.read())
        count = len(_observations(other))
        _run_in_process(f"""
            from loaders import load_file
            load_file({str(_tidy_file(tmp_path))!r}, LOCATION, "ann")
        """, lake_location)
        assert len(_observations(other)) == count + 1
        assert data_version(other.read()) != version
        other.close()

    def test_two_analysts_loading_at_once_on_two_servers_both_land(self, lake_location, small_db, tmp_path):
        """Two processes confirm loads at the same moment: both are stored, with different load ids."""
        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        files = [_tidy_file(tmp_path, "2019-04", 30), _tidy_file(tmp_path, "2019-05", 31)]
        processes = [_start_process(f"""
            from loaders import load_file
            load_file({str(file)!r}, LOCATION, "analyst {number}")
        """, lake_location) for number, file in enumerate(files)]
        for process in processes:
            assert process.wait(timeout=120) == 0, process.stderr.read()
        opened = store.open_store(lake_location)
        try:
            ids = opened.read().execute("SELECT load_id FROM loads WHERE loaded_by LIKE 'analyst%'").fetchall()
            assert len(set(ids)) == 2
            assert audit.verify(opened.read(), archive_dir_of(opened.read())) is None
        finally:
            opened.close()

    def test_a_writer_killed_mid_write_leaves_the_store_as_it_was(self, lake_location, small_db, tmp_path):
        """kill -9 during a write: nothing of it is stored, and the next writer is not kept waiting."""
        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        opened = store.open_store(lake_location)
        before = _observations(opened)
        process = _start_process("""
            import time
            from store import loads
            with store.writing(opened, user="ann", action="confirm") as write:
                loads.record_load(write.con, file_name="half.csv", sha256="0" * 64, loader="x", row_count=0,
                                  user="ann", is_demonstration=False)
                write.con.execute("UPDATE observation_rows SET value = -1")
                print("writing", flush=True)
                time.sleep(120)
        """, lake_location)
        assert process.stdout.readline().strip() == "writing"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert _observations(opened) == before
        started = time.monotonic()
        load_file(_tidy_file(tmp_path), lake_location, "bob")
        assert time.monotonic() - started < 20
        assert len(_observations(opened)) == len(before) + 1
        opened.close()


class TestCopy:
    def test_copy_into_the_shared_store_and_back_keeps_everything(self, lake_location, small_db, tmp_path):
        """copy-store there and back: observations identical, load history, audit (whole) and plan history kept."""
        back = tmp_path / "back.duckdb"
        python = [sys.executable, "-m", "loaders", "copy-store"]
        environment = {**os.environ, "PBIP_STORE_DATA_PATH": str(lake_location.path)}
        there = subprocess.run([*python, "--from", str(small_db), "--to", str(lake_location)], cwd=ROOT,
                               env=environment, capture_output=True, text=True, timeout=300)
        assert there.returncode == 0, there.stderr
        assert "observations identical" in there.stdout
        home = subprocess.run([*python, "--from", str(lake_location), "--to", str(back)], cwd=ROOT,
                              env=environment, capture_output=True, text=True, timeout=300)
        assert home.returncode == 0, home.stderr
        original, returned = store.open_store(small_db), store.open_store(back)
        try:
            for query in ("SELECT * FROM observations ORDER BY ALL", "SELECT * FROM loads ORDER BY ALL",
                          "SELECT * FROM plan_action_history ORDER BY ALL"):
                assert original.read().execute(query).fetchall() == returned.read().execute(query).fetchall()
            lines = returned.read().execute("SELECT action FROM audit ORDER BY audit_id").fetchall()
            assert lines[-2:] == [("store copied",), ("store copied",)]
            assert audit.verify(returned.read(), archive_dir_of(returned.read())) is None
            # The file's sequences carry on after the copied ids.
            with store.writing(returned, user="ann", action="test") as write:
                assert loads.record_load(write.con, file_name="x.csv", sha256="1" * 64, loader="x", row_count=0,
                                         user="ann", is_demonstration=False) > max(
                    load_id for (load_id,) in original.read().execute("SELECT load_id FROM loads").fetchall())
        finally:
            original.close()
            returned.close()


    def test_a_store_with_history_is_not_replaced_unless_asked(self, lake_location, small_db):
        """Copying over a store that has an audit is refused, writing nothing; --replace does it."""
        from store.copy import TargetNotEmpty

        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        with pytest.raises(TargetNotEmpty, match="--replace"):
            copy_store(StoreLocation("duckdb", small_db), lake_location, user="test")
        copy_store(StoreLocation("duckdb", small_db), lake_location, user="test", replace=True)


    def test_a_source_file_this_process_already_has_open_is_copied(self, lake_location, small_db):
        """The dashboard (or a test) holding the file open does not stop the copy."""
        held = store.connect(small_db)
        try:
            assert copy_store(StoreLocation("duckdb", small_db), lake_location, user="test").observations > 0
        finally:
            held.close()


def _start_process(code: str, location: StoreLocation) -> subprocess.Popen:
    """Another server: a Python process with the shared store open as `opened` (and LOCATION)."""
    preamble = textwrap.dedent(f"""
        import store
        from store.settings import StoreLocation
        from pathlib import Path
        LOCATION = StoreLocation("ducklake", Path({str(location.path)!r}), {location.catalog!r})
        opened = store.open_store(LOCATION)
    """)
    return subprocess.Popen([sys.executable, "-c", preamble + textwrap.dedent(code)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _run_in_process(code: str, location: StoreLocation) -> None:
    process = _start_process(code, location)
    assert process.wait(timeout=120) == 0, process.stderr.read()
