"""The plan's rules: overdue, the RAG roll-up, "since the last board" and the import preview."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analysis import plan


class TestOverdue:
    @pytest.mark.parametrize("rag,due,as_at,expected", [
        ("Amber", date(2019, 3, 31), date(2019, 3, 30), False),
        ("Amber", date(2019, 3, 31), date(2019, 3, 31), False),
        ("Amber", date(2019, 3, 31), date(2019, 4, 1), True),
        ("Grey", date(2019, 3, 31), date(2019, 4, 1), True),
        ("Blue", date(2019, 3, 31), date(2019, 4, 1), False),
        ("Red", None, date(2019, 4, 1), False),
    ])
    def test_an_open_action_is_overdue_the_day_after_its_date(self, rag, due, as_at, expected):
        """An action not complete is overdue from the day after its date for completion, not on it."""
        assert plan.is_overdue(rag, due, as_at) is expected

    def test_the_frame_version_agrees_on_the_boundary(self):
        """overdue_flags gives the same answer as is_overdue on the boundary date."""
        actions = pd.DataFrame({"rag": ["Amber", "Amber", "Blue"],
                                "due_date": [date(2019, 3, 31), date(2019, 3, 30), date(2019, 3, 1)]})
        assert plan.overdue_flags(actions, date(2019, 3, 31)).tolist() == [False, True, False]


class TestRollUp:
    @pytest.mark.parametrize("rags,expected", [
        (["Green", "Red", "Amber"], "Red"),
        (["Green", "Amber", "Blue"], "Amber"),
        (["Green", "Blue", "Grey"], "Green"),
        (["Blue", "Blue"], "Blue"),
        (["Grey", "Grey"], "Grey"),
        (["Blue", "Grey"], "Grey"),
        (["Blue", "Red"], "Red"),
        ([], "No actions"),
    ])
    def test_worst_open_rag_wins_and_blue_only_when_all_complete(self, rags, expected):
        """The roll-up is the worst open RAG; Blue only when every action is complete."""
        assert plan.roll_up(rags) == expected

    def test_counts_by_recommendation(self):
        """Counts give each RAG, the total, the overdue count and the roll-up per group."""
        actions = pd.DataFrame({"recommendation_ref": ["R1", "R1", "R2"], "rag": ["Red", "Blue", "Green"],
                                "due_date": [date(2019, 1, 1), date(2019, 1, 1), date(2030, 1, 1)]})
        counts = plan.rag_counts(actions, "recommendation_ref", date(2019, 6, 1)).set_index("recommendation_ref")
        assert counts.loc["R1", ["Red", "Blue", "Total", "Overdue", "Roll-up"]].tolist() == [1, 1, 2, 1, "Red"]
        assert counts.loc["R2", "Roll-up"] == "Green"


class TestValidation:
    def test_a_good_action_has_no_problems(self):
        """A complete, well-formed action can be saved."""
        action = {"ref": "R5.1", "description": "Recruit", "lead": "City of York Council",
                  "due_date": date(2019, 3, 31), "progress": None, "rag": "Green"}
        assert plan.validate_action(action, ["R5"]) == []

    def test_each_problem_is_named(self):
        """Missing description, bad date, unknown RAG, no lead and an unknown recommendation are all named."""
        action = {"ref": "R14.1", "description": " ", "lead": "", "due_date": "31/02/2019", "rag": "Purple"}
        problems = " / ".join(plan.validate_action(action, ["R5"]))
        for words in ("R14", "description", "lead", "Purple", "31/02/2019"):
            assert words in problems


def history(rows):
    frame = pd.DataFrame(rows, columns=["action_ref", "changed_at", "field", "old_value", "new_value"])
    frame["changed_at"] = pd.to_datetime(frame["changed_at"])
    frame["changed_by"] = "test"
    frame["history_id"] = range(1, len(frame) + 1)
    return frame


HISTORY = history([
    ("R1.1", "2018-05-01", "rag", None, "Grey"), ("R1.1", "2018-05-01", "due_date", None, "2019-06-30"),
    ("R1.1", "2019-02-01", "rag", "Grey", "Amber"),
    ("R1.2", "2018-05-01", "rag", None, "Green"), ("R1.2", "2018-05-01", "due_date", None, "2019-02-01"),
    ("R1.2", "2019-03-01", "rag", "Green", "Blue"),
    ("R1.3", "2018-05-01", "rag", None, "Amber"), ("R1.3", "2018-05-01", "due_date", None, "2019-02-15"),
    ("R1.4", "2019-02-10", "rag", None, "Grey"),
])


class TestSinceLastBoard:
    def test_changes_completions_overdue_and_new_actions_are_listed(self):
        """Between two dates: RAG changes, completions, newly overdue actions and new actions."""
        changes = plan.since_last_board(HISTORY, date(2019, 1, 15), date(2019, 3, 15))
        found = set(zip(changes["ref"], changes["change"], strict=True))
        assert found == {("R1.1", "RAG changed"), ("R1.2", "RAG changed"), ("R1.2", "Completed"),
                         ("R1.3", "Became overdue"), ("R1.4", "New action")}

    def test_state_at_a_date_is_rebuilt_from_the_history(self):
        """The state at a date is each field's last value on or before it."""
        state = plan.state_at(HISTORY, datetime(2019, 2, 5)).set_index("ref")
        assert state.loc["R1.1", "rag"] == "Amber" and "R1.4" not in state.index

    def test_rag_timeline_is_in_order(self):
        """The RAG timeline of an action lists each RAG it had, oldest first."""
        assert plan.rag_timeline(HISTORY, "R1.2")["new_value"].tolist() == ["Green", "Blue"]


class TestImportPreview:
    CURRENT = pd.DataFrame([{"ref": "R1.1", "description": "A", "lead": "L", "due_date": date(2019, 1, 1),
                             "progress": None, "rag": "Green"}])

    def test_identical_actions_show_no_change(self):
        """Importing what is held previews no change."""
        assert plan.import_preview(self.CURRENT, self.CURRENT).empty

    def test_new_and_changed_fields_are_listed(self):
        """A changed RAG is listed with old and new values; a new action lists its fields."""
        incoming = pd.concat([self.CURRENT.assign(rag="Red"), self.CURRENT.assign(ref="R1.2")])
        preview = plan.import_preview(incoming, self.CURRENT)
        changed = preview[preview["change"] == "changed"]
        assert changed[["ref", "field", "old_value", "new_value"]].values.tolist() == [["R1.1", "rag", "Green", "Red"]]
        assert set(preview.loc[preview["change"] == "new action", "ref"]) == {"R1.2"}
