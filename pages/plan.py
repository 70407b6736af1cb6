"""The improvement plan: the action RAG grid, since the last board and the Excel export for everyone;
the import and the editor (add, edit, close) for analysts only."""

from datetime import date

import pandas as pd
import streamlit as st

from analysis import plan as rules
from charts import plan as plan_charts
from charts.board import rag_counts_html
from charts.html_table import table_html
from charts.text import plain
from loaders.errors import LoadError
from loaders.plan import read_action_workbook
from store import plan
from store.roles import User
from ui import auth, context, plan_state, presentation
from ui.charts import chart
from ui.download import XLSX_MIME, safe_csv, safe_xlsx
from ui.html_block import html_block

NEW = "New action"
OTHER_LEAD = "Someone else (type below)"
# RAG and overdue come straight after the ref. The ref names its recommendation (R10.2 is R10's), so the
# grid has no column for it; who last changed an action, and when, is one column.
GRID_LABELS = {"ref": "Ref", "rag": "RAG", "is_overdue": "Overdue", "description": "Action", "lead": "Lead",
               "due_date": "Date for completion", "progress": "Progress", "last_update": "Last update",
               "data": "Data"}
COUNT_LABELS = {"project_title": "Project", "recommendation_ref": "Recommendation"}
# Left off the projector so the grid fits the screen at 22 px: the last update is in each action's history.
NOT_PROJECTED = ("last_update",)

con = context.connection()
st.title("The improvement plan: actions and RAG")
presenting = presentation.presentation_mode()
user = auth.current_user()
can_edit = user is not None and user.can(plan.EDITOR_ROLE)

if not context.kept(plan.has_plan):
    st.info("The improvement plan is not in this dashboard's database yet. It is part of the bundled data: whoever "
            "runs the dashboard can rebuild the database from it.")
    st.stop()

recommendations = context.kept(plan.recommendations)
refs = recommendations["ref"].tolist()


def show_table(frame: pd.DataFrame, *, rag_columns: tuple[str, ...] = (), labels: dict | None = None) -> None:
    """A plan table in HTML, the same on a screen and the projector (whose CSS enlarges it): every word of an
    action and its progress on screen, wrapped between words (a grid's canvas cut them short and loaded a
    grid's code first), each RAG its words on its swatch."""
    labels = labels or {}
    html_block(table_html(frame.rename(columns=labels), rag_columns=[labels.get(c, c) for c in rag_columns]))


def _editor_values(ref: str) -> dict:
    state = st.session_state
    lead = state.get(f"plan_lead_{ref}")
    if lead == OTHER_LEAD:
        lead = state.get(f"plan_new_lead_{ref}")
    return {"ref": state.get("plan_new_ref", "").strip() if ref == NEW else ref,
            "description": state.get(f"plan_description_{ref}"), "lead": lead,
            "due_date": state.get(f"plan_due_{ref}"), "progress": state.get(f"plan_progress_{ref}"),
            "rag": state.get(f"plan_rag_{ref}")}


def _save(ref: str, editor: User, close: bool = False) -> None:
    """Button callback: validate and save as `editor` (the store refuses anyone but an analyst), before
    the page is drawn again with the new state."""
    cursor = context.connection()
    values = _editor_values(ref)
    if close:
        values["rag"] = rules.COMPLETE
    problems = rules.validate_action(values, refs)
    held = set(plan.actions(cursor)["ref"])
    if ref == NEW and values["ref"] in held:
        problems.append(f"there is already an action {values['ref']}; choose it above to edit it")
    if problems:
        st.session_state["plan_message"] = ("error", "Not saved: " + plain("; ".join(problems)) + ".")
        return
    try:
        if ref == NEW:
            plan.add_action(cursor, values, user=editor)
            message = ("success", f"Added action {plain(values['ref'])}.")
            st.session_state["plan_edit_ref"] = values["ref"]
        else:
            changed = plan.update_action(cursor, ref, {f: values[f] for f in rules.EDITABLE_FIELDS}, user=editor)
            verb = "Closed" if close else "Saved"
            message = ("success", f"{verb} {plain(ref)}: changed " + (", ".join(changed) or "nothing") + ".")
    except PermissionError as refused:
        message = ("error", f"Not saved: {plain(refused)}")
    st.session_state["plan_message"] = message


today = date.today()
as_at = st.sidebar.date_input("Overdue as at", value=today, key="plan_as_at",
                              help="An action not complete (Blue) is overdue from the day after its date, "
                                   "and then reads Red.")
actions = plan_state.actions(as_at)
if actions["is_demonstration"].any():
    # Every action invented: the grid has no Data column to mark them (it would say the same on every row).
    which = ("every action here is invented" if actions["is_demonstration"].all()
             else "the actions marked \"Demonstration data\" are invented")
    st.warning(f"**Demonstration data**: the plan's action tables are empty in the document, so {which} for "
               "demonstration, to show how the grid works (no public action plan with its actions exists). "
               "Import the real action plan to replace them.", icon=":material/warning:")

st.caption(rules.ROLL_UP_RULE + " RAG: " + ", ".join(rules.RAG_MEANING.values()) + ".")
if not can_edit and not presenting:
    who = f"You are signed in as {plain(user.name)}, a {user.role}. " if user else ""
    st.caption(f"{who}Only analysts can add, edit or close actions or import a plan; sign in as an analyst "
               "in the sidebar to change the plan.")


def action_grid(actions: pd.DataFrame, project_names: pd.DataFrame, chosen_projects: list, chosen_recs: list,
                chosen_leads: list, chosen_rags: list, only_overdue: bool, order: str) -> tuple[str, str, str, str]:
    """The grid of the actions the filters keep, in `order`, with its count and the two RAG roll-ups (HTML)."""
    shown = actions
    if chosen_projects:
        numbers = project_names.loc[project_names["label"].isin(chosen_projects), "project_number"]
        shown = shown[shown["project_number"].isin(numbers)]
    if chosen_recs:
        shown = shown[shown["recommendation_ref"].isin(chosen_recs)]
    if chosen_leads:
        shown = shown[shown["lead"].isin(chosen_leads)]
    if chosen_rags:
        shown = shown[shown["rag"].isin(chosen_rags)]
    if only_overdue:
        shown = shown[shown["is_overdue"]]
    grid = plan_charts.action_table(rules.ordered_actions(shown, order), GRID_LABELS,
                                    left_off=NOT_PROJECTED if presenting else ())
    counted = (f"{len(shown)} of {len(actions)} actions; {int(shown['is_overdue'].sum())} overdue as at "
               f"{as_at:%d %B %Y}.")
    by_project, by_recommendation = (
        rag_counts_html(rules.rag_counts(shown, by, as_at).rename(columns=COUNT_LABELS), meanings=True)
        for by in ("project_title", "recommendation_ref"))
    return (table_html(grid.rename(columns=GRID_LABELS), rag_columns=[GRID_LABELS["rag"]]), counted, by_project,
            by_recommendation)


tab_names = ["Action grid", "Since the last board", "Excel import and export" if can_edit else "Excel export"]
if can_edit:
    tab_names.append("Add, edit or close an action")
# The open tab is kept in the URL (?tab=…) and only it runs: the export files are built when someone opens the
# tab that offers them, and the grid's three tables and the board's two are not drawn behind a closed tab.
grid_tab, board_tab, files_tab, *edit_tabs = st.tabs(tab_names, key="tab", bind="query-params")

with grid_tab:
    if grid_tab.open:
        project_names = (recommendations.drop_duplicates("project_number")
                         .assign(label=lambda f: "Project " + f["project_number"].astype(str) + ": "
                                 + f["project_title"]))
        # Two rows of three: six in a row were too narrow to read their labels at 1024 px beside the sidebar.
        columns = [*st.columns(3), *st.columns(3, vertical_alignment="bottom")]
        chosen_projects = columns[0].multiselect("Project", project_names["label"].tolist(), key="plan_f_project")
        chosen_recs = columns[1].multiselect("Recommendation", refs, key="plan_f_rec")
        chosen_leads = columns[2].multiselect("Lead", sorted(actions["lead"].dropna().unique()), key="plan_f_lead")
        chosen_rags = columns[3].multiselect("RAG", list(rules.RAG_STATUSES), key="plan_f_rag")
        order = columns[4].selectbox("Order by", rules.ACTION_ORDERS, key="plan_order",
                                     help="Most urgent first: off track (overdue included), at risk, not started, "
                                          "on track, complete; the earliest date first within each.")
        only_overdue = columns[5].checkbox("Overdue only", key="plan_f_overdue")
        filters = (tuple(chosen_projects), tuple(chosen_recs), tuple(chosen_leads), tuple(chosen_rags), order,
                   only_overdue, as_at, presenting)
        # Kept per store version and day for each choice of filters: a second visit builds no table.
        grid, counted, by_project, by_recommendation = context.keep(("plan_grid", *filters), lambda: action_grid(
            actions, project_names, chosen_projects, chosen_recs, chosen_leads, chosen_rags, only_overdue, order))
        html_block(grid)
        st.caption(counted)
        # One above the other, each whole: its nine columns need the page's width (side by side, the roll-up
        # scrolled out of sight). HTML tables, as on the board view: a few rows need no scrolling grid.
        st.subheader("RAG by project")
        html_block(by_project)
        st.subheader("RAG by recommendation")
        html_block(by_recommendation)

with board_tab:
    if board_tab.open:
        history = context.kept(plan.action_history)
        # The board view and the pack take the same previous board: the last marked event before the day.
        default_board = plan_state.since_previous_board(today)
        columns = st.columns(2)
        meeting = columns[0].date_input("Previous board meeting", value=default_board.meeting, key="plan_meeting",
                                        help="The board view and the board pack use the last marked event before "
                                             "today, as this does unless you choose another day.")
        board_as_at = columns[1].date_input("Compared with", value=today, key="plan_board_as_at")
        board = plan_state.since_previous_board(board_as_at, meeting)
        since = board.changes
        st.subheader(f"Since the board on {board.meeting:%-d %B %Y}"
                     + (f" ({plain(default_board.label)})" if default_board.label and meeting == default_board.meeting
                        else ""))
        for column, (change, count) in zip(st.columns(4), board.counts.items(), strict=True):
            column.metric(change, count)
        st.caption(f"{board.line}.")
        show_table(plan_charts.readable_rags(since, ["from", "to"]).rename(
            columns={"ref": "Action", "change": "Change", "from": "From", "to": "To"}), rag_columns=("From", "To"))
        st.subheader("RAG history of one action")
        timeline_ref = st.selectbox("Action", actions["ref"].tolist(), key="plan_timeline_ref")
        if timeline_ref:
            timeline = rules.rag_timeline(history, timeline_ref)
            chart(plan_charts.rag_timeline(timeline, timeline_ref, presentation=presenting),
                  words=f"RAG of action {timeline_ref} over time", key="plan_timeline_chart")
            show_table(plan_charts.readable_rags(timeline, ["old_value", "new_value"]).rename(
                columns={"changed_at": "When", "changed_by": "By", "old_value": "From", "new_value": "To"}),
                rag_columns=("From", "To"))


def export_files() -> None:
    """The plan's exports for board papers: a workbook and two CSVs, every text cell formula-safe."""
    st.subheader("Export for board papers")
    export = rules.export_frame(actions, as_at)
    # Since the previous board as the board view and the pack take it (the tab above can look at another day).
    board = plan_state.since_previous_board(today)
    st.caption(f"\"Since last board\" is since the board on {board.meeting:%-d %B %Y}"
               + (f" ({plain(board.label)})" if board.label else "") + ", as on the board view and in the board pack.")
    since_export = board.changes.rename(columns={"ref": "Action", "change": "Change", "from": "From", "to": "To"})
    area = context.area_name(context.settings().area_code)
    title = (f"{area} improvement plan actions, exported {date.today():%d %B %Y}, overdue as at {as_at:%d %B %Y}"
             + ("; rows marked Demonstration data are invented" if actions["is_demonstration"].any() else ""))
    stem = "".join(c if c.isalnum() else "_" for c in area.lower()).strip("_") or "area"
    columns = st.columns(3)
    # The sheet names and title row are the ones `loaders.plan.read_action_workbook` reads back. A click
    # downloads without rerunning the page (on_click="ignore").
    workbook = safe_xlsx({"Action plan": export, "Since last board": since_export}, titles={"Action plan": title})
    columns[0].download_button("Action plan and since last board (.xlsx)", workbook, mime=XLSX_MIME,
                               file_name=f"{stem}_action_plan.xlsx", key="plan_export_xlsx", on_click="ignore")
    columns[1].download_button("Action plan (.csv)", safe_csv(export), file_name=f"{stem}_action_plan.csv",
                               mime="text/csv", key="plan_export_csv", on_click="ignore")
    columns[2].download_button("Since last board (.csv)", safe_csv(since_export),
                               file_name=f"{stem}_since_last_board.csv", mime="text/csv", key="plan_since_csv",
                               on_click="ignore")


with files_tab:
    if files_tab.open:
        export_files()


def import_workbook() -> None:
    """The import, for analysts: read a workbook, preview what it changes, apply it on request."""
    st.subheader("Import an action plan workbook")
    st.caption("An .xlsx with the plan's columns (" + ", ".join(rules.EXCEL_COLUMNS) + "), on one sheet or one "
               "sheet per recommendation. You see what would change before anything is stored.")
    upload = st.file_uploader("Action plan workbook", type=["xlsx"], key="plan_upload")
    if upload is not None:
        try:
            incoming = read_action_workbook(upload.getvalue(), file_name=upload.name,
                                            recommendation_refs=set(refs))
        except LoadError as error:
            st.error(f"Nothing was stored. {plain(error)}")
        else:
            preview = rules.import_preview(incoming, actions)
            st.write(f"{plain(upload.name)}: {len(incoming)} actions; "
                     f"{preview.loc[preview['change'] == 'new action', 'ref'].nunique()} new, "
                     f"{preview.loc[preview['change'] == 'changed', 'ref'].nunique()} changed.")
            st.dataframe(preview, hide_index=True, width="stretch", key="plan_preview")
            if preview.empty:
                st.info("The workbook matches the plan held: there is nothing to apply.")
            elif st.button("Apply these changes", key="plan_apply"):
                try:
                    counts = plan.apply_import(con, incoming, user=user)
                except PermissionError as refused:
                    st.error(f"Nothing was stored. {plain(refused)}")
                else:
                    st.success(f"Applied: {counts['added']} added, {counts['changed']} changed, "
                               f"{counts['unchanged']} unchanged, as {plain(user.name)}. Every change is in the "
                               "history and the audit.")


def editor() -> None:
    """The editor, for analysts: add an action, or edit or close one, with its change history."""
    st.caption(f"Changes are saved as **{plain(user.name)}** and kept in each action's "
               "change history and the audit.")
    message = st.session_state.pop("plan_message", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    choice = st.selectbox("Action", [NEW, *actions["ref"].tolist()], key="plan_edit_ref")
    current = actions.set_index("ref").loc[choice] if choice != NEW else None
    if choice == NEW:
        st.text_input("Ref (R<n>.<k>, for example R5.4)", key="plan_new_ref")
    st.text_area("Action", value="" if current is None else current["description"],
                 key=f"plan_description_{choice}")
    lead_options = list(dict.fromkeys([*context.kept(plan.leads), *rules.ORGANISATIONS])) + [OTHER_LEAD]
    held_lead = None if current is None else current["lead"]
    st.selectbox("Lead", lead_options, index=lead_options.index(held_lead) if held_lead in lead_options else 0,
                 key=f"plan_lead_{choice}")
    st.text_input("New lead (person and organisation), when not in the list", key=f"plan_new_lead_{choice}")
    held_due = None if current is None or pd.isna(current["due_date"]) else pd.Timestamp(current["due_date"]).date()
    st.date_input("Date for completion", value=held_due, key=f"plan_due_{choice}", format="DD/MM/YYYY")
    st.text_area("Progress", value="" if current is None or current["progress"] is None else current["progress"],
                 key=f"plan_progress_{choice}")
    held_rag = "Grey" if current is None else current["rag"]
    st.selectbox("RAG", list(rules.RAG_STATUSES), index=rules.RAG_STATUSES.index(held_rag),
                 format_func=rules.RAG_MEANING.get, key=f"plan_rag_{choice}")
    columns = st.columns(2)
    columns[0].button("Add action" if choice == NEW else "Save changes", key="plan_save", on_click=_save,
                      args=(choice, user))
    if choice != NEW:
        columns[1].button("Close action (mark complete)", key="plan_close", on_click=_save,
                          args=(choice, user, True))
        st.subheader(f"Change history of {plain(choice)}")
        st.dataframe(context.kept(plan.action_history, choice)[["changed_at", "changed_by", "field", "old_value",
                                                       "new_value"]],
                     hide_index=True, width="stretch", key="plan_history")


if can_edit:
    with files_tab:
        import_workbook()
    with edit_tabs[0]:
        editor()
