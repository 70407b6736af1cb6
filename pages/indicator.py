"""One indicator: the area's assessment against a comparator, its XmR chart, the definition and the data."""


import pandas as pd
import streamlit as st

from analysis.assess import comparator_names, comparator_order
from analysis.indicator_table import data_table
from analysis.publication import lag_text
from analysis.significance import method_for
from analysis.spc import TRIAL_LIMITS_BELOW
from charts.text import plain
from charts.xmr import assessment_figure
from store import groups as store_groups
from store import indicators as store_indicators
from store import queries
from store.assessment import subject_of
from ui import auth, context, presentation
from ui.assessments import assessment
from ui.charts import chart, kept_figure
from ui.commentary import commentary_panel, done_message
from ui.download import safe_csv
from ui.targets import targets_section

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
# ?area= opens the page for another area (a matrix cell's link): a council the store holds, or a group.
asked_area = st.query_params.get("area")
known_area = asked_area and (context.kept(store_groups.group_name, asked_area)
                             or context.kept(queries.area_name, asked_area))
area_code = asked_area if known_area else settings.area_code
area = known_area or context.area_name(area_code)

choices = context.kept(store_indicators.indicator_choices)
if choices.empty or context.kept(queries.observation_count) == 0:
    st.title("Indicator")
    st.info(context.NO_DATA)
    st.stop()
ids = choices["indicator_id"].tolist()
names = dict(zip(choices["indicator_id"], choices["short_name"], strict=True))
asked = st.query_params.get("indicator")
if asked is not None and asked not in names:
    st.error(f'There is no indicator called "{plain(asked)}". Choose one from the list below.')
    asked = None
indicator_id = st.sidebar.selectbox("Indicator", ids, index=ids.index(asked) if asked in ids else 0,
                                    format_func=lambda i: names[i], key="indicator_choice")
st.query_params["indicator"] = indicator_id
definition = context.kept(store_indicators.indicator, indicator_id)
st.title(plain(definition["name"]))

subject, subject_name = context.kept(subject_of, indicator_id, area_code)
if subject != area_code:
    st.caption(f"Measured for {plain(subject_name)} ({plain(subject)}), the organisation that serves {plain(area)}.")

# Comparator: the benchmark (England) by default, then the area's groups (its region, its similar councils:
# their values added up from members' counts), then any other group, then any single area with this series.
options = context.kept(store_indicators.comparators, indicator_id, subject)
group_options = context.kept(store_groups.groups)
own = context.kept(store_groups.groups_of, area_code)["group_code"].tolist()
codes = comparator_order(options["area_code"].tolist(), settings.benchmark_code,
                         context.kept(store_indicators.region_code, area_code),
                         groups=own + group_options["group_code"].tolist(), area_code=area_code)
names_of_comparators = comparator_names(dict(zip(options["area_code"], options["area_name"], strict=True)),
                                        group_options)
asked_comparator = st.query_params.get("comparator")
comparator_code = st.sidebar.selectbox(
    "Compare with", codes, index=codes.index(asked_comparator) if asked_comparator in codes else 0,
    format_func=lambda c: names_of_comparators.get(c, c), key=f"comparator_{indicator_id}")
if comparator_code:
    st.query_params["comparator"] = comparator_code
else:
    st.query_params.pop("comparator", None)
    if len(codes) > 1:
        benchmark_name = context.area_name(settings.benchmark_code)
        st.sidebar.caption(f"{plain(benchmark_name)} has no "
                           "series for this indicator in this database; choose another area to compare with, or "
                           "read the chart on its own.")

a = assessment(indicator_id, area_code, comparator_code)
if not a.has_data:
    others = len([c for c in codes if c])
    st.info(f"There is no {plain(a.short_name)} series for {plain(subject_name)} in this database. "
            + (f"Areas that have one: {others}." if others else ""))
    st.stop()

periods = list(a.points.index)
start, end = periods[0], periods[-1]
if len(periods) > 1:
    annual = definition["frequency"] == "annual"
    start, end = st.sidebar.select_slider(
        "Periods shown", options=periods, value=(periods[0], periods[-1]),
        format_func=lambda p: f"{p.year}/{str(p.year + 1)[2:]}" if annual else f"{pd.Timestamp(p):%b %Y}",
        key=f"periods_{indicator_id}",
        help="Zooms the chart and the table. The process limits stay those of the whole series.")

if a.is_demonstration:
    context.demonstration_notice([a.short_name])
if a.is_proxy:
    st.warning(f"**Proxy** — {plain(definition['caveat'])}", icon=":material/info:")

metrics = st.columns(3)
metrics[0].metric(plain(a.area_name), a.value_text, help=plain(f"{a.period_text}, {a.unit}"))
shown_comparator = a.comparator_value_text if a.comparator_value is not None else "No value"
metrics[1].metric(plain(a.comparator_name or "Comparator"), shown_comparator, help=plain(a.period_text))
# Not compared: an em dash in the metric (the words would be cut on a small screen) and the reason below.
metrics[2].metric("Compared", a.comparison_figure, help=plain(a.comparison_detail))
if a.comparator_note:
    st.caption(f"{plain(a.comparator_name)}, {plain(a.period_text)}: {plain(a.comparator_note)}.")
# The reason already begins "not compared: …"; said once, with a capital.
reason = a.comparison_detail[:1].upper() + a.comparison_detail[1:]
st.markdown(("" if a.is_compared else f"**{plain(reason)}** · ")
            + f"**Variation:** {a.variation_text} · **Assurance:** {a.assurance_text}"
            # The tier's rank only where it differs from the rank among all English councils.
            + (f" · **Rank:** {plain(a.rank.text)}" if a.rank and (
                not a.rank_england or (a.rank.position, a.rank.of) != (a.rank_england.position, a.rank_england.of))
               else "")
            + (f" · **Among English councils:** {plain(a.rank_england.text)}" if a.rank_england else ""))
st.markdown(plain(a.summary))
kept = ("indicator", indicator_id, area_code, comparator_code, start, end, presenting)
figure = kept_figure(kept, assessment_figure, a, start=start, end=end, presentation=presenting)
# theme=None (interactive charts): the figure's own sizes (18 px ticks on the projector), not Streamlit's theme.
chart(figure, kept=kept, words=f"{a.short_name}, {a.area_name}: XmR chart", width="stretch", theme=None,
      config={"displaylogo": False})
if figure["layout"]["meta"]["comparator_panel"]:
    st.caption(f"{plain(a.comparator_name)} is drawn on its own panel below the chart: its values are on another "
               f"scale from {plain(a.area_name)}'s, so one axis would flatten one of the two lines.")

if a.staleness.stale:
    st.caption(f"{a.staleness.label} ({definition['frequency']} data, published about "
               f"{definition['publication_lag_days']} days after each period ends).")
shown_gaps = [m for m in a.missing_periods if start <= m <= end]
if shown_gaps:
    st.caption("Missing periods (gaps in the chart; runs and trends do not cross them): "
               + ", ".join(f"{m:%b %Y}" for m in shown_gaps) + ".")
if a.trial_limits:
    st.caption(f"Trial limits: fewer than {TRIAL_LIMITS_BELOW} points in a segment, so the limits will move "
               "as data arrives.")

targets_section(con, a, analyst=auth.signed_in(), presenting=presenting, archive_dir=settings.archive_dir)
done_message()
commentary_panel(con, a, auth.signed_in(), presenting=presenting)

with st.container(border=True):
    st.subheader("Definition")
    method = method_for(definition["value_kind"], definition["numerator_meaning"])
    first, last = a.rows["period_start"].min(), a.rows["period_end"].max()
    if a.comparison_source == "publisher":
        comparison_line = f"- **Comparison method:** {plain(a.comparison.method)}."
    elif method:
        comparison_line = (f"- **Comparison method:** {method}, the OHID Fingertips method: the area's confidence "
                           "interval against the comparator's value, at 95% and at 99.8%.")
    else:
        comparison_line = f"- **Comparison method:** {plain(a.comparison.reason or 'not compared')}."
    st.markdown("\n".join(line for line in [
        f"- **What is counted:** {plain(definition['definition'])}",
        f"- **Numerator:** {plain(definition['numerator_meaning'])}",
        f"- **Denominator:** {plain(definition['denominator_meaning'] or 'none (a count)')}",
        f"- **Age band:** {plain(definition['age_band'])}",
        f"- **Source:** {plain(definition['source'])}",
        f"- **Publisher:** {plain(definition['publisher'])}",
        f"- **Period covered:** {first:%B %Y} to {last:%B %Y}",
        f"- **Published:** {lag_text(definition['publication_lag_days'])} after each period ends",
        comparison_line,
        f"- **What this is not:** {plain(a.caveat_text)}" if a.caveat_text else "",
    ] if line))

# The table runs only when opened: most visits (and every board meeting) read the chart, and its grid was a
# good part of the page's wait. The CSV is made when the button is pressed, not on every run.
with st.expander("The data behind the chart", icon=":material/table:", key="indicator_data_open",
                 on_change="rerun") as data_box:
    if data_box.open:
        st.dataframe(data_table(a, start, end), hide_index=True, width="stretch")
st.download_button("Download the data (CSV)", lambda: safe_csv(data_table(a, start, end)),
                   file_name=f"{indicator_id}_{subject}.csv", mime="text/csv", on_click="ignore")

rebases = context.kept(store_indicators.rebase_dates, indicator_id, subject)
if not rebases.empty:
    st.caption("Rebase dates: " + "; ".join(f"{pd.Timestamp(r.rebase_date):%b %Y} ({plain(r.reason)}, "
                                            f"set by {plain(r.set_by)})"
                                            for r in rebases.itertuples()))
analyst = auth.signed_in()
if not presenting and analyst is not None and analyst.can("analyst"):
    with st.expander("Set a rebase date"):
        st.caption("A rebase starts new limits from a period, after a real change in the process. It is stored "
                   f"and audited as set by {plain(analyst.name)}; every viewer sees it.")
        with st.form(f"rebase_{indicator_id}"):
            when = st.selectbox("From period", periods[1:] or periods, format_func=lambda p: f"{p:%B %Y}")
            reason = st.text_input("Reason")
            if st.form_submit_button("Save rebase date"):
                if not reason.strip():
                    st.error("Please give the reason for the rebase: the change in the process it marks.")
                else:
                    store_indicators.add_rebase_date(con, indicator_id=indicator_id, area_code=subject,
                                                     rebase_date=pd.Timestamp(when).date(), reason=reason,
                                                     user=analyst)
                    st.rerun()
elif not presenting:
    st.caption("Analysts can set a rebase date here once signed in (sign in on the Upload data page).")
