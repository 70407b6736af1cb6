"""Commentary with an owner and a sign-off: every step a new version, audited; only the indicator's lead signs off."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from store import audit, board_asks, commentary, queries
from store.door import archive_dir_of
from store.roles import User

ANALYST = User("ana", "analyst")
VIEWER = User("vic", "viewer")
LEAD = User("lee", "lead", ("dtoc_18",))
OTHER_LEAD = User("ola", "lead", ("readmissions_65",))
KEY = {"indicator_id": "dtoc_18", "area_code": "E06000014", "period_start": date(2018, 9, 1)}
TEXTS = {"what_data_shows": "Delays fell for the third month.", "why": "A new discharge team.",
         "what_is_being_done": "Trusted assessors on every ward.", "improvement_expected": "March 2019",
         "owner": "Director of Adult Social Care"}


def _submitted(con):
    commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST, when=datetime(2018, 10, 1, 9))
    return commentary.submit(con, **KEY, user=ANALYST, when=datetime(2018, 10, 2, 9))


class TestWorkflow:
    def test_draft_submit_sign_off_are_three_versions_each_audited(self, con):
        """Each step stores a new version with its state, and an audit line naming who took it."""
        before = audit.line_count(con)
        _submitted(con)
        signed = commentary.sign_off(con, **KEY, user=LEAD, when=datetime(2018, 10, 3, 9))
        versions = commentary.history(con, "dtoc_18", "E06000014", date(2018, 9, 1))
        assert [(c.version, c.state, c.changed_by) for c in versions] == [
            (1, "draft", "ana"), (2, "submitted", "ana"), (3, "signed off", "lee")]
        assert signed.what_data_shows == TEXTS["what_data_shows"] and signed.owner == TEXTS["owner"]
        lines = audit.entries(con).head(3)
        assert audit.line_count(con) == before + 3
        assert list(lines["action"])[::-1] == ["commentary draft", "commentary submitted", "commentary signed off"]
        assert audit.verify(con, archive_dir_of(con)) is None

    def test_a_viewer_reads_only_the_signed_off_text(self, con):
        """Until a lead signs off there is nothing for a viewer; a newer draft does not replace what was signed off."""
        _submitted(con)
        assert commentary.signed_off(con, **KEY) is None
        commentary.sign_off(con, **KEY, user=LEAD, when=datetime(2018, 10, 3, 9))
        commentary.save_draft(con, **KEY, texts={**TEXTS, "why": "Rewritten, not yet agreed."}, user=ANALYST)
        shown = commentary.signed_off(con, **KEY)
        assert shown.why == "A new discharge team." and shown.version == 3
        assert commentary.latest(con, **KEY).state == "draft"

    def test_signed_off_by_a_date_excludes_later_sign_offs(self, con):
        """A pack as at the day before the sign-off has no commentary; as at the day itself it has it."""
        _submitted(con)
        commentary.sign_off(con, **KEY, user=LEAD, when=datetime(2018, 10, 3, 17))
        assert commentary.signed_off(con, **KEY, by=date(2018, 10, 2)) is None
        assert commentary.signed_off(con, **KEY, by=date(2018, 10, 3)).version == 3

    def test_nothing_is_overwritten(self, con):
        """Saving changed text adds a version; every earlier text is still stored."""
        commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST)
        commentary.save_draft(con, **KEY, texts={**TEXTS, "why": "Second thoughts."}, user=ANALYST)
        versions = commentary.history(con, "dtoc_18", "E06000014")
        assert [c.why for c in versions] == ["A new discharge team.", "Second thoughts."]

    def test_saving_the_same_draft_again_stores_nothing(self, con):
        commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST)
        commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST)
        assert len(commentary.history(con, "dtoc_18", "E06000014")) == 1

    def test_only_a_draft_can_be_submitted_and_only_a_submission_signed_off(self, con):
        with pytest.raises(ValueError, match="there is no text yet"):
            commentary.submit(con, **KEY, user=ANALYST)
        commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST)
        with pytest.raises(ValueError, match="latest version is draft"):
            commentary.sign_off(con, **KEY, user=LEAD)

    def test_a_submission_needs_an_owner(self, con):
        commentary.save_draft(con, **KEY, texts={**TEXTS, "owner": ""}, user=ANALYST)
        with pytest.raises(ValueError, match="Owner"):
            commentary.submit(con, **KEY, user=ANALYST)

    def test_linked_actions_must_be_in_the_plan(self, built_db):
        import store

        con = store.connect(built_db)
        try:
            ref = con.execute("SELECT min(ref) FROM plan_actions_t").fetchone()[0]
            saved = commentary.save_draft(con, **KEY, texts=TEXTS, action_refs=[ref], user=ANALYST)
            assert commentary.latest(con, **KEY).action_refs == (ref,) == saved.action_refs
            with pytest.raises(ValueError, match="no plan action R99.9"):
                commentary.save_draft(con, **KEY, texts=TEXTS, action_refs=["R99.9"], user=ANALYST)
        finally:
            con.close()

    @pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "<b>bold</b> [link](http://x)", "**not bold**"])
    def test_text_is_stored_exactly_as_typed(self, con, text):
        """Markup and formula-like text are kept as typed: they are shown escaped, never interpreted."""
        commentary.save_draft(con, **KEY, texts={**TEXTS, "why": text}, user=ANALYST)
        assert commentary.latest(con, **KEY).why == text

    def test_overlong_text_is_refused_with_its_field(self, con):
        with pytest.raises(ValueError, match='"Why" has 2,001 characters'):
            commentary.save_draft(con, **KEY, texts={**TEXTS, "why": "x" * 2001}, user=ANALYST)


class TestWhoMaySignOff:
    @pytest.mark.parametrize("user,refusal", [
        (VIEWER, "viewer role"), (ANALYST, "analyst role"), (OTHER_LEAD, "does not lead this indicator"),
        (None, "Sign in"), ("a script", "Sign in as the lead")])
    def test_anyone_but_the_indicators_lead_is_refused_and_nothing_changes(self, con, user, refusal):
        _submitted(con)
        before = queries.table_snapshot(con)
        with pytest.raises(PermissionError, match=refusal):
            commentary.sign_off(con, **KEY, user=user)
        after = queries.table_snapshot(con)
        for table in before:
            pd.testing.assert_frame_equal(before[table], after[table], obj=table)

    def test_a_viewer_cannot_draft_or_submit(self, con):
        with pytest.raises(PermissionError, match="viewer role"):
            commentary.save_draft(con, **KEY, texts=TEXTS, user=VIEWER)
        commentary.save_draft(con, **KEY, texts=TEXTS, user=ANALYST)
        with pytest.raises(PermissionError, match="viewer role"):
            commentary.submit(con, **KEY, user=VIEWER)
        assert len(commentary.history(con, "dtoc_18", "E06000014")) == 1


class TestBoardAsks:
    def test_asks_follow_the_same_workflow(self, con):
        day = date(2018, 11, 20)
        board_asks.save_draft(con, area_code="E06000014", board_date=day,
                              texts={"note": "Delays are falling.", "agree": "", "escalate": "Care home beds"},
                              user=ANALYST)
        board_asks.submit(con, area_code="E06000014", board_date=day, user=ANALYST)
        assert board_asks.signed_off(con, "E06000014", day) is None
        with pytest.raises(PermissionError):
            board_asks.sign_off(con, area_code="E06000014", board_date=day, user=ANALYST)
        board_asks.sign_off(con, area_code="E06000014", board_date=day, user=OTHER_LEAD)
        ask = board_asks.signed_off(con, "E06000014", day)
        assert ask.lines() == [("To note", "Delays are falling."), ("To escalate", "Care home beds")]
        assert [a.state for a in board_asks.history(con, "E06000014", day)] == ["draft", "submitted", "signed off"]
