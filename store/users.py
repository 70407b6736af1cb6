"""Local accounts and roles: viewers read; analysts upload, undo loads, edit actions and draft commentary;
leads also sign off the commentary of the indicators they lead.

Accounts live outside the repository in a JSON file (default `~/.config/pbip/users.json`, or the path
in `PBIP_USERS_FILE`), each with a role and a salted bcrypt hash of its password, never the password.
Manage them with

    python -m store.users add NAME --role analyst|viewer [--password-stdin]
    python -m store.users add NAME --role lead --indicator dtoc_18 [--indicator ...] [--password-stdin]
    python -m store.users remove NAME
    python -m store.users list

Where a deployment configures an OpenID Connect provider, `ui/auth.py` signs people in with
`st.login` instead, and their role comes from this file by e-mail address (viewer when absent).

Signing in (`sign_in`) cannot be brute-forced: after a few free failures, each failed attempt on an
account, or from one browser session, doubles the wait before the next one is even checked
(`PBIP_SIGN_IN_DELAY_SECONDS` sets the first wait). An unknown name is checked against a dummy bcrypt
hash, so it answers no faster than a known one and names cannot be guessed by timing.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import json
import logging
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import duckdb

ROLES = ("viewer", "analyst", "lead")
# The role that signs off commentary, for the indicators named beside it in the accounts file.
LEAD_ROLE = "lead"
# A role may do everything the roles before it may do.
_RANK = {role: rank for rank, role in enumerate(ROLES)}
DEFAULT_USERS_FILE = Path("~/.config/pbip/users.json")
# bcrypt reads at most 72 bytes of a password.
BCRYPT_MAX_BYTES = 72
SIGN_IN_DELAY_VARIABLE = "PBIP_SIGN_IN_DELAY_SECONDS"
# The first wait after the free failures; each further failure doubles it, up to the cap.
DEFAULT_SIGN_IN_DELAY_SECONDS = 2.0
# Typing slips a person makes before any wait (OWASP: lock out after a few, not after one).
FREE_SIGN_IN_FAILURES = 3
MAX_SIGN_IN_DELAY_SECONDS = 15 * 60
# A name's failures are forgotten after a quiet day, so an old slip never slows a later sign-in.
FORGET_FAILURES_AFTER_SECONDS = 24 * 60 * 60
AUDIT_FAILED_SIGN_IN = "sign-in failed"
_log = logging.getLogger("pbip.sign_in")


@dataclass(frozen=True)
class User:
    """Someone signed in, with the one role that decides what they may change."""

    name: str
    role: str
    leads: tuple[str, ...] = ()
    """The indicators (ids) this person leads: a lead signs off their commentary and no other."""

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]

    def leads_indicator(self, indicator_id: str) -> bool:
        return self.can(LEAD_ROLE) and indicator_id in self.leads


def users_file() -> Path:
    """Where the accounts are kept: `PBIP_USERS_FILE`, else ~/.config/pbip/users.json."""
    return Path(os.environ.get("PBIP_USERS_FILE") or DEFAULT_USERS_FILE).expanduser()


def require_role(user: User | None, role: str, *, indicator: str | None = None) -> User:
    """The user, when they hold `role` (or a higher one), and, with `indicator`, lead that indicator;
    PermissionError with a sentence otherwise."""
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')
    article = "an" if role[0] in "aeiou" else "a"
    if user is None:
        raise PermissionError(f"Sign in as {article} {role} to do this.")
    if not isinstance(user, User) or not user.can(role):
        name = getattr(user, "name", str(user))
        current = getattr(user, "role", "none")
        raise PermissionError(f"{name} has the {current} role; only {article} {role} may do this.")
    if indicator is not None and indicator not in user.leads:
        raise PermissionError(f"{user.name} does not lead this indicator; only its lead may do this.")
    return user


def _read(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("users", {})


def _write(path: Path, users: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".users-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"users": users}, out, indent=2, sort_keys=True)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def add_user(name: str, password: str, role: str, path: Path | None = None, *,
             leads: tuple[str, ...] | list[str] = ()) -> User:
    """Create or replace an account; the password is kept only as a salted bcrypt hash. A lead names
    the indicators (ids) they lead; no other role leads any."""
    name = name.strip()
    if not name:
        raise ValueError("a user needs a name")
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("a password can have at most 72 bytes (the bcrypt limit)")
    leads = tuple(dict.fromkeys(str(i).strip() for i in leads if str(i).strip()))
    if leads and role != LEAD_ROLE:
        raise ValueError(f"only a {LEAD_ROLE} leads indicators (this account's role is {role})")
    path = path or users_file()
    users = _read(path)
    users[name] = {"role": role,
                   "password_hash": bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")}
    if leads:
        users[name]["leads"] = list(leads)
    _write(path, users)
    return User(name, role, leads)


def _user(name: str, entry: dict) -> User:
    leads = entry.get("leads") or []
    return User(name, entry["role"], tuple(str(i) for i in leads) if entry["role"] == LEAD_ROLE else ())


def remove_user(name: str, path: Path | None = None) -> bool:
    path = path or users_file()
    users = _read(path)
    if name not in users:
        return False
    del users[name]
    _write(path, users)
    return True


def list_users(path: Path | None = None) -> list[User]:
    return [_user(name, entry) for name, entry in sorted(_read(path or users_file()).items())]


@functools.cache
def _dummy_hash() -> bytes:
    """A bcrypt hash of no one's password, at the cost `add_user` uses, for checking unknown names."""
    return bcrypt.hashpw(os.urandom(16).hex().encode("ascii"), bcrypt.gensalt())


def authenticate(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when the name and password match an account; None otherwise.

    Every call runs one bcrypt check, against a dummy hash when the name is unknown or the password
    too long, so how long it takes does not say whether the name exists.
    """
    entry = _read(path or users_file()).get(name.strip())
    secret = password.encode("utf-8")
    usable = entry is not None and len(secret) <= BCRYPT_MAX_BYTES
    stored = entry["password_hash"].encode("ascii") if usable else _dummy_hash()
    matches = bcrypt.checkpw(secret[:BCRYPT_MAX_BYTES], stored)
    return _user(name.strip(), entry) if usable and matches else None


def find_user(name: str, path: Path | None = None) -> User | None:
    """The account called `name` with its role, or None when there is none (no password checked)."""
    entry = _read(path or users_file()).get(name)
    return _user(name, entry) if entry else None


def password_fingerprint(name: str, path: Path | None = None) -> str | None:
    """A short digest of an account's stored hash: it changes when the password does, so a signed
    session made before the change stops working. None for an unknown name."""
    entry = _read(path or users_file()).get(name)
    if entry is None:
        return None
    return hashlib.sha256(entry["password_hash"].encode("ascii")).hexdigest()[:16]


def sign_in_delay_seconds() -> float:
    """The first wait after the free failures: `PBIP_SIGN_IN_DELAY_SECONDS`, else the default."""
    return float(os.environ.get(SIGN_IN_DELAY_VARIABLE) or DEFAULT_SIGN_IN_DELAY_SECONDS)


class SignInLocked(Exception):
    """Too many failed sign-ins: no attempt is checked until `seconds` have passed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"Too many failed sign-ins: try again in {max(1, math.ceil(seconds))} seconds.")


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


# One per server process: every browser session signs in through it.
SIGN_IN_THROTTLE = SignInThrottle()


def _account_key(name: str) -> str:
    return "account:" + name.strip().casefold()


def sign_in(name: str, password: str, *, session: str, throttle: SignInThrottle | None = None,
            path: Path | None = None) -> User | None:
    """`authenticate`, throttled per account name and per browser session `session`.

    Returns the user, or None for a wrong name or password (logged); raises SignInLocked, checking
    nothing, while the account or the session has to wait. Known and unknown names are throttled alike.
    """
    throttle = throttle or SIGN_IN_THROTTLE
    keys = (_account_key(name), "session:" + session)
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
    """One audit line for a failed sign-in, naming the name typed (cut to 100 characters)."""
    # Imported here: the store's door imports this module for its roles.
    from store import transaction
    from store.writes import append_audit

    with transaction(con):
        append_audit(con, user=name.strip()[:100], action=AUDIT_FAILED_SIGN_IN, detail={"session": session})


def user_named(name: str, path: Path | None = None) -> User:
    """The account by name with its role and the indicators it leads (people signed in through OpenID
    Connect); a viewer when there is no account."""
    return find_user(name, path) or User(name, "viewer")


def role_of(name: str, path: Path | None = None) -> str:
    """The role an account has (used for people signed in through OpenID Connect); viewer if unknown."""
    entry = _read(path or users_file()).get(name)
    return entry["role"] if entry else "viewer"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m store.users", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create or replace an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--indicator", action="append", default=[], metavar="ID",
                     help="an indicator a lead leads (repeat for each)")
    remove = commands.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    commands.add_parser("list", help="list accounts and roles")
    args = parser.parse_args(argv)
    if args.command == "add":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
            if getpass.getpass("Again: ") != password:
                print("error: the passwords differ", file=sys.stderr)
                return 1
        try:
            user = add_user(args.name, password, args.role, leads=args.indicator)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        led = f", leading {', '.join(user.leads)}" if user.leads else ""
        print(f"{user.name} is {'an' if user.role[0] in 'aeiou' else 'a'} {user.role}{led} ({users_file()})")
    elif args.command == "remove":
        if not remove_user(args.name):
            print(f"error: there is no user {args.name}", file=sys.stderr)
            return 1
        print(f"removed {args.name}")
    else:
        for user in list_users():
            print(f"{user.name}\t{user.role}" + (f"\t{','.join(user.leads)}" if user.leads else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
