"""One recommendation of the plan: its aim, objectives, what CQC said, its actions and its indicators."""

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from analysis import plan as rules
from charts import plan as plan_charts
from charts.html_table import table_html
from charts.plan import markdown_text
from charts.xmr import assessment_figure
from store import plan
from ui import context, plan_state, presentation
from ui.assessments import default_assessments
from ui.charts import chart, kept_figure
from ui.html_block import html_block

# RAG and overdue come straight after the ref, so they are on screen without scrolling the table sideways.
ACTION_LABELS = {"ref": "Ref", "rag": "RAG", "is_overdue": "Overdue", "description": "Action", "lead": "Lead",
                 "due_date": "Date for completion", "completed_on": "Completed", "progress": "Progress",
                 "last_update": "Last update", "data": "Data"}

con = context.connection()
settings = context.settings()
presenting = presentation.presentation_mode()
if not context.kept(plan.has_plan):
    st.title("A recommendation of the plan")
    st.info("The improvement plan is not in this dashboard's database yet. "
            "It is part of the bundled data: whoever runs the dashboard can rebuild the database from it.")
    st.stop()

recommendations = context.kept(plan.recommendations)
refs = recommendations["ref"].tolist()
asked = st.query_params.get("ref")
ref = st.sidebar.selectbox("Recommendation", refs, index=refs.index(asked) if asked in refs else 0,
                           key="recommendation_ref")
detail = context.kept(plan.recommendation, ref)


def bullets(text: str | None) -> None:
    items = [line for line in str(text or "").split("\n") if line.strip()]
    if items:
        st.markdown("\n".join(f"- {markdown_text(item)}" for item in items))
    else:
        st.caption("None in the plan.")


st.title(f"Recommendation {ref[1:]}")
st.caption(f"Project {detail['project_number']}: {markdown_text(detail['project_title'])}")
st.markdown(markdown_text(detail["recommendation"]))
st.subheader("Aim")
st.markdown(markdown_text(detail["aim"]))
st.subheader("Objectives")
bullets(detail["objectives"])
if detail.get("measurable_outcomes"):
    st.subheader("Measurable outcomes and milestones")
    bullets(detail["measurable_outcomes"])
with st.expander("CQC said (Local System Review, 2017)"):
    bullets(detail["cqc_said"])



def review_said() -> tuple[str, list[tuple[str, str]]]:
    """The progress review's date and, per section, its heading and findings in Markdown."""
    findings = context.kept(plan.findings, ref)
    review_date = (pd.Timestamp(findings["review_date"].iloc[0]).strftime("%-d %B %Y") if len(findings)
                   else "20 November 2018")
    return review_date, [
        (f"**{markdown_text(section)}**",
         "\n".join(f"- {markdown_text(row.finding)} *({row.finding_id}, {markdown_text(row.area)})*"
                   for row in group.itertuples()))
        for section, group in findings.groupby("section", sort=False)]


# Kept per store version: writing out the findings cost more than showing them.
review_date, sections = context.keep(("recommendation_findings", ref), review_said)
st.subheader(f"CQC progress review said ({review_date})")
if not sections:
    st.caption("The progress report has no finding on this recommendation.")
for heading, findings in sections:
    st.markdown(heading)
    st.markdown(findings)

st.subheader("Actions")
actions = plan_state.actions(date.today())
actions = actions[actions["recommendation_ref"] == ref]
if actions["is_demonstration"].any():
    st.warning("**Demonstration data**: these actions are invented for demonstration (the plan's action "
               "tables are empty).", icon=":material/warning:")
st.caption(f"Roll-up: **{plan_charts.rag_label(rules.roll_up(actions['status']))}**. {rules.ROLL_UP_RULE}")
# In HTML, on a screen as on the projector (whose CSS enlarges it): every word of each action wrapped, not cut
# short by a grid's canvas. The last update is left off the projector, so the table fits the screen at 22 px.
# Kept per store version and day, as the plan's grid: a second visit builds no table.
table = context.keep(("recommendation_actions", ref, presenting), lambda: None if actions.empty else table_html(
    plan_charts.action_table(actions, ACTION_LABELS, left_off=("last_update",) if presenting else ()).rename(
        columns=ACTION_LABELS), rag_columns=["RAG"]))
if table is None:
    st.caption("No actions are recorded for this recommendation.")
else:
    html_block(table)

st.subheader("Indicators this recommendation is meant to move")
links = context.kept(plan.indicator_links, ref)
if links.empty:
    st.caption("The plan ties no indicator to this recommendation.")
completions = context.keep(("recommendation_completions", ref), lambda: rules.completion_events(actions))
charted = []
# Assessed in one batch, as the board view's (one cached read, not one per indicator).
assessed = dict(zip(links["indicator_id"], default_assessments(links["indicator_id"].tolist(), settings.area_code,
                                                               settings.benchmark_code), strict=True))
for link in links.itertuples():
    st.markdown(f"**{markdown_text(link.name or link.indicator_id)}**: {markdown_text(link.why)}")
    a = assessed[link.indicator_id]
    if not a.has_data:
        st.caption("No data held for this indicator.")
        continue
    if a.is_demonstration:
        st.warning(f"**Demonstration data**: {markdown_text(a.short_name)} is invented for demonstration: no "
                   "public series exists.", icon=":material/warning:")
    st.markdown(f"{a.period_text}: {markdown_text(a.area_name)} {a.value_text}, "
                f"{markdown_text(a.comparator_name or 'no comparator')} "
                f"{a.comparator_text} · **Compared:** {a.comparison_text} · **Variation:** {a.variation_text} · "
                f"**Assurance:** {a.assurance_text}")
    charted.append(a)

# One chart at a time, in a tab per indicator: only the open tab's chart is drawn, where the page used to draw
# all five at once (each costs the browser more than the rest of the page).
tabs = st.tabs([a.short_name for a in charted], key=f"recommendation_chart_{ref}", on_change="rerun") if charted else []
for tab, a in zip(tabs, charted, strict=True):
    with tab:
        if not tab.open:
            continue
        # Kept per store version: the assessment and the plan's completions (the events drawn) are the store's.
        kept = ("recommendation", ref, a.indicator_id, settings.area_code, settings.benchmark_code, presenting)
        figure = kept_figure(kept, assessment_figure, replace(a, events=completions),
                             title=f"{a.short_name}, {a.area_name}", presentation=presenting)
        chart(figure, kept=kept, words=f"{a.short_name}, {a.area_name}: XmR chart",
              key=f"recommendation_chart_{a.indicator_id}", width="stretch", theme=None)
        if figure["layout"]["meta"]["comparator_panel"]:
            st.caption(f"{markdown_text(a.comparator_name)} is drawn on its own panel: its values are on another "
                       "scale.")
