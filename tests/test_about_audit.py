"""The About page: a broken audit chain is shown to everyone, and analysts read the audit, filtered."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from accounts.users import add_user
from store.settings import PROJECT_ROOT

PAGE = str(PROJECT_ROOT / "pages/about.py")
PASSWORD = "correct horse"


@pytest.fixture
def about(monkeypatch, built_db, tmp_path):
    """A function opening the About page, signed in as NAME when given (`ana` is an analyst)."""
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    add_user("ana", PASSWORD, "analyst", users)

    def open_as(name: str | None = None) -> AppTest:
        at = AppTest.from_file(PAGE, default_timeout=60).run()
        assert not at.exception, at.exception
        if name:
            at.text_input(key="pbip_login_name").input(name)
            at.text_input(key="pbip_login_password").input(PASSWORD)
            at.button[0].click().run()
            assert not at.exception, at.exception
        return at
    return open_as


def tamper(db) -> int:
    con = duckdb.connect(str(db))
    try:
        target = con.execute("SELECT max(audit_id) FROM audit WHERE action = 'load'").fetchone()[0]
        con.execute("UPDATE audit SET detail = '{}' WHERE audit_id = ?", [target])
    finally:
        con.close()
    return target


def test_a_tampered_audit_line_is_shown_to_everyone(about, built_db):
    """After an UPDATE of an audit line by another client, the page names the broken line for any reader."""
    target = tamper(built_db)
    at = about()
    errors = " ".join(str(error.value) for error in at.error)
    assert "changed outside the dashboard" in errors and f"Audit line {target} (" in errors


def test_an_intact_audit_shows_no_warning(about):
    """A store written only through the dashboard shows no audit warning."""
    assert not about().error


def test_viewers_do_not_see_the_audit_lines(about):
    """Without signing in as an analyst, the audit lines are not shown."""
    at = about()
    assert "Analysts can read the audit trail" in " ".join(str(caption.value) for caption in at.caption)
    assert len(at.dataframe) == 1  # the data status table only


def test_an_analyst_reads_the_audit_filtered_by_kind_and_user(about):
    """An analyst sees every audit line, and choosing a kind and a user narrows them."""
    at = about("ana")
    lines = at.dataframe[-1].value
    assert {"load", "reference data"} <= set(lines["Kind"])
    kind = next(box for box in at.selectbox if box.label == "Kind")
    kind.select("load").run()
    assert set(at.dataframe[-1].value["Kind"]) == {"load"}
    next(box for box in at.selectbox if box.label == "User").select("bundled data build").run()
    lines = at.dataframe[-1].value
    assert len(lines) > 0 and set(lines["User"]) == {"bundled data build"} and set(lines["Kind"]) == {"load"}
