"""Rows that repeat a key given above: a LoadError problem naming both rows, never a bare ValueError."""

from __future__ import annotations

import pandas as pd

from loaders.errors import Problems


def first_rows(keys: pd.DataFrame, rows: pd.Series | None = None) -> pd.Series:
    """For each row, the spreadsheet row where its key first appears (its own row when it is the first)."""
    rows = pd.Series(keys.index if rows is None else rows.to_numpy(), index=keys.index)
    return rows.groupby([keys[column] for column in keys.columns], dropna=False, sort=False).transform("min")


def report_repeats(keys: pd.DataFrame, problems: Problems, column: str, words: str,
                   rows: pd.Series | None = None) -> None:
    """Report each row whose `keys` repeat a row above, naming that row ("repeats ... of row 2").

    `keys` is indexed by spreadsheet row unless `rows` gives the rows.
    """
    repeat = keys.duplicated()
    if not repeat.any():
        return
    first = first_rows(keys, rows)
    problems.flag(repeat, column, f"repeats the {words} of row {{value}}", first, rows)
