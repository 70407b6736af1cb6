"""The LA-Type-B spreadsheet reader against the four real NHS England layouts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlrd

from loaders.dtoc_xls import COLUMNS, DTYPES, looks_like_la_type_b, read_la_type_b
from loaders.errors import LoadError

DATA = Path(__file__).resolve().parents[1] / "data" / "public"
RAW = DATA / "raw_nhse_dtoc_monthly"
TIDY_CSV = DATA / "nhse_dtoc_la_monthly_2011-04_2019-12.csv"
BEDS = [c for c in COLUMNS if c.endswith("_beds")]
# The tidy CSV holds beds rounded to 4 decimal places; the sheets hold full precision.
CSV_BEDS_ROUNDING = 5e-5 + 1e-9

FILES = {
    "April_14.xls": "2014-04",  # Region, Code, Name; no ONS code; no beds
    "April_16.xls": "2016-04",  # adds ONS Geography
    "April_18.xls": "2018-04",  # "Delayed Days" and "DTOC Beds" blocks; "O) Other"
    "Jul_19.xls": "2019-07",  # beds block renamed "Average Number of People Delayed per Day"
}


@pytest.fixture(scope="module")
def tidy() -> pd.DataFrame:
    return pd.read_csv(TIDY_CSV, dtype=DTYPES)


def _by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("la_code").reset_index(drop=True)


def _xlsx_copy(src: Path, dest: Path, edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """Write the workbook's cell values to an .xlsx, optionally broken by `edit`."""
    book = xlrd.open_workbook(str(src))
    out = openpyxl.Workbook()
    out.remove(out.active)
    for sheet in book.sheets():
        ws = out.create_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c, value in enumerate(sheet.row_values(r)):
                if value != "":
                    ws.cell(r + 1, c + 1, value)
    if edit:
        edit(out)
    out.save(dest)
    return dest


def _row_of(ws, name: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 5).value == name)


def _set(sheet: str, area: str, header: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    """An edit that puts `value` in the `header` column (first match in row 14) of `area`'s row."""
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        col = next(c for c in range(1, ws.max_column + 1) if ws.cell(14, c).value == header)
        ws.cell(_row_of(ws, area), col).value = value
    return edit


class TestRealLayouts:
    @pytest.mark.parametrize("name,period", FILES.items())
    def test_each_layout_gives_the_tidy_rows_for_its_month(self, name, period, tidy):
        """Every layout gives exactly the tidy CSV's rows, columns, types and counts for that month."""
        got = _by_code(read_la_type_b(RAW / name))
        want = _by_code(tidy[tidy["period"] == period])
        assert list(got.columns) == list(COLUMNS)
        assert len(got) == len(want)
        pd.testing.assert_frame_equal(got.drop(columns=BEDS), want.drop(columns=BEDS), check_exact=True)
        pd.testing.assert_frame_equal(got[BEDS], want[BEDS], check_exact=False, rtol=0,
                                      atol=CSV_BEDS_ROUNDING)

    def test_york_april_2018_matches_the_cqc_figures(self):
        """York, April 2018: 1,022 delayed days, 34.07 delayed days per day (1022 / 30)."""
        frame = read_la_type_b(RAW / "April_18.xls")
        york = frame[frame["la_code"] == "219"].iloc[0]
        assert york["name"] == "York UA"
        assert york["ons_code_filled"] == "E06000014"
        assert york["total_days"] == 1022
        assert york["total_beds"] == pytest.approx(1022 / 30, abs=1e-12)

    def test_england_is_the_first_row_in_july_2019(self):
        """The England row comes first, with ONS code E92000001 filled in."""
        frame = read_la_type_b(RAW / "Jul_19.xls")
        england = frame.iloc[0]
        assert england["name"] == "England"
        assert england["period"] == "2019-07"
        assert england["ons_code_filled"] == "E92000001"
        assert pd.isna(england["ons_code"])
        assert england["total_days"] == 139903

    def test_old_layouts_take_ons_codes_from_the_lookup(self):
        """April 2014 prints no ONS codes; York and pre-2019 Dorset get theirs from la_codes.csv."""
        frame = read_la_type_b(RAW / "April_14.xls").set_index("la_code")
        assert frame["ons_code"].isna().all()
        assert frame.loc["219", "ons_code_filled"] == "E06000014"
        assert frame.loc["809", "ons_code_filled"] == "E10000009"
        assert pd.isna(frame.loc["9900", "ons_code_filled"])  # Resident in Wales: no English council

    def test_a_dash_is_missing_not_zero(self):
        """City of London, April 2018 prints "-" for its by-type and by-reason counts."""
        frame = read_la_type_b(RAW / "April_18.xls").set_index("la_code")
        city = frame.loc["714"]
        assert pd.isna(city["acute_days"]) and pd.isna(city["reason_A"]) and pd.isna(city["acute_beds"])
        assert city["total_days"] == 0

    def test_columns_are_typed(self):
        """Counts are nullable whole numbers, beds are floats, codes are text."""
        frame = read_la_type_b(RAW / "April_16.xls")
        assert frame["total_days"].dtype == "Int64"
        assert frame["reason_O"].dtype == "Int64" and frame["reason_O"].isna().all()
        assert frame["total_beds"].dtype == "float64" and frame["total_beds"].isna().all()
        assert frame["la_code"].dtype == "str"

    def test_an_xlsx_copy_reads_the_same(self, tmp_path):
        """The layout is found from the content, so an .xlsx copy under any name reads the same."""
        copy = _xlsx_copy(RAW / "April_18.xls", tmp_path / "renamed.xlsx")
        got = read_la_type_b(copy)
        assert (got["source_file"] == "renamed.xlsx").all()
        pd.testing.assert_frame_equal(got.drop(columns="source_file"),
                                      read_la_type_b(RAW / "April_18.xls").drop(columns="source_file"))


class TestLooksLike:
    @pytest.mark.parametrize("name", FILES)
    def test_every_real_layout_is_recognised(self, name):
        """All four real layouts are recognised."""
        assert looks_like_la_type_b(RAW / name)

    def test_other_files_are_not(self, tmp_path):
        """Another NHS spreadsheet, a CSV, an empty file and a missing file are not LA-Type-B."""
        (tmp_path / "empty.xls").write_bytes(b"")
        (tmp_path / "garbage.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
        assert not looks_like_la_type_b(DATA / "raw_nhse_mar_commissioner_monthly" / "Apr_18.xls")
        assert not looks_like_la_type_b(TIDY_CSV)
        assert not looks_like_la_type_b(tmp_path / "empty.xls")
        assert not looks_like_la_type_b(tmp_path / "garbage.xls")
        assert not looks_like_la_type_b(tmp_path / "missing.xls")


class TestMalformedFiles:
    def test_a_non_numeric_count_names_file_sheet_row_and_column(self, tmp_path):
        """A count cell holding text is refused, with the exact place in one sentence."""
        bad = _xlsx_copy(RAW / "April_18.xls", tmp_path / "bad.xlsx",
                         _set("LA - by type of care", "York UA", "Acute", "12a"))
        with pytest.raises(LoadError) as caught:
            read_la_type_b(bad)
        err = caught.value
        assert (err.file, err.sheet, err.column) == ("bad.xlsx", "LA - by type of care", "Acute")
        assert err.row == 167  # York's row in the sheet, as Excel numbers it
        assert str(err) == ('bad.xlsx, sheet "LA - by type of care", row 167, column "Acute": '
                            '"12a" is not a whole number of delayed days')

    @pytest.mark.parametrize("value,message", [
        (-5, "-5 is negative; a count of delayed days cannot be"),
        (2.5, "2.5 is not a whole number of delayed days"),
        (None, 'the cell is empty; expected a whole number or "-"'),
    ])
    def test_a_count_must_be_a_whole_number_of_days(self, tmp_path, value, message):
        """Negative, fractional and empty counts are refused, never coerced."""
        header = "A) Awaiting completion of assessment"
        bad = _xlsx_copy(RAW / "April_18.xls", tmp_path / "bad.xlsx",
                         _set("LA - by reason", "York UA", header, value))
        with pytest.raises(LoadError) as caught:
            read_la_type_b(bad)
        err = caught.value
        assert (err.sheet, err.row, err.column, err.reason) == ("LA - by reason", 167, header, message)

    def test_a_missing_sheet_is_named(self, tmp_path):
        """A workbook without the by-reason sheet names the sheet it lacks."""
        bad = _xlsx_copy(RAW / "April_16.xls", tmp_path / "bad.xlsx",
                         lambda wb: wb.remove(wb["LA - by reason"]))
        with pytest.raises(LoadError, match='has no sheet "LA - by reason"') as caught:
            read_la_type_b(bad)
        assert (caught.value.file, caught.value.sheet) == ("bad.xlsx", "LA - by reason")

    def test_a_header_not_in_row_14_is_refused(self, tmp_path):
        """An extra row above the table moves the headers off row 14, which is reported."""
        bad = _xlsx_copy(RAW / "April_14.xls", tmp_path / "bad.xlsx",
                         lambda wb: wb["LA - by responsible org"].insert_rows(1))
        with pytest.raises(LoadError) as caught:
            read_la_type_b(bad)
        err = caught.value
        assert (err.sheet, err.row, err.column) == ("LA - by responsible org", 14, "Region")
        assert 'should have a "Region" column' in str(err)

    def test_an_unknown_la_without_an_ons_code_is_refused(self, tmp_path):
        """In a layout with no ONS column, an LA code missing from la_codes.csv cannot be placed."""
        def recode(wb: openpyxl.Workbook) -> None:
            for name in ("LA - by Type of Care", "LA - by responsible org", "LA - by reason"):
                wb[name].cell(_row_of(wb[name], "York UA"), 4, "999")
        bad = _xlsx_copy(RAW / "April_14.xls", tmp_path / "bad.xlsx", recode)
        with pytest.raises(LoadError, match="la_codes.csv") as caught:
            read_la_type_b(bad)
        err = caught.value
        assert (err.sheet, err.row, err.column) == ("LA - by Type of Care", 167, "Code")
        assert 'LA code "999" (York UA)' in str(err)

    def test_responsible_org_total_must_match_type_of_care_total(self, tmp_path):
        """The by-org Total is dropped, so a disagreement with the by-type Total is reported."""
        bad = _xlsx_copy(RAW / "Jul_19.xls", tmp_path / "bad.xlsx",
                         _set("LA - by responsible org", "York UA", "Total", 758))
        with pytest.raises(LoadError, match="differs from the Total 757") as caught:
            read_la_type_b(bad)
        assert (caught.value.sheet, caught.value.column) == ("LA - by responsible org", "Total")

    def test_an_area_missing_from_one_sheet_is_refused(self, tmp_path):
        """All three sheets must list the same areas."""
        def drop_york(wb: openpyxl.Workbook) -> None:
            ws = wb["LA - by reason"]
            ws.delete_rows(_row_of(ws, "York UA"))
        bad = _xlsx_copy(RAW / "April_18.xls", tmp_path / "bad.xlsx", drop_york)
        with pytest.raises(LoadError, match='LA code "219" .* has no row on this sheet') as caught:
            read_la_type_b(bad)
        assert caught.value.sheet == "LA - by reason"

    def test_an_unknown_beds_block_is_refused(self, tmp_path):
        """A row-13 block header the loader does not know is not guessed at."""
        def rename(wb: openpyxl.Workbook) -> None:
            wb["LA - by type of care"]["J13"] = "Beds per 100,000"
        bad = _xlsx_copy(RAW / "April_18.xls", tmp_path / "bad.xlsx", rename)
        with pytest.raises(LoadError, match='unknown block header "Beds per 100,000"') as caught:
            read_la_type_b(bad)
        assert (caught.value.row, caught.value.column) == (13, "Acute")

    def test_a_file_that_is_not_a_spreadsheet_is_refused(self, tmp_path):
        """A CSV renamed .xls is reported as not a workbook, naming the file."""
        fake = tmp_path / "LA-Type-B-April-2018.xls"
        fake.write_text("period,name\n2018-04,York UA\n")
        with pytest.raises(LoadError, match="is not an Excel workbook") as caught:
            read_la_type_b(fake)
        assert (caught.value.file, caught.value.row) == ("LA-Type-B-April-2018.xls", None)
