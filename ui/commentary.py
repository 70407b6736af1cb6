"""Commentary on the indicator page: what everyone reads, and the analyst's and lead's controls.

Viewers (and anyone not signed in) read the signed-off version only; an analyst also sees the working
version with its state, edits it as a new draft and submits it; the indicator's lead signs it off. Every
write goes through store/commentary.py (the door checks the role); every text is shown with `plain`.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from analysis.assess import Assessment
from charts.text import plain
from store import commentary, signoff
from store import plan as store_plan
from store.roles import User
from ui import context


def _show(found: commentary.Commentary) -> None:
    st.markdown("\n".join(f"- **{plain(label)}:** {plain(text)}" for label, text in found.lines()))
    st.caption(f"Version {found.version}, {found.state} by {plain(found.changed_by)} on "
               f"{found.changed_at:%-d %B %Y %H:%M}.")


def _linked_refs(indicator_id: str) -> list[str]:
    if not context.kept(store_plan.has_plan):
        return []
    links = context.kept(store_plan.indicator_links)
    refs = set(links.loc[links["indicator_id"] == indicator_id, "recommendation_ref"])
    actions = context.kept(store_plan.actions)
    return actions.loc[actions["recommendation_ref"].isin(refs), "ref"].tolist()


def commentary_panel(con: duckdb.DuckDBPyConnection, a: Assessment, user: User | None, *,
                     presenting: bool = False) -> None:
    """The commentary for the assessment's latest period: signed-off text, and the workflow for analysts."""
    if a.latest is None:
        return
    period = a.latest.period_start
    st.subheader(f"Commentary, {a.period_text}")
    shown = context.kept(commentary.signed_off, a.indicator_id, a.area_code, period)
    if shown is not None:
        _show(shown)
    else:
        st.markdown(f"**{commentary.NO_COMMENTARY}** signed off for {plain(a.period_text)}.")
    if presenting or user is None or not user.can("analyst"):
        return
    working = context.kept(commentary.latest, a.indicator_id, a.area_code, period)
    key = f"commentary_{a.indicator_id}_{a.area_code}_{period:%Y%m%d}"
    if working is not None and (shown is None or working.version != shown.version):
        st.info(f"Working version {working.version} is **{working.state}** "
                f"({plain(working.changed_by)}, {working.changed_at:%-d %B %Y %H:%M}); viewers do not see it "
                "until the indicator's lead signs it off.")
    with st.expander("Write or edit the commentary", expanded=working is None or working.state == signoff.DRAFT):
        st.caption("Plain text only: it is shown exactly as typed. Saving stores a new draft version; nothing "
                   "earlier is overwritten.")
        base = working
        with st.form(key):
            texts = {field: (st.text_area if field != "owner" and field != "improvement_expected" else st.text_input)(
                label, value=getattr(base, field) if base else "", key=f"{key}_{field}")
                for field, label in commentary.FIELDS.items()}
            refs = _linked_refs(a.indicator_id)
            chosen = st.multiselect("Plan actions this links", refs,
                                    default=[r for r in (base.action_refs if base else ()) if r in refs],
                                    key=f"{key}_refs") if refs else []
            saved = st.form_submit_button("Save draft")
        if saved:
            _run(lambda: commentary.save_draft(con, indicator_id=a.indicator_id, area_code=a.area_code,
                                               period_start=period, texts=texts, action_refs=chosen, user=user),
                 "Draft saved.")
    buttons = st.columns(2)
    if working is not None and working.state == signoff.DRAFT and buttons[0].button(
            "Submit for sign-off", key=f"{key}_submit"):
        _run(lambda: commentary.submit(con, indicator_id=a.indicator_id, area_code=a.area_code,
                                       period_start=period, user=user), "Submitted for sign-off.")
    if working is not None and working.state == signoff.SUBMITTED:
        if user.leads_indicator(a.indicator_id):
            if buttons[1].button("Sign off", key=f"{key}_sign_off", type="primary"):
                _run(lambda: commentary.sign_off(con, indicator_id=a.indicator_id, area_code=a.area_code,
                                                 period_start=period, user=user), "Signed off.")
        else:
            st.caption("Waiting for this indicator's lead to sign it off.")
    versions = context.kept(commentary.history, a.indicator_id, a.area_code, period)
    if versions:
        with st.expander(f"Every version ({len(versions)})"):
            st.dataframe(pd.DataFrame([{"Version": c.version, "State": c.state, "By": c.changed_by,
                                        "When": c.changed_at, "What the data shows": c.what_data_shows}
                                       for c in reversed(versions)]), hide_index=True, width="stretch")


def _run(change, done: str) -> None:
    try:
        change()
    except (ValueError, PermissionError) as refusal:
        st.error(plain(str(refusal)))
        return
    st.session_state["pbip_commentary_done"] = done
    st.rerun()


def done_message() -> None:
    """The last workflow step's confirmation, once, after the rerun that shows its result."""
    message = st.session_state.pop("pbip_commentary_done", None)
    if message:
        st.success(message)
