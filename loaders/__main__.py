"""Command line: `python -m loaders build [--db PATH]`, `python -m loaders load FILE [--db PATH] --user NAME`."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from loaders import LoadError, build, load_file
from store.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="(re)build the store from the bundled data")
    build_parser.add_argument("--db", default=str(settings.db_path), help="database file to build")
    load_parser = commands.add_parser("load", help="load one file into the store")
    load_parser.add_argument("file")
    load_parser.add_argument("--db", default=str(settings.db_path))
    load_parser.add_argument("--user", default=getpass.getuser())
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if args.command == "build":
            results = build(args.db)
            for result in results:
                print(f"{result.file}: {result.layout}, {result.rows:,} rows "
                      f"({result.counts.added:,} added)")
            print(f"built {args.db} in {time.perf_counter() - started:.2f} s")
        else:
            result = load_file(args.file, args.db, args.user, size_limit_mb=settings.upload_limit_mb)
            print(f"{result.file}: {result.layout}, {result.counts.added:,} added, "
                  f"{result.counts.changed:,} changed, {result.counts.unchanged:,} unchanged "
                  f"(load {result.load_id})")
    except LoadError as error:
        found = "1 problem" if error.total == 1 else f"{error.total:,} problems"
        print(f"error: {error.file} cannot be loaded ({found}); nothing was stored:", file=sys.stderr)
        for sentence in error.sentences():
            print(f"error: {sentence}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
