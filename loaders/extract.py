"""What every reader returns: rows ready for the store, with the spreadsheet row they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd


@dataclass
class StoreContext:
    """What a reader may need to know about the store it is loading into."""

    indicators: pd.DataFrame          # indexed by indicator_id: multiplier, value_kind, ...
    area_codes: frozenset[str]
    today: date


@dataclass
class Extract:
    """The rows one file holds, in the store's shape.

    `observations` has the store's observation columns plus `source_row` (the spreadsheet row the
    value came from, for messages); `populations` and `areas` likewise. `skipped` counts, by reason,
    the rows of a published download that the dashboard does not store (other indicators, sexes,
    breakdowns), so the analyst is told rather than left to wonder.
    """

    layout: str
    observations: pd.DataFrame | None = None
    populations: pd.DataFrame | None = None
    areas: pd.DataFrame | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    targets: pd.DataFrame | None = None
    """Targets (store/targets.py TARGET_COLUMNS), from a targets file (loaders/targets.py)."""
    trajectories: pd.DataFrame | None = None
    """Planned values per period (store/targets.py TRAJECTORY_COLUMNS)."""
    groups: pd.DataFrame | None = None
    """Comparator groups, one row per member (loaders/groups.py: group_code, group_name, area_code, source)."""
    validated: bool = False
    """True when the reader has already made every check `loaders.pipeline.validate` makes (the tidy
    template checked with Arrow compute does, loaders/tidy_arrow.py), so a million rows are not checked twice."""

    @property
    def row_count(self) -> int:
        return sum(len(frame) for frame in (self.observations, self.populations, self.targets, self.trajectories,
                                                       self.groups)
                   if frame is not None)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """Each key's value in `mapping` (NaN where absent), looked up once per distinct key, not per row."""
    codes, distinct = pd.factorize(keys)
    found = pd.Series(distinct).map(mapping).to_numpy()
    values = found[codes] if len(found) else np.full(len(codes), np.nan, dtype=object)
    return pd.Series(values, index=keys.index).where(codes >= 0)


def left_out_words(skipped: dict[str, int]) -> str:
    """Rows left out, in words ("1,200 rows for Male or Female; 3 …"), or "" when none were."""
    return "; ".join(f"{count:,} {reason}" for reason, count in skipped.items())


def month_bounds(periods: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each month given as YYYY-MM text or dates."""
    start = pd.to_datetime(periods).dt.to_period("M").dt.start_time
    end = start + pd.offsets.MonthEnd(0)
    return start, end


def financial_year_bounds(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of financial years written "2017/18"."""
    first_year = labels.str.slice(0, 4).astype(int)
    start = pd.to_datetime(first_year.astype(str) + "-04-01")
    end = pd.to_datetime((first_year + 1).astype(str) + "-03-31")
    return start, end
