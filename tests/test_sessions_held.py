"""Issue 22 (2, 3): the role and the session are rechecked at every page run and every write, and
sign-outs and sign-in failures are kept where every server and a restart see them.

On main a tab kept the role it signed in with (demoted or removed, it went on uploading), a sign-out was
forgotten on a restart and on other servers (kept in one process's memory), the throttle was per process
and per session, and failing to sign in wrote any name a stranger chose into the audit. "Another server"
and "after a restart" are a separate Python process here: nothing in memory is shared with it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.sign_in import sign_in
from accounts.sign_in_state import StoredThrottle
from accounts.throttle import FREE_SIGN_IN_FAILURES, SIGN_IN_DELAY_VARIABLE, SignInLocked
from accounts.users import add_user, remove_user
from store.indicators import add_rebase_date
from store.roles import User
from store.settings import PROJECT_ROOT
from ui import session

PASSWORD = "correct horse"


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "accounts" / "users.json"
    monkeypatch.setenv("PBIP_USERS_FILE", str(path))
    monkeypatch.setenv(SIGN_IN_DELAY_VARIABLE, "60")
    add_user("ana", PASSWORD, "analyst")
    return path


def _other_process(code: str, accounts) -> str:
    """Run `code` in a fresh Python (another server, or this one after a restart); its printed output."""
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, env={**__import__("os").environ, "PBIP_USERS_FILE": str(accounts)})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _upload_page(db) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=60).run()
    at.text_input(key="pbip_login_name").input("ana")
    at.text_input(key="pbip_login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert len(at.file_uploader) == 1
    return at


def _rebase(db, user: User) -> None:
    opened = store.open_store(db)
    try:
        add_rebase_date(opened, indicator_id="length_of_stay_65", area_code="E06000014",
                        rebase_date=date(2018, 8, 1), reason="new pathway", user=user)
    finally:
        opened.close()


class TestAnOpenTab:
    @pytest.fixture
    def tab(self, accounts, monkeypatch, small_store_db):
        monkeypatch.setenv("PBIP_DB_PATH", str(small_store_db))
        return _upload_page(small_store_db)

    def test_a_demoted_analyst_loses_the_upload_at_the_next_run(self, tab, accounts):
        add_user("ana", PASSWORD, "viewer")
        tab.run()
        assert len(tab.file_uploader) == 0
        assert any("viewer" in info.value for info in tab.info)

    def test_a_removed_account_is_signed_out_at_the_next_run(self, tab, accounts):
        remove_user("ana")
        tab.run()
        assert len(tab.file_uploader) == 0
        assert not any("Signed in as" in c.value for c in tab.sidebar.caption)

    def test_a_sign_out_in_another_tab_signs_this_one_out(self, tab, accounts):
        cookie = tab.session_state["pbip_session_cookie"]
        session.revoke(cookie)  # what the other tab's sign-out route does
        tab.run()
        assert len(tab.file_uploader) == 0


class TestTheDoorChecksAgain:
    def test_a_demoted_users_write_is_refused(self, accounts, small_store_db):
        held = session.session_user(session.session_cookie(User("ana", "analyst")))
        add_user("ana", PASSWORD, "viewer")
        with pytest.raises(PermissionError, match="viewer"):
            _rebase(small_store_db, held)

    def test_a_signed_out_sessions_write_is_refused(self, accounts, small_store_db):
        cookie = session.session_cookie(User("ana", "analyst"))
        held = session.session_user(cookie)
        _rebase(small_store_db, held)  # allowed while signed in
        session.revoke(cookie)
        with pytest.raises(PermissionError, match="no longer signed in"):
            _rebase(small_store_db, held)


class TestAcrossServersAndRestarts:
    def test_a_sign_out_on_another_server_holds_here(self, accounts):
        cookie = session.session_cookie(User("ana", "analyst"))
        assert session.session_user(cookie) is not None
        _other_process(f"from ui import session; session.revoke({cookie!r})", accounts)
        assert session.session_user(cookie) is None

    def test_a_sign_out_here_holds_after_a_restart(self, accounts):
        cookie = session.session_cookie(User("ana", "analyst"))
        session.revoke(cookie)
        said = _other_process(f"from ui import session; print(session.session_user({cookie!r}))", accounts)
        assert said == "None"

    def test_failures_on_another_server_and_fresh_sessions_count_here(self, accounts):
        code = ("from accounts.sign_in import sign_in\n"
                f"for i in range({FREE_SIGN_IN_FAILURES + 1}):\n"
                "    sign_in('ana', 'wrong horse', session=f'other-{i}')\n")
        _other_process(code, accounts)
        with pytest.raises(SignInLocked):
            sign_in("ana", PASSWORD, session="a fresh session", throttle=StoredThrottle())

    def test_unknown_names_are_throttled_per_address_without_any_name_kept(self, accounts):
        for i in range(FREE_SIGN_IN_FAILURES + 1):
            assert sign_in(f"stranger {i}", "guess", session=f"s{i}", address="203.0.113.9") is None
        with pytest.raises(SignInLocked):
            sign_in("stranger 99", "guess", session="s99", address="203.0.113.9")
        state = accounts.with_name("sign_in_state.sqlite3")
        assert state.is_file() and b"stranger" not in state.read_bytes()
