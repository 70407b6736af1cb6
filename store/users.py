"""Local accounts and roles: viewers read; analysts upload, undo loads and edit actions.

Accounts live outside the repository in a JSON file (default `~/.config/pbip/users.json`, or the path
in `PBIP_USERS_FILE`), each with a role and a salted bcrypt hash of its password, never the password.
Manage them with

    python -m store.users add NAME --role analyst|viewer [--password-stdin]
    python -m store.users remove NAME
    python -m store.users list

Where a deployment configures an OpenID Connect provider, `ui/auth.py` signs people in with
`st.login` instead, and their role comes from this file by e-mail address (viewer when absent).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import bcrypt

ROLES = ("viewer", "analyst")
# A role may do everything the roles before it may do.
_RANK = {role: rank for rank, role in enumerate(ROLES)}
DEFAULT_USERS_FILE = Path("~/.config/pbip/users.json")


@dataclass(frozen=True)
class User:
    """Someone signed in, with the one role that decides what they may change."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]


def users_file() -> Path:
    """Where the accounts are kept: `PBIP_USERS_FILE`, else ~/.config/pbip/users.json."""
    return Path(os.environ.get("PBIP_USERS_FILE") or DEFAULT_USERS_FILE).expanduser()


def require_role(user: User | None, role: str) -> User:
    """The user, when they hold `role` (or a higher one); PermissionError with a sentence otherwise."""
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')
    article = "an" if role[0] in "aeiou" else "a"
    if user is None:
        raise PermissionError(f"Sign in as {article} {role} to do this.")
    if not isinstance(user, User) or not user.can(role):
        name = getattr(user, "name", str(user))
        current = getattr(user, "role", "none")
        raise PermissionError(f"{name} has the {current} role; only {article} {role} may do this.")
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


def add_user(name: str, password: str, role: str, path: Path | None = None) -> User:
    """Create or replace an account; the password is kept only as a salted bcrypt hash."""
    name = name.strip()
    if not name:
        raise ValueError("a user needs a name")
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    if len(password.encode("utf-8")) > 72:
        raise ValueError("a password can have at most 72 bytes (the bcrypt limit)")
    path = path or users_file()
    users = _read(path)
    users[name] = {"role": role,
                   "password_hash": bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")}
    _write(path, users)
    return User(name, role)


def remove_user(name: str, path: Path | None = None) -> bool:
    path = path or users_file()
    users = _read(path)
    if name not in users:
        return False
    del users[name]
    _write(path, users)
    return True


def list_users(path: Path | None = None) -> list[User]:
    return [User(name, entry["role"]) for name, entry in sorted(_read(path or users_file()).items())]


def authenticate(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when the name and password match an account; None otherwise."""
    entry = _read(path or users_file()).get(name.strip())
    if entry is None or len(password.encode("utf-8")) > 72:
        return None
    if bcrypt.checkpw(password.encode("utf-8"), entry["password_hash"].encode("ascii")):
        return User(name.strip(), entry["role"])
    return None


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
            user = add_user(args.name, password, args.role)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{user.name} is an {user.role} ({users_file()})")
    elif args.command == "remove":
        if not remove_user(args.name):
            print(f"error: there is no user {args.name}", file=sys.stderr)
            return 1
        print(f"removed {args.name}")
    else:
        for user in list_users():
            print(f"{user.name}\t{user.role}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
