"""Downloads open as data: CSV cells that would start a formula are escaped, .xlsx text is never a formula."""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from loaders.plan import read_action_workbook
from store.settings import PROJECT_ROOT
from ui.download import FORMULA_STARTS, escape_cell, safe_csv, safe_frame, safe_xlsx

# The payloads of issue 11 and OWASP's CSV-injection page, one per dangerous first character.
PAYLOADS = ['=HYPERLINK("http://x")', "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "\t=1+1", "\r=1+1"]
REFS = {f"R{n}" for n in range(1, 14)}


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


class TestEscapeCell:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_text_that_starts_a_formula_gets_an_apostrophe(self, payload):
        """Each dangerous first character is neutralised by a leading apostrophe, the rest kept."""
        assert escape_cell(payload) == "'" + payload

    @pytest.mark.parametrize("value", ["fine", "a=b", "", 3, -2.5, None, date(2019, 1, 1)])
    def test_anything_else_is_unchanged(self, value):
        """Ordinary text, numbers (negative too), blanks and dates are left as they are."""
        assert escape_cell(value) == value


class TestSafeCsv:
    def test_every_cell_and_heading_is_safe_and_numbers_stay_numbers(self):
        """No CSV cell starts a formula, text payloads read back with their apostrophe, numbers unquoted."""
        frame = pd.DataFrame({"=Heading": PAYLOADS, "Value": [-1.5, 2, 3, 4, 5, 6],
                              "Text": pd.array(PAYLOADS, dtype="string"),
                              "Kind": pd.Categorical(PAYLOADS)})
        rows = _csv_cells(safe_csv(frame))
        assert rows[0] == ["'=Heading", "Value", "Text", "Kind"]
        text_cells = [cell for row in rows for position, cell in enumerate(row) if position != 1]
        assert not [cell for cell in text_cells if cell.startswith(FORMULA_STARTS)]
        assert [row[0] for row in rows[1:]] == ["'" + payload for payload in PAYLOADS]
        assert [row[2] for row in rows[1:]] == [row[3] for row in rows[1:]] == [row[0] for row in rows[1:]]
        assert rows[1][1] == "-1.5"

    def test_the_frame_itself_is_not_changed(self):
        """Escaping works on a copy: the page's own frame keeps its text."""
        frame = pd.DataFrame({"Action": PAYLOADS[:1]})
        safe_frame(frame)
        assert frame["Action"].tolist() == PAYLOADS[:1]


class TestSafeXlsx:
    def test_text_is_never_a_formula_and_types_are_kept(self):
        """Formula-like text is a text cell holding exactly what was typed; numbers and dates keep their types."""
        frame = pd.DataFrame({"Action": PAYLOADS, "Count": range(6), "Due": [date(2019, 3, 31)] * 6,
                              "At": [pd.Timestamp("2019-01-02 03:04:05")] * 6, "Gap": [None, *"abcde"]})
        sheet = load_workbook(io.BytesIO(safe_xlsx({"Sheet": frame}, titles={"Sheet": "=title"}))).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert sheet["A1"].value == "=title" and sheet["A1"].data_type == "s"
        # A lone CR is read back as LF by some XML parsers and kept by lxml: either way text, not a formula.
        read = [sheet.cell(row, 1).value for row in range(3, 9)]
        assert [value.replace("\r", "\n") for value in read] == [p.replace("\r", "\n") for p in PAYLOADS]
        assert sheet["B4"].value == 1 and sheet["B4"].data_type == "n"
        assert sheet["C3"].value == datetime(2019, 3, 31) and sheet["C3"].is_date
        assert sheet["D3"].value == datetime(2019, 1, 2, 3, 4, 5)
        assert sheet["E3"].value is None

    def test_an_imported_text_cell_is_not_a_formula_when_exported_again(self):
        """A text cell "=HYPERLINK(...)" in an analyst's workbook stays text through import and export."""
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Action plan"
        sheet.append(["Ref", "Actions", "Lead", "Date for Completion", "Progress", "RAG"])
        sheet.append(["R5.1", "placeholder", "@SUM(1)", date(2019, 3, 31), "-2+3+cmd|' /C calc'!A0", "Red"])
        sheet["B2"].value = PAYLOADS[0]
        sheet["B2"].data_type = "s"  # typed as text in Excel, which openpyxl would otherwise make a formula
        buffer = io.BytesIO()
        workbook.save(buffer)
        incoming = read_action_workbook(buffer.getvalue(), file_name="plan.xlsx", recommendation_refs=REFS)
        assert incoming.loc[0, "description"] == PAYLOADS[0]
        exported = load_workbook(io.BytesIO(safe_xlsx({"Action plan": incoming})))
        cells = [cell for row in exported.active.iter_rows() for cell in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert exported.active["B2"].value == PAYLOADS[0]

    def test_the_plan_workbook_reads_back_unchanged(self):
        """A workbook with a title row above the plan's columns is read back by the plan's import."""
        frame = pd.DataFrame({"Ref": ["R5.1"], "Actions": [PAYLOADS[0]], "Lead": ["@SUM(1)"],
                              "Date for Completion": [date(2019, 3, 31)], "Progress": [PAYLOADS[1]], "RAG": ["Red"]})
        data = safe_xlsx({"Action plan": frame}, titles={"Action plan": "York improvement plan actions"})
        incoming = read_action_workbook(data, file_name="export.xlsx", recommendation_refs=REFS)
        assert incoming.loc[0, ["description", "lead", "progress", "rag"]].tolist() == [
            PAYLOADS[0], "@SUM(1)", PAYLOADS[1], "Red"]
        assert incoming.loc[0, "due_date"] == date(2019, 3, 31)


def test_streamlit_table_downloads_are_turned_off():
    """The dashboard's Streamlit config hides the built-in "Download as CSV" and copy on every table."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
