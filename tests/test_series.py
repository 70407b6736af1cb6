"""regular_series_many: the matrix's batch puts every series on its calendar exactly as regular_series does alone."""

from __future__ import annotations

import pandas as pd

from analysis.series import regular_series, regular_series_many


def _rows(dates: list[str | None], values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame({"period_start": pd.to_datetime(dates), "value": values})


CASES = [
    (_rows(["2020-01-01", "2020-02-01", "2020-03-01"], [1, None, 3]), "monthly"),  # regular, one blank value
    (_rows(["2020-01-01", "2020-03-01"], [1, 3]), "monthly"),  # a missing month
    (_rows(["2020-01-01", "2020-04-01", "2020-07-01"], [1, 2, 3]), "quarterly"),
    (_rows(["2020-02-01", "2020-05-01"], [1, 2]), "quarterly"),  # not on calendar quarters
    (_rows(["2020-04-01", "2021-04-01"], [1, 2]), "annual"),
    (_rows(["2021-04-01", "2020-04-01"], [1, 2]), "annual"),  # out of order
    (_rows(["2020-04-01"], [1]), "monthly"),
    (_rows(["2020-04-01"], [1]), "annual"),
    (_rows([], []), "monthly"),
    (_rows(["2020-01-01", "2020-01-01", "2020-02-01"], [1, 2, 3]), "monthly"),  # a period twice
    (_rows(["2020-01-15", "2020-02-15"], [1, 2]), "monthly"),  # not month starts
    (_rows(["2020-01-01", None], [1, 2]), "annual"),  # a missing date
]


def test_every_series_as_regular_series_gives_it_alone():
    batch = regular_series_many([rows for rows, _ in CASES], [frequency for _, frequency in CASES])
    for (rows, frequency), (values, missing) in zip(CASES, batch, strict=True):
        alone, alone_missing = regular_series(rows, frequency)
        pd.testing.assert_series_equal(values, alone)
        assert (values.index.freq, values.index.name) == (alone.index.freq, alone.index.name), frequency
        assert missing == alone_missing
