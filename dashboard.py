"""York health and care performance dashboard: `streamlit run dashboard.py`.

Makes sure the embedded DuckDB store exists (built from the bundled data on first start, or rebuilt
from its archive when the file was lost), checks the audit trail's chain, tells the console how to make
the first analyst account while there is none, then serves the pages.
"""

import sys

import duckdb
import streamlit as st

from ui import context
from ui.charts import interactive_toggle
from ui.navigation import navigation_pages
from ui.start import start, start_notice

st.set_page_config(
    page_title="York PBIP performance dashboard", page_icon="📈", layout="wide",
    # On the projector the page gets the whole width; the sidebar stays one click away.
    initial_sidebar_state="collapsed" if st.query_params.get("presentation") == "1" else "auto",
    menu_items={"About": "York Place Based Improvement Partnership (PBIP) performance dashboard: York against "
                         "England on the CQC local system review indicators. See the About page for sources "
                         "and the last refresh.",
                "Get help": None, "Report a bug": None},
)


def _in_words(started: str) -> str:
    """What the start did, for the people using the dashboard: no file or folder names."""
    if "archive" in started:
        return ("The dashboard's database was missing, so it was rebuilt from the files loaded before. Changes to "
                "the improvement plan made since it was first built are not kept there and must be made again.")
    return ("This is the dashboard's first start: its database was built from the bundled published data and "
            "the demonstration series.")


try:
    started, broken = start(context.settings().store)
except duckdb.IOException as error:
    # A file of something else where the store should be: not ours to move or build over (an empty database is
    # built over: loaders/build.py), so every page says so in words, and the console says which file.
    if "not a valid DuckDB database" not in str(error):
        raise
    print(f"The store cannot be opened: {error}", file=sys.stderr, flush=True)
    st.error("The dashboard's database cannot be opened: the file it is set to use is not a database, so no page "
             "can be shown. Whoever runs the dashboard can see which file on its console; move that file away "
             "(a new database is then built) or point the dashboard at its database.", icon=":material/error:")
    st.stop()
notice = start_notice(context.settings().store)
# Never on the projector: a board does not need to hear how the database was made.
if started and not notice["told"] and st.query_params.get("presentation") != "1":
    notice["told"] = True
    st.info(_in_words(started))
if broken:
    st.error(f"The audit trail has been tampered with. {broken.sentence} See the About page.",
             icon=":material/gpp_bad:")

navigation = st.navigation(navigation_pages())
# Every page's sidebar, so the choice holds from page to page for the session.
interactive_toggle()
navigation.run()
