"""Journal-entry testing (NV COS 240 / ISA 240.A44 and A.45): which entries of one
entity's year the accountant selects for testing, and why.

A pure builder over the ``Grootboek``: one pandas frame with every posting line of
the year, every test a vectorised selection over it, and every line of a selected
entry flagged (a test on an entry flags all its lines). The user and the time of
booking are the ledger's own (``Entry.user``, ``Entry.booked_at``: the author and
date of the git commit of the entry's lines, or its ``geboekt`` date).

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
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

    def line_hits(self) -> dict[int, set[str]]:
        """Per line (its position in the ledger's order) the tests it is hit by."""
        result: dict[int, set[str]] = {}
        for test, positions in self.flags.items():
            for position in positions:
                result.setdefault(position, set()).add(test)
        return result


def frame(ledger: Grootboek) -> pd.DataFrame:
    """One row per posting line of the year, in the ledger's order."""
    names = {a.account: a for a in ledger.accounts}
    rows = [
        (
            index,
            entry.number,
            entry.journal,
            entry.date,
            entry.booked_at,
            entry.user or UNKNOWN_USER,
            line.account,
            names[line.account].number if line.account in names else "",
            line.amount,
            entry.description,
            line.cust_sup,
        )
        for index, entry in enumerate(ledger.entries)
        for line in entry.lines
    ]
    columns = [
        "entry",
        "number",
        "journal",
        "date",
        "booked_at",
        "user",
        "account",
        "account_number",
        "amount",
        "description",
        "relation",
    ]
    df = pd.DataFrame(rows, columns=columns)
    df["date"] = pd.to_datetime(df["date"])
    df["booked_at"] = pd.to_datetime(df["booked_at"])
    df["cents"] = np.array([int(a * 100) for a in df["amount"]], dtype=np.int64)
    return df


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


def _per_entry(df: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Every line of an entry one of whose lines is in ``mask``."""
    return df["entry"].isin(df.loc[mask, "entry"].unique())


def analyse(ledger: Grootboek, closing: JaarrekeningDatum | None = None) -> Analysis:
    """The journal-entry tests of ``ledger``; ``closing`` the date of the year's
    jaarrekening in the books, when they have one."""
    df = frame(ledger)
    year_end = pd.Timestamp(datetime.date(ledger.year, 12, 31)) + pd.Timedelta(days=1)
    reasons: dict[str, pd.Series] = {}
    masks: dict[str, pd.Series] = {}
    if df.empty:
        return Analysis(
            ledger.entity,
            ledger.year,
            0,
            {t: 0 for t in TESTS},
            {t: () for t in TESTS},
            {t: () for t in TESTS},
            None,
        )
    # after the year-end, and after the jaarrekening's date
    masks["na_jaareinde"] = df["booked_at"].notna() & (df["booked_at"] >= year_end)
    reasons["na_jaareinde"] = "geboekt op " + df["booked_at"].dt.strftime("%d-%m-%Y %H:%M")
    closed = pd.Series(False, index=df.index)
    if closing is not None:
        closed = df["booked_at"].notna() & (
            df["booked_at"] >= pd.Timestamp(closing.date) + pd.Timedelta(days=1)
        )
        reasons["na_jaareinde"] = reasons["na_jaareinde"].where(
            ~closed,
            reasons["na_jaareinde"]
            + f", na de jaarrekening ({closing.kind} {closing.date:%d-%m-%Y})",
        )
    # users who rarely book
    entries = df.drop_duplicates("entry")
    per_user = entries["user"].value_counts()
    threshold = max(RARE_ACCOUNT, float(RARE_USER) * len(entries))
    rare_users = per_user[(per_user < threshold) & (per_user.index != UNKNOWN_USER)]
    masks["zeldzame_gebruiker"] = df["user"].isin(rare_users.index)
    reasons["zeldzame_gebruiker"] = (
        df["user"] + ": " + df["user"].map(per_user).astype("string") + " boekingen"
    )
    masks["buiten_werktijd"], reasons["buiten_werktijd"] = _unusual_times(df)
    masks["rond_bedrag"] = (df["cents"] != 0) & (df["cents"].abs() % 100_000 == 0)
    reasons["rond_bedrag"] = pd.Series("veelvoud van 1.000", index=df.index)
    euros = df["cents"].abs() // 100
    last3 = euros % 1000
    masks["herhaalde_cijfers"] = (
        (euros >= 1000) & (df["cents"] % 100 == 0) & (last3 % 111 == 0) & (last3 != 0)
    )
    reasons["herhaalde_cijfers"] = pd.Series("eindcijfers gelijk", index=df.index)
    usage = df["account"].map(df["account"].value_counts())
    masks["zelden_gebruikt"] = usage < RARE_ACCOUNT
    reasons["zelden_gebruikt"] = usage.astype("string") + " regel(s) in het jaar"
    masks["ongebruikelijk_paar"], reasons["ongebruikelijk_paar"] = _pairs(df)
    masks["tussenrekening"] = df["account"].isin(ledger.suspense)
    reasons["tussenrekening"] = pd.Series("op de tussenrekening", index=df.index)
    masks["tegenboeking"], reasons["tegenboeking"] = _reversals(df)
    masks["dubbel"], reasons["dubbel"] = _duplicates(df)
    words = df["description"].str.extract("(" + RISK_WORDS + ")", flags=2)[0]
    empty = df["description"].str.strip() == ""
    masks["trefwoord"] = words.notna() | empty
    reasons["trefwoord"] = ("trefwoord " + words.fillna("")).where(
        words.notna(), "geen omschrijving"
    )
    revenue = df["account"].str.startswith("Baten:")
    masks["handmatig_baten"] = _per_entry(df, revenue & (df["journal"] == "M"))
    reasons["handmatig_baten"] = pd.Series("memoriaal op baten", index=df.index)
    for test in PER_ENTRY:
        masks[test] = _per_entry(df, masks[test])
    return _result(ledger, df, masks, reasons, _after_closing(closing, int(closed.sum())))


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


def _unusual_times(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    dated_off = _off_days(df["date"])
    booked = df["booked_at"]
    booked_off = booked.notna() & _off_days(booked)
    hour = booked.dt.hour
    night = booked.notna() & ((hour >= NIGHT[0]) | (hour < NIGHT[1]))
    reason = pd.Series("", index=df.index, dtype="string")
    reason = reason.where(~dated_off, "gedateerd op een weekend- of feestdag")
    reason = reason.where(~booked_off, "geboekt op een weekend- of feestdag")
    reason = reason.where(~night, "'s nachts geboekt")
    return dated_off | booked_off | night, reason


def _pairs(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Debit and credit accounts together in only one entry of the year."""
    small = df[df.groupby("entry")["entry"].transform("size") <= 10]
    debit = small.loc[small["cents"] > 0, ["entry", "account"]]
    credit = small.loc[small["cents"] < 0, ["entry", "account"]]
    pairs = debit.merge(credit, on="entry", suffixes=("_d", "_c")).drop_duplicates()
    counts = pairs.groupby(["account_d", "account_c"])["entry"].transform("nunique")
    single = pairs[counts == 1]
    hit = df["entry"].isin(single["entry"])
    first = single.drop_duplicates("entry").set_index("entry")
    text = df["entry"].map(first["account_d"] + " / " + first["account_c"])
    return hit, ("eenmalig paar " + text.fillna("")).astype("string")


def _signature(df: pd.DataFrame, sign: int) -> pd.Series:
    parts = df["account"] + "=" + (sign * df["cents"]).astype("string")
    return parts.groupby(df["entry"]).agg(lambda s: "|".join(sorted(s)))


def _reversals(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The exact reverse of an earlier entry, or a narration that says it corrects."""
    own = _signature(df, 1)
    reverse = _signature(df, -1)
    first_seen = pd.Series(own.index, index=own.values).groupby(level=0).min()
    earlier = reverse.map(first_seen)
    reversing = earlier[earlier.notna() & (earlier < earlier.index)]
    exact = df["entry"].isin(reversing.index) | df["entry"].isin(reversing.astype(int))
    said = df["description"].str.contains(REVERSAL_WORDS, case=False, regex=True)
    reason = pd.Series("", index=df.index, dtype="string")
    reason = reason.where(~said, "omschrijving: correctie of storno")
    reason = reason.where(~exact, "tegengesteld aan een andere boeking")
    return exact | said, reason


def _duplicates(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Entries with the same debit total and counterparty within DUPLICATE_DAYS."""
    debit = df[df["cents"] > 0].groupby("entry").agg(cents=("cents", "sum"), date=("date", "first"))
    party = df.groupby("entry")["relation"].max().replace("", np.nan)
    party = party.fillna(df.groupby("entry")["description"].first())
    debit["party"] = party
    debit = debit.sort_values(["cents", "party", "date"])
    same = (debit["cents"] == debit["cents"].shift()) & (debit["party"] == debit["party"].shift())
    close = (debit["date"] - debit["date"].shift()).dt.days <= DUPLICATE_DAYS
    second = same & close
    first = second.shift(-1, fill_value=False)
    entries = debit.index[second | first]
    hit = df["entry"].isin(entries)
    return hit, pd.Series("zelfde bedrag en tegenpartij binnen 7 dagen", index=df.index)


def _result(
    ledger: Grootboek,
    df: pd.DataFrame,
    masks: dict[str, pd.Series],
    reasons: dict[str, pd.Series],
    messages_before: tuple[str, ...] = (),
) -> Analysis:
    counts: dict[str, int] = {}
    hits: dict[str, tuple[Hit, ...]] = {}
    flags: dict[str, tuple[int, ...]] = {}
    numbers = {a.account: a.name for a in ledger.accounts}
    for test in TESTS:
        mask = masks[test].fillna(False).astype(bool)
        positions = np.flatnonzero(mask.to_numpy())
        counts[test] = len(positions)
        flags[test] = tuple(int(p) for p in positions)
        if test in PER_ENTRY:  # its first line stands for the entry
            positions = positions[~df["entry"].iloc[positions].duplicated().to_numpy()]
        reason = reasons[test].iloc[positions[:HIT_ROWS]].fillna("")
        hits[test] = tuple(_hits(df.iloc[positions[:HIT_ROWS]], reason, numbers))
    messages = [*messages_before, *_suspense_messages(ledger)]
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
        benford(df["cents"]),
        tuple(messages),
    )


_HIT_COLUMNS = [
    "number",
    "date",
    "booked_at",
    "user",
    "account_number",
    "account",
    "amount",
    "description",
]


def _hits(chosen: pd.DataFrame, reason: pd.Series, names: dict[str, str]) -> list[Hit]:
    found = []
    rows = chosen[_HIT_COLUMNS].itertuples(index=False, name=None)
    for (number, date, booked, user, account_number, account, amount, text), why in zip(
        rows, reason, strict=True
    ):
        found.append(
            Hit(
                str(number),
                pd.Timestamp(date).date(),
                None if pd.isna(booked) else pd.Timestamp(booked).to_pydatetime(),
                str(user),
                str(account_number),
                names.get(str(account), str(account)),
                Decimal(amount),
                str(text),
                str(why),
            )
        )
    return found


def _suspense_messages(ledger: Grootboek) -> list[str]:
    closing = ledger.closing()
    return [
        f"tussenrekening {account} staat op 31-12-{ledger.year} open: {closing[account]}"
        for account in ledger.suspense
        if closing.get(account)
    ]


def benford(cents: pd.Series | Sequence[int]) -> Benford | None:
    """Benford's first-digit test on amounts (in cents) of at least € 10."""
    values = pd.Series(cents, dtype="int64").abs()
    values = values[values >= 1000]
    if len(values) < BENFORD_MINIMUM:
        return None
    first = values.astype("string").str[0].astype(int)
    observed = first.value_counts().reindex(range(1, 10), fill_value=0).to_numpy(dtype=float)
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
