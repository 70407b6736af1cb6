"""Roles: viewers read; analysts upload, undo loads, edit the plan's actions and draft commentary; leads
also sign off the commentary of the indicators they lead (named beside their account).

The floor of the store (it imports nothing of the project): the door checks a writer's role here, and
the accounts package (accounts/) gives each signed-in person a `User` with one of these roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("viewer", "analyst", "lead")
# The role that signs off commentary, for the indicators named beside it in the accounts file.
LEAD_ROLE = "lead"
# A role may do everything the roles before it may do.
_RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True)
class User:
    """Someone signed in, with the one role that decides what they may change."""

    name: str
    role: str
    leads: tuple[str, ...] = ()
    """The indicators (ids) this person leads: a lead signs off their commentary and no other."""
    session: str | None = field(default=None, compare=False)
    """The signed-in session's id (its cookie's), rechecked at every write; None for code and scripts."""
    oidc: bool = field(default=False, compare=False)
    """Signed in through OpenID Connect: the role comes from the accounts by e-mail, no account needed."""

    def can(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]

    def leads_indicator(self, indicator_id: str) -> bool:
        return self.can(LEAD_ROLE) and indicator_id in self.leads


def check_role(role: str) -> None:
    """ValueError with a sentence when `role` is not one of ROLES."""
    if role not in _RANK:
        raise ValueError(f'"{role}" is not a role (roles: {", ".join(ROLES)})')


def require_role(user: User | None, role: str, *, indicator: str | None = None) -> User:
    """The user, when they hold `role` (or a higher one), and, with `indicator`, lead that indicator;
    PermissionError with a sentence otherwise."""
    check_role(role)
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


_recheck: Callable[[User], User | None] | None = None


def set_recheck(check: Callable[[User], User | None]) -> None:
    """How a signed-in writer is rechecked against the accounts and sign-outs (accounts.sign_in.current)."""
    global _recheck
    _recheck = check


def recheck(user: User) -> User:
    """A signed-in user as they stand now; PermissionError when signed out or removed since.

    A User made by code (no session) is taken as it is. One with a session and nothing to check it with is
    refused: a signed-in person's write is never trusted on the tab's word."""
    if user.session is None:
        return user
    checked = _recheck(user) if _recheck is not None else None
    if checked is None:
        raise PermissionError(f"{user.name} is no longer signed in (signed out in another tab or on another "
                              "server, or the account was removed); sign in again. Nothing was written.")
    return checked
