"""The OHID Fingertips data download (Export table/CSV, API all_data CSV): recognised, read, stored."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from loaders.csvread import header_cells
from loaders.errors import LoadError
from loaders.fingertips import LAYOUT, read_fingertips_csv, tracked_indicators
from loaders.layouts import LAYOUTS, detect_layout
from loaders.pipeline import load_into
from loaders.published import year_bounds
from tests.published_downloads import edited_copy, load_twice

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPORT = FIXTURES / "fingertips_export_22401.csv"
READMISSIONS = FIXTURES / "readmissions_compendium.csv"
FALLS_TIDY = Path(__file__).resolve().parent.parent / "data" / "public" / \
    "phof_22401_falls_admissions_65_lad_2010-11_2017-18.csv"


def edited(tmp_path: Path, old: str, new: str, count: int = 1, name: str = "export.csv") -> Path:
    """The fixture with `old` replaced by `new` (the first `count` times), saved as `name`."""
    return edited_copy(EXPORT, tmp_path, old, new, count, name)


def observation(extract, area: str, start: str) -> pd.Series:
    rows = extract.observations
    found = rows[(rows["area_code"] == area) & (rows["period_start"] == pd.Timestamp(start))]
    assert len(found) == 1
    return found.iloc[0]


class TestRecognising:
    def test_the_export_is_recognised_by_its_content(self, tmp_path):
        """A Fingertips export is recognised whatever it is called."""
        renamed = tmp_path / "download (3).txt"
        renamed.write_bytes(EXPORT.read_bytes())
        assert detect_layout(renamed).name == LAYOUT

    def test_no_other_layout_claims_the_export(self):
        """Only the Fingertips layout recognises a Fingertips export."""
        lines = header_cells(EXPORT)
        assert [layout.name for layout in LAYOUTS if layout.recognise(EXPORT, lines)] == [LAYOUT]

    @pytest.mark.parametrize("other", [READMISSIONS, FALLS_TIDY], ids=["readmissions", "falls_tidy"])
    def test_the_fingertips_layout_does_not_claim_other_files(self, other):
        """The readmissions compendium and the tidy falls extract are not read as Fingertips exports."""
        assert detect_layout(other).name != LAYOUT

    def test_falls_22401_is_mapped_through_indicators_csv(self):
        """The Fingertips ID 22401 maps to the store's falls indicator, as data/indicators.csv says."""
        assert tracked_indicators().loc["22401", "indicator_id"] == "falls_admissions_65"


class TestReading:
    def test_values_counts_and_financial_years_land_as_published(self):
        """York 2017/18: value 2230.06, Count 845 as numerator, Denominator 37882, 1 Apr 2017-31 Mar 2018."""
        row = observation(read_fingertips_csv(EXPORT, EXPORT.name), "E06000014", "2017-04-01")
        assert row["indicator_id"] == "falls_admissions_65"
        assert row["value"] == 2230.06
        assert (row["numerator"], row["denominator"]) == (845, 37882)
        assert row["period_end"] == pd.Timestamp("2018-03-31")
        assert row["value_note"] == "Fingertips compared with England: Similar"
        assert row["source_row"] == 6

    def test_england_is_kept_with_its_code(self):
        """England's 2016/17 value is read under E92000001."""
        row = observation(read_fingertips_csv(EXPORT, EXPORT.name), "E92000001", "2016-04-01")
        assert row["value"] == 2113.95 and row["numerator"] == 208803

    def test_a_suppressed_value_stays_missing_with_its_reason(self):
        """Isles of Scilly 2017/18 is suppressed: value and count missing, never 0, and the note says why."""
        row = observation(read_fingertips_csv(EXPORT, EXPORT.name), "E06000053", "2017-04-01")
        assert math.isnan(row["value"]) and math.isnan(row["numerator"])
        assert row["value_note"].startswith("suppressed")
        assert "disclosure control" in row["value_note"]

    def test_a_star_is_suppressed_too(self, tmp_path):
        """A "*" in Value is stored as missing with the reason "suppressed"."""
        path = edited(tmp_path, ",2256.37,", ",*,")
        row = observation(read_fingertips_csv(path, path.name), "E06000014", "2016-04-01")
        assert math.isnan(row["value"]) and row["value_note"] == "suppressed"

    def test_rows_the_dashboard_does_not_store_are_skipped_and_counted(self):
        """Other indicators, Category Type breakdowns, Male rows and York's repeat under County & UA are
        left out, one each, and counted; each area and year is stored once."""
        extract = read_fingertips_csv(EXPORT, EXPORT.name)
        assert extract.skipped == {
            "rows for indicators the dashboard does not track": 1,
            "sub-breakdown rows (Category Type not blank)": 1,
            "rows for a sex or age group other than the indicator's": 1,
            "rows repeating an area listed under another area type": 1,
        }
        assert len(extract.observations) == 6
        assert not extract.observations.duplicated(["area_code", "period_start"]).any()
        assert set(extract.observations["indicator_id"]) == {"falls_admissions_65"}

    def test_areas_come_with_their_names_and_types(self):
        """York is a unitary authority and England a country, named as Fingertips names them."""
        areas = read_fingertips_csv(EXPORT, EXPORT.name).areas.set_index("area_code")
        assert areas.loc["E06000014", "area_name"] == "York"
        assert areas.loc["E06000014", "area_type"] == "unitary authority"
        assert areas.loc["E92000001", "area_type"] == "country"


class TestPeriods:
    @pytest.mark.parametrize("label,start,end", [
        ("2017/18", "2017-04-01", "2018-03-31"),
        ("1999/00", "1999-04-01", "2000-03-31"),
        ("2018", "2018-01-01", "2018-12-31"),
    ])
    def test_financial_and_calendar_years_become_period_bounds(self, label, start, end):
        """2017/18 is 1 April to 31 March; 2018 is the calendar year."""
        first, last = year_bounds(pd.Series([label], index=[2]), "f.csv", "Time period")
        assert (first[2], last[2]) == (pd.Timestamp(start), pd.Timestamp(end))

    @pytest.mark.parametrize("label", ["2016 - 18", "2017/19", "2018/19 Q1", "17/18", ""])
    def test_other_periods_are_refused_naming_the_cell(self, label):
        """Pooled years, quarters and malformed years are refused with the file, row and column."""
        with pytest.raises(LoadError) as raised:
            year_bounds(pd.Series(["2017/18", label], index=[2, 3]), "f.csv", "Time period")
        assert (raised.value.file, raised.value.row, raised.value.column) == ("f.csv", 3, "Time period")


class TestBadExports:
    def test_a_missing_column_is_named(self, tmp_path):
        """An export without "Value" is refused naming the file, the header row and the column."""
        path = edited(tmp_path, ",Value,", ",Amount,")
        with pytest.raises(LoadError) as raised:
            read_fingertips_csv(path, path.name)
        assert (raised.value.file, raised.value.row, raised.value.column) == ("export.csv", 1, "Value")
        assert 'has no column "Value"' in str(raised.value)

    def test_a_value_that_is_not_a_number_is_named(self, tmp_path):
        """A Value of "2230.06x" (York 2017/18) is refused at row 6, column "Value"."""
        path = edited(tmp_path, ",2230.06,", ",2230.06x,")
        with pytest.raises(LoadError) as raised:
            read_fingertips_csv(path, path.name)
        assert (raised.value.row, raised.value.column) == (6, "Value")
        assert str(raised.value).startswith('export.csv, row 6, column "Value": "2230.06x" is not a number')

    def test_an_unreadable_period_is_named(self, tmp_path):
        """A quarter in "Time period" is refused at its row."""
        path = edited(tmp_path, ",2016/17,2256.37,", ",2016/17 Q3,2256.37,")
        with pytest.raises(LoadError) as raised:
            read_fingertips_csv(path, path.name)
        assert (raised.value.row, raised.value.column) == (5, "Time period")

    def test_a_repeat_with_a_different_value_is_refused(self, tmp_path):
        """York listed twice for 2017/18 with different values cannot both be stored."""
        path = edited(tmp_path, "County & UA (4/19-3/20),Persons,65+ yrs,,,2017/18,2230.06,",
                      "County & UA (4/19-3/20),Persons,65+ yrs,,,2017/18,2231.00,")
        with pytest.raises(LoadError) as raised:
            read_fingertips_csv(path, path.name)
        assert (raised.value.row, raised.value.column) == (7, "Area Code")

    def test_an_export_with_nothing_the_dashboard_stores_is_refused(self, tmp_path):
        """An export of only untracked indicators says so, rather than loading nothing."""
        path = edited(tmp_path, "22401,", "92314,", count=-1)
        with pytest.raises(LoadError, match="has no rows the dashboard stores") as raised:
            read_fingertips_csv(path, path.name)
        assert "rows for indicators the dashboard does not track" in str(raised.value)


class TestStoring:
    def test_loading_stores_the_rows_and_a_second_load_changes_nothing(self, con, tmp_path):
        """Into a fresh store: six rows added; the same file again adds and changes nothing."""
        first = load_twice(con, EXPORT, tmp_path, rows=6)
        assert (first.layout, first.counts.added, first.counts.changed) == (LAYOUT, 6, 0)
        york = con.execute("SELECT value, numerator, denominator, period_end FROM observations "
                           "WHERE indicator_id = 'falls_admissions_65' AND area_code = 'E06000014' "
                           "AND period_start = '2017-04-01'").fetchone()
        assert york[:3] == (2230.06, 845, 37882) and str(york[3]) == "2018-03-31"
        scilly = con.execute("SELECT value, value_note FROM observations WHERE area_code = 'E06000053'").fetchone()
        assert scilly[0] is None and scilly[1].startswith("suppressed")

    def test_an_export_supersedes_the_bundled_falls_values(self, built_db, tmp_path):
        """Over the bundled store, York 2017/18 falls becomes the export's 2230.06 with its counts."""
        import store

        db = store.connect(built_db)
        try:
            result = load_into(db, EXPORT, user="tester", archive_dir=tmp_path / "archive")
            assert result.counts.changed >= 2
            value, numerator = db.execute(
                "SELECT value, numerator FROM observations WHERE indicator_id = 'falls_admissions_65' "
                "AND area_code = 'E06000014' AND period_start = '2017-04-01'").fetchone()
        finally:
            db.close()
        assert (value, numerator) == (2230.06, 845)
