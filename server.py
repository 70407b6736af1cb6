"""Serve the dashboard with its session routes: `streamlit run server.py` (what scripts/start runs).

`dashboard.py` is the app; this wrapper adds the two HTTP routes of `ui/session.py` that set and clear
the HTTP-only session cookie, which a Streamlit script cannot do over its WebSocket. Run
`streamlit run dashboard.py` and everything works the same, except that a reload signs you out.
"""

import streamlit as st

from ui.session import routes
from ui.upload_limit import apply_to_server

# The server refuses an upload above the setting before reading it (ui/upload_limit.py).
apply_to_server()
app = st.App("dashboard.py", routes=routes())
