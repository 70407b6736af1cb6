"""The signed session cookie that keeps someone signed in when the page is reloaded, and its routes.

A Streamlit script talks to the browser over a WebSocket, which cannot set a cookie; only an HTTP
response can, and only an HTTP response can make a cookie HTTP-only (out of reach of any script in
the page). So `server.py` serves the dashboard through `st.App` with two routes of ours:

    POST /pbip/session    body: a one-time ticket the sign-in made (valid 60 s) -> Set-Cookie
    POST /pbip/sign-out   deletes the cookie and revokes it

The cookie holds the account name, an id, its expiry time and a fingerprint of the account's password
hash, signed with HMAC (itsdangerous) under a secret kept beside the accounts file: never a password.
A new browser session reads it from `st.context.cookies`. It stops working when it expires
(`PBIP_SESSION_HOURS`, default 8), after sign-out, when the password changes or the account goes.
Sign-outs are kept in a file beside the accounts (store/sign_in_state.py), so they hold on every
server and after a restart.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accounts import sign_in_state
from accounts.users import find_user, password_fingerprint
from store.roles import User
from store.secret import secret

SESSION_COOKIE = "pbip_session"
SESSION_ROUTE = "/pbip/session"
SIGN_OUT_ROUTE = "/pbip/sign-out"
SESSION_HOURS_VARIABLE = "PBIP_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 8.0
# Long enough for the browser to call back right after the sign-in, too short to be worth stealing.
TICKET_SECONDS = 60
_SALT = "pbip-session-cookie"

_lock = threading.Lock()
_tickets: dict[str, tuple[str, float]] = {}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret(), salt=_SALT)


def session_seconds() -> float:
    """How long a session cookie lasts: `PBIP_SESSION_HOURS`, else 8 hours."""
    return float(os.environ.get(SESSION_HOURS_VARIABLE) or DEFAULT_SESSION_HOURS) * 3600


def session_cookie(user: User, *, now: float | None = None) -> str:
    """A signed, expiring cookie value naming `user`'s account."""
    now = time.time() if now is None else now
    return _serializer().dumps({"name": user.name, "id": secrets.token_hex(16),
                                "expires": now + session_seconds(),
                                "password": password_fingerprint(user.name)})


def _claims(value: str | None) -> dict | None:
    if not value or not isinstance(value, str):  # no cookie (or, under AppTest, a stand-in for one)
        return None
    try:
        claims = _serializer().loads(value)
    except BadSignature:
        return None
    return claims if isinstance(claims, dict) else None


def session_user(value: str | None, *, now: float | None = None) -> User | None:
    """The account a cookie value signs in, with its current role; None if the value is missing,
    forged, expired, revoked, made before a password change, or names an account that has gone."""
    claims = _claims(value)
    now = time.time() if now is None else now
    if claims is None or not isinstance(claims.get("expires"), (int, float)) or claims["expires"] <= now:
        return None
    if sign_in_state.is_revoked(str(claims.get("id"))):
        return None
    user = find_user(str(claims.get("name")))
    if user is None or password_fingerprint(user.name) != claims.get("password"):
        return None
    return User(user.name, user.role, user.leads, session=str(claims.get("id")))


def session_id(value: str | None) -> str | None:
    """The id a cookie value carries (what a sign-out revokes), or None for a missing or forged one."""
    claims = _claims(value)
    return None if claims is None else str(claims.get("id"))


def revoke(value: str | None) -> None:
    """Make a cookie value sign no one in again, on every server, until it would have expired (sign-out)."""
    claims = _claims(value)
    if claims is not None:
        expires = claims.get("expires")
        sign_in_state.revoke(str(claims.get("id")),
                             float(expires) if isinstance(expires, (int, float)) else time.time() + session_seconds())


def issue_ticket(cookie: str, *, now: float | None = None) -> str:
    """A one-time ticket the browser swaps at `SESSION_ROUTE` for `cookie`, within `TICKET_SECONDS`."""
    now = time.monotonic() if now is None else now
    ticket = secrets.token_hex(32)
    with _lock:
        for old in [t for t, (_, expires) in _tickets.items() if expires <= now]:
            del _tickets[old]
        _tickets[ticket] = (cookie, now + TICKET_SECONDS)
    return ticket


def redeem_ticket(ticket: str, *, now: float | None = None) -> str | None:
    """The cookie value a ticket was issued for, once; None for an unknown, used or expired ticket."""
    now = time.monotonic() if now is None else now
    with _lock:
        cookie, expires = _tickets.pop(ticket, (None, 0.0))
    return cookie if cookie is not None and expires > now else None


def set_cookie_script(ticket: str) -> str:
    """The page script that swaps `ticket` (hex digits only) for the HTTP-only cookie."""
    if not all(c in "0123456789abcdef" for c in ticket):
        raise ValueError("a ticket is hex digits")
    return (f'<script>fetch("{SESSION_ROUTE}", {{method: "POST", body: "{ticket}", '
            'credentials: "same-origin"})</script>')


SIGN_OUT_SCRIPT = f'<script>fetch("{SIGN_OUT_ROUTE}", {{method: "POST", credentials: "same-origin"}})</script>'


def _attributes(request: Request) -> dict:
    # Secure only over HTTPS: a browser drops a Secure cookie sent over plain http://localhost.
    return {"path": "/", "httponly": True, "samesite": "strict", "secure": request.url.scheme == "https"}


async def _session(request: Request) -> Response:
    cookie = redeem_ticket((await request.body()).decode("ascii", "replace").strip())
    if cookie is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(SESSION_COOKIE, cookie, max_age=int(session_seconds()), **_attributes(request))
    return response


async def _sign_out(request: Request) -> Response:
    revoke(request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, **_attributes(request))
    return response


def routes() -> list[Route]:
    """The session routes, for `st.App(..., routes=routes())`."""
    return [Route(SESSION_ROUTE, _session, methods=["POST"]), Route(SIGN_OUT_ROUTE, _sign_out, methods=["POST"])]
