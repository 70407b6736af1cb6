"""Text from data shown as typed: `charts.text.plain` escapes everything Markdown (and Streamlit) would
read as a link, an image, HTML or formatting."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charts.text import WORD_JOINER, plain

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def as_read(shown: str) -> str:
    """What a reader sees: Markdown's backslash escapes read, the invisible word joiners dropped."""
    return _ESCAPE.sub(r"\1", shown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("payload", [
    "![x](http://127.0.0.1:8000/x)", "[click](javascript:alert(1))", "<img src=x onerror=alert(1)>",
    "**bold** _em_ `code`", ":red[alarm] :material/warning:", "$x^2$", "# heading", "&lt;b&gt;",
    "[r]: http://x/ref", "<http://x>", "Ann | Bob", "~~struck~~",
])
def test_markup_is_escaped_and_reads_as_typed(payload):
    """No Markdown, HTML or Streamlit directive survives, and the reader sees exactly the text given."""
    shown = plain(payload)
    assert not re.search(r"(?<!\\)[!\[\]()<>*_`:$#&|~]", shown)
    assert as_read(shown) == payload


@pytest.mark.parametrize("address", ["http://127.0.0.1:8000/x", "HTTPS://example.org", "www.example.org",
                                     "ann@example.org", "mailto:ann@example.org"])
def test_bare_addresses_cannot_become_links(address):
    """GFM links bare addresses even when escaped; a word joiner inside each breaks the pattern."""
    shown = plain(address).replace("\\", "")
    assert not re.search(r"https?://|www\.|@[\w-]", shown, re.IGNORECASE)
    assert as_read(plain(address)) == address


@given(st.text().filter(lambda text: WORD_JOINER not in text))
def test_any_text_reads_back_as_typed(text):
    """Whatever the text, escaping hides nothing and adds nothing a reader can see."""
    assert as_read(plain(text)) == text


def test_nothing_is_an_empty_string():
    """None shows as nothing."""
    assert plain(None) == ""
