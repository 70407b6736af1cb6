"""Among its peers: every council at once (a funnel plot), and the area, its group, the region and England
indicator by indicator (a matrix of assessments)."""

import pandas as pd
import streamlit as st

from analysis.funnel import METHOD, funnel
from analysis.matrix import matrix_areas, matrix_cells
from analysis.periods import format_value, period_label
from charts.funnel import funnel_figure
from charts.matrix import matrix_html
from charts.text import plain
from store import groups as store_groups
from store import indicators as store_indicators
from ui import context, presentation
from ui.assessments import assessment, assessments_many

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area_code = settings.area_code
area = context.area_name(con, area_code)
st.title(f"{plain(area)} among its peers")
context.stop_when_empty(con)

# The group: the area's similar councils where a published list holds it, else its region.
own_groups = store_groups.groups_of(con, area_code)
all_groups = store_groups.groups(con)
group_codes = list(dict.fromkeys(own_groups["group_code"].tolist()[::-1] + all_groups["group_code"].tolist()))
group_names = dict(zip(all_groups["group_code"], all_groups["group_name"], strict=True))
region = next((code for code in own_groups["group_code"] if code.startswith("group:E12")), None)
if not group_codes:
    st.info("No comparator groups are loaded: `python -m loaders build` loads the regions and the published "
            "similar-council lists.")
    st.stop()
asked_group = st.query_params.get("group")
group = st.sidebar.selectbox("Group", group_codes, index=group_codes.index(asked_group) if asked_group in group_codes
                             else 0, format_func=lambda c: group_names.get(c, c), key="peers_group")
st.query_params["group"] = group
members = store_groups.members(con, group)

indicator_ids = store_indicators.indicator_choices(con)
names = dict(zip(indicator_ids["indicator_id"], indicator_ids["short_name"], strict=True))
funnel_ids = store_groups.funnel_indicators(con)
st.subheader("Every council at once")
if funnel_ids:
    asked = st.query_params.get("indicator")
    indicator_id = st.sidebar.selectbox("Funnel indicator", funnel_ids,
                                        index=funnel_ids.index(asked) if asked in funnel_ids else 0,
                                        format_func=lambda i: names[i], key="peers_indicator")
    st.query_params["indicator"] = indicator_id
    definition = store_indicators.indicator(con, indicator_id)
    periods = store_groups.council_periods(con, indicator_id)
    starts = [pd.Timestamp(p) for p in periods["period_start"]]
    ends = dict(zip(starts, periods["period_end"], strict=True))
    asked_period = pd.to_datetime(st.query_params.get("period"), errors="coerce", format="%Y-%m-%d")
    chosen = asked_period if not pd.isna(asked_period) and asked_period in starts else starts[0]
    period_start = st.sidebar.selectbox("Funnel period", starts, index=starts.index(chosen),
                                        format_func=lambda p: period_label(p, ends[p]), key="peers_period")
    st.query_params["period"] = f"{period_start:%Y-%m-%d}"
    councils = store_groups.england_councils(con, indicator_id, period_start)
    england = store_groups.value_for(con, indicator_id, settings.benchmark_code, period_start)
    plot = funnel(councils, definition, period_start=period_start, period_end=ends[period_start],
                  england_value=england)
    if plot is None:
        st.info(f"{plain(names[indicator_id])} has no denominators, so no funnel can be drawn.")
    else:
        denominator = "Population " + str(definition["age_band"]) if definition["value_kind"] == "published" \
            else str(definition["denominator_meaning"] or "Denominator")
        st.plotly_chart(funnel_figure(plot, area_code=area_code, area_name=area, group_codes=set(members["area_code"]),
                                      group_name=group_names.get(group), unit=str(definition["unit"]),
                                      value_kind=str(definition["value_kind"]), denominator_label=denominator,
                                      presentation=presenting),
                        width="stretch", theme=None, config={"displaylogo": False})
        mine = plot.points[plot.points["area_code"] == area_code]
        where = (f"{plain(area)} is {mine['position'].iloc[0]} "
                 f"({format_value(mine['value'].iloc[0], str(definition['value_kind']))}). ") if not mine.empty else ""
        st.markdown(f"{period_label(period_start, ends[period_start])}: {len(plot.points)} English councils. {where}"
                    f"{plot.outside_998} councils lie outside the 99.8% limits around {plot.target_source} "
                    f"({format_value(plot.target, str(definition['value_kind']))}).")
        if not presenting:
            st.caption(f"{METHOD}. {plot.note}")
    a = assessment(indicator_id, area_code, settings.benchmark_code)
    if a.rank_england is not None:
        st.markdown(f"**Rank among English councils, latest period:** {plain(a.rank_england.text)}.")

st.subheader(f"{plain(area)}, {plain(group_names.get(group, group))}, the region and England")
areas = matrix_areas(area_code, members["area_code"].tolist(), region, settings.benchmark_code)
comparator_for = {code: (settings.benchmark_code if code != settings.benchmark_code else None) for code in areas}
assessed = assessments_many(indicator_ids["indicator_id"].tolist(), areas, comparator_for)
member_names = dict(zip(members["area_code"], members["area_name"], strict=True))
area_names = {code: member_names.get(code) or group_names.get(code) or context.area_name(con, code) for code in areas}
st.html(matrix_html(matrix_cells(assessed), areas=[(code, area_names[code]) for code in areas],
                    indicators=list(names.items()), highlight=area_code))
if not presenting:
    benchmark = context.area_name(con, settings.benchmark_code)
    st.caption(f"Each cell: the latest value, the comparison with {plain(benchmark)} at 95%, and the Making Data "
               "Count variation (and, with a target, assurance) icons; a region's value is its councils' "
               "counts added up. "
               "Each value links to that indicator's page for that area.")
