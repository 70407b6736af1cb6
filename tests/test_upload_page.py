"""The upload page, headless with AppTest: who may use it, preview, confirm, cancel and undo."""

from __future__ import annotations

import duckdb
from streamlit.testing.v1 import AppTest

from store.settings import PROJECT_ROOT
from tests.page_text import charts_of, texts

PAGE = str(PROJECT_ROOT / "pages/upload.py")
HEADER = "indicator_id,area_code,area_name,period_start,period_end,numerator,denominator,value,value_note\n"
GOOD = (HEADER + "dtoc_18,E06000014,York,2020-01-01,2020-01-31,30,,,\n"
        "dtoc_18,E06000014,York,2019-12-01,2019-12-31,99,,,\n").encode()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def stored(db, period: str) -> float | None:
    con = duckdb.connect(str(db))  # the page holds the file open in this process, read-write
    try:
        row = con.execute("SELECT numerator FROM observations WHERE indicator_id = 'dtoc_18' "
                          "AND area_code = 'E06000014' AND period_start = ?", [period]).fetchone()
    finally:
        con.close()
    return None if row is None else row[0]


def test_a_fingertips_export_says_which_rows_it_left_out(upload_page):
    """A real download carries breakdowns the store does not hold: the page counts them, not silently."""
    content = (PROJECT_ROOT / "tests/fixtures/fingertips_export_22401.csv").read_bytes()
    at = upload(upload_page("ana"), "fingertips.csv", content)
    assert "passed every check" in texts(at, "success")
    assert "left out" in texts(at, "info")


class TestWhoMayUpload:
    def test_nobody_signed_in_sees_no_upload_controls(self, upload_page):
        """Without signing in the page says who can upload and shows no uploader or undo button."""
        at = upload_page(None)
        assert "Only analysts can upload" in texts(at, "info")
        assert len(at.file_uploader) == 0

    def test_a_viewer_sees_a_sentence_not_the_controls(self, upload_page):
        """A viewer is told who can upload and sees neither the uploader nor any Undo button."""
        at = upload_page("vic")
        assert "signed in as vic, a viewer" in texts(at, "info")
        assert len(at.file_uploader) == 0
        assert not [button for button in at.button if button.label == "Undo"]

    def test_a_viewer_is_told_in_words_whom_to_ask_not_a_command(self, upload_page):
        """The viewer's sentence names the administrator and shows no shell command or module name."""
        said = texts(upload_page("vic"), "info")
        assert "administrator" in said
        assert "python" not in said and "`" not in said and "--role" not in said

    def test_a_wrong_password_does_not_sign_in(self, upload_page):
        """A wrong password gets a sentence and no controls."""
        at = upload_page(None)
        at.text_input(key="pbip_login_name").input("ana")
        at.text_input(key="pbip_login_password").input("wrong password")
        at.button[0].click().run()
        assert "do not match" in texts(at, "error")
        assert len(at.file_uploader) == 0


class TestUpload:
    def test_an_analyst_sees_the_preview_then_confirms(self, upload_page, built_db):
        """The preview counts added and changed rows; Confirm stores them and lists the load."""
        at = upload(upload_page("ana"), "extract.csv", GOOD)
        metrics = {metric.label: metric.value for metric in at.metric}
        assert metrics["Added"] == "1" and metrics["Changed"] == "1"
        assert "passed every check" in texts(at, "success")
        assert len(charts_of(at)) == 1
        assert stored(built_db, "2020-01-01") is None
        next(button for button in at.button if button.label == "Confirm and store").click().run()
        assert not at.exception, at.exception
        assert "Stored extract.csv as load" in texts(at, "success")
        assert stored(built_db, "2020-01-01") == 30
        assert "extract.csv" in texts(at, "markdown")

    def test_cancel_stores_nothing(self, upload_page, built_db):
        """Cancel before confirm leaves the store as it was."""
        at = upload(upload_page("ana"), "extract.csv", GOOD)
        next(button for button in at.button if button.label == "Cancel").click().run()
        assert not at.exception, at.exception
        assert stored(built_db, "2020-01-01") is None

    def test_a_bad_file_gets_the_file_row_and_column(self, upload_page):
        """A validation error is shown as one sentence naming file, row and column."""
        at = upload(upload_page("ana"), "bad.csv",
                    HEADER.encode() + b"dtoc_18,E06000014,York,2020-01-01,2020-01-31,12a,,,\n")
        assert 'bad.csv, row 2, column "numerator": "12a" is not a number' in texts(at, "error")

    def test_a_load_can_be_undone_from_the_page(self, upload_page, built_db):
        """Undo asks for confirmation naming the load, then takes it back."""
        at = upload(upload_page("ana"), "extract.csv", GOOD)
        next(button for button in at.button if button.label == "Confirm and store").click().run()
        assert stored(built_db, "2020-01-01") == 30
        undo = next(button for button in at.button if button.label == "Undo" and not button.disabled)
        undo.click().run()
        assert not at.exception, at.exception
        assert "extract.csv" in texts(at, "warning") and stored(built_db, "2020-01-01") == 30
        next(button for button in at.button if button.label.startswith("Yes, undo load")).click().run()
        assert not at.exception, at.exception
        assert "undone" in texts(at, "success")
        assert stored(built_db, "2020-01-01") is None

    def test_keeping_a_load_when_asked_changes_nothing(self, upload_page, built_db):
        """Answering "Keep it" to the undo question leaves the load in the store."""
        at = upload(upload_page("ana"), "extract.csv", GOOD)
        next(button for button in at.button if button.label == "Confirm and store").click().run()
        next(button for button in at.button if button.label == "Undo" and not button.disabled).click().run()
        next(button for button in at.button if button.label == "Keep it").click().run()
        assert not at.exception, at.exception
        assert stored(built_db, "2020-01-01") == 30

    def test_the_template_can_be_downloaded(self, upload_page):
        """The page offers the tidy template example."""
        at = upload_page("ana")
        assert "tidy template" in str(at.get("download_button")[0].proto.label)


YORK_ONLY = (HEADER + "length_of_stay_65,E06000014,York,2018-04-01,2018-04-30,250,900,,\n").encode()
RETIRES = ("Length of stay over 7 days (65+): This replaces the demonstration series for York and England "
           "(120 rows). After this load, England has no series for this indicator.")


def button(at: AppTest, label: str):
    return next(widget for widget in at.button if widget.label == label)


def england_rows(db) -> int:
    con = duckdb.connect(str(db))
    try:
        return con.execute("SELECT count(*) FROM observations WHERE indicator_id = 'length_of_stay_65' "
                           "AND area_code = 'E92000001'").fetchone()[0]
    finally:
        con.close()


class TestWhatALoadReplaces:
    def test_the_preview_says_in_words_which_demonstration_series_a_real_extract_retires(self, upload_page):
        """One York row for length of stay retires York's and England's invented series: said plainly."""
        at = upload(upload_page("ana"), "york.csv", YORK_ONLY)
        metrics = {metric.label: metric.value for metric in at.metric}
        assert metrics["Added"] == "1" and metrics["Retired (demonstration)"] == "120"
        assert RETIRES in texts(at, "warning")
        assert "retires 120 demonstration rows" in texts(at, "markdown")

    def test_confirm_needs_a_second_tick_when_a_load_retires_series(self, upload_page, built_db):
        """Confirm stays disabled until the analyst ticks that the load should replace what it replaces."""
        at = upload(upload_page("ana"), "york.csv", YORK_ONLY)
        assert button(at, "Confirm and store").disabled
        assert england_rows(built_db) == 60
        at.checkbox[0].check().run()
        assert not button(at, "Confirm and store").disabled
        button(at, "Confirm and store").click().run()
        assert not at.exception, at.exception
        assert "Stored york.csv as load" in texts(at, "success")
        assert england_rows(built_db) == 0

    def test_a_load_that_retires_nothing_needs_no_second_tick(self, upload_page):
        """A DToC extract replaces no invented series: no tick box, Confirm enabled at once."""
        at = upload(upload_page("ana"), "extract.csv", GOOD)
        assert len(at.checkbox) == 0
        assert not button(at, "Confirm and store").disabled
        assert "retires no demonstration rows" in texts(at, "markdown")


class TestProblemsShown:
    def test_every_problem_is_listed_open_with_no_progress_bar(self, upload_page):
        """Two bad cells two rows apart: both sentences are in the open error, not behind a click."""
        at = upload(upload_page("ana"), "bad_file2.csv", (HEADER
                    + "dtoc_18,E06000014,York,2020-01-01,2020-01-31,12a,,,\n"
                    + "dtoc_18,E06000014,York,2019-12-01,2019-12-31,30,,,\n"
                    + "dtoc_18,E06000014,York,2019-11-01,2019-11-30,-5,,,\n").encode())
        shown = texts(at, "error")
        assert "bad_file2.csv** cannot be loaded: 2 problems found" in shown
        assert 'bad_file2.csv, row 2, column "numerator": "12a" is not a number' in shown
        assert 'bad_file2.csv, row 4, column "numerator": "-5" is below 0' in shown
        assert not at.get("progress")
        assert not [expander for expander in at.expander if "cannot be loaded" in str(expander)]

    def test_a_year_zero_period_ends_in_a_sentence(self, upload_page):
        """0000-01-01 is named as an implausible period, not Streamlit's generic error."""
        at = upload(upload_page("ana"), "zero.csv",
                    HEADER.encode() + b"dtoc_18,E06000014,York,0000-01-01,2020-01-31,30,,,\n")
        assert '"0000-01-01" is before 1950' in texts(at, "error")

    def test_a_300_character_file_name_is_checked_and_shown_shortened(self, upload_page):
        """The name is only shown (shortened in the middle), never used as a path, so the file is checked."""
        at = upload(upload_page("ana"), "n" * 296 + ".csv", GOOD)
        assert "passed every check" in texts(at, "success")
        assert "n" * 300 not in texts(at, "success") and "…" in texts(at, "success")
