"""Command line for scripts and schedulers: the board pack, read-only from the store.

    python -m reports board-pack --as-at 2018-11-20 --format pdf --out pack.pdf
        [--area CODE] [--comparator CODE] [--store-version N] [--previous-board DATE] [--db STORE]
    python -m reports board-pack --as-at 2018-11-20 --format pdf --out pack.pdf --format pptx --out pack.pptx

`--format` and `--out` come in pairs, the first `--out` for the first `--format`: both formats from one
command draw each chart once and share the pictures, so a second format costs only its layout, and that
beside the first: the PDF is laid out by a copy of the command's process (reports/layout_process.py).

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

from reports import FORMATS, Exporter
from reports.layout_process import CAN_FORK, LayoutProcess


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" is not a date written YYYY-MM-DD') from None


def _board_pack(args, exporter: Exporter, apart: dict[str, LayoutProcess], started: float) -> int:
    """Make and write the pack with chromium already starting; 1 after a one-sentence refusal."""
    # The pack's code and the store (about 1.5 s of imports) load while chromium starts.
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
        files = render(pack, args.format, exporter=exporter, apart=apart)
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
    # No defaults read here: the settings are read (importing the store) once chromium is starting.
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
    # Chromium starts first, before the pack's code is imported: the two run side by side. With both formats
    # asked for, the PDF (three times the slides' layout) is laid out by a copy of this process, made when the
    # pack is assembled.
    with Exporter() as exporter, contextlib.ExitStack() as processes:
        apart = {name: processes.enter_context(LayoutProcess(name)) for name in args.format
                 if name == "pdf" and len(args.format) > 1 and CAN_FORK}
        return _board_pack(args, exporter, apart, started)


if __name__ == "__main__":
    sys.exit(main())
