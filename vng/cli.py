"""The ``vng`` command.

    vng check [--books PATH] [--groep PATH] [-q]
    vng jaarrekening --year YEAR [--books PATH] --out DIR [-q]    (the JSON)
    vng jaarverslag --year YEAR [--books PATH] --out DIR [-q]     (JSON, PDF, XLSX, XAF)
    vng vaststellen --year YEAR --datum DATE [--books PATH]
    vng import FILE... [--books PATH] [--output FILE] [--archive DIR] [--gebruiker NAAM]
    vng serve [--books PATH] [--groep PATH] [--runtime .proxy] [--socket-groep GROUP]
                                               (Fava on .proxy/fava.sock, for vng proxy only)
    vng proxy --gebruikers FILE [--port 8080] [--runtime .proxy] [--fava-runtime DIR]
                                               (nginx: authentication and roles)
    vng gebruiker NAAM --rol ROL --gebruikers FILE   (password on stdin)
    vng herstel [--books PATH]                 (back to the last commit)
    vng query "BQL" [--entity KEY] [--books PATH] [--groep PATH] [--csv F | --xlsx F]
                                               (beanquery on one entity's books)

``--books`` defaults to the embedded books of the Vereniging. Errors are printed as
``file:line: reason`` and make the command exit non-zero without writing anything.
``check``, ``jaarrekening`` and ``jaarverslag`` show their progress per entity and
phase on stderr (``vng.voortgang``); ``--stil`` (``-q``) leaves it out.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Any, cast

from statements.errors import StatementError
from statements.render.auditfile import DEFAULT as XAF_DEFAULT
from statements.render.auditfile import VERSIONS as XAF_VERSIONS
from statements.render.json import jaarrekening_json
from vng.build import Uitkomst
from vng.jaarverslag import (
    DEFAULT_BOOKS,
    BuildError,
    build_jaarverslag,
    compute_entities,
    group_path,
    group_statements,
)
from vng.output import write_all_atomic, write_atomic
from vng.toegang import RUNTIME
from vng.voortgang import Voortgang, stil
from vng_accounts.books import Books, load_books
from vng_accounts.errors import format_error
from vng_accounts.vaststelling import file_digest, lock_text, read_locks


def _load_or_report(path: str) -> Books | None:
    if not os.path.exists(path):
        print(f"{path}:0: boeken niet gevonden", file=sys.stderr)
        return None
    books = load_books(path)
    for error in books.errors:
        print(format_error(error), file=sys.stderr)
    return None if books.errors else books


def _group_path(args: argparse.Namespace) -> str:
    return group_path(args.books, getattr(args, "groep", None))


def _voortgang(args: argparse.Namespace) -> Voortgang:
    """The command's progress on stderr; ``main`` ends its line if the command does not
    (an interruption, an unexpected error), before the traceback."""
    args.voortgang = stil() if args.stil else Voortgang(sys.stderr)
    return cast(Voortgang, args.voortgang)


def _results(
    args: argparse.Namespace, year: int, full: bool, voortgang: Voortgang
) -> tuple[dict[str, Uitkomst], Any, str] | None:
    """Every entity computed, or None after printing what is wrong."""
    try:
        return compute_entities(args.books, _group_path(args), year, full, voortgang=voortgang)
    except BuildError as exc:
        voortgang.sluit(False)
        for error in exc.errors:
            print(error, file=sys.stderr)
        return None


def _report(exc: StatementError) -> None:
    for line in exc.lines():
        print(line, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    """Check the books, and with a group every entity's books and the consolidation of
    every year: the equity method and the intercompany pairs."""
    voortgang = _voortgang(args)
    found = _results(args, 0, False, voortgang)
    if found is None:
        return 1
    results, group, _ = found
    paths = {e.key: e.books_path for e in group.entities} if group else {}

    def checked() -> None:  # after the progress, which ends its line first
        for key, result in results.items():
            path = os.path.relpath(paths.get(key, args.books))
            print(f"{path}: {result.directives} boekingen en rekeningen, geen fouten")

    if group is None:
        voortgang.sluit()
        checked()
        return 0
    from statements.consolidatie import group_problems

    figures: dict[Any, Any] = {}
    for result in results.values():
        figures.update(result.figures)
    voortgang.fase("consolidatie")
    try:
        years, problems = group_problems(group, figures)
    except StatementError as exc:
        voortgang.sluit(False)
        checked()
        _report(exc)
        return 1
    voortgang.sluit(not problems)
    checked()
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    span = f"{years[0]}-{years[-1]}" if years else "geen jaren"
    print(f"{os.path.relpath(group.path)}: consolidatie {span} sluit, geen fouten")
    return 0


def cmd_jaarrekening(args: argparse.Namespace) -> int:
    voortgang = _voortgang(args)
    found = _results(args, args.year, False, voortgang)
    if found is None:
        return 1
    results, group, reporting = found
    voortgang.fase("consolidatie")
    try:
        tables = group_statements(results, group, reporting, args.year)
    except StatementError as exc:
        voortgang.sluit(False)
        _report(exc)
        return 1
    settings = results[reporting].settings
    assert settings is not None
    target = os.path.join(args.out, f"jaarrekening-{args.year}.json")
    voortgang.fase("schrijven")
    write_atomic(target, jaarrekening_json(args.year, settings.entity_name, tables))
    voortgang.sluit()
    print(target)
    return 0


class _Klok:
    """Durations of the phases of a build, written to ``VNG_TIJDEN`` when it is set
    (for ``make bench``)."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def tick(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = now - self.last
        self.last = now

    def save(self) -> None:
        target = os.environ.get("VNG_TIJDEN")
        if target:
            write_atomic(target, json.dumps(self.phases, indent=1))


def cmd_jaarverslag(args: argparse.Namespace) -> int:
    """The whole Financieel Jaarverslag: JSON, PDF, workbook and auditfile, all or nothing."""
    os.makedirs(args.out, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".vng-bouw-", dir=args.out)
    clock = _Klok()
    voortgang = _voortgang(args)
    # the collector stays paused after the build as well (``build_jaarverslag``), and
    # what the build made is frozen out of the full pass at the process's end
    collecting = gc.isenabled()
    gc.disable()
    try:
        built = build_jaarverslag(
            args.books,
            _group_path(args),
            args.year,
            staging,
            clock.tick,
            xaf=args.xaf,
            voortgang=voortgang,
            synced=False,  # synced once, as they are moved into --out (write_all_atomic)
        )
        targets = {os.path.join(args.out, n): path for n, path in built.files.items()}
        voortgang.fase("schrijven")
        write_all_atomic({}, targets)
    except BuildError as exc:
        voortgang.sluit(False)
        for error in exc.errors:
            print(error, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        gc.freeze()
        if collecting:
            gc.enable()
    clock.tick("schrijven")
    clock.save()
    voortgang.sluit()
    for path in targets:
        print(path)
    return 0


def cmd_vaststellen(args: argparse.Namespace) -> int:
    """Lock a year after the ALV's vaststelling: write the lock file, record it in the books."""
    books = _load_or_report(args.books)
    if books is None:
        return 1
    locks, _ = read_locks(books.entries)
    if any(lock.year == args.year for lock in locks):
        print(f"{args.books}:0: {args.year} is al vastgesteld", file=sys.stderr)
        return 1
    folder = os.path.dirname(os.path.abspath(args.books))
    name = f"vastgesteld-{args.year}.txt"
    text = lock_text(books.entries, args.year)
    with open(args.books, encoding="utf-8") as handle:
        main_text = handle.read()
    record = (
        f"\n; Jaarrekening {args.year} vastgesteld door de ALV; wijzigingen in {args.year} "
        f'worden geweigerd.\n{args.datum} custom "vng-vastgesteld" {args.year} "{name}" '
        f'"{file_digest(text)}"\n'
    )
    write_atomic(os.path.join(folder, name), text)
    write_atomic(args.books, main_text + record)
    check = load_books(args.books)
    if check.errors:
        for error in check.errors:
            print(format_error(error), file=sys.stderr)
        write_atomic(args.books, main_text)
        os.unlink(os.path.join(folder, name))
        return 1
    print(f"{args.year} vastgesteld per {args.datum}: {os.path.join(folder, name)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import files with the project's importers; print, or add to the books and commit,
    only what is new (``vng/importeren.py``)."""
    from vng.importeren import run

    return run(args.files, args.books, args.output, args.archive, args.gebruiker)


def cmd_serve(args: argparse.Namespace) -> int:
    from vng.fava import GROUP_ENV
    from vng.serve import serve

    # the Jaarrekening page finds the group as the other commands do, or is given it
    os.environ[GROUP_ENV] = os.path.abspath(_group_path(args)) if _group_path(args) else ""
    # Fava needs an absolute path to the books (a relative one fails an assertion)
    return serve(os.path.abspath(args.books), args.runtime, args.socket_groep)


def cmd_herstel(args: argparse.Namespace) -> int:
    from vng.vastlegging import BooksRefused, restore

    folder = os.path.dirname(os.path.abspath(args.books))
    try:
        changed = restore(folder)
    except BooksRefused as exc:
        print(f"{args.books}:0: {exc}", file=sys.stderr)
        return 1
    for name in changed:
        print(f"teruggezet: {name}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """A BQL query on one entity's books (the Vereniging's by default), written as CSV
    or XLSX through pandas, or shown as a table (``vng/query.py``)."""
    from vng.query import QueryError, entity_books, run_query, table_text, write_result

    try:
        path, name = entity_books(args.books, _group_path(args), args.entity)
    except QueryError as exc:
        print(f"vng query: {exc}", file=sys.stderr)
        return 1
    except StatementError as exc:
        _report(exc)
        return 1
    books = _load_or_report(path)
    if books is None:
        return 1
    try:
        frame = run_query(books, args.bql)
    except QueryError as exc:
        print(f"vng query: ongeldige query: {exc}", file=sys.stderr)
        return 1
    if not (args.csv or args.xlsx):
        sys.stdout.write(table_text(frame))
        return 0
    about = (
        ("Query", args.bql),
        ("Entiteit", name or books.settings.entity_name),
        ("Boeken", os.path.relpath(path)),
    )
    print(write_result(frame, args.csv, args.xlsx, about))
    return 0


def cmd_proxy(args: argparse.Namespace) -> int:
    from vng import proxy

    try:
        return proxy.run(args.runtime, args.port, args.gebruikers, args.fava_runtime)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1


def cmd_gebruiker(args: argparse.Namespace) -> int:
    from vng import proxy

    password = sys.stdin.readline().rstrip("\n")
    if not password:
        print("geef het wachtwoord op standaardinvoer", file=sys.stderr)
        return 1
    try:
        proxy.add_user(args.gebruikers, args.naam, password, args.rol)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vng", description="De boeken en de jaarrekening van de VNG"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    # the options several commands share, each defined once
    books = argparse.ArgumentParser(add_help=False)
    books.add_argument("--books", default=DEFAULT_BOOKS)
    groep = argparse.ArgumentParser(add_help=False)
    groep.add_argument(
        "--groep", default=None, help="het groepsbestand (standaard bij de ingebedde boeken)"
    )
    year = argparse.ArgumentParser(add_help=False)
    year.add_argument("--year", type=int, required=True)
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("--out", required=True)
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument(
        "-q", "--stil", action="store_true", help="geen voortgang op stderr (fouten wel)"
    )
    runtime = argparse.ArgumentParser(add_help=False)
    runtime.add_argument(
        "--runtime", default=RUNTIME, help="map voor fava.sock, fava.geheim en nginx (.proxy)"
    )

    def command(name: str, func: Any, about: str, *parents: argparse.ArgumentParser) -> Any:
        parser = sub.add_parser(name, help=about, parents=list(parents))
        parser.set_defaults(func=func)
        return parser

    command(
        "check",
        cmd_check,
        "controleer de boeken (en de dochters van de groep)",
        books,
        groep,
        quiet,
    )
    command(
        "jaarrekening", cmd_jaarrekening, "bereken de jaarrekening", year, books, groep, out, quiet
    )
    full = command(
        "jaarverslag",
        cmd_jaarverslag,
        "het hele jaarverslag: JSON, PDF, werkmap, XAF",
        year,
        books,
        groep,
        out,
        quiet,
    )
    full.add_argument(
        "--xaf",
        choices=XAF_VERSIONS,
        default=XAF_DEFAULT,
        help="versie van de auditfiles (standaard 4.0; 3.2 voor wie die nog vraagt)",
    )
    imp = command(
        "import", cmd_import, "lees bankafschriften, salarisjournaal, bewaarder, leden", books
    )
    imp.add_argument("files", nargs="+")
    imp.add_argument(
        "--output",
        help="voeg de nieuwe boekingen toe aan dit bestand van de boeken en leg dat vast in git",
    )
    imp.add_argument("--archive", help="verplaats de ingelezen bestanden naar deze documentenmap")
    imp.add_argument(
        "--gebruiker",
        help="auteur van de vastlegging (standaard $VNG_GEBRUIKER, anders de inlognaam)",
    )
    srv = command(
        "serve", cmd_serve, "Fava op de boeken, met slot en audit trail", books, groep, runtime
    )
    srv.add_argument(
        "--socket-groep",
        default=None,
        help="groep (van nginx) die de socket mag gebruiken: socket 0660, map 0750",
    )
    command("herstel", cmd_herstel, "zet de boeken terug naar de laatste vastlegging", books)
    prx = command("proxy", cmd_proxy, "nginx met wachtwoorden en rollen voor Fava", runtime)
    prx.add_argument("--port", type=int, default=8080)
    prx.add_argument("--gebruikers", required=True)
    prx.add_argument(
        "--fava-runtime",
        default=None,
        help="de --runtime van vng serve, als die een andere is (fava.sock, fava.geheim)",
    )
    usr = command("gebruiker", cmd_gebruiker, "voeg een gebruiker toe (wachtwoord op stdin)")
    usr.add_argument("naam")
    usr.add_argument("--rol", required=True, choices=("boekhouding", "accountant"))
    usr.add_argument("--gebruikers", required=True)
    qry = command("query", cmd_query, "een BQL-query op de boeken van een entiteit", books, groep)
    qry.add_argument("bql", help="de query, in BQL (beanquery)")
    qry.add_argument(
        "--entity", default=None, help="de sleutel van een entiteit van de groep (csc, od, ...)"
    )
    target = qry.add_mutually_exclusive_group()
    target.add_argument("--csv", help="schrijf het resultaat als CSV naar dit bestand")
    target.add_argument("--xlsx", help="schrijf het resultaat als werkmap naar dit bestand")
    lock = command("vaststellen", cmd_vaststellen, "zet een vastgesteld jaar op slot", year, books)
    lock.add_argument("--datum", required=True, help="datum van de vaststelling, JJJJ-MM-DD")
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    finally:
        if getattr(args, "voortgang", None) is not None:
            args.voortgang.sluit(False)  # nothing when the command ended it


if __name__ == "__main__":
    sys.exit(main())
