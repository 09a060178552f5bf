"""Journal-entry testing (NV COS 240 / ISA 240.A44 and A.45): which entries of one
entity's year the accountant selects for testing, and why.

A pure builder over the ``Grootboek``: the ledger's objects are read once into
columns (a pandas frame of every posting line of the year, one of its entries, numpy
arrays of the account and amount of each line); every test is a selection over those
columns in numpy and pandas, with no Python step per line or per entry, and every
line of a selected entry is flagged (a test on an entry flags all its lines). Only
the lines the workbook shows (at most ``HIT_ROWS`` a test) become ``Hit`` objects
with their reason. At a million lines the analysis takes a fraction of what
beancount needs to read the same books (``make bench``, docs/performance.md). The
user and the time of booking are the ledger's own (``Entry.user``,
``Entry.booked_at``: the author and date of the git commit of the entry's lines, or
its ``geboekt`` date).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd

from statements.grootboek import UNKNOWN_USER, Grootboek
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


def _objects(values: object) -> pd.Series:
    """A column of Python objects (texts, Decimals) as they are: pandas' own string
    type would check and wrap every value, and its string operations are slower."""
    return pd.Series(values, dtype=object)


@dataclass(frozen=True)
class _Columns:
    """The year's entries and posting lines as columns (numpy arrays and pandas frames)."""

    lines: pd.DataFrame  # one row per posting line, in the ledger's order
    entries: pd.DataFrame  # one row per entry, in the ledger's order
    entry: npt.NDArray[np.int64]  # per line: the position of its entry
    sizes: npt.NDArray[np.int64]  # per entry: its number of lines
    account: npt.NDArray[np.intp]  # per line: the code of its account in ``accounts``
    accounts: npt.NDArray[np.object_]  # the accounts met, by code
    cents: npt.NDArray[np.int64]  # per line: the amount in cents (towards zero)


def _columns(ledger: Grootboek) -> _Columns:
    """The ledger's objects read once into columns: what every test works on."""
    entries = ledger.entries
    sizes = np.fromiter((len(e.lines) for e in entries), dtype=np.int64, count=len(entries))
    entry = np.repeat(np.arange(len(entries), dtype=np.int64), sizes)
    per_entry = pd.DataFrame(
        {
            "number": _objects([e.number for e in entries]),
            "journal": _objects([e.journal for e in entries]),
            "date": np.array([e.date for e in entries], dtype="datetime64[us]"),
            "booked_at": np.array([e.booked_at for e in entries], dtype="datetime64[us]"),
            "user": _objects([e.user or UNKNOWN_USER for e in entries]),
            "description": _objects([e.description for e in entries]),
        }
    )
    lines = [line for e in entries for line in e.lines]
    code, accounts = pd.factorize(np.array([line.account for line in lines], dtype=object))
    accounts = np.asarray(accounts, dtype=object)
    names = {a.account: a.number for a in ledger.accounts}
    numbers = np.array([names.get(a, "") for a in accounts], dtype=object)
    amounts = np.empty(len(lines), dtype=object)
    amounts[:] = [line.amount for line in lines]
    # int() of each cent amount, in numpy's loop (towards zero, as int(amount * 100))
    cents = (amounts * 100).astype(np.int64) if len(lines) else np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "entry": entry,
            **{
                column: _objects(per_entry[column].to_numpy()[entry])
                for column in ("number", "journal")
            },
            "date": per_entry["date"].to_numpy()[entry],
            "booked_at": per_entry["booked_at"].to_numpy()[entry],
            "user": _objects(per_entry["user"].to_numpy()[entry]),
            "account": _objects(accounts[code]),
            "account_number": _objects(numbers[code]),
            "amount": _objects(amounts),
            "description": _objects(per_entry["description"].to_numpy()[entry]),
            "relation": _objects([line.cust_sup for line in lines]),
            "cents": cents,
        }
    )
    return _Columns(frame, per_entry, entry, sizes, code.astype(np.intp), accounts, cents)


def frame(ledger: Grootboek) -> pd.DataFrame:
    """One row per posting line of the year, in the ledger's order."""
    return _columns(ledger).lines


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


def _off_days(dates: pd.Series) -> pd.Series:
    """True on a Saturday, a Sunday or a public holiday."""
    years = {int(y) for y in dates.dt.year.dropna().unique()}
    holidays = pd.to_datetime(sorted(d for y in years for d in dutch_holidays(y)))
    off: pd.Series = (dates.dt.weekday >= 5) | dates.dt.normalize().isin(holidays)
    return off


# the reason of a test, written for the lines the workbook shows (a frame of lines)
Reason = Callable[[pd.DataFrame], pd.Series]


def _always(text: str) -> Reason:
    return lambda rows: pd.Series(text, index=rows.index, dtype=object)


def _entries_of(columns: _Columns, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per entry: whether one of its lines is in ``mask`` (a mask over the lines)."""
    hit = np.zeros(len(columns.sizes), dtype=bool)
    hit[columns.entry[mask]] = True
    return hit


def analyse(ledger: Grootboek, closing: JaarrekeningDatum | None = None) -> Analysis:
    """The journal-entry tests of ``ledger``; ``closing`` the date of the year's
    jaarrekening in the books, when they have one."""
    columns = _columns(ledger)
    if columns.lines.empty:
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
    times, reasons["buiten_werktijd"] = _unusual_times(columns.entries)
    on_entries["buiten_werktijd"] = times.to_numpy()
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
    reasons["zelden_gebruikt"] = lambda rows: _objects(
        [f"{n} regel(s) in het jaar" for n in usage[rows.index.to_numpy()]]
    ).set_axis(rows.index)
    on_entries["ongebruikelijk_paar"], reasons["ongebruikelijk_paar"] = _pairs(columns)
    suspense = np.isin(columns.accounts, np.array(ledger.suspense, dtype=object))
    on_lines["tussenrekening"] = suspense[columns.account]
    reasons["tussenrekening"] = _always("op de tussenrekening")
    on_entries["tegenboeking"], reasons["tegenboeking"] = _reversals(columns)
    on_entries["dubbel"] = _duplicates(columns)
    reasons["dubbel"] = _always("zelfde bedrag en tegenpartij binnen 7 dagen")
    on_entries["trefwoord"], reasons["trefwoord"] = _keywords(columns)
    revenue = np.array([str(a).startswith("Baten:") for a in columns.accounts], dtype=bool)
    manual = columns.entries["journal"].to_numpy() == "M"
    on_entries["handmatig_baten"] = _entries_of(
        columns, revenue[columns.account] & manual[columns.entry]
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
    year_end = pd.Timestamp(datetime.date(year, 12, 31)) + pd.Timedelta(days=1)
    booked = columns.entries["booked_at"]
    after = (booked.notna() & (booked >= year_end)).to_numpy()
    closed = np.zeros(len(booked), dtype=bool)
    if closing is not None:
        closed = (
            booked.notna() & (booked >= pd.Timestamp(closing.date) + pd.Timedelta(days=1))
        ).to_numpy()

    def reason(rows: pd.DataFrame) -> pd.Series:
        text: pd.Series = "geboekt op " + rows["booked_at"].dt.strftime("%d-%m-%Y %H:%M")
        if closing is None:
            return text
        late = closed[rows["entry"].to_numpy()]
        return text.where(
            ~late, text + f", na de jaarrekening ({closing.kind} {closing.date:%d-%m-%Y})"
        )

    return after, closed, reason


def _rare_users(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: booked by a user who books few of the entity's entries."""
    users = columns.entries["user"]
    per_user = users[columns.sizes > 0].value_counts()
    threshold = max(RARE_ACCOUNT, float(RARE_USER) * int((columns.sizes > 0).sum()))
    rare = per_user[(per_user < threshold) & (per_user.index != UNKNOWN_USER)]

    def reason(rows: pd.DataFrame) -> pd.Series:
        counts = rows["user"].map(per_user)
        return _objects(
            [f"{user}: {count} boekingen" for user, count in zip(rows["user"], counts, strict=True)]
        ).set_axis(rows.index)

    return users.isin(rare.index).to_numpy(), reason


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


def _times(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Dated on a day off, booked on a day off, booked at night."""
    dated_off = _off_days(frame["date"])
    booked = frame["booked_at"]
    booked_off = booked.notna() & _off_days(booked)
    hour = booked.dt.hour
    night = booked.notna() & ((hour >= NIGHT[0]) | (hour < NIGHT[1]))
    return dated_off, booked_off, night


def _unusual_times(entries: pd.DataFrame) -> tuple[pd.Series, Reason]:
    dated_off, booked_off, night = _times(entries)

    def reason(rows: pd.DataFrame) -> pd.Series:
        dated_off, booked_off, night = _times(rows)
        text = pd.Series("", index=rows.index, dtype=object)
        text = text.where(~dated_off, "gedateerd op een weekend- of feestdag")
        text = text.where(~booked_off, "geboekt op een weekend- of feestdag")
        return text.where(~night, "'s nachts geboekt")

    return dated_off | booked_off | night, reason


def _pairs(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: a debit and a credit account together in this entry only (of the
    entries of at most ten lines)."""
    entry, account, cents = columns.entry, columns.account, columns.cents
    small = columns.sizes[entry] <= 10
    debit = small & (cents > 0)
    credit = small & (cents < 0)
    pairs = (
        pd.DataFrame({"entry": entry[debit], "account": account[debit]})
        .merge(
            pd.DataFrame({"entry": entry[credit], "account": account[credit]}),
            on="entry",
            suffixes=("_d", "_c"),
        )
        .drop_duplicates()
    )
    counts = pairs.groupby(["account_d", "account_c"])["entry"].transform("size")
    single = pairs[counts == 1]
    hit = np.zeros(len(columns.sizes), dtype=bool)
    hit[single["entry"].to_numpy()] = True
    first = single.drop_duplicates("entry")  # the entry's first pair, in line order
    names = columns.accounts
    text = pd.Series(
        names[first["account_d"].to_numpy()] + " / " + names[first["account_c"].to_numpy()],
        index=first["entry"].to_numpy(),
        dtype=object,
    )

    def reason(rows: pd.DataFrame) -> pd.Series:
        found = [f"eenmalig paar {text.get(e, '')}" for e in rows["entry"]]
        return _objects(found).set_axis(rows.index)

    return hit, reason


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
    """Per row a number, the same for equal rows only: the columns folded in one at
    a time, each pair (rows so far, next column) numbered exactly."""
    ids = np.zeros(len(rows), dtype=np.int64)
    for column in rows.T:
        code, distinct = pd.factorize(column)
        ids, _ = pd.factorize(ids * len(distinct) + code)  # < rows², no overflow
    return ids


def _reversals(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: the exact reverse of an earlier entry (the same accounts with the
    opposite amounts), or reversed by a later one; or a narration that says it
    corrects. Entries are compared per number of lines, each as its sorted lines."""
    sizes = columns.sizes
    starts = np.cumsum(sizes) - sizes
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
    said = _matches(columns.entries["description"], REVERSAL_WORDS).notna().to_numpy()

    def reason(rows: pd.DataFrame) -> pd.Series:
        at = rows["entry"].to_numpy()
        text = pd.Series("", index=rows.index, dtype=object)
        text = text.where(~said[at], "omschrijving: correctie of storno")
        return text.where(~exact[at], "tegengesteld aan een andere boeking")

    return exact | said, reason


def _matches(texts: pd.Series, pattern: str) -> pd.Series:
    """Per text the first match of ``pattern`` (any case), or NaN. The distinct texts
    are searched in one pass of the regular expression over them all, joined by line
    ends (the patterns match within a word, never across a line end)."""
    code, distinct = pd.factorize(texts)
    joined = "\n".join(distinct)
    starts = np.cumsum([0] + [len(t) + 1 for t in distinct])
    found = np.full(len(distinct), np.nan, dtype=object)
    for match in re.finditer(pattern, joined, re.IGNORECASE):
        at = int(np.searchsorted(starts, match.start(), side="right")) - 1
        if found[at] is np.nan:  # the first match in its text
            found[at] = match.group(0)
    return pd.Series(found[code], index=texts.index, dtype=object)


def _duplicates(columns: _Columns) -> npt.NDArray[np.bool_]:
    """Per entry: the same debit total and counterparty as another entry within
    DUPLICATE_DAYS. The counterparty is the entry's customer or supplier (the last
    in alphabetical order when it has several), else its description."""
    entry, cents = columns.entry, columns.cents
    positive = cents > 0
    debit = pd.Series(cents[positive]).groupby(entry[positive]).sum()
    ids = debit.index.to_numpy()
    relation = columns.lines["relation"].to_numpy()
    known = relation != ""
    code, names = pd.factorize(relation[known], sort=True)
    last = pd.Series(code).groupby(entry[known]).max()
    party = columns.entries["description"].to_numpy(dtype=object).copy()
    party[last.index.to_numpy()] = np.asarray(names, dtype=object)[last.to_numpy()]
    who, _ = pd.factorize(party[ids])
    date = columns.entries["date"].to_numpy()[ids]
    amount = debit.to_numpy()
    order = np.lexsort((date.view(np.int64), who, amount))
    amount, who, date = amount[order], who[order], date[order]
    same = (amount[1:] == amount[:-1]) & (who[1:] == who[:-1])
    close = (date[1:] - date[:-1]) <= np.timedelta64(DUPLICATE_DAYS, "D")
    pair = same & close
    hit = np.zeros(len(columns.sizes), dtype=bool)
    hit[ids[order[np.r_[False, pair] | np.r_[pair, False]]]] = True
    return hit


def _keywords(columns: _Columns) -> tuple[npt.NDArray[np.bool_], Reason]:
    """Per entry: a narration with a word that asks for a look, or none."""
    descriptions = columns.entries["description"]
    words = _matches(descriptions, RISK_WORDS)
    code, distinct = pd.factorize(descriptions)
    blank = (_objects(distinct).str.strip() == "").to_numpy()[code]

    def reason(rows: pd.DataFrame) -> pd.Series:
        found = words.iloc[rows["entry"].to_numpy()].set_axis(rows.index)
        return ("trefwoord " + found.fillna("")).where(found.notna(), "geen omschrijving")

    return words.notna().to_numpy() | blank, reason


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
    df = columns.lines
    for test in TESTS:
        positions = np.flatnonzero(masks[test])
        counts[test] = len(positions)
        flags[test] = tuple(positions.tolist())
        if test in PER_ENTRY and len(positions):  # its first line stands for the entry
            at = columns.entry[positions]
            positions = positions[np.r_[True, at[1:] != at[:-1]]]
        chosen = df.iloc[positions[:HIT_ROWS]]
        if chosen.empty:
            hits[test] = ()
            continue
        hits[test] = tuple(_hits(chosen, reasons[test](chosen).fillna(""), names))
    messages = [*messages_before, *_suspense_messages(ledger, columns)]
    for test in ("na_jaareinde", "buiten_werktijd"):
        if len(df) and counts[test] == len(df):
            messages.append(
                f"elke regel getroffen door {TESTS[test].lower()}: zie de tijd van boeken"
            )
    if any(counts[t] > HIT_ROWS for t in TESTS):
        messages.append(f"meer dan {HIT_ROWS} treffers in een test: de werkmap toont de eerste")
    return Analysis(
        ledger.entity,
        ledger.year,
        len(df),
        counts,
        hits,
        flags,
        benford(columns.cents),
        tuple(messages),
    )


def _hits(chosen: pd.DataFrame, reason: pd.Series, names: dict[str, str]) -> list[Hit]:
    """The lines a test hit, as the workbook shows them (at most HIT_ROWS a test)."""
    booked = [None if pd.isna(b) else b for b in chosen["booked_at"].dt.to_pydatetime()]
    return list(
        map(
            Hit,
            chosen["number"].tolist(),
            chosen["date"].dt.date.tolist(),
            booked,
            chosen["user"].tolist(),
            chosen["account_number"].tolist(),
            [names.get(a, a) for a in chosen["account"].tolist()],
            chosen["amount"].tolist(),
            chosen["description"].tolist(),
            [str(r) for r in reason.tolist()],
        )
    )


def _suspense_messages(ledger: Grootboek, columns: _Columns) -> list[str]:
    """The suspense accounts not nil at the year-end: the opening and the year's lines."""
    opening = dict(ledger.opening)
    amounts = columns.lines["amount"].to_numpy()
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


def benford(cents: pd.Series | npt.NDArray[np.int64] | Sequence[int]) -> Benford | None:
    """Benford's first-digit test on amounts (in cents) of at least € 10."""
    values = pd.Series(cents, dtype="int64").abs()
    values = values[values >= 1000]
    if len(values) < BENFORD_MINIMUM:
        return None
    amounts = values.to_numpy(dtype=np.int64)
    # the first digit, exactly: the amount divided by the power of ten below it
    powers = 10 ** np.arange(19, dtype=np.int64)
    first = amounts // powers[np.searchsorted(powers, amounts, side="right") - 1]
    observed = np.bincount(first, minlength=10)[1:10].astype(float)
    n = float(len(values))
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
