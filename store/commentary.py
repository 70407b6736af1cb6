"""Commentary on an indicator, for an area and a reporting period, with an owner and a sign-off.

It answers the board's "why" and "what are we doing about it": what the data shows, why, what is being
done (naming the plan actions it links), when improvement is expected, and who owns it. Every change is
a new version in `commentary_versions` (store/signoff.py: draft → submitted → signed off), audited;
nothing is overwritten.

- `save_draft` and `submit`: an analyst (or a lead), through the door with the analyst role;
- `sign_off`: only a lead *of that indicator* (`leads` in the accounts file, store/roles.py), checked by the door;
- `signed_off(...)`: what a viewer reads, the latest signed-off version, optionally as it stood on a day
  (a board pack as at a date prints only what had been signed off by then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from store import door, signoff
from store.roles import LEAD_ROLE, User

WRITER_ROLE = "analyst"
# The fields a person writes, with the words the page and the pack label them by.
FIELDS = {"what_data_shows": "What the data shows", "why": "Why", "what_is_being_done": "What is being done",
          "improvement_expected": "When improvement is expected", "owner": "Owner"}
# A draft needs something to say; a submission also needs the owner who answers for it.
NEEDED_TO_SUBMIT = ("what_data_shows", "owner")
NO_COMMENTARY = "No commentary yet"
_COLUMNS = ["indicator_id", "area_code", "period_start", "version", "state", *FIELDS, "action_refs",
            "changed_by", "changed_at"]


@dataclass(frozen=True)
class Commentary:
    """One version of the commentary on an indicator for an area and reporting period."""

    indicator_id: str
    area_code: str
    period_start: date
    version: int
    state: str
    what_data_shows: str
    why: str
    what_is_being_done: str
    improvement_expected: str
    owner: str
    action_refs: tuple[str, ...]
    changed_by: str
    changed_at: datetime

    @property
    def is_signed_off(self) -> bool:
        return self.state == signoff.SIGNED_OFF

    def lines(self) -> list[tuple[str, str]]:
        """(label, text) for every field written, in reading order; the linked actions after the doing."""
        out = []
        for field, label in FIELDS.items():
            text = getattr(self, field)
            if text:
                out.append((label, text))
            if field == "what_is_being_done" and self.action_refs:
                out.append(("Plan actions", ", ".join(self.action_refs)))
        return out


def _key(indicator_id: str, area_code: str, period_start) -> dict:
    return {"indicator": str(indicator_id), "area": str(area_code), "period": pd.Timestamp(period_start).date()}


def history(con: duckdb.DuckDBPyConnection, indicator_id: str, area_code: str,
            period_start=None) -> list[Commentary]:
    """Every version for the indicator and area (one period, or all), oldest first."""
    key = _key(indicator_id, area_code, period_start or "1900-01-01")
    rows = door.handle_of(con).execute(f"""
        SELECT {', '.join(_COLUMNS)} FROM commentary_versions
        WHERE indicator_id = $indicator AND area_code = $area
          AND ($all OR period_start = $period)
        ORDER BY period_start, version
    """, {**key, "all": period_start is None}).fetchall()
    return [_commentary(row) for row in rows]


def latest(con, indicator_id: str, area_code: str, period_start) -> Commentary | None:
    """The newest version for one reporting period, whatever its state (an analyst's working copy)."""
    versions = history(con, indicator_id, area_code, period_start)
    return versions[-1] if versions else None


def signed_off(con, indicator_id: str, area_code: str, period_start, *, by: date | None = None
               ) -> Commentary | None:
    """The newest signed-off version for one reporting period (signed off on or before `by`, when given)."""
    end = datetime.combine(by + timedelta(days=1), datetime.min.time()) if by is not None else None
    found = [c for c in history(con, indicator_id, area_code, period_start)
             if c.is_signed_off and (end is None or c.changed_at < end)]
    return found[-1] if found else None


def save_draft(con, *, indicator_id: str, area_code: str, period_start, texts: dict[str, str],
               action_refs: list[str] | tuple[str, ...] = (), user: User | str | None,
               when: datetime | None = None) -> Commentary:
    """Store the text as a new draft version (an analyst); returns it. Unchanged text over a draft stores nothing."""
    cleaned = {field: signoff.clean_text(label, texts.get(field)) for field, label in FIELDS.items()}
    if not cleaned["what_data_shows"]:
        raise ValueError(f'Please write "{FIELDS["what_data_shows"]}" before saving the commentary.')
    refs = tuple(dict.fromkeys(str(r).strip() for r in action_refs if str(r).strip()))
    with door.writing(con, user=user, action="save the commentary", role=WRITER_ROLE) as write:
        unknown = [r for r in refs if not write.con.execute(
            "SELECT 1 FROM plan_actions_t WHERE ref = ?", [r]).fetchone()]
        if unknown:
            raise ValueError(f"There is no plan action {', '.join(unknown)}; link only actions the plan holds.")
        current = latest(write.con, indicator_id, area_code, period_start)
        if (current is not None and current.state == signoff.DRAFT and current.action_refs == refs
                and all(getattr(current, f) == cleaned[f] for f in FIELDS)):
            return current
        return _add_version(write, indicator_id, area_code, period_start, signoff.DRAFT, cleaned, refs, current,
                            when)


def submit(con, *, indicator_id: str, area_code: str, period_start, user: User | str | None,
           when: datetime | None = None) -> Commentary:
    """Submit the latest draft for sign-off (an analyst): a new version, the same text, state submitted."""
    with door.writing(con, user=user, action="submit the commentary", role=WRITER_ROLE) as write:
        current = latest(write.con, indicator_id, area_code, period_start)
        state = signoff.check_step("submit", current and current.state, "commentary")
        missing = [FIELDS[f] for f in NEEDED_TO_SUBMIT if not getattr(current, f)]
        if missing:
            raise ValueError(f'Please write "{missing[0]}" before submitting the commentary.')
        return _add_version(write, indicator_id, area_code, period_start, state, _texts(current),
                            current.action_refs, current, when)


def sign_off(con, *, indicator_id: str, area_code: str, period_start, user: User | None,
             when: datetime | None = None) -> Commentary:
    """Sign off the submitted commentary: only a lead of this indicator, checked at the door."""
    if not isinstance(user, User):
        # A sign-off is a person's word: the command line's trusted name cannot give it.
        raise PermissionError(f"Sign in as the {LEAD_ROLE} of this indicator to sign off its commentary.")
    with door.writing(con, user=user, action="sign off the commentary", role=LEAD_ROLE,
                      indicator=indicator_id) as write:
        current = latest(write.con, indicator_id, area_code, period_start)
        state = signoff.check_step("sign off", current and current.state, "commentary")
        return _add_version(write, indicator_id, area_code, period_start, state, _texts(current),
                            current.action_refs, current, when)


def _texts(commentary: Commentary) -> dict[str, str]:
    return {field: getattr(commentary, field) for field in FIELDS}


def _add_version(write: door.Writing, indicator_id: str, area_code: str, period_start, state: str,
                 texts: dict[str, str], refs: tuple[str, ...], current: Commentary | None,
                 when: datetime | None) -> Commentary:
    version = (current.version if current else 0) + 1
    when = (when or datetime.now()).replace(microsecond=0)
    key = _key(indicator_id, area_code, period_start)
    write.con.execute(f"INSERT INTO commentary_versions ({', '.join(_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(_COLUMNS))})",
                      [key["indicator"], key["area"], key["period"], version, state,
                       *(texts[f] for f in FIELDS), ",".join(refs), write.user, when])
    write.audit(f"commentary {state}", detail={"indicator_id": key["indicator"], "area_code": key["area"],
                                               "period_start": str(key["period"]), "version": version})
    return Commentary(key["indicator"], key["area"], key["period"], version, state, *(texts[f] for f in FIELDS),
                      refs, write.user, when)


def _commentary(row: tuple) -> Commentary:
    values = dict(zip(_COLUMNS, row, strict=True))
    refs = tuple(r for r in str(values.pop("action_refs") or "").split(",") if r)
    values["period_start"] = pd.Timestamp(values["period_start"]).date()
    return Commentary(**values, action_refs=refs)
