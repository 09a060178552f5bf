"""The ``vng`` command.

    vng check [--books PATH]
    vng jaarrekening --year YEAR [--books PATH] --out DIR

``--books`` defaults to the embedded books of the Vereniging. Errors are printed as
``file:line: reason`` and make the command exit non-zero without writing anything.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from statements.enkelvoudig import build_enkelvoudig
from statements.specificaties import build_specificaties
from statements.verloop import build_verlopen
from statements.errors import StatementError
from statements.output import write_atomic
from statements.render_json import jaarrekening_json
from vng_accounts.books import Books, load_books
from vng_accounts.errors import format_error, where

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BOOKS = os.path.join(ROOT, "ledger", "vereniging", "main.beancount")


def _load_or_report(path: str) -> Books | None:
    if not os.path.exists(path):
        print(f"{path}:0: boeken niet gevonden", file=sys.stderr)
        return None
    books = load_books(path)
    for error in books.errors:
        print(format_error(error), file=sys.stderr)
    return None if books.errors else books


def cmd_check(args: argparse.Namespace) -> int:
    books = _load_or_report(args.books)
    if books is None:
        return 1
    print(f"{args.books}: {len(books.entries)} boekingen en rekeningen, geen fouten")
    return 0


def cmd_jaarrekening(args: argparse.Namespace) -> int:
    books = _load_or_report(args.books)
    if books is None:
        return 1
    try:
        tables = (build_enkelvoudig(books, args.year) + build_specificaties(books, args.year)
                  + build_verlopen(books, args.year))
    except StatementError as exc:
        print(f"{where(exc.source)}: {exc.message}", file=sys.stderr)
        return 1
    target = os.path.join(args.out, f"jaarrekening-{args.year}.json")
    write_atomic(target, jaarrekening_json(args.year, books.settings.entity_name, tables))
    print(target)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vng", description="De boeken en de jaarrekening van de VNG")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="controleer de boeken")
    check.add_argument("--books", default=DEFAULT_BOOKS)
    check.set_defaults(func=cmd_check)
    jr = sub.add_parser("jaarrekening", help="bereken de jaarrekening")
    jr.add_argument("--year", type=int, required=True)
    jr.add_argument("--books", default=DEFAULT_BOOKS)
    jr.add_argument("--out", required=True)
    jr.set_defaults(func=cmd_jaarrekening)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
