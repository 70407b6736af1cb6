"""What a reader sees of a page: a page run headless (AppTest) and its text, escapes (`charts.text.plain`)
read back as typed."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from charts.text import WORD_JOINER
from store.settings import PROJECT_ROOT

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: object) -> str:
    """The Markdown source with backslash escapes and invisible word joiners removed."""
    return _ESCAPE.sub(r"\1", str(markdown)).replace(WORD_JOINER, "")


def open_page(monkeypatch, db, page: str, area: str | None = None, **query: str) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    if area:
        monkeypatch.setenv("PBIP_AREA_CODE", area)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = [element.value for kind in ("title", "caption", "markdown", "warning", "info", "error", "subheader")
             for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return as_read("\n".join(str(part) for part in parts))
