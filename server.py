"""Serve the dashboard with its session routes: `streamlit run server.py` (what scripts/start runs).

`dashboard.py` is the app; this wrapper adds the two HTTP routes of `ui/session.py` that set and clear
the HTTP-only session cookie, which a Streamlit script cannot do over its WebSocket, and serves each page's
address with the server's own written in (ui/page_addresses.py), which saves every page but the overview a
tenth of a second on each visit. Run `streamlit run dashboard.py` and everything works the same, except that
a reload signs you out and pages other than the overview open that bit slower.
"""

import streamlit as st

from ui import page_addresses
from ui.navigation import url_paths
from ui.session import routes
from ui.upload_limit import apply_to_server

# The server refuses an upload above the setting before reading it (ui/upload_limit.py).
apply_to_server()
app = st.App("dashboard.py", routes=[*routes(), *page_addresses.routes(url_paths())])
