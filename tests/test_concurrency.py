"""Loads under pressure: two analysts at once, viewers reading mid-load, a killed process, a rebuild."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import store
from loaders.build import rebuild_from_archive
from loaders.pipeline import confirm_load, read_file, store_context
from store import queries
from store.loads import preview, undo_load
from store.primitives import RetryWrite
from store.roles import User
from store.settings import PROJECT_ROOT, archive_dir_for

ANALYSTS = [User("ana", "analyst"), User("bea", "analyst")]
HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
# Indicators whose tidy rows need only a numerator and a denominator.
RATE_INDICATORS = ["ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
                   "length_of_stay_65", "readmissions_65"]


def tidy(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def month_row(indicator: str, month: str, numerator: int, area: str = "E06000014") -> str:
    end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    return f"{indicator},{area},,{month},{end},{numerator},1000,,"


def big_tidy(path: Path, con, rows: int) -> Path:
    """A tidy CSV of `rows` distinct rows over the store's English areas, five indicators and months."""
    areas = [code for (code,) in con.execute(
        "SELECT area_code FROM areas WHERE area_code LIKE 'E0%' ORDER BY 1").fetchall()]
    months_needed = -(-rows // (len(areas) * len(RATE_INDICATORS)))
    starts = pd.date_range(end="2019-12-01", periods=months_needed, freq="MS")
    index = pd.MultiIndex.from_product([RATE_INDICATORS, areas, starts]).to_frame(index=False).head(rows)
    index.columns = ["indicator_id", "area_code", "period_start"]
    generator = np.random.default_rng(7)
    frame = pd.DataFrame({
        "indicator_id": index["indicator_id"], "area_code": index["area_code"], "area_name": "",
        "period_start": index["period_start"].dt.strftime("%Y-%m-%d"),
        "period_end": (index["period_start"] + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d"),
        "numerator": generator.integers(0, 500, len(index)), "denominator": 1000, "value": "",
        "value_note": "",
    })
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def db(built_db):
    connection = store.connect(built_db)
    yield connection
    connection.close()


class TestTwoAnalysts:
    def test_two_confirms_at_the_same_moment_both_land_one_after_the_other(self, db, tmp_path):
        """Two threads confirming different extracts at once: both are stored, nothing is lost."""
        files = [tidy(tmp_path / f"{user.name}.csv", [month_row("dtoc_18", f"2020-0{n + 1}-01", 30 + n)])
                 for n, user in enumerate(ANALYSTS)]
        extracts = [read_file(path, store_context(db)) for path in files]
        start = threading.Barrier(2)
        results, errors = [], []

        def confirm(index: int) -> None:
            cursor = db.cursor()
            start.wait()
            try:
                results.append(confirm_load(cursor, files[index], extracts[index], user=ANALYSTS[index],
                                            archive_dir=tmp_path / "archive"))
            except Exception as error:  # collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=confirm, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        assert errors == []
        assert sorted(result.load_id for result in results) == [results[0].load_id, results[0].load_id + 1] \
            or len({result.load_id for result in results}) == 2
        stored = db.execute("SELECT period_start::VARCHAR, numerator FROM observations WHERE indicator_id = "
                            "'dtoc_18' AND area_code = 'E06000014' AND period_start >= '2020-01-01' "
                            "ORDER BY 1").fetchall()
        assert stored == [("2020-01-01", 30.0), ("2020-02-01", 31.0)]

    def test_confirming_the_same_preview_twice_at_once_tells_the_second_to_retry(self, db, tmp_path):
        """Both analysts previewed the same store; one load lands, the other is asked to retry."""
        files = [tidy(tmp_path / f"{user.name}.csv", [month_row("dtoc_18", "2020-01-01", 30 + n)])
                 for n, user in enumerate(ANALYSTS)]
        extracts = [read_file(path, store_context(db)) for path in files]
        versions = [preview(db, extract).store_version for extract in extracts]
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def confirm(index: int) -> None:
            cursor = db.cursor()
            start.wait()
            try:
                outcomes[ANALYSTS[index].name] = confirm_load(
                    cursor, files[index], extracts[index], user=ANALYSTS[index],
                    archive_dir=tmp_path / "archive", expected_version=versions[index])
            except RetryWrite as error:
                outcomes[ANALYSTS[index].name] = error

        threads = [threading.Thread(target=confirm, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        retried = [name for name, outcome in outcomes.items() if isinstance(outcome, RetryWrite)]
        assert len(outcomes) == 2 and len(retried) == 1
        winner = next(index for index, user in enumerate(ANALYSTS) if user.name not in retried)
        numerator = db.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' "
                               "AND area_code = 'E06000014' AND period_start = '2020-01-01'").fetchone()[0]
        assert numerator == 30 + winner


def test_viewers_see_the_old_data_or_the_new_never_a_mix(db, tmp_path):
    """While a load runs, every read of a series gives the whole old series or the whole new one."""
    path = big_tidy(tmp_path / "big.csv", db, 60_000)
    extract = read_file(path, store_context(db))
    query = ("SELECT count(*), sum(value) FROM observations WHERE indicator_id = 'emergency_admissions_65' "
             "AND area_code = 'E06000014'")
    before = db.execute(query).fetchone()
    seen: set[tuple] = set()
    done = threading.Event()

    def read() -> None:
        cursor = db.cursor()
        while not done.is_set():
            seen.add(cursor.execute(query).fetchone())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        confirm_load(db.cursor(), path, extract, user=ANALYSTS[0], archive_dir=tmp_path / "archive")
    finally:
        done.set()
        reader.join(600)
    after = db.execute(query).fetchone()
    assert before != after
    assert seen <= {before, after}


_KILLABLE_LOAD = """
import sys

import pandas as pd

import store
from store import audit
from loaders.extract import Extract
from store.loads import store_extract
con = store.connect(sys.argv[1])
# Validation is tested elsewhere; read the file directly so the test spends its time in the write.
rows = pd.read_csv(sys.argv[2], dtype={"value_note": str}, parse_dates=["period_start", "period_end"])
extract = Extract(layout="tidy_template_csv", observations=rows.drop(columns="area_name"))
real_audit = audit.append


def audit_then_wait(*args, **kwargs):
    # Every row is written and the transaction is still open: the moment to be killed. Block on stdin,
    # not a timer, so however slow the machine the process is still mid-write when the kill arrives.
    real_audit(*args, **kwargs)
    print("writing", flush=True)
    sys.stdin.read()


audit.append = audit_then_wait
store_extract(con, extract, file="big.csv", sha256="0" * 64, user="killed")
print("finished", flush=True)
"""


def test_a_load_killed_mid_write_leaves_the_store_exactly_as_before(built_db, tmp_path):
    """SIGKILL during the write of a 1,000,000-row load: the store reopens unrepaired, unchanged."""
    con = store.connect(built_db)
    path = big_tidy(tmp_path / "big.csv", con, 1_000_000)
    before = queries.table_snapshot(con)
    con.close()
    errors = tmp_path / "load.stderr"
    with open(errors, "w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", _KILLABLE_LOAD, str(built_db), str(path)],
                                   cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                   text=True)
    # No deadline on the load itself (a busy machine may take minutes); a watchdog only stops a hung run.
    watchdog = threading.Timer(900, process.kill)
    watchdog.start()
    try:
        line = process.stdout.readline().strip()
        if line != "writing":
            # stdout closed: the process has ended or is ending, so waiting for it is bounded.
            code = process.wait(timeout=60)
            pytest.fail(f"the load did not reach its write: {line!r}, exit code {code}\n{errors.read_text()}")
        assert process.poll() is None, "the load finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    reopened = store.connect(built_db)
    try:
        after = queries.table_snapshot(reopened)
    finally:
        reopened.close()
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_the_store_can_be_rebuilt_from_the_archive_and_the_audit(bundled_db, built_db, tmp_path):
    """Replaying the audit's loads (less undone ones) from the archived raw files gives the same observations."""
    archive = archive_dir_for(built_db)
    shutil.copytree(archive_dir_for(bundled_db), archive)
    con = store.connect(built_db)
    try:
        kept = tidy(tmp_path / "kept.csv", [month_row("length_of_stay_65", "2018-04-01", 250)])
        confirm_load(con, kept, read_file(kept, store_context(con)), user=ANALYSTS[0], archive_dir=archive)
        undone = tidy(tmp_path / "undone.csv", [month_row("dtoc_18", "2020-01-01", 30)])
        result = confirm_load(con, undone, read_file(undone, store_context(con)), user=ANALYSTS[1],
                              archive_dir=archive)
        undo_load(con, result.load_id, user=ANALYSTS[1])
        rebuilt_path = tmp_path / "rebuilt.duckdb"
        rebuild_from_archive(con, rebuilt_path, archive)
        columns = ("indicator_id, area_code, period_start, period_end, numerator, denominator, value, "
                   "value_note, is_demonstration")
        original = con.execute(f"SELECT {columns} FROM observations ORDER BY ALL").df()
    finally:
        con.close()
    rebuilt = store.connect(rebuilt_path)
    try:
        again = rebuilt.execute(f"SELECT {columns} FROM observations ORDER BY ALL").df()
    finally:
        rebuilt.close()
    pd.testing.assert_frame_equal(original, again)
