"""Shared steps of the tests of published downloads (Fingertips, the readmissions compendium)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.pipeline import LoadResult, load_into


def edited_copy(source: Path, tmp_path: Path, old: str, new: str, count: int = 1, name: str | None = None) -> Path:
    """`source` with `old` replaced by `new` (the first `count` times), saved in tmp_path."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / (name or source.name)
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def load_twice(con, path: Path, tmp_path: Path, rows: int) -> LoadResult:
    """Load `path` into `con` twice: the second load finds its `rows` rows unchanged and writes nothing.

    Returns the first load's result for the caller's own checks.
    """
    first = load_into(con, path, user="tester", archive_dir=tmp_path / "archive")
    rows_before = con.execute("SELECT * FROM observation_rows ORDER BY ALL").df()
    again = load_into(con, path, user="tester", archive_dir=tmp_path / "archive")
    assert (again.counts.added, again.counts.changed, again.counts.unchanged) == (0, 0, rows)
    pd.testing.assert_frame_equal(rows_before, con.execute("SELECT * FROM observation_rows ORDER BY ALL").df())
    return first
