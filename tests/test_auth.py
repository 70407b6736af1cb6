"""The sidebar sign-in, headless with AppTest on the plan page: the form is cleared and the password
forgotten, failures are audited and throttled; an OIDC identity without an e-mail is only a viewer."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.sign_in import AUDIT_FAILED_SIGN_IN, UNKNOWN_NAME, SignInThrottle
from accounts.throttle import FREE_SIGN_IN_FAILURES, SIGN_IN_DELAY_VARIABLE
from accounts.users import add_user
from store.roles import User
from store.settings import PROJECT_ROOT
from ui.auth import NO_MATCH, user_from_claims

PLAN_PAGE = PROJECT_ROOT / "pages" / "plan.py"


@pytest.fixture
def page(monkeypatch, built_db, tmp_path):
    """The plan page on a copy of the store, with one analyst account, not yet run."""
    monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(tmp_path / "users.json"))
    monkeypatch.setenv(SIGN_IN_DELAY_VARIABLE, "60")
    monkeypatch.setattr("accounts.sign_in.SIGN_IN_THROTTLE", SignInThrottle())  # no failures left by other tests
    add_user("Ann Analyst", "correct horse", "analyst")
    return AppTest.from_file(str(PLAN_PAGE), default_timeout=60)


def submit(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="pbip_login_name").set_value(name)
    at.sidebar.text_input(key="pbip_login_password").set_value(password)
    next(button for button in at.sidebar.button if button.label == "Sign in").click()
    at.run()
    assert not at.exception, at.exception
    return at


def failed_sign_ins(db) -> list[str]:
    con = store.connect(db)
    try:
        return [row[0] for row in con.execute("SELECT user_name FROM audit WHERE action = ?",
                                              [AUDIT_FAILED_SIGN_IN]).fetchall()]
    finally:
        con.close()


class TestSignInForm:
    def test_signing_in_clears_the_form_and_keeps_no_password(self, page):
        """After the right password the form is gone, the sidebar names the analyst, and no password is
        left in the session."""
        at = page.run()
        submit(at, "Ann Analyst", "correct horse")
        assert any("Signed in as **Ann Analyst** (analyst)" in c.value for c in at.sidebar.caption)
        assert not [box for box in at.sidebar.text_input if box.key == "pbip_login_password"]
        assert "correct horse" not in repr({key: at.session_state[key] for key in at.session_state})
        assert "Add, edit or close an action" in [tab.label for tab in at.tabs]

    def test_a_wrong_password_says_so_and_is_audited(self, page, built_db):
        """A wrong password gets one sentence (the same as for an unknown name) and an audit line."""
        at = page.run()
        submit(at, "Ann Analyst", "wrong horse")
        submit(at, "Nobody", "wrong horse")
        assert [error.value for error in at.sidebar.error] == [NO_MATCH]
        # A name no account has is counted, not written: a stranger cannot put words into the audit.
        assert failed_sign_ins(built_db) == ["Ann Analyst", UNKNOWN_NAME]
        assert not any("Signed in as" in c.value for c in at.sidebar.caption)

    def test_repeated_failures_lock_the_session_out(self, page):
        """After the free failures and one more, even the right password is refused, with the wait named."""
        at = page.run()
        for attempt in range(FREE_SIGN_IN_FAILURES + 1):
            submit(at, f"guess {attempt}", "wrong horse")
        submit(at, "Ann Analyst", "correct horse")
        assert "Too many failed sign-ins" in at.sidebar.error[0].value
        assert not any("Signed in as" in c.value for c in at.sidebar.caption)


class TestOpenIdConnect:
    def test_an_email_finds_the_role(self, tmp_path, monkeypatch):
        """An identity with an e-mail address gets that account's role."""
        monkeypatch.setenv("PBIP_USERS_FILE", str(tmp_path / "users.json"))
        add_user("ann@york.example", "correct horse", "analyst")
        claims = {"is_logged_in": True, "email": "ann@york.example", "name": "Ann"}
        assert user_from_claims(claims) == User("ann@york.example", "analyst")

    @pytest.mark.parametrize("claims", [{"is_logged_in": True, "name": "Ann Analyst"},
                                        {"is_logged_in": True, "name": "Ann Analyst", "email": "",
                                         "email_verified": True},
                                        {"is_logged_in": True, "name": "x", "email": "Ann Analyst",
                                         "email_verified": False}],
                             ids=["no e-mail", "empty e-mail", "unverified e-mail"])
    def test_no_email_is_never_matched_by_display_name(self, tmp_path, monkeypatch, claims):
        """A display name equal to an analyst's account name, without a verified e-mail, is only a viewer."""
        monkeypatch.setenv("PBIP_USERS_FILE", str(tmp_path / "users.json"))
        add_user("Ann Analyst", "correct horse", "analyst")
        assert user_from_claims(claims).role == "viewer"

    def test_nobody_signed_in_is_none(self):
        """No identity gives no user."""
        assert user_from_claims({"is_logged_in": False}) is None
