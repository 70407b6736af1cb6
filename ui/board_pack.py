"""The board view's "Board pack" controls: choose the board date and format, make the pack, download it.

The pack is made only when asked (a button), never on a page run: it takes seconds. It is
the same pack `python -m reports board-pack` makes, from the same assessments the page shows.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

import reports
from ui import context

_FORMATS = {"PDF for the papers": ["pdf"], "PowerPoint for the chair": ["pptx"], "Both": ["pdf", "pptx"]}
_MADE = "board_pack_files"


def board_pack_controls(presenting: bool) -> None:
    """The controls, for analysts and viewers alike; hidden on the projector (`presenting`, as the page drew
    the presentation toggle: it is drawn once a run)."""
    if presenting:
        return
    # Behind an expander that runs only when opened: a page visit does not load the date pickers' code, and the
    # page's run draws no controls nobody opened. A pack just made keeps it open (the downloads are in it).
    with st.expander("Board pack: make the papers for a board", icon=":material/picture_as_pdf:",
                     key="board_pack_open", on_change="rerun") as box:
        if not box.open:
            return
        settings = context.settings()
        left, middle, right = st.columns(3)
        as_at = left.date_input("As at (the board date)", value=date.today(), max_value=date.today(),
                                format="DD/MM/YYYY", key="board_pack_as_at")
        previous = middle.date_input("Previous board (blank: the last marked event before)", value=None,
                                     max_value=date.today(), format="DD/MM/YYYY", key="board_pack_previous")
        choice = right.radio("Format", list(_FORMATS), key="board_pack_format")
        if st.button("Make the board pack", icon=":material/picture_as_pdf:", key="board_pack_make"):
            with st.status("Making the board pack…", expanded=True) as status:
                status.write("Reading the assessments and the plan as at the board date")
                pack = reports.from_store(context.connection(), area_code=settings.area_code,
                                          comparator_code=settings.benchmark_code, as_at=as_at,
                                          previous_board_date=previous)
                files = reports.render(pack, _FORMATS[choice],
                                       progress=lambda step: status.write(f"Drawing the {step}"))
                status.update(label=f"The board pack is ready, made from {pack.version_text}", state="complete",
                              expanded=False)
            st.session_state[_MADE] = [(reports.file_name(pack, name), content, reports.MEDIA_TYPES[name])
                                       for name, content in files.items()]
        for file_name, content, media_type in st.session_state.get(_MADE, []):
            st.download_button(f"Download {file_name}", data=content, file_name=file_name, mime=media_type,
                               icon=":material/download:", key=f"board_pack_download_{file_name}")
