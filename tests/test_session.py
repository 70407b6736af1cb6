"""The signed session cookie: it names an account, never holds a password, and stops working when it
should; the routes swap a one-time ticket for an HTTP-only cookie and clear it again."""

from __future__ import annotations

import asyncio
import stat
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from accounts.users import add_user, remove_user
from store.roles import User
from store.secret import secret_file
from ui import session

ANA = User("ana", "analyst")


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_USERS_FILE", str(path))
    add_user("ana", "correct horse", "analyst")
    return path


def _call(route, *, body: bytes = b"", cookie: str | None = None):
    """Run one of the session routes on a plain-HTTP POST; the response."""
    headers = [(b"cookie", f"{session.SESSION_COOKIE}={cookie}".encode())] if cookie else []
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers, "scheme": "http",
             "server": ("127.0.0.1", 8501), "query_string": b""}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    # On a thread of its own: a browser test earlier in the session leaves Playwright's loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, route(Request(scope, receive))).result()


class TestCookie:
    def test_a_cookie_signs_its_account_in_with_the_current_role(self, accounts):
        """The round trip: a cookie made at sign-in signs the same account in on the next page load."""
        assert session.session_user(session.session_cookie(ANA)) == ANA
        add_user("ana", "correct horse", "viewer")
        assert session.session_user(session.session_cookie(ANA)) == User("ana", "viewer")

    def test_the_cookie_holds_no_password_and_the_secret_is_private(self, accounts):
        """Neither the password nor its hash is in the cookie; the secret file beside the accounts is 0600."""
        cookie = session.session_cookie(ANA)
        assert "correct horse" not in cookie and "$2b$" not in cookie
        assert secret_file().parent == accounts.parent
        assert stat.S_IMODE(secret_file().stat().st_mode) == 0o600

    @pytest.mark.parametrize("spoil", ["forged", "expired", "revoked", "password changed", "account removed",
                                       "missing"])
    def test_a_spoilt_cookie_signs_no_one_in(self, accounts, spoil):
        """A forged, expired or revoked cookie, one from before a password change or for a removed account,
        or none at all, signs nobody in."""
        cookie = session.session_cookie(ANA)
        now = None
        if spoil == "forged":
            cookie = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
        elif spoil == "expired":
            now = time.time() + session.session_seconds() + 1
        elif spoil == "revoked":
            session.revoke(cookie)
        elif spoil == "password changed":
            add_user("ana", "battery staple", "analyst")
        elif spoil == "account removed":
            remove_user("ana")
        elif spoil == "missing":
            cookie = None
        assert session.session_user(cookie, now=now) is None

    def test_the_lifetime_is_configurable(self, accounts, monkeypatch):
        """PBIP_SESSION_HOURS sets how long a cookie lasts."""
        monkeypatch.setenv(session.SESSION_HOURS_VARIABLE, "1")
        cookie = session.session_cookie(ANA, now=1000.0)
        assert session.session_user(cookie, now=1000.0 + 3599) == ANA
        assert session.session_user(cookie, now=1000.0 + 3601) is None


class TestTickets:
    def test_a_ticket_is_redeemed_once_within_its_minute(self):
        """A ticket gives its cookie once; a second try, or one after a minute, gives nothing."""
        ticket = session.issue_ticket("cookie-value", now=0.0)
        assert session.redeem_ticket(ticket, now=1.0) == "cookie-value"
        assert session.redeem_ticket(ticket, now=1.0) is None
        late = session.issue_ticket("cookie-value", now=0.0)
        assert session.redeem_ticket(late, now=session.TICKET_SECONDS + 1.0) is None

    def test_the_page_script_carries_only_the_ticket(self):
        """The script the page runs holds the ticket and the route, never the cookie itself."""
        ticket = session.issue_ticket("the-cookie")
        script = session.set_cookie_script(ticket)
        assert ticket in script and session.SESSION_ROUTE in script and "the-cookie" not in script
        with pytest.raises(ValueError):
            session.set_cookie_script('"); alert(1); ("')


class TestRoutes:
    def test_the_session_route_sets_an_http_only_strict_expiring_cookie(self, accounts):
        """A good ticket gets Set-Cookie with HttpOnly, SameSite=strict, Path=/ and a Max-Age."""
        cookie = session.session_cookie(ANA)
        response = _call(session._session, body=session.issue_ticket(cookie).encode())
        header = response.headers["set-cookie"]
        assert response.status_code == 204 and header.startswith(f"{session.SESSION_COOKIE}={cookie};")
        assert "HttpOnly" in header and "SameSite=strict" in header and "Path=/" in header
        assert f"Max-Age={int(session.session_seconds())}" in header and "Secure" not in header

    def test_a_bad_ticket_gets_no_cookie(self, accounts):
        """An unknown ticket is refused with 403 and no cookie."""
        response = _call(session._session, body=b"0" * 64)
        assert response.status_code == 403 and "set-cookie" not in response.headers

    def test_sign_out_clears_and_revokes_the_cookie(self, accounts):
        """Signing out deletes the cookie in the browser and makes its value useless to anyone who kept it."""
        cookie = session.session_cookie(ANA)
        response = _call(session._sign_out, cookie=cookie)
        header = response.headers["set-cookie"]
        assert header.startswith(f'{session.SESSION_COOKIE}="";') and "Max-Age=0" in header
        assert session.session_user(cookie) is None
