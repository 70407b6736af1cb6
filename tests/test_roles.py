"""Every write checks the role: a viewer calling any public write function is refused and nothing changes."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import store
from loaders.build import load_reference
from loaders.pipeline import confirm_load, load_into, read_file, store_context
from store import board_asks, commentary, indicators, loads, plan, queries
from store.roles import User

VIEWER = User("vic", "viewer")
ANALYST = User("ana", "analyst")
HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
ACTION = {"ref": "R5.9", "description": "Agree the discharge protocol", "lead": "City of York Council",
          "due_date": "2019-06-30", "progress": "", "rag": "Green"}


def extract_file(tmp_path: Path) -> Path:
    path = tmp_path / "x.csv"
    path.write_text(HEADER + "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n", encoding="utf-8")
    return path


# Each public write, as a viewer would call it: (con, a file to load, an existing load id, archive) -> None
WRITES = {
    "loaders.pipeline.load_into": lambda con, path, load_id, archive: load_into(
        con, path, user=VIEWER, archive_dir=archive),
    "loaders.pipeline.confirm_load": lambda con, path, load_id, archive: confirm_load(
        con, path, read_file(path, store_context(con)), user=VIEWER, archive_dir=archive),
    "store.loads.store_extract": lambda con, path, load_id, archive: loads.store_extract(
        con, read_file(path, store_context(con)), file="x.csv", sha256="0" * 64, user=VIEWER),
    "store.loads.undo_load": lambda con, path, load_id, archive: loads.undo_load(con, load_id, user=VIEWER,
                                                                                 archive_dir=archive),
    "store.indicators.add_rebase_date": lambda con, path, load_id, archive: indicators.add_rebase_date(
        con, indicator_id="dtoc_18", area_code="E06000014", rebase_date=date(2018, 6, 1), reason="new team",
        user=VIEWER),
    "store.plan.add_action": lambda con, path, load_id, archive: plan.add_action(con, ACTION, user=VIEWER),
    "store.plan.update_action": lambda con, path, load_id, archive: plan.update_action(
        con, "R5.1", {"rag": "Red"}, user=VIEWER),
    "store.plan.close_action": lambda con, path, load_id, archive: plan.close_action(con, "R5.1", user=VIEWER),
    "store.plan.apply_import": lambda con, path, load_id, archive: plan.apply_import(
        con, pd.DataFrame([ACTION]), user=VIEWER),
    "store.plan.load_plan": lambda con, path, load_id, archive: plan.load_plan(
        con, projects=plan.projects(con), recommendations=plan.recommendations(con), findings=pd.DataFrame(),
        indicator_links=pd.DataFrame(), user=VIEWER),
    "loaders.build.load_reference": lambda con, path, load_id, archive: load_reference(con, user=VIEWER),
    "store.commentary.save_draft": lambda con, path, load_id, archive: commentary.save_draft(
        con, indicator_id="dtoc_18", area_code="E06000014", period_start=date(2018, 9, 1),
        texts={"what_data_shows": "Falling"}, user=VIEWER),
    "store.commentary.submit": lambda con, path, load_id, archive: commentary.submit(
        con, indicator_id="dtoc_18", area_code="E06000014", period_start=date(2018, 9, 1), user=VIEWER),
    "store.commentary.sign_off": lambda con, path, load_id, archive: commentary.sign_off(
        con, indicator_id="dtoc_18", area_code="E06000014", period_start=date(2018, 9, 1), user=VIEWER),
    "store.board_asks.save_draft": lambda con, path, load_id, archive: board_asks.save_draft(
        con, area_code="E06000014", board_date=date(2018, 11, 20), texts={"note": "Falling"}, user=VIEWER),
    "store.board_asks.sign_off": lambda con, path, load_id, archive: board_asks.sign_off(
        con, area_code="E06000014", board_date=date(2018, 11, 20), user=VIEWER),
    "store.Store.write": lambda con, path, load_id, archive: store.door_of(con).write(
        lambda write: write.con.execute("DELETE FROM rebase_dates"), user=VIEWER, action="change"),
}


@pytest.fixture(scope="module")
def one_store(bundled_db, tmp_path_factory):
    """One copy of the bundled store with an analyst's load in it, and its contents then: every refused write
    below must leave exactly this (a write that got through would fail its own test and every later one)."""
    folder = tmp_path_factory.mktemp("roles")
    path = folder / "pbip.duckdb"
    shutil.copyfile(bundled_db, path)
    con = store.connect(path)
    archive = folder / "archive"
    load_id = load_into(con, extract_file(folder), user=ANALYST, archive_dir=archive).load_id
    yield con, folder, load_id, archive, queries.table_snapshot(con), sorted(archive.iterdir())
    con.close()


@pytest.mark.parametrize("name", list(WRITES))
def test_a_viewer_is_refused_by_every_write_and_nothing_changes(name, one_store):
    """Every public write function refuses a viewer with PermissionError before touching any table or the archive."""
    con, folder, load_id, archive, before, archived = one_store
    with pytest.raises(PermissionError, match="viewer role"):
        WRITES[name](con, extract_file(folder), load_id, archive)
    after = queries.table_snapshot(con)
    assert before.keys() == after.keys()
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)
    assert sorted(archive.iterdir()) == archived


def test_the_row_helpers_cannot_be_used_around_the_door(con):
    """Writing rows without going through the door is refused outright."""
    from store import writes

    with pytest.raises(RuntimeError, match="through the store's door"):
        writes.replace_area_links(con, pd.DataFrame(columns=["area_code", "relation", "linked_code"]))


def test_nobody_signed_in_is_refused(built_db, tmp_path):
    """With nobody signed in (None) a dashboard write asks them to sign in."""
    con = store.connect(built_db)
    try:
        with pytest.raises(PermissionError, match="Sign in"):
            load_into(con, extract_file(tmp_path), user=None, archive_dir=tmp_path / "archive")
    finally:
        con.close()
