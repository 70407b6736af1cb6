"""The board view's executive summary: exceptions first, then what the board is asked to do, then the legend.

The exceptions are analysis/exceptions.py's, with the commentary signed off for each indicator's latest
period (or "No commentary yet") and the overdue plan actions linked to it. What the board is asked to do
is a signed-off section per board date (store/board_asks.py): analysts draft and submit it here, a lead
signs it off, and everyone else reads only the signed-off version. Every text is shown with `plain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd
import streamlit as st

from analysis.assess import Assessment
from analysis.board_date import latest_board_date
from analysis.exceptions import NO_COMMENTARY, exceptions, overdue_lines
from analysis.plan_as_at import actions_as_at
from charts.legend import legend_html
from charts.text import plain
from reports import board_paper
from store import board_asks, signoff
from store import plan as store_plan
from store.roles import User
from ui import context


def _overdue_by_indicator(con: duckdb.DuckDBPyConnection, today: date) -> dict[str, list[str]]:
    # Kept whole (context.kept): replaying the actions' history to the day costs more than reading it.
    if not store_plan.has_plan(con):
        return {}
    actions = actions_as_at(store_plan.actions(con), store_plan.action_history(con), today)
    links = store_plan.indicator_links(con)
    out = {}
    for indicator_id, refs in links.groupby("indicator_id")["recommendation_ref"]:
        out[indicator_id] = overdue_lines(actions[actions["recommendation_ref"].isin(set(refs))])
    return out


def executive_summary(con: duckdb.DuckDBPyConnection, assessments: Sequence[Assessment], *, area_code: str,
                      events: pd.DataFrame, today: date, user: User | None, presenting: bool,
                      place=None) -> None:
    """Exceptions, then the board's asks for a board date, then the icon legend; on the projector, in a
    popover opened from a button in `place` (the title's column)."""
    # Assessments are not plain values: what names them for the store's kept reads is whose and against what.
    named = tuple((a.indicator_id, a.area_code, a.comparator_code) for a in assessments)
    found = context.kept(board_paper.signed_off_commentary, assessments, key=("commentary", named))
    listed = exceptions(assessments, commentary={i: board_paper.commentary_line(c) for i, c in found.items()},
                        overdue=context.kept(_overdue_by_indicator, today),
                        previous_quintiles=context.kept(board_paper.previous_quintiles, assessments,
                                                        key=("quintiles", named)))
    # On the projector the board must fit one screen: the summary opens over it, from a button under the title.
    label = (f"Summary: {len(listed)} exception{'s' if len(listed) != 1 else ''}" if presenting else
             f"Executive summary: {len(listed)} exception{'s' if len(listed) != 1 else ''}")
    # Its whole label always: wrapped onto a second line rather than cut with an ellipsis.
    with (place or st).popover(label, wrap=True) if presenting else st.container():
        _summary(con, assessments, listed, found, area_code=area_code, events=events, today=today, user=user,
                 presenting=presenting)


def _summary(con, assessments, listed, found, *, area_code, events, today, user, presenting) -> None:
    st.subheader("Exceptions")
    if not listed:
        st.markdown("No indicator is an exception: no special-cause concern, no failing or hit-and-miss "
                    "assurance, none significantly worse than the comparator, none fallen into a worse fifth.")
    for item in listed:
        overdue = (f" Overdue linked actions: {plain('; '.join(item.overdue_actions))}."
                   if item.overdue_actions else "")
        st.markdown(f"- **{plain(item.name)}**: {plain(item.reason_text)}.  \n"
                    f"  *Commentary:* {plain(item.commentary)}.{overdue}")
    # Kept per store version and day (the events are the store's): working it out cost more than the asks.
    board_day = context.keep(("latest_board_date",), lambda: latest_board_date(events)) or today
    _asks(con, area_code=area_code, default_day=board_day, user=user, presenting=presenting)
    st.html(legend_html())
    if not presenting:
        with st.expander("Commentary on every indicator"):
            st.markdown("\n".join(
                f"- **{plain(a.short_name)}** ({plain(a.period_text)}): "
                f"{plain(board_paper.commentary_line(found.get(a.indicator_id)) or NO_COMMENTARY)}"
                for a in assessments))


def _asks(con, *, area_code: str, default_day: date, user: User | None, presenting: bool) -> None:
    day = default_day if presenting else st.date_input("Board date", value=default_day, key="board_ask_date",
                                                         format="DD/MM/YYYY")
    st.subheader(f"What the board is asked to do, {day:%-d %B %Y}")
    shown = context.kept(board_asks.signed_off, area_code, day)
    if shown is None:
        st.markdown("Nothing signed off yet for this board.")
    else:
        st.markdown("\n".join(f"- **{plain(label)}:** {plain(text)}" for label, text in shown.lines()))
        st.caption(f"Signed off by {plain(shown.changed_by)} on {shown.changed_at:%-d %B %Y %H:%M}.")
    if presenting or user is None or not user.can("analyst"):
        return
    working = context.kept(board_asks.latest, area_code, day)
    key = f"board_ask_{area_code}_{day:%Y%m%d}"
    if working is not None and (shown is None or working.version != shown.version):
        st.info(f"Working version {working.version} is **{working.state}**; viewers do not see it until a lead "
                "signs it off.")
    with st.expander("Write or edit what the board is asked to do"):
        with st.form(key):
            texts = {field: st.text_area(label, value=getattr(working, field) if working else "",
                                         key=f"{key}_{field}") for field, label in board_asks.FIELDS.items()}
            saved = st.form_submit_button("Save draft of the asks")
        if saved:
            _run(lambda: board_asks.save_draft(con, area_code=area_code, board_date=day, texts=texts, user=user))
    if working is not None and working.state == signoff.DRAFT and st.button("Submit the asks for sign-off",
                                                                             key=f"{key}_submit"):
        _run(lambda: board_asks.submit(con, area_code=area_code, board_date=day, user=user))
    if working is not None and working.state == signoff.SUBMITTED and user.can("lead") and st.button(
            "Sign off the asks", key=f"{key}_sign_off", type="primary"):
        _run(lambda: board_asks.sign_off(con, area_code=area_code, board_date=day, user=user))


def _run(change) -> None:
    try:
        change()
    except (ValueError, PermissionError) as refusal:
        st.error(plain(str(refusal)))
        return
    st.rerun()
