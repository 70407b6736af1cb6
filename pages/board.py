"""The board view: what a chair puts on the screen and talks from. Everything here is the assessment's."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from analysis import plan as rules
from analysis.board import board_rows, changes_line, rag_by_project
from charts.board import board_table_html, projects_table_html
from charts.text import plain
from store import indicators as store_indicators
from store import plan
from ui import context, presentation
from ui.assessments import default_assessment

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = context.area_name(con, settings.area_code)
benchmark = context.area_name(con, settings.benchmark_code)

st.title(f"{plain(area)}: the board view")
context.stop_when_empty(con)

today = date.today()
events = store_indicators.events(con)
definitions = store_indicators.definitions(con)
cqc_ids = definitions.loc[definitions["is_cqc_indicator"], "indicator_id"].tolist()
assessments = [default_assessment(i, settings.area_code, settings.benchmark_code) for i in cqc_ids]
if not presenting:
    st.caption(f"The CQC indicators for {plain(area)} against {plain(benchmark)}, latest period held for each; "
               "comparisons at "
               "95% (99.8% shown where it differs); variation and assurance icons as NHS England's Making Data Count "
               "sets them out.")
context.demonstration_notice([a.short_name for a in assessments if a.is_demonstration], short=presenting)
st.html(board_table_html(board_rows(assessments, store_indicators.plan_rag(con)), area_name=area,
                         comparator_name=benchmark))

if plan.has_plan(con):
    actions = plan.actions(con)
    st.subheader("The improvement plan by project")
    st.html(projects_table_html(rag_by_project(plan.projects(con), plan.recommendations(con), actions, today)))
    if actions["is_demonstration"].any():
        st.caption("The plan's actions are invented for demonstration: the plan's action tables are empty.")
    history = plan.action_history(con)
    # The last marked event before today stands for the last board; without one, the last quarter.
    before = events[pd.to_datetime(events["event_date"]).dt.date < today]
    last_board = pd.Timestamp(before["event_date"].iloc[-1]).date() if len(before) else today - timedelta(days=90)
    label = f" ({plain(before['label'].iloc[-1])})" if len(before) else ""
    since = rules.since_last_board(history, last_board, today)
    st.markdown(f"**What changed since {last_board:%-d %B %Y}{label}:** {changes_line(since)}.")

from ui.board_pack import board_pack_controls  # noqa: E402  (kept at the end: the pack controls come last)

board_pack_controls(presenting)
