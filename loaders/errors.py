"""The one error a loader raises: it names the file, the row and the column."""

from __future__ import annotations


class LoadError(Exception):
    """A file that cannot be loaded, and exactly where it goes wrong.

    `row` counts the way a person sees the file in a spreadsheet (header = row 1);
    `row` and `column` are None when the problem is the file as a whole.
    """

    def __init__(self, message: str, *, file: str, row: int | None = None,
                 column: str | None = None, sheet: str | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.sheet = sheet
        self.reason = message
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{', '.join(where)}: {self.reason}"
