"""The DuckDB schema, its migrations and its promises to analysts."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

import store
from store import queries
from store.schema import LATEST_VERSION, current_version, migrate

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
