"""Among its peers: every council at once (a funnel plot), and the area, its group, the region and England
indicator by indicator (a matrix of assessments)."""

import pandas as pd
import streamlit as st

from analysis.assess import MIN_SIGNIFICANCE_COVERAGE
from analysis.funnel import METHOD, dispersion_sentence
from analysis.matrix import matrix_areas, matrix_cells
from analysis.periods import format_value, period_label
from charts.funnel import funnel_figure
from charts.matrix import matrix_html
from charts.text import plain
from store import groups as store_groups
from store import indicators as store_indicators
from store.groups import MIN_VALUE_COVERAGE
from ui import context, presentation
from ui.assessments import assessment, assessments_many
from ui.charts import chart, kept_figure
from ui.funnel import england_funnel, funnel_limits_choice, outliers_table
from ui.html_block import html_block

presenting = presentation.presentation_mode()
settings = context.settings()
con = context.connection()
area_code = settings.area_code
area = context.area_name(area_code)
st.title(f"{plain(area)} among its peers")
context.stop_when_empty()

# The group: the area's similar councils where a published list holds it, else its region.
own_groups = context.kept(store_groups.groups_of, area_code)
all_groups = context.kept(store_groups.groups)
group_codes = list(dict.fromkeys(own_groups["group_code"].tolist()[::-1] + all_groups["group_code"].tolist()))
group_names = dict(zip(all_groups["group_code"], all_groups["group_name"], strict=True))
region = next((code for code in own_groups["group_code"] if code.startswith("group:E12")), None)
if not group_codes:
    st.info("No comparator groups are loaded. The regions and the published lists of similar councils are part "
            "of the bundled data: whoever runs the dashboard can rebuild the database from it.")
    st.stop()
asked_group = st.query_params.get("group")
group = st.sidebar.selectbox("Group", group_codes, index=group_codes.index(asked_group) if asked_group in group_codes
                             else 0, format_func=lambda c: group_names.get(c, c), key="peers_group",
                             help=f"The councils {plain(area)} is compared with in the matrix below and marked on "
                                  "the funnel: its region, or a published list of councils similar to it. A "
                                  "group's own value is its reporting members' counts added up, shown only where "
                                  "they hold enough of its population.")
st.query_params["group"] = group
members = context.kept(store_groups.members, group)
belongs = "is one of them" if area_code in set(members["area_code"]) else "is shown beside them"
st.sidebar.caption(f"{plain(group_names.get(group, group))}: {len(members)} councils; {plain(area)} {belongs}. "
                   "The group's members are marked in the funnel and are the matrix's rows.")

indicator_ids = context.kept(store_indicators.indicator_choices)
names = dict(zip(indicator_ids["indicator_id"], indicator_ids["short_name"], strict=True))
funnel_ids = context.kept(store_groups.funnel_indicators)
st.subheader("Every council at once")
if funnel_ids:
    asked = st.query_params.get("indicator")
    indicator_id = st.sidebar.selectbox("Funnel indicator", funnel_ids,
                                        index=funnel_ids.index(asked) if asked in funnel_ids else 0,
                                        format_func=lambda i: names[i], key="peers_indicator")
    st.query_params["indicator"] = indicator_id
    definition = context.kept(store_indicators.indicator, indicator_id)
    kind = str(definition["value_kind"])
    periods = context.kept(store_groups.council_periods, indicator_id)
    starts = [pd.Timestamp(p) for p in periods["period_start"]]
    ends = dict(zip(starts, periods["period_end"], strict=True))
    asked_period = pd.to_datetime(st.query_params.get("period"), errors="coerce", format="%Y-%m-%d")
    chosen = asked_period if not pd.isna(asked_period) and asked_period in starts else starts[0]
    # Each period's words made once per store version: the list names every period of every council's series.
    labels = context.keep(("peers_period_labels", indicator_id), lambda: {p: period_label(p, ends[p]) for p in starts})
    period_start = st.sidebar.selectbox("Funnel period", starts, index=starts.index(chosen), format_func=labels.get,
                                        key="peers_period")
    st.query_params["period"] = f"{period_start:%Y-%m-%d}"
    plot = england_funnel(indicator_id, period_start)
    if plot is None:
        st.info(f"{plain(names[indicator_id])} has too few councils with a denominator for a funnel.")
    else:
        adjusted = funnel_limits_choice(plot)
        view = plot.view(adjusted)
        denominator = "Population " + str(definition["age_band"]) if kind == "published" \
            else str(definition["denominator_meaning"] or "Denominator")
        plot_place, table = st.columns([3, 2]) if not presenting else (st.container(), st.container())
        kept = ("peers_funnel", indicator_id, f"{period_start:%Y-%m-%d}", area_code, group, adjusted, presenting)
        figure = kept_figure(kept, funnel_figure, plot, area_code=area_code, area_name=area,
                             group_codes=set(members["area_code"]), group_name=group_names.get(group),
                             unit=str(definition["unit"]), value_kind=kind, denominator_label=denominator,
                             adjusted=adjusted, presentation=presenting)
        chart(figure, plot_place, kept=kept, words=f"Funnel plot of {names[indicator_id]}, every English council",
              width="stretch", theme=None, config={"displaylogo": False})
        mine = view.points[view.points["area_code"] == area_code]
        where = (f"{plain(area)} is {mine['position'].iloc[0]} "
                 f"({format_value(mine['value'].iloc[0], kind)}). ") if not mine.empty else ""
        which = "adjusted " if adjusted and plot.fit.adjusted else ""
        plot_place.markdown(f"{period_label(period_start, ends[period_start])}: {len(view.points)} English councils. "
                       f"{where}{view.outside_998} councils lie outside the 99.8% {which}limits around all English "
                       f"councils together ({format_value(plot.target, kind)}).")
        plot_place.markdown(dispersion_sentence(plot, adjusted))
        outliers_table(table, view, unit=str(definition["unit"]), kind=kind, denominator=denominator,
                       file_stem=f"{indicator_id}_{period_start:%Y-%m-%d}_outliers")
        if not presenting:
            plot_place.caption(f"{METHOD} {plot.note}")
    a = assessment(indicator_id, area_code, settings.benchmark_code)
    if a.rank_england is not None:
        st.markdown(f"**Rank among English councils, latest period:** {plain(a.rank_england.text)}.")

st.subheader(f"{plain(area)}, {plain(group_names.get(group, group))}, the region and England")


def matrix() -> str:
    """The matrix of the group's assessments in HTML, kept per store version and group: assessing a group's every
    indicator and writing its cells cost most of the page's run."""
    areas = matrix_areas(area_code, members["area_code"].tolist(), region, settings.benchmark_code)
    comparator_for = {code: (settings.benchmark_code if code != settings.benchmark_code else None) for code in areas}
    assessed = assessments_many(indicator_ids["indicator_id"].tolist(), areas, comparator_for)
    member_names = dict(zip(members["area_code"], members["area_name"], strict=True))
    area_names = {code: member_names.get(code) or group_names.get(code) or context.area_name(code) for code in areas}
    return matrix_html(matrix_cells(assessed), areas=[(code, area_names[code]) for code in areas],
                       indicators=list(names.items()), highlight=area_code)


html_block(context.keep(("peers_matrix", area_code, group, settings.benchmark_code), matrix))
if not presenting:
    benchmark = context.area_name(settings.benchmark_code)
    st.caption(f"Each cell: the latest value, the comparison with {plain(benchmark)} at 95%, and the Making Data "
               "Count variation (and, with a target, assurance) icons. A region's value is its reporting councils' "
               "counts added up, with how many reported and what share of its population they hold beside it; "
               f"below {MIN_VALUE_COVERAGE:.0%} of the population it has no value, and below "
               f"{MIN_SIGNIFICANCE_COVERAGE:.0%} no significance call is made. Demonstration figures never "
               "count towards a region. "
               "Each value links to that indicator's page for that area.")
