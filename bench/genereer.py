"""Synthetic group books at scale, for ``make bench``.

    python -m bench.genereer --boekingsregels 100000 --out /tmp/vng-bench/100k

copies the embedded books of the group (``ledger/``) and adds to every entity a file
``synthetisch.beancount`` of ordinary traffic: sales invoices and their receipts,
purchase invoices on one to three expense accounts and their payments, salary runs
with the payroll taxes paid on, and intercompany services between the entities that
hold accounts for each other, settled through the intercompany current accounts.

The same transactions, the books' own included, are written for hledger as well
(``hledger/<entity>.journal``, each posting at its value in the statements).

Every day's traffic of an entity adds to zero on each balance-sheet account and on
its result, so the real books' balance assertions, the equity of every dochter (the
deelnemingen of its parent) and the consolidation checks all still hold; the
statements grow in turnover, not in result. Years the ALV has adopted
(``vng-vastgesteld``) get no synthetic entries. Amounts are whole cents, the same
seed gives the same books.

The number of posting lines (``boekingsregels``) is spread over the entities roughly
as the group's activity is: the Vereniging books most, the dormant company least.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from statements.balances import book_value
from statements.consolidatie import read_group
from vng_accounts.books import Books, load_books

ROOT = Path(__file__).resolve().parent.parent
CENT = Decimal("0.01")

# share of the group's posting lines; entities not named share what is left
SHARES = {
    "vereniging": 0.42,
    "realisatie": 0.16,
    "csc": 0.12,
    "international": 0.10,
    "od": 0.06,
    "risicobeheer": 0.05,
    "diensten": 0.03,
    "cilg": 0.03,
}
# accounts whose movements the statements explain by themselves (depreciation,
# provisions, revaluation, taxes on profit, results of deelnemingen, equity)
_SPECIAL = re.compile(
    r"Afschrijving|Voorziening|Herwaardering|Koersresultaat|Vennootschapsbelasting|Vpb|"
    r"Deelneming|Dotatie|Onttrekking|Omrekening|Bijzonder|VoorgaandeJaren|Financieel|"
    r"Personeel|Begroting"
)
RELATIES = (
    "Gemeente Amersfoort",
    "Gemeente Zwolle",
    "Gemeente Súdwest-Fryslân",
    "Gemeente 's-Hertogenbosch",
    "Gemeente Eijsden-Margraten",
    "Provincie Utrecht",
    "Ministerie van BZK",
    "KPN B.V.",
    "Centric B.V.",
    "PinkRoccade Local Government",
    "Hotel Zuiderduin",
    "Jaarbeurs Utrecht",
)


@dataclass
class Rekeningen:
    """The accounts of one entity that the traffic uses."""

    key: str
    currency: str
    bank: str = ""
    debiteuren: str = ""
    crediteuren: str = ""
    btw: str = ""
    loonheffing: str = ""
    baten: list[str] = field(default_factory=list)
    lasten: list[str] = field(default_factory=list)
    salarissen: str = ""
    sociale_lasten: str = ""
    pensioen: str = ""
    ic_balans: dict[str, str] = field(default_factory=dict)  # other entity -> account
    ic_baten: dict[str, str] = field(default_factory=dict)
    ic_lasten: dict[str, str] = field(default_factory=dict)
    locked: set[int] = field(default_factory=set)


def _accounts(key: str, books: Books) -> Rekeningen:
    opens = [e for e in books.entries if isinstance(e, data.Open)]
    names = {o.account for o in opens}
    leaves = [o for o in opens if not any(n.startswith(o.account + ":") for n in names)]
    currency = books.options.get("operating_currency", ["EUR"])[0]
    r = Rekeningen(key, currency)
    r.locked = {
        int(e.values[0].value)
        for e in books.entries
        if isinstance(e, data.Custom) and e.type == "vng-vastgesteld"
    }

    def first(pattern: str, exclude: str = "^$") -> str:
        for o in leaves:
            if re.search(pattern, o.account) and not re.search(exclude, o.account):
                return o.account
        return ""

    r.bank = first(r"^Activa:LiquideMiddelen:Bank", "Spaar|Effecten|Deposito")
    r.debiteuren = first(r"^Activa:Vorderingen:.*[Dd]ebiteuren", "Dubieuze|Voorziening")
    r.crediteuren = first(r"^Passiva:Kortlopend:.*[Cc]rediteuren")
    r.btw = first(r"^Passiva:Kortlopend:Belastingen:Omzetbelasting$") or first(
        r"^Passiva:Kortlopend:Belastingen$"
    )
    r.loonheffing = first(r"^Passiva:Kortlopend:Belastingen:Loonheffing$") or r.btw
    r.salarissen = first(r"^Lasten:Personeel:Salarissen$")
    r.sociale_lasten = first(r"^Lasten:Personeel:SocialeLasten$")
    r.pensioen = first(r"^Lasten:Personeel:Pensioen")
    for o in leaves:
        ic = o.meta.get("intercompany")
        root = o.account.split(":", 1)[0]
        if ic:
            target = {"Baten": r.ic_baten, "Lasten": r.ic_lasten}.get(root, r.ic_balans)
            if root in ("Activa", "Passiva"):
                # a receivable and a payable on the same entity: settle through either
                target = r.ic_balans
            target.setdefault(str(ic), o.account)
        elif root == "Baten" and not _SPECIAL.search(o.account):
            r.baten.append(o.account)
        elif root == "Lasten" and not _SPECIAL.search(o.account):
            r.lasten.append(o.account)
    return r


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) * CENT).quantize(CENT)


class Schrijver:
    """Writes the transactions of one entity and counts their posting lines."""

    def __init__(self, r: Rekeningen) -> None:
        self.r = r
        self.parts: list[str] = []
        self.journal: list[str] = []  # the same transactions for hledger
        self.lines = 0
        self.number = 0

    def tx(
        self, day: datetime.date, payee: str, narration: str, postings: list[tuple[str, Decimal]]
    ) -> None:
        assert sum(amount for _, amount in postings) == 0, postings
        self.number += 1
        text = [f'{day} * "{payee}" "{narration}"', f'  referentie: "SYN-{self.number:07d}"']
        for account, amount in postings:
            text.append(f"  {account:<58} {amount:>14} {self.r.currency}")
        self.parts.append("\n".join(text) + "\n")
        self.journal.append(_journal_text(day, payee, narration, postings, self.r.currency))
        self.lines += len(postings)

    def handel(self, rng: random.Random, day: datetime.date) -> None:
        """A sale and a purchase of the same amount, both paid the same day."""
        r = self.r
        net = _amount(rng, 100, 40000)
        vat = (net * Decimal("0.21")).quantize(CENT)
        if not r.btw:
            vat = Decimal("0.00")  # an entity exempt from BTW
        who, nr = rng.choice(RELATIES), f"{day.year}-{self.number + 1:06d}"
        revenue = rng.choice(r.baten)
        vat_line = [(r.btw, -vat)] if r.btw else []
        self.tx(day, who, f"Factuur {nr}", [(r.debiteuren, net + vat), (revenue, -net)] + vat_line)
        self.tx(
            day, who, f"Ontvangst factuur {nr}", [(r.bank, net + vat), (r.debiteuren, -net - vat)]
        )
        supplier = rng.choice(RELATIES)
        accounts = rng.sample(r.lasten, min(len(r.lasten), rng.randint(1, 3)))
        split = [(net / len(accounts)).quantize(CENT) for _ in accounts]
        split[0] += net - sum(split)
        self.tx(
            day,
            supplier,
            f"Inkoopfactuur {supplier} {nr}",
            [(a, s) for a, s in zip(accounts, split, strict=True)]
            + [(line[0], -line[1]) for line in vat_line]
            + [(r.crediteuren, -net - vat)],
        )
        self.tx(day, supplier, f"Betaling {nr}", [(r.crediteuren, net + vat), (r.bank, -net - vat)])

    def salaris(self, rng: random.Random, day: datetime.date) -> None:
        """A project contribution received and a salary run of the same cost."""
        r = self.r
        cost = _amount(rng, 2000, 60000)
        social = (cost * Decimal("0.15")).quantize(CENT)
        pension = (cost * Decimal("0.10")).quantize(CENT)
        salary = cost - social - pension
        tax = (salary * Decimal("0.37")).quantize(CENT) + social if r.loonheffing else CENT * 0
        self.tx(
            day,
            rng.choice(RELATIES),
            "Bijdrage project",
            [(r.bank, cost), (rng.choice(r.baten), -cost)],
        )
        self.tx(
            day,
            "Salarisadministratie",
            f"Salarisjournaal {day:%B %Y}",
            [
                (r.salarissen, salary),
                (r.sociale_lasten, social),
                (r.pensioen, pension),
                *([(r.loonheffing, -tax)] if tax else []),
                (r.bank, -(cost - tax)),
            ],
        )
        if tax:
            self.tx(
                day,
                "Belastingdienst",
                "Afdracht loonheffing",
                [(r.loonheffing, tax), (r.bank, -tax)],
            )

    def kas(self, rng: random.Random, day: datetime.date) -> None:
        """A receipt and a payment of the same amount, straight through the bank."""
        r = self.r
        amount = _amount(rng, 50, 20000)
        self.tx(
            day,
            rng.choice(RELATIES),
            "Ontvangst",
            [(r.bank, amount), (rng.choice(r.baten), -amount)],
        )
        self.tx(
            day,
            rng.choice(RELATIES),
            "Betaling",
            [(rng.choice(r.lasten), amount), (r.bank, -amount)],
        )


def _intercompany(
    a: Schrijver, b: Schrijver, rng: random.Random, day: datetime.date, names: dict[str, str]
) -> None:
    """A lends B cash on the current account; B pays it back the same day."""
    ra, rb = a.r, b.r
    amount = _amount(rng, 1000, 250000)
    what = f"Rekening-courant {names[ra.key]} - {names[rb.key]}"
    a.tx(day, names[rb.key], what, [(ra.ic_balans[rb.key], amount), (ra.bank, -amount)])
    b.tx(day, names[ra.key], what, [(rb.bank, amount), (rb.ic_balans[ra.key], -amount)])
    a.tx(
        day,
        names[rb.key],
        f"Aflossing {what}",
        [(ra.bank, amount), (ra.ic_balans[rb.key], -amount)],
    )
    b.tx(
        day,
        names[ra.key],
        f"Aflossing {what}",
        [(rb.ic_balans[ra.key], amount), (rb.bank, -amount)],
    )


def _journal_text(
    day: datetime.date,
    payee: str,
    narration: str,
    postings: list[tuple[str, Decimal]],
    currency: str,
) -> str:
    lines = [f"{day} {payee} | {narration}"]
    lines += [f"    {account}  {amount} {currency}" for account, amount in postings]
    return "\n".join(lines) + "\n"


def _journal_of_books(books: Books, currency: str) -> list[str]:
    """The books' own transactions as an hledger journal: each posting at the value the
    statements give it (securities at cost), in the entity's currency."""
    out = []
    for entry in books.entries:
        if not isinstance(entry, data.Transaction):
            continue
        postings = [
            (
                p.account,
                Decimal(p.units.number) if p.units.currency == currency else book_value(entry, p),
            )
            for p in entry.postings
        ]
        text = " ".join(x for x in (entry.payee, entry.narration) if x).replace("|", "/")
        out.append(_journal_text(entry.date, text or "-", "", postings, currency))
    return out


def _days(year: int) -> list[datetime.date]:
    day, days = datetime.date(year, 1, 2), []
    while day.year == year and day < datetime.date(year, 12, 31):
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def genereer(
    target_lines: int, out: Path, years: tuple[int, ...] = (2023, 2024), seed: int = 1
) -> int:
    """Write the books to ``out/ledger``; returns the number of posting lines of the whole group."""
    rng = random.Random(seed)
    if (out / "ledger").exists():
        shutil.rmtree(out / "ledger")
    shutil.copytree(ROOT / "ledger", out / "ledger", ignore=shutil.ignore_patterns("*.lock"))
    group_file = out / "ledger" / "groep" / "groep.beancount"
    group = read_group(str(group_file))
    names = {e.key: e.name for e in group.entities}
    writers: dict[str, Schrijver] = {}
    existing = 0
    for entity in group.entities:
        books = load_books(entity.books_path)
        if books.errors:
            raise SystemExit(f"{entity.books_path}: de boeken hebben fouten: {books.errors[0]}")
        writers[entity.key] = Schrijver(_accounts(entity.key, books))
        writers[entity.key].journal = _journal_of_books(books, writers[entity.key].r.currency)
        existing += sum(len(e.postings) for e in books.entries if isinstance(e, data.Transaction))
    active = [k for k, w in writers.items() if w.r.bank and w.r.baten and w.r.lasten]
    weight = {k: SHARES.get(k, 0.01) for k in active}
    goal_lines = max(0, target_lines - existing)
    quota = {k: int(goal_lines * weight[k] / sum(weight.values())) for k in active}
    ic_quota = {k: q // 10 for k, q in quota.items()}  # a tenth of the lines intercompany
    quota = {k: q - ic_quota[k] for k, q in quota.items()}
    pairs = [
        (a, b)
        for a in writers.values()
        for b in writers.values()
        if a is not b
        and a.r.currency == b.r.currency
        and b.r.key in a.r.ic_balans
        and a.r.key in b.r.ic_balans
        and a.r.bank
        and b.r.bank
    ]
    for year in years:
        days = _days(year)
        share = 1 / len(years)
        for a, b in pairs:
            if year in a.r.locked or year in b.r.locked:
                continue
            if a.r.key not in ic_quota or b.r.key not in ic_quota:
                continue
            partners = sum(1 for x, _ in pairs if x is a)
            for _ in range(int(ic_quota[a.r.key] * share / partners / 4)):
                _intercompany(a, b, rng, rng.choice(days), names)
        for key in active:
            w = writers[key]
            r = w.r
            if year in r.locked:
                continue
            trade = r.debiteuren and r.crediteuren
            payroll = r.salarissen and r.sociale_lasten and r.pensioen
            goal = (quota[key] + ic_quota[key]) * share * (years.index(year) + 1)
            while w.lines < goal:
                day, pick = rng.choice(days), rng.random()
                if payroll and pick < 0.25:
                    w.salaris(rng, day)
                elif trade and pick < 0.9:
                    w.handel(rng, day)
                else:
                    w.kas(rng, day)
    total = 0
    journals = out / "hledger"
    journals.mkdir(exist_ok=True)
    for entity in group.entities:
        w = writers[entity.key]
        (journals / f"{entity.key}.journal").write_text("\n".join(w.journal), encoding="utf-8")
        if not w.parts:
            continue
        folder = Path(entity.books_path).parent
        header = (
            f"; Synthetisch verkeer van {entity.name} voor de metingen (bench/genereer.py).\n"
            f'option "name_assets" "Activa"\noption "name_liabilities" "Passiva"\n'
            f'option "name_equity" "Vermogen"\noption "name_income" "Baten"\n'
            f'option "name_expenses" "Lasten"\n\n'
        )
        (folder / "synthetisch.beancount").write_text(header + "\n".join(w.parts), encoding="utf-8")
        main = Path(entity.books_path)
        main.write_text(
            main.read_text(encoding="utf-8") + '\ninclude "synthetisch.beancount"\n',
            encoding="utf-8",
        )
        total += w.lines
    return existing + total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boekingsregels", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lines = genereer(args.boekingsregels, args.out, seed=args.seed)
    print(f"{args.out}/ledger: {lines} boekingsregels in totaal")  # noqa: T201


if __name__ == "__main__":
    main()
