"""The incoming rows as the store's writes and the preview hand them to DuckDB (store/writes.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from store import writes

SELECT_TYPED = """
SELECT indicator_id::VARCHAR AS indicator_id, area_code::VARCHAR AS area_code,
       period_start::DATE AS period_start, period_end::DATE AS period_end,
       numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator,
       value::DOUBLE AS value, value_note::VARCHAR AS value_note
FROM incoming
"""


def _read_back(frame) -> list[tuple]:
    con = duckdb.connect()
    con.register("incoming", frame)
    return con.execute(SELECT_TYPED).fetchall()


def _observations(**columns) -> pd.DataFrame:
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    base = {"indicator_id": pd.Series(["dtoc_18", "dtoc_18", "ae_attendances_65"], dtype=text),
            "area_code": pd.Series(["E06000014", "E92000001", "E06000014"], dtype=text),
            "period_start": pd.to_datetime(["2018-04-01", "2018-04-01", "2018-05-01"]).astype("datetime64[us]"),
            "period_end": pd.to_datetime(["2018-04-30", "2018-04-30", "2018-05-31"]).astype("datetime64[us]"),
            "numerator": [34.0, np.nan, 12.0], "denominator": [np.nan, np.nan, 1000.0],
            "value": [34.07, np.nan, 1.2], "value_note": [None, "suppressed", None]}
    return pd.DataFrame({**base, **columns})


class TestAsScanned:
    @pytest.mark.parametrize("frame", [
        _observations(),
        _observations(value_note=[None, None, None]),
        _observations(period_start=[date(2018, 4, 1), date(2018, 4, 1), date(2018, 5, 1)]),
        _observations().drop(columns=["value_note", "denominator"]),
        _observations().head(0),
        _observations(numerator=[1.0, "2", 3.0]),
    ], ids=["typed", "notes_all_missing", "dates_as_objects", "columns_absent", "no_rows", "text_among_numbers"])
    def test_duckdb_reads_the_same_rows_as_from_arrow(self, frame):
        """Whatever the frame holds, DuckDB reads the rows it read from the Arrow table, cell for cell."""
        columns = writes.OBSERVATION_COLUMNS
        assert _read_back(writes.as_scanned(frame, columns)) == _read_back(writes.as_arrow(frame, columns))

    def test_text_is_dictionary_encoded_and_numbers_and_dates_are_numpy(self):
        """No Python string per cell: text arrives as categoricals, the rest as numpy columns."""
        scanned = writes.as_scanned(_observations(), writes.OBSERVATION_COLUMNS)
        assert list(scanned.columns) == writes.OBSERVATION_COLUMNS
        assert {name for name in scanned if isinstance(scanned[name].dtype, pd.CategoricalDtype)} == {
            "indicator_id", "area_code", "value_note"}
        assert scanned["period_start"].dtype.kind == "M" and scanned["numerator"].dtype == np.float64

    def test_duckdb_knows_how_many_rows_it_scans(self):
        """The planner sizes the scanned frame (a registered Arrow table it takes for one row), so its
        joins build on the smaller side."""
        frame = pd.concat([_observations()] * 400, ignore_index=True)
        con = duckdb.connect()
        con.register("incoming", writes.as_scanned(frame, writes.OBSERVATION_COLUMNS))
        plan = con.execute("EXPLAIN SELECT * FROM incoming").fetchall()[0][1]
        assert "~1,200 rows" in plan
