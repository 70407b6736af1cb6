"""Command line for operators and scripts, trusted as access to the file is.

    python -m loaders build [--db PATH]
    python -m loaders load FILE [--db PATH] --user NAME [--wait SECONDS]
    python -m loaders undo LOAD_ID [--db PATH] --user NAME [--wait SECONDS] [--yes]
    python -m loaders groups FILE [--db PATH] --user NAME [--wait SECONDS]
    python -m loaders targets FILE [--db PATH] --user NAME [--wait SECONDS]
    python -m loaders audit --verify [--db PATH]
    python -m loaders copy-store --from STORE --to STORE [--user NAME] [--replace]
    python -m loaders ensure [--db PATH]

`audit --verify` reads a snapshot of the store, so it runs while the dashboard does. A write to a
DuckDB file the dashboard holds waits for it (`--wait`, 30 seconds by default), then says to try
again, having written nothing.

`--db` (and `--from`, `--to`) take a DuckDB file's path or the shared store,
`ducklake:postgres:<connection string>` (its data files in PBIP_STORE_DATA_PATH); the default is the
`store` setting (PBIP_STORE).

Each write records the name given and, beside it in the audit, the operating-system user. Each
refusal is one sentence on standard error and exit status 1.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time

import duckdb

import store
from analysis.upload_preview import undo_dependents_sentence
from loaders import LoadError, build
from loaders.build import StoreInUse, ensure_store, refuse_if_in_use
from loaders.groups import LAYOUT as GROUPS_LAYOUT
from loaders.pipeline import load_into
from loaders.targets import LAYOUT as TARGETS_LAYOUT
from store import audit, loads
from store.copy import CopyMismatch, TargetNotEmpty, copy_store
from store.primitives import StoreWriteFailed
from store.settings import load_settings, location_of

WAIT_HELP = "seconds to wait while another program (the dashboard) holds the store file (default 30)"


class Refused(Exception):
    """Why the command did nothing, in one sentence."""


def _load(args, settings) -> None:
    opened = store.open_existing(args.db, wait_seconds=args.wait)
    try:
        result = load_into(opened, args.file, user=args.user, archive_dir=location_of(args.db).archive_dir,
                           size_limit_mb=settings.upload_limit_mb)
    finally:
        opened.close()
    print(f"{result.file}: {result.layout}, {result.counts.added:,} added, "
          f"{result.counts.changed:,} changed, {result.counts.unchanged:,} unchanged (load {result.load_id})")


def _targets(args, settings) -> None:
    opened = store.open_existing(args.db, wait_seconds=args.wait)
    try:
        result = load_into(opened, args.file, user=args.user, archive_dir=location_of(args.db).archive_dir,
                           layout=TARGETS_LAYOUT, size_limit_mb=settings.upload_limit_mb)
    finally:
        opened.close()
    print(f"{result.file}: targets and trajectories, {result.counts.added:,} added, {result.counts.changed:,} "
          f"changed, {result.counts.unchanged:,} unchanged (load {result.load_id}; undo it with "
          f"`python -m loaders undo {result.load_id} --user NAME`)")


def _undo(args) -> None:
    opened = store.open_existing(args.db, wait_seconds=args.wait)
    try:
        reason = loads.undo_refusal(opened, args.load_id)
        if reason:
            raise Refused(reason)
        what = loads.describe(opened, args.load_id)
        settings = load_settings()
        depends = undo_dependents_sentence(loads.undo_dependents(opened, args.load_id),
                                           first=[settings.area_code, settings.benchmark_code])
        if depends:
            print(f"Undo {what}? {depends}")
            if not args.yes:
                raise Refused(f"load {args.load_id} was not undone: other figures depend on it (above); run "
                              "the command again with --yes to undo it anyway")
        undone = loads.undo_load(opened, args.load_id, user=args.user, archive_dir=location_of(args.db).archive_dir)
    finally:
        opened.close()
    print(f"Undid {what}: {undone.removed:,} rows removed, {undone.restored:,} earlier rows current again.")


def _groups(args, settings) -> None:
    opened = store.open_existing(args.db, wait_seconds=args.wait)
    try:
        result = load_into(opened, args.file, user=args.user, archive_dir=location_of(args.db).archive_dir,
                           layout=GROUPS_LAYOUT, size_limit_mb=settings.upload_limit_mb)
    finally:
        opened.close()
    counts = result.counts
    print(f"loaded {counts.added + counts.changed + counts.unchanged} comparator groups ({result.rows} members) "
          f"from {result.file}: {counts.added:,} added, {counts.changed:,} changed, {counts.unchanged:,} unchanged "
          f"(load {result.load_id}; undo it with `python -m loaders undo {result.load_id} --user NAME`)")


def _verify(args) -> None:
    opened = store.open_existing(args.db, read_only=True)
    try:
        # A snapshot is read from a copy: the anchor is in the archive folder beside the store itself.
        broken = audit.verify(opened.connection, location_of(args.db).archive_dir)
        lines = audit.line_count(opened.connection)
    finally:
        opened.close()
    if broken:
        raise Refused(broken.sentence)
    print(f"The audit chain is whole: {lines:,} lines, none changed, removed or added outside the dashboard.")


def _copy(args) -> None:
    source, target = location_of(args.source), location_of(args.target)
    if source == target:
        raise Refused("--from and --to name the same store; nothing was copied")
    if not source.shared and not source.path.exists():
        raise Refused(f"there is no store at {source.path} to copy from")
    refuse_if_in_use(source)
    try:
        refuse_if_in_use(target)
    except duckdb.IOException:
        pass  # a target that is no store at all (a killed copy on main left one): the copy says so, or replaces it
    copied = copy_store(source, target, user=args.user, replace=args.replace)
    print(f"Copied {source} into {target}: {sum(copied.tables.values()):,} rows in {len(copied.tables)} tables "
          f"(loads, audit and plan history included); observations identical ({copied.observations:,} rows).")


def main(argv: list[str] | None = None) -> int:
    settings = load_settings()
    default_db = str(settings.store)
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="(re)build the store from the bundled data")
    build_parser.add_argument("--db", default=default_db, help="database file to build")
    load_parser = commands.add_parser("load", help="load one file into the store")
    load_parser.add_argument("file")
    load_parser.add_argument("--db", default=default_db)
    load_parser.add_argument("--wait", type=float, default=store.door.LOCK_WAIT_SECONDS, help=WAIT_HELP)
    load_parser.add_argument("--user", default=getpass.getuser())
    undo_parser = commands.add_parser("undo", help="take a load back")
    undo_parser.add_argument("load_id", type=int)
    undo_parser.add_argument("--db", default=default_db)
    undo_parser.add_argument("--wait", type=float, default=store.door.LOCK_WAIT_SECONDS, help=WAIT_HELP)
    undo_parser.add_argument("--user", required=True)
    undo_parser.add_argument("--yes", action="store_true",
                             help="undo even when other figures depend on the load (it says which)")
    groups_parser = commands.add_parser("groups", help="load comparator groups (group_code, group_name, "
                                        "area_code, source) from a CSV file")
    groups_parser.add_argument("file")
    groups_parser.add_argument("--db", default=default_db)
    groups_parser.add_argument("--wait", type=float, default=store.door.LOCK_WAIT_SECONDS, help=WAIT_HELP)
    groups_parser.add_argument("--user", required=True)
    targets_parser = commands.add_parser("targets", help="load targets and trajectories (indicator_id, area_code, "
                                         "kind, value, direction, effective_from, effective_to, period, source, "
                                         "source_url) from a CSV file; undone like any load")
    targets_parser.add_argument("file")
    targets_parser.add_argument("--db", default=default_db)
    targets_parser.add_argument("--user", required=True)
    targets_parser.add_argument("--wait", type=float, default=store.door.LOCK_WAIT_SECONDS, help=WAIT_HELP)
    audit_parser = commands.add_parser("audit", help="check the audit trail's hash chain")
    audit_parser.add_argument("--verify", action="store_true", required=True)
    audit_parser.add_argument("--db", default=default_db)
    copy_parser = commands.add_parser("copy-store", help="copy a whole store into another (an embedded file "
                                      "into the shared store, or back), replacing what the target held")
    copy_parser.add_argument("--from", dest="source", required=True, help="the store to copy")
    copy_parser.add_argument("--to", dest="target", required=True, help="the store to replace")
    copy_parser.add_argument("--user", default=getpass.getuser())
    copy_parser.add_argument("--replace", action="store_true",
                             help="replace a target that already holds a store (its audit and history go)")
    ensure_parser = commands.add_parser("ensure", help="build the store when it is missing (or recover it from "
                                        "its archive), as the dashboard's first start does; else nothing")
    ensure_parser.add_argument("--db", default=default_db)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        if args.command == "build":
            results = build(args.db)
            for result in results:
                print(f"{result.file}: {result.layout}, {result.rows:,} rows ({result.counts.added:,} added)")
            print(f"built {args.db} in {time.perf_counter() - started:.2f} s")
        elif args.command == "load":
            _load(args, settings)
        elif args.command == "undo":
            _undo(args)
        elif args.command == "targets":
            _targets(args, settings)
        elif args.command == "groups":
            _groups(args, settings)
        elif args.command == "copy-store":
            _copy(args)
        elif args.command == "ensure":
            print(ensure_store(args.db) or f"The store {args.db} is there; nothing was done.")
        else:
            _verify(args)
    except LoadError as error:
        found = "1 problem" if error.total == 1 else f"{error.total:,} problems"
        print(f"error: {error.file} cannot be loaded ({found}); nothing was stored:", file=sys.stderr)
        for sentence in error.sentences():
            print(f"error: {sentence}", file=sys.stderr)
        return 1
    except (Refused, StoreInUse, store.StoreMissing, store.RetryWrite, store.StoreFileChanged, StoreWriteFailed,
            loads.UndoRefused, CopyMismatch, TargetNotEmpty, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
