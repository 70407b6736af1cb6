"""Presentation mode: large type for the projector, remembered in the URL as ?presentation=1."""

from __future__ import annotations

import streamlit as st

QUERY_KEY = "presentation"
_STATE_KEY = "pbip_presentation"

# Body text at least 20 px and titles at least 28 px (the projector rule); dark text on white
# is 16:1, far above WCAG 2.2 AA's 4.5:1.
PRESENTATION_CSS = """
<style>
[data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p,
[data-testid="stAlertContainer"] p, [data-testid="stTable"] td, [data-testid="stTable"] th,
[data-testid="stSidebarNav"] span, [data-testid="stExpander"] summary p,
[data-testid="stHtml"] { font-size: 22px !important; }
/* The projector shows the page, not the editing and sign-in controls (they stay in the sidebar's place). */
[data-testid="stSidebar"] [data-testid="stForm"] { display: none; }
[data-baseweb="select"] div, [data-testid="stSliderTickBar"], [data-testid="stPageLink"] p,
[data-testid="stSliderThumbValue"] { font-size: 20px !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
    font-size: 40px !important; }
h1 { font-size: 36px !important; padding: 0 !important; }
/* Less empty space above the title: the projector's height is the scarce thing. */
/* Top padding clears the sidebar's open control, which sits at the title's left edge. */
[data-testid="stMainBlockContainer"] { padding: 2.75rem 2rem 1rem 2rem !important; }
/* A word longer than its column (the plan's "Demonstration data") is broken, never cut off. */
[data-testid="stTable"] td, [data-testid="stTable"] th { hyphens: auto; overflow-wrap: anywhere; }
[data-testid="stAlertContainer"] { padding: 0.35rem 0.9rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem !important; }
/* The header only holds the menu: let the page show through it rather than hide the top line. */
[data-testid="stHeader"] { background: transparent !important; pointer-events: none; }
[data-testid="stHeader"] * { pointer-events: auto; }
/* The board view fits one 1280 x 720 screen: the browser sizes the columns to their content, rows and
   icons are tighter, the text itself no smaller. */
.pbip-indicators { line-height: 1.15 !important; table-layout: auto !important; }
/* Headings wrap only between words, and only a council's long name needs to. */
.pbip-indicators th { width: auto !important; }
.pbip-indicators .trend img { width: 4em !important; }
@media (min-width: 1200px) {
  .pbip-indicators td strong, .pbip-indicators td.compared { white-space: nowrap; }
  .pbip-indicators .trend img { width: 4.5em !important; }
}
.pbip-indicators th, .pbip-indicators td { padding: 0.12em 0.25em !important; }
.pbip-indicators .icon img { width: 1.8em !important; height: 1.8em !important; }
.pbip-indicators .trend img { height: 1.5em !important; }
/* The board's plan cell keeps its roll-up swatch; the breakdown is for a screen (and the hover). */
.pbip-board .detail { display: none !important; }
h2 { font-size: 32px !important; }
h3 { font-size: 28px !important; padding: 0.25rem 0 !important; }
</style>
"""


# Printing a page (the browser's print, A4 landscape): the content without the sidebar, the toolbar or
# the header, and tables allowed to break across pages rather than be cut at the paper's edge.
PRINT_CSS = """
<style>
@page { size: A4 landscape; margin: 12mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] { overflow: visible !important;
    max-width: 100% !important; padding: 0 !important; margin: 0 !important; }
  table { page-break-inside: auto; width: 100% !important; }
  tr { page-break-inside: avoid; }
  /* A table that scrolls in its box on screen (the councils outside a funnel's limits) prints whole. */
  .pbip-scroll { max-height: none !important; overflow: visible !important; }
}
</style>
"""


# WCAG 2.2 AA, success criterion 2.5.8 (target size, minimum): every control at least 24 x 24 CSS px. The
# day, month and year parts of a date input are separate controls, smaller than that by default.
ACCESSIBLE_CSS = """
<style>
[data-testid="stDateInput"] [role="spinbutton"] { display: inline-block; min-width: 24px; min-height: 24px;
    line-height: 24px; text-align: center; }
</style>
"""


def _changed() -> None:
    on = bool(st.session_state["presentation_toggle"])
    st.session_state[_STATE_KEY] = on
    if not on:
        st.query_params.pop(QUERY_KEY, None)


def presentation_mode() -> bool:
    """Draw the sidebar toggle; True when presentation mode is on (also kept in the URL)."""
    if st.query_params.get(QUERY_KEY) == "1":
        st.session_state[_STATE_KEY] = True
    on = bool(st.session_state.get(_STATE_KEY, False))
    # The toggle follows the remembered setting (the URL or another page), not its own stale state.
    st.session_state["presentation_toggle"] = on
    st.sidebar.toggle("Presentation mode", key="presentation_toggle", on_change=_changed,
                      help="Large type for a projector or a shared screen; the link keeps this setting.")
    if on:
        st.query_params[QUERY_KEY] = "1"
        st.html(PRESENTATION_CSS)
    # st.html, not Markdown: style alone goes to Streamlit's hidden event container, parsed by no Markdown reader.
    st.html(PRINT_CSS + ACCESSIBLE_CSS)
    return on
