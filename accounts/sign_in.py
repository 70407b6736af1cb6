"""Signing in, throttled so that it cannot be brute-forced, and each failure logged and audited.

After a few free failures, each failed attempt on an account, or from one browser session, doubles
the wait before the next one is even checked (`PBIP_SIGN_IN_DELAY_SECONDS` sets the first wait).
"""

from __future__ import annotations

import getpass
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

import store
from accounts import sign_in_state
from accounts.sign_in_state import StoredThrottle
from accounts.throttle import (
    FORGET_FAILURES_AFTER_SECONDS,
    FREE_SIGN_IN_FAILURES,
    MAX_SIGN_IN_DELAY_SECONDS,
    SignInLocked,
    sign_in_delay_seconds,
)
from accounts.users import authenticate, find_user, user_named
from store import audit, roles
from store.roles import User

AUDIT_FAILED_SIGN_IN = "sign-in failed"
_log = logging.getLogger("pbip.sign_in")


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    next_allowed: float = 0.0


class SignInThrottle:
    """Failed sign-ins counted per key (an account name, a browser session) in this server process.

    After `FREE_SIGN_IN_FAILURES`, each failure makes the key wait before its next attempt: the first
    delay, then twice that, and so on up to `MAX_SIGN_IN_DELAY_SECONDS`. An attempt counts as a failure
    from the moment it starts (a success clears it), so parallel attempts cannot slip past the wait.
    """

    def __init__(self, *, delay: Callable[[], float] = sign_in_delay_seconds,
                 clock: Callable[[], float] = time.monotonic):
        self._delay, self._clock = delay, clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until every one of `keys` may try again; 0 when they may now."""
        with self._lock:
            now = self._clock()
            return max([0.0, *(self._failures[key].next_allowed - now for key in keys if key in self._failures)])

    def attempt(self, *keys: str) -> None:
        """Start an attempt for `keys`, counted as a failure until `succeeded`; SignInLocked while any waits."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            held = [self._failures.setdefault(key, _Failures()) for key in keys]
            wait = max(failures.next_allowed - now for failures in held)
            if wait > 0:
                raise SignInLocked(wait)
            for failures in held:
                failures.count += 1
                failures.last = now
                extra = failures.count - FREE_SIGN_IN_FAILURES
                if extra > 0:
                    failures.next_allowed = now + min(self._delay() * 2 ** (extra - 1), MAX_SIGN_IN_DELAY_SECONDS)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of `keys` after a right password."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _forget_old(self, now: float) -> None:
        stale = [key for key, failures in self._failures.items()
                 if now - failures.last > FORGET_FAILURES_AFTER_SECONDS and failures.next_allowed <= now]
        for key in stale:
            del self._failures[key]


# Every browser session of every server signs in through it: counted in a file beside the accounts
# (accounts/sign_in_state.py), so neither a fresh session, another server nor a restart resets it.
SIGN_IN_THROTTLE = StoredThrottle()
# The name an audit line gives a failed sign-in with a name no account has: a stranger types no name into it.
UNKNOWN_NAME = "(a name with no account)"


def _account_key(name: str) -> str:
    return "account:" + name.strip().casefold()


def sign_in(name: str, password: str, *, session: str, throttle: SignInThrottle | None = None,
            path: Path | None = None, address: str | None = None) -> User | None:
    """`authenticate`, throttled per account name and per browser session `session`.

    Returns the user, or None for a wrong name or password (logged); raises SignInLocked, checking
    nothing, while the account or the session has to wait. Known and unknown names are throttled alike.
    """
    throttle = throttle or SIGN_IN_THROTTLE
    keys = (_account_key(name), "session:" + session) + (("address:" + address,) if address else ())
    try:
        throttle.attempt(*keys)
    except SignInLocked as locked:
        _log.warning("sign-in refused while waiting %.0f s: name %r, session %s", locked.seconds, name[:100],
                     session)
        raise
    user = authenticate(name, password, path)
    if user is None:
        _log.warning("sign-in failed: name %r, session %s", name[:100], session)
    else:
        throttle.succeeded(*keys)
    return user


def audit_failed_sign_in(con: duckdb.DuckDBPyConnection, name: str, *, session: str) -> None:
    """One audit line for a failed sign-in, naming the account; a name no account has is not written."""
    known = find_user(name.strip()) is not None
    with store.writing(con, user=getpass.getuser(), action="record a failed sign-in") as write:
        audit.append(write.con, user=name.strip()[:100] if known else UNKNOWN_NAME, action=AUDIT_FAILED_SIGN_IN,
                     detail={"session": session})


def current(user: User) -> User | None:
    """A signed-in user as the accounts and sign-outs say now: their current role, or None when their
    session was signed out or their account has gone. A User made by code (no session) is taken as it is."""
    if user.session is None:
        return user
    if sign_in_state.is_revoked(user.session):
        return None
    if user.oidc:
        named = user_named(user.name)
        return replace(user, role=named.role, leads=named.leads)
    account = find_user(user.name)
    return None if account is None else replace(user, role=account.role, leads=account.leads)


# The store's door rechecks every signed-in writer through this (store.roles.recheck).
roles.set_recheck(current)
