"""Issue 22 (6): a start that finds a store file other than the one its journal describes rebuilds it.

On main, a store file replaced while the dashboard ran (an older copy put back) lost the loads confirmed
since, after the restart the dashboard's own message recommends: the archive's journal held them, but a
file was present, so no rebuild happened, and the audit then failed its check.
"""

from __future__ import annotations

import shutil

import store
from loaders.build import ensure_store
from loaders.pipeline import load_into
from store import audit
from store.door import archive_dir_of
from store.settings import archive_dir_for

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"


def _copy_with_archive(source, path):
    shutil.copyfile(source, path)
    shutil.copytree(archive_dir_for(source), archive_dir_for(path))
    return path


def _value(db, period: str):
    con = store.connect(db)
    try:
        row = con.execute("SELECT value FROM observations WHERE indicator_id = 'ae_attendances_65' "
                          "AND area_code = 'E06000014' AND period_start = ?", [period]).fetchone()
        broken = audit.verify(con, archive_dir_of(con))
    finally:
        con.close()
    return (row[0] if row else None), broken


def test_an_older_copy_put_back_is_kept_aside_and_the_store_rebuilt(bundled_db, tmp_path):
    db = _copy_with_archive(bundled_db, tmp_path / "pbip.duckdb")
    older = tmp_path / "older-copy.duckdb"
    shutil.copyfile(db, older)
    extract = tmp_path / "extract.csv"
    extract.write_text(HEADER + "ae_attendances_65,E06000014,York,2010-01-01,2010-01-31,,,24.5,\n")
    opened = store.open_store(db)
    try:
        load_into(opened, extract, user="ana", archive_dir=archive_dir_for(db))
    finally:
        opened.close()
    shutil.copyfile(older, db)  # the file replaced by an older copy while the dashboard ran

    said = ensure_store(db)

    assert said is not None and "not the one its archive describes" in said and "none lost" in said
    value, broken = _value(db, "2010-01-01")
    assert value == 24.5 and broken is None
    kept = list(tmp_path.glob("pbip.duckdb.not-the-journals-*"))
    assert len(kept) == 1


def test_the_journals_own_store_is_left_alone(small_db, tmp_path):
    db = _copy_with_archive(small_db, tmp_path / "pbip.duckdb")
    assert ensure_store(db) is None
    assert not list(tmp_path.glob("*.not-the-journals-*"))


def test_a_store_this_process_already_holds_is_in_use_not_a_stranger(small_db, tmp_path):
    """A page run keeps its store open for writing; a later start in the same process (the headless page tests,
    one worker running many) must not die opening it read-only with another configuration."""
    db = _copy_with_archive(small_db, tmp_path / "pbip.duckdb")
    held = store.open_store(db)
    try:
        assert ensure_store(db) is None
    finally:
        held.close()
    assert not list(tmp_path.glob("*.not-the-journals-*"))
