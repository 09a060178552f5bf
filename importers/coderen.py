"""Coding bank bookings from the books, so nobody retypes them.

Each booking of a statement gets its counter posting, in this order:

1. **The invoice it pays.** A receipt whose remittance information or end-to-end id
   names an open invoice of the member invoicing (``referentie``
   ``contributie/<jaar>/<cbs-code>``, as ``importers.leden`` books it: the year and
   the gemeente's CBS code, e.g. ``Contributie 2025 GM0363``, or the code alone when
   that gemeente has one open invoice) is booked against the receivable
   (``debiteuren`` of ``custom "vng-import" "leden"``) with ``factuur`` and the
   invoice's link, payee the invoice's gemeente, flag ``*``. The receipt may not
   exceed what is still open, nor come before the invoice. The invoice is settled
   when its receipts add up to it (the query ``contributie-open`` in Fava).
2. **The account the history predicts.** Otherwise ``smart_importer``'s
   ``PredictPostings``, trained on the reviewed (``*``) entries of this bank account
   with one counter account, predicts the counter account; it is kept only when the
   history backs it (an entry on that account with the same payee, or with two words
   of the narration in common), flagged ``!`` with ``codering: "voorspeld"`` for review.
3. **The suspense account.** What remains goes to ``te_verwerken`` of
   ``custom "vng-import" "bank"``, flagged ``!``: the query ``te-verwerken`` in Fava.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data
from smart_importer import PredictPostings

from importers.bank import Booking, Coder, to_suspense
from importers.leden import INVOICE_PREFIX, invoice_link

INVOICE = "factuur"
CODED = "codering"
PREDICTED = "voorspeld"
_CODE = re.compile(r"GM[\s-]?([0-9]{4})")
_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass
class Invoice:
    """An invoice of the member invoicing and what is still open of it."""

    reference: str  # contributie/2025/GM0363
    year: str
    code: str  # GM0363
    payee: str | None
    entry: data.Transaction
    open: Decimal


def _reference(entry: data.Directive) -> str:
    value = entry.meta.get("referentie") if entry.meta else None
    return str(value) if value else ""


def open_invoices(existing: Sequence[data.Directive], debtors: str) -> dict[str, Invoice]:
    """The member invoices in the books by reference, each with what is still open:
    its amount on ``debtors`` less the postings there that name it (``factuur``)."""
    invoices: dict[str, Invoice] = {}
    for entry in existing:
        if not isinstance(entry, data.Transaction):
            continue
        parts = _reference(entry).split("/")
        if len(parts) == 3 and parts[0] == INVOICE_PREFIX:
            amount = _on(entry, debtors)
            if amount > 0:
                invoices[_reference(entry)] = Invoice(
                    _reference(entry), parts[1], parts[2], entry.payee, entry, amount
                )
    for entry in existing:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            named = (posting.meta or {}).get(INVOICE) or entry.meta.get(INVOICE)
            if posting.account == debtors and named in invoices and posting.units is not None:
                invoices[str(named)].open += posting.units.number or Decimal(0)
    return invoices


def _on(entry: data.Transaction, account: str) -> Decimal:
    return sum(
        (p.units.number or Decimal(0) for p in entry.postings if p.account == account and p.units),
        Decimal(0),
    )


def named_invoice(text: str, invoices: Mapping[str, Invoice]) -> Invoice | None:
    """The one open invoice ``text`` names: its reference, or its CBS code with its
    year, or its CBS code alone when that gemeente has one open invoice."""
    upper = text.upper()
    flat = re.sub(r"[^A-Z0-9]", "", upper)
    candidates = [i for i in invoices.values() if i.open > 0]
    by_reference = [i for i in candidates if re.sub(r"[^A-Z0-9]", "", i.reference.upper()) in flat]
    if len(by_reference) == 1:
        return by_reference[0]
    codes = {f"GM{m}" for m in _CODE.findall(upper)}
    years = set(_YEAR.findall(upper))
    named = [i for i in candidates if i.code in codes]
    if len(named) > 1:
        named = [i for i in named if i.year in years]
    return named[0] if len(named) == 1 else None


class BankCoder:
    """Codes the bookings of one statement of ``account`` from the books ``existing``."""

    def __init__(
        self,
        existing: Sequence[data.Directive],
        account: str,
        suspense: str,
        debtors: str | None,
    ) -> None:
        self.account, self.suspense, self.debtors = account, suspense, debtors
        self.invoices = open_invoices(existing, debtors) if debtors else {}
        self.history = [
            e
            for e in existing
            if isinstance(e, data.Transaction)
            and e.flag == "*"
            and len(e.postings) == 2
            and any(p.account == account for p in e.postings)
            and not any(p.account in (suspense, debtors) for p in e.postings)
            and len({p.account for p in e.postings}) == 2
        ]
        self.predictor = self._trained(existing) if self.history else None

    def _trained(self, existing: Sequence[data.Directive]) -> PredictPostings:
        predictor = PredictPostings(denylist_accounts=[self.suspense])
        predictor.load_open_accounts(list(existing))
        predictor.define_pipeline()
        predictor.load_training_data(self.history, self.account)
        predictor.train_pipeline()
        return predictor

    def __call__(self, entry: data.Transaction, booking: Booking) -> data.Transaction:
        return (
            self.invoice(entry, booking)
            or self.predicted(entry)
            or to_suspense(entry, self.suspense)
        )

    def invoice(self, entry: data.Transaction, booking: Booking) -> data.Transaction | None:
        bank = entry.postings[0]
        if self.debtors is None or bank.units is None or booking.amount <= 0:
            return None
        invoice = named_invoice(f"{booking.description} {booking.end_to_end or ''}", self.invoices)
        if invoice is None or booking.amount > invoice.open or invoice.entry.date > entry.date:
            return None
        invoice.open -= booking.amount
        meta = {**entry.meta, INVOICE: invoice.reference}
        counter = data.Posting(
            self.debtors, -bank.units, None, None, None, {INVOICE: invoice.reference}
        )
        return entry._replace(
            meta=meta,
            flag="*",
            payee=invoice.payee or entry.payee,
            links=frozenset({invoice_link(invoice.reference)}),
            postings=[bank, counter],
        )

    def predicted(self, entry: data.Transaction) -> data.Transaction | None:
        if self.predictor is None or not self.predictor.is_fitted:
            return None
        (guess,) = self.predictor.process_entries([entry])
        if not isinstance(guess, data.Transaction):
            return None
        others = [p.account for p in guess.postings if p.account != self.account]
        if len(guess.postings) != 2 or len(others) != 1 or others[0] == self.suspense:
            return None
        if not self._backed(entry, others[0]):
            return None
        bank = entry.postings[0]
        assert bank.units is not None
        counter = data.Posting(others[0], -bank.units, None, None, None, None)
        return entry._replace(
            meta={**entry.meta, CODED: PREDICTED}, flag="!", postings=[bank, counter]
        )

    def _backed(self, entry: data.Transaction, counter: str) -> bool:
        """The history has an entry on ``counter`` with this payee, or with two words
        of this narration: a prediction is not a guess."""
        payee = (entry.payee or "").casefold()
        words = {w.casefold() for w in _WORD.findall(entry.narration or "")}
        for known in self.history:
            if counter not in {p.account for p in known.postings}:
                continue
            if payee and (known.payee or "").casefold() == payee:
                return True
            if len(words & {w.casefold() for w in _WORD.findall(known.narration or "")}) >= 2:
                return True
        return False


def coder_for(suspense: str, debtors: str | None) -> Callable[[data.Entries, str], Coder]:
    """What a bank importer codes its statements with, from the books' settings."""

    def build(existing: data.Entries, account: str) -> Coder:
        return BankCoder(existing, account, suspense, debtors)

    return build
