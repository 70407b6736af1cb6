"""Behaviour of the ONS mid-year population reader (loaders/population.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import LoadError
from loaders.population import AGE_COLUMNS, REQUIRED_COLUMNS, looks_like_ons_population, read_population

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "public"
POPULATION_CSV = PUBLIC / "ons_mid_year_population_lad_single_year_1997-2020.csv"
DTOC_CSV = PUBLIC / "nhse_dtoc_la_monthly_2011-04_2019-12.csv"

YORK = "E06000014"
ENGLAND = "E92000001"
NORTH_YORKSHIRE = "E10000023"
NORTH_YORKSHIRE_DISTRICTS = [f"E0700016{digit}" for digit in range(3, 10)]  # Craven … Selby
DORSET_COUNTY = "E10000009"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return read_population(POPULATION_CSV)


def value(frame: pd.DataFrame, code: str, year: int, band: str):
    rows = frame[(frame["area_code"] == code) & (frame["year"] == year) & (frame["age_band"] == band)]
    assert len(rows) == 1, f"expected one row for {code} {year} {band}, found {len(rows)}"
    return rows.iloc[0]


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = REQUIRED_COLUMNS) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def district(code: str = YORK, year: str = "2018", name: str = "York", **cells: str) -> dict[str, str]:
    """A district row with 100 people at every single year of age, unless a cell is given."""
    row = {"name": name, "code": code, "year": year} | {age: "100" for age in AGE_COLUMNS}
    return row | {column.replace("_", " "): text for column, text in cells.items()}


class TestPublishedSpotChecks:
    @pytest.mark.parametrize("code,year,band,expected", [
        (YORK, 2017, "all", 208_163),
        (YORK, 2017, "18+", 171_639),
        (YORK, 2017, "65+", 37_882),
        (YORK, 2018, "18+", 173_321),
        (ENGLAND, 2017, "all", 55_619_430),
        (ENGLAND, 2017, "18+", 43_752_473),
        (ENGLAND, 2018, "18+", 44_022_560),
    ])
    def test_matches_provenance_section_6(self, population, code, year, band, expected):
        """York and England totals equal the sums recorded in PROVENANCE section 6."""
        assert value(population, code, year, band)["population"] == expected

    def test_york_april_2018_dtoc_rate_reproduces_cqc(self, population):
        """York's April 2018 delayed beds (1,022 days / 30) per 100,000 aged 18+ is 19.7, the CQC's "20"."""
        rate = (1022 / 30) / value(population, YORK, 2018, "18+")["population"] * 100_000
        assert round(rate, 1) == 19.7

    def test_england_july_2018_dtoc_rate_reproduces_cqc(self, population):
        """England's July 2018 4,546.4 delayed beds per 100,000 aged 18+ is the CQC's 10.3."""
        rate = 4546.4 / value(population, ENGLAND, 2018, "18+")["population"] * 100_000
        assert round(rate, 1) == 10.3


class TestShape:
    def test_columns_and_types(self, population):
        """The frame has the promised columns, whole-number populations and integer years."""
        assert list(population.columns) == ["area_code", "area_name", "area_type", "year", "age_band",
                                            "population", "approximation"]
        assert population["population"].dtype == "Int64"
        assert population["year"].dtype == "int64"
        assert set(population["age_band"]) == {"all", "18+", "65+"}

    def test_one_row_per_area_year_and_band(self, population):
        """No area, year and band appears twice."""
        assert not population.duplicated(["area_code", "year", "age_band"]).any()

    def test_every_district_in_the_file_is_kept(self, population):
        """Every code in the file, English or not, comes through with all 24 years and 3 bands."""
        codes = set(pd.read_csv(POPULATION_CSV, usecols=["code"])["code"])
        kept = population[population["area_code"].isin(codes)]
        assert set(kept["area_code"]) == codes
        assert kept.groupby("area_code").size().eq(24 * 3).all()

    @pytest.mark.parametrize("code,area_type", [
        (ENGLAND, "country"),
        (NORTH_YORKSHIRE, "county"),
        (YORK, "unitary authority"),
        ("E07000163", "non-metropolitan district"),
        ("E08000035", "metropolitan district"),
        ("E09000001", "London borough"),
        ("W06000015", "Welsh unitary authority"),
        ("S12000036", "Scottish council area"),
        ("N09000003", "Northern Ireland district"),
    ])
    def test_area_type_follows_the_code_prefix(self, population, code, area_type):
        """Each area's type is read from its ONS code prefix."""
        assert value(population, code, 2018, "all")["area_type"] == area_type

    def test_bands_nest(self, population):
        """All ages is at least 18+, which is at least 65+, wherever all three are known."""
        wide = population.pivot_table(index=["area_code", "year"], columns="age_band",
                                      values="population", aggfunc="first").dropna()
        assert (wide["all"] >= wide["18+"]).all()
        assert (wide["18+"] >= wide["65+"]).all()


class TestMissingEstimates:
    def test_missing_85_plus_makes_65_plus_missing_not_smaller(self, population):
        """York 1997 has "-" for ages 85+, so its 65+ (and 18+ and all-ages) population is missing."""
        for band in ("all", "18+", "65+"):
            assert pd.isna(value(population, YORK, 1997, band)["population"])

    def test_england_is_missing_when_any_district_is(self, population):
        """England 1997 is missing rather than a sum of the districts that have figures."""
        assert pd.isna(value(population, ENGLAND, 1997, "65+")["population"])

    def test_complete_years_are_not_affected(self, population):
        """Scotland published 85+ for 1997, so a Scottish 1997 65+ figure is present."""
        assert value(population, "S12000036", 1997, "65+")["population"] > 0

    def test_dash_only_blanks_the_bands_that_include_it(self, tmp_path):
        """A "-" at age 10 blanks all ages but leaves 18+ and 65+ as sums of their years."""
        path = write_csv(tmp_path / "pop.csv", [district(Age_10="-")])
        frame = read_population(path)
        assert pd.isna(value(frame, YORK, 2018, "all")["population"])
        assert value(frame, YORK, 2018, "18+")["population"] == 100 * (91 - 18)
        assert value(frame, YORK, 2018, "65+")["population"] == 100 * (91 - 65)


class TestCountiesAndBoundaries:
    def test_north_yorkshire_is_the_sum_of_its_seven_districts(self, population):
        """North Yorkshire county equals Craven + Hambleton + Harrogate + Richmondshire + Ryedale +
        Scarborough + Selby, for every year and band, and is not flagged as approximate."""
        known = population[population["year"] >= 2001]
        districts = known[known["area_code"].isin(NORTH_YORKSHIRE_DISTRICTS)]
        expected = districts.groupby(["year", "age_band"])["population"].sum()
        county = known[known["area_code"] == NORTH_YORKSHIRE].set_index(["year", "age_band"])
        assert districts["area_code"].nunique() == 7
        pd.testing.assert_series_equal(county["population"].sort_index(), expected.sort_index(),
                                       check_names=False)
        assert county["approximation"].isna().all()

    def test_dorset_county_before_2019_is_flagged_as_an_approximation(self, population):
        """Dorset county (E10000009) is the 2021 Dorset unitary, flagged because Christchurch is missing."""
        row = value(population, DORSET_COUNTY, 2018, "18+")
        assert row["population"] == value(population, "E06000059", 2018, "18+")["population"]
        assert "Christchurch" in row["approximation"]
        assert "Approximate" in row["approximation"]

    def test_dorset_county_stops_in_its_last_year(self, population):
        """Dorset county was abolished in April 2019, so it has no 2020 row."""
        years = population.loc[population["area_code"] == DORSET_COUNTY, "year"]
        assert years.max() == 2019

    @pytest.mark.parametrize("county,parts", [
        ("E10000002", ["E06000060"]),               # Buckinghamshire = the 2020 unitary, same area
        ("E10000021", ["E06000061", "E06000062"]),  # Northamptonshire = North + West
    ])
    def test_counties_replaced_by_unitaries_keep_exact_populations(self, population, county, parts):
        """A county later replaced by unitaries covering the same ground equals them, unflagged."""
        row = value(population, county, 2018, "18+")
        expected = sum(value(population, part, 2018, "18+")["population"] for part in parts)
        assert row["population"] == expected
        assert pd.isna(row["approximation"])

    @pytest.mark.parametrize("county,merged", [
        ("E10000029", ["E07000244", "E07000245"]),  # Suffolk: East and West Suffolk
        ("E10000027", ["E07000246"]),               # Somerset: Somerset West and Taunton
    ])
    def test_counties_with_2019_district_mergers_include_the_merged_districts(self, population, county,
                                                                              merged):
        """Suffolk and Somerset include their merged 2019 districts and are not flagged."""
        for year in (2017, 2020):
            row = value(population, county, year, "all")
            assert row["population"] > sum(value(population, code, year, "all")["population"]
                                           for code in merged)
            assert pd.isna(row["approximation"])

    def test_only_dorset_is_approximate(self, population):
        """No area other than Dorset county carries an approximation note."""
        flagged = population.loc[population["approximation"].notna(), "area_code"]
        assert set(flagged) == {DORSET_COUNTY}

    def test_every_dtoc_council_has_an_18_plus_denominator(self, population):
        """Each code in the DToC file gets a population for every year it reports, except Bournemouth
        and Poole before their 2019 merger, which the 2021-boundary estimates cannot separate."""
        dtoc = pd.read_csv(DTOC_CSV, usecols=["period", "ons_code_filled"], dtype=str).dropna()
        dtoc["year"] = dtoc["period"].str[:4].astype("int64")
        needed = dtoc[~dtoc["ons_code_filled"].isin(["E06000028", "E06000029"])].drop_duplicates(
            ["ons_code_filled", "year"])
        adults = population[population["age_band"] == "18+"]
        found = needed.merge(adults, left_on=["ons_code_filled", "year"], right_on=["area_code", "year"],
                             how="left")
        assert found["population"].notna().all(), found.loc[found["population"].isna(), "ons_code_filled"]

    def test_a_county_missing_a_district_gets_no_row(self, tmp_path):
        """A file lacking some of a county's districts yields no county total rather than a short one."""
        path = write_csv(tmp_path / "pop.csv", [district(code="E07000163", name="Craven")])
        frame = read_population(path)
        assert NORTH_YORKSHIRE not in set(frame["area_code"])
        assert value(frame, ENGLAND, 2018, "all")["population"] == 100 * 91


class TestBadFiles:
    @pytest.mark.parametrize("bad", ["12a", "-5", "1.5", "", "1,000", "n/a"])
    def test_a_bad_count_names_file_row_column_and_value(self, tmp_path, bad):
        """A count that is not a whole non-negative number or "-" stops the load at that cell."""
        path = write_csv(tmp_path / "pop.csv", [district(year="2017"), district(Age_47=bad)])
        with pytest.raises(LoadError) as caught:
            read_population(path)
        assert (caught.value.file, caught.value.row, caught.value.column) == ("pop.csv", 3, "Age 47")
        assert f'"{bad}"' in str(caught.value)
        assert str(caught.value).startswith('pop.csv, row 3, column "Age 47": ')

    @pytest.mark.parametrize("bad", ["2017.5", "twenty", "", "17"])
    def test_a_bad_year_names_the_row(self, tmp_path, bad):
        """A year that is not a whole number stops the load at that row."""
        path = write_csv(tmp_path / "pop.csv", [district(year=bad)])
        with pytest.raises(LoadError) as caught:
            read_population(path)
        assert (caught.value.row, caught.value.column) == (2, "year")
        assert f'"{bad}"' in str(caught.value)

    @pytest.mark.parametrize("missing", ["code", "year", "Age 47", "Aged 90+"])
    def test_a_missing_column_is_named(self, tmp_path, missing):
        """A header without a required column is refused, naming that column."""
        columns = tuple(column for column in REQUIRED_COLUMNS if column != missing)
        path = write_csv(tmp_path / "pop.csv", [district()], columns=columns)
        with pytest.raises(LoadError) as caught:
            read_population(path)
        assert caught.value.column == missing
        assert caught.value.row == 1
        assert f'"{missing}"' in str(caught.value)

    def test_a_duplicate_area_and_year_names_both_rows(self, tmp_path):
        """A second row for the same code and year is refused at that row, pointing to the first."""
        path = write_csv(tmp_path / "pop.csv", [
            district(year="2018"), district(year="2017"), district(year="2018")])
        with pytest.raises(LoadError) as caught:
            read_population(path)
        assert (caught.value.row, caught.value.column) == (4, "code")
        assert "row 2" in caught.value.reason
        assert YORK in caught.value.reason

    @pytest.mark.parametrize("code", [ENGLAND, NORTH_YORKSHIRE, "York", ""])
    def test_a_code_that_is_not_a_district_is_refused(self, tmp_path, code):
        """England, county or malformed codes are refused, since England and counties are summed here."""
        path = write_csv(tmp_path / "pop.csv", [district(), district(code=code, name="x")])
        with pytest.raises(LoadError) as caught:
            read_population(path)
        assert (caught.value.row, caught.value.column) == (3, "code")

    def test_header_only_is_refused(self, tmp_path):
        """A file with a header and no data rows is refused."""
        path = write_csv(tmp_path / "pop.csv", [])
        with pytest.raises(LoadError, match="no data rows"):
            read_population(path)

    def test_a_binary_file_is_refused_with_load_error(self):
        """A spreadsheet passed by mistake raises LoadError, not a parser error."""
        with pytest.raises(LoadError):
            read_population(PUBLIC / "raw_nhse_dtoc_monthly" / "April_18.xls")


class TestSniff:
    def test_recognises_the_ons_file(self):
        """The bundled ONS file is recognised by its header."""
        assert looks_like_ons_population(POPULATION_CSV)

    @pytest.mark.parametrize("path", [
        DTOC_CSV,
        PUBLIC / "raw_nhse_dtoc_monthly" / "April_18.xls",
        PUBLIC / "PROVENANCE.md",
        PUBLIC / "does-not-exist.csv",
    ])
    def test_rejects_other_files_without_raising(self, path):
        """Other CSVs, binary spreadsheets, text and absent files are not recognised, and nothing raises."""
        assert looks_like_ons_population(path) is False

    def test_rejects_an_empty_file(self, tmp_path):
        """An empty file is not recognised."""
        path = tmp_path / "empty.csv"
        path.write_bytes(b"")
        assert looks_like_ons_population(path) is False
