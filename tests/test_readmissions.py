"""The NHS Digital emergency readmissions compendium CSV (I02040): recognised, read as proxies, stored."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from loaders.csvread import header_cells
from loaders.errors import LoadError
from loaders.layouts import LAYOUTS, detect_layout
from loaders.pipeline import load_into
from loaders.readmissions import LAYOUT, read_readmissions_csv
from tests.published_downloads import edited_copy, load_twice

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COMPENDIUM = FIXTURES / "readmissions_compendium.csv"
FINGERTIPS = FIXTURES / "fingertips_export_22401.csv"


def edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """The fixture with `old` replaced by `new` (the first `count` times), saved as readmissions.csv."""
    return edited_copy(COMPENDIUM, tmp_path, old, new, count, "readmissions.csv")


def observation(extract, indicator: str, area: str, start: str) -> pd.Series:
    rows = extract.observations
    found = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == area)
                 & (rows["period_start"] == pd.Timestamp(start))]
    assert len(found) == 1
    return found.iloc[0]


class TestRecognising:
    def test_the_compendium_is_recognised_by_its_content(self, tmp_path):
        """The compendium CSV is recognised whatever it is called."""
        renamed = tmp_path / "Emergency readmission.txt"
        renamed.write_bytes(COMPENDIUM.read_bytes())
        assert detect_layout(renamed).name == LAYOUT

    def test_no_other_layout_claims_the_compendium(self):
        """Only the readmissions layout recognises the compendium."""
        lines = header_cells(COMPENDIUM)
        assert [layout.name for layout in LAYOUTS if layout.recognise(COMPENDIUM, lines)] == [LAYOUT]

    def test_a_fingertips_export_is_not_read_as_the_compendium(self):
        """The readmissions layout does not claim a Fingertips export."""
        assert detect_layout(FINGERTIPS).name != LAYOUT


class TestReading:
    def test_all_ages_and_75_plus_become_two_proxies(self):
        """York 2017/18: All is readmissions_all_ages (12.6), 75+ is readmissions_75 (15.8); never the 65+ one."""
        extract = read_readmissions_csv(COMPENDIUM, COMPENDIUM.name)
        assert set(extract.observations["indicator_id"]) == {"readmissions_all_ages", "readmissions_75"}
        all_ages = observation(extract, "readmissions_all_ages", "E06000014", "2017-04-01")
        assert (all_ages["value"], all_ages["numerator"], all_ages["denominator"]) == (12.6, 2621, 21983)
        assert all_ages["period_end"] == pd.Timestamp("2018-03-31")
        assert all_ages["source_row"] == 7
        assert observation(extract, "readmissions_75", "E06000014", "2017-04-01")["value"] == 15.8

    def test_the_banding_is_kept_in_words(self):
        """York 2016/17's banding B5 is stored in the note as better than expected at 95%."""
        row = observation(read_readmissions_csv(COMPENDIUM, COMPENDIUM.name),
                          "readmissions_all_ages", "E06000014", "2016-04-01")
        assert row["value_note"] == "NHS Digital banding B5: better than expected (95% limits)"

    def test_england_named_or_coded_is_england(self, tmp_path):
        """England's rows are stored under E92000001 whether Level says "England" or "E92000001"."""
        named = read_readmissions_csv(COMPENDIUM, COMPENDIUM.name)
        coded_path = edited(tmp_path, "England,England,England,", "England,E92000001,England,", count=-1)
        coded = read_readmissions_csv(coded_path, coded_path.name)
        for extract in (named, coded):
            assert observation(extract, "readmissions_all_ages", "E92000001", "2017-04-01")["value"] == 13.4
            assert observation(extract, "readmissions_75", "E92000001", "2017-04-01")["value"] == 16.5
            assert "England" not in set(extract.observations["area_code"])

    def test_a_suppressed_numerator_leaves_the_published_value(self):
        """Isles of Scilly 75+ 2017/18: the numerator "*" is missing (not 0); the value 11.2 stands."""
        row = observation(read_readmissions_csv(COMPENDIUM, COMPENDIUM.name),
                          "readmissions_75", "E06000053", "2017-04-01")
        assert math.isnan(row["numerator"]) and row["denominator"] == 104 and row["value"] == 11.2
        assert row["value_note"].startswith("numerator suppressed")

    def test_a_suppressed_row_stays_missing_with_its_reason(self):
        """Isles of Scilly 2016/17 has "*" counts and no value: all missing, with the reason suppressed."""
        row = observation(read_readmissions_csv(COMPENDIUM, COMPENDIUM.name),
                          "readmissions_all_ages", "E06000053", "2016-04-01")
        assert math.isnan(row["value"]) and math.isnan(row["numerator"]) and math.isnan(row["denominator"])
        assert row["value_note"] == "suppressed"

    def test_only_trend_rows_for_councils_regions_and_england_are_kept(self):
        """Snapshot, provider, CCG, deprivation, 16-74 and Male rows are left out and counted."""
        extract = read_readmissions_csv(COMPENDIUM, COMPENDIUM.name)
        assert extract.skipped == {
            "Snapshot-method rows (the Trend series is kept)": 2,
            "rows for providers, CCGs, deprivation or other breakdowns than councils, regions and England": 3,
            "rows for age bands other than All and 75+": 1,
            "rows for Male or Female": 1,
        }
        assert len(extract.observations) == 9
        assert set(extract.observations["area_code"]) == {"E92000001", "E06000014", "E06000053", "E12000003"}
        # The Snapshot value for York 2017/18 All is 12.4; the Trend value 12.6 is the one kept.
        assert observation(extract, "readmissions_all_ages", "E06000014", "2017-04-01")["value"] == 12.6

    def test_areas_are_named_from_level_description(self):
        """York is named from "Level description" and typed from its ONS code."""
        areas = read_readmissions_csv(COMPENDIUM, COMPENDIUM.name).areas.set_index("area_code")
        assert areas.loc["E06000014", "area_name"] == "York"
        assert areas.loc["E06000014", "area_type"] == "unitary authority"
        assert areas.loc["E12000003", "area_type"] == "region"


class TestBadFiles:
    def test_a_missing_column_is_named(self, tmp_path):
        """A compendium without "Numerator" is refused naming the file, the header row and the column."""
        path = edited(tmp_path, ",Numerator,", ",Readmissions,")
        with pytest.raises(LoadError) as raised:
            read_readmissions_csv(path, path.name)
        assert (raised.value.file, raised.value.row, raised.value.column) == ("readmissions.csv", 1, "Numerator")

    def test_a_numerator_that_is_not_a_number_is_named(self, tmp_path):
        """A Numerator of "262l" (York 2017/18) is refused at row 7."""
        path = edited(tmp_path, ",2621,21983,", ",262l,21983,")
        with pytest.raises(LoadError) as raised:
            read_readmissions_csv(path, path.name)
        assert str(raised.value).startswith('readmissions.csv, row 7, column "Numerator": "262l" is not a number')

    def test_a_calendar_year_is_refused(self, tmp_path):
        """The compendium's years are financial: "2017" in Year is refused at its row."""
        path = edited(tmp_path, "2016/17,01/04/2016 to 31/03/2017,Local", "2016,01/04/2016 to 31/03/2017,Local")
        with pytest.raises(LoadError) as raised:
            read_readmissions_csv(path, path.name)
        assert (raised.value.row, raised.value.column) == (6, "Year")

    def test_a_value_above_100_percent_is_refused(self, tmp_path):
        """A percentage of 126 is impossible and refused at its row and column."""
        path = edited(tmp_path, ",Trend,12.6,", ",Trend,126,")
        with pytest.raises(LoadError) as raised:
            read_readmissions_csv(path, path.name)
        assert (raised.value.row, raised.value.column) == (7, "Indicator value")

    def test_a_file_of_snapshot_rows_only_is_refused(self, tmp_path):
        """With no Trend rows nothing is stored, and the message says the Snapshot rows were left out."""
        path = edited(tmp_path, ",Trend,", ",Snapshot,", count=-1)
        with pytest.raises(LoadError, match="has no rows the dashboard stores") as raised:
            read_readmissions_csv(path, path.name)
        assert "Snapshot-method rows" in str(raised.value)


class TestStoring:
    def test_loading_stores_the_rows_and_a_second_load_changes_nothing(self, con, tmp_path):
        """Into a fresh store: nine rows added under the proxies; the same file again changes nothing."""
        first = load_twice(con, COMPENDIUM, tmp_path, rows=9)
        assert (first.layout, first.counts.added, first.counts.changed) == (LAYOUT, 9, 0)
        stored = dict(con.execute("SELECT indicator_id, count(*) FROM observations GROUP BY 1").fetchall())
        assert stored == {"readmissions_all_ages": 6, "readmissions_75": 3}
        york = con.execute("SELECT value, numerator, denominator, is_proxy FROM observations "
                           "WHERE indicator_id = 'readmissions_75' AND area_code = 'E06000014'").fetchone()
        assert york == (15.8, 1012, 6290, True)

    def test_the_proxies_are_defined_as_what_they_are_not(self, con):
        """Both proxies are flagged as proxies and their caveat says there is no 65+ band."""
        definitions = con.execute("SELECT indicator_id, is_proxy, age_band, caveat FROM indicators "
                                  "WHERE indicator_id LIKE 'readmissions_%' ORDER BY 1").fetchall()
        by_id = {row[0]: row[1:] for row in definitions}
        assert by_id["readmissions_all_ages"][:2] == (True, "all ages")
        assert by_id["readmissions_75"][:2] == (True, "75+")
        assert by_id["readmissions_65"][0] is False
        for indicator in ("readmissions_all_ages", "readmissions_75"):
            assert "no 65+ band" in by_id[indicator][2]

    def test_the_65_plus_demonstration_series_is_left_alone(self, built_db, tmp_path):
        """Loading the compendium does not touch readmissions_65, which stays demonstration data."""
        import store

        db = store.connect(built_db)
        try:
            before = db.execute("SELECT * FROM observation_rows WHERE indicator_id = 'readmissions_65' "
                                "ORDER BY ALL").df()
            load_into(db, COMPENDIUM, user="tester", archive_dir=tmp_path / "archive")
            after = db.execute("SELECT * FROM observation_rows WHERE indicator_id = 'readmissions_65' "
                               "ORDER BY ALL").df()
            flag = db.execute("SELECT is_demonstration FROM indicators WHERE indicator_id = 'readmissions_65'")
            assert flag.fetchone()[0] is True
        finally:
            db.close()
        pd.testing.assert_frame_equal(before, after)
