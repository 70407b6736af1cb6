"""York health and care performance dashboard: `streamlit run dashboard.py`.

Builds the embedded DuckDB store from the bundled data on first start, then serves the pages.
"""

import streamlit as st

st.set_page_config(
    page_title="York PBIP performance dashboard", page_icon="📈", layout="wide",
    # On the projector the page gets the whole width; the sidebar stays one click away.
    initial_sidebar_state="collapsed" if st.query_params.get("presentation") == "1" else "auto",
    menu_items={"About": "York Place Based Improvement Partnership (PBIP) performance dashboard: York against "
                         "England on the CQC local system review indicators. See the About page for sources "
                         "and the last refresh.",
                "Get help": None, "Report a bug": None},
)

navigation = st.navigation([
    st.Page("pages/overview.py", title="Overview", icon=":material/table_chart:", default=True),
    st.Page("pages/board.py", title="Board view", icon=":material/co_present:", url_path="board"),
    st.Page("pages/indicator.py", title="Indicator", icon=":material/monitoring:", url_path="indicator"),
    st.Page("pages/plan.py", title="Improvement plan", icon=":material/checklist:", url_path="plan"),
    st.Page("pages/recommendation.py", title="A recommendation", icon=":material/flag:", url_path="recommendation"),
    st.Page("pages/upload.py", title="Upload data", icon=":material/upload_file:", url_path="upload"),
    st.Page("pages/about.py", title="About this dashboard", icon=":material/info:", url_path="about"),
])
navigation.run()
