"""The DuckDB schema, its migrations and its promises to analysts."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import store
from store import audit, indicators, queries, schema, writes
from store.door import archive_dir_of
from store.schema import LATEST_VERSION, current_version, migrate
from store.settings import load_settings, parse_store

STORE_DIR = Path(__file__).resolve().parent.parent / "store"


class TestMigrations:
    def test_new_file_is_brought_to_the_latest_version(self, tmp_path):
        """A new database file is created at the latest schema version."""
        con = store.connect(tmp_path / "new.duckdb")
        assert current_version(con) == LATEST_VERSION

    def test_migrating_twice_changes_nothing(self, built_db):
        """Opening an up-to-date store again keeps every row it held."""
        con = store.connect(built_db)
        before = queries.table_snapshot(con)
        assert migrate(con) == LATEST_VERSION
        after = queries.table_snapshot(con)
        assert before.keys() == after.keys()
        for name in before:
            assert before[name].equals(after[name]), name

    def test_a_newer_database_is_refused_not_damaged(self, tmp_path):
        """A store written by newer code is refused with a sentence, and left as it is."""
        path = tmp_path / "future.duckdb"
        store.connect(path).execute("INSERT INTO schema_version (version) VALUES (999)").close()
        with pytest.raises(RuntimeError, match="newer than this code"):
            store.connect(path)
        assert duckdb.connect(str(path)).execute("SELECT max(version) FROM schema_version").fetchone()[0] == 999


class TestObservationsView:
    DOCUMENTED = ["indicator_id", "area_code", "area_name", "period_start", "period_end", "numerator",
                  "denominator", "value", "unit", "source", "is_demonstration"]

    def test_view_has_the_documented_columns(self, con):
        """Analysts can rely on the documented columns of `observations`."""
        columns = [row[0] for row in con.execute("DESCRIBE observations").fetchall()]
        assert set(self.DOCUMENTED) <= set(columns)

    def test_indicator_ids_are_the_documented_ones(self, con):
        """The six CQC indicators have the ids the README documents."""
        ids = {row[0] for row in con.execute("SELECT indicator_id FROM indicators").fetchall()}
        assert {"ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
                "length_of_stay_65", "dtoc_18", "readmissions_65"} <= ids


class TestConstraints:
    def test_a_negative_count_is_refused_by_the_schema(self, con):
        """The schema itself refuses an impossible numerator, whatever the loader did."""
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO observation_rows VALUES "
                        "('dtoc_18', 'E06000014', '2018-04-01', '2018-04-30', -1, NULL, NULL, NULL, 1, NULL)")

    def test_a_period_ending_before_it_starts_is_refused(self, con):
        """period_end before period_start is refused by the schema."""
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO observation_rows VALUES "
                        "('dtoc_18', 'E06000014', '2018-04-30', '2018-04-01', 1, NULL, NULL, NULL, 1, NULL)")


class TestAudit:
    def test_no_store_code_updates_or_deletes_the_audit_trail(self):
        """The audit table is append-only: no SQL in the store changes or removes its rows."""
        source = "\n".join(path.read_text() for path in STORE_DIR.glob("*.py"))
        assert not re.search(r"(UPDATE|DELETE\s+FROM)\s+audit\b", source, re.IGNORECASE)


class TestAuditChain:
    def test_a_store_from_before_the_chain_is_chained_when_migrated(self, monkeypatch):
        """Migration 5 chains the audit lines already there, and marks older loads as not undoable."""
        monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
        con = duckdb.connect(":memory:")
        schema.migrate(con)
        con.execute("INSERT INTO audit (audited_at, user_name, action, detail) VALUES "
                    "('2019-01-01 09:00', 'ana', 'load', '{}'), ('2019-01-02 09:00', 'bea', 'undo', '{}')")
        con.execute("INSERT INTO loads VALUES (1, 'a.csv', ?, 'tidy_template_csv', 1, '2019-01-01 09:00', "
                    "'ana', false)", ["0" * 64])
        monkeypatch.undo()
        assert schema.migrate(con) == LATEST_VERSION
        assert con.execute("SELECT count(*) FROM audit_chain").fetchone()[0] == 2
        assert audit.verify(con, archive_dir_of(con)) is None
        assert con.execute("SELECT load_id FROM loads_without_prior_state").fetchall() == [(1,)]

    def test_an_update_to_any_audit_line_is_found(self, con):
        """Changing one line's user by hand breaks the chain at that line."""
        for n in range(3):
            store.door_of(con).write(lambda write, n=n: write.audit(f"step {n}"), user="ana", action="test")
        assert audit.verify(con, archive_dir_of(con)) is None
        second = con.execute("SELECT audit_id FROM audit WHERE action = 'step 1'").fetchone()[0]
        con.execute("UPDATE audit SET user_name = 'mallory' WHERE audit_id = ?", [second])
        assert audit.verify(con, archive_dir_of(con)).audit_id == second

    def test_a_line_added_around_the_door_is_found(self, con):
        """An audit line inserted by another client has no place in the chain and is named."""
        con.execute("INSERT INTO audit (audited_at, user_name, action) VALUES (now(), 'mallory', 'load')")
        assert "added outside the dashboard" in audit.verify(con, archive_dir_of(con)).sentence


class TestOneDoor:
    def test_two_writes_at_once_are_stored_one_after_the_other(self, con):
        """Writes from two threads through the door never interleave: each sees the other's whole change."""
        opened = store.door_of(con)
        seen: list[int] = []

        def count_then_add(write) -> None:
            before = write.con.execute("SELECT count(*) FROM events").fetchone()[0]
            write.con.execute("INSERT INTO events VALUES ('2019-01-01', NULL, 'x', 'test')")
            seen.append(before)

        threads = [threading.Thread(target=lambda: opened.write(count_then_add, user="ana", action="add"))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        assert sorted(seen) == sorted(set(seen)) and len(seen) == 4

    def test_a_failed_write_leaves_nothing_behind(self, con):
        """A change that raises is rolled back whole, its audit line too."""
        before = queries.table_snapshot(con)

        def fail(write) -> None:
            write.con.execute("DELETE FROM events")
            write.audit("events cleared")
            raise OSError("disk full")

        with pytest.raises(OSError):
            store.door_of(con).write(fail, user="ana", action="clear")
        after = queries.table_snapshot(con)
        assert all(before[name].equals(after[name]) for name in before)


class TestStoreSetting:
    @pytest.mark.parametrize("text,engine,tail", [("duckdb:data/x.duckdb", "duckdb", "data/x.duckdb"),
                                                  ("data/x.duckdb", "duckdb", "data/x.duckdb"),
                                                  ("/srv/pbip.duckdb", "duckdb", "/srv/pbip.duckdb")])
    def test_the_store_setting_names_an_engine_and_a_location(self, text, engine, tail):
        """`store` is `engine:path` or a bare path (DuckDB)."""
        location = parse_store(text)
        assert location.engine == engine and str(location.path).endswith(tail)

    def test_an_unknown_engine_is_refused_with_a_sentence(self):
        """A store naming an engine the dashboard lacks is refused, naming the engines it has."""
        with pytest.raises(ValueError, match="engines: duckdb"):
            parse_store("postgres:pbip")

    def test_pbip_store_wins_over_pbip_db_path(self, tmp_path):
        """PBIP_STORE overrides the older PBIP_DB_PATH, which still works alone."""
        both = load_settings(environ={"PBIP_STORE": "duckdb:/a/new.duckdb", "PBIP_DB_PATH": "/b/old.duckdb"})
        alone = load_settings(environ={"PBIP_DB_PATH": "/b/old.duckdb"})
        assert str(both.store.path) == "/a/new.duckdb" and str(alone.db_path) == "/b/old.duckdb"


class TestIndicatorSubjects:
    def test_a_proxy_is_measured_for_the_ccg_and_a_council_indicator_for_the_council(self, con):
        """The one view answers "which code is this indicator measured for" from the area links."""
        opened = store.door_of(con)
        opened.write(lambda write: writes.upsert_areas(write.con, pd.DataFrame(
            [{"area_code": "E06000014", "area_name": "York", "area_type": "unitary authority"}])),
            user="ana", action="add")
        ccg = con.execute("SELECT linked_code FROM area_links WHERE area_code = 'E06000014' "
                          "AND relation = 'ccg'").fetchone()[0]
        assert indicators.subject_code(con, "dtoc_18", "E06000014") == "E06000014"
        assert indicators.subject_code(con, "nonelective_admissions_all_ccg", "E06000014") == ccg
