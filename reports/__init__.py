"""Board papers made from the dashboard's own assessments: the board pack as PDF and PowerPoint.

`render(pack, formats)` draws the pictures once (one chromium session, an `Exporter` started beforehand or
one of its own) and lays the pack out in each format asked for; `board_pack.from_store` describes the pack.
The command line is `python -m reports`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reports import pdf, pptx
from reports.board_pack import BoardPack, from_store
from reports.figures import Exporter, pictures

FORMATS: dict[str, Callable] = {"pdf": pdf.render, "pptx": pptx.render}
MEDIA_TYPES = {"pdf": "application/pdf",
               "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def render(pack: BoardPack, formats: Sequence[str], progress: Callable[[str], None] | None = None,
           exporter: Exporter | None = None) -> dict[str, bytes]:
    """The pack's file in each format named (``pdf``, ``pptx``), drawn from one set of pictures."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ValueError(f"there is no board pack format {unknown[0]!r}; formats: {', '.join(FORMATS)}")
    if exporter is None:
        with Exporter() as own:
            return render(pack, formats, progress, own)
    # The pictures are drawn while the first format is laid out: it waits only for a picture not drawn yet.
    drawn = pictures([page.assessment for page in pack.pages], progress, funnel=pack.funnel, exporter=exporter)
    files = {}
    for name in formats:
        if progress:
            progress(f"{name.upper()} file")
        files[name] = FORMATS[name](pack, drawn)
    return files


def file_name(pack: BoardPack, format_name: str) -> str:
    """'board-pack-E06000014-2018-11-20-v6.pdf': area, date and store version, so packs never collide."""
    return f"board-pack-{pack.area_code}-{pack.as_at:%Y-%m-%d}-v{pack.store_version}.{format_name}"


__all__ = ["FORMATS", "MEDIA_TYPES", "BoardPack", "Exporter", "file_name", "from_store", "render"]
