"""Previewing a load before it is stored, confirming it, and taking it back exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import store
from loaders.pipeline import confirm_load, read_file, store_context
from store import loads, queries
from store.loads import UndoRefused, preview, recent_loads, undo_load, undo_refusals
from store.primitives import RetryWrite
from store.roles import User
from store.settings import archive_dir_for

HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
ANALYST = User("ana", "analyst")
VIEWER = User("vic", "viewer")
# Tables an undo is allowed to grow; every other table must come back exactly.
UNDO_BOOKKEEPING = {"audit", "audit_chain", "load_undone"}


def tidy(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def dtoc(month: str, days_per_day: float) -> str:
    end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    return f"dtoc_18,E06000014,York,{month},{end},{days_per_day},,,"


def stay(month: str, numerator: int, denominator: int = 900) -> str:
    end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    return f"length_of_stay_65,E06000014,York,{month},{end},{numerator},{denominator},,"


def load(con, path: Path, user: User = ANALYST, **kwargs):
    extract = read_file(path, store_context(con))
    return confirm_load(con, path, extract, user=user, archive_dir=kwargs.pop("archive_dir", path.parent / "archive"),
                        **kwargs)


def assert_same_store(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame],
                      grow: set[str] = frozenset()) -> None:
    assert before.keys() == after.keys()
    for name in before:
        if name not in grow:
            pd.testing.assert_frame_equal(before[name], after[name], obj=name)


@pytest.fixture
def db(built_db):
    connection = store.connect(built_db)
    yield connection
    connection.close()


class TestPreview:
    def test_rows_are_added_changed_or_unchanged_as_the_store_will_count_them(self, db, tmp_path):
        """The preview's added/changed/unchanged counts are exactly what confirming then does."""
        load(db, tidy(tmp_path, "first.csv", [dtoc("2020-01-01", 30), dtoc("2020-02-01", 31)]))
        second = tidy(tmp_path, "second.csv", [dtoc("2020-01-01", 30), dtoc("2020-02-01", 35),
                                               dtoc("2020-03-01", 40)])
        extract = read_file(second, store_context(db))
        shown = preview(db, extract)
        assert shown.counts.added == 1 and shown.counts.changed == 1 and shown.counts.unchanged == 1
        result = confirm_load(db, second, extract, user=ANALYST, archive_dir=tmp_path / "archive")
        assert result.counts == shown.counts

    def test_a_changed_row_shows_old_and_new_values(self, db, tmp_path):
        """A changed row carries the stored value and the new one, as the dashboard shows them."""
        load(db, tidy(tmp_path, "first.csv", [dtoc("2020-02-01", 31)]))
        extract = read_file(tidy(tmp_path, "second.csv", [dtoc("2020-02-01", 35)]), store_context(db))
        row = preview(db, extract).observations.iloc[0]
        assert row["status"] == "changed"
        assert (row["old_numerator"], row["new_numerator"]) == (31, 35)
        # The rate uses York's 18+ population for 2020, as the observations view will.
        assert row["new_value"] == pytest.approx(row["old_value"] * 35 / 31)

    def test_summary_is_per_indicator_and_area_with_the_periods_covered(self, db, tmp_path):
        """The summary has one line per indicator and area with counts and first and last period."""
        extract = read_file(tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30), dtoc("2020-03-01", 40),
                                                     stay("2018-04-01", 250)]), store_context(db))
        summary = preview(db, extract).summary.set_index(["indicator_id", "area_code"])
        york = summary.loc[("dtoc_18", "E06000014")]
        assert (york["added"], york["changed"], york["unchanged"]) == (2, 0, 0)
        assert str(york["first_period"].date()) == "2020-01-01"
        assert str(york["last_period"].date()) == "2020-03-31"

    def test_real_data_shows_the_demonstration_rows_it_will_retire(self, db, tmp_path):
        """A real extract for a demonstration indicator says how many invented rows it replaces."""
        extract = read_file(tidy(tmp_path, "x.csv", [stay("2018-04-01", 250)]), store_context(db))
        summary = preview(db, extract).summary.set_index(["indicator_id", "area_code"])
        assert summary.loc[("length_of_stay_65", "E06000014"), "demonstration_retired"] > 0

    def test_rows_are_shown_by_indicator_area_and_period_whatever_the_files_order(self, db, tmp_path, monkeypatch):
        """The order worked out before the query (store.loads._key_order) is the one DuckDB sorts to."""
        areas = [code for (code,) in db.execute(
            "SELECT area_code FROM areas WHERE area_code LIKE 'E0%' ORDER BY area_code DESC LIMIT 3").fetchall()]
        rows = [f"{indicator},{area},,{month},{(pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()},{n},900,,"
                for n, (indicator, area, month) in enumerate(
                    (indicator, area, month) for month in ["2019-03-01", "2018-11-01", "2019-01-01"]
                    for area in areas for indicator in ["length_of_stay_65", "dtoc_18"])]
        extract = read_file(tidy(tmp_path, "shuffled.csv", rows[5:] + rows[:5]), store_context(db))
        shown = preview(db, extract).observations
        keys = list(zip(shown["indicator_id"], shown["area_code"], shown["period_start"], strict=True))
        assert keys == sorted(keys) and len(keys) == len(rows)
        monkeypatch.setattr(loads, "_key_order", lambda incoming: None)  # DuckDB's ORDER BY instead
        pd.testing.assert_frame_equal(shown, preview(db, extract).observations, check_exact=True)

    def test_previewing_writes_nothing(self, db, tmp_path):
        """Every table is the same after a preview as before it."""
        before = queries.table_snapshot(db)
        extract = read_file(tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30), stay("2018-04-01", 250)]),
                            store_context(db))
        preview(db, extract)
        assert_same_store(before, queries.table_snapshot(db))


class TestConfirm:
    def test_the_load_is_audited_with_the_user_and_the_file_archived(self, db, tmp_path):
        """Confirm names the analyst in the audit and keeps the raw file under its sha256."""
        result = load(db, tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)]))
        user, detail = db.execute("SELECT user_name, detail FROM audit WHERE action = 'load' "
                                  "AND load_id = ?", [result.load_id]).fetchone()
        assert user == "ana"
        assert json.loads(detail)["sha256"] == result.sha256
        assert (tmp_path / "archive" / f"{result.sha256}.csv").exists()

    def test_a_viewer_cannot_confirm(self, db, tmp_path):
        """Calling confirm_load as a viewer fails and stores nothing."""
        before = queries.table_snapshot(db)
        with pytest.raises(PermissionError, match="analyst"):
            load(db, tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)]), user=VIEWER)
        with pytest.raises(PermissionError):
            load(db, tidy(tmp_path, "y.csv", [dtoc("2020-01-01", 30)]), user=None)
        assert_same_store(before, queries.table_snapshot(db))

    def test_a_stale_preview_is_refused_with_a_sentence(self, db, tmp_path):
        """Confirming a preview made before someone else's load asks the analyst to look again."""
        path = tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)])
        extract = read_file(path, store_context(db))
        version = preview(db, extract).store_version
        load(db, tidy(tmp_path, "other.csv", [dtoc("2020-05-01", 30)]))
        with pytest.raises(RetryWrite, match="changed since this preview"):
            confirm_load(db, path, extract, user=ANALYST, archive_dir=tmp_path / "archive",
                         expected_version=version)


class TestUndo:
    def test_undo_returns_every_table_to_exactly_before_the_load(self, db, tmp_path):
        """After undo, every table but the audit and the undo record equals its state before the load."""
        load(db, tidy(tmp_path, "first.csv", [dtoc("2020-01-01", 30)]))
        before = queries.table_snapshot(db)
        result = load(db, tidy(tmp_path, "second.csv", [dtoc("2020-01-01", 33), dtoc("2020-02-01", 31)]))
        undo_load(db, result.load_id, user=ANALYST)
        after = queries.table_snapshot(db)
        assert_same_store(before, after, grow=UNDO_BOOKKEEPING)
        assert len(after["load_undone"]) == len(before["load_undone"]) + 1

    def test_undoing_real_data_brings_back_the_demonstration_series_and_its_flag(self, db, tmp_path):
        """A real extract retires demonstration rows and the flag; undo restores both exactly."""
        before = queries.table_snapshot(db)
        result = load(db, tidy(tmp_path, "stay.csv", [stay("2018-04-01", 250)]))
        flag = db.execute("SELECT is_demonstration FROM indicators WHERE indicator_id = 'length_of_stay_65'")
        assert flag.fetchone()[0] is False
        undo_load(db, result.load_id, user=ANALYST)
        assert_same_store(before, queries.table_snapshot(db), grow=UNDO_BOOKKEEPING)

    def test_undo_is_audited_with_the_user(self, db, tmp_path):
        """The undo is a line in the audit naming who did it."""
        result = load(db, tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)]))
        undo_load(db, result.load_id, user=User("bea", "analyst"))
        assert db.execute("SELECT user_name FROM audit WHERE action = 'undo' AND load_id = ?",
                          [result.load_id]).fetchone() == ("bea",)

    def test_an_earlier_load_can_be_undone_and_a_later_load_keeps_its_rows(self, db, tmp_path):
        """Undoing a load a later load replaced leaves the later rows current and brings back the rest."""
        before = db.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' "
                            "AND area_code = 'E06000014' AND period_start = '2019-03-01'").fetchone()
        first = load(db, tidy(tmp_path, "first.csv", [dtoc("2019-02-01", 30), dtoc("2019-03-01", 31)]))
        load(db, tidy(tmp_path, "second.csv", [dtoc("2019-02-01", 30), dtoc("2019-04-01", 33)]))
        counts = undo_load(db, first.load_id, user=ANALYST)
        current = dict(db.execute("SELECT period_start::VARCHAR, numerator FROM observations WHERE indicator_id = "
                                  "'dtoc_18' AND area_code = 'E06000014' AND period_start BETWEEN '2019-02-01' "
                                  "AND '2019-04-01'").fetchall())
        assert current == {"2019-02-01": 30, "2019-03-01": before[0], "2019-04-01": 33}
        assert (counts.removed, counts.restored) == (1, 1)

    def test_undoing_one_of_two_real_extracts_keeps_the_demonstration_rows_retired(self, db, tmp_path):
        """With a second real extract still standing, undoing the first brings back no invented rows."""
        first = load(db, tidy(tmp_path, "first.csv", [stay("2018-04-01", 250)]))
        load(db, tidy(tmp_path, "second.csv", [stay("2018-05-01", 260)]))
        undo_load(db, first.load_id, user=ANALYST)
        rows = db.execute("SELECT period_start::VARCHAR, is_demonstration FROM observations "
                          "WHERE indicator_id = 'length_of_stay_65'").fetchall()
        assert rows == [("2018-05-01", False)]
        flag = db.execute("SELECT is_demonstration FROM indicators WHERE indicator_id = 'length_of_stay_65'")
        assert flag.fetchone()[0] is False

    def test_a_load_made_before_undo_was_recorded_is_refused_with_a_sentence(self, db, tmp_path):
        """A load from before migration 4 kept nothing undo needs, so undo says so and changes nothing."""
        result = load(db, tidy(tmp_path, "old.csv", [dtoc("2020-01-01", 30)]))
        db.execute("INSERT INTO loads_without_prior_state VALUES (?)", [result.load_id])
        before = queries.table_snapshot(db)
        with pytest.raises(UndoRefused, match="before this store kept what an undo needs"):
            undo_load(db, result.load_id, user=ANALYST)
        assert_same_store(before, queries.table_snapshot(db))

    def test_a_load_cannot_be_undone_twice(self, db, tmp_path):
        """The second undo of the same load is refused with a sentence."""
        result = load(db, tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)]))
        undo_load(db, result.load_id, user=ANALYST)
        with pytest.raises(UndoRefused, match="already been undone"):
            undo_load(db, result.load_id, user=ANALYST)

    def test_a_viewer_cannot_undo(self, db, tmp_path):
        """Calling undo_load as a viewer fails and changes nothing."""
        result = load(db, tidy(tmp_path, "x.csv", [dtoc("2020-01-01", 30)]))
        before = queries.table_snapshot(db)
        with pytest.raises(PermissionError):
            undo_load(db, result.load_id, user=VIEWER)
        assert_same_store(before, queries.table_snapshot(db))

    def test_undoing_a_population_load_removes_the_areas_it_added(self, db, tmp_path):
        """A load that added areas takes them away again on undo."""
        source = Path(store.settings.PROJECT_ROOT) / "data/public/ons_mid_year_population_lad_single_year_1997-2020.csv"
        header, *rows = source.read_text(encoding="utf-8").splitlines()
        york = [row for row in rows if row.startswith("York,E06000014,")][:1]
        invented = york[0].replace("E06000014", "E06000999").replace("York", "Newtown")
        path = tmp_path / "population.csv"
        path.write_text("\n".join([header, invented]) + "\n", encoding="utf-8")
        before = queries.table_snapshot(db)
        result = load(db, path)
        assert db.execute("SELECT count(*) FROM areas WHERE area_code = 'E06000999'").fetchone()[0] == 1
        undo_load(db, result.load_id, user=ANALYST)
        assert_same_store(before, queries.table_snapshot(db), grow=UNDO_BOOKKEEPING)

    def test_recent_loads_say_which_can_be_undone(self, db, tmp_path):
        """The recent-loads list gives the refusal sentence for a load that cannot be undone."""
        first = load(db, tidy(tmp_path, "first.csv", [dtoc("2020-01-01", 30)]))
        second = load(db, tidy(tmp_path, "second.csv", [dtoc("2020-01-01", 33)]))
        db.execute("INSERT INTO loads_without_prior_state VALUES (?)", [first.load_id])
        recent = recent_loads(db).set_index("load_id")
        assert "cannot be undone" in recent.loc[first.load_id, "undo_refused"]
        assert recent.loc[second.load_id, "undo_refused"] is None

    def test_one_query_gives_every_refusal_as_one_at_a_time(self, db, tmp_path):
        """undo_refusals over a list says, for each load, what undo_refusal says of it alone: undone, absent,
        made before undo was recorded, using an area another load added, or None."""
        source = Path(store.settings.PROJECT_ROOT) / "data/public/ons_mid_year_population_lad_single_year_1997-2020.csv"
        header, *rows = source.read_text(encoding="utf-8").splitlines()
        york = next(row for row in rows if row.startswith("York,E06000014,"))
        newtown = tmp_path / "population.csv"
        newtown.write_text(header + "\n" + york.replace("E06000014", "E06000999").replace("York", "Newtown") + "\n",
                           encoding="utf-8")
        adds = load(db, newtown)
        uses = load(db, tidy(tmp_path, "uses.csv", ["dtoc_18,E06000999,Newtown,2020-01-01,2020-01-31,3,,,"]))
        undone = load(db, tidy(tmp_path, "undone.csv", [dtoc("2020-02-01", 30)]))
        undo_load(db, undone.load_id, user=ANALYST)
        old = load(db, tidy(tmp_path, "old.csv", [dtoc("2020-03-01", 30)]))
        db.execute("INSERT INTO loads_without_prior_state VALUES (?)", [old.load_id])
        asked = [adds.load_id, uses.load_id, undone.load_id, old.load_id, 99999, *recent_loads(db)["load_id"]]
        together = undo_refusals(db, asked)
        assert together == {int(load_id): store.loads.undo_refusal(db, load_id) for load_id in asked}
        assert f"load {uses.load_id} uses areas it added" in together[adds.load_id]
        assert together[uses.load_id] is None and "already been undone" in together[undone.load_id]
        assert "There is no load" in together[99999] and "cannot be undone" in together[old.load_id]


def test_archive_dir_is_beside_the_database(built_db):
    """Raw files are archived beside the store they were loaded into."""
    assert archive_dir_for(built_db).parent == built_db.parent
