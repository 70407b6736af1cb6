"""Issue 22 (5): the audit chain is anchored outside the store, so cutting, emptying and recomputing are found.

On main, deleting the last line from both audit tables, emptying both, or changing a line and recomputing
the chain all passed `audit --verify`. The anchor (store/anchor.py) in the archive folder records the head
after every write; `audit --verify` now says which of the three happened.
"""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

import store
from loaders.__main__ import main
from store import anchor, audit
from store.door import archive_dir_of
from store.indicators import add_rebase_date
from store.settings import archive_dir_for


@pytest.fixture
def anchored_db(small_db, tmp_path):
    """A private copy of the small store with its archive (journal and anchor; its key is the session
    secret beside the accounts file the small store was built with)."""
    path = tmp_path / "small.duckdb"
    shutil.copyfile(small_db, path)
    shutil.copytree(archive_dir_for(small_db), archive_dir_for(path))
    return path


def _raw(path) -> duckdb.DuckDBPyConnection:
    """Another DuckDB client, as someone with the file would use."""
    return duckdb.connect(str(path))


def _verify(path) -> str | None:
    con = store.connect(path)
    try:
        broken = audit.verify(con, archive_dir_of(con))
    finally:
        con.close()
    return broken.sentence if broken else None


def _recompute_from(con, first: int) -> None:
    rows = con.execute("SELECT audit_id, audited_at, user_name, action, load_id, detail FROM audit "
                       "WHERE audit_id >= ? ORDER BY audit_id", [first]).fetchall()
    previous = con.execute("SELECT row_hash FROM audit_chain WHERE audit_id < ? ORDER BY audit_id DESC LIMIT 1",
                           [first]).fetchone()
    last = previous[0] if previous else audit.GENESIS
    for row in rows:
        last = audit.row_hash(last, *row)
        con.execute("UPDATE audit_chain SET row_hash = ? WHERE audit_id = ?", [last, row[0]])


def test_the_small_store_has_an_anchor_and_verifies(anchored_db):
    assert (archive_dir_for(anchored_db) / anchor.ANCHOR).is_file()
    assert _verify(anchored_db) is None


def test_the_last_line_cut_from_both_tables_is_found(anchored_db):
    con = _raw(anchored_db)
    last = con.execute("SELECT max(audit_id) FROM audit").fetchone()[0]
    con.execute("DELETE FROM audit WHERE audit_id = ?", [last])
    con.execute("DELETE FROM audit_chain WHERE audit_id = ?", [last])
    con.close()
    assert "cut from the end" in _verify(anchored_db)


def test_both_tables_emptied_is_found(anchored_db):
    con = _raw(anchored_db)
    con.execute("DELETE FROM audit_chain")
    con.execute("DELETE FROM audit")
    con.close()
    assert "emptied" in _verify(anchored_db)


def test_a_changed_line_with_its_chain_recomputed_is_found(anchored_db):
    con = _raw(anchored_db)
    first = con.execute("SELECT min(audit_id) + 2 FROM audit").fetchone()[0]
    con.execute("UPDATE audit SET user_name = 'someone else' WHERE audit_id = ?", [first])
    _recompute_from(con, first)
    con.close()
    assert "recomputed" in _verify(anchored_db)


def test_a_later_write_does_not_hide_a_cut(anchored_db):
    con = _raw(anchored_db)
    last = con.execute("SELECT max(audit_id) FROM audit").fetchone()[0]
    con.execute("DELETE FROM audit WHERE audit_id = ?", [last])
    con.execute("DELETE FROM audit_chain WHERE audit_id = ?", [last])
    con.close()
    opened = store.open_store(anchored_db)
    try:
        from datetime import date
        add_rebase_date(opened, indicator_id="length_of_stay_65", area_code="E06000014",
                        rebase_date=date(2018, 8, 1), reason="new pathway", user="tester")
    finally:
        opened.close()
    assert "cut from the end" in _verify(anchored_db)


def test_a_write_through_the_door_moves_the_anchor(anchored_db):
    before = json.loads((archive_dir_for(anchored_db) / anchor.ANCHOR).read_text())
    opened = store.open_store(anchored_db)
    try:
        from datetime import date
        add_rebase_date(opened, indicator_id="length_of_stay_65", area_code="E06000014",
                        rebase_date=date(2018, 8, 1), reason="new pathway", user="tester")
    finally:
        opened.close()
    after = json.loads((archive_dir_for(anchored_db) / anchor.ANCHOR).read_text())
    assert after["count"] == before["count"] + 1
    assert _verify(anchored_db) is None


def test_a_forged_anchor_is_found(anchored_db):
    path = archive_dir_for(anchored_db) / anchor.ANCHOR
    data = json.loads(path.read_text())
    data["count"] += 5
    path.write_text(json.dumps(data))
    assert "anchor" in _verify(anchored_db)


@pytest.mark.parametrize("cut, said", [("last", "cut from the end"), ("all", "emptied")])
def test_audit_verify_says_which(anchored_db, capsys, cut, said):
    con = _raw(anchored_db)
    where = "WHERE audit_id = (SELECT max(audit_id) FROM audit)" if cut == "last" else ""
    last = con.execute("SELECT max(audit_id) FROM audit").fetchone()[0]
    con.execute(f"DELETE FROM audit_chain {where.replace('(SELECT max(audit_id) FROM audit)', str(last))}")
    con.execute(f"DELETE FROM audit {where}")
    con.close()
    assert main(["audit", "--verify", "--db", str(anchored_db)]) == 1
    assert said in capsys.readouterr().err
