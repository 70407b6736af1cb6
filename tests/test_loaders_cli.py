"""The command line: undo, the audit check, and refusing to write a store it should not touch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import store
from loaders.__main__ import main
from loaders.pipeline import load_file
from store import queries
from store.settings import PROJECT_ROOT

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"


def tidy(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def snapshot(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return queries.table_snapshot(con)
    finally:
        con.close()


def numerator(db: Path, period: str) -> float | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' "
                          "AND area_code = 'E06000014' AND period_start = ?", [period]).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


class TestUndo:
    def test_undo_prints_what_it_took_back_and_restored(self, built_db, tmp_path, capsys):
        """`undo LOAD_ID` names the load and says how many rows went and came back."""
        first = load_file(tidy(tmp_path, "a.csv", "dtoc_18,E06000014,York,2019-02-01,2019-02-28,30,,,\n"),
                          built_db, "ana")
        assert main(["undo", str(first.load_id), "--db", str(built_db), "--user", "ana"]) == 0
        out = capsys.readouterr().out
        assert f"Undid load {first.load_id}, a.csv" in out
        assert "1 rows removed, 1 earlier rows current again" in out
        assert numerator(built_db, "2019-02-01") != 30

    def test_undo_records_the_name_given_and_the_operating_system_user(self, built_db, tmp_path, capsys):
        """The audit line of a command-line undo has the name given and, beside it, the OS user."""
        import getpass
        import json

        result = load_file(tidy(tmp_path, "a.csv", "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n"),
                           built_db, "ana")
        main(["undo", str(result.load_id), "--db", str(built_db), "--user", "ops"])
        con = duckdb.connect(str(built_db), read_only=True)
        user, detail = con.execute("SELECT user_name, detail FROM audit WHERE action = 'undo'").fetchone()
        con.close()
        assert user == "ops" and json.loads(detail)["os_user"] == getpass.getuser()

    @pytest.mark.parametrize("load_id,words", [(9999, "There is no load 9999"), (None, "already been undone")])
    def test_a_refused_undo_is_one_sentence_and_changes_nothing(self, built_db, tmp_path, capsys, load_id, words):
        """An undo that cannot be done exits 1 with one sentence, not a traceback, and writes nothing."""
        if load_id is None:
            result = load_file(tidy(tmp_path, "a.csv", "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n"),
                               built_db, "ana")
            load_id = result.load_id
            main(["undo", str(load_id), "--db", str(built_db), "--user", "ana"])
            capsys.readouterr()
        before = snapshot(built_db)
        assert main(["undo", str(load_id), "--db", str(built_db), "--user", "ana"]) == 1
        error = capsys.readouterr().err
        assert error.startswith("error: ") and words in error and "Traceback" not in error
        after = snapshot(built_db)
        assert all(before[name].equals(after[name]) for name in before)


class TestRefusingToWrite:
    def test_load_refuses_to_create_a_store_that_is_not_there(self, tmp_path, capsys):
        """A load into a missing store file is refused (it would hide a deleted store), not created."""
        db = tmp_path / "gone.duckdb"
        path = tidy(tmp_path, "a.csv", "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n")
        assert main(["load", str(path), "--db", str(db), "--user", "ana"]) == 1
        assert "there is no store at" in capsys.readouterr().err
        assert not db.exists()

    @pytest.mark.parametrize("command,words", [
        (["load", "FILE", "--wait", "1"], "held by another program"),
        (["undo", "1", "--wait", "1"], "held by another program"),
        (["build"], "open in another program"),
    ])
    def test_a_write_waits_then_says_to_try_again_while_another_process_holds_the_store(self, built_db, tmp_path,
                                                                                        command, words):
        """With the store open in another process (the dashboard), a write waits, then says so in one sentence
        (never "stop the dashboard"), and nothing is written."""
        path = tidy(tmp_path, "a.csv", "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n")
        argv = [str(path) if part == "FILE" else part for part in command]
        holder = store.connect(built_db)  # this test process plays the dashboard
        try:
            done = subprocess.run([sys.executable, "-m", "loaders", *argv, "--db", str(built_db)]
                                  + (["--user", "ana"] if command[0] in ("load", "undo") else []),
                                  cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
            held = holder.execute("SELECT count(*) FROM loads").fetchone()[0]
        finally:
            holder.close()
        assert done.returncode == 1, done.stdout + done.stderr
        assert words in done.stderr and "Traceback" not in done.stderr
        assert "stop" not in done.stderr
        assert held == snapshot(built_db)["loads"].shape[0]

    def test_the_audit_check_runs_while_another_process_holds_the_store(self, built_db):
        """`audit --verify` reads a snapshot, so the dashboard holding the file does not stop it."""
        holder = store.connect(built_db)
        try:
            done = subprocess.run([sys.executable, "-m", "loaders", "audit", "--verify", "--db", str(built_db)],
                                  cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        finally:
            holder.close()
        assert done.returncode == 0, done.stderr
        assert "The audit chain is whole" in done.stdout


class TestAuditCheck:
    def test_an_untouched_audit_verifies(self, built_db, capsys):
        """`audit --verify` on a store written only by the dashboard says the chain is whole."""
        assert main(["audit", "--verify", "--db", str(built_db)]) == 0
        assert "The audit chain is whole" in capsys.readouterr().out

    def test_a_rewritten_audit_line_is_found_and_named(self, built_db, capsys):
        """An UPDATE of one audit line by another client is found, naming that line; exit 1."""
        con = duckdb.connect(str(built_db))
        target = con.execute("SELECT min(audit_id) + 2 FROM audit").fetchone()[0]
        con.execute("UPDATE audit SET user_name = 'someone else' WHERE audit_id = ?", [target])
        con.close()
        assert main(["audit", "--verify", "--db", str(built_db)]) == 1
        assert f"Audit line {target} (" in capsys.readouterr().err

    def test_a_deleted_audit_line_is_found(self, built_db, capsys):
        """Removing a line from the middle of the audit breaks the chain at that line."""
        con = duckdb.connect(str(built_db))
        target = con.execute("SELECT min(audit_id) + 1 FROM audit").fetchone()[0]
        con.execute("DELETE FROM audit WHERE audit_id = ?", [target])
        con.close()
        assert main(["audit", "--verify", "--db", str(built_db)]) == 1
        assert f"Audit line {target} has been deleted" in capsys.readouterr().err
