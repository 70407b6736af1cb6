"""The commentary workflow on the indicator page (AppTest): an analyst drafts and submits, the lead signs off,
a viewer sees only signed-off text, and a sign-off attempt by anyone else is refused by the store."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import store
from store import audit, commentary
from store.roles import User
from store.settings import PROJECT_ROOT

PAGE = str(PROJECT_ROOT / "pages" / "indicator.py")
ANALYST = ("Ann Analyst", "analyst", None, ())  # name, role, session id, indicators led
LEAD = ("Lee Lead", "lead", None, ("dtoc_18",))
VIEWER = ("Vic Viewer", "viewer", None, ())


def as_user(signed_in: tuple) -> User:
    """The User a signed-in tuple of the session names, as code makes it (no session to recheck)."""
    name, role, _session, leads = signed_in
    return User(name, role, leads)
SHOWS = "Delays fell for the third month running"
MARKUP = "**bold** [link](http://127.0.0.1:9/x)"


def open_page(monkeypatch, db: Path, signed_in=None) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.query_params["indicator"] = "dtoc_18"
    if signed_in:
        at.session_state["pbip_user"] = signed_in
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("markdown", "caption", "info", "success", "error", "subheader")
                     for e in getattr(at, kind))


def widget(at: AppTest, kind: str, suffix: str):
    found = [w for w in getattr(at, kind) if str(w.key).startswith("commentary_dtoc_18") and
             str(w.key).endswith(suffix)]
    assert found, f"no {kind} ending {suffix}"
    return found[0]


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    return found[0] if found else None


def test_draft_submit_sign_off_on_the_page(monkeypatch, built_db):
    """The whole workflow through the page; the viewer sees nothing until the sign-off, then the text."""
    at = open_page(monkeypatch, built_db, ANALYST)
    assert "No commentary yet" in texts(at)
    widget(at, "text_area", "_what_data_shows").input(SHOWS)
    widget(at, "text_area", "_why").input(MARKUP)
    widget(at, "text_input", "_owner").input("Director of Adult Social Care")
    [b for b in at.button if b.label == "Save draft"][0].click().run()
    assert not at.exception, at.exception
    assert "is **draft**" in texts(at)
    button(at, "Submit for sign-off").click().run()
    assert "is **submitted**" in texts(at)
    assert button(at, "Sign off") is None, "an analyst is offered no sign-off"

    viewer = open_page(monkeypatch, built_db, VIEWER)
    assert SHOWS not in texts(viewer) and "No commentary yet" in texts(viewer)
    assert button(viewer, "Save draft") is None and button(viewer, "Submit for sign-off") is None

    lead = open_page(monkeypatch, built_db, LEAD)
    button(lead, "Sign off").click().run()
    assert not lead.exception, lead.exception

    viewer = open_page(monkeypatch, built_db, VIEWER)
    shown = texts(viewer)
    assert SHOWS in shown and "signed off by Lee Lead" in shown
    # Markup is shown as typed: escaped, never a link or bold.
    assert "\\*\\*bold\\*\\*" in shown and "](http" not in shown

    con = store.connect(built_db)
    try:
        actions = list(audit.entries(con)["action"])
    finally:
        con.close()
    assert {"commentary draft", "commentary submitted", "commentary signed off"} <= set(actions)


def test_a_lead_of_another_indicator_is_not_offered_the_sign_off(monkeypatch, built_db):
    con = store.connect(built_db)
    try:
        period = con.execute("SELECT max(period_start) FROM observations WHERE indicator_id = 'dtoc_18' "
                             "AND area_code = 'E06000014' AND value IS NOT NULL").fetchone()[0]
        key = {"indicator_id": "dtoc_18", "area_code": "E06000014", "period_start": period}
        commentary.save_draft(con, **key, texts={"what_data_shows": SHOWS, "owner": "Ann"},
                              user=as_user(ANALYST))
        commentary.submit(con, **key, user=as_user(ANALYST))
    finally:
        con.close()
    at = open_page(monkeypatch, built_db, ("Ola Other", "lead", None, ("readmissions_65",)))
    assert button(at, "Sign off") is None
    assert "Waiting for this indicator's lead" in texts(at)
