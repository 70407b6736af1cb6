"""Roles: viewers read; analysts upload, undo loads and edit the plan's actions.

The floor of the store (it imports nothing of the project): the door checks a writer's role here, and
the accounts package (accounts/) gives each signed-in person a `User` with one of these roles.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("viewer", "analyst")
# A role may do everything the roles before it may do.
_RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class User:
    """Someone signed in, with the one role that decides what they may change."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]


def check_role(role: str) -> None:
    """ValueError with a sentence when `role` is not one of ROLES."""
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')


def require_role(user: User | None, role: str) -> User:
    """The user, when they hold `role` (or a higher one); PermissionError with a sentence otherwise."""
    check_role(role)
    article = "an" if role[0] in "aeiou" else "a"
    if user is None:
        raise PermissionError(f"Sign in as {article} {role} to do this.")
    if not isinstance(user, User) or not user.can(role):
        name = getattr(user, "name", str(user))
        current = getattr(user, "role", "none")
        raise PermissionError(f"{name} has the {current} role; only {article} {role} may do this.")
    return user
