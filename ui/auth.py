"""Who is signed in: a sidebar form against the local accounts, or `st.login` where OIDC is configured.

Local accounts (`python -m accounts add NAME --role analyst`) need no server. Sign-in is throttled
per account, per browser session and per address, counted in a file every server shares, and each failure
is logged and audited (`accounts.sign_in.sign_in`; a name no account has is not written into the audit).
Every page run checks the session against the accounts and the sign-outs (`accounts.sign_in.current`): a
tab whose session was signed out elsewhere, or whose account was removed, is signed out; a changed role
applies at once. The store's door checks the same again at every write.
A successful sign-in sets a signed, HTTP-only, expiring session cookie (`ui/session.py`), so reloading
the page keeps you signed in; the form is cleared, and the password is never kept.

A deployment that puts an `[auth]` section in `.streamlit/secrets.toml` signs people in through its
OpenID Connect provider instead; their role is looked up by e-mail address in the same accounts file
(viewer when they have no entry, or when the provider sends no e-mail address).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from accounts.sign_in import audit_failed_sign_in, current, sign_in
from accounts.throttle import SignInLocked
from accounts.users import user_named
from charts.text import plain
from store.roles import User
from ui import context, session

_SESSION_KEY = "pbip_user"
_COOKIE_KEY = "pbip_session_cookie"  # the cookie value this session was given, to revoke on sign-out
_SCRIPT_KEY = "pbip_session_script"  # page script still to run: set or clear the cookie
_MESSAGE_KEY = "pbip_sign_in_message"
_NAME_KEY, _PASSWORD_KEY = "pbip_login_name", "pbip_login_password"
_log = logging.getLogger("pbip.sign_in")
NO_MATCH = "That user name and password do not match an account."


def _oidc_configured() -> bool:
    # Once a run: Streamlit reads the secrets files again on every question while there are none.
    return context.once_per_run(("oidc_configured",), _secrets_name_auth)


def _secrets_name_auth() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def user_from_claims(claims: Mapping) -> User | None:
    """Someone signed in through OpenID Connect: their role found by e-mail address. Without an e-mail
    claim (or with one the provider has not verified) they are a viewer, whatever their display name."""
    if not claims.get("is_logged_in"):
        return None
    email = claims.get("email")
    if email and claims.get("email_verified") is not False:
        return replace(user_named(str(email)), oidc=True)
    return User(str(claims.get("name") or "signed-in user"), "viewer")


def _oidc_user() -> User | None:
    return user_from_claims({key: st.user.get(key) for key in ("is_logged_in", "email", "email_verified", "name")})


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "no session"


def _address() -> str | None:
    """The browser's address: behind the proxy (deploy/nginx.conf), the last X-Forwarded-For entry, the one
    nginx itself saw (earlier entries are the client's to write); else the connection's own."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For")
        address = (forwarded.split(",")[-1].strip() if isinstance(forwarded, str) and forwarded
                   else st.context.ip_address)
    except Exception:  # no request behind this run (a test)
        return None
    return address if isinstance(address, str) and address else None


def _submit() -> None:
    """Form callback, before the page is drawn: check the name and password, then forget the password."""
    state = st.session_state
    name = str(state.get(_NAME_KEY) or "")
    password = str(state.pop(_PASSWORD_KEY, "") or "")
    browser = _session_id()
    try:
        user = sign_in(name, password, session=browser, address=_address())
    except SignInLocked as locked:
        state[_MESSAGE_KEY] = str(locked)
        return
    if user is None:
        state[_MESSAGE_KEY] = NO_MATCH
        try:
            audit_failed_sign_in(context.connection(), name, session=browser)
        except duckdb.Error as error:  # the audit must not stop the page saying what went wrong
            _log.error("could not audit a failed sign-in for %r: %s", name[:100], error)
        return
    state.pop(_NAME_KEY, None)
    cookie = session.session_cookie(user)
    state[_SESSION_KEY] = (user.name, user.role, session.session_id(cookie), user.leads)
    state[_COOKIE_KEY] = cookie
    state[_SCRIPT_KEY] = session.set_cookie_script(session.issue_ticket(cookie))


def _sign_out() -> None:
    state = st.session_state
    for value in (state.pop(_COOKIE_KEY, None), st.context.cookies.get(session.SESSION_COOKIE)):
        session.revoke(value)
    state.pop(_SESSION_KEY, None)
    state[_SCRIPT_KEY] = session.SIGN_OUT_SCRIPT


def _run_pending_script() -> None:
    script = st.session_state.pop(_SCRIPT_KEY, None)
    if script:
        # Our own fixed script (a ticket of hex digits at most): it only calls the session routes.
        st.sidebar.html(script, unsafe_allow_javascript=True)


def signed_in() -> User | None:
    """Who is signed in, drawing nothing: for pages that only show or hide an analyst's controls."""
    if _oidc_configured():
        return _oidc_user()
    held = st.session_state.get(_SESSION_KEY)
    # Once a run for what the session holds (the browser's cookie cannot change within a run): a page asks up to
    # three times, and each asked the accounts.
    return context.once_per_run(("signed_in", repr(held)), lambda: _signed_in(held))


def _signed_in(held: tuple | None) -> User | None:
    state = st.session_state
    if held:
        # (name, role, session id, indicators led): rechecked below against the accounts and the sign-outs.
        user = current(User(held[0], held[1], tuple(held[3]) if len(held) > 3 else (),
                            session=held[2] if len(held) > 2 else None))
        if user is None:  # signed out in another tab or on another server, or the account was removed
            for key in (_SESSION_KEY, _COOKIE_KEY):
                state.pop(key, None)
            state[_MESSAGE_KEY] = "You have been signed out (in another tab, or your account was changed)."
            return None
        state[_SESSION_KEY] = (user.name, user.role, user.session, user.leads)
        return user
    user = session.session_user(st.context.cookies.get(session.SESSION_COOKIE))
    if user is not None:
        state[_SESSION_KEY] = (user.name, user.role, user.session, user.leads)
    return user


def current_user() -> User | None:
    """The signed-in user, drawing the sign-in or sign-out controls in the sidebar; None if nobody."""
    oidc = _oidc_configured()
    user = signed_in()
    _run_pending_script()
    if user is not None:
        st.sidebar.caption(f"Signed in as **{plain(user.name)}** ({user.role})")
        st.sidebar.button("Sign out", on_click=st.logout if oidc else _sign_out,
                          key="pbip_oidc_logout" if oidc else "pbip_sign_out")
        return user
    if oidc:
        st.sidebar.button("Sign in", on_click=st.login, key="pbip_oidc_login")
        return None
    with st.sidebar.form("pbip_sign_in", clear_on_submit=True):
        st.markdown("**Sign in**")
        st.text_input("User name", key=_NAME_KEY)
        st.text_input("Password", type="password", key=_PASSWORD_KEY)
        st.form_submit_button("Sign in", on_click=_submit)
    message = st.session_state.pop(_MESSAGE_KEY, None)
    if message:
        st.sidebar.error(message)
    return None
