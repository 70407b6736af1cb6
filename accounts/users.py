"""Local accounts: each a name, a role (store/roles.py) and a salted bcrypt hash of the password.

Accounts live outside the repository in a JSON file (default `~/.config/pbip/users.json`, or the path
in `PBIP_USERS_FILE`), never with the password itself. Manage them with `python -m accounts`
(accounts/__main__.py).

Where a deployment configures an OpenID Connect provider, `ui/auth.py` signs people in with
`st.login` instead, and their role comes from this file by e-mail address (viewer when absent).
An unknown name is checked against a dummy bcrypt hash, so it answers no faster than a known one and
names cannot be guessed by timing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path

import bcrypt

from store.roles import LEAD_ROLE, User, check_role
from store.settings import users_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# bcrypt reads at most 72 bytes of a password.
BCRYPT_MAX_BYTES = 72


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
    check_role(role)
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
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


def user_named(name: str, path: Path | None = None) -> User:
    """The account by name with its role and the indicators it leads (people signed in through OpenID
    Connect); a viewer when there is no account."""
    return find_user(name, path) or User(name, "viewer")


def role_of(name: str, path: Path | None = None) -> str:
    """The role an account has (used for people signed in through OpenID Connect); viewer if unknown."""
    entry = _read(path or users_file()).get(name)
    return entry["role"] if entry else "viewer"


def first_account_hint() -> str | None:
    """When no account may upload yet, the sentence and the command (to paste into a terminal as it
    is) that make the first analyst; None once an analyst exists."""
    if any(user.can("analyst") for user in list_users()):
        return None
    variable = os.environ.get("PBIP_USERS_FILE")
    command = " ".join([*([f"PBIP_USERS_FILE={shlex.quote(variable)}"] if variable else []),
                        shlex.quote(sys.executable), "-m", "accounts", "add", "NAME", "--role", "analyst"])
    return (f"No analyst account exists yet, so nobody can upload data or edit the plan. Make the first one "
            f"(it asks for a password) with:\n\n    cd {shlex.quote(str(PROJECT_ROOT))} && {command}\n")
