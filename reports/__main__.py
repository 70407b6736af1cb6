"""Command line for scripts and schedulers: the board pack, read-only from the store.

    python -m reports board-pack --as-at 2018-11-20 --format pdf --out pack.pdf
        [--area CODE] [--comparator CODE] [--store-version N] [--previous-board DATE] [--db STORE]
    python -m reports board-pack --as-at 2018-11-20 --format pdf --out pack.pdf --format pptx --out pack.pptx

`--format` and `--out` come in pairs, the first `--out` for the first `--format`: both formats from one
command draw each chart once and share the pictures, so a second format costs only its layout, and that
beside the first: the PDF is laid out by a copy of the command's process (reports/layout_process.py) while
the command draws the pictures and lays out the slides.

`--db` takes a DuckDB file's path or the shared store, `ducklake:postgres:<connection string>`, as
`python -m loaders` does. The pack is made from a snapshot of the store as of its last committed write,
so the dashboard may go on running (and writing) meanwhile.

`--area` defaults to the settings' area (settings.toml, PBIP_AREA_CODE), `--comparator` to the benchmark
(England), `--as-at` (given without a date, or left out) to the latest board date among the stored
events, never today, and `--store-version` to the last load. The store version the pack was
made from is printed and written on its cover: the same date and version give the same figures. A
refusal is one sentence on standard error and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from datetime import date
from pathlib import Path

from reports import FORMATS
from reports.layout_process import CAN_FORK, LayoutProcess


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a date written YYYY-MM-DD') from None


def _board_pack(args, apart: dict[str, LayoutProcess], started: float) -> int:
    """Make and write the pack; 1 after a one-sentence refusal."""
    import duckdb

    import store
    from reports import from_store, render
    from store.settings import load_settings

    settings = load_settings()
    try:
        # A snapshot of the store as of its last committed write: the dashboard may go on running.
        opened = store.open_existing(args.db or str(settings.store), read_only=True)
        try:
            pack = from_store(opened.connection, area_code=(args.area or settings.area_code).strip().upper(),
                              comparator_code=(args.comparator or settings.benchmark_code).strip().upper(),
                              as_at=args.as_at, store_version=args.store_version,
                              previous_board_date=args.previous_board)
        finally:
            opened.close()
        files = render(pack, args.format, apart=apart)
    except (ValueError, store.StoreMissing, store.RetryWrite) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except duckdb.IOException as error:
        print(f"error: the store cannot be opened: {error}", file=sys.stderr)
        return 1
    for format_name, out in zip(args.format, args.out, strict=True):
        content = files[format_name]
        Path(out).write_bytes(content)
        print(f"{out}: board pack for {pack.area_name} against {pack.comparator_name} as at "
              f"{pack.as_at:%Y-%m-%d}, {pack.version_text}, {len(content):,} bytes in "
              f"{time.perf_counter() - started:.1f} s")
    return 0


def _pairs(parser: argparse.ArgumentParser, args) -> None:
    """One `--out` for each `--format`, each format once."""
    if len(args.out) != len(args.format):
        parser.error(f"give one --out for each --format: {len(args.format)} --format, {len(args.out)} --out")
    if len(set(args.format)) != len(args.format):
        parser.error("give each --format once")


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser("board-pack", help="make the board pack (PDF, PowerPoint or both)")
    pack.add_argument("--as-at", type=_day, nargs="?", const=None, default=None,
                      help="the board date, YYYY-MM-DD (without one: the latest board date among the stored events)")
    pack.add_argument("--format", choices=sorted(FORMATS), required=True, action="append",
                      help="pdf or pptx; give it twice (each with its --out) for both from one set of pictures")
    pack.add_argument("--out", required=True, action="append", help="file to write, one for each --format")
    pack.add_argument("--area", help="ONS code of the council (default: the settings' area)")
    pack.add_argument("--comparator", help="ONS code of the comparator (default: the settings' benchmark, England)")
    pack.add_argument("--store-version", type=int, default=None,
                      help="the last load to include (default: the last load); printed on the cover")
    pack.add_argument("--previous-board", type=_day, default=None,
                      help="date of the previous board (default: the last marked event before --as-at)")
    pack.add_argument("--db", help="a DuckDB file's path, or ducklake:postgres:<connection string> for the shared "
                      "store (default: the settings' store)")
    args = parser.parse_args(argv)
    _pairs(pack, args)
    with contextlib.ExitStack() as processes:
        apart = {name: processes.enter_context(LayoutProcess(name)) for name in _apart(args.format)}
        return _board_pack(args, apart, started)


def _apart(formats: list[str]) -> list[str]:
    """The formats laid out by copies of this process, made when the pack is assembled, while this one draws the
    pictures and sends each on as it is drawn: every format, where a copy can be made (reports/layout_process.py).
    A layout is pure Python and waits for pictures; the drawing is resvg's, holding this process's one line
    of Python: side by side they take both cores."""
    return list(formats) if CAN_FORK else []


if __name__ == "__main__":
    sys.exit(main())
