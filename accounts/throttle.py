"""The sign-in throttle's rule: a few free failures, then a wait that doubles with each further failure.

A leaf: both the throttle in memory (accounts/sign_in.py) and the one counted in the state file every
server shares (accounts/sign_in_state.py) read it from here.
"""

from __future__ import annotations

import math
import os

SIGN_IN_DELAY_VARIABLE = "PBIP_SIGN_IN_DELAY_SECONDS"
# The first wait after the free failures; each further failure doubles it, up to the cap.
DEFAULT_SIGN_IN_DELAY_SECONDS = 2.0
# Typing slips a person makes before any wait (OWASP: lock out after a few, not after one).
FREE_SIGN_IN_FAILURES = 3
MAX_SIGN_IN_DELAY_SECONDS = 15 * 60
# A name's failures are forgotten after a quiet day, so an old slip never slows a later sign-in.
FORGET_FAILURES_AFTER_SECONDS = 24 * 60 * 60


def sign_in_delay_seconds() -> float:
    """The first wait after the free failures: `PBIP_SIGN_IN_DELAY_SECONDS`, else the default."""
    return float(os.environ.get(SIGN_IN_DELAY_VARIABLE) or DEFAULT_SIGN_IN_DELAY_SECONDS)


class SignInLocked(Exception):
    """Too many failed sign-ins: no attempt is checked until `seconds` have passed."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"Too many failed sign-ins: try again in {max(1, math.ceil(seconds))} seconds.")
