"""The journal-entry tests alone (``statements.journaalposten.analyse``), timed on the
general ledger of every entity of a group, for ``make bench``.

    python -m bench.analyse --groep ledger/groep/groep.beancount [--jaar 2024]
        [--rondes 3] [--gebruikers git|synthetisch] [--vlaggen FILE]

Every entity's books are loaded and their ledger of the year built once (that is
the build's work, measured in its own rows); then the analysis runs ``--rondes``
times over every ledger. Per round the wall time and the CPU time (user + sys of this
process, every thread) of the analyses summed over the entities go to stdout as one
JSON object, with the posting lines analysed: ``{"regels": N, "wall": [...], "cpu":
[...]}``.

Who booked a line and when: from the books' git history (``git``: ``git blame``, as
``vng jaarverslag`` does), or, for generated books that have no history,
``synthetisch``: a user and a time of booking drawn from the line's place in its file
(a few users, one of whom rarely books; most lines in office hours in the year, some
at night, on a weekend or after the year-end), so that every test has work to do.

``--vlaggen FILE`` writes what the analysis found (per entity every test's lines,
reasons, messages and Benford) as JSON, to compare two versions of the analysis.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from statements.consolidatie import read_group
from statements.grootboek import LOCAL, Grootboek, build_grootboek
from statements.journaalposten import Analysis, analyse
from vng_accounts.books import load_books
from vng_accounts.vaststelling import JaarrekeningDatum, jaarrekening_date

USERS = ("anna", "bram", "carla", "daan")
START = datetime.datetime(2024, 1, 1, tzinfo=LOCAL)


def synthetic_user(filename: str, lines: Sequence[int]) -> str:
    """A user for a line: four who book, a fifth on one entry in ~500."""
    line = lines[0] if lines else 0
    return "piet" if line % 499 == 7 else USERS[line % len(USERS)]


def synthetic_time(filename: str, lines: Sequence[int]) -> int:
    """When a line was booked (seconds since the epoch): a day of the year from its
    line number, mostly between 08:00 and 18:00; one entry in ~40 at night, one in
    ~200 in January after the year."""
    line = lines[0] if lines else 0
    day = (line * 7) % 365
    hour = 8 + line % 10
    if line % 41 == 3:
        hour = 22
    if line % 199 == 5:
        day = 366 + line % 30
    return int((START + datetime.timedelta(days=day, hours=hour, minutes=line % 60)).timestamp())


def ledgers(
    group_file: str, year: int, users: str
) -> list[tuple[Grootboek, JaarrekeningDatum | None]]:
    """Every entity's ledger of ``year``, with its jaarrekening's date."""
    out = []
    for entity in read_group(group_file).entities:
        books = load_books(entity.books_path)
        if books.errors:
            raise SystemExit(f"{entity.books_path}: de boeken hebben fouten")
        if users == "git":
            from vng.auteurs import Auteurs

            auteurs = Auteurs()
            ledger = build_grootboek(books, year, auteurs, auteurs.tijd)
        else:
            ledger = build_grootboek(books, year, synthetic_user, synthetic_time)
        out.append((ledger, jaarrekening_date(books.entries, year)))
        del books
        gc.collect()
    return out


def found(analysis: Analysis) -> dict[str, Any]:
    """What an analysis found, as JSON: to compare two versions of it."""
    b = analysis.benford
    return {
        "population": analysis.population,
        "counts": analysis.counts,
        "flags": {t: list(p) for t, p in analysis.flags.items()},
        "hits": {
            t: [[h.entry, h.account, str(h.amount), h.user, str(h.booked_at), h.reason] for h in hs]
            for t, hs in analysis.hits.items()
        },
        "messages": list(analysis.messages),
        "benford": None
        if b is None
        else [b.count, str(b.chi_square), str(b.mad), b.verdict, list(b.deviating)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groep", required=True)
    parser.add_argument("--jaar", type=int, default=2024)
    parser.add_argument("--rondes", type=int, default=3)
    parser.add_argument("--gebruikers", choices=("git", "synthetisch"), default="synthetisch")
    parser.add_argument("--vlaggen")
    args = parser.parse_args()
    books = ledgers(args.groep, args.jaar, args.gebruikers)
    lines = sum(len(e.lines) for ledger, _ in books for e in ledger.entries)
    walls, cpus = [], []
    result: dict[str, Any] = {}
    for number in range(1, args.rondes + 1):
        wall = cpu = 0.0
        for ledger, closing in books:
            print(f"ronde {number}: {ledger.entity}", file=sys.stderr, flush=True)  # noqa: T201
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            analysis = analyse(ledger, closing)
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            result[ledger.entity] = found(analysis)
            del analysis
        walls.append(wall)
        cpus.append(cpu)
    if args.vlaggen:
        with open(args.vlaggen, "w", encoding="utf-8") as handle:
            json.dump(result, handle, ensure_ascii=False, sort_keys=True)
    print(json.dumps({"regels": lines, "wall": walls, "cpu": cpus}))  # noqa: T201


if __name__ == "__main__":
    main()
