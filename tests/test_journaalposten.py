"""Journal-entry testing on small ledgers written here: each criterion where it must
hit, and where it must not."""

from __future__ import annotations

import dataclasses
import datetime
import os
import random
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from beancount import loader
from beancount.core import data

from statements.grootboek import Entry, Grootboek, LedgerAccount, Line
from statements.journaalposten import (
    PER_ENTRY,
    REVERSAL_WORDS,
    RISK_WORDS,
    TESTS,
    analyse,
    benford,
    dutch_holidays,
)
from tests.conftest import ROOT
from vng_accounts.books import Books
from vng_accounts.vaststelling import JaarrekeningDatum, check_locks, jaarrekening_date

BANK = "Activa:Liquide:Bank"
KOSTEN = "Lasten:Overig:Kantoor"
OMZET = "Baten:Contributie"
DEBITEUREN = "Activa:Vorderingen:Debiteuren"
SUSPENSE = "Activa:Vorderingen:Overlopend:TeVerwerken"
RARE = "Lasten:Overig:Bijzonder"
ACCOUNTS = (BANK, KOSTEN, OMZET, DEBITEUREN, SUSPENSE, RARE)
D = datetime.date


def _account(name: str, number: int) -> LedgerAccount:
    kind = "P" if name.startswith(("Baten", "Lasten")) else "B"
    return LedgerAccount(name, str(number), name.replace(":", " - "), kind, "", "", "")


def _entry(
    number: int,
    date: datetime.date,
    lines: tuple[tuple[str, str], ...],
    description: str = "Kantoorartikelen",
    user: str = "anna",
    booked: datetime.datetime | None = None,
    journal: str = "B",
) -> Entry:
    return Entry(
        f"B2024-{number:05d}",
        journal,
        date,
        description,
        f"2024.beancount:{number}",
        tuple(Line(a, Decimal(v), description) for a, v in lines),
        (),
        user=user,
        booked_at=booked or datetime.datetime.combine(date, datetime.time(10, 30)),
    )


def _normal(count: int, start: int = 0) -> list[Entry]:
    """Ordinary purchases by anna on working days at working hours."""
    entries = []
    day = D(2024, 2, 5)  # a Monday
    for n in range(count):
        date = day + datetime.timedelta(days=7 * (n % 40))
        amount = f"{123 + 17 * n}.45"
        entries.append(
            _entry(start + n, date, ((KOSTEN, amount), (BANK, "-" + amount)), f"Leverancier {n}")
        )
    return entries


def _ledger(*extra: Entry, base: int = 30) -> Grootboek:
    entries = tuple(_normal(base)) + extra
    return Grootboek(
        "Test B.V.",
        2024,
        tuple(_account(a, 1000 + i) for i, a in enumerate(ACCOUNTS)),
        (),
        entries,
        suspense=(SUSPENSE,),
    )


def _hit(ledger: Grootboek, test: str) -> set[str]:
    analysis = analyse(ledger)
    positions = set(analysis.flags[test])
    lines = [(e.number, n) for e in ledger.entries for n, _ in enumerate(e.lines)]
    return {lines[p][0] for p in positions}


SPECIAL = 99


def _one(**kw: object) -> Entry:
    lines = kw.pop("lines", ((KOSTEN, "250.45"), (BANK, "-250.45")))
    date = kw.pop("date", D(2024, 6, 12))
    return _entry(SPECIAL, date, lines, **kw)  # type: ignore[arg-type]


TARGET = f"B2024-{SPECIAL:05d}"

CASES = [
    # test, an entry that hits, one alike that does not
    (
        "na_jaareinde",
        _one(booked=datetime.datetime(2025, 1, 15, 11, 0)),
        _one(booked=datetime.datetime(2024, 12, 31, 11, 0)),
    ),
    ("zeldzame_gebruiker", _one(user="piet"), _one(user="anna")),
    ("buiten_werktijd", _one(date=D(2024, 6, 15)), _one(date=D(2024, 6, 14))),  # a Saturday
    ("buiten_werktijd", _one(date=D(2024, 12, 26)), _one(date=D(2024, 12, 27))),  # 2e Kerstdag
    (
        "buiten_werktijd",
        _one(booked=datetime.datetime(2024, 6, 12, 23, 15)),
        _one(booked=datetime.datetime(2024, 6, 12, 19, 15)),
    ),
    (
        "rond_bedrag",
        _one(lines=((KOSTEN, "5000.00"), (BANK, "-5000.00"))),
        _one(lines=((KOSTEN, "5000.10"), (BANK, "-5000.10"))),
    ),
    (
        "herhaalde_cijfers",
        _one(lines=((KOSTEN, "4999.00"), (BANK, "-4999.00"))),
        _one(lines=((KOSTEN, "4998.00"), (BANK, "-4998.00"))),
    ),
    (
        "zelden_gebruikt",
        _one(lines=((RARE, "250.45"), (BANK, "-250.45"))),
        _one(lines=((KOSTEN, "250.45"), (BANK, "-250.45"))),
    ),
    (
        "ongebruikelijk_paar",
        _one(lines=((KOSTEN, "250.45"), (DEBITEUREN, "-250.45"))),
        _one(lines=((KOSTEN, "250.45"), (BANK, "-250.45"))),
    ),
    (
        "tussenrekening",
        _one(lines=((SUSPENSE, "250.45"), (BANK, "-250.45"))),
        _one(lines=((KOSTEN, "250.45"), (BANK, "-250.45"))),
    ),
    (
        "tegenboeking",
        _one(lines=((KOSTEN, "-123.45"), (BANK, "123.45"))),  # reverses entry 0
        _one(lines=((KOSTEN, "-123.46"), (BANK, "123.46"))),
    ),
    ("tegenboeking", _one(description="Storno factuur 12"), _one(description="Factuur 12")),
    (
        "dubbel",
        _one(
            date=D(2024, 2, 8),
            lines=((KOSTEN, "123.45"), (BANK, "-123.45")),
            description="Leverancier 0",
        ),
        _one(
            date=D(2024, 2, 20),
            lines=((KOSTEN, "123.45"), (BANK, "-123.45")),
            description="Leverancier 0",
        ),
    ),
    ("trefwoord", _one(description="Diversen kas"), _one(description="Huur juni")),
    ("trefwoord", _one(description=""), _one(description="Huur juni")),
    (
        "handmatig_baten",
        _one(lines=((DEBITEUREN, "250.45"), (OMZET, "-250.45")), journal="M"),
        _one(lines=((DEBITEUREN, "250.45"), (OMZET, "-250.45")), journal="S"),
    ),
]


@pytest.mark.parametrize(("test", "hits", "misses"), CASES)
def test_each_criterion_hits_and_misses(test: str, hits: Entry, misses: Entry) -> None:
    assert TARGET in _hit(_ledger(hits), test)
    assert TARGET not in _hit(_ledger(misses), test)


def test_every_criterion_is_tested() -> None:
    assert {case[0] for case in CASES} == set(TESTS)


def test_an_entry_test_flags_every_line_of_the_entry() -> None:
    entry = _one(
        lines=((KOSTEN, "100.45"), (KOSTEN, "150.00"), (BANK, "-250.45")),
        booked=datetime.datetime(2025, 2, 1, 10, 0),
    )
    ledger = _ledger(entry)
    analysis = analyse(ledger)
    first = sum(len(e.lines) for e in ledger.entries[:-1])
    assert set(analysis.flags["na_jaareinde"]) == {first, first + 1, first + 2}
    assert analysis.counts["na_jaareinde"] == 3
    assert [h.entry for h in analysis.hits["na_jaareinde"]] == [TARGET]  # one row per entry


def test_the_reversed_entry_and_its_reversal_are_both_flagged() -> None:
    ledger = _ledger(_one(lines=((KOSTEN, "-123.45"), (BANK, "123.45"))))
    assert _hit(ledger, "tegenboeking") == {TARGET, "B2024-00000"}


def test_an_account_pair_counts_once_per_entry() -> None:
    """A debit and credit account met in many entries are no unusual pair; met twice
    in one entry, they are met in that entry only."""
    assert _hit(_ledger(), "ongebruikelijk_paar") == set()
    twice = _one(lines=((KOSTEN, "100.45"), (KOSTEN, "150.00"), (DEBITEUREN, "-250.45")))
    assert _hit(_ledger(twice), "ongebruikelijk_paar") == {TARGET}


def test_an_open_suspense_account_is_reported() -> None:
    open_ = analyse(_ledger(_one(lines=((SUSPENSE, "250.45"), (BANK, "-250.45")))))
    assert any("tussenrekening" in m and "250.45" in m for m in open_.messages)
    cleared = analyse(
        _ledger(
            _one(lines=((SUSPENSE, "250.45"), (BANK, "-250.45"))),
            _entry(100, D(2024, 6, 20), ((KOSTEN, "250.45"), (SUSPENSE, "-250.45"))),
        )
    )
    assert not any("tussenrekening" in m for m in cleared.messages)


def test_dutch_public_holidays() -> None:
    holidays = dutch_holidays(2024)
    assert D(2024, 3, 31) in holidays and D(2024, 4, 1) in holidays  # Pasen
    assert D(2024, 5, 9) in holidays  # Hemelvaart
    assert D(2024, 5, 19) in holidays and D(2024, 5, 20) in holidays  # Pinksteren
    assert D(2024, 4, 27) in holidays and D(2024, 5, 5) in holidays
    assert D(2025, 4, 26) in dutch_holidays(2025)  # Koningsdag on a Saturday stays
    assert D(2014, 4, 26) in dutch_holidays(2014)  # 27 April 2014 was a Sunday
    assert D(2024, 3, 29) not in holidays  # Goede Vrijdag is no day off


def _benford_amounts(rng: np.random.Generator, count: int) -> np.ndarray:
    # 10 ** uniform is Benford-distributed in its first digit
    return (10 ** rng.uniform(3, 7, count)).astype(np.int64)


def test_benford_accepts_benford_data_and_finds_a_deviation() -> None:
    rng = np.random.default_rng(2024)
    conforming = benford(list(_benford_amounts(rng, 5000)))
    assert conforming is not None
    assert conforming.mad <= Decimal("0.006") and 7 not in conforming.deviating
    assert conforming.chi_square < Decimal("15.51")  # chi-square, 8 degrees of freedom, 5%
    assert conforming.verdict == "nauwe overeenstemming"
    # 600 extra amounts starting with a 7: digit 7 deviates, the MAD says so
    sevens = list(_benford_amounts(rng, 5000)) + [7_450_00 + n for n in range(600)]
    deviating = benford(sevens)
    assert deviating is not None
    assert 7 in deviating.deviating
    assert deviating.mad > Decimal("0.015") and deviating.chi_square > Decimal("100")
    assert deviating.verdict == "geen overeenstemming"
    assert benford([1234] * 10) is None  # too few amounts to judge


def test_the_columns_hold_every_line_in_the_ledgers_order() -> None:
    from statements.journaalposten import _columns

    ledger = _ledger(_one(description="Leverancier 3", lines=((KOSTEN, "5.00"), (BANK, "-5.00"))))
    columns = _columns(ledger)
    assert len(columns.lines) == len(columns.entry) == sum(len(e.lines) for e in ledger.entries)
    assert columns.entry[:4].tolist() == [0, 0, 1, 1]
    assert columns.accounts[columns.account[:2]].tolist() == [KOSTEN, BANK]
    assert columns.cents[:2].tolist() == [12345, -12345]
    assert columns.cents.sum() == 0  # every entry balances
    # a text by its number: equal narrations, equal numbers
    texts = columns.texts[columns.description].tolist()
    assert texts == [e.description for e in ledger.entries]
    assert columns.description[3] == columns.description[-1] != columns.description[2]


def test_the_results_are_plain_python_values() -> None:
    """What the build keeps in its cache: Python's own ints, texts, dates and Decimals."""
    analysis = analyse(_random_ledger(1), OPGEMAAKT)
    assert {type(v) for v in analysis.counts.values()} == {int}
    assert {type(p) for ps in analysis.flags.values() for p in ps} == {int}
    hits = [h for hs in analysis.hits.values() for h in hs]
    assert {tuple(type(v).__name__ for v in dataclasses.astuple(h)) for h in hits} == {
        ("str", "date", booked, "str", "str", "str", "Decimal", "str", "str")
        for booked in ("datetime", "NoneType")
    }
    assert analysis.benford is not None
    assert type(analysis.benford.count) is int
    assert {type(d) for d in analysis.benford.deviating} <= {int}
    assert {type(s) for s in analysis.benford.observed} == {Decimal}


NO_PANDAS = """
import importlib.abc, os, sys


class Recorder(importlib.abc.MetaPathFinder):
    # every import of pandas, in this process and in the workers it forks
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            with open(os.environ["PANDAS_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {name}\\n")
        return None


sys.meta_path.insert(0, Recorder())
from vng.cli import main

code = main(sys.argv[1:])
print(*sorted(m for m in sys.modules if m.startswith("statements.")))
sys.exit(code)
"""


def test_a_full_build_never_imports_pandas(tmp_path: Path) -> None:
    """``vng jaarverslag`` in a fresh interpreter, without a cache: the journal-entry
    tests run in every entity's worker and the workbook shows them, and neither that
    process nor a worker imports pandas (its import alone costs a third of a second)."""
    log, out = tmp_path / "pandas.log", tmp_path / "uit"
    books = ROOT / "ledger" / "vereniging" / "main.beancount"
    env = dict(os.environ, VNG_CACHE="uit", PANDAS_LOG=str(log), PYTHONDONTWRITEBYTECODE="1")
    command = ["jaarverslag", "--year", "2024", "--books", str(books), "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", NO_PANDAS, *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "statements.journaalposten" in result.stdout.split()
    assert (out / "werkmap-accountant-2024.xlsx").exists()
    assert not log.exists(), log.read_text(encoding="utf-8")


OPGEMAAKT = JaarrekeningDatum(
    2024, D(2025, 4, 30), "opgemaakt", {"filename": "instellingen.beancount", "lineno": 57}
)


def _after(closing: JaarrekeningDatum | None) -> tuple[dict[str, str], tuple[str, ...]]:
    """The reasons of na_jaareinde per entry, and the messages, for two entries booked
    after the year: one before the jaarrekening's date, one after it."""
    before = _entry(70, D(2024, 12, 20), ((KOSTEN, "80.45"), (BANK, "-80.45")))
    after = _entry(71, D(2024, 12, 21), ((KOSTEN, "81.45"), (BANK, "-81.45")))
    before = dataclasses.replace(before, booked_at=datetime.datetime(2025, 4, 30, 16, 0))
    after = dataclasses.replace(after, booked_at=datetime.datetime(2025, 5, 1, 9, 0))
    analysis = analyse(_ledger(before, after), closing)
    reasons = {hit.entry: hit.reason for hit in analysis.hits["na_jaareinde"]}
    return reasons, analysis.messages


def test_booked_after_the_jaarrekening_date() -> None:
    """Both entries are booked after the year; only the one booked after the day the
    jaarrekening was made up says so, and a message counts it with where the date is."""
    reasons, messages = _after(OPGEMAAKT)
    assert reasons == {
        "B2024-00070": "geboekt op 30-04-2025 16:00",
        "B2024-00071": "geboekt op 01-05-2025 09:00, na de jaarrekening (opgemaakt 30-04-2025)",
    }
    assert "2 regel(s) geboekt na de jaarrekening 2024 (opgemaakt 30-04-2025, " in messages[0]
    assert messages[0].endswith("instellingen.beancount:57)")


def test_without_a_jaarrekening_date_only_the_year_end_counts() -> None:
    reasons, messages = _after(None)
    assert reasons == {
        "B2024-00070": "geboekt op 30-04-2025 16:00",
        "B2024-00071": "geboekt op 01-05-2025 09:00",
    }
    assert not any("jaarrekening" in m for m in messages)


DATES = """\
option "name_assets" "Activa"
option "name_liabilities" "Passiva"
option "name_equity" "Vermogen"
option "name_income" "Baten"
option "name_expenses" "Lasten"
plugin "vng_accounts.plugins.vaststelling"

2024-06-30 custom "vng-vastgesteld" 2023 "vastgesteld-2023.txt" "sha256:0"
2025-06-28 custom "vng-vastgesteld" 2024 "vastgesteld-2024.txt" "sha256:0"
{opgemaakt}
"""


def _dates(opgemaakt: str) -> tuple[list[data.Directive], list[str]]:
    entries, _, _ = loader.load_string(DATES.format(opgemaakt=opgemaakt))
    return entries, [
        f"{e.source['lineno']}: {e.message}"
        for e in check_locks(entries)
        if "vng-opgemaakt" in e.message
    ]


def test_the_jaarrekening_date_comes_from_the_books() -> None:
    entries, errors = _dates('2025-04-30 custom "vng-opgemaakt" 2024')
    assert errors == []
    made_up = jaarrekening_date(entries, 2024)
    assert made_up is not None and (made_up.date, made_up.kind) == (D(2025, 4, 30), "opgemaakt")
    assert made_up.meta["lineno"] == 10
    adopted = jaarrekening_date(entries, 2023)  # no opmaak: the vaststelling
    assert adopted is not None and (adopted.date, adopted.kind) == (D(2024, 6, 30), "vastgesteld")
    assert jaarrekening_date(entries, 2022) is None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '2024-12-31 custom "vng-opgemaakt" 2024',
            "10: vng-opgemaakt 2024: de jaarrekening kan niet op 2024-12-31 zijn opgemaakt, "
            "voor het einde van het boekjaar",
        ),
        ('2025-04-30 custom "vng-opgemaakt" "2024"', "10: vng-opgemaakt: verwacht het boekjaar"),
        (
            '2025-04-30 custom "vng-opgemaakt" 2024\n2025-05-02 custom "vng-opgemaakt" 2024',
            "11: vng-opgemaakt 2024: al opgemaakt op 2025-04-30 (<string>:10)",
        ),
    ],
)
def test_a_wrong_jaarrekening_date_is_an_error_at_its_line(text: str, error: str) -> None:
    entries, errors = _dates(text)
    assert errors == [error]


def test_the_embedded_books_date_their_jaarrekening(books: Books) -> None:
    found = jaarrekening_date(books.entries, 2024)
    assert found is not None and (found.date, found.kind) == (D(2025, 4, 30), "opgemaakt")
    assert found.meta["filename"].endswith("instellingen.beancount")


# --- the vectorised tests against their definitions, line by line ---------------------

PARTIES = ("", "", "", "Gemeente Zwolle", "KPN B.V.", "Centric B.V.")
# a party's name as a narration too: the same counterparty, from a relation or a text
TEXTS = ("Huur", "Factuur 12", "Storno huur", "Diversen", "", "  ", "Correctie", "Kas", "KPN B.V.")
POOL = (BANK, KOSTEN, OMZET, DEBITEUREN, SUSPENSE, "Baten:Overig", "Lasten:Huur")
SELDOM = (RARE, "Activa:Vorderingen:Waarborg")
ONCE = "Lasten:Overig:Eenmalig"


def _pick(rng: random.Random) -> str:
    return rng.choice(SELDOM if rng.random() < 0.004 else POOL)


def _random_ledger(seed: int, count: int = 400) -> Grootboek:
    """Entries drawn from small pools (accounts, amounts, parties, texts, users,
    days, hours), with copies and reverses of earlier entries: every test hits
    often, and nearly hits as often."""
    rng = random.Random(seed)
    entries: list[Entry] = []
    for n in range(count):
        pick = rng.random()
        if entries and pick < 0.15:  # a copy within days, or the reverse of one
            earlier = rng.choice(entries)
            sign = rng.choice((1, -1))
            lines = tuple(
                dataclasses.replace(line, amount=sign * line.amount) for line in earlier.lines
            )
            date = earlier.date + datetime.timedelta(days=rng.choice((0, 3, 7, 8, 20)))
            entries.append(
                dataclasses.replace(
                    earlier, number=f"X{n:05d}", date=min(date, D(2024, 12, 31)), lines=lines
                )
            )
            continue
        amount = Decimal(rng.choice((1000, 4999, 250, 12345, 100000, 7)))
        amount += Decimal(rng.choice((0, 0, 45))) / 100
        debit = [_pick(rng) for _ in range(rng.choice((1, 1, 2, 12)))]
        credit = _pick(rng)
        part = amount / len(debit)
        lines = [Line(a, part, "", rng.choice(PARTIES)) for a in debit]
        lines.append(Line(credit, -part * len(debit), "", rng.choice(PARTIES)))
        date = D(2024, 1, 1) + datetime.timedelta(days=rng.randrange(366))
        hour = rng.choice((3, 9, 11, 14, 21))
        booked = datetime.datetime.combine(
            date + datetime.timedelta(days=rng.choice((0, 1, 2, 45))), datetime.time(hour, 5)
        )
        entries.append(
            Entry(
                f"E{n:05d}",
                rng.choice("BMSP"),
                date,
                rng.choice(TEXTS),
                "",
                tuple(lines),
                (),
                user=rng.choice(("anna",) * 60 + ("bram",) * 40 + ("piet", "")),
                booked_at=None if rng.random() < 0.1 else booked,
            )
        )
    entries.append(_entry(count, D(2024, 7, 1), ((ONCE, "1.45"), (BANK, "-1.45"))))
    return Grootboek(
        "Test B.V.",
        2024,
        tuple(_account(a, 1000 + i) for i, a in enumerate((*POOL, *SELDOM, ONCE))),
        (),
        tuple(entries),
        suspense=(SUSPENSE,),
    )


def _cents(line: Line) -> int:
    return int(line.amount * 100)


def _off(day: datetime.date) -> bool:
    return day.weekday() >= 5 or day in dutch_holidays(day.year)


def _defined(ledger: Grootboek, closing: JaarrekeningDatum | None) -> dict[str, dict[int, str]]:
    """Per test the entries (a test on entries) or lines (the others) it hits, with
    the reason: each criterion as its definition reads, one entry at a time."""
    entries = [e for e in ledger.entries if e.lines]
    users = Counter(e.user or "onbekend" for e in entries)
    threshold = max(3, 0.02 * len(entries))
    usage = Counter(line.account for e in entries for line in e.lines)
    pairs = [
        list(
            dict.fromkeys(
                (d.account, c.account)
                for d in e.lines
                if _cents(d) > 0
                for c in e.lines
                if _cents(c) < 0
            )
        )
        if len(e.lines) <= 10
        else []
        for e in entries
    ]
    pair_count = Counter(p for ps in pairs for p in ps)
    own = [tuple(sorted((line.account, _cents(line)) for line in e.lines)) for e in entries]
    first: dict[tuple[tuple[str, int], ...], int] = {}
    for i, signature in enumerate(own):
        first.setdefault(signature, i)
    exact: set[int] = set()
    for i, e in enumerate(entries):
        j = first.get(tuple(sorted((line.account, -_cents(line)) for line in e.lines)))
        if j is not None and j < i:
            exact |= {i, j}
    debit = {
        i: sum(c for c in map(_cents, e.lines) if c > 0)
        for i, e in enumerate(entries)
        if any(_cents(line) > 0 for line in e.lines)
    }
    party = {
        i: max((ln.cust_sup for ln in e.lines if ln.cust_sup), default=e.description)
        for i, e in enumerate(entries)
    }
    year_end = datetime.datetime(ledger.year + 1, 1, 1)
    out: dict[str, dict[int, str]] = {t: {} for t in TESTS}
    position = 0
    for i, e in enumerate(entries):
        user, booked = e.user or "onbekend", e.booked_at
        on_entry: dict[str, str] = {}
        if booked and booked >= year_end:
            on_entry["na_jaareinde"] = f"geboekt op {booked:%d-%m-%Y %H:%M}"
            if closing and booked.date() > closing.date:
                on_entry["na_jaareinde"] += (
                    f", na de jaarrekening ({closing.kind} {closing.date:%d-%m-%Y})"
                )
        if users[user] < threshold and user != "onbekend":
            on_entry["zeldzame_gebruiker"] = f"{user}: {users[user]} boekingen"
        if booked and (booked.hour >= 20 or booked.hour < 7):
            on_entry["buiten_werktijd"] = "'s nachts geboekt"
        elif booked and _off(booked.date()):
            on_entry["buiten_werktijd"] = "geboekt op een weekend- of feestdag"
        elif _off(e.date):
            on_entry["buiten_werktijd"] = "gedateerd op een weekend- of feestdag"
        single = [p for p in pairs[i] if pair_count[p] == 1]
        if single:
            on_entry["ongebruikelijk_paar"] = f"eenmalig paar {single[0][0]} / {single[0][1]}"
        if i in exact:
            on_entry["tegenboeking"] = "tegengesteld aan een andere boeking"
        elif re.search(REVERSAL_WORDS, e.description, re.IGNORECASE):
            on_entry["tegenboeking"] = "omschrijving: correctie of storno"
        if i in debit and any(
            j != i
            and debit.get(j) == debit[i]
            and party[j] == party[i]
            and abs((entries[j].date - e.date).days) <= 7
            for j in debit
        ):
            on_entry["dubbel"] = "zelfde bedrag en tegenpartij binnen 7 dagen"
        word = re.search(RISK_WORDS, e.description, re.IGNORECASE)
        if word:
            on_entry["trefwoord"] = f"trefwoord {word.group(0)}"
        elif not e.description.strip():
            on_entry["trefwoord"] = "geen omschrijving"
        if e.journal == "M" and any(ln.account.startswith("Baten:") for ln in e.lines):
            on_entry["handmatig_baten"] = "memoriaal op baten"
        for test, reason in on_entry.items():
            out[test][position] = reason  # the entry's first line stands for it
        for line in e.lines:
            cents = _cents(line)
            euros = abs(cents) // 100
            if cents and abs(cents) % 100_000 == 0:
                out["rond_bedrag"][position] = "veelvoud van 1.000"
            if euros >= 1000 and cents % 100 == 0 and euros % 1000 % 111 == 0 and euros % 1000:
                out["herhaalde_cijfers"][position] = "eindcijfers gelijk"
            if usage[line.account] < 3:
                out["zelden_gebruikt"][position] = f"{usage[line.account]} regel(s) in het jaar"
            if line.account in ledger.suspense:
                out["tussenrekening"][position] = "op de tussenrekening"
            position += 1
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_criterion_as_defined_line_by_line(seed: int) -> None:
    """The analysis (vectorised over the frame) flags exactly the lines, with exactly
    the reasons, that each criterion's definition gives entry by entry."""
    ledger = _random_ledger(seed)
    analysis = analyse(ledger, OPGEMAAKT)
    defined = _defined(ledger, OPGEMAAKT)
    starts = {}
    position = 0
    for e in ledger.entries:
        starts[position] = len(e.lines)
        position += len(e.lines)
    for test in TESTS:
        expected = defined[test]
        if test in PER_ENTRY:  # every line of the entry
            lines = {p + k for p in expected for k in range(starts[p])}
        else:
            lines = set(expected)
        assert set(analysis.flags[test]) == lines, test
        assert analysis.counts[test] == len(lines)
        assert [h.reason for h in analysis.hits[test]] == [expected[p] for p in sorted(expected)]
        assert expected, test  # the ledger exercises the test


def test_the_summary_sheet_shows_count_and_share_and_a_criterion_that_hits_everything() -> None:
    """Books committed in one go carry that commit's time on every line: the summary
    shows each criterion's lines and share per entity, and says so where it hits all."""
    import io

    from openpyxl import load_workbook

    from statements.render.xlsx import EntityLedgers, render_xlsx

    late = datetime.datetime(2026, 12, 1, 23, 30)  # after the year, at night
    ledger = _ledger(_one(user="piet"))
    ledger = dataclasses.replace(
        ledger, entries=tuple(dataclasses.replace(e, booked_at=late) for e in ledger.entries)
    )
    analysis = analyse(ledger)
    book = load_workbook(io.BytesIO(render_xlsx([EntityLedgers(ledger)], [], [analysis])))
    sheet = book["JET overzicht"]
    assert "git" in sheet["A2"].value and "geboekt" in sheet["A2"].value
    assert [c.value for c in sheet[4]][:4] == ["Criterium", "Test", "Test aandeel", "Let op"]
    assert sheet["B3"].value == analysis.population == 62
    rows = {sheet.cell(row=r, column=1).value: r for r in range(5, 5 + len(TESTS))}
    everything = rows[TESTS["na_jaareinde"]]
    assert sheet.cell(everything, 2).value == 62 and sheet.cell(everything, 3).value == 1
    assert sheet.cell(everything, 3).number_format == "0.0%"
    assert "raakt elke regel van Test" in sheet.cell(everything, 4).value
    assert "commit" in sheet.cell(everything, 4).value
    rare = rows[TESTS["zeldzame_gebruiker"]]  # piet's entry: two lines of 62
    assert sheet.cell(rare, 2).value == 2
    assert abs(sheet.cell(rare, 3).value - 2 / 62) < 1e-12
    assert sheet.cell(rare, 4).value is None
