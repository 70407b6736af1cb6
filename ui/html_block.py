"""Our own HTML (tables, charts' pictures, the peers matrix) into the page, as it was made.

`st.html` dedents every string it is given (`textwrap.dedent`, regular expressions over every line): 5 ms of
the indicator page's run for its chart's picture, 8 ms of the peers page's. Our HTML has no indentation to take
off, so it is handed over through `_repr_html_`, which Streamlit takes as it is.
"""

from __future__ import annotations

import streamlit as st


class _Made:
    """HTML Streamlit takes as it is (`st.html` reads `_repr_html_` before it cleans a string)."""

    __slots__ = ("body",)

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body


def html_block(body: str, where=None):
    """Show `body` (HTML this project made, never a user's string unescaped) in `where`, the page when None."""
    return (where or st).html(_Made(body.strip()))
