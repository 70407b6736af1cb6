"""Create, remove and list the dashboard's local accounts.

    python -m accounts add NAME --role analyst|viewer [--password-stdin]
    python -m accounts add NAME --role lead --indicator dtoc_18 [--indicator ...] [--password-stdin]
    python -m accounts remove NAME
    python -m accounts list

The accounts file is `PBIP_USERS_FILE`, else ~/.config/pbip/users.json; the dashboard reads the same.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.users import add_user, list_users, remove_user
from store.roles import ROLES
from store.settings import users_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accounts", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create or replace an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--indicator", action="append", default=[], metavar="ID",
                     help="an indicator a lead leads (repeat for each)")
    remove = commands.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    commands.add_parser("list", help="list accounts and roles")
    args = parser.parse_args(argv)
    if args.command == "add":
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"Password for {args.name}: ")
            if getpass.getpass("Again: ") != password:
                print("error: the passwords differ", file=sys.stderr)
                return 1
        try:
            user = add_user(args.name, password, args.role, leads=args.indicator)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        article = "an" if user.role[0] in "aeiou" else "a"
        led = f", leading {', '.join(user.leads)}" if user.leads else ""
        print(f"{user.name} is {article} {user.role}{led} ({users_file()})")
    elif args.command == "remove":
        if not remove_user(args.name):
            print(f"error: there is no user {args.name}", file=sys.stderr)
            return 1
        print(f"removed {args.name}")
    else:
        for user in list_users():
            print(f"{user.name}\t{user.role}" + (f"\t{','.join(user.leads)}" if user.leads else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
