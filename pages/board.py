"""The board view: what a chair puts on the screen and talks from. Everything here is the assessment's."""

from datetime import date

import streamlit as st

from analysis.board import board_rows, rag_by_project
from charts.board import board_table_html, projects_lines_html, projects_table_html
from charts.text import plain
from store import indicators as store_indicators
from store import plan
from ui import auth, context, plan_state, presentation
from ui.assessments import default_assessments
from ui.board_pack import board_pack_controls
from ui.executive_summary import executive_summary
from ui.html_block import html_block
from ui.trust_now import now_section

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = context.area_name(settings.area_code)
benchmark = context.area_name(settings.benchmark_code)

# On the projector the title and the demonstration notice share a row: its height is the scarce thing.
heading, notice = st.columns([2, 3], vertical_alignment="center") if presenting else (st.container(), st.container())
heading.title(f"{plain(area)}: the board view")
# On the projector the summary and the trust's latest month open from two buttons under the title: side by side
# where the column holds both whole labels, one under the other where it does not (never cut short).
buttons = heading.container(horizontal=True) if presenting else heading
context.stop_when_empty()

today = date.today()
definitions = context.kept(store_indicators.definitions)
cqc_ids = definitions.loc[definitions["is_cqc_indicator"], "indicator_id"].tolist()
assessments = default_assessments(cqc_ids, settings.area_code, settings.benchmark_code)
if not presenting:
    st.caption(f"The CQC indicators for {plain(area)} against {plain(benchmark)}, latest period held for each; "
               "comparisons at "
               "95% (99.8% shown where it differs); variation and assurance icons as NHS England's Making Data Count "
               "sets them out.")
plan_invented = context.keep(("plan_invented",), lambda: context.kept(plan.has_plan)
                             and bool(context.kept(plan.actions)["is_demonstration"].any()))
with notice:
    context.demonstration_notice([a.short_name for a in assessments if a.is_demonstration], short=presenting,
                                 plan_actions=presenting and plan_invented)
executive_summary(con, assessments, area_code=settings.area_code, events=context.kept(store_indicators.events),
                  today=today, user=auth.signed_in(), presenting=presenting, place=buttons)
# Kept per store version and day (the plan's RAG is today's), as the tables below: a second visit builds none.
html_block(context.keep(("board_table", settings.area_code, settings.benchmark_code),
                     lambda: board_table_html(board_rows(assessments, plan_state.indicator_rags(today)),
                                              area_name=area, comparator_name=benchmark)))
now_section(settings.area_code, settings.benchmark_code, presenting=presenting, with_funnel=not presenting,
            place=buttons)

if context.kept(plan.has_plan):
    # The last marked event before today stands for the last board; without one, the last quarter.
    since = plan_state.since_previous_board(today)

    def projects_html() -> str:
        projects = rag_by_project(context.kept(plan.projects), context.kept(plan.recommendations),
                                  context.kept(plan.actions), today)
        # On the projector each project is one line, so the whole board fits one 1280 x 720 screen.
        return projects_lines_html(projects) if presenting else projects_table_html(projects)

    if not presenting:
        st.subheader("The improvement plan by project")
    html_block(context.keep(("board_projects", presenting), projects_html))
    if plan_invented and not presenting:
        st.caption("The plan's actions are invented for demonstration: the plan's action tables are empty.")
    # On the projector one line: the board's date without the event's name.
    changed = (f"What changed since the board of {since.meeting:%-d %B %Y}" if presenting
               else f"What changed {since.heading}")
    # Counted once per store version and day, as `since` itself is kept.
    st.markdown(f"**{plain(changed)}:** {context.keep(('since_line',), lambda: since.line)}.")
board_pack_controls(presenting)
