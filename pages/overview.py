"""Overview: the six CQC indicators, the area against its benchmark, latest period, and what the charts say."""

from datetime import date

import streamlit as st

from analysis.overview import CQC_INDICATORS, indicator_story, overview_tables
from analysis.summary import counts_line
from store import indicators as store_indicators
from store import queries
from ui import context, presentation

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = queries.area_name(con, settings.area_code) or settings.area_code
benchmark = queries.area_name(con, settings.benchmark_code) or settings.benchmark_code

st.title(f"{area} health and care: the CQC indicators")
st.caption(f"{area} ({settings.area_code}) compared with {benchmark} ({settings.benchmark_code}), "
           "latest period held for each indicator.")

if queries.observation_count(con) == 0:
    st.info("No data has been loaded into this dashboard's database yet. An analyst can load the bundled "
            "data with `python -m loaders build`, or load an extract with `python -m loaders load FILE`.")
    st.stop()

definitions = store_indicators.definitions(con)
overview = queries.indicator_overview(con, settings.area_code, settings.benchmark_code).merge(
    definitions[["indicator_id", "publication_lag_days"]], on="indicator_id", how="left")
story = indicator_story(overview, store_indicators.all_series(con, settings.area_code),
                        store_indicators.latest_counts(con, settings.area_code, settings.benchmark_code),
                        definitions)
core, related = overview_tables(overview, area, benchmark, story=story, rag=store_indicators.plan_rag(con),
                                today=date.today())

six = story[story["indicator_id"].isin(CQC_INDICATORS)]
calls = six["call"].tolist()
st.markdown(f"**The six indicators: {counts_line(six['variation_icon'].tolist())}** (statistical process "
            f"control on {area}'s series). Against {benchmark}: {calls.count('better')} significantly better, "
            f"{calls.count('similar')} similar, {calls.count('worse')} significantly worse, "
            f"{calls.count('not compared')} not compared.")
context.demonstration_notice(overview.loc[overview["is_demonstration"], "short_name"].tolist())

column_config = {
    "Trend": st.column_config.LineChartColumn("Trend", width="small", help=f"{area}'s series, oldest to latest"),
    "Open": st.column_config.LinkColumn("Open", display_text="Open page", help="Open the indicator page"),
    "Source": st.column_config.TextColumn("Source", width="medium"),
}


def show(table):
    if presenting:
        st.table(table.drop(columns=["Trend", "Open", "Source", "Measured for"]), hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch", column_config=column_config)


st.subheader("The six indicators CQC tracked")
show(core)
st.subheader("Related and proxy measures")
st.caption("Proxies are published measures that stand near an indicator with no public data; each "
           "one's definition says what it is not.")
show(related)

st.subheader("Open an indicator")
columns = st.columns(3)
keep = {"presentation": "1"} if presenting else {}
for i, row in enumerate(overview.itertuples(index=False)):
    columns[i % 3].page_link("pages/indicator.py", label=row.short_name,
                             query_params={"indicator": row.indicator_id, **keep})
