"""Board papers made from the dashboard's own assessments: the board pack as PDF and PowerPoint.

`render(pack, formats)` draws the pictures once (one chromium session, an `Exporter` started beforehand or
one of its own) and lays the pack out in each format asked for, here or (`apart`) in a copy of this
process (reports/layout_process.py); `board_pack.from_store` describes the pack. The command line is
`python -m reports`.

This package's own floor is light: the pack's description and its layouts (pandas, DuckDB, fpdf2,
python-pptx: about 1.5 s of imports) are imported when first used, so `python -m reports`, which runs
this file first, starts chromium before them and the two go side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from reports.browser import Exporter

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
           exporter: Exporter | None = None, apart: Mapping[str, LayoutProcess] | None = None) -> dict[str, bytes]:
    """The pack's file in each format named (``pdf``, ``pptx``), drawn from one set of pictures; a format in
    `apart` is laid out by a copy of this process (reports/layout_process.py) while this one lays out the rest.
    The exporter draws this pack's pictures and no more: it is finished (:meth:`Exporter.finish`) once they
    are asked for."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"there is no board pack format {unknown[0]!r}; formats: {', '.join(FORMATS)}")
    if exporter is None:
        with Exporter() as own:
            return render(pack, formats, progress, own, apart)
    from reports.figures import pictures

    apart = {name: process for name, process in (apart or {}).items() if name in formats}
    # A format laid out apart is copied off with the pack first, and starts on its pages before the pictures
    # are asked for (and before any picture is being drawn: see reports/layout_process.py).
    elsewhere = {name: process.lay_out(pack) for name, process in apart.items()}
    # The pictures are drawn while the first format is laid out: it waits only for a picture not drawn yet.
    drawn = pictures([page.assessment for page in pack.pages], progress, funnel=pack.funnel, exporter=exporter)
    # Every picture is asked for: chromium closes when they are drawn, beside the layouts, not after them.
    exporter.finish()
    for process in apart.values():
        process.send_pictures(drawn)
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


__all__ = ["FORMATS", "MEDIA_TYPES", "BoardPack", "Exporter", "file_name", "from_store", "render"]
