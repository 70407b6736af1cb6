"""Board papers made from the dashboard's own assessments: the board pack as PDF and PowerPoint.

`render(pack, formats)` draws the pictures once (reports/figures.py: SVG to PNG in this process, no browser)
and lays the pack out in each format asked for, here or (`apart`) in a copy of this process
(reports/layout_process.py); `board_pack.from_store` describes the pack. The command line is
`python -m reports`.

This package's own floor is light: the pack's description, its pictures and its layouts (pandas, DuckDB,
fpdf2, python-pptx: about 1.5 s of imports) are imported when first used, so the board view, which imports
this file on every visit, pays for them only when someone makes a pack.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.board_pack import BoardPack
    from reports.layout_process import LayoutProcess

FORMATS = ("pdf", "pptx")
MEDIA_TYPES = {"pdf": "application/pdf",
               "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def __getattr__(name: str):
    """`reports.from_store` and `reports.BoardPack`, from reports/board_pack.py when first asked for."""
    if name in ("from_store", "BoardPack"):
        from reports import board_pack

        return getattr(board_pack, name)
    raise AttributeError(f"module 'reports' has no attribute {name!r}")


def _layout(format_name: str) -> Callable:
    """The function laying a pack and its pictures out in this format: `pdf.render` or `pptx.render`."""
    if format_name == "pdf":
        from reports import pdf

        return pdf.render
    from reports import pptx

    return pptx.render


def render(pack: BoardPack, formats: Sequence[str], progress: Callable[[str], None] | None = None,
           apart: Mapping[str, LayoutProcess] | None = None) -> dict[str, bytes]:
    """The pack's file in each format named (``pdf``, ``pptx``), drawn from one set of pictures; a format in
    `apart` is laid out by a copy of this process (reports/layout_process.py) while this one draws the
    pictures and lays out the rest."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"there is no board pack format {unknown[0]!r}; formats: {', '.join(FORMATS)}")
    from reports.figures import keys, pictures

    apart = {name: process for name, process in (apart or {}).items() if name in formats}
    # A format laid out apart is copied off with the pack first, and lays out its pages while the pictures are
    # drawn here, each sent on as soon as it is drawn (the PDF places each by its size, and takes the pixels as
    # they come: reports/pdf.py).
    elsewhere = {name: process.lay_out(pack) for name, process in apart.items()}
    assessments = [page.assessment for page in pack.pages]
    if apart:
        icons, charts = keys(assessments, pack.funnel)
        for process in apart.values():
            process.send_keys(icons, charts)

    def send(kind: str, key, picture: bytes) -> None:
        for process in apart.values():
            process.send(kind, key, picture)

    # The command line (which lays formats out apart) also draws its charts two at a time, on a machine of two
    # cores or more; a server's page draws them in its own process.
    drawers = min(2, os.cpu_count() or 1) if apart else 1
    drawn = pictures(assessments, progress, funnel=pack.funnel, as_drawn=send if apart else None, drawers=drawers)
    here = {}
    for name in formats:
        if name not in elsewhere:
            if progress:
                progress(f"{name.upper()} file")
            here[name] = _layout(name)(pack, drawn)
    return {name: here[name] if name in here else elsewhere[name].result() for name in formats}


def file_name(pack: BoardPack, format_name: str) -> str:
    """'board-pack-E06000014-2018-11-20-v6.pdf': area, date and store version, so packs never collide."""
    return f"board-pack-{pack.area_code}-{pack.as_at:%Y-%m-%d}-v{pack.store_version}.{format_name}"


__all__ = ["FORMATS", "MEDIA_TYPES", "BoardPack", "file_name", "from_store", "render"]
