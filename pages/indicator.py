"""One indicator: the area's XmR chart against a comparator, the summary, the definition and the data."""

from datetime import date

import pandas as pd
import streamlit as st

from analysis import spc
from analysis.periods import format_value, period_label
from analysis.series import regular_series
from analysis.significance import compare_with, method_for
from analysis.staleness import staleness
from analysis.summary import ASSURANCE_LABELS, COMPARISON_LABELS, indicator_summary, variation_label
from charts.xmr import xmr_figure
from store import indicators as store_indicators
from store import queries
from ui import auth, context, presentation
from ui.download import safe_csv


def _optional(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area_code = settings.area_code
area = queries.area_name(con, area_code) or area_code

choices = store_indicators.indicator_choices(con)
if choices.empty or queries.observation_count(con) == 0:
    st.title("Indicator")
    st.info("No data has been loaded into this dashboard's database yet. An analyst can load the bundled "
            "data with `python -m loaders build`, or load an extract with `python -m loaders load FILE`.")
    st.stop()
ids = choices["indicator_id"].tolist()
names = dict(zip(choices["indicator_id"], choices["short_name"], strict=True))
asked = st.query_params.get("indicator")
if asked is not None and asked not in names:
    st.error(f'There is no indicator called "{asked}". Choose one from the list below.')
    asked = None
indicator_id = st.sidebar.selectbox("Indicator", ids, index=ids.index(asked) if asked in ids else 0,
                            format_func=lambda i: names[i], key="indicator_choice")
st.query_params["indicator"] = indicator_id
definition = store_indicators.indicator(con, indicator_id)

st.title(definition["name"])

if queries.observation_count(con) == 0:
    st.info("No data has been loaded into this dashboard's database yet. An analyst can load the bundled "
            "data with `python -m loaders build`, or load an extract with `python -m loaders load FILE`.")
    st.stop()

subject = store_indicators.subject_code(con, indicator_id, area_code) or area_code
subject_name = queries.area_name(con, subject) or subject
if subject != area_code:
    st.caption(f"Measured for {subject_name} ({subject}), the organisation that serves {area}.")

# Comparator: England by default, the region when the store holds it, or any other area with this series.
options = store_indicators.comparators(con, indicator_id, subject)
region = store_indicators.region_code(con, area_code)
codes = options["area_code"].tolist()
if region in codes:
    codes.remove(region)
    codes.insert(1 if settings.benchmark_code in codes else 0, region)
if settings.benchmark_code in codes:
    codes.remove(settings.benchmark_code)
    codes.insert(0, settings.benchmark_code)
elif codes:
    # No benchmark series (e.g. the trust proxy has no England total): show the area alone by default.
    codes.insert(0, "")
comparator_names = dict(zip(options["area_code"], options["area_name"], strict=True))
comparator_names[""] = "No comparator"

rows = queries.indicator_series(con, indicator_id, [subject])
if rows.empty or rows["value"].notna().sum() == 0:
    st.info(f"There is no {definition['short_name']} series for {subject_name} in this database. "
            + (f"Areas that have one: {len(codes)}." if codes else ""))
    st.stop()

left = right = st.sidebar
if codes:
    asked_comp = st.query_params.get("comparator")
    comparator_code = left.selectbox(
        "Compare with", codes, index=codes.index(asked_comp) if asked_comp in codes else 0,
        format_func=lambda c: comparator_names.get(c, c), key=f"comparator_{indicator_id}")
    if comparator_code:
        st.query_params["comparator"] = comparator_code
    else:
        st.query_params.pop("comparator", None)
        benchmark_name = queries.area_name(con, settings.benchmark_code) or settings.benchmark_code
        left.caption(f"{benchmark_name} has no series for this indicator in this database; choose another "
                     "area to compare with, or read the chart on its own.")
else:
    comparator_code = ""
    left.info(f"No other area has a {definition['short_name']} series in this database, so {subject_name} "
              "is shown alone.")
comparator_name = comparator_names.get(comparator_code, comparator_code) if comparator_code else None

values, missing = regular_series(rows, definition["frequency"])
periods = list(values.index)
if len(periods) > 1:
    start, end = right.select_slider(
        "Periods shown", options=periods, value=(periods[0], periods[-1]),
        format_func=lambda p: f"{pd.Timestamp(p):%b %Y}" if definition["frequency"] != "annual"
        else f"{p.year}/{str(p.year + 1)[2:]}", key=f"periods_{indicator_id}")
else:
    start = end = periods[0]
values = values[(values.index >= start) & (values.index <= end)]
rows = rows[(pd.to_datetime(rows["period_start"]) >= start) & (pd.to_datetime(rows["period_start"]) <= end)]

rebases = store_indicators.rebase_dates(con, indicator_id, subject)
rebase_list = [pd.Timestamp(d) for d in rebases["rebase_date"]]
target = None if pd.isna(definition["target"]) else float(definition["target"])
result = spc.xmr(values, definition["improvement_direction"], rebase=rebase_list, target=target)

comparator_series = None
comparator_rows = pd.DataFrame()
if comparator_code:
    comparator_rows = queries.indicator_series(con, indicator_id, [comparator_code])
    comparator_rows = comparator_rows[(pd.to_datetime(comparator_rows["period_start"]) >= start)
                                      & (pd.to_datetime(comparator_rows["period_start"]) <= end)]
    comparator_series = pd.Series(comparator_rows["value"].to_numpy(dtype=float),
                                  index=pd.DatetimeIndex(comparator_rows["period_start"]))

# The latest period with a value, and the comparator on the same period.
latest = rows.dropna(subset=["value"]).iloc[-1]
comp_latest = None
if not comparator_rows.empty:
    same = comparator_rows[pd.to_datetime(comparator_rows["period_start"]) == pd.Timestamp(latest["period_start"])]
    comp_latest = same.iloc[0] if not same.empty else None
comparison = compare_with(
    value_kind=definition["value_kind"], numerator=_optional(latest["numerator"]),
    denominator=_optional(latest["denominator"]), multiplier=float(definition["multiplier"]),
    comparator_value=None if comp_latest is None or pd.isna(comp_latest["value"]) else float(comp_latest["value"]),
    improvement_direction=definition["improvement_direction"], numerator_meaning=definition["numerator_meaning"])
if comparator_code and comp_latest is None:
    comparison = type(comparison)("not compared", comparison.method,
                                  reason=f"not compared: {comparator_name} has no value for this period")
period_text = period_label(latest["period_start"], latest["period_end"])
area_text = format_value(latest["value"], definition["value_kind"])
comp_text = "no value" if comp_latest is None else format_value(comp_latest["value"], definition["value_kind"])

if definition["is_demonstration"] or latest["is_demonstration"]:
    context.demonstration_notice([definition["short_name"]])
if definition["is_proxy"]:
    st.warning(f"**Proxy** — {definition['caveat']}", icon=":material/info:")

metrics = st.columns(3)
metrics[0].metric(subject_name, area_text, help=f"{period_text}, {definition['unit']}")
metrics[1].metric(comparator_name or "Comparator", comp_text, help=period_text)
metrics[2].metric("Compared", COMPARISON_LABELS[comparison.call],
                  help=comparison.method or comparison.reason)
assurance_text = ASSURANCE_LABELS.get(result.attrs["assurance_icon"] if target is not None else None)
st.markdown(f"**Variation:** {variation_label(result.attrs['variation_icon'])} · **Assurance:** {assurance_text}")

st.markdown(indicator_summary(area_name=subject_name, comparator_name=comparator_name or "no comparator",
                              area_text=area_text, comparator_text=comp_text, period_text=period_text,
                              comparison=comparison, result=result))
figure = xmr_figure(result, area_name=subject_name, unit=definition["unit"], value_kind=definition["value_kind"],
                    comparator=comparator_series, comparator_name=comparator_name,
                    events=store_indicators.events(con), rebase_dates=rebase_list, presentation=presenting)
st.plotly_chart(figure, width="stretch", config={"displaylogo": False})

stale = staleness(latest["period_end"], definition["frequency"], int(definition["publication_lag_days"]),
                  date.today())
if stale.stale:
    st.caption(f"{stale.label} ({definition['frequency']} data, published about "
               f"{definition['publication_lag_days']} days after each period ends).")
if missing:
    shown = [m for m in missing if start <= m <= end]
    if shown:
        st.caption("Missing periods (gaps in the chart; runs and trends do not cross them): "
                   + ", ".join(f"{m:%b %Y}" for m in shown) + ".")
if result.attrs["trial_limits"]:
    st.caption(f"Trial limits: fewer than {spc.TRIAL_LIMITS_BELOW} points in a segment, so the limits will move "
               "as data arrives.")

with st.container(border=True):
    st.subheader("Definition")
    method = method_for(definition["value_kind"], definition["numerator_meaning"])
    loaded = pd.to_datetime(rows["loaded_at"]).max() if "loaded_at" in rows else None
    st.markdown("\n".join([
        f"- **What is counted:** {definition['definition']}",
        f"- **Numerator:** {definition['numerator_meaning']}",
        f"- **Denominator:** {definition['denominator_meaning'] or 'none (a count)'}",
        f"- **Age band:** {definition['age_band']}",
        f"- **Source:** {definition['source']}",
        f"- **Publisher:** {definition['publisher']}",
        f"- **Period covered:** {period_label(values.index.min(), values.index.max() + pd.offsets.MonthEnd(0))}"
        if definition["frequency"] == "monthly" else
        f"- **Period covered:** {values.index.min():%Y} to {values.index.max():%Y}",
        f"- **Date loaded:** {loaded:%-d %B %Y}" if loaded is not None and not pd.isna(loaded) else "",
        f"- **Comparison method:** {method}, the OHID Fingertips method: the area's 95% confidence interval "
        "against the comparator's value." if method else
        f"- **Comparison method:** {comparison.reason or 'not compared'}.",
        f"- **What this is not:** {definition['caveat']}" if definition["caveat"] else "",
    ]))

table = pd.DataFrame({
    "Period": [period_label(s, e) for s, e in zip(rows["period_start"], rows["period_end"], strict=True)],
    "Numerator": rows["numerator"].to_numpy(),
    "Denominator": rows["denominator"].to_numpy(),
    f"{subject_name} value": rows["value"].to_numpy(),
})
points = result.reindex(pd.DatetimeIndex(rows["period_start"]))
table["Mean"] = points["mean"].to_numpy()
table["Lower process limit"] = points["lpl"].to_numpy()
table["Upper process limit"] = points["upl"].to_numpy()
table["Point"] = points["point_type"].fillna("").str.replace("_", " ").to_numpy()
table["Rule"] = [spc.RULE_LABELS.get(r, "") if isinstance(r, str) else "" for r in points["rule"]]
if comparator_series is not None:
    table[f"{comparator_name} value"] = comparator_series.reindex(pd.DatetimeIndex(rows["period_start"])).to_numpy()
table["Note"] = rows["value_note"].fillna("").to_numpy()
st.subheader("The data behind the chart")
st.dataframe(table, hide_index=True, width="stretch")
st.download_button("Download the data (CSV)", safe_csv(table), file_name=f"{indicator_id}_{subject}.csv",
                   mime="text/csv")

if not rebases.empty:
    st.caption("Rebase dates: " + "; ".join(f"{pd.Timestamp(r.rebase_date):%b %Y} ({r.reason}, set by {r.set_by})"
                                            for r in rebases.itertuples()))
analyst = auth.signed_in()
if not presenting and analyst is not None and analyst.can("analyst"):
    with st.expander("Set a rebase date"):
        st.caption("A rebase starts new limits from a period, after a real change in the process. It is stored "
                   f"and audited as set by {analyst.name}; every viewer sees it.")
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
