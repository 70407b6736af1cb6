"""ui/html_block.py: our HTML reaches the page as it was made, not dedented line by line as st.html does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from ui.html_block import html_block

    html_block("  <pre>\n    kept as made\n  </pre>\n")
    st.html("  <pre>\n    dedented by st.html\n  </pre>\n")


def test_the_block_is_sent_as_made_where_st_html_dedents():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    ours, streamlits = (element.proto.body for element in at.get("html"))
    assert ours == "<pre>\n    kept as made\n  </pre>"  # only the ends stripped, as st.html strips them
    assert streamlits == "<pre>\n  dedented by st.html\n</pre>"  # what it would have done to ours
