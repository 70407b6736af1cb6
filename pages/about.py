"""About this dashboard: who maintains it, where the data comes from, how fresh each indicator is, and
(for analysts) the audit trail, with a warning for everyone if its hash chain is broken."""

from datetime import date

import pandas as pd
import streamlit as st

from analysis.periods import period_label
from analysis.staleness import COLLECTION_ENDED, staleness
from charts.text import plain
from store import audit, queries
from store import indicators as store_indicators
from store.door import archive_dir_of
from ui import auth, context, presentation

presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = context.area_name(settings.area_code)

st.title("About this dashboard")
st.markdown(
    f"This dashboard shows how {plain(area)}'s health and care system is doing on the indicators the Care Quality "
    "Commission tracked in its local system review (October/November 2017) and progress review (November "
    "2018), compared with England. It is maintained for the **York Place Based Improvement Partnership "
    "(PBIP)** by the partnership's analysts; questions and corrections go to the PBIP programme support team.")
st.markdown(
    "- **Data sources:** NHS England (delayed transfers of care; Monthly Activity Return; A&E attendances), "
    "the Office for National Statistics (mid-year population estimates), OHID Fingertips (falls admissions). "
    "The five CQC indicators with no public series hold **demonstration data** until an analyst loads a real "
    "extract.\n"
    "- **Methods:** XmR charts with the NHS England *Making Data Count* rules; comparisons with England by "
    "the OHID Fingertips methods (Wilson score for proportions, Byar's method for rates, 95% confidence).")

with st.expander("Accessibility statement"):
    st.markdown(
        "The PBIP partners are public-sector bodies, so this dashboard is meant to meet the Public Sector Bodies "
        "(Websites and Mobile Applications) Accessibility Regulations 2018: **the Web Content Accessibility "
        "Guidelines (WCAG) 2.2 at level AA**.\n\n"
        "- **How it is checked:** every page, in normal and in presentation mode, for York and for another "
        "council, before and after a data upload, is tested in a real browser with axe-core (Deque's "
        "accessibility engine), which must find no serious or critical failure; the checks run with every "
        "change to the dashboard.\n"
        "- **What we have done:** red, amber and green are never the only sign: every rating says its word "
        "(\"Red: overdue\"); text on the rating colours and elsewhere contrasts at least 4.5:1; icons and the small "
        "trend lines have their meaning in words for screen readers; presentation mode enlarges all text to at "
        "least 20 px; controls are at least 24 by 24 pixels.\n"
        "- **What is not yet fully accessible:** the charts are pictures a screen reader cannot walk through "
        "point by point; each chart's figures are in the table under it. Some tables (the data behind a chart, "
        "the plan's action grid) are drawn as interactive grids, which a screen reader reads cell by cell.\n"
        "- **Reporting a problem:** tell the PBIP programme support team what you tried and what happened; "
        "we aim to reply within 10 working days. If you are not happy with our reply, contact the Equality "
        "Advisory and Support Service (EASS); the Equality and Human Rights Commission enforces the "
        "regulations.\n"
        "- This statement was prepared on 2 December 2026, when the dashboard was last tested.")

broken = audit.verify(con, archive_dir_of(con))
if broken:
    st.error(f"**The audit trail has been changed outside the dashboard.** {broken.sentence} Lines from "
             "there on cannot be trusted; tell the PBIP programme support team.", icon=":material/gpp_bad:")

user = auth.current_user()


def audit_section() -> None:
    """The audit trail for analysts, filtered by user, kind and date."""
    st.subheader("Audit trail")
    if user is None or not user.can("analyst"):
        st.caption("Analysts can read the audit trail here (sign in in the sidebar).")
        return
    st.caption("Every change to the store: loads, undos, plan edits, rebase dates, each naming who made it. "
               + ("" if broken else "The hash chain over every line is whole."))
    who, kind, when = st.columns(3)
    chosen_user = who.selectbox("User", ["Everyone", *context.kept(audit.users)])
    chosen_kind = kind.selectbox("Kind", ["Every kind", *context.kept(audit.kinds)])
    days = when.date_input("Between", value=(), help="Leave empty for every date; pick a first and a last day.")
    since, until = (days[0], days[-1]) if days else (None, None)
    lines = audit.entries(con, user=None if chosen_user == "Everyone" else chosen_user,
                          kind=None if chosen_kind == "Every kind" else chosen_kind, since=since, until=until)
    st.dataframe(lines.rename(columns={"audit_id": "Line", "audited_at": "When", "user_name": "User",
                                       "action": "Kind", "load_id": "Load", "detail": "Detail"}),
                 hide_index=True, width="stretch")


if context.kept(queries.observation_count) == 0:
    st.info("No data has been loaded into this dashboard's database yet, so there is nothing to report on.")
    audit_section()
    st.stop()

status = context.kept(store_indicators.data_status, settings.area_code)
history = context.kept(queries.load_history)
last = pd.to_datetime(history["loaded_at"]).max()
st.markdown(f"**Last refresh:** {last:%-d %B %Y at %H:%M}, {len(history)} files loaded.")

st.subheader("Data status")
today = date.today()
st.dataframe(pd.DataFrame({
    "Indicator": status["short_name"],
    "Latest period": [period_label(s, e) for s, e in zip(status["period_start"], status["period_end"], strict=True)],
    "Data age": [staleness(row.period_end, row.frequency, row.publication_lag_days, today,
                           collection_ended=COLLECTION_ENDED.get(row.indicator_id),
                           is_demonstration=bool(row.is_demonstration) if pd.notna(row.is_demonstration) else False
                           ).label for row in status.itertuples()],
    "Kind": ["Demonstration data" if demo else "Proxy" if proxy else "Published data"
             for demo, proxy in zip(status["is_demonstration"].fillna(False), status["is_proxy"], strict=True)],
    "Last loaded": [f"{pd.Timestamp(t):%-d %b %Y}" if pd.notna(t) else "never" for t in status["loaded_at"]],
    "Loaded by": status["loaded_by"].fillna("").to_numpy(),
    "File": status["files"].fillna("").to_numpy(),
}), hide_index=True, width="stretch")

audit_section()
