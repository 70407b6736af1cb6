"""The funnel on the peers page: every English council's funnel, kept per store version; the limits switch
(kept in the URL) and the table of councils outside the limits with its formula-safe download. The words (φ,
τ², the method) come from analysis.funnel."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from analysis.funnel import Funnel, FunnelView, funnel
from store import groups as store_groups
from store import indicators as store_indicators
from ui import context
from ui.download import safe_csv

LIMIT_CHOICES = ("adjusted", "unadjusted")
_LIMIT_WORDS = {"adjusted": "Adjusted for variation between councils", "unadjusted": "Chance alone (unadjusted)"}


def england_funnel(indicator_id: str, period_start: pd.Timestamp) -> Funnel | None:
    """Every English council's funnel for the indicator and period (None: too few with a denominator), kept
    until the store changes: fitting it costs more than the rest of the page."""
    return context.kept(_england_funnel, indicator_id, period_start)


def _england_funnel(con: duckdb.DuckDBPyConnection, indicator_id: str, period_start: pd.Timestamp) -> Funnel | None:
    return funnel(store_groups.england_councils(con, indicator_id, period_start),
                  store_indicators.indicator(con, indicator_id))


def funnel_limits_choice(plot: Funnel) -> bool:
    """The viewer's choice of limits (True: adjusted), from the URL's ``limits`` or, by default, adjusted where
    φ > 1; the choice is written back to the URL."""
    asked = st.query_params.get("limits")
    default = "adjusted" if plot.fit.adjusted else "unadjusted"
    choice = st.sidebar.radio(
        "Funnel limits", LIMIT_CHOICES, index=LIMIT_CHOICES.index(asked if asked in LIMIT_CHOICES else default),
        format_func=_LIMIT_WORDS.get, key="peers_limits", disabled=not plot.fit.adjusted,
        help=None if plot.fit.adjusted else "Councils vary no more than chance would make them here, so both are "
                                            "the same.")
    st.query_params["limits"] = choice
    return choice == "adjusted"


def outliers_table(container, view: FunnelView, *, unit: str, kind: str, denominator: str, file_stem: str) -> None:
    """The councils outside the 95 % limits as a sortable table (click a heading) and a formula-safe CSV."""
    outliers = view.outliers
    which = "adjusted " if view.adjusted else ""
    container.markdown(f"**Outside the 95% {which}limits: {len(outliers)} councils**")
    if outliers.empty:
        container.markdown("No council lies outside the 95% limits.")
        return
    count_word = "Population" if kind in ("rate", "published") else "Denominator"
    shown = outliers.rename(columns={"area_name": "Area", "value": "Value", "denominator": count_word,
                                     "limit": "Limit", "direction": "Direction"})
    shown = shown[["Area", "Value", count_word, "Limit", "Direction"]]
    container.caption(f"Value: {unit}. {count_word}: {denominator}. Click a heading to sort.")
    container.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)),
                        column_config={"Value": st.column_config.NumberColumn(format="%.1f", width="small"),
                                       count_word: st.column_config.NumberColumn(format="localized", width="small"),
                                       "Limit": st.column_config.TextColumn(width="small"),
                                       "Direction": st.column_config.TextColumn(width="small")})
    container.download_button("Councils outside the limits (.csv)", safe_csv(shown), file_name=f"{file_stem}.csv",
                              mime="text/csv", on_click="ignore", key="peers_outliers_csv")


__all__ = ["LIMIT_CHOICES", "funnel_limits_choice", "outliers_table"]
