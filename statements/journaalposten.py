"""Journal-entry testing (NV COS 240 / ISA 240.A44 and A.45): which entries of one
entity's year the accountant selects for testing, and why.

A pure builder over the ``Grootboek``: the ledger's objects are read once into
columns, numpy arrays (per posting line of the year its entry, account and amount;
per entry its date, time of booking, user and narration; a text as its number in a
table of the distinct texts, so that equal texts have equal numbers); every test is
a selection over those columns in numpy, with no Python step per line or per entry,
and every line of a selected entry is flagged (a test on an entry flags all its
lines). Only the lines the workbook shows (at most ``HIT_ROWS`` a test) become
``Hit`` objects with their reason, read from the ledger's own objects. numpy and
the standard library only: the build never imports pandas (its import alone would
cost every process that runs the analysis a third of a second and some 40 MB). At
a million lines the analysis takes a fraction of what beancount needs to read the
same books (``make bench``, docs/performance.md). The user and the time of booking
are the ledger's own (``Entry.user``, ``Entry.booked_at``: the author and date of
the git commit of the entry's lines, or its ``geboekt`` date).

The tests (ISA 240.A44: entries "made at unusual times", "by individuals who
typically do not make journal entries", "to seldom-used accounts", "recorded at the
end of the period or as post-closing entries", "with round numbers or consistent
ending numbers", "containing little or no explanation", unusual account
combinations; and A.45's manual entries):

- ``na_jaareinde``: booked after the end of the year; the reason says when it was
  also after the jaarrekening's date in the books (opgemaakt or vastgesteld,
  ``vng_accounts.vaststelling.jaarrekening_date``), and a message counts those lines;
- ``zeldzame_gebruiker``: by a user who books few of the entity's entries;
- ``buiten_werktijd``: dated or booked on a weekend or a Dutch public holiday, or
  booked at night (20:00-07:00);
- ``rond_bedrag``, ``herhaalde_cijfers``: a multiple of € 1.000, or euros ending in
  three equal digits (…999, …111);
- ``zelden_gebruikt``: a line on an account with fewer than three lines in the year;
- ``ongebruikelijk_paar``: a debit account and credit account met together in one
  entry only;
- ``tussenrekening``: a line on the suspense account (and a message when it is not
  nil at the year-end);
- ``tegenboeking``: the exact reverse of an earlier entry, or a narration that says
  so (storno, correctie, terugboeking, …);
- ``dubbel``: the same amount for the same counterparty within seven days;
- ``trefwoord``: a narration with words that ask for a look (privé, diversen,
  contant, …) or none at all;
- ``handmatig_baten``: a memoriaal entry on a revenue account.

Benford's first-digit test per entity: the chi-square statistic, the mean absolute
deviation (MAD) judged by Nigrini's bounds for the first digit, and the digits whose
z-statistic passes 1.96.
"""

from __future__ import annotations

import datetime
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from statements.grootboek import UNKNOWN_USER, Entry, Grootboek, Line
from vng_accounts.vaststelling import JaarrekeningDatum

TESTS = {
    "na_jaareinde": "Geboekt na het einde van het boekjaar",
    "zeldzame_gebruiker": "Geboekt door een gebruiker die zelden boekt",
    "buiten_werktijd": "Weekend, feestdag of nacht",
    "rond_bedrag": "Rond bedrag (veelvoud van 1.000)",
    "herhaalde_cijfers": "Herhaalde eindcijfers",
    "zelden_gebruikt": "Zelden gebruikte rekening",
    "ongebruikelijk_paar": "Ongebruikelijk rekeningpaar",
    "tussenrekening": "Tussenrekening (te verwerken)",
    "tegenboeking": "Tegenboeking of correctie",
    "dubbel": "Mogelijk dubbel geboekt",
    "trefwoord": "Trefwoord of geen omschrijving",
    "handmatig_baten": "Handmatige boeking op baten",
}
# the tests on a whole entry: every line of it is flagged, its sheet lists the entry once
PER_ENTRY = frozenset(
    {
        "na_jaareinde",
        "zeldzame_gebruiker",
        "buiten_werktijd",
        "ongebruikelijk_paar",
        "tegenboeking",
        "dubbel",
        "trefwoord",
        "handmatig_baten",
    }
)
# the tests that read when a line was booked, or who booked it: the books' git history
BOOKING_TIME = frozenset({"na_jaareinde", "buiten_werktijd"})
BOOKING_USER = frozenset({"zeldzame_gebruiker"})
RARE_ACCOUNT = 3  # lines in the year
RARE_USER = Decimal("0.02")  # share of the entity's entries
NIGHT = (20, 7)  # booked from 20:00 to 07:00
DUPLICATE_DAYS = 7
REVERSAL_WORDS = (
    r"\b(?:storno|correctie|corr\.|terugboeking|tegenboeking|herstel|vervalt|annulering)"
)
RISK_WORDS = r"\b(?:priv[eé]|diversen|contant|kasopname|bonus|voorschot|test|handmatig|overig)\b"
# Nigrini's bounds on the MAD of the first digit
MAD_BOUNDS = (
    (Decimal("0.006"), "nauwe overeenstemming"),
    (Decimal("0.012"), "aanvaardbare overeenstemming"),
    (Decimal("0.015"), "marginaal aanvaardbaar"),
)
BENFORD_MINIMUM = 50
HIT_ROWS = 50_000  # the lines per test kept for the workbook; the counts are complete


@dataclass(frozen=True)
class Hit:
    entry: str
    date: datetime.date
    booked_at: datetime.datetime | None
    user: str
    number: str
    account: str
    amount: Decimal
    description: str
    reason: str


@dataclass(frozen=True)
class Benford:
    count: int
    chi_square: Decimal
    mad: Decimal
    verdict: str
    deviating: tuple[int, ...]
    observed: tuple[Decimal, ...]  # share of each first digit 1-9
    expected: tuple[Decimal, ...]


@dataclass(frozen=True)
class Analysis:
    entity: str
    year: int
    population: int  # posting lines
    counts: dict[str, int]  # test -> lines hit
    hits: dict[str, tuple[Hit, ...]]  # test -> the lines hit (at most HIT_ROWS)
    flags: dict[str, tuple[int, ...]]  # test -> positions of the lines hit
    benford: Benford | None
    messages: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=lambda: dict(TESTS))

    def share(self, test: str) -> Decimal | None:
        """The part of the posting lines ``test`` hit (0 to 1), None without lines."""
        if not self.population:
            return None
        return Decimal(self.counts.get(test, 0)) / Decimal(self.population)

    def hits_every_line(self, test: str) -> bool:
        return bool(self.population) and self.counts.get(test, 0) == self.population

    def line_hits(self) -> dict[int, set[str]]:
        """Per line (its position in the ledger's order) the tests it is hit by."""
        result: dict[int, set[str]] = {}
        for test, positions in self.flags.items():
            for position in positions:
                result.setdefault(position, set()).add(test)
        return result


def _codes(values: Iterable[str], index: dict[str, int]) -> npt.NDArray[np.intp]:
    """Per value its number in ``index``, new values numbered on in the order met."""
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.intp)


@dataclass(frozen=True)
class _Columns:
    """The year's entries and posting lines as columns (numpy arrays), beside the
    ledger's objects the workbook's rows are read from. A text column holds the
    number of each text in its table of distinct texts: equal texts, equal numbers."""

    entries: tuple[Entry, ...]  # in the ledger's order
    lines: tuple[Line, ...]  # every posting line of the year, in the ledger's order
    entry: npt.NDArray[np.int64]  # per line: the position of its entry
    sizes: npt.NDArray[np.int64]  # per entry: its number of lines
    starts: npt.NDArray[np.int64]  # per entry: the position of its first line
    account: npt.NDArray[np.intp]  # per line: the code of its account in ``accounts``
    accounts: npt.NDArray[np.object_]  # the accounts met, by code
    numbers: npt.NDArray[np.object_]  # their numbers in the chart of accounts ("" unknown)
    amounts: npt.NDArray[np.object_]  # per line: the amount (Decimal)
    cents: npt.NDArray[np.int64]  # per line: the amount in cents (towards zero)
    date: npt.NDArray[np.datetime64]  # per entry: its date (days)
    booked: npt.NDArray[np.datetime64]  # per entry: when it was booked (NaT unknown)
    manual: npt.NDArray[np.bool_]  # per entry: in the memoriaal
    user: npt.NDArray[np.intp]  # per entry: its user, a code in ``users``
    users: npt.NDArray[np.object_]
    description: npt.NDArray[np.intp]  # per entry: its narration, a code in ``texts``
    relation: npt.NDArray[np.intp]  # per line: its customer or supplier, in ``texts``
    texts: npt.NDArray[np.object_]  # the narrations (the first ``narrations``), relations
    narrations: int  # the distinct narrations: the codes below this number


def _columns(ledger: Grootboek) -> _Columns:
    """The ledger's objects read once into columns: what every test works on."""
    entries = tuple(ledger.entries)
    count = len(entries)
    sizes = np.fromiter((len(e.lines) for e in entries), dtype=np.int64, count=count)
    entry = np.repeat(np.arange(count, dtype=np.int64), sizes)
    lines = tuple(line for e in entries for line in e.lines)
    index: dict[str, int] = {}
    account = _codes((line.account for line in lines), index)
    accounts = np.array(list(index), dtype=object)
    names = {a.account: a.number for a in ledger.accounts}
    numbers = np.array([names.get(a, "") for a in index], dtype=object)
    amounts = np.empty(len(lines), dtype=object)
    amounts[:] = [line.amount for line in lines]
    # int() of each cent amount, in numpy's loop (towards zero, as int(amount * 100))
    cents = (amounts * 100).astype(np.int64) if len(lines) else np.zeros(0, dtype=np.int64)
    users: dict[str, int] = {}
    user = _codes((e.user or UNKNOWN_USER for e in entries), users)
    texts: dict[str, int] = {}
    description = _codes((e.description for e in entries), texts)
    narrations = len(texts)
    relation = _codes((line.cust_sup for line in lines), texts)
    return _Columns(
        entries,
        lines,
        entry,
        sizes,
        np.cumsum(sizes) - sizes,
        account,
        accounts,
        numbers,
        amounts,
        cents,
        np.array([e.date for e in entries], dtype="datetime64[D]"),
        np.array([e.booked_at for e in entries], dtype="datetime64[us]"),
        np.fromiter((e.journal == "M" for e in entries), dtype=bool, count=count),
        user,
        np.array(list(users), dtype=object),
        description,
        relation,
        np.array(list(texts), dtype=object),
        narrations,
    )


def dutch_holidays(year: int) -> set[datetime.date]:
    """The Dutch public holidays of ``year`` (Nieuwjaarsdag, Pasen, Koningsdag,
    Bevrijdingsdag, Hemelvaart, Pinksteren, Kerstmis; Goede Vrijdag is no day off)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    easter = datetime.date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)
    king = datetime.date(year, 4, 27)
    if king.weekday() == 6:
        king = datetime.date(year, 4, 26)
    days = [0, 1, 39, 49, 50]
    return {
        datetime.date(year, 1, 1),
        king,
        datetime.date(year, 5, 5),
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
        *(easter + datetime.timedelta(days=n) for n in days),
    }


def _weekdays(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """Monday 0 to Sunday 6 (1 January 1970 was a Thursday)."""
    return (days.astype(np.int64) + 3) % 7


def _off_days(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.bool_]:
    """True on a Saturday, a Sunday or a public holiday (days; never on NaT)."""
    known = ~np.isnat(days)
    years = np.unique(days[known].astype("datetime64[Y]").astype(np.int64) + 1970)
    holidays = np.array(
        sorted(d for y in years.tolist() for d in dutch_holidays(y)), dtype="datetime64[D]"
    )
    day = np.where(known, days, np.datetime64(0, "D"))
    return known & ((_weekdays(day) >= 5) | np.isin(day, holidays))


# the reason of a test, written for the lines the workbook shows (their positions)
Reason = Callable[[npt.NDArray[np.int64]], list[str]]


def _always(text: str) -> Reason:
    return lambda rows: [text] * len(rows)


def _entries_of(columns: _Columns, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per entry: whether one of its lines is in ``mask`` (a mask over the lines)."""
    hit = np.zeros(len(columns.sizes), dtype=bool)
    hit[columns.entry[mask]] = True
    return hit


def analyse(ledger: Grootboek, closing: JaarrekeningDatum | None = None) -> Analysis:
    """The journal-entry tests of ``ledger``; ``closing`` the date of the year's
    jaarrekening in the books, when they have one."""
    columns = _columns(ledger)
    if not len(columns.lines):
        return Analysis(
            ledger.entity,
            ledger.year,
            0,
            {t: 0 for t in TESTS},
            {t: () for t in TESTS},
            {t: () for t in TESTS},
            None,
        )
    # per entry for the tests on whole entries, per line for the others
    on_entries: dict[str, npt.NDArray[np.bool_]] = {}
    on_lines: dict[str, npt.NDArray[np.bool_]] = {}
    reasons: dict[str, Reason] = {}
    after, closed, reasons["na_jaareinde"] = _after_year_end(columns, ledger.year, closing)
    on_entries["na_jaareinde"] = after
    on_entries["zeldzame_gebruiker"], reasons["zeldzame_gebruiker"] = _rare_users(columns)
    on_entries["buiten_werktijd"], reasons["buiten_werktijd"] = _unusual_times(columns)
    cents = columns.cents
    on_lines["rond_bedrag"] = (cents != 0) & (np.abs(cents) % 100_000 == 0)
    reasons["rond_bedrag"] = _always("veelvoud van 1.000")
    euros = np.abs(cents) // 100
    last3 = euros % 1000
    on_lines["herhaalde_cijfers"] = (
        (euros >= 1000) & (cents % 100 == 0) & (last3 % 111 == 0) & (last3 != 0)
    )
    reasons["herhaalde_cijfers"] = _always("eindcijfers gelijk")
    usage = np.bincount(columns.account, minlength=len(columns.accounts))[columns.account]
    on_lines["zelden_gebruikt"] = usage < RARE_ACCOUNT
    reasons["zelden_gebruikt"] = lambda rows: [
        f"{n} regel(s) in het jaar" for n in usage[rows].tolist()
    ]
    on_entries["ongebruikelijk_paar"], reasons["ongebruikelijk_paar"] = _pairs(columns)
    suspense = set(ledger.suspense)
    on_account = np.array([a in suspense for a in columns.accounts.tolist()], dtype=bool)
    on_lines["tussenrekening"] = on_account[columns.account]
    reasons["tussenrekening"] = _always("op de tussenrekening")
    on_entries["tegenboeking"], reasons["tegenboeking"] = _reversals(columns)
    on_entries["dubbel"] = _duplicates(columns)
    reasons["dubbel"] = _always("zelfde bedrag en tegenpartij binnen 7 dagen")
    on_entries["trefwoord"], reasons["trefwoord"] = _keywords(columns)
    revenue = np.array([a.startswith("Baten:") for a in columns.accounts.tolist()], dtype=bool)
    on_entries["handmatig_baten"] = _entries_of(
        columns, revenue[columns.account] & columns.manual[columns.entry]
    )
    reasons["handmatig_baten"] = _always("memoriaal op baten")
    for test, hit in on_entries.items():  # every line of an entry hit
        on_lines[test] = hit[columns.entry]
    closed_lines = int(columns.sizes[closed].sum())
    return _result(ledger, columns, on_lines, reasons, _after_closing(closing, closed_lines))


def _after_year_end(
    columns: _Columns, year: int, closing: JaarrekeningDatum | None
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], Reason]:
    """Per entry: booked after the year-end, and after the jaarrekening's date."""
    booked = columns.booked
    known = ~np.isnat(booked)
    after = known & (booked >= np.datetime64(datetime.date(year + 1, 1, 1), "us"))
    closed = np.zeros(len(booked), dtype=bool)
    if closing is not None:
        day_after = closing.date + datetime.timedelta(days=1)
        closed = known & (booked >= np.datetime64(day_after, "us"))
    late = f", na de jaarrekening ({closing.kind} {closing.date:%d-%m-%Y})" if closing else ""

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        at = columns.entry[rows].tolist()
        return [
            f"geboekt op {columns.entries[e].booked_at:%d-%m-%Y %H:%M}"
            + (late if closed[e] else "")
            for e in at
        ]

    return after, closed, reason


def _rare_users(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: booked by a user who books few of the entity's entries."""
    booking = columns.sizes > 0
    per_user = np.bincount(columns.user[booking], minlength=len(columns.users))
    threshold = max(RARE_ACCOUNT, float(RARE_USER) * int(booking.sum()))
    rare = (per_user > 0) & (per_user < threshold) & (columns.users != UNKNOWN_USER)

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        user = columns.user[columns.entry[rows]]
        return [
            f"{name}: {count} boekingen"
            for name, count in zip(
                columns.users[user].tolist(), per_user[user].tolist(), strict=True
            )
        ]

    return rare[columns.user], reason


def _after_closing(closing: JaarrekeningDatum | None, lines: int) -> tuple[str, ...]:
    if closing is None:
        return ()
    return (
        f"{lines} regel(s) geboekt na de jaarrekening {closing.year} "
        f"({closing.kind} {closing.date:%d-%m-%Y}, {_where(closing.meta)})",
    )


def _where(meta: dict[str, object]) -> str:
    """file:line as the ledger's sources give it: the file's name within the books."""
    return f"{os.path.basename(str(meta.get('filename', '')))}:{meta.get('lineno', 0)}"


def _unusual_times(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: dated on a day off, booked on a day off, or booked at night."""
    booked = columns.booked
    known = ~np.isnat(booked)
    dated_off = _off_days(columns.date)
    booked_off = _off_days(booked.astype("datetime64[D]"))
    when = np.where(known, booked, np.datetime64(0, "us"))  # NaT: hit by neither
    hour = (when - when.astype("datetime64[D]")) // np.timedelta64(1, "h")
    night = known & ((hour >= NIGHT[0]) | (hour < NIGHT[1]))

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        at = columns.entry[rows]
        text = np.full(len(at), "", dtype=object)
        text[dated_off[at]] = "gedateerd op een weekend- of feestdag"
        text[booked_off[at]] = "geboekt op een weekend- of feestdag"
        text[night[at]] = "'s nachts geboekt"
        found: list[str] = text.tolist()
        return found

    return dated_off | booked_off | night, reason


def _pairs(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: a debit and a credit account together in this entry only (of the
    entries of at most ten lines)."""
    entry, account, cents, sizes = columns.entry, columns.account, columns.cents, columns.sizes
    small = sizes[entry] <= 10
    credit = small & (cents < 0)
    # every debit line with every line of its entry, kept where that one is a credit:
    # the pairs in line order (the debit line's, then the credit line's)
    debit = np.flatnonzero(small & (cents > 0))
    width = sizes[entry[debit]]
    with_line = np.repeat(debit, width)
    offset = np.arange(len(with_line)) - np.repeat(np.cumsum(width) - width, width)
    other = columns.starts[entry[with_line]] + offset
    kept = credit[other]
    debit_account = account[with_line[kept]].astype(np.int64)
    credit_account = account[other[kept]].astype(np.int64)
    pair = debit_account * len(columns.accounts) + credit_account
    at = entry[with_line[kept]]
    # each pair once per entry (its first), then the pairs met in one entry only
    order = np.lexsort((pair, at))
    once = np.sort(order[_new_runs(pair[order], at[order])])
    _, inverse, counts = np.unique(pair[once], return_inverse=True, return_counts=True)
    single = once[counts[inverse] == 1]
    hit = np.zeros(len(sizes), dtype=bool)
    hit[at[single]] = True
    firsts = single[_new_runs(at[single])]  # the entry's first
    shown, shown_debit, shown_credit = at[firsts], debit_account[firsts], credit_account[firsts]
    names = columns.accounts

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        where = np.searchsorted(shown, columns.entry[rows])
        return [
            f"eenmalig paar {names[d]} / {names[c]}"
            for d, c in zip(shown_debit[where].tolist(), shown_credit[where].tolist(), strict=True)
        ]

    return hit, reason


def _new_runs(*columns: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Per row: whether it differs from the row before in one of ``columns`` (the
    first row does)."""
    new = np.zeros(len(columns[0]), dtype=bool)
    new[:1] = True
    for column in columns:
        new[1:] |= column[1:] != column[:-1]
    return new


def _canonical(
    account: npt.NDArray[np.int64], cents: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per row (an entry's lines), its lines as (account, cents) in one order: two
    entries with the same lines give the same row."""
    order = np.lexsort((cents, account), axis=-1)
    return np.concatenate(
        [np.take_along_axis(account, order, -1), np.take_along_axis(cents, order, -1)], axis=1
    )


def _row_ids(rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Per row a number, the same for equal rows only: the rows sorted on every
    column, each one that differs from the one before numbered on."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    ids = np.empty(len(rows), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids


def _reversals(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: the exact reverse of an earlier entry (the same accounts with the
    opposite amounts), or reversed by a later one; or a narration that says it
    corrects. Entries are compared per number of lines, each as its sorted lines."""
    sizes, starts = columns.sizes, columns.starts
    account = columns.account.astype(np.int64)
    exact = np.zeros(len(sizes), dtype=bool)
    for size in np.unique(sizes[sizes > 0]):
        ids = np.flatnonzero(sizes == size)  # ascending: the earliest first
        lines = starts[ids][:, None] + np.arange(size)[None, :]
        own = _canonical(account[lines], columns.cents[lines])
        reverse = _canonical(account[lines], -columns.cents[lines])
        group = _row_ids(np.concatenate([own, reverse]))
        first = np.full(int(group.max()) + 1, -1, dtype=np.int64)
        first[group[: len(ids)][::-1]] = ids[::-1]  # the earliest entry with those lines
        earlier = first[group[len(ids) :]]
        reversing = (earlier >= 0) & (earlier < ids)
        exact[ids[reversing]] = True
        exact[earlier[reversing]] = True
    _, said = _matches(columns, REVERSAL_WORDS)

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        at = columns.entry[rows]
        text = np.full(len(at), "", dtype=object)
        text[said[at]] = "omschrijving: correctie of storno"
        text[exact[at]] = "tegengesteld aan een andere boeking"
        found: list[str] = text.tolist()
        return found

    return exact | said, reason


def _matches(
    columns: _Columns, pattern: str
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Per entry the first match of ``pattern`` (any case) in its narration (None
    without one), and whether there is one. The distinct narrations are searched in
    one pass of the regular expression over them all, joined by line ends (the
    patterns match within a word, never across a line end)."""
    distinct = columns.texts[: columns.narrations].tolist()
    joined = "\n".join(distinct)
    starts = np.cumsum([0] + [len(t) + 1 for t in distinct])
    found = np.full(len(distinct), None, dtype=object)
    matched = np.zeros(len(distinct), dtype=bool)
    for match in re.finditer(pattern, joined, re.IGNORECASE):
        at = int(np.searchsorted(starts, match.start(), side="right")) - 1
        if not matched[at]:  # the first match in its text
            found[at] = match.group(0)
            matched[at] = True
    return found[columns.description], matched[columns.description]


def _duplicates(columns: _Columns) -> npt.NDArray[np.bool_]:
    """Per entry: the same debit total and counterparty as another entry within
    DUPLICATE_DAYS. The counterparty is the entry's customer or supplier (the last
    in alphabetical order when it has several), else its description."""
    entry, cents, sizes = columns.entry, columns.cents, columns.sizes
    positive = cents > 0
    ids = np.flatnonzero(np.bincount(entry[positive], minlength=len(sizes)))
    summed = np.r_[0, np.cumsum(np.where(positive, cents, 0))]
    amount = (summed[columns.starts + sizes] - summed[columns.starts])[ids]
    relation = columns.relation
    known = ~(columns.texts == "")[relation]
    # the relations met, in alphabetical order; per entry the last of its own
    met = np.unique(relation[known])
    alphabetical = np.array(sorted(met.tolist(), key=columns.texts.__getitem__), dtype=np.intp)
    rank = np.zeros(len(columns.texts), dtype=np.intp)
    rank[alphabetical] = np.arange(len(alphabetical))
    last = np.full(len(sizes), -1, dtype=np.intp)
    np.maximum.at(last, entry[known], rank[relation[known]])
    party = columns.description.copy()
    party[last >= 0] = alphabetical[last[last >= 0]]
    hit = np.zeros(len(sizes), dtype=bool)
    if not len(ids):
        return hit
    who = party[ids]
    date = columns.date[ids].astype(np.int64)
    order = np.lexsort((date, who, amount))
    amount, who, date = amount[order], who[order], date[order]
    same = (amount[1:] == amount[:-1]) & (who[1:] == who[:-1])
    close = (date[1:] - date[:-1]) <= DUPLICATE_DAYS
    pair = same & close
    hit[ids[order[np.r_[False, pair] | np.r_[pair, False]]]] = True
    return hit


def _keywords(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: a narration with a word that asks for a look, or none."""
    words, matched = _matches(columns, RISK_WORDS)
    distinct = columns.texts[: columns.narrations].tolist()
    blank = np.array([not t.strip() for t in distinct], dtype=bool)[columns.description]

    def reason(rows: npt.NDArray[np.int64]) -> list[str]:
        found = words[columns.entry[rows]].tolist()
        return ["geen omschrijving" if w is None else f"trefwoord {w}" for w in found]

    return matched | blank, reason


def _result(
    ledger: Grootboek,
    columns: _Columns,
    masks: dict[str, npt.NDArray[np.bool_]],
    reasons: dict[str, Reason],
    messages_before: tuple[str, ...] = (),
) -> Analysis:
    counts: dict[str, int] = {}
    hits: dict[str, tuple[Hit, ...]] = {}
    flags: dict[str, tuple[int, ...]] = {}
    names = {a.account: a.name for a in ledger.accounts}
    population = len(columns.lines)
    for test in TESTS:
        positions = np.flatnonzero(masks[test])
        counts[test] = len(positions)
        flags[test] = tuple(positions.tolist())
        if test in PER_ENTRY and len(positions):  # its first line stands for the entry
            at = columns.entry[positions]
            positions = positions[np.r_[True, at[1:] != at[:-1]]]
        chosen = positions[:HIT_ROWS]
        hits[test] = _hits(columns, chosen, reasons[test](chosen), names) if len(chosen) else ()
    messages = [*messages_before, *_suspense_messages(ledger, columns)]
    for test in ("na_jaareinde", "buiten_werktijd"):
        if counts[test] == population:
            messages.append(
                f"elke regel getroffen door {TESTS[test].lower()}: zie de tijd van boeken"
            )
    if any(counts[t] > HIT_ROWS for t in TESTS):
        messages.append(f"meer dan {HIT_ROWS} treffers in een test: de werkmap toont de eerste")
    return Analysis(
        ledger.entity,
        ledger.year,
        population,
        counts,
        hits,
        flags,
        benford(columns.cents),
        tuple(messages),
    )


def _hits(
    columns: _Columns, chosen: npt.NDArray[np.int64], reasons: list[str], names: dict[str, str]
) -> tuple[Hit, ...]:
    """The lines a test hit, as the workbook shows them (at most HIT_ROWS a test)."""
    entries, lines, numbers = columns.entries, columns.lines, columns.numbers
    return tuple(
        Hit(
            e.number,
            e.date,
            e.booked_at,
            e.user or UNKNOWN_USER,
            numbers[code],
            names.get(line.account, line.account),
            line.amount,
            e.description,
            reason,
        )
        for e, line, code, reason in zip(
            map(entries.__getitem__, columns.entry[chosen].tolist()),
            map(lines.__getitem__, chosen.tolist()),
            columns.account[chosen].tolist(),
            reasons,
            strict=True,
        )
    )


def _suspense_messages(ledger: Grootboek, columns: _Columns) -> list[str]:
    """The suspense accounts not nil at the year-end: the opening and the year's lines."""
    opening = dict(ledger.opening)
    amounts = columns.amounts
    messages = []
    codes = {account: code for code, account in enumerate(columns.accounts.tolist())}
    for account in ledger.suspense:
        on = amounts[columns.account == codes[account]] if account in codes else amounts[:0]
        closing = opening.get(account, Decimal(0)) + sum(on.tolist(), Decimal(0))
        if closing:
            messages.append(
                f"tussenrekening {account} staat op 31-12-{ledger.year} open: {closing}"
            )
    return messages


def benford(cents: npt.NDArray[np.int64] | Sequence[int]) -> Benford | None:
    """Benford's first-digit test on amounts (in cents) of at least € 10."""
    values = np.abs(np.asarray(cents, dtype=np.int64))
    amounts = values[values >= 1000]
    if len(amounts) < BENFORD_MINIMUM:
        return None
    # the first digit, exactly: the amount divided by the power of ten below it
    powers = 10 ** np.arange(19, dtype=np.int64)
    first = amounts // powers[np.searchsorted(powers, amounts, side="right") - 1]
    observed = np.bincount(first, minlength=10)[1:10].astype(float)
    n = float(len(amounts))
    expected = np.array([math.log10(1 + 1 / d) for d in range(1, 10)])
    share = observed / n
    chi = float(((observed - n * expected) ** 2 / (n * expected)).sum())
    mad = float(np.abs(share - expected).mean())
    z = (np.abs(share - expected) - 1 / (2 * n)) / np.sqrt(expected * (1 - expected) / n)
    deviating = tuple(int(d) for d in np.flatnonzero(z > 1.96) + 1)
    mad_d = Decimal(f"{mad:.6f}")
    verdict = next((text for bound, text in MAD_BOUNDS if mad_d <= bound), "geen overeenstemming")
    return Benford(
        int(n),
        Decimal(f"{chi:.4f}"),
        mad_d,
        verdict,
        deviating,
        tuple(Decimal(f"{s:.6f}") for s in share),
        tuple(Decimal(f"{e:.6f}") for e in expected),
    )
