"""Overview: every indicator's assessment for the area against its benchmark, in one table."""


from datetime import date

import streamlit as st

from analysis.overview import count_words, headline, overview_table
from analysis.upload_preview import names_in_words
from charts.overview import overview_html
from charts.text import plain
from store import indicators as store_indicators
from ui import context, plan_state, presentation
from ui.assessments import default_assessments
from ui.html_block import html_block
from ui.trust_now import now_section

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area = context.area_name(settings.area_code)
benchmark = context.area_name(settings.benchmark_code)

st.title(f"{plain(area)} health and care: the CQC indicators")
st.caption(f"{context.area_label(settings.area_code)} compared with {context.area_label(settings.benchmark_code)}, "
           "latest period held for each indicator.")

context.stop_when_empty()

ids = context.kept(store_indicators.definitions)["indicator_id"].tolist()
assessments = default_assessments(ids, settings.area_code, settings.benchmark_code)
core = [a for a in assessments if a.is_cqc_indicator]
related = [a for a in assessments if not a.is_cqc_indicator]

st.markdown(headline(core, area_name=plain(area), comparator_name=plain(benchmark)))
context.demonstration_notice([a.short_name for a in assessments if a.is_demonstration])


def show(which: str, shown: list) -> None:
    """The table of `shown` assessments in HTML, not st.dataframe: every column on screen, wrapped between words,
    at 1280 x 800 and on the projector. Kept per store version and day (the RAG reads today's plan): building it
    cost more than the rest of the page's run."""
    html_block(context.keep(("overview_table", which, settings.area_code, settings.benchmark_code, presenting),
                         lambda: overview_html(overview_table(shown, area_name=area, comparator_name=benchmark,
                                                              rag=plan_state.indicator_rags(date.today())),
                                               value_columns=(area, benchmark), presentation=presenting)))


st.subheader(f"{count_words(len(core))} indicators CQC tracked")
show("cqc", core)
now_section(settings.area_code, settings.benchmark_code, presenting=presenting)
st.subheader("Related and proxy measures")
st.caption("Proxies are published measures that stand near an indicator with no public data; each "
           "one's definition says what it is not.")
# A measure with no data for the area would be a row of "no data" in every cell: it is left out, in one line.
empty = [a for a in related if not a.has_data]
if len(empty) < len(related):
    show("related", [a for a in related if a.has_data])
if empty:
    st.caption(f"Not shown: {plain(names_in_words([a.short_name for a in empty]))}, which "
               f"{'has' if len(empty) == 1 else 'have'} no data for {plain(area)} in this dashboard yet (an analyst "
               "can load the published file on the Upload data page).")

st.subheader("Open an indicator")
columns = st.columns(3)
keep = {"presentation": "1"} if presenting else {}
for i, a in enumerate(assessments):
    columns[i % 3].page_link("pages/indicator.py", label=a.short_name,
                             query_params={"indicator": a.indicator_id, **keep})
