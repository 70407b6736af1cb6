"""The plan in the store: loading data/plan/, who may change actions, their append-only history and
audit, workbooks."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook

import store
from loaders.errors import LoadError
from loaders.plan import load_plan_data, read_action_workbook
from store import plan
from store.roles import User

STORE_DIR = Path(__file__).resolve().parent.parent / "store"
REFS = {f"R{n}" for n in range(1, 14)}
WHEN = datetime(2019, 1, 10, 9, 0)
ANN = User("Ann", "analyst")
BOB = User("Bob", "analyst")
CY = User("Cy", "analyst")
VIC = User("Vic", "viewer")


@pytest.fixture
def plan_con(con):
    """The in-memory store with the plan loaded and no actions."""
    load_plan_data(con, user="test", demonstration_actions=None)
    return con


def new_action(**fields):
    return {"ref": "R5.9", "description": "Recruit home care workers", "lead": "City of York Council",
            "due_date": date(2019, 3, 31), "progress": "Started", "rag": "Amber", **fields}


class TestPlanData:
    def test_the_plan_is_loaded_from_data_plan(self, plan_con):
        """Four projects, 13 recommendations, the findings and indicator links are in the store."""
        assert len(plan.projects(plan_con)) == 4
        recs = plan.recommendations(plan_con)
        assert recs["ref"].tolist() == [f"R{n}" for n in range(1, 14)]
        assert len(plan.findings(plan_con, "R1")) > 0
        csv = pd.read_csv(Path("data/plan/indicator_links.csv"))
        assert len(plan.indicator_links(plan_con)) == len(csv)

    def test_documented_views_have_their_columns(self, plan_con):
        """plan_recommendations and plan_actions have the columns the schema documents."""
        def columns(view):
            return [row[0] for row in plan_con.execute(f"DESCRIBE {view}").fetchall()]
        assert columns("plan_recommendations") == ["project_number", "project_title", "ref", "recommendation",
                                                   "aim"]
        assert columns("plan_actions")[:11] == ["ref", "recommendation_ref", "description", "lead", "due_date",
                                                "progress", "rag", "is_overdue", "is_demonstration",
                                                "updated_by", "updated_at"]

    def test_the_build_bundles_labelled_demonstration_actions(self, bundled_db):
        """The built store has 2-4 demonstration actions for every recommendation, each flagged."""
        con = store.connect(bundled_db, read_only=True)
        actions = plan.actions(con)
        per = actions.groupby("recommendation_ref").size()
        assert set(per.index) == REFS and per.between(2, 4).all()
        assert actions["is_demonstration"].all()
        assert set(actions["rag"]) == {"Red", "Amber", "Green", "Blue", "Grey"}
        assert (plan.action_history(con)["field"] == "rag").sum() > len(actions)


class TestHistory:
    def test_adding_records_every_field(self, plan_con):
        """A new action's creation is in the history, one row per field, by whom and when."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        history = plan.action_history(plan_con, "R5.9")
        assert set(history["field"]) == {"description", "lead", "due_date", "progress", "rag"}
        assert (history["changed_by"] == "Ann").all() and history["old_value"].isna().all()

    def test_editing_records_old_and_new(self, plan_con):
        """An edit appends who, when, field, old and new for each field that changed, and nothing else."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        changed = plan.update_action(plan_con, "R5.9", {"rag": "Red", "lead": "City of York Council",
                                                        "due_date": date(2019, 4, 30)}, user=BOB)
        assert sorted(changed) == ["due_date", "rag"]
        history = plan.action_history(plan_con, "R5.9").query("changed_by == 'Bob'")
        assert sorted(history[["field", "old_value", "new_value"]].values.tolist()) == [
            ["due_date", "2019-03-31", "2019-04-30"], ["rag", "Amber", "Red"]]
        assert plan.actions(plan_con).iloc[0]["updated_by"] == "Bob"

    def test_closing_marks_complete_with_a_date(self, plan_con):
        """Closing an action makes it Blue, records the change and its completion date."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        plan.close_action(plan_con, "R5.9", user=CY, progress="Done", when=datetime(2019, 5, 2, 10))
        row = plan.actions(plan_con).iloc[0]
        assert row["rag"] == "Blue" and row["completed_on"] == pd.Timestamp(2019, 5, 2)
        assert not row["is_overdue"]
        fields = plan.action_history(plan_con, "R5.9").query("changed_by == 'Cy'")["field"]
        assert sorted(fields) == ["progress", "rag"]

    def test_a_failed_import_stores_nothing(self, plan_con):
        """An import that fails part way leaves the actions and history as they were."""
        bad = pd.DataFrame([new_action(), new_action(ref="R5.10", description=None)])
        with pytest.raises(duckdb.ConstraintException):
            plan.apply_import(plan_con, bad, user=ANN)
        assert plan.actions(plan_con).empty and plan.action_history(plan_con).empty
        assert audit(plan_con, "plan import applied") == []

    def test_no_store_code_updates_or_deletes_the_history(self):
        """The action history is append-only: no SQL in the store changes or removes its rows."""
        source = "\n".join(path.read_text() for path in STORE_DIR.glob("*.py"))
        assert not re.search(r"(UPDATE|DELETE\s+FROM)\s+plan_action_history\b", source, re.IGNORECASE)


def audit(con, action: str) -> list[tuple[str, dict]]:
    """The audit lines of one kind, oldest first: (user, detail)."""
    rows = con.execute("SELECT user_name, detail FROM audit WHERE action = ? ORDER BY audit_id", [action]).fetchall()
    return [(user, json.loads(detail)) for user, detail in rows]


def plan_state(con) -> tuple[int, int, int]:
    """How many actions, history rows and audit lines the store holds."""
    return tuple(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in ("plan_actions_t", "plan_action_history", "audit"))


WRITES = {
    "add_action": lambda con, user: plan.add_action(con, new_action(ref="R5.10"), user=user),
    "update_action": lambda con, user: plan.update_action(con, "R5.9", {"rag": "Red"}, user=user),
    "close_action": lambda con, user: plan.close_action(con, "R5.9", user=user),
    "apply_import": lambda con, user: plan.apply_import(con, pd.DataFrame([new_action(ref="R5.10")]), user=user),
}


class TestOnlyAnalystsChangeThePlan:
    @pytest.mark.parametrize("write", list(WRITES))
    @pytest.mark.parametrize("user,message", [
        (None, "Sign in as an analyst to do this."),
        (VIC, "Vic has the viewer role; only an analyst may do this."),
        ("Ann", "only an analyst may do this."),
    ], ids=["nobody", "viewer", "a bare name"])
    def test_anyone_but_an_analyst_is_refused_and_nothing_changes(self, plan_con, write, user, message):
        """Each write function refuses anyone without the analyst role, before touching the store."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        before = plan_state(plan_con)
        with pytest.raises(PermissionError) as refused:
            WRITES[write](plan_con, user)
        assert str(refused.value).endswith(message)
        assert plan_state(plan_con) == before

    @pytest.mark.parametrize("write", list(WRITES))
    def test_an_analyst_may_make_each_change(self, plan_con, write):
        """Each write function accepts an analyst."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        WRITES[write](plan_con, BOB)
        assert (plan.action_history(plan_con)["changed_by"] == "Bob").any()


class TestAudit:
    def test_each_change_is_one_audit_line_naming_the_user(self, plan_con):
        """Adding, editing, closing and importing each add one audit line with the user and the refs."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        plan.update_action(plan_con, "R5.9", {"rag": "Red", "progress": "Slipping"}, user=BOB)
        plan.close_action(plan_con, "R5.9", user=CY)
        plan.apply_import(plan_con, pd.DataFrame([new_action(ref="R5.10"), new_action(rag="Green")]), user=ANN)
        assert audit(plan_con, "plan action added") == [("Ann", {"ref": "R5.9", "changed_at": "2019-01-10 09:00:00"})]
        (user, detail), = audit(plan_con, "plan action changed")
        assert user == "Bob" and detail["ref"] == "R5.9" and sorted(detail["fields"]) == ["progress", "rag"]
        (user, detail), = audit(plan_con, "plan action closed")
        assert user == "Cy" and detail["fields"] == ["rag"]
        (user, detail), = audit(plan_con, "plan import applied")
        assert user == "Ann" and detail["added"] == ["R5.10"] and detail["changed"] == ["R5.9"]

    def test_a_change_that_changes_nothing_is_not_audited(self, plan_con):
        """Saving an action with its values as they are writes no history and no audit line."""
        plan.add_action(plan_con, new_action(), user=ANN, when=WHEN)
        before = plan_state(plan_con)
        assert plan.update_action(plan_con, "R5.9", {"rag": "Amber"}, user=BOB) == []
        assert plan.apply_import(plan_con, pd.DataFrame([new_action()]), user=BOB)["unchanged"] == 1
        assert plan_state(plan_con) == before

    def test_loading_the_plan_is_audited_under_its_system_user(self, con):
        """Loading the plan and its demonstration actions (the build) is one audit line, under the system
        user the load runs as, listing the demonstration actions it added."""
        load_plan_data(con, user="bundled data build")
        (user, detail), = audit(con, "plan loaded")
        assert user.startswith("Demonstration data")
        assert detail["recommendations"] == 13 and len(detail["demonstration_actions_added"]) == 38


HEADER = ["Ref", "Actions", "Lead", "Date for Completion", "Progress", "RAG"]
GOOD = [["R5.1", "Recruit", "City of York Council", date(2019, 3, 31), "Started", "Amber"],
        ["R10.2", "Discharge hub", "York Teaching Hospital NHS FT", "30/06/2019", None, "green"]]


def workbook(tmp_path, sheets: dict[str, list[list]], name="plan.xlsx") -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


class TestReadWorkbook:
    def test_one_sheet_is_read(self, tmp_path):
        """A single-sheet action plan gives one row per action with typed dates and RAG names."""
        path = workbook(tmp_path, {"Plan": [["York action plan"], HEADER, *GOOD]})
        actions = read_action_workbook(path, file_name="plan.xlsx", recommendation_refs=REFS)
        assert actions["ref"].tolist() == ["R5.1", "R10.2"]
        assert actions["rag"].tolist() == ["Amber", "Green"]
        assert actions["due_date"].tolist() == [date(2019, 3, 31), date(2019, 6, 30)]

    def test_one_sheet_per_recommendation_is_read(self, tmp_path):
        """A workbook with a sheet per recommendation is read sheet by sheet."""
        path = workbook(tmp_path, {"R5": [HEADER, GOOD[0]], "R10": [HEADER, GOOD[1]], "Notes": [["x"]]})
        assert len(read_action_workbook(path, file_name="plan.xlsx", recommendation_refs=REFS)) == 2

    @pytest.mark.parametrize("sheets,message", [
        ({"Plan": [HEADER[:-1], GOOD[0][:-1]]}, 'plan.xlsx, sheet "Plan", row 1, column "RAG": has no "RAG"'),
        ({"Plan": [HEADER, GOOD[0][:-1] + ["Purple"]]},
         'plan.xlsx, sheet "Plan", row 2, column "RAG": "Purple" is not a RAG status'),
        ({"Plan": [HEADER, GOOD[0][:3] + ["31/02/2019"] + GOOD[0][4:]]},
         'plan.xlsx, sheet "Plan", row 2, column "Date for Completion": "31/02/2019" is not a real date'),
        ({"R5": [HEADER, GOOD[0]], "R5b": [HEADER, GOOD[1], GOOD[0]]},
         'plan.xlsx, sheet "R5b", row 3, column "Ref": "R5.1" appears twice'),
        ({"Plan": [HEADER, ["R14.1"] + GOOD[0][1:]]},
         'plan.xlsx, sheet "Plan", row 2, column "Ref": "R14.1" names R14, which is not a recommendation'),
        ({"Plan": [HEADER, [None] + GOOD[0][1:]]}, 'plan.xlsx, sheet "Plan", row 2, column "Ref"'),
    ])
    def test_a_bad_workbook_names_file_sheet_row_and_column(self, tmp_path, sheets, message):
        """Each kind of bad workbook is refused with a sentence naming where it goes wrong."""
        path = workbook(tmp_path, sheets)
        with pytest.raises(LoadError) as error:
            read_action_workbook(path, file_name="plan.xlsx", recommendation_refs=REFS)
        assert str(error.value).startswith(message)

    def test_a_file_that_is_not_a_workbook_is_refused(self, tmp_path):
        """Bytes that are not an .xlsx workbook get a LoadError naming the file."""
        with pytest.raises(LoadError, match="plan.xlsx"):
            read_action_workbook(b"not a workbook", file_name="plan.xlsx", recommendation_refs=REFS)


class TestDemonstrationActions:
    def test_the_bundled_csv_is_what_the_documented_script_writes(self, tmp_path):
        """data/demonstration/plan_actions_demonstration.csv is reproduced byte for byte by its script."""
        from loaders import demonstration_actions
        written = demonstration_actions.write(tmp_path / "actions.csv")
        assert written.read_bytes() == demonstration_actions.OUTPUT.read_bytes()
