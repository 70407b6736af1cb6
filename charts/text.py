"""Text from data or people, made safe to show in anything Streamlit renders as Markdown.

st.markdown, st.caption, st.write, st.info/warning/error/success, headings, st.table cells and widget
labels all read Markdown (and Streamlit's own `:red[...]`, `:material/...:` and `$...$`). A value
holding `![x](http://host/x)` would make every viewer's browser fetch from that host; `plain` makes it
show as typed instead.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped, and then shows it literally; escaping all
# of it also covers GFM autolinks (`www.`, `http://`, e-mail), HTML, entities and Streamlit's directives.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """`text` (None as "") escaped for Markdown: shown exactly as typed, never as a link, image, HTML or
    formatting."""
    if text is None:
        return ""
    return _ASCII_PUNCTUATION.sub(r"\\\1", str(text))
