"""What the board is asked to do at a board date: to note, to agree, to escalate, with a sign-off.

The executive summary of the board view and the pack ends with it. It follows the same workflow as
commentary (store/signoff.py): an analyst drafts and submits, a lead signs off, and every change is a
new version in `board_ask_versions`, audited. Viewers and the pack read only the signed-off version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from store import door, signoff
from store.roles import LEAD_ROLE, User

WRITER_ROLE = "analyst"
FIELDS = {"note": "To note", "agree": "To agree", "escalate": "To escalate"}
_COLUMNS = ["area_code", "board_date", "version", "state", *FIELDS, "changed_by", "changed_at"]


@dataclass(frozen=True)
class BoardAsk:
    """One version of what the board is asked to do at one board date."""

    area_code: str
    board_date: date
    version: int
    state: str
    note: str
    agree: str
    escalate: str
    changed_by: str
    changed_at: datetime

    @property
    def is_signed_off(self) -> bool:
        return self.state == signoff.SIGNED_OFF

    def lines(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, field)) for field, label in FIELDS.items() if getattr(self, field)]


def history(con, area_code: str, board_date) -> list[BoardAsk]:
    """Every version for the area and board date, oldest first."""
    rows = door.handle_of(con).execute(
        f"SELECT {', '.join(_COLUMNS)} FROM board_ask_versions WHERE area_code = ? AND board_date = ? "
        "ORDER BY version", [area_code, pd.Timestamp(board_date).date()]).fetchall()
    return [_ask(row) for row in rows]


def latest(con, area_code: str, board_date) -> BoardAsk | None:
    versions = history(con, area_code, board_date)
    return versions[-1] if versions else None


def signed_off(con, area_code: str, board_date, *, by: date | None = None) -> BoardAsk | None:
    """The newest signed-off version (signed off on or before `by`, when given)."""
    end = datetime.combine(by + timedelta(days=1), datetime.min.time()) if by is not None else None
    found = [a for a in history(con, area_code, board_date) if a.is_signed_off and (end is None or a.changed_at < end)]
    return found[-1] if found else None


def board_dates(con: duckdb.DuckDBPyConnection, area_code: str) -> list[date]:
    """Board dates that have an ask, newest first."""
    return [pd.Timestamp(d).date() for (d,) in door.handle_of(con).execute(
        "SELECT DISTINCT board_date FROM board_ask_versions WHERE area_code = ? ORDER BY board_date DESC",
        [area_code]).fetchall()]


def save_draft(con, *, area_code: str, board_date, texts: dict[str, str], user: User | str | None,
               when: datetime | None = None) -> BoardAsk:
    """Store the asks as a new draft version (an analyst); unchanged text over a draft stores nothing."""
    cleaned = {field: signoff.clean_text(label, texts.get(field)) for field, label in FIELDS.items()}
    if not any(cleaned.values()):
        raise ValueError("Please write at least one thing the board is asked to note, agree or escalate.")
    with door.writing(con, user=user, action="save what the board is asked", role=WRITER_ROLE) as write:
        current = latest(write.con, area_code, board_date)
        if current is not None and current.state == signoff.DRAFT and all(
                getattr(current, f) == cleaned[f] for f in FIELDS):
            return current
        return _add_version(write, area_code, board_date, signoff.DRAFT, cleaned, current, when)


def submit(con, *, area_code: str, board_date, user: User | str | None, when: datetime | None = None) -> BoardAsk:
    with door.writing(con, user=user, action="submit what the board is asked", role=WRITER_ROLE) as write:
        current = latest(write.con, area_code, board_date)
        state = signoff.check_step("submit", current and current.state, "asks")
        return _add_version(write, area_code, board_date, state, _texts(current), current, when)


def sign_off(con, *, area_code: str, board_date, user: User | None, when: datetime | None = None) -> BoardAsk:
    """Sign off the submitted asks: a lead only, checked at the door."""
    if not isinstance(user, User):
        raise PermissionError(f"Sign in as a {LEAD_ROLE} to sign off what the board is asked.")
    with door.writing(con, user=user, action="sign off what the board is asked", role=LEAD_ROLE) as write:
        current = latest(write.con, area_code, board_date)
        state = signoff.check_step("sign off", current and current.state, "asks")
        return _add_version(write, area_code, board_date, state, _texts(current), current, when)


def _texts(ask: BoardAsk) -> dict[str, str]:
    return {field: getattr(ask, field) for field in FIELDS}


def _add_version(write: door.Writing, area_code: str, board_date, state: str, texts: dict[str, str],
                 current: BoardAsk | None, when: datetime | None) -> BoardAsk:
    version = (current.version if current else 0) + 1
    when = (when or datetime.now()).replace(microsecond=0)
    day = pd.Timestamp(board_date).date()
    write.con.execute(f"INSERT INTO board_ask_versions ({', '.join(_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * len(_COLUMNS))})",
                      [area_code, day, version, state, *(texts[f] for f in FIELDS), write.user, when])
    write.audit(f"board asks {state}", detail={"area_code": area_code, "board_date": str(day), "version": version})
    return BoardAsk(area_code, day, version, state, *(texts[f] for f in FIELDS), write.user, when)


def _ask(row: tuple) -> BoardAsk:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["board_date"] = pd.Timestamp(values["board_date"]).date()
    return BoardAsk(**values)
