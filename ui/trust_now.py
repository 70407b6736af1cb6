"""The "now" section the overview and the board view share: the council's acute trust after 2020."""

from __future__ import annotations

import streamlit as st

from analysis.trust_now import AE_GAP, INDICATORS, MONTHLY_METHOD, READY_NOT_REMAINING, funnel_note, trust_now
from charts.funnel import funnel_figure
from charts.text import plain
from charts.trust_now import now_table_html
from store import trusts as store_trusts
from ui import context
from ui.assessments import default_assessments
from ui.charts import chart, kept_figure
from ui.html_block import html_block


def _made(area_code: str, benchmark_code: str):
    """The section and what its funnel needs (None and None without a linked trust)."""
    con = context.connection()
    inputs = store_trusts.now_inputs(con, area_code, INDICATORS)
    if inputs is None:
        return None, None
    # Read and charted in one batch (analysis.assess.assess_many), as the board view's and overview's own.
    wanted = [i for i in INDICATORS if i in inputs["definitions"]]
    assessments = dict(zip(wanted, default_assessments(wanted, area_code, benchmark_code), strict=True))
    now = trust_now(assessments, england_code=benchmark_code, **inputs)
    extra = {"definitions": inputs["definitions"],
             "region_codes": {i: {code for code, region in zip(frame["area_code"], frame["region"], strict=True)
                                  if now.region is not None and region == now.region}
                              for i, frame in inputs["every_trust"].items()}}
    return now, extra


def now_section(area_code: str, benchmark_code: str, *, presenting: bool = False, with_funnel: bool = True,
                place=None) -> None:
    """Draw the section, or nothing when the council has no linked acute trust with these measures. With a
    `place` (the row of buttons under the board's title) on the projector, it opens from a button there, so
    the board still fits one screen."""
    # Kept per store version as the assessments are, and as they are (the section only reads them): copying the
    # funnels of every English trust on every visit to the overview cost a fifth of its run.
    now, inputs = context.shared(("trust_now", area_code, benchmark_code), lambda: _made(area_code, benchmark_code))
    if now is None or not now.rows:
        return
    if presenting and place is not None:
        # Its whole label always: wrapped onto a second line rather than cut with an ellipsis.
        with place.popover("Now: the trust", help=plain(f"{now.trust_name}, latest month"), wrap=True):
            _now(now, inputs, area_code, presenting=presenting, with_funnel=with_funnel)
        return
    _now(now, inputs, area_code, presenting=presenting, with_funnel=with_funnel)


def _now(now, inputs, area_code: str, *, presenting: bool, with_funnel: bool) -> None:
    st.subheader(f"Now: {plain(now.trust_name)}, latest month")
    st.markdown(plain(now.geography))
    if not (with_funnel and now.funnels):
        _table(now, presenting=presenting)
        return
    # The funnel behind its own tab, drawn only when opened: a page's first plotly chart costs the browser more
    # than the rest of the overview, and the table is what a board member reads here.
    table_tab, funnel_tab = st.tabs(["The latest month", "Every English trust: funnel"], key="now_tab",
                                    on_change="rerun")
    with table_tab:
        if table_tab.open:
            _table(now, presenting=presenting)
    with funnel_tab:
        if funnel_tab.open:
            _funnel(now, inputs, area_code, presenting=presenting)


def _table(now, *, presenting: bool) -> None:
    html_block(now_table_html(now))
    if not presenting:
        st.caption(plain(f"{MONTHLY_METHOD} {READY_NOT_REMAINING} {AE_GAP} Region: the trusts of NHS England's "
                         f"{now.region or 'region'} region, ranked best first. Funnel: every English trust's "
                         "value in the latest month against all trusts' pooled value, at 95% and 99.8%, adjusted for "
                         "the usual variation between trusts."))


def _funnel(now, inputs, area_code: str, *, presenting: bool) -> None:
    names = {row.indicator_id: row.name for row in now.rows}
    chosen = next(iter(now.funnels))
    if len(now.funnels) > 1 and not presenting:
        chosen = st.selectbox("Funnel of every trust", list(now.funnels), format_func=lambda i: names[i],
                              key="now_funnel")
    plot = now.funnels[chosen]
    definition = inputs["definitions"][chosen]
    region_codes = inputs["region_codes"][chosen]
    # Kept per store version (the funnel is the store's): drawing it and expanding it cost more than the table.
    kept = ("trust_now", area_code, chosen, presenting)
    figure = kept_figure(kept, funnel_figure, plot,
                         area_code=now.trust_code, area_name=now.trust_name, group_codes=region_codes,
                         group_name=f"{now.region} trusts" if now.region else None,
                         unit=str(definition["unit"]), value_kind=str(definition["value_kind"]),
                         denominator_label=str(definition["denominator_meaning"] or "denominator"),
                         presentation=presenting, units="trusts")
    chart(figure, kept=kept, words=f"Funnel plot of {names[chosen]}, every English trust",
          key=f"now_funnel_chart_{chosen}")
    period = next(row.period for row in now.rows if row.indicator_id == chosen)
    st.caption(plain(f"{names[chosen]}, {period}: {funnel_note(definition, plot)}"))
