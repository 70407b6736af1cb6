"""The board view opens with the executive summary (AppTest): exceptions, the board's asks with their
sign-off, and the icon legend; viewers see only signed-off asks."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import store
from store import audit
from store.settings import PROJECT_ROOT

PAGE = str(PROJECT_ROOT / "pages" / "board.py")
ANALYST = ("Ann Analyst", "analyst", None, ())  # name, role, session id, indicators led
LEAD = ("Lee Lead", "lead", None, ("dtoc_18",))
VIEWER = ("Vic Viewer", "viewer", None, ())
ASK = "Note the fall in delayed transfers"


def open_board(monkeypatch, db: Path, signed_in=None) -> AppTest:
    monkeypatch.setenv("PBIP_DB_PATH", str(db))
    at = AppTest.from_file(PAGE, default_timeout=120)
    if signed_in:
        at.session_state["pbip_user"] = signed_in
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("markdown", "caption", "info", "subheader", "error")
                     for e in getattr(at, kind))


def press(at: AppTest, label: str) -> AppTest:
    [b for b in at.button if b.label == label][0].click().run()
    assert not at.exception, at.exception
    return at


def test_the_board_view_opens_with_exceptions_the_asks_and_the_legend(monkeypatch, built_db):
    at = open_board(monkeypatch, built_db)
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == "Exceptions"
    assert subheaders[1] == "What the board is asked to do, 20 November 2018"
    text = shown(at)
    # Every exception says whether it has commentary.
    assert "No commentary yet" in text or "No indicator is an exception" in text
    assert "Nothing signed off yet for this board." in text
    assert any("What the icons mean" in h.body and "Target hit and miss" in h.body for h in at.html)


def test_asks_are_drafted_submitted_and_signed_off(monkeypatch, built_db):
    at = open_board(monkeypatch, built_db, ANALYST)
    [t for t in at.text_area if str(t.key).endswith("_note")][0].input(ASK)
    press(at, "Save draft of the asks")
    assert "is **draft**" in shown(at)
    press(at, "Submit the asks for sign-off")
    assert not [b for b in at.button if b.label == "Sign off the asks"], "an analyst cannot sign off"
    assert ASK not in shown(open_board(monkeypatch, built_db, VIEWER))
    press(open_board(monkeypatch, built_db, LEAD), "Sign off the asks")
    text = shown(open_board(monkeypatch, built_db, VIEWER))
    assert ASK in text and "Signed off by Lee Lead" in text
    con = store.connect(built_db)
    try:
        actions = list(audit.entries(con)["action"])
    finally:
        con.close()
    assert {"board asks draft", "board asks submitted", "board asks signed off"} <= set(actions)
