"""analysis.upload_preview: what a previewed load replaces, in words."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import upload_preview

NAMES = {"E06000014": "York", "E92000001": "England", "E08000016": "Barnsley"}
INDICATORS = {"length_of_stay_65": "Length of stay"}


def summary(*rows: tuple[str, int, int, int, int]) -> pd.DataFrame:
    """A preview summary for length_of_stay_65: (area, added, changed, unchanged, retired) per row."""
    frame = pd.DataFrame(rows, columns=["area_code", "added", "changed", "unchanged", "demonstration_retired"])
    return frame.assign(indicator_id="length_of_stay_65", first_period=pd.NaT, last_period=pd.NaT)


def stored(*rows: tuple[str, int, int]) -> pd.DataFrame:
    """Current series for length_of_stay_65: (area, rows, demonstration rows) per row."""
    frame = pd.DataFrame(rows, columns=["area_code", "rows", "demonstration_rows"])
    return frame.assign(indicator_id="length_of_stay_65")


class TestReplacements:
    def test_a_york_only_extract_retires_york_and_england_and_leaves_england_without_a_series(self):
        """The issue's sentence, word for word, and the comparator flagged."""
        found = upload_preview.replacements(summary(("E06000014", 1, 0, 0, 60), ("E92000001", 0, 0, 0, 60)),
                                            stored(("E06000014", 60, 60), ("E92000001", 60, 60)), NAMES,
                                            INDICATORS, "E92000001")
        assert [item.sentence for item in found] == [
            "Length of stay: This replaces the demonstration series for York and England (120 rows). "
            "After this load, England has no series for this indicator."]
        assert found[0].comparator_left_without and upload_preview.needs_second_tick(found)

    def test_an_extract_for_york_and_england_leaves_nobody_without_a_series(self):
        """Both areas get real rows: the sentence names what is replaced and nothing more."""
        found = upload_preview.replacements(summary(("E06000014", 1, 0, 0, 60), ("E92000001", 1, 0, 0, 60)),
                                            stored(("E06000014", 60, 60), ("E92000001", 60, 60)), NAMES,
                                            INDICATORS, "E92000001")
        assert found[0].sentence.endswith("(120 rows).")
        assert not found[0].comparator_left_without

    def test_real_rows_already_stored_keep_an_area_s_series(self):
        """England with real rows stored keeps its series though its invented rows go."""
        found = upload_preview.replacements(summary(("E06000014", 1, 0, 0, 60), ("E92000001", 0, 0, 0, 60)),
                                            stored(("E06000014", 60, 60), ("E92000001", 72, 60)), NAMES,
                                            INDICATORS, "E92000001")
        assert "no series" not in found[0].sentence

    def test_a_load_that_retires_nothing_says_nothing_and_needs_no_tick(self):
        """Changing real rows only: no sentence, no second tick."""
        found = upload_preview.replacements(summary(("E06000014", 0, 2, 3, 0)), stored(("E06000014", 5, 0)),
                                            NAMES, INDICATORS, "E92000001")
        assert found == [] and not upload_preview.needs_second_tick(found)


@pytest.mark.parametrize("names,words", [
    (["York"], "York"), (["York", "England"], "York and England"),
    (["York", "Leeds", "England"], "York, Leeds and England"),
    (["A", "B", "C", "D", "E", "F"], "A, B, C and 3 other areas"),
])
def test_areas_are_named_as_people_list_them(names, words):
    """One, two, three names, then the first few and a count."""
    assert upload_preview.names_in_words(names) == words


@pytest.mark.parametrize("counts,sentence", [
    ((4, 2, 0, 240), "This load adds 4 rows, changes 2 and leaves 0 unchanged; it retires 240 demonstration rows."),
    ((1, 0, 3, 0), "This load adds 1 row, changes 0 and leaves 3 unchanged; it retires no demonstration rows."),
])
def test_the_headline_counts_added_changed_unchanged_and_retired(counts, sentence):
    """The four counts in one sentence."""
    assert upload_preview.headline(*counts) == sentence


def test_the_summary_names_areas_and_writes_months():
    """Codes get names; periods read "Apr 2018", never a timestamp; an area only retired shows a dash."""
    frame = summary(("E06000014", 1, 0, 0, 60), ("E92000001", 0, 0, 0, 60))
    frame["first_period"] = pd.to_datetime(["2018-04-01", None])
    frame["last_period"] = pd.to_datetime(["2018-04-30", None])
    words = upload_preview.summary_in_words(frame, NAMES, INDICATORS)
    assert words["area"].tolist() == ["York (E06000014)", "England (E92000001)"]
    assert words["from"].tolist() == ["Apr 2018", "—"]
    assert words["demonstration rows retired"].tolist() == [60, 60]
