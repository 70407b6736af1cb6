"""The invented demonstration series: reproducible, complete, consistent, and true to the CQC report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders import demonstration

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMMITTED = PROJECT_ROOT / "data" / "demonstration" / "demonstration_65plus_2013-04_2018-03.csv"
TEMPLATE = ["indicator_id", "area_code", "area_name", "period_start", "period_end",
            "numerator", "denominator", "value", "value_note"]
INDICATORS = ["ae_attendances_65", "emergency_admissions_65", "care_home_admissions_65",
              "length_of_stay_65", "readmissions_65"]
AREAS = {"E06000014": "York", "E92000001": "England"}
# (first month, last month) of the periods the CQC statements talk about
YEAR_2013_14 = ("2013-04-01", "2014-03-01")
YEAR_2017_18 = ("2017-04-01", "2018-03-01")
FIRST_QUARTER_2017_18 = ("2017-04-01", "2017-06-01")
LAST_QUARTER_2017_18 = ("2018-01-01", "2018-03-01")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV generated now, into a temporary folder."""
    return demonstration.write(tmp_path_factory.mktemp("demo") / "demo.csv")


@pytest.fixture(scope="module")
def table(fresh: Path) -> pd.DataFrame:
    """The fresh CSV read back, with dates parsed and the empty note kept as text."""
    return pd.read_csv(fresh, dtype={"value_note": str}, keep_default_na=False,
                       parse_dates=["period_start", "period_end"])


def monthly(table: pd.DataFrame, indicator: str, area_name: str) -> pd.Series:
    """One area's monthly values of one indicator, indexed by the first day of the month."""
    rows = table[(table.indicator_id == indicator) & (table.area_name == area_name)]
    return rows.set_index("period_start")["value"].sort_index()


def between(series: pd.Series, first: str, last: str) -> pd.Series:
    """The months of `series` from `first` to `last` (first days of the months, inclusive)."""
    return series[(series.index >= pd.Timestamp(first)) & (series.index <= pd.Timestamp(last))]


def test_two_generations_are_byte_identical(tmp_path: Path) -> None:
    """Generating the file twice gives exactly the same bytes."""
    first = demonstration.write(tmp_path / "first.csv").read_bytes()
    second = demonstration.write(tmp_path / "second.csv").read_bytes()
    assert first == second


def test_committed_csv_equals_a_fresh_generation(fresh: Path) -> None:
    """The committed CSV is what the script writes, so nobody has edited values by hand."""
    assert COMMITTED.read_bytes() == fresh.read_bytes(), (
        "data/demonstration CSV differs from the generator: run `python -m loaders.demonstration`")


def test_command_line_writes_to_out(tmp_path: Path, fresh: Path) -> None:
    """`python -m loaders.demonstration --out PATH` writes the same file to PATH."""
    out = tmp_path / "nested" / "cli.csv"
    subprocess.run([sys.executable, "-m", "loaders.demonstration", "--out", str(out)],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    assert out.read_bytes() == fresh.read_bytes()


def test_columns_follow_the_tidy_template(fresh: Path) -> None:
    """The header is the tidy template's nine columns in order."""
    assert fresh.read_text(encoding="utf-8").splitlines()[0].split(",") == TEMPLATE


def test_every_indicator_area_and_month_appears_exactly_once(table: pd.DataFrame) -> None:
    """Two areas by five indicators by the 60 months April 2013 to March 2018, with no gaps."""
    months = pd.date_range("2013-04-01", "2018-03-01", freq="MS")
    expected = pd.MultiIndex.from_product([INDICATORS, list(AREAS), months])
    actual = pd.MultiIndex.from_frame(table[["indicator_id", "area_code", "period_start"]])
    assert len(months) == 60
    assert len(table) == 600
    assert actual.sort_values().equals(expected.sort_values())


def test_areas_have_their_names_and_months_end_on_their_last_day(table: pd.DataFrame) -> None:
    """Each area code carries its name, and period_end is the last day of period_start's month."""
    assert (table.area_code.map(AREAS) == table.area_name).all()
    assert (table.period_end == table.period_start + pd.offsets.MonthEnd(0)).all()
    assert (table.period_start.dt.day == 1).all()


def test_counts_are_whole_and_value_is_their_ratio(table: pd.DataFrame) -> None:
    """Numerator and denominator are whole counts and value = numerator / denominator x multiplier."""
    assert pd.api.types.is_integer_dtype(table.numerator)
    assert pd.api.types.is_integer_dtype(table.denominator)
    assert (table.numerator >= 0).all() and (table.denominator > 0).all()
    multiplier = table.indicator_id.map(demonstration.MULTIPLIERS)
    recomputed = table.numerator / table.denominator * multiplier
    assert (recomputed - table.value).abs().max() <= 5e-7
    assert (table.value_note == "").all()


def test_percentages_are_of_that_months_emergency_admissions(table: pd.DataFrame) -> None:
    """Length-of-stay and readmission denominators are the same month's emergency admissions 65+."""
    admissions = table[table.indicator_id == "emergency_admissions_65"].set_index(
        ["area_code", "period_start"])["numerator"]
    for indicator in ("length_of_stay_65", "readmissions_65"):
        rows = table[table.indicator_id == indicator].set_index(["area_code", "period_start"])
        assert rows["denominator"].sort_index().equals(admissions.sort_index().rename("denominator"))


def test_york_counts_are_plausible_and_noisier_than_england(table: pd.DataFrame) -> None:
    """York has roughly 850 emergency admissions 65+ a month and bumpier month-to-month rates than England."""
    york = table[(table.indicator_id == "emergency_admissions_65") & (table.area_name == "York")]
    assert 750 <= york.numerator.mean() <= 950
    for indicator in INDICATORS:
        york_steps = monthly(table, indicator, "York").diff().abs().mean()
        england_steps = monthly(table, indicator, "England").diff().abs().mean()
        assert york_steps > england_steps, indicator


def test_york_ae_attendances_are_below_england_every_month(table: pd.DataFrame) -> None:
    """CQC: York's A&E attendance rate (65+) remained lower than the England average."""
    york = monthly(table, "ae_attendances_65", "York")
    england = monthly(table, "ae_attendances_65", "England")
    assert (york < england).all()


def test_york_ae_attendances_increased_overall(table: pd.DataFrame) -> None:
    """CQC: York's A&E rate had increased overall (2017/18 average above 2013/14)."""
    york = monthly(table, "ae_attendances_65", "York")
    assert between(york, *YEAR_2017_18).mean() > between(york, *YEAR_2013_14).mean()


def test_york_emergency_admissions_are_above_england_every_month(table: pd.DataFrame) -> None:
    """CQC: York's emergency admission rate (65+) continued to be higher than the England average."""
    york = monthly(table, "emergency_admissions_65", "York")
    england = monthly(table, "emergency_admissions_65", "England")
    assert (york > england).all()


def test_york_care_home_admissions_moved_from_below_to_above_england(table: pd.DataFrame) -> None:
    """CQC: York's care-home admission rate increased and is now higher than England's (it was lower)."""
    york = monthly(table, "care_home_admissions_65", "York")
    england = monthly(table, "care_home_admissions_65", "England")
    assert between(york, *YEAR_2013_14).mean() < between(england, *YEAR_2013_14).mean()
    assert between(york, *YEAR_2017_18).mean() > between(england, *YEAR_2017_18).mean()


def test_york_length_of_stay_is_below_england_and_rose_from_25_to_28(table: pd.DataFrame) -> None:
    """CQC: York's share of stays over 7 days stayed below England and rose from 25% to 28% in 2017/18."""
    york = monthly(table, "length_of_stay_65", "York")
    england = monthly(table, "length_of_stay_65", "England")
    assert (york < england).all()
    assert between(york, *FIRST_QUARTER_2017_18).mean() == pytest.approx(25, abs=1)
    assert between(york, *LAST_QUARTER_2017_18).mean() == pytest.approx(28, abs=1)


def test_york_readmissions_rose_from_18_to_19_and_reached_england(table: pd.DataFrame) -> None:
    """CQC: York's 30-day readmissions rose from 18% to 19% in 2017/18 and now reflect England's."""
    york = monthly(table, "readmissions_65", "York")
    england = monthly(table, "readmissions_65", "England")
    york_last_quarter = between(york, *LAST_QUARTER_2017_18).mean()
    assert between(york, *FIRST_QUARTER_2017_18).mean() == pytest.approx(18, abs=1)
    assert york_last_quarter == pytest.approx(19, abs=1)
    assert york_last_quarter == pytest.approx(between(england, *LAST_QUARTER_2017_18).mean(), abs=0.7)
