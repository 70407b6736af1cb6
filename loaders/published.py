"""Downloads of published statistics that hold more than the dashboard stores (Fingertips, NHS Digital).

One such file mixes the rows the dashboard stores with breakdowns it does not: other indicators, sexes,
age bands, deprivation deciles, providers. A reader keeps what it stores and counts what it leaves out,
by reason, in `Extract.skipped`, so the analyst can be told; a file that leaves nothing to
store is refused. Periods are written as years: "2017/18" (financial) or "2018" (calendar).
"""

from __future__ import annotations

import pandas as pd

from loaders.csvread import numbers
from loaders.errors import LoadError, Problems
from loaders.extract import Extract, financial_year_bounds, left_out_words
from loaders.geography import area_type_for
from loaders.repeats import first_rows

_FINANCIAL_YEAR = r"\d{4}/\d{2}"
_CALENDAR_YEAR = r"\d{4}"
# What two stored rows of one indicator, area and period must agree on to be the same published value.
_SAME_VALUE = ["period_end", "numerator", "denominator", "value"]


class RowFilter:
    """The rows of a file kept step by step, with how many rows each step left out and why."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.skipped: dict[str, int] = {}

    def keep(self, mask: pd.Series, reason: str) -> None:
        """Keep the rows where `mask` (computed on `self.frame`) is true; count the others under `reason`."""
        left_out = int((~mask).sum())
        if left_out:
            self.skipped[reason] = self.skipped.get(reason, 0) + left_out
        self.frame = self.frame[mask]

    def require_rows(self, file: str) -> pd.DataFrame:
        """The kept rows; a LoadError saying what was left out when none are left."""
        if self.frame.empty:
            left_out = left_out_words(self.skipped)
            raise LoadError(f"has no rows the dashboard stores (left out: {left_out or 'nothing'})", file=file)
        return self.frame


def refuse_first(mask: pd.Series, text: pd.Series, file: str, column: str, reason: str) -> None:
    """LoadError at the first row where `mask` is true; `reason` may quote the cell as {value}."""
    if mask.any():
        row = mask.idxmax()
        raise LoadError(reason.format(value=text[row]), file=file, row=int(row), column=column)


def year_bounds(labels: pd.Series, file: str, column: str, *,
                calendar: bool = True) -> tuple[pd.Series, pd.Series]:
    """First and last day of each period written "2017/18" (1 April to 31 March) or "2018" (the year).

    Any other period (quarters, pooled years such as "2016 - 18") is a LoadError naming the cell, as is
    a calendar year when `calendar` is False.
    """
    financial = labels.str.fullmatch(_FINANCIAL_YEAR)
    whole_year = labels.str.fullmatch(_CALENDAR_YEAR) & calendar
    expected = "a financial year written like 2017/18" + (" or a calendar year like 2018" if calendar else "")
    refuse_first(~(financial | whole_year), labels, file, column, f'"{{value}}" is not {expected}')
    first = labels.str.slice(0, 4).astype(int)
    second = pd.to_numeric(labels.str.slice(5, 7).where(financial), errors="coerce")
    refuse_first(financial & (second != (first + 1) % 100), labels, file, column,
                 f'"{{value}}" is not {expected} (the years must follow one another)')
    fy_start, fy_end = financial_year_bounds(labels.where(financial, "1900/01"))
    start = fy_start.where(financial, pd.to_datetime(first.astype(str) + "-01-01"))
    end = fy_end.where(financial, pd.to_datetime(first.astype(str) + "-12-31"))
    return start, end


def age_band(labels: pd.Series) -> pd.Series:
    """Published age groups in the store's words, for comparing: "65+ yrs" is "65+", "All ages" "all ages"."""
    return labels.str.lower().str.replace(r"\s*(yrs|years)$", "", regex=True).str.strip()


def denominators(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """A denominator column as numbers, missing where suppressed; zero is refused (nothing divides by it)."""
    values = numbers(frame, column, file, minimum=0)
    refuse_first(values == 0, frame[column], file, column, '"{value}" must be above 0 for a denominator')
    return values


def join_notes(*parts: pd.Series) -> pd.Series:
    """Each row's non-empty parts joined with "; ", or None when it has none."""
    table = pd.concat([part.astype("object") for part in parts], axis=1)
    joined = ["; ".join(p for p in row if isinstance(p, str) and p) or None for row in table.itertuples(index=False)]
    return pd.Series(joined, index=table.index, dtype="object")


def _drop_repeats(observations: pd.DataFrame, file: str, column: str) -> tuple[pd.DataFrame, int]:
    """Observations with each indicator, area and period once, and how many repeats were dropped.

    A download can list one area under several area types (Fingertips lists a unitary council under
    both "District & UA" and "County & UA"): a repeat of the same value is dropped; a repeat with a
    different value is a LoadError at its row, naming `column`.
    """
    key = ["indicator_id", "area_code", "period_start"]
    repeat = observations.duplicated(key)
    if not repeat.any():
        return observations, 0
    first = observations[~repeat].set_index(key)[_SAME_VALUE]
    again = observations[repeat]
    differs = pd.Series(False, index=again.index)
    for name in _SAME_VALUE:
        before = first[name].reindex(pd.MultiIndex.from_frame(again[key])).to_numpy()
        now = again[name].to_numpy()
        differs |= ~((pd.isna(before) & pd.isna(now)) | (before == now))
    if differs.any():
        first_row = first_rows(observations[key], observations["source_row"])
        problems = Problems(file)
        problems.flag(differs.reindex(observations.index, fill_value=False), column,
                      "repeats the indicator, area and period of row {value} with a different value",
                      first_row, observations["source_row"])
        raise problems.error()
    return observations[~repeat], int(repeat.sum())


def published_extract(layout: str, observations: pd.DataFrame, codes: pd.Series, names: pd.Series,
                      rows: RowFilter, file: str, column: str, repeated: str) -> Extract:
    """The Extract of a published download: repeats dropped and counted as `repeated`, areas typed by code.

    `column` names the area column for a repeat that disagrees; `codes` and `names` are the kept rows'
    area codes and names.
    """
    observations, repeats = _drop_repeats(observations, file, column)
    if repeats:
        rows.skipped[repeated] = repeats
    areas = pd.DataFrame({"area_code": codes, "area_name": names}).drop_duplicates("area_code")
    areas = areas.assign(area_type=areas["area_code"].map(area_type_for), region=None)
    return Extract(layout=layout, observations=observations.reset_index(drop=True), areas=areas,
                   skipped=rows.skipped)
