"""The store and the plan as they stood at a load and a day (store/as_at.py, analysis/plan_as_at.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

import store
from analysis.plan_as_at import actions_as_at, indicator_rag, previous_board
from loaders import load_file
from store.as_at import AsAt, held, latest_load, undone_within, version_refusal

ROWS = "SELECT * FROM {} ORDER BY indicator_id, area_code, period_start"


def rows(con, relation: str) -> pd.DataFrame:
    return con.execute(ROWS.format(relation)).df()


class TestStoreAsAt:
    def test_the_last_version_reads_exactly_the_observations_view(self, small_store_db):
        """With every load included and no day, the restricted SQL gives the view's own rows and columns."""
        con = store.open_store(small_store_db, read_only=True).connection
        pd.testing.assert_frame_equal(rows(con, AsAt(latest_load(con)).observations), rows(con, "observations"))
        assert AsAt().observations == "observations"

    def test_an_earlier_version_reads_the_store_as_it_was_before_a_later_load(self, small_store_db, tmp_path):
        """After a load changes a figure, the version before it still gives the old figure and nothing new."""
        con = store.open_store(small_store_db, read_only=True).connection
        version, before = latest_load(con), rows(con, "observations")
        con.close()
        changed = tmp_path / "dtoc.csv"
        changed.write_text("indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,"
                           "value_note\ndtoc_18,E06000014,York,2019-03-01,2019-03-31,40,,,\n", encoding="utf-8")
        load_file(changed, small_store_db, "test")
        con = store.open_store(small_store_db, read_only=True).connection
        assert not rows(con, "observations").equals(before)
        then = rows(con, AsAt(version).observations)
        pd.testing.assert_frame_equal(then, before)
        assert version_refusal(con, version) is None and undone_within(con, version) == []
        assert "no store version 99" in version_refusal(con, 99)

    def test_a_day_keeps_only_periods_ended_by_then(self, small_store_db):
        con = store.open_store(small_store_db, read_only=True).connection
        kept = rows(con, AsAt(day=date(2018, 3, 31)).observations)
        assert len(kept) and (pd.to_datetime(kept["period_end"]) <= "2018-03-31").all()

    def test_a_point_of_view_held_once_reads_the_same_rows_and_leaves_nothing_behind(self, small_store_db):
        """A pack reads its point of view once into a temporary table: the same rows and columns as the
        restricted view, on a read-only connection too, dropped when the pack is made."""
        con = store.open_store(small_store_db, read_only=True).connection
        view = AsAt(latest_load(con), date(2018, 3, 31))
        with held(con, view) as once:
            assert once == view and once.observations != view.observations
            pd.testing.assert_frame_equal(rows(con, once.observations), rows(con, view.observations))
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0] == 0


def _history(*changes):
    return pd.DataFrame([{"history_id": i, "action_ref": ref, "changed_at": pd.Timestamp(when), "changed_by": "ann",
                          "field": field, "old_value": None, "new_value": value}
                         for i, (ref, when, field, value) in enumerate(changes)])


class TestPlanAsAt:
    history = _history(
        *[("R1.1", "2018-06-01 09:00", field, value) for field, value in
          (("description", "Discharge to assess"), ("lead", "CCG"), ("due_date", "2018-09-30"),
                               ("progress", "Started"), ("rag", "Green"))],
        ("R1.1", "2018-12-01 09:00", "rag", "Blue"),
        *[("R1.2", "2019-01-10 09:00", field, value) for field, value in
          (("description", "Home first"), ("lead", "Council"), ("due_date", "2019-06-30"),
                               ("progress", "Not begun"), ("rag", "Grey"))],
    )
    actions = pd.DataFrame({
        "ref": ["R1.1", "R1.2"], "recommendation_ref": ["R1", "R1"],
        "description": ["Discharge to assess", "Home first"],
        "lead": ["CCG", "Council"], "due_date": pd.to_datetime(["2018-09-30", "2019-06-30"]),
        "progress": ["Started", "Not begun"],
        "rag": ["Blue", "Grey"], "is_overdue": [False, False], "is_demonstration": [False, False],
        "updated_by": ["ann", "ann"], "updated_at": pd.to_datetime(["2018-12-01 09:00", "2019-01-10 09:00"]),
        "completed_on": pd.to_datetime(["2018-12-01", None])})

    def test_changes_after_the_day_are_taken_back_and_overdue_counted_that_day(self):
        """On 20 November 2018, R1.1 was Green and overdue, and R1.2 did not exist yet."""
        then = actions_as_at(self.actions, self.history, date(2018, 11, 20))
        assert then["ref"].tolist() == ["R1.1"]
        assert then.loc[0, "rag"] == "Green" and bool(then.loc[0, "is_overdue"])
        assert pd.isna(then.loc[0, "completed_on"])

    def test_today_the_plan_is_the_current_plan(self):
        now = actions_as_at(self.actions, self.history, date(2026, 1, 1))
        pd.testing.assert_frame_equal(now.drop(columns=["is_overdue", "status"]),
                                      self.actions.drop(columns="is_overdue"))

    def test_rag_counts_per_linked_indicator(self):
        links = pd.DataFrame({"recommendation_ref": ["R1"], "indicator_id": ["dtoc_18"]})
        assert indicator_rag(links, self.actions).to_dict("records") == [
            {"indicator_id": "dtoc_18", "rag": "Blue", "actions": 1},
            {"indicator_id": "dtoc_18", "rag": "Grey", "actions": 1}]

    def test_the_previous_board_is_the_last_marked_event_before_the_day_unless_chosen(self):
        events = pd.DataFrame({"event_date": pd.to_datetime(["2018-04-01", "2018-11-19"]),
                               "label": ["PBIP established", "CQC progress review"]})
        assert previous_board(events, date(2018, 11, 20)) == (date(2018, 11, 19), "CQC progress review")
        assert previous_board(events, date(2018, 11, 19)) == (date(2018, 4, 1), "PBIP established")
        assert previous_board(events, date(2018, 11, 20), date(2018, 9, 1)) == (date(2018, 9, 1), None)
        assert previous_board(events.iloc[0:0], date(2018, 11, 20))[0] == date(2018, 8, 22)
