"""Upload: an analyst checks a new extract, sees what it would change, confirms it, or undoes a load."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import upload_preview
from charts.text import plain
from charts.upload_preview import new_over_stored
from loaders.errors import LoadError, shown_file_name, upload_suffix
from loaders.extract import left_out_words
from loaders.layouts import BY_NAME, LAYOUTS, detect_layout
from loaders.pipeline import check_size, confirm_load, read_file, sha256_of, store_context
from store import queries, upload_checks
from store.loads import UndoRefused, preview, previous_load_of, recent_loads, undo_dependents, undo_load
from store.loads import describe as describe_load
from store.primitives import RetryWrite
from store.settings import PROJECT_ROOT
from ui import auth, context, memory, upload_limit
from ui.charts import chart
from ui.groups import file_preview as groups_preview
from ui.targets import file_preview as targets_preview

TEMPLATE = PROJECT_ROOT / "data" / "templates" / "tidy_template_example.csv"
TARGETS_TEMPLATE = PROJECT_ROOT / "data" / "templates" / "targets_template_example.csv"
DETECT = "Detect from the file's content"
CHANGED_ROWS_SHOWN = 1000
RECENT_LOADS_SHOWN = 10
# Every load an analyst may want to take back, older ones folded away.
LOADS_LISTED = 500

st.title("Upload data")
user = auth.current_user()
if user is None or not user.can("analyst"):
    who = f"You are signed in as {plain(user.name)}, a {user.role}. " if user else ""
    st.info(f"{who}Only analysts can upload data or undo a load. Ask an analyst to load the file, or ask "
            "the dashboard's administrator to give you the analyst role.")
    st.stop()

settings = context.settings()
con = context.connection()
state = st.session_state
if state.pop("upload_give_back", False):
    memory.give_back()


def _discard_work() -> None:
    """Drop the temporary copy and the checked extract; nothing was stored."""
    work = state.pop("upload_work", None)
    if work:
        shutil.rmtree(work["dir"], ignore_errors=True)
        # The next run gives a million-row upload's frames back to the system, once this run's names are gone.
        state["upload_give_back"] = True


def _forget_upload() -> None:
    """Cancel (or done): discard the work and clear the file chooser."""
    _discard_work()
    state["upload_round"] = state.get("upload_round", 0) + 1


st.caption("Check a new extract, see exactly what it would change, then confirm it. Nothing is stored "
           "until you confirm, and any load can be undone below.")
st.download_button("Download the tidy template (example CSV)", TEMPLATE.read_bytes(),
                   file_name="tidy_template_example.csv", mime="text/csv")
st.download_button("Download the targets template (example CSV)", TARGETS_TEMPLATE.read_bytes(),
                   file_name="targets_template_example.csv", mime="text/csv")

uploaded = st.file_uploader("Extract to load (CSV, or an NHS England .xls spreadsheet)",
                            type=["csv", "xls", "xlsx", "txt"], key=f"upload_{state.get('upload_round', 0)}",
                            max_upload_size=upload_limit.apply_to_server(settings.upload_limit_mb))
# Labels as a dict's lookup, never a lambda: a widget keeps its format_func in the session, and a lambda
# keeps the whole run's names with it (a million-row extract and its preview) after the upload is done.
layout_labels = {DETECT: DETECT, **{name: layout.description for name, layout in BY_NAME.items()}}
chosen = st.selectbox("Layout", list(layout_labels), format_func=layout_labels.__getitem__,
                      help="The layout is recognised from the file's content; choose one to override it.")

if uploaded is not None:
    key = (uploaded.file_id, chosen)
    work = state.get("upload_work")
    if work is None or work["key"] != key:
        _discard_work()
        limit = settings.upload_limit_mb
        folder = Path(tempfile.mkdtemp(prefix="pbip-upload-"))
        # Saved under a short name of our own: the analyst's file name (300 characters, slashes) is
        # only ever shown, never used as a path.
        path = folder / f"upload{upload_suffix(uploaded.name)}"
        file = shown_file_name(uploaded.name)
        try:
            check_size(uploaded.size, limit, file)  # before a byte is written to disk
            with st.spinner(f"Checking every row of {plain(file)}"):
                path.write_bytes(uploaded.getbuffer())
                layout = BY_NAME[chosen] if chosen != DETECT else detect_layout(path, file)
                extract = read_file(path, store_context(con), file=file, layout=layout.name,
                                    size_limit_mb=limit)
                shown = preview(con, extract)
                sha256 = sha256_of(path)
        except LoadError as error:
            shutil.rmtree(folder, ignore_errors=True)
            problems = "1 problem" if error.total == 1 else f"{error.total:,} problems"
            listed = "\n".join(f"- {plain(sentence)}" for sentence in error.sentences())
            st.error(f"**{plain(file)}** cannot be loaded: {problems} found. Nothing was stored; "
                     f"correct the file and upload it again.\n\n{listed}")
            st.stop()
        indicator_ids = shown.summary["indicator_id"].astype(str).unique().tolist()
        area_names, indicator_names = upload_checks.names(con, shown.summary["area_code"].astype(str).tolist(),
                                                          indicator_ids)
        found = upload_preview.replacements(shown.summary, upload_checks.current_series(con, indicator_ids),
                                            area_names, indicator_names, settings.benchmark_code)
        work = {"key": key, "dir": folder, "path": path, "file": file, "layout": layout,
                "extract": extract, "preview": shown, "sha256": sha256, "replacements": found,
                "names": (area_names, indicator_names)}
        state["upload_work"] = work

    shown = work["preview"]
    counts = shown.counts
    retired = upload_preview.retired_rows(shown.summary)
    st.success(f"**{plain(work['file'])}** passed every check: {work['extract'].row_count:,} rows, "
               f"read as {plain(work['layout'].description)}.")
    left_out = left_out_words(work["extract"].skipped)
    if left_out:
        st.info(f"Rows of the download this dashboard does not hold were left out: {plain(left_out)}.")
    earlier = previous_load_of(con, work["sha256"])
    if earlier:
        st.warning(f"This exact file (sha256 {work['sha256'][:12]}…) was already loaded as load {earlier[0]} "
                   f"by {plain(earlier[1])} on {plain(earlier[2][:16])}; loading it again changes nothing new.")
    if work["extract"].targets is not None or work["extract"].trajectories is not None:
        targets_preview(con, work["extract"])  # a targets file: its own preview (ui/targets.py)
    elif work["extract"].groups is not None:
        groups_preview(con, work["extract"])  # a comparator groups file: its own preview (ui/groups.py)
    else:
        st.markdown(f"**{upload_preview.headline(counts.added, counts.changed, counts.unchanged, retired)}**")
        columns = st.columns(5)
        columns[0].metric("Added", f"{counts.added:,}")
        columns[1].metric("Changed", f"{counts.changed:,}")
        columns[2].metric("Unchanged", f"{counts.unchanged:,}")
        columns[3].metric("Retired (demonstration)", f"{retired:,}")
        periods = shown.periods
        columns[4].metric("Periods covered", "—" if periods is None
                          else f"{periods[0]:%b %Y} – {periods[1]:%b %Y}")
    for item in work["replacements"]:
        st.warning(plain(item.sentence))

    if not shown.summary.empty:
        st.subheader("What would change, per indicator and area")
        st.dataframe(upload_preview.summary_in_words(shown.summary, *work["names"]), hide_index=True,
                     width="stretch")
        changed = shown.observations[shown.observations["status"] == "changed"]
        if not changed.empty:
            st.markdown(f"**Changed rows (old → new)**, first {min(len(changed), CHANGED_ROWS_SHOWN):,} "
                        f"of {len(changed):,}")
            st.dataframe(changed.head(CHANGED_ROWS_SHOWN), hide_index=True, width="stretch")

        area_names, indicator_names = work["names"]
        pairs = {pair: f"{indicator_names.get(pair[0], pair[0])} — {area_names.get(pair[1], pair[1])}"
                 for pair in shown.summary[["indicator_id", "area_code"]].drop_duplicates().itertuples(
                     index=False, name=None)}
        indicator_id, area_code = st.selectbox("Chart the new series over the stored one for", list(pairs),
                                               format_func=pairs.__getitem__)
        stored = queries.indicator_series(con, indicator_id, [area_code])
        new = shown.observations[(shown.observations["indicator_id"] == indicator_id)
                                 & (shown.observations["area_code"] == area_code)]
        figure = new_over_stored(stored, new, indicator_names.get(indicator_id, indicator_id))
        chart(figure, words=f"{pairs[(indicator_id, area_code)]}: the file's values over the stored series",
              width="stretch")
    if not shown.population_summary.empty:
        st.subheader("Population estimates that would change, per area")
        st.dataframe(shown.population_summary, hide_index=True, width="stretch")

    # A load that retires series needs a second, explicit yes: the first click is not enough.
    understood = True
    if upload_preview.needs_second_tick(work["replacements"]):
        understood = st.checkbox("I have read what this load replaces, and it should replace it",
                                 key=f"understood_{work['key'][0]}_{work['key'][1]}")
    confirm, cancel = st.columns(2)
    if cancel.button("Cancel", width="stretch"):
        _forget_upload()
        st.rerun()
    if confirm.button("Confirm and store", type="primary", width="stretch", disabled=not understood,
                      help=None if understood else "Tick the box above first: this load retires series."):
        try:
            with st.spinner("Storing in one transaction"):
                result = confirm_load(con, work["path"], work["extract"], user=user,
                                      archive_dir=settings.archive_dir, file=work["file"],
                                      expected_version=shown.store_version)
        except RetryWrite as error:
            st.warning(plain(error))
            _forget_upload()
        except PermissionError as error:  # the store file went away, or the role was taken away
            st.error(plain(error))
        except LoadError as error:
            st.error(plain(error))
        else:
            _forget_upload()
            state["upload_message"] = (f"Stored {plain(result.file)} as load {result.load_id}: {result.counts.added:,} "
                                       f"added, {result.counts.changed:,} changed, "
                                       f"{result.counts.unchanged:,} unchanged.")
            st.rerun()

if message := state.pop("upload_message", None):
    st.success(message)

st.subheader("Recent loads")
loads = recent_loads(con, LOADS_LISTED)
if loads.empty:
    st.info("No loads yet.")


def _load_line(place, row) -> None:
    """One load: what it was, who stored it, and its Undo button (disabled with the reason when refused)."""
    text, button = place.columns([5, 1])
    kind = BY_NAME[row.loader].description if row.loader in BY_NAME else "file"
    text.markdown(f"**{row.load_id}** · {plain(row.file_name)} · {plain(kind)} · {row.row_count:,} rows · "
                  f"{pd.Timestamp(row.loaded_at):%d %b %Y %H:%M} · {plain(row.loaded_by)}"
                  + (" · demonstration" if row.is_demonstration else ""))
    refused = row.undo_refused if isinstance(row.undo_refused, str) else None
    if button.button("Undo", key=f"undo_{row.load_id}", disabled=bool(refused), help=plain(refused) if refused else
                     "Take this load back: the store becomes what a rebuild without it would give."):
        state["undo_asked"] = int(row.load_id)


for row in loads.head(RECENT_LOADS_SHOWN).itertuples():
    _load_line(st, row)
if len(loads) > RECENT_LOADS_SHOWN:
    # The bundled build alone makes more loads than fit the list; the older ones (populations first) stay undoable.
    with st.expander(f"Older loads ({len(loads) - RECENT_LOADS_SHOWN})"):
        for row in loads.iloc[RECENT_LOADS_SHOWN:].itertuples():
            _load_line(st, row)

if (asked := state.get("undo_asked")) is not None:
    what = describe_load(con, asked)
    if what is None:
        state.pop("undo_asked")
    else:
        depends = upload_preview.undo_dependents_sentence(
            undo_dependents(con, asked), first=[context.settings().area_code, context.settings().benchmark_code])
        st.warning(f"Undo {plain(what)}? Its rows go; the rows it replaced come back unless a later load "
                   "also holds them. " + (f"**{plain(depends)}** " if depends else "")
                   + "The undo is recorded in the audit with your name.", icon=":material/undo:")
        # An undo other figures depend on needs a second, explicit yes, as a load that retires series does.
        understood = depends is None or st.checkbox("I have read what this undo blanks or changes, and it should",
                                                    key="undo_understood")
        yes, no = st.columns(2)
        if yes.button(f"Yes, undo load {asked}", type="primary", key="undo_confirm", disabled=not understood,
                      help=None if understood else "Tick the box above first: other figures depend on this load."):
            state.pop("undo_asked")
            try:
                undone = undo_load(con, asked, user=user, archive_dir=settings.archive_dir)
            except (UndoRefused, RetryWrite, PermissionError) as error:
                st.warning(plain(error))
            else:
                state["upload_message"] = (f"Load {asked} undone: {undone.removed:,} rows removed, "
                                           f"{undone.restored:,} earlier rows current again.")
                st.rerun()
        if no.button("Keep it", key="undo_cancel"):
            state.pop("undo_asked")
            st.rerun()
with st.expander("Layouts the upload recognises"):
    st.markdown("\n".join(f"- {plain(layout.description)}" for layout in LAYOUTS))
