"""The store's version, read once per page run (and again after a write in that run), with one cursor and one
reading of the settings for the whole run (ui/context.py); figures kept per version (ui/charts.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui import context


def _page() -> None:
    import streamlit as st

    from ui import context

    before = [context.store_version() for _ in range(3)]
    context.open_store().write(lambda write: write.audit("test_write"), user="Test Script", action="write")
    st.text(f"{before[0]}|{len(set(before))}|{context.store_version()}|{context.store_version()}")
    st.text(f"{context.connection() is context.connection()}|{context.settings() is context.settings()}")


def test_one_read_a_run_and_one_more_after_a_write(monkeypatch, empty_db):
    reads = []

    def counting(con):
        reads.append(1)
        return counting.real(con)

    counting.real = context.data_version
    monkeypatch.setattr(context, "data_version", counting)
    monkeypatch.setenv("PBIP_DB_PATH", str(empty_db))
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception, at.exception
    first, distinct, after, again = at.text[0].value.split("|")
    assert distinct == "1" and after == again and after != first
    assert len(reads) == 2  # three asks before the write, two after it
    assert at.text[1].value == "True|True"
    at.run()
    assert len(reads) == 4  # a new run reads it afresh


def _figure_page() -> None:
    import streamlit as st

    from ui import context
    from ui.charts import kept_figure

    built = []

    def build(title: str) -> dict:
        built.append(title)
        return {"data": [], "layout": {"title": {"text": title}}}

    first = kept_figure(("test", "a"), build, "A")
    kept_figure(("test", "a"), build, "A")
    kept_figure(("test", "b"), build, "B")
    context.open_store().write(lambda write: write.audit("test_write"), user="Test Script", action="write")
    kept_figure(("test", "a"), build, "A")
    st.text(f"{first['layout']['title']['text']}|{','.join(built)}")


def test_a_figure_is_kept_per_key_until_the_store_changes(monkeypatch, empty_db):
    """Asked again with the same key, the kept figure is given back; another key, or a write, draws it anew."""
    monkeypatch.setenv("PBIP_DB_PATH", str(empty_db))
    at = AppTest.from_function(_figure_page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.text[0].value == "A|A,B,A"
