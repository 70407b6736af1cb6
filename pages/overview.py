"""Overview: every indicator's assessment for the area against its benchmark, in one table."""


import streamlit as st

from analysis.overview import count_words, headline, overview_table
from charts.text import plain
from store import indicators as store_indicators
from ui import context, presentation
from ui.assessments import default_assessment
from ui.trust_now import now_section

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = context.area_name(con, settings.area_code)
benchmark = context.area_name(con, settings.benchmark_code)

st.title(f"{plain(area)} health and care: the CQC indicators")
st.caption(f"{plain(area)} ({settings.area_code}) compared with {plain(benchmark)} ({settings.benchmark_code}), "
           "latest period held for each indicator.")

context.stop_when_empty(con)

ids = store_indicators.definitions(con)["indicator_id"].tolist()
assessments = [default_assessment(i, settings.area_code, settings.benchmark_code) for i in ids]
core = [a for a in assessments if a.is_cqc_indicator]
related = [a for a in assessments if not a.is_cqc_indicator]
rag = store_indicators.plan_rag(con)

st.markdown(headline(core, area_name=plain(area), comparator_name=plain(benchmark)))
context.demonstration_notice([a.short_name for a in assessments if a.is_demonstration])

column_config = {
    "Trend": st.column_config.LineChartColumn("Trend", width="small", help=f"{plain(area)}'s series, oldest to latest"),
    "Open": st.column_config.LinkColumn("Open", display_text="Open page", help="Open the indicator page"),
    "Source": st.column_config.TextColumn("Source", width="medium"),
}


def show(table):
    if presenting:
        # st.table reads Markdown in its cells: every cell is shown as typed.
        shown = table.drop(columns=["Trend", "Open", "Source", "Measured for"])
        st.table(shown.map(plain).rename(columns=plain), hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch", column_config=column_config)


st.subheader(f"{count_words(len(core))} indicators CQC tracked")
show(overview_table(core, area_name=area, comparator_name=benchmark, rag=rag))
now_section(settings.area_code, settings.benchmark_code, presenting=presenting)
st.subheader("Related and proxy measures")
st.caption("Proxies are published measures that stand near an indicator with no public data; each "
           "one's definition says what it is not.")
show(overview_table(related, area_name=area, comparator_name=benchmark, rag=rag))

st.subheader("Open an indicator")
columns = st.columns(3)
keep = {"presentation": "1"} if presenting else {}
for i, a in enumerate(assessments):
    columns[i % 3].page_link("pages/indicator.py", label=a.short_name,
                             query_params={"indicator": a.indicator_id, **keep})
