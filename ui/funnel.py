"""The funnel on the peers page: every English council's funnel, kept per store version; the limits switch
(kept in the URL) and the table of councils outside the limits with its formula-safe download. The words (φ,
τ², the method) come from analysis.funnel."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from analysis.funnel import Funnel, FunnelView, funnel
from charts.html_table import table_html
from store import groups as store_groups
from store import indicators as store_indicators
from ui import context
from ui.download import safe_csv
from ui.html_block import html_block

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
    """The councils outside the 95 % limits, the furthest out first, as a table and a formula-safe CSV.

    Both are kept per store version under `file_stem` (the indicator and period) and the limits: building the
    table and its CSV cost more than the rest of the peers page's run."""
    which = "adjusted " if view.adjusted else ""
    count, table, csv = context.keep(("peers_outliers", file_stem, view.adjusted),
                                     lambda: _outliers(view, unit=unit, kind=kind, denominator=denominator))
    container.markdown(f"**Outside the 95% {which}limits: {count} councils**")
    if table is None:
        container.markdown("No council lies outside the 95% limits.")
        return
    caption, html = table
    container.caption(caption)
    html_block(html, container)
    container.download_button("Councils outside the limits (.csv)", csv, file_name=f"{file_stem}.csv",
                              mime="text/csv", on_click="ignore", key="peers_outliers_csv")


def _outliers(view: FunnelView, *, unit: str, kind: str, denominator: str
              ) -> tuple[int, tuple[str, str] | None, bytes | None]:
    """How many councils lie outside, the table's caption and HTML, and its CSV (None and None when none do)."""
    outliers = view.outliers
    if outliers.empty:
        return 0, None, None
    count_word = "Population" if kind in ("rate", "published") else "Denominator"
    shown = outliers.rename(columns={"area_name": "Area", "value": "Value", "denominator": count_word,
                                     "limit": "Limit", "direction": "Direction"})
    shown = shown[["Area", "Value", count_word, "Limit", "Direction"]]
    caption = (f"Value: {unit}. {count_word}: {denominator}. Outside the 99.8% limits first, then the 95%; above "
               "before below; the highest value first.")
    # HTML, not a grid: a few dozen rows need no grid's code loaded first, and the projector's CSS enlarges it.
    html = table_html(shown, numbers={"Value": lambda v: f"{v:.1f}", count_word: lambda n: f"{n:,.0f}"},
                      scroll=("420px", "Councils outside the 95% limits"))
    return len(outliers), (caption, html), safe_csv(shown)


__all__ = ["LIMIT_CHOICES", "funnel_limits_choice", "outliers_table"]
