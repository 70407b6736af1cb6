"""What a reader sees of a page's Markdown source: escapes (`charts.text.plain`) read back as typed."""

from __future__ import annotations

import re

from charts.text import WORD_JOINER

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: object) -> str:
    """The Markdown source with backslash escapes and invisible word joiners removed."""
    return _ESCAPE.sub(r"\1", str(markdown)).replace(WORD_JOINER, "")
