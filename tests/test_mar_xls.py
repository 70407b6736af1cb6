"""The MAR commissioner web-file reader against the real April 2018 file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlrd

from loaders.errors import LoadError
from loaders.mar_xls import (
    ACTIVITY_COLUMNS,
    COLUMNS,
    DTYPES,
    looks_like_mar_commissioner,
    read_mar_commissioner,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "public"
APR_18 = DATA / "raw_nhse_mar_commissioner_monthly" / "Apr_18.xls"
TIDY_CSV = DATA / "nhse_mar_commissioner_monthly_vale_of_york_england_2012-04_2019-12.csv"
NON_ELECTIVE = "Total Non-elective G&A Admissions (FFCEs)"


@pytest.fixture(scope="module")
def april_2018() -> pd.DataFrame:
    return read_mar_commissioner(APR_18)


def _xlsx_copy(dest: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """Write the April 2018 file's cell values to an .xlsx, broken by `edit`."""
    book = xlrd.open_workbook(str(APR_18))
    out = openpyxl.Workbook()
    out.remove(out.active)
    for sheet in book.sheets():
        ws = out.create_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c, value in enumerate(sheet.row_values(r)):
                if value != "":
                    ws.cell(r + 1, c + 1, value)
    edit(out)
    out.save(dest)
    return dest


def _vale_of_york_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 6).value == "03Q")


class TestRealFile:
    def test_england_and_vale_of_york_match_the_tidy_csv(self, april_2018):
        """The England and NHS Vale of York CCG (03Q) rows equal the tidy CSV's April 2018 rows exactly."""
        tidy = pd.read_csv(TIDY_CSV, dtype=DTYPES)
        want = tidy[tidy["period"] == "2018-04"].sort_values("Org Code").reset_index(drop=True)
        got = (april_2018[april_2018["Org Code"].isin(["ENGLAND", "03Q"])]
               .sort_values("Org Code").reset_index(drop=True))
        assert list(april_2018.columns) == list(COLUMNS) == list(tidy.columns)
        pd.testing.assert_frame_equal(got, want, check_exact=True)

    def test_every_commissioner_is_returned(self, april_2018):
        """England comes first, then all 196 commissioners, which add up to England."""
        assert april_2018.iloc[0]["Org Code"] == "ENGLAND"
        assert len(april_2018) == 197
        assert april_2018["Org Code"].is_unique
        commissioners = april_2018.iloc[1:]
        for column in ACTIVITY_COLUMNS:
            assert commissioners[column].sum() == april_2018.iloc[0][column], column

    def test_vale_of_york_non_elective_admissions(self, april_2018):
        """NHS Vale of York CCG had 3,276 non-elective G&A admissions in April 2018, under region Y54."""
        vale = april_2018.set_index("Org Code").loc["03Q"]
        assert vale["Org Name"] == "NHS VALE OF YORK CCG"
        assert vale[NON_ELECTIVE] == 3276
        assert (vale["parent_level"], vale["Parent Code"]) == ("Region", "Y54")

    def test_metadata_cells_are_carried(self, april_2018):
        """Published, Revised and Status come from the file's own header cells."""
        first = april_2018.iloc[0]
        assert (first["published"], first["revised"], first["status"]) == (
            "14th June 2018", "13th February 2020", "Revised Public")


class TestLooksLike:
    def test_the_real_file_is_recognised(self):
        """The April 2018 commissioner file is recognised."""
        assert looks_like_mar_commissioner(APR_18)

    def test_other_files_are_not(self, tmp_path):
        """A DToC spreadsheet, a CSV, random bytes and a missing file are not MAR commissioner files."""
        (tmp_path / "noise.xls").write_bytes(b"PK\x03\x04 not really a zip")
        assert not looks_like_mar_commissioner(DATA / "raw_nhse_dtoc_monthly" / "April_18.xls")
        assert not looks_like_mar_commissioner(TIDY_CSV)
        assert not looks_like_mar_commissioner(tmp_path / "noise.xls")
        assert not looks_like_mar_commissioner(tmp_path / "missing.xls")


class TestMalformedFiles:
    @pytest.mark.parametrize("value,message", [
        ("n/a", '"n/a" is not a number'),
        (-1, "-1 is negative; an activity count cannot be"),
        (None, "the cell is empty; expected a number of admissions, referrals or attendances"),
    ])
    def test_a_bad_activity_cell_names_file_sheet_row_and_column(self, tmp_path, value, message):
        """Text, negative and empty activity counts are refused with their exact place."""
        def edit(wb: openpyxl.Workbook) -> None:
            ws = wb["Commissioner"]
            ws.cell(_vale_of_york_row(ws), 15).value = value  # column O: Total Non-elective
        bad = _xlsx_copy(tmp_path / "bad.xlsx", edit)
        with pytest.raises(LoadError) as caught:
            read_mar_commissioner(bad)
        err = caught.value
        row = _vale_of_york_row(openpyxl.load_workbook(bad)["Commissioner"])
        assert (err.file, err.sheet, err.row, err.column) == ("bad.xlsx", "Commissioner", row, NON_ELECTIVE)
        assert str(err) == f'bad.xlsx, sheet "Commissioner", row {row}, column "{NON_ELECTIVE}": {message}'

    def test_a_missing_sheet_is_named(self, tmp_path):
        """A workbook without the Commissioner sheet says so."""
        bad = _xlsx_copy(tmp_path / "bad.xlsx", lambda wb: wb.remove(wb["Commissioner"]))
        with pytest.raises(LoadError, match='has no sheet "Commissioner"') as caught:
            read_mar_commissioner(bad)
        assert caught.value.sheet == "Commissioner"

    def test_a_missing_activity_column_is_named(self, tmp_path):
        """Without the non-elective header in row 14 the file is refused, naming that column."""
        def edit(wb: openpyxl.Workbook) -> None:
            wb["Commissioner"].delete_cols(15)
        bad = _xlsx_copy(tmp_path / "bad.xlsx", edit)
        with pytest.raises(LoadError) as caught:
            read_mar_commissioner(bad)
        assert (caught.value.row, caught.value.column) == (14, NON_ELECTIVE)

    def test_a_header_not_in_row_14_is_refused(self, tmp_path):
        """An extra row above the table moves the headers off row 14, which is reported."""
        bad = _xlsx_copy(tmp_path / "bad.xlsx", lambda wb: wb["Commissioner"].insert_rows(1))
        with pytest.raises(LoadError, match='should have a "Year" column') as caught:
            read_mar_commissioner(bad)
        assert (caught.value.sheet, caught.value.row, caught.value.column) == ("Commissioner", 14, "Year")

    def test_a_duplicate_org_code_is_refused(self, tmp_path):
        """Two rows for one commissioner are refused at the second one."""
        def edit(wb: openpyxl.Workbook) -> None:
            ws = wb["Commissioner"]
            ws.cell(_vale_of_york_row(ws) + 1, 6).value = "03Q"
        bad = _xlsx_copy(tmp_path / "bad.xlsx", edit)
        with pytest.raises(LoadError, match='Org Code "03Q" appears twice') as caught:
            read_mar_commissioner(bad)
        assert caught.value.column == "Org Code"

    def test_a_row_from_another_month_is_refused(self, tmp_path):
        """A row whose Period is not the file's month is refused."""
        def edit(wb: openpyxl.Workbook) -> None:
            ws = wb["Commissioner"]
            ws.cell(_vale_of_york_row(ws), 3).value = "MAY"
        bad = _xlsx_copy(tmp_path / "bad.xlsx", edit)
        with pytest.raises(LoadError, match='"MAY" is not the month of the file\'s period "April 2018"'):
            read_mar_commissioner(bad)

    def test_an_unknown_activity_column_is_refused(self, tmp_path):
        """A header the loader does not know is refused rather than dropped."""
        def edit(wb: openpyxl.Workbook) -> None:
            wb["Commissioner"].cell(14, 22).value = "Emergency Admissions 65+"
        bad = _xlsx_copy(tmp_path / "bad.xlsx", edit)
        with pytest.raises(LoadError, match='unknown column "Emergency Admissions 65\\+"') as caught:
            read_mar_commissioner(bad)
        assert (caught.value.row, caught.value.column) == (14, "Emergency Admissions 65+")
