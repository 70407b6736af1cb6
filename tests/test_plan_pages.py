"""The plan pages, headless with AppTest on a copy of the built store: who may change the plan, the grid,
the editor, Excel in and out, the recommendation page and presentation mode."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

import store
from analysis import plan as rules
from charts.plan import markdown_text
from loaders.plan import read_action_workbook, write_action_workbook
from store import plan
from store.roles import User
from store.settings import PROJECT_ROOT
from tests.page_text import charts_of, html_tables

PAGES = PROJECT_ROOT / "pages"
SCRIPT = "<script>alert('owned')</script>"
REFS = {f"R{n}" for n in range(1, 14)}
ANALYST = ("Ann Analyst", "analyst")
VIEWER = ("Vic Viewer", "viewer")
EDITOR_KEYS = ("plan_save", "plan_edit_ref", "plan_upload", "plan_apply")


def open_page(monkeypatch, db: Path, page: str, *, signed_in: tuple[str, str] | None = None, **query) -> AppTest:
    """The page run once on `db`, signed in as (name, role) the way ui/auth.py remembers a sign-in."""
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    at = AppTest.from_file(str(PAGES / page), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if signed_in:
        at.session_state["pbip_user"] = signed_in
    at.run()
    assert not at.exception, at.exception
    return at


# The plan tables' headings (pages/plan.py GRID_LABELS, pages/recommendation.py ACTION_LABELS) read back as the
# plan's column names.
HEADING_NAMES = {"Ref": "ref", "Recommendation": "recommendation_ref", "RAG": "rag", "Overdue": "is_overdue",
                 "Action": "description", "Lead": "lead", "Date for completion": "due_date",
                 "Completed": "completed_on", "Progress": "progress", "Last update": "last_update",
                 "Data": "data"}


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all these columns: an st.dataframe's, or an HTML table's with its
    headings read as the plan's column names (AppTest does not expose table keys)."""
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    for table in html_tables(at):
        named = table.rename(columns=HEADING_NAMES)
        if set(columns) <= set(named.columns):
            return named
    raise AssertionError(f"no table with columns {columns}")


def table_with(at: AppTest, *headings: str) -> pd.DataFrame:
    """The first HTML table with all these headings, as shown."""
    for table in html_tables(at):
        if set(headings) <= set(table.columns):
            return table
    raise AssertionError(f"no HTML table with headings {headings}")


def counts_with(at: AppTest, first_column: str) -> pd.DataFrame:
    """The RAG counts table (HTML) whose first column is `first_column`, each cell's text."""
    import lxml.html

    for element in at.get("html"):
        table = lxml.html.fromstring(element.proto.body).find(".//table")
        if table is None:
            continue
        headings = [th.text_content() for th in table.iter("th")]
        if headings[:1] == [first_column] and "Roll-up" in headings:
            return pd.DataFrame([[td.text_content() for td in tr.findall("td")] for tr in table.find("tbody")],
                                columns=headings)
    raise AssertionError(f"no RAG counts table by {first_column}")


def keys_on(at: AppTest) -> set[str]:
    """The keys of every widget on the page."""
    return {element.key for kind in ("button", "selectbox", "file_uploader", "text_area", "text_input")
            for element in getattr(at, kind) if getattr(element, "key", None)}


def edit_page(monkeypatch, db: Path) -> AppTest:
    return open_page(monkeypatch, db, "plan.py", signed_in=ANALYST)


def history(db: Path, ref: str) -> pd.DataFrame:
    con = store.connect(db)
    try:
        return plan.action_history(con, ref)
    finally:
        con.close()


class TestGrid:
    def test_grid_lists_every_action_labelled_as_demonstration(self, monkeypatch, built_db):
        """The grid shows all demonstration actions, each labelled, under a demonstration notice."""
        at = open_page(monkeypatch, built_db, "plan.py")
        grid = frame_with(at, "last_update", "is_overdue")
        # Every action is invented, which the notice says once rather than a column on every row.
        assert len(grid) == 38 and "data" not in grid.columns
        assert any("every action here is invented" in warning.value for warning in at.warning)
        assert any("Demonstration data" in warning.value for warning in at.warning)
        assert any("Roll-up rule" in caption.value for caption in at.caption)

    def test_filters_narrow_the_grid(self, monkeypatch, built_db):
        """Filtering by recommendation and RAG shows only the matching actions."""
        at = open_page(monkeypatch, built_db, "plan.py")
        at.multiselect(key="plan_f_rec").set_value(["R10"]).run()
        grid = frame_with(at, "last_update", "is_overdue")
        assert grid["ref"].str.startswith("R10.").all() and len(grid) == 4
        at.checkbox(key="plan_f_overdue").check().run()
        assert (frame_with(at, "last_update", "is_overdue")["is_overdue"] == "Overdue").all()

    def test_rag_and_overdue_are_words(self, monkeypatch, built_db):
        """Every RAG cell of the grid says its word and meaning, and overdue is the word "Overdue"; an overdue
        action reads "Red: overdue", never "on track"."""
        at = open_page(monkeypatch, built_db, "plan.py")
        grid = frame_with(at, "last_update", "is_overdue")
        meanings = set(rules.RAG_MEANING.values())
        assert set(grid["rag"]) <= meanings | {rules.OVERDUE_MEANING, *(f"{rules.OVERDUE_MEANING} (reported {rag})"
                                                                      for rag in rules.RAG_STATUSES)}
        assert set(grid["is_overdue"]) <= {"Overdue", ""} and "Overdue" in set(grid["is_overdue"])
        late = grid[grid["is_overdue"] == "Overdue"]
        assert late["rag"].str.startswith(rules.OVERDUE_MEANING).all()
        assert not grid.loc[grid["is_overdue"] == "", "rag"].str.contains("overdue").any()
        # The counts are small HTML tables, whole on the page; the roll-up in words.
        roll_ups = counts_with(at, "Project")["Roll-up"]
        assert set(roll_ups) <= {*rules.RAG_MEANING.values(), rules.NO_ACTIONS}
        assert not [frame for frame in at.dataframe if "Roll-up" in frame.value.columns]

    def test_the_grid_can_be_ordered_most_urgent_first_or_by_date(self, monkeypatch, built_db):
        """"Order by" reorders the whole grid: most urgent first puts every off-track (overdue) action before
        any at risk, and those before any complete; by date, the dates run from the earliest."""
        at = open_page(monkeypatch, built_db, "plan.py")
        assert frame_with(at, "last_update", "is_overdue")["ref"].tolist()[:2] == ["R1.1", "R1.2"]
        at.date_input(key="plan_as_at").set_value(date(2018, 12, 1))  # before most dates: every status held
        at.selectbox(key="plan_order").set_value("RAG, most urgent first").run()
        grid = frame_with(at, "last_update", "is_overdue")
        assert len(grid) == 38
        words = [rag.split(":")[0] for rag in grid["rag"]]
        ranks = [["Red", "Amber", "Grey", "Green", "Blue"].index(word) for word in words]
        assert ranks == sorted(ranks) and len(set(ranks)) > 2
        at.selectbox(key="plan_order").set_value("Date for completion").run()
        due = pd.to_datetime(frame_with(at, "last_update", "is_overdue")["due_date"], format="%d %b %Y",
                             errors="coerce")
        held = due.dropna()
        assert held.is_monotonic_increasing and len(held) > 10 and due.isna().sum() == 38 - len(held)
        assert due.iloc[len(held):].isna().all()  # blank dates last

    def test_the_counts_say_the_overdue_as_at_date(self, monkeypatch, built_db):
        """The grid's count of overdue actions names the date it is counted at."""
        at = open_page(monkeypatch, built_db, "plan.py")
        at.date_input(key="plan_as_at").set_value(date(2019, 1, 31)).run()
        assert any("overdue as at 31 January 2019" in caption.value for caption in at.caption)

    def test_since_last_board_lists_changes(self, monkeypatch, built_db):
        """Choosing a board date in 2019 lists RAG changes from the demonstration history."""
        at = open_page(monkeypatch, built_db, "plan.py")
        at.session_state["tab"] = "Since the last board"
        at.run()
        at.date_input(key="plan_meeting").set_value(date(2018, 12, 1))
        at.date_input(key="plan_board_as_at").set_value(date(2019, 3, 1)).run()
        since = frame_with(at, "Change")
        assert "RAG changed" in set(since["Change"])


class TestWhoMayChangeThePlan:
    @pytest.mark.parametrize("signed_in", [None, VIEWER], ids=["nobody", "viewer"])
    def test_a_viewer_sees_the_plan_but_no_way_to_change_it(self, monkeypatch, built_db, signed_in):
        """Nobody signed in, or a viewer, gets the grid, the board view and the exports, and no editor or
        import, with a sentence saying who may change the plan."""
        at = open_page(monkeypatch, built_db, "plan.py", signed_in=signed_in)
        assert len(frame_with(at, "last_update", "is_overdue")) == 38
        assert [tab.label for tab in at.tabs] == ["Action grid", "Since the last board", "Excel export"]
        at.session_state["tab"] = "Since the last board"
        at.run()
        assert "Change" in frame_with(at, "Change").columns
        # Only the open tab is drawn: the grid's tables are not behind the board's tab.
        assert not [table for table in html_tables(at) if "Last update" in table.columns]
        # The export files are built only once their tab is open (the tab is kept in the URL as ?tab=…).
        assert not {b.key for b in at.get("download_button")}
        at.session_state["tab"] = "Excel export"
        at.run()
        assert {"plan_export_xlsx", "plan_export_csv", "plan_since_csv"} <= {b.key for b in at.get("download_button")}
        assert not keys_on(at) & set(EDITOR_KEYS)
        assert any("Only analysts can add, edit or close actions" in c.value for c in at.caption)
        if signed_in:
            assert any("signed in as Vic Viewer, a viewer" in c.value for c in at.caption)

    def test_an_analyst_gets_the_editor_and_the_import(self, monkeypatch, built_db):
        """An analyst sees the editor, with their name as the one the history will record, and the import."""
        at = edit_page(monkeypatch, built_db)
        assert [tab.label for tab in at.tabs][-2:] == ["Excel import and export", "Add, edit or close an action"]
        assert {"plan_save", "plan_edit_ref", "plan_upload"} <= keys_on(at)
        assert any("Changes are saved as **Ann Analyst**" in c.value for c in at.caption)
        assert not any("Only analysts" in c.value for c in at.caption)

    def test_an_edit_by_an_analyst_is_audited_with_their_name(self, monkeypatch, built_db):
        """Saving an edit from the page adds an audit line naming the signed-in analyst."""
        at = edit_page(monkeypatch, built_db)
        at.selectbox(key="plan_edit_ref").set_value("R10.1").run()
        at.text_area(key="plan_progress_R10.1").set_value("Pilot extended").run()
        at.button(key="plan_save").click().run()
        con = store.connect(built_db)
        try:
            rows = con.execute("SELECT user_name, detail FROM audit WHERE action = 'plan action changed'").fetchall()
        finally:
            con.close()
        assert [name for name, _ in rows] == ["Ann Analyst"] and '"R10.1"' in rows[0][1]


class TestEditor:
    def test_adding_an_action_records_its_history(self, monkeypatch, built_db):
        """Adding an action through the page stores it and records each field, by the signed-in analyst."""
        at = edit_page(monkeypatch, built_db)
        at.text_input(key="plan_new_ref").set_value("R5.9")
        at.text_area(key="plan_description_New action").set_value("Recruit home care workers")
        at.date_input(key="plan_due_New action").set_value(date(2019, 3, 31))
        at.selectbox(key="plan_rag_New action").set_value("Amber")
        at.button(key="plan_save").click().run()
        assert not at.exception and f"Added action {markdown_text('R5.9')}." in [s.value for s in at.success]
        rows = history(built_db, "R5.9")
        assert {"description", "lead", "due_date", "rag"} <= set(rows["field"])
        assert set(rows["changed_by"]) == {"Ann Analyst"}
        # A real action among invented ones: the grid now labels each row, and says who added this one.
        grid = frame_with(at, "last_update", "is_overdue").set_index("ref")
        assert grid.loc["R5.9", "data"] == "" and (grid.drop(index="R5.9")["data"] == rules.DEMONSTRATION_LABEL).all()
        assert grid.loc["R5.9", "last_update"].endswith(", Ann Analyst")
        assert any('the actions marked "Demonstration data" are invented' in w.value for w in at.warning)

    def test_a_missing_description_is_refused(self, monkeypatch, built_db):
        """An action with no description is not saved and the page says why."""
        at = edit_page(monkeypatch, built_db)
        at.text_input(key="plan_new_ref").set_value("R5.9")
        at.button(key="plan_save").click().run()
        assert any("description" in error.value for error in at.error)
        assert history(built_db, "R5.9").empty

    def test_editing_an_action_records_old_and_new(self, monkeypatch, built_db):
        """Editing the RAG and progress of an action appends old and new values for each."""
        at = edit_page(monkeypatch, built_db)
        at.selectbox(key="plan_edit_ref").set_value("R10.1").run()
        old_rag = at.selectbox(key="plan_rag_R10.1").value
        new_rag = "Red" if old_rag != "Red" else "Amber"
        at.selectbox(key="plan_rag_R10.1").set_value(new_rag)
        at.text_area(key="plan_progress_R10.1").set_value("Ward round pilot slipped")
        at.button(key="plan_save").click().run()
        rows = history(built_db, "R10.1").query("changed_by == 'Ann Analyst'")
        assert sorted(rows["field"]) == ["progress", "rag"]
        assert rows.loc[rows["field"] == "rag", ["old_value", "new_value"]].values.tolist() == [[old_rag, new_rag]]

    def test_closing_an_action_makes_it_blue(self, monkeypatch, built_db):
        """Closing an action records the RAG change to Blue and removes it from the overdue list."""
        at = edit_page(monkeypatch, built_db)
        open_ref = frame_with(at, "last_update", "is_overdue").query("rag != 'Blue: complete'")["ref"].iloc[0]
        at.selectbox(key="plan_edit_ref").set_value(open_ref).run()
        at.button(key="plan_close").click().run()
        rows = history(built_db, open_ref).query("changed_by == 'Ann Analyst'")
        assert rows.loc[rows["field"] == "rag", "new_value"].tolist() == ["Blue"]
        grid = frame_with(at, "last_update", "is_overdue").set_index("ref")
        assert grid.loc[open_ref, "rag"] == "Blue: complete" and grid.loc[open_ref, "is_overdue"] == ""

    def test_a_script_in_a_note_is_shown_as_text(self, monkeypatch, built_db):
        """A progress note containing a script tag is stored as typed and never rendered as HTML."""
        at = edit_page(monkeypatch, built_db)
        at.selectbox(key="plan_edit_ref").set_value("R10.1").run()
        at.text_area(key="plan_progress_R10.1").set_value(SCRIPT)
        at.button(key="plan_save").click().run()
        assert frame_with(at, "last_update", "is_overdue").set_index("ref").loc["R10.1", "progress"] == SCRIPT
        rec = open_page(monkeypatch, built_db, "recommendation.py", ref="R10")
        assert SCRIPT in frame_with(rec, "completed_on")["progress"].tolist()
        for page in (at, rec):
            for element in page.markdown:
                assert "<script" not in element.value or not element.allow_html
        # On the projector too the note is shown as typed, and no page's HTML holds it as a tag.
        shown = open_page(monkeypatch, built_db, "plan.py", presentation="1")
        assert table_with(shown, "Progress", "Overdue").set_index("Ref").loc["R10.1", "Progress"] == SCRIPT
        shown_rec = open_page(monkeypatch, built_db, "recommendation.py", presentation="1", ref="R10")
        assert SCRIPT in table_with(shown_rec, "Completed")["Progress"].tolist()
        for page in (at, rec, shown, shown_rec):
            assert not [html for html in page.get("html") if "<script" in html.proto.body]

    def test_no_plan_page_allows_raw_html(self):
        """Neither plan page ever asks Streamlit to render HTML."""
        for page in ("plan.py", "recommendation.py"):
            assert "unsafe_allow_html" not in (PAGES / page).read_text()


def workbook_bytes(rows: list[list]) -> bytes:
    frame = pd.DataFrame(rows, columns=list(rules.EXCEL_COLUMNS))
    return write_action_workbook(frame, title="test")


class TestExcel:
    def test_export_then_import_changes_nothing(self, built_db):
        """The exported plan, imported again, previews no change and applying it adds no history."""
        con = store.connect(built_db)
        actions = plan.actions(con)
        data = write_action_workbook(rules.export_frame(actions, date.today()), title="Export",
                                     since=pd.DataFrame({"Action": ["R1.1"], "Change": ["RAG changed"]}))
        incoming = read_action_workbook(data, file_name="export.xlsx", recommendation_refs=REFS)
        assert len(incoming) == len(actions)
        assert rules.import_preview(incoming, actions).empty
        before = len(plan.action_history(con))
        assert plan.apply_import(con, incoming, user=User("Ann", "analyst"))["changed"] == 0
        assert len(plan.action_history(con)) == before
        csv = pd.read_csv(io.StringIO(rules.export_frame(actions, date.today()).to_csv(index=False)))
        assert list(csv.columns[:6]) == list(rules.EXCEL_COLUMNS)
        assert load_workbook(io.BytesIO(data)).sheetnames == ["Action plan", "Since last board"]

    def test_import_previews_then_applies(self, monkeypatch, built_db):
        """Uploading a workbook shows what would change; applying it stores the change with its history."""
        at = edit_page(monkeypatch, built_db)
        con = store.connect(built_db)
        held = plan.actions(con).set_index("ref").loc["R5.1"]
        con.close()
        new_rag = "Red" if held["rag"] != "Red" else "Green"
        data = workbook_bytes([["R5.1", held["description"], held["lead"], held["due_date"].date(),
                                held["progress"], new_rag],
                               ["R5.9", "A new action", "City of York Council", date(2019, 9, 30), None, "Grey"]])
        at = _upload(at, data)
        if at is None:
            pytest.skip("this Streamlit's AppTest cannot drive st.file_uploader")
        preview = frame_with(at, "field")
        assert set(preview["ref"]) == {"R5.1", "R5.9"}
        assert preview.query("ref == 'R5.1'")["field"].tolist() == ["rag"]
        assert history(built_db, "R5.9").empty
        at.button(key="plan_apply").click().run()
        assert history(built_db, "R5.1").query("changed_by == 'Ann Analyst'")["new_value"].tolist() == [new_rag]
        assert not history(built_db, "R5.9").empty

    def test_a_bad_workbook_stores_nothing_and_says_where(self, monkeypatch, built_db):
        """An unknown RAG in an uploaded workbook is reported by sheet, row and column; nothing changes."""
        at = edit_page(monkeypatch, built_db)
        at = _upload(at, workbook_bytes([["R5.1", "x", "y", date(2019, 1, 1), None, "Purple"]]))
        if at is None:
            pytest.skip("this Streamlit's AppTest cannot drive st.file_uploader")
        where = markdown_text('sheet "Action plan", row 3, column "RAG"')
        assert any(where in error.value for error in at.error)
        assert history(built_db, "R5.1").query("changed_by == 'Ann Analyst'").empty


def _upload(at: AppTest, data: bytes) -> AppTest | None:
    uploaders = getattr(at, "file_uploader", None)
    if uploaders is None:
        return None
    uploader = at.file_uploader(key="plan_upload")
    uploader.upload("plan.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return at.run()


class TestRecommendationPage:
    def test_shows_aim_findings_actions_and_indicators(self, monkeypatch, built_db):
        """R10's page has its aim, the CQC progress review with its date, its actions and linked charts."""
        at = open_page(monkeypatch, built_db, "recommendation.py", ref="R10")
        headings = [s.value for s in at.subheader]
        assert "CQC progress review said (20 November 2018)" in headings
        assert {"Aim", "Objectives", "Actions"} <= set(headings)
        actions = frame_with(at, "completed_on")
        assert set(actions["ref"]) == {f"R10.{k}" for k in range(1, 5)}
        # Every action is invented: the notice says so once, not a Data column on each row.
        assert "data" not in actions.columns and actions["last_update"].str.contains("Demonstration").all()
        assert any("**Variation:**" in str(m.value) for m in at.markdown)
        assert any("Demonstration data" in w.value for w in at.warning)

    def test_every_recommendation_page_runs(self, monkeypatch, built_db):
        """Every recommendation's page opens without an error."""
        for n in range(1, 14):
            open_page(monkeypatch, built_db, "recommendation.py", ref=f"R{n}")


class TestPresentationMode:
    def test_plan_pages_open_in_presentation_mode(self, monkeypatch, built_db):
        """The grid and a recommendation page open with ?presentation=1, with the toggle on."""
        for page, query in (("plan.py", {}), ("recommendation.py", {"ref": "R5"})):
            at = open_page(monkeypatch, built_db, page, presentation="1", **query)
            assert at.sidebar.toggle(key="presentation_toggle").value

    def test_the_plan_tables_are_drawn_as_enlargeable_tables(self, monkeypatch, built_db):
        """In presentation mode the action grid and both RAG count tables are HTML (which the projector CSS
        enlarges), with RAG words and "Overdue" as a word, no grid's canvas, and without the columns left
        off the projector."""
        at = open_page(monkeypatch, built_db, "plan.py", presentation="1")
        grid = table_with(at, "Ref", "RAG", "Overdue", "Progress")
        assert len(grid) == 38
        assert not {"Last update", "Data"} & set(grid.columns)
        late = grid["Overdue"] == "Overdue"
        assert set(grid.loc[~late, "RAG"]) <= set(rules.RAG_MEANING.values())
        assert grid.loc[late, "RAG"].str.startswith(rules.OVERDUE_MEANING).all()
        assert late.any()
        for by in ("Project", "Recommendation"):
            counts = counts_with(at, by)
            assert set(counts["Roll-up"]) <= set(rules.RAG_MEANING.values())
        assert not at.dataframe

    def test_the_recommendation_actions_are_a_table_in_presentation_mode(self, monkeypatch, built_db):
        """A recommendation's actions are an HTML table in presentation mode, RAG as a word."""
        at = open_page(monkeypatch, built_db, "recommendation.py", presentation="1", ref="R10")
        actions = table_with(at, "Ref", "RAG", "Completed")
        assert len(actions) == 4 and "Last update" not in actions.columns
        assert all(text.split(":")[0] in rules.RAG_STATUSES for text in actions["RAG"])
        assert not any("on track" in text for text, late in zip(actions["RAG"], actions["Overdue"], strict=True)
                       if late == "Overdue")
        assert not at.dataframe


IMAGE = "![x](http://127.0.0.1:9/x)"


def markdown_shown(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as Markdown, st.table cells included."""
    texts = [element.value for kind in ("markdown", "caption", "error", "success", "warning", "info", "subheader",
                                        "title") for element in getattr(at, kind)]
    texts += [str(cell) for table in at.table for cell in table.value.to_numpy().ravel()]
    return texts


class TestMarkdownFromData:
    def test_an_image_in_an_action_is_shown_as_text_on_every_plan_view(self, monkeypatch, built_db):
        """An action whose text is a Markdown image reaches no Markdown element unescaped, in normal or
        presentation mode, as a viewer or in the analyst's editor."""
        con = store.connect(built_db)
        try:
            plan.update_action(con, "R10.1", {"description": IMAGE, "progress": f"[a]({IMAGE})", "lead": IMAGE},
                               user=User("Ann Analyst", "analyst"))
        finally:
            con.close()
        pages = [open_page(monkeypatch, built_db, "plan.py"), open_page(monkeypatch, built_db, "plan.py",
                                                                       presentation="1")]
        editor = edit_page(monkeypatch, built_db)
        editor.selectbox(key="plan_edit_ref").set_value("R10.1").run()
        pages.append(editor)
        for at in pages:
            assert not [text for text in markdown_shown(at) if "![" in text or "](" in text]
        shown = table_with(pages[1], "Progress", "Overdue").set_index("Ref").loc["R10.1"]
        assert shown["Action"] == IMAGE  # in HTML, which reads no Markdown: as typed

    def test_an_uploaded_file_name_is_shown_as_text(self, monkeypatch, built_db):
        """A workbook whose name is a Markdown image is named as text, both when it is refused and when read."""
        for rows in ([["R5.1", "x", "y", date(2019, 1, 1), None, "Purple"]],
                     [["R5.1", "x", "y", date(2019, 1, 1), None, "Red"]]):
            at = edit_page(monkeypatch, built_db)
            uploader = at.file_uploader(key="plan_upload")
            uploader.upload(f"{IMAGE}.xlsx", workbook_bytes(rows),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            at.run()
            texts = markdown_shown(at)
            assert any(markdown_text(IMAGE) in text for text in texts)
            assert not [text for text in texts if "![" in text]


class TestRecommendationCharts:
    def test_one_chart_is_drawn_at_a_time_and_its_tab_chooses_which(self, monkeypatch, built_db):
        """Every linked indicator with data has a tab; only the open tab's chart is drawn, the first by default."""
        at = open_page(monkeypatch, built_db, "recommendation.py", ref="R10")
        names = [tab.label for tab in at.tabs]
        assert len(names) >= 2
        charts = charts_of(at)
        assert len(charts) == 1
        first = charts[0].proto.body
        at.session_state["recommendation_chart_R10"] = names[1]
        at.run()
        charts = charts_of(at)
        assert len(charts) == 1 and charts[0].proto.body != first
        # Each indicator's summary line stays on the page whichever chart is open.
        assert sum("**Compared:**" in element.value for element in at.markdown) == len(names)
