"""Roles: viewers read; analysts upload, undo loads, edit the plan's actions and draft commentary; leads
also sign off the commentary of the indicators they lead (named beside their account).

The floor of the store (it imports nothing of the project): the door checks a writer's role here, and
the accounts package (accounts/) gives each signed-in person a `User` with one of these roles.
"""

from __future__ import annotations

from dataclasses import dataclass

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
