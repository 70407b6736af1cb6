"""Who is signed in: a sidebar form against the local accounts, or `st.login` where OIDC is configured.

Local accounts (`python -m store.users add NAME --role analyst`) need no server. A deployment that
puts an `[auth]` section in `.streamlit/secrets.toml` signs people in through its OpenID Connect
provider instead; their role is looked up by e-mail address in the same accounts file (viewer when
they have no entry).
"""

from __future__ import annotations

import streamlit as st

from store.users import User, authenticate, role_of

_SESSION_KEY = "pbip_user"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def _oidc_user() -> User | None:
    if not getattr(st.user, "is_logged_in", False):
        return None
    name = st.user.get("email") or st.user.get("name") or "signed-in user"
    return User(name, role_of(name))


def _sign_out() -> None:
    st.session_state.pop(_SESSION_KEY, None)


def signed_in() -> User | None:
    """Who is signed in, drawing nothing: for pages that only show or hide an analyst's controls."""
    if _oidc_configured():
        return _oidc_user()
    held = st.session_state.get(_SESSION_KEY)
    return User(*held) if held else None


def current_user() -> User | None:
    """The signed-in user, drawing the sign-in or sign-out controls in the sidebar; None if nobody."""
    oidc = _oidc_configured()
    user = signed_in()
    if user is not None:
        st.sidebar.caption(f"Signed in as **{user.name}** ({user.role})")
        st.sidebar.button("Sign out", on_click=st.logout if oidc else _sign_out,
                          key="pbip_oidc_logout" if oidc else "pbip_sign_out")
        return user
    if oidc:
        st.sidebar.button("Sign in", on_click=st.login, key="pbip_oidc_login")
        return None
    with st.sidebar.form("pbip_sign_in"):
        st.markdown("**Sign in**")
        name = st.text_input("User name", key="pbip_login_name")
        password = st.text_input("Password", type="password", key="pbip_login_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        user = authenticate(name, password)
        if user is None:
            st.sidebar.error("That user name and password do not match an account.")
            return None
        st.session_state[_SESSION_KEY] = (user.name, user.role)
        st.sidebar.caption(f"Signed in as **{user.name}** ({user.role})")
        return user
    return None
