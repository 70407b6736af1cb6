"""The plan's tables, safe text and RAG timeline (charts/plan.py), without Streamlit: RAG as words on readable
swatches, overdue as a word, user text escaped."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import plan as rules
from charts import plan as plan_charts

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


def css_of(styler) -> pd.DataFrame:
    """The CSS a Styler gives each cell, as a frame shaped like its data."""
    styler._compute()
    css = pd.DataFrame("", index=range(len(styler.data)), columns=range(len(styler.data.columns)))
    for (row, column), props in styler.ctx.items():
        css.iloc[row, column] = "; ".join(f"{name}: {value}" for name, value in props)
    css.columns = styler.data.columns
    return css


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


class TestProjectorTable:
    def table(self):
        frame = plan_charts.readable_actions(actions()).rename(columns={"rag": "RAG", "is_overdue": "Overdue"})
        return plan_charts.projector_table(frame, ["RAG"])

    def test_rag_cells_say_the_word_on_a_coloured_swatch(self):
        """Each RAG cell holds its word and meaning, on its colour, with contrasting text."""
        styler = self.table()
        assert styler.data["RAG"].tolist() == [plan_charts.markdown_text(label) for label in
                                               ("Red: overdue", "Blue: complete",
                                                "Red: overdue (reported Grey)")]
        css = css_of(styler)["RAG"].tolist()
        for rag, cell in zip(("Red", "Blue", "Red"), css, strict=True):
            assert f"background-color: {plan_charts.RAG_COLOURS[rag]}" in cell
            assert f"color: {plan_charts.RAG_TEXT_COLOURS[rag]}" in cell

    def test_only_rag_cells_are_coloured(self):
        """Cells outside the RAG columns carry no colour."""
        css = css_of(self.table())
        assert (css.drop(columns="RAG") == "").all().all()

    def test_overdue_is_the_word_overdue(self):
        """The overdue column says "Overdue", never a tick or True."""
        assert self.table().data["Overdue"].tolist() == ["Overdue", "", "Overdue"]

    def test_user_text_is_escaped_and_shown_as_typed(self):
        """A script tag, a Markdown link and bold in user text are escaped, so st.table shows them as typed."""
        data = self.table().data
        assert data.loc[0, "progress"] == r"\<script\>alert\(\'owned\'\)\<\/script\>"
        assert data.loc[1, "description"] == r"\[click\]\(javascript\:alert\(1\)\)"
        assert data.loc[1, "lead"] == r"\*\*Bold\*\* lead"
        every_cell = " ".join(data.astype(str).to_numpy().ravel())
        assert "<script" not in every_cell.replace("\\<", "")

    def test_dates_are_written_out_and_blanks_are_blank(self):
        """Dates read as "31 Mar 2019" (with the time when there is one); a missing value is empty."""
        data = self.table().data
        assert data["due_date"].tolist() == ["31 Mar 2019", "", "30 Jun 2019"]
        assert data.loc[0, "updated_at"] == r"10 Jan 2019 09\:30"
        assert data.loc[1, "progress"] == ""


class TestRagStyler:
    def test_the_data_is_unchanged_and_rag_cells_are_coloured(self):
        """For st.dataframe the data keeps its values and types; RAG cells get a swatch and contrasting text."""
        frame = plan_charts.readable_actions(actions())
        styler = plan_charts.rag_styler(frame, ["rag"])
        pd.testing.assert_frame_equal(styler.data, frame)
        css = css_of(styler)
        assert f"background-color: {plan_charts.RAG_COLOURS['Red']}" in css.loc[0, "rag"]
        assert (css.drop(columns="rag") == "").all().all()

    def test_the_shown_text_has_no_none_or_nan(self):
        """Missing values are shown empty, dates written out."""
        styler = plan_charts.rag_styler(plan_charts.readable_actions(actions()), ["rag"])
        shown = styler.to_html()
        assert "None" not in shown and "nan" not in shown and "31 Mar 2019" in shown


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
