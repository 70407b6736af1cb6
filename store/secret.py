"""The deployment's secret: one random key beside the accounts file, shared by every server of a store.

Session cookies are signed with it (ui/session.py) and the audit chain's anchor is signed with a key derived
from it (store/anchor.py). It is made on first use, readable by its owner only; a second process racing to
make it uses the first one's.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from store.settings import users_file

SECRET_FILE = "session_secret"


def secret_file() -> Path:
    """Where the secret lives: beside the accounts file."""
    return users_file().with_name(SECRET_FILE)


def secret() -> bytes:
    """The secret's bytes, made first if there is none yet."""
    path = secret_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")
