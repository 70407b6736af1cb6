"""Is it good enough? The target in force, and the *Making Data Count* assurance against it.

The assurance icon follows NHSRplotthedots 0.2.2 (``R/ptd_calculate_assurance_type.R``; the team's SPC
``RULES.md`` section 5) line by line:

* it is judged only with a target and a direction (here the target's own: "at or below" is the
  indicator's "decrease", "at or above" its "increase");
* against the **last segment's** process limits (after the last rebase), the limits the process
  will keep producing values between;
* ``target > upl``: "increase" fails, "decrease" passes; ``target < lpl``: "increase" passes, "decrease"
  fails; anything else, including a target exactly on a limit (the tests are strict) or missing limits,
  is hit and miss.

Where this goes beyond the reference: the target is the one in force for the latest period (targets have
effective dates; the reference takes one number), and a neutral indicator with a target is judged by the
target's direction (the reference gives none). A **trajectory** (a planned value per period) does not
change the icon: a process is judged against a fixed target, as *Making Data Count* says; the latest
value is compared with its period's planned value, in words ("on plan", "off plan"), and both are drawn.

Pure: frames in, values out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.periods import format_value

# The target's direction as the store keeps it, and the indicator's improvement direction it means.
IMPROVEMENT_OF = {"at_or_below": "decrease", "at_or_above": "increase"}
DIRECTION_OF = {"decrease": "at_or_below", "increase": "at_or_above"}
DIRECTION_WORDS = {"at_or_below": "at or below", "at_or_above": "at or above"}


@dataclass(frozen=True)
class Target:
    """A target: a value to be at or below (or above), in force from one date (to another), and its source."""

    value: float
    direction: str
    effective_from: pd.Timestamp
    effective_to: pd.Timestamp | None = None
    source: str = ""
    source_url: str | None = None
    set_by: str | None = None

    @property
    def improvement_direction(self) -> str:
        return IMPROVEMENT_OF[self.direction]

    def in_force(self, when: pd.Timestamp) -> bool:
        return self.effective_from <= when and (self.effective_to is None or when <= self.effective_to)

    def text(self, value_kind: str, unit: str = "") -> str:
        """'at or below 9.4 from September 2017' (with the unit after the value when given; 'to March 2019' when
        it ends)."""
        until = f" to {self.effective_to:%B %Y}" if self.effective_to is not None else ""
        return (f"{DIRECTION_WORDS[self.direction]} {format_value(self.value, value_kind)}{' ' + unit if unit else ''} "
                f"from {self.effective_from:%B %Y}{until}")


@dataclass(frozen=True)
class Assurance:
    """The assurance icon and what it was judged on, in words the board reads."""

    icon: str | None
    """``pass``, ``fail``, ``hit_or_miss``; None without a target in force (or without data)."""
    target: Target | None
    lpl: float | None
    upl: float | None
    judged: str
    """How the icon was reached, in a sentence: the target, the limits and the segment they come from."""
    trajectory: str | None = None
    """The latest value against its period's planned value, in a sentence (None without a trajectory)."""


def targets_from(frame: pd.DataFrame | None) -> tuple[Target, ...]:
    """Stored target rows (store.targets.targets_of) as Targets, oldest first."""
    if frame is None or frame.empty:
        return ()
    return tuple(
        Target(float(row.value), str(row.direction), pd.Timestamp(row.effective_from),
               None if _missing(row.effective_to) else pd.Timestamp(row.effective_to), str(row.source),
               None if _missing(row.source_url) else str(row.source_url),
               None if _missing(getattr(row, "set_by", None)) else str(row.set_by))
        for row in frame.sort_values("effective_from", kind="stable").itertuples(index=False))


def target_in_force(targets: tuple[Target, ...], when: pd.Timestamp | None) -> Target | None:
    """The target in force for a period starting ``when``: of those whose dates hold it, the latest set from."""
    if when is None:
        return None
    holding = [t for t in targets if t.in_force(pd.Timestamp(when))]
    return max(holding, key=lambda t: t.effective_from) if holding else None


def assurance_icon(improvement_direction: str, target: float | None, lpl: float | None, upl: float | None
                   ) -> str | None:
    """NHSRplotthedots' ``ptd_calculate_assurance_type`` for one series: pass, fail, hit_or_miss or None."""
    if target is None or improvement_direction not in ("increase", "decrease"):
        return None
    lpl = math.nan if lpl is None else lpl
    upl = math.nan if upl is None else upl
    if target > upl:
        return "fail" if improvement_direction == "increase" else "pass"
    if target < lpl:
        return "pass" if improvement_direction == "increase" else "fail"
    return "hit_or_miss"


def assure(points: pd.DataFrame, target: Target | None, *, value_kind: str, improvement_direction: str = "decrease",
           trajectory: pd.Series | None = None, latest: tuple[pd.Timestamp, float] | None = None) -> Assurance:
    """The assurance of an XmR result (``analysis.spc.xmr``; its ``segments`` attribute) against a target.

    ``trajectory`` holds planned values on a DatetimeIndex; ``latest`` is the latest period and value.
    """
    planned = _against_plan(trajectory, latest, target, value_kind, improvement_direction)
    segments = points.attrs.get("segments") or []
    if target is None or not segments or latest is None:
        judged = ("No target is in force for the latest period." if latest is not None
                  else "No data, so nothing to judge.")
        return Assurance(None, target, None, None, judged, planned)
    last = segments[-1]
    lpl, upl = last["lpl"], last["upl"]
    icon = assurance_icon(target.improvement_direction, target.value, lpl, upl)
    shown = format_value(target.value, value_kind)
    since = (f"since the rebase in {pd.Timestamp(last['start']):%B %Y}" if len(segments) > 1
             else f"from {pd.Timestamp(last['start']):%B %Y}")
    if any(map(_missing, (lpl, upl))):
        judged = (f"The process limits cannot be computed yet ({since}), so the target "
                  f"({DIRECTION_WORDS[target.direction]} {shown}) is hit and miss until they can.")
    else:
        span = f"{format_value(lpl, value_kind)} to {format_value(upl, value_kind)}"
        judged = {
            "pass": f"The process varies between {span} ({since}), all {DIRECTION_WORDS[target.direction]} the "
                    f"target of {shown}: it will consistently meet it unless the process changes.",
            "fail": f"The process varies between {span} ({since}), all on the wrong side of the target "
                    f"({DIRECTION_WORDS[target.direction]} {shown}): it will consistently miss it unless the "
                    "process changes.",
            "hit_or_miss": f"The target of {shown} lies within the process limits, {span} ({since}): "
                           "it will be met in some periods and missed in others by chance alone.",
        }[icon]
    return Assurance(icon, target, lpl, upl, judged, planned)


def _against_plan(trajectory: pd.Series | None, latest: tuple[pd.Timestamp, float] | None, target: Target | None,
                  value_kind: str, improvement_direction: str) -> str | None:
    """'On plan: 12.3 against 12.0 planned for March 2019' (or off plan), judged in the target's direction."""
    if trajectory is None or trajectory.empty or latest is None:
        return None
    when, value = latest
    planned = trajectory.get(pd.Timestamp(when))
    if planned is None or _missing(planned):
        return (f"The trajectory plans no value for {pd.Timestamp(when):%B %Y}, the latest period; it is drawn "
                "on the chart.")
    better_low = target.direction == "at_or_below" if target else improvement_direction != "increase"
    met = value <= planned if better_low else value >= planned
    return (f"{'On plan' if met else 'Off plan'}: {format_value(value, value_kind)} against "
            f"{format_value(float(planned), value_kind)} planned for {pd.Timestamp(when):%B %Y} (the trajectory is "
            "judged period by period; the assurance icon against the target).")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


__all__ = ["DIRECTION_OF", "DIRECTION_WORDS", "IMPROVEMENT_OF", "Assurance", "Target", "assurance_icon", "assure",
           "target_in_force", "targets_from"]
