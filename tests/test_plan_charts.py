"""The plan's tables, safe text and RAG timeline (charts/plan.py), without Streamlit: RAG as words on readable
swatches, overdue as a word, user text escaped."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import plan as rules
from charts import plan as plan_charts
from charts.html_table import table_html

SCRIPT = "<script>alert('owned')</script>"


def actions(**overrides) -> pd.DataFrame:
    rows = {"ref": ["R5.1", "R5.2", "R5.3"], "description": ["Recruit", "[click](javascript:alert(1))", "Hub"],
            "lead": ["City of York Council", "**Bold** lead", "York CVS"],
            "due_date": [date(2019, 3, 31), None, date(2019, 6, 30)],
            "rag": ["Red", "Blue", "Grey"], "is_overdue": [True, False, True],
            "progress": [SCRIPT, None, "Started"],
            "updated_at": [datetime(2019, 1, 10, 9, 30), datetime(2019, 2, 1), datetime(2019, 2, 1)]}
    rows.update(overrides)
    return pd.DataFrame(rows)


class TestContrast:
    @pytest.mark.parametrize("rag", list(rules.RAG_STATUSES))
    def test_every_rag_swatch_text_meets_wcag_aa(self, rag):
        """The text on each RAG colour contrasts with it by at least 4.5:1 (WCAG 2.2 AA)."""
        ratio = plan_charts.contrast_ratio(plan_charts.RAG_TEXT_COLOURS[rag], plan_charts.RAG_COLOURS[rag])
        assert ratio >= plan_charts.WCAG_AA_CONTRAST

    @pytest.mark.parametrize("foreground,background,expected", [
        ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)])
    def test_contrast_ratio_matches_the_wcag_formula(self, foreground, background, expected):
        """Black on white is 21:1, a colour on itself 1:1, and #767676 on white is the familiar 4.54:1."""
        assert plan_charts.contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)


class TestReadableActions:
    def test_rag_is_its_word_and_meaning(self):
        """Each RAG not overdue becomes its word with its meaning: "Red: off track", "Blue: complete"."""
        assert plan_charts.readable_actions(actions(is_overdue=[False, False, False]))["rag"].tolist() == [
            "Red: off track", "Blue: complete", "Grey: not started"]

    def test_an_overdue_action_reads_red_overdue_with_its_reported_rag(self):
        """An overdue action reads "Red: overdue", with the RAG last reported when that was not Red."""
        shown = plan_charts.readable_actions(actions(rag=["Red", "Blue", "Green"]))["rag"].tolist()
        assert shown == ["Red: overdue", "Blue: complete", "Red: overdue (reported Green)"]
        assert not any("on track" in text for text in shown)

    def test_overdue_is_a_word(self):
        """An overdue action says "Overdue"; one that is not says nothing."""
        assert plan_charts.readable_actions(actions())["is_overdue"].tolist() == ["Overdue", "", "Overdue"]

    def test_rag_columns_become_words_and_other_values_stay(self):
        """In a "since the last board" table a RAG becomes its word and meaning; a date or a blank stays."""
        since = pd.DataFrame({"from": ["Green", "2019-05-16", None], "to": ["Blue", "2019-05-16", "Grey"]})
        shown = plan_charts.readable_rags(since, ["from", "to"])
        assert shown["from"].tolist() == ["Green: on track", "2019-05-16", ""]
        assert shown["to"].tolist() == ["Blue: complete", "2019-05-16", "Grey: not started"]

    def test_the_roll_up_is_a_word_and_no_actions_stays_as_it_is(self):
        """The counts' roll-up is a RAG word and meaning on its swatch, or "No actions" as it is; every value is
        escaped (a recommendation named with markup shows as typed)."""
        import lxml.html

        from charts.board import rag_counts_html

        counts = pd.DataFrame({"Recommendation": ["R1", "<b>R2</b>"], "Red": [0, 2], "Amber": [1, 0],
                               "Roll-up": ["Amber", rules.NO_ACTIONS]})
        table = lxml.html.fromstring(rag_counts_html(counts, meanings=True)).find(".//table")
        rows = [[cell.text_content() for cell in row] for row in table.iter("tr")]
        assert rows == [["Recommendation", "Red", "Amber", "Roll-up"], ["R1", "0", "1", "Amber: at risk"],
                        ["<b>R2</b>", "2", "0", "No actions"]]
        swatch = table.find(".//span[@class='pbip-rag']")
        assert swatch.text == "Amber: at risk" and plan_charts.RAG_COLOURS["Amber"] in swatch.get("style")
        assert table.find(".//b") is None


class TestActionTable:
    """The plan's tables as the pages draw them (charts.html_table.table_html), on a screen and the projector."""

    def cells(self) -> tuple[list[str], list[list]]:
        import lxml.html

        frame = plan_charts.readable_actions(actions()).rename(columns={"rag": "RAG", "is_overdue": "Overdue"})
        table = lxml.html.fromstring(table_html(frame, rag_columns=["RAG"])).find(".//table")
        return [th.text_content() for th in table.iter("th")], [tr.findall("td") for tr in table.find("tbody")]

    def column(self, name: str) -> list:
        headings, rows = self.cells()
        return [row[headings.index(name)] for row in rows]

    def test_rag_cells_say_the_word_on_a_coloured_swatch(self):
        """Each RAG cell holds its word and meaning, on its colour, with contrasting text."""
        cells = self.column("RAG")
        assert [cell.text_content() for cell in cells] == ["Red: overdue", "Blue: complete",
                                                           "Red: overdue (reported Grey)"]
        for rag, cell in zip(("Red", "Blue", "Red"), cells, strict=True):
            style = cell.find("span").get("style")
            assert plan_charts.RAG_COLOURS[rag] in style and f"color:{plan_charts.RAG_TEXT_COLOURS[rag]}" in style

    def test_only_rag_cells_are_coloured(self):
        """Cells outside the RAG column carry no swatch."""
        headings, rows = self.cells()
        assert not [cell for row in rows for heading, cell in zip(headings, row, strict=True)
                    if heading != "RAG" and cell.find(".//span") is not None]

    def test_overdue_is_the_word_overdue(self):
        """The overdue column says "Overdue", never a tick or True."""
        assert [cell.text_content() for cell in self.column("Overdue")] == ["Overdue", "", "Overdue"]

    def test_user_text_is_shown_as_typed(self):
        """A script tag, a Markdown link and bold in user text are escaped HTML: shown as typed, never a tag."""
        assert self.column("progress")[0].text_content() == SCRIPT and self.column("progress")[0].find("script") is None
        assert self.column("description")[1].text_content() == "[click](javascript:alert(1))"
        assert self.column("lead")[1].text_content() == "**Bold** lead"

    def test_dates_are_written_out_and_blanks_are_blank(self):
        """Dates read as "31 Mar 2019" (with the time when there is one); a missing value is empty."""
        assert [cell.text_content() for cell in self.column("due_date")] == ["31 Mar 2019", "", "30 Jun 2019"]
        assert self.column("updated_at")[0].text_content() == "10 Jan 2019 09:30"
        assert self.column("progress")[1].text_content() == ""


class TestRagTimeline:
    def test_each_step_is_its_rag_colour_and_says_its_word(self):
        """One step per change, from its time to the next (the last to now), in its RAG colour and named in
        words at its start, so colour is never the only sign; plotly accepts the figure as it is."""
        timeline = pd.DataFrame({"changed_at": pd.to_datetime(["2019-01-10", "2019-03-01"]),
                                 "new_value": ["Red", "Green"]})
        figure = plan_charts.rag_timeline(timeline, "R5.1", presentation=True)
        red, green = figure["data"]
        assert pd.Timestamp(red["x"][1]) == pd.Timestamp(green["x"][0]) == pd.Timestamp("2019-03-01")
        assert (red["line"]["color"], red["text"][0]) == (plan_charts.RAG_COLOURS["Red"], "Red")
        assert (green["line"]["color"], green["text"][0]) == (plan_charts.RAG_COLOURS["Green"], "Green")
        assert figure["layout"]["xaxis"]["tickfont"]["size"] >= 18
        assert len(go.Figure(figure).data) == 2
