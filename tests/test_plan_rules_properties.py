"""Properties of the plan's one rule for RAG and overdue, over random plans (hypothesis).

No action is both overdue and on track, wherever it is shown or counted; and the board view, the plan page
and the board pack give the same "since the last board" counts for the same day, because they call one
function with one board date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import plan as rules
from analysis.board import rag_by_project
from analysis.plan_as_at import actions_as_at, indicator_rag, since_board
from charts import plan as plan_charts
from reports import board_pack
from reports import tables as pack_tables

START = date(2018, 1, 1)
RAGS = st.sampled_from(rules.RAG_STATUSES)
DAYS = st.integers(min_value=0, max_value=720)


@st.composite
def plans(draw):
    """A random plan: actions under three recommendations, each created on a day with a RAG and a date for
    completion, then changed (RAG or date) on later days; marked events (boards) on random days."""
    changes = []
    n_actions = draw(st.integers(min_value=1, max_value=8))
    for number in range(1, n_actions + 1):
        ref = f"R{draw(st.integers(min_value=1, max_value=3))}.{number}"
        created = draw(DAYS)
        fields = {"description": f"Action {number}", "lead": "City of York Council",
                  "due_date": (START + timedelta(days=draw(DAYS))).isoformat(), "progress": None,
                  "rag": draw(RAGS)}
        changes += [(ref, created, field, value) for field, value in fields.items()]
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            field = draw(st.sampled_from(["rag", "due_date"]))
            value = draw(RAGS) if field == "rag" else (START + timedelta(days=draw(DAYS))).isoformat()
            changes.append((ref, created + draw(st.integers(min_value=0, max_value=200)), field, value))
    history = pd.DataFrame([
        {"history_id": i, "action_ref": ref, "changed_at": pd.Timestamp(START) + pd.Timedelta(days=day, hours=9),
         "changed_by": "ann", "field": field, "old_value": None, "new_value": value}
        for i, (ref, day, field, value) in enumerate(sorted(changes, key=lambda change: change[1]))])
    event_days = sorted(set(draw(st.lists(DAYS, max_size=3))))
    events = pd.DataFrame({"event_date": pd.to_datetime([START + timedelta(days=d) for d in event_days]),
                           "label": [f"Board {i + 1}" for i in range(len(event_days))]})
    return history, events, START + timedelta(days=draw(DAYS))


def current_actions(history: pd.DataFrame) -> pd.DataFrame:
    """The store's `plan_actions` as the history leaves them now."""
    state = rules.state_at(history, datetime(2100, 1, 1))
    last = history.sort_values(["changed_at", "history_id"]).groupby("action_ref").tail(1).set_index("action_ref")
    return pd.DataFrame({
        "ref": state["ref"], "recommendation_ref": state["ref"].map(rules.recommendation_of),
        "description": state["description"], "lead": state["lead"], "due_date": pd.to_datetime(state["due_date"]),
        "progress": state["progress"].astype(object), "rag": state["rag"], "is_demonstration": False,
        "updated_by": state["ref"].map(last["changed_by"]), "updated_at": state["ref"].map(last["changed_at"]),
        "completed_on": pd.to_datetime(pd.Series([None] * len(state), dtype=object))}).reset_index(drop=True)


def plan_inputs(history: pd.DataFrame, events: pd.DataFrame) -> board_pack.PlanInputs:
    refs = ["R1", "R2", "R3"]
    return board_pack.PlanInputs(
        projects=pd.DataFrame({"project_number": [1], "title": ["A SINGLE PLAN FOR YORK"]}),
        recommendations=pd.DataFrame({"ref": refs, "project_number": [1, 1, 1],
                                      "recommendation": [f"Recommendation {r}" for r in refs]}),
        actions=current_actions(history), history=history,
        links=pd.DataFrame({"recommendation_ref": refs, "indicator_id": ["dtoc_18"] * 3}), events=events)


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestNoActionIsOverdueAndOnTrack:
    @PROPERTY_SETTINGS
    @given(plans())
    def test_an_overdue_action_never_reads_on_track_in_the_grid(self, plan):
        """Every overdue action's RAG cell reads "Red: overdue…", never "Green: on track"."""
        history, _, as_at = plan
        actions = rules.with_status(current_actions(history), as_at)
        shown = plan_charts.readable_actions(actions[["rag", "is_overdue"]])
        for text, overdue in zip(shown["rag"], actions["is_overdue"], strict=True):
            assert not (overdue and "on track" in text)
            assert overdue == text.startswith(rules.OVERDUE_MEANING)

    @PROPERTY_SETTINGS
    @given(plans())
    def test_counts_and_roll_ups_never_count_an_overdue_action_as_green(self, plan):
        """Green counts only actions not overdue; a group with an overdue action rolls up Red."""
        history, events, as_at = plan
        actions = current_actions(history)
        flagged = rules.with_status(actions, as_at)
        counts = rules.rag_counts(actions, "recommendation_ref", as_at).set_index("recommendation_ref")
        for ref, group in flagged.groupby("recommendation_ref"):
            assert counts.loc[ref, "Green"] == int(((group["rag"] == "Green") & ~group["is_overdue"]).sum())
            if group["is_overdue"].any():
                assert counts.loc[ref, "Roll-up"] == "Red"

    @PROPERTY_SETTINGS
    @given(plans())
    def test_the_pack_never_shows_an_overdue_action_on_track(self, plan):
        """In the pack's action tables and its per-indicator plan RAG, an overdue action is Red."""
        history, events, as_at = plan
        pack = board_pack.assemble([], plan_inputs(history, events), area_code="E06000014", area_name="York",
                                   comparator_code="E92000001", comparator_name="England", as_at=as_at,
                                   store_version=1, generated_at=datetime(2026, 1, 1))
        for row in pack_tables.overdue(pack.plan).rows:
            assert row[4] == "Red" and row[5].startswith("Overdue")
        then = actions_as_at(current_actions(history), history, as_at)
        rag = indicator_rag(plan_inputs(history, events).links, then)
        if then["is_overdue"].any():
            assert "Red" in set(rag["rag"])
        projects = rag_by_project(plan_inputs(history, events).projects, plan_inputs(history, events)
                                  .recommendations, then, as_at)
        if then["is_overdue"].any():
            assert projects.loc[0, "Roll-up"] == "Red"


class TestOneSinceTheLastBoard:
    @PROPERTY_SETTINGS
    @given(plans())
    def test_board_view_plan_page_and_pack_give_the_same_counts_for_the_same_day(self, plan):
        """The board view (no date chosen), the plan page (its default previous board) and the pack (no previous
        board chosen) take the same board date and give the same counts."""
        history, events, as_at = plan
        board_view = since_board(history, events, as_at)
        plan_page = since_board(history, events, as_at, board_view.meeting)
        pack = board_pack.assemble([], plan_inputs(history, events), area_code="E06000014", area_name="York",
                                   comparator_code="E92000001", comparator_name="England", as_at=as_at,
                                   store_version=1, generated_at=datetime(2026, 1, 1))
        assert pack.plan.previous_board == board_view.meeting == plan_page.meeting
        assert board_view.counts == plan_page.counts == rules.change_counts(pack.plan.changes)
        assert pack.plan.changes_line == board_view.line == plan_page.line
        assert board_view.counts["Completed"] <= board_view.counts["RAG changed"]


@st.composite
def grids(draw):
    """Actions as the grid holds them: a ref, a status, maybe a date for completion, maybe a lead."""
    n = draw(st.integers(min_value=0, max_value=25))
    refs = draw(st.lists(st.tuples(st.integers(1, 13), st.integers(1, 12)), min_size=n, max_size=n, unique=True))
    return pd.DataFrame({
        "ref": [f"R{r}.{k}" for r, k in refs],
        "status": draw(st.lists(RAGS, min_size=n, max_size=n)),
        "due_date": [START + timedelta(days=d) if d is not None else None
                     for d in draw(st.lists(st.none() | DAYS, min_size=n, max_size=n))],
        "lead": draw(st.lists(st.none() | st.sampled_from(["b lead", "A lead", "c lead"]), min_size=n, max_size=n)),
    })


URGENCY = ["Red", "Amber", "Grey", "Green", "Blue"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(), st.sampled_from(rules.ACTION_ORDERS))
def test_every_order_shows_every_action_once_in_its_order(grid, order):
    """Each "Order by" keeps every action once, rows whole; ties (and blanks, last) in plan order."""
    shown = rules.ordered_actions(grid, order)
    assert sorted(shown.index) == sorted(grid.index)
    pd.testing.assert_frame_equal(shown, grid.loc[shown.index])
    plan_order = [rules._ref_key(ref) for ref in shown["ref"]]
    if order == "Ref":
        assert plan_order == sorted(plan_order)
    elif order == "RAG, most urgent first":
        keys = [(URGENCY.index(s), d is None, d or date.max, r)
                for s, d, r in zip(shown["status"], shown["due_date"], plan_order, strict=True)]
        assert keys == sorted(keys)
    elif order == "Date for completion":
        keys = [(d is None, d or date.max, r) for d, r in zip(shown["due_date"], plan_order, strict=True)]
        assert keys == sorted(keys)
    else:
        keys = [(not isinstance(lead, str), lead.casefold() if isinstance(lead, str) else "", r)
                for lead, r in zip(shown["lead"], plan_order, strict=True)]
        assert keys == sorted(keys)


def test_an_unknown_order_is_refused():
    with pytest.raises(ValueError, match="unknown order"):
        rules.ordered_actions(pd.DataFrame({"ref": []}), "Colour")
