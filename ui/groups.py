"""The Upload page's preview of a comparator groups file: which groups it adds or changes, in words."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from store import groups as store_groups


def file_preview(con, extract) -> None:
    """What confirming a groups file would add, change and leave, one row per group."""
    found = store_groups.preview(con, extract.groups)
    tally = found["status"].value_counts()
    st.markdown(f"**This load adds {int(tally.get('added', 0)):,} comparator groups, changes "
                f"{int(tally.get('changed', 0)):,} and leaves {int(tally.get('unchanged', 0)):,} as they are.** "
                "A changed group's values change on the Among its peers and Indicator pages and in packs "
                "comparing with it.")
    st.dataframe(pd.DataFrame({
        "Group": found["group_name"], "Code": found["group_code"], "Members": found["members"],
        "Members now": found["stored_members"].astype("Int64"), "Joining": found["joining"],
        "Leaving": found["leaving"], "Status": found["status"],
    }), hide_index=True, width="stretch")
