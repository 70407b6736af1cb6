"""Publication lags in words, and a period counted as at a day only once published."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.publication import lag_sentence, lag_text
from store.as_at import AsAt


@pytest.mark.parametrize("days,words", [(45, "about six weeks"), (60, "about two months"), (330, "about eleven months"),
                                        (365, "about a year"), (7, "about 7 days"), (None, "")])
def test_lag_in_words(days, words):
    assert lag_text(days) == words


def test_the_sentence():
    assert lag_sentence(45) == "Published about six weeks after each period ends."


def test_a_period_counts_as_at_a_day_only_once_published(built_db):
    """Delayed transfers for September 2018 (published about six weeks later) is not yet there on 1 November
    2018, and is there on 20 November."""
    import store

    con = store.connect(built_db, read_only=True)
    try:
        def latest(day):
            return con.execute(f"SELECT max(period_start) FROM {AsAt(None, day).observations} "
                               "WHERE indicator_id = 'dtoc_18' AND area_code = 'E06000014'").fetchone()[0]
        assert latest(date(2018, 11, 1)) == date(2018, 8, 1)
        assert latest(date(2018, 11, 20)) == date(2018, 9, 1)
    finally:
        con.close()
