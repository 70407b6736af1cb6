"""The indicator page's target section: the target in force and its assurance for everyone, forms for analysts.

What a target or a planned value set here does is what a targets file does (loaders/targets.py): the page
writes the one row as a targets file and loads it, so it is checked by the same rules, archived, audited
under the analyst's name, replayed by a rebuild and undone from the Upload data page like any load.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.assess import Assessment
from analysis.assurance import DIRECTION_OF, DIRECTION_WORDS
from analysis.periods import format_value
from charts.html_table import table_html
from charts.text import plain
from loaders.errors import LoadError
from loaders.pipeline import load_into
from loaders.targets import DIRECTION_WORDS as FILE_DIRECTION_WORDS
from loaders.targets import LAYOUT, targets_csv
from store import targets as store_targets
from store.primitives import RetryWrite
from store.roles import User
from ui import context
from ui.html_block import html_block

PAGE_FILE = "target set on the indicator page.csv"
# A file's columns as the page's form names them, for the page's error messages.
FORM_LABELS = {"value": "Target or planned value", "direction": "Met when the value is",
               "effective_from": "In force from", "effective_to": "In force until", "period": "Period",
               "source": "Source", "source_url": "Link", "indicator_id": "Indicator", "area_code": "Area"}


def target_lines(a: Assessment) -> list[str]:
    """The target in force, its assurance and its source, in sentences (plain text)."""
    if a.target_in_force is None:
        return ["No target is in force for the latest period."
                + (" The trajectory below is drawn on the chart." if not a.trajectory.empty else "")]
    # The assurance and how it was judged are in the summary above the chart, from the same assessment.
    return [f"Target in force for {a.period_text}: {a.target_in_force.text(a.value_kind, a.unit)} "
            f"({a.assurance_text.lower()}). Source: {a.target_in_force.source}."]


def targets_table(a: Assessment) -> pd.DataFrame:
    """Every stored target for the area, newest first, with its source and link, as the page lists them."""
    return pd.DataFrame([{
        "Target": f"{DIRECTION_WORDS[t.direction]} {format_value(t.value, a.value_kind)}",
        "From": f"{t.effective_from:%B %Y}", "To": f"{t.effective_to:%B %Y}" if t.effective_to is not None else "",
        "Source": t.source, "Link": t.source_url or "", "Set by": t.set_by or "",
    } for t in reversed(a.targets)], columns=["Target", "From", "To", "Source", "Link", "Set by"])


def file_preview(con, extract) -> None:
    """The Upload page's preview of a targets file: what confirming it would add, change and leave, in words."""
    found = store_targets.preview(con, extract.targets, extract.trajectories)
    tally = found["status"].value_counts()
    st.markdown(f"**This load sets {int(tally.get('added', 0)):,} new targets or planned values, changes "
                f"{int(tally.get('changed', 0)):,} and leaves {int(tally.get('unchanged', 0)):,} as they are.**")
    st.dataframe(pd.DataFrame({
        "What": found["kind"].map({"target": "Target", "trajectory": "Planned value"}),
        "Indicator": found["indicator_id"], "Area": found["area_code"],
        "From (target) or period (planned)": pd.to_datetime(found["starts"]).dt.strftime("%B %Y"),
        "New value": found["value"], "Stored value": found["stored_value"], "Status": found["status"],
    }), hide_index=True, width="stretch")


def targets_section(con, a: Assessment, *, analyst: User | None, presenting: bool, archive_dir: Path) -> None:
    """Draw the section: read-only for viewers; forms for a signed-in analyst (not on the projector)."""
    with st.container(border=True):
        st.subheader("Target and trajectory")
        if message := st.session_state.pop("target_message", None):
            st.success(message)
        if problems := st.session_state.pop("target_problems", None):
            st.error("Nothing was stored:\n\n" + "\n".join(f"- {plain(p)}" for p in problems))
        for line in target_lines(a):
            st.markdown(plain(line))
        if a.targets:
            # Kept per store version (the targets are the store's): a second visit builds no table.
            html_block(context.keep(("targets_table", a.indicator_id, a.area_code),
                                    lambda: table_html(targets_table(a), links=("Link",))))
        if not a.trajectory.empty:
            st.caption("Trajectory (planned values): " + "; ".join(
                f"{when:%b %Y} {format_value(value, a.value_kind)}" for when, value in a.trajectory.items()) + ".")
        if presenting:
            return
        if analyst is None or not analyst.can("analyst"):
            st.caption("Analysts set targets here once signed in, or load a targets file with "
                       "`python -m loaders targets FILE --user NAME`.")
            return
        _forms(con, a, analyst, archive_dir)


def _forms(con, a: Assessment, analyst: User, archive_dir: Path) -> None:
    key = f"{a.indicator_id}_{a.area_code}"
    improvement = str(a.definition["improvement_direction"])
    directions = [DIRECTION_OF[improvement]] if improvement in DIRECTION_OF else list(DIRECTION_WORDS)
    with st.expander("Set a target"):
        st.caption("Stored as a load in your name, checked like a targets file and undone from the Upload data "
                   "page. A target with the same start as a stored one replaces it (to end one, give its start "
                   "and an end date).")
        with st.form(f"target_{key}"):
            st.number_input(f"Target ({a.unit})", min_value=0.0, value=None, step=0.1, format="%.2f",
                            key=f"target_value_{key}")
            st.selectbox("Met when the value is", directions, format_func=DIRECTION_WORDS.get,
                         key=f"target_direction_{key}")
            st.date_input("In force from", value=None, min_value=date(2000, 1, 1), key=f"target_from_{key}")
            st.date_input("In force until (leave empty while it stands)", value=None, min_value=date(2000, 1, 1),
                          key=f"target_to_{key}")
            st.text_input("Source: who set it, and where it is written", key=f"target_source_{key}")
            st.text_input("Link to the source (https://…)", key=f"target_link_{key}")
            st.form_submit_button("Save target", key=f"target_save_{key}", on_click=_save,
                                  args=(con, a, analyst, archive_dir, "target"))
    with st.expander("Set a planned value (trajectory)"):
        with st.form(f"trajectory_{key}"):
            st.date_input("Period (its first day)", value=None, min_value=date(2000, 1, 1),
                          key=f"planned_period_{key}")
            st.number_input(f"Planned value ({a.unit})", min_value=0.0, value=None, step=0.1, format="%.2f",
                            key=f"planned_value_{key}")
            st.text_input("Source: the plan this comes from", key=f"planned_source_{key}")
            st.text_input("Link to the plan (https://…)", key=f"planned_link_{key}")
            st.form_submit_button("Save planned value", key=f"planned_save_{key}", on_click=_save,
                                  args=(con, a, analyst, archive_dir, "trajectory"))


def _save(con, a: Assessment, analyst: User, archive_dir: Path, kind: str) -> None:
    """The form's row, from the widgets' state, loaded as a one-row targets file (a button's callback)."""
    state, key = st.session_state, f"{a.indicator_id}_{a.area_code}"
    if kind == "target":
        row = {"value": state.get(f"target_value_{key}"),
               "direction": _file_words(state.get(f"target_direction_{key}")),
               "effective_from": state.get(f"target_from_{key}"), "effective_to": state.get(f"target_to_{key}"),
               "source": state.get(f"target_source_{key}"), "source_url": state.get(f"target_link_{key}")}
    else:
        row = {"value": state.get(f"planned_value_{key}"), "period": state.get(f"planned_period_{key}"),
               "source": state.get(f"planned_source_{key}"), "source_url": state.get(f"planned_link_{key}")}
    _load(con, [{"indicator_id": a.indicator_id, "area_code": a.area_code, "kind": kind, **row}], analyst,
          archive_dir)


def _file_words(direction: str | None) -> str:
    return next((words for words, stored in FILE_DIRECTION_WORDS.items() if stored == direction), "")


def _load(con, rows: list[dict], analyst: User, archive_dir: Path) -> None:
    """Load the rows as a targets file; keep every problem, or what was stored, for the section to say."""
    state = st.session_state
    with tempfile.TemporaryDirectory(prefix="pbip-target-") as directory:
        path = Path(directory) / "target.csv"
        path.write_bytes(targets_csv(rows))
        try:
            result = load_into(con, path, user=analyst, archive_dir=archive_dir, file=PAGE_FILE, layout=LAYOUT)
        except LoadError as error:
            state["target_problems"] = [f"{FORM_LABELS.get(problem.column, 'The entry')}: {problem.reason}"
                                        for problem in error.problems]
            return
        except (RetryWrite, PermissionError) as error:
            state["target_problems"] = [str(error)]
            return
    state["target_message"] = f"Stored as load {result.load_id}; undo it from the Upload data page."
