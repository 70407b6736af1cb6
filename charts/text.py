"""Text from data or people, made safe to show in anything Streamlit renders as Markdown.

st.markdown, st.caption, st.write, st.info/warning/error/success, headings, st.table cells and widget
labels all read Markdown (and Streamlit's own `:red[...]`, `:material/...:` and `$...$`). A value
holding `![x](http://host/x)` would make every viewer's browser fetch from that host; `plain` makes it
show as typed instead.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be backslash-escaped, and then shows it literally; escaping all
# of it covers links, images, HTML, <autolinks>, entities and Streamlit's `:...:` and `$...$` too.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GFM also links bare addresses (http://..., www...., a@b.c), and finds them after escapes are read, so
# escaping cannot stop it. An invisible word joiner inside each ("http\u2060://", "www\u2060.", "a@\u2060b")
# breaks the pattern; the text still reads exactly as typed.
WORD_JOINER = "\u2060"
_BARE_ADDRESS = re.compile(r"(?=://)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def plain(text: object) -> str:
    """`text` (None as "") escaped for Markdown: shown exactly as typed, never as a link, image, HTML or
    formatting. Use it on every value from data or people that reaches a Markdown element."""
    if text is None:
        return ""
    return _ASCII_PUNCTUATION.sub(r"\\\1", _BARE_ADDRESS.sub(WORD_JOINER, str(text)))
