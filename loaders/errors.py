"""The one error a loader raises: every problem found in a file, each naming the file, row and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

# Enough to show a pattern (a whole column wrong) without burying the page; the rest are counted.
MAX_PROBLEMS_SHOWN = 50
# A cell quoted in a message is cut to this, so a 45 MB cell never reaches the page.
QUOTED_CHARS = 60


# A file name longer than this is shortened in messages (the middle is left out).
FILE_NAME_CHARS = 120


def shown_file_name(name: str) -> str:
    """The name a message gives a file: its last path part, shortened in the middle when very long."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    return name if len(name) <= FILE_NAME_CHARS else f"{name[:90]}…{name[-25:]}"


def upload_suffix(name: str) -> str:
    """The extension an uploaded file is saved with (".csv", ".xls" ...), safe for any file system."""
    suffix = "".join(PurePosixPath(shown_file_name(name)).suffixes[-1:]).lower()
    return suffix if len(suffix) <= 6 and suffix[1:].isalnum() else ""


def quoted(value: object) -> str:
    """A cell's text as a message quotes it, cut short when long."""
    text = str(value)
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (spreadsheet row, header = row 1; column; sheet) and what."""

    reason: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def sentence(self, file: str) -> str:
        where = [file]
        if self.sheet is not None:
            where.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.reason}"


class LoadError(Exception):
    """A file that cannot be loaded, with every problem found in it (up to MAX_PROBLEMS_SHOWN).

    `row`, `column`, `sheet` and `reason` are those of the first problem; `problems` lists them all
    in row order and `more` counts those beyond the cap. `row` counts the way a person sees the file
    in a spreadsheet (header = row 1); `row` and `column` are None when the problem is the file as a
    whole.
    """

    def __init__(self, message: str | None = None, *, file: str, row: int | None = None,
                 column: str | None = None, sheet: str | None = None,
                 problems: list[Problem] | None = None, more: int = 0) -> None:
        found = list(problems or [])
        if message is not None:
            found.insert(0, Problem(message, row, column, sheet))
        if not found:
            raise ValueError("a LoadError needs at least one problem")
        self.file = file
        self.problems = found
        self.more = more
        first = found[0]
        self.reason, self.row, self.column, self.sheet = first.reason, first.row, first.column, first.sheet
        super().__init__(self._text())

    @property
    def total(self) -> int:
        """How many problems were found, including those beyond the cap."""
        return len(self.problems) + self.more

    def sentences(self) -> list[str]:
        """One sentence per problem, each naming the file, plus "and N more problems" past the cap."""
        lines = [problem.sentence(self.file) for problem in self.problems]
        if self.more:
            lines.append(f"{self.file}: and {self.more:,} more problem{'s' if self.more != 1 else ''} "
                         "not listed")
        return lines

    def _text(self) -> str:
        return "\n".join(self.sentences())


def _row_key(problem: Problem) -> tuple[int, int]:
    return (0, 0) if problem.row is None else (1, problem.row)


class Problems:
    """Collects every problem a file has, then raises them together as one LoadError.

    Only the first MAX_PROBLEMS_SHOWN of each check are kept as sentences; the rest are counted, so a
    file with a million bad cells costs no more to report than one with fifty.
    """

    def __init__(self, file: str, limit: int = MAX_PROBLEMS_SHOWN) -> None:
        self.file = file
        self.limit = limit
        self._found: list[Problem] = []
        self._beyond = 0
        self._checks: set[tuple[str | None, str, str | None]] = set()

    def __bool__(self) -> bool:
        return bool(self._found) or self._beyond > 0

    def add(self, reason: str, *, row: int | None = None, column: str | None = None,
            sheet: str | None = None) -> None:
        if len(self._found) < self.limit * 4:
            self._found.append(Problem(reason, row, column, sheet))
        else:
            self._beyond += 1

    def flag(self, mask: pd.Series, column: str | None, reason: str, values: pd.Series | None = None,
             rows: pd.Series | None = None, sheet: str | None = None) -> bool:
        """Add a problem for each row where `mask` holds; `reason` may quote the cell as {value}.

        Rows are the mask's index (spreadsheet rows) unless `rows` gives them. True when any was found.
        A check already reported for the same column is not reported twice.
        """
        mask = mask.fillna(False).astype(bool)
        count = int(mask.sum())
        if not count:
            return False
        check = (column, reason, sheet)
        if check in self._checks:
            return True
        self._checks.add(check)
        hits = mask.index[mask.to_numpy()][: self.limit]
        for position in hits:
            value = "" if values is None else quoted(values[position])
            where = position if rows is None else rows[position]
            row = None if where is None or pd.isna(where) else int(where)
            self._found.append(Problem(reason.format(value=value), row, column, sheet))
        self._beyond += count - len(hits)
        return True

    def error(self) -> LoadError:
        ordered = sorted(self._found, key=_row_key)
        shown = ordered[: self.limit]
        return LoadError(file=self.file, problems=shown, more=len(ordered) - len(shown) + self._beyond)

    def raise_if_any(self) -> None:
        """Raise every problem collected so far as one LoadError; do nothing when there are none."""
        if self:
            raise self.error()
