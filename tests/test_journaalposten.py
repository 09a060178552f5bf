"""Journal-entry testing on small ledgers written here: each criterion where it must
hit, and where it must not."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import numpy as np
import pytest
from beancount import loader
from beancount.core import data

from statements.grootboek import Entry, Grootboek, LedgerAccount, Line
from statements.journaalposten import TESTS, analyse, benford, dutch_holidays
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


def test_the_frame_holds_every_line_in_the_ledgers_order() -> None:
    from statements.journaalposten import frame

    ledger = _ledger()
    df = frame(ledger)
    assert len(df) == sum(len(e.lines) for e in ledger.entries)
    assert list(df["number"][:2]) == [ledger.entries[0].number] * 2
    assert df["cents"].sum() == 0  # every entry balances


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
