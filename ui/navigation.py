"""The dashboard's pages, in the order the sidebar lists them: one list for dashboard.py's navigation and for the
addresses server.py serves each page's HTML at (ui/page_addresses.py), so a page added here has both."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st


class DashboardPage(NamedTuple):
    script: str
    title: str
    icon: str
    url_path: str  # its address under the dashboard's; "" for the overview, the page at the dashboard's own


PAGES = (
    DashboardPage("pages/overview.py", "Overview", ":material/table_chart:", ""),
    DashboardPage("pages/board.py", "Board view", ":material/co_present:", "board"),
    DashboardPage("pages/indicator.py", "Indicator", ":material/monitoring:", "indicator"),
    DashboardPage("pages/peers.py", "Among its peers", ":material/groups:", "peers"),
    DashboardPage("pages/plan.py", "Improvement plan", ":material/checklist:", "plan"),
    DashboardPage("pages/recommendation.py", "A recommendation", ":material/flag:", "recommendation"),
    DashboardPage("pages/upload.py", "Upload data", ":material/upload_file:", "upload"),
    DashboardPage("pages/about.py", "About this dashboard", ":material/info:", "about"),
)


def url_paths() -> list[str]:
    """Every page's address under the dashboard's ("" for the overview)."""
    return [page.url_path for page in PAGES]


def navigation_pages() -> list[st.Page]:
    """The pages for `st.navigation`: the overview is the default, at the dashboard's own address."""
    return [st.Page(page.script, title=page.title, icon=page.icon, url_path=page.url_path or None,
                    default=not page.url_path) for page in PAGES]
