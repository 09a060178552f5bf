"""The specification tables of the toelichting, as data.

An account joins a specification through its ``toelichting`` metadata,
``"<note>.<line>"``::

    2023-01-01 open Passiva:Kortlopend:Belastingen:Omzetbelasting EUR
      rgs: "BSchBepBtwAfb"
      balans: "belastingen_schuld"
      toelichting: "belastingen_schuld.omzetbelasting"

Each note lists its lines in the published order with the published labels. A
balance note shows the balance at the year-end (bruto: the nog te ontvangen and nog
te besteden subsidies unnetted, as the published notes show them); a baten-en-lasten
note shows realisatie, begroting and realisatie of the year before.

The notes per counterparty (the deelnemingen, the intercompany positions) have no
lines here: each account that joins them names its line, and the line's label is the
name of the counterparty: the account's ``tegenpartij``, else the name in the group
file of the entity its ``deelneming`` or ``intercompany`` names. The lines are in the
order of the accounts' ``nummer`` (then their place in the books)::

    2023-01-01 open Activa:Vorderingen:Intercompany:Realisatie EUR
      rgs: "BVorVgmVgm"
      balans: "intercompany_vordering"
      intercompany: "realisatie"
      tegenpartij: "VNG Realisatie B.V."
      nummer: "0300"
      toelichting: "intercompany_vordering.realisatie"

A note that only shows the stand of a balance line (Handelscrediteuren (10)) takes
every account whose ``balans`` is that line; its accounts need no ``toelichting``.

A note that no account joins is left out of the jaarrekening.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

NoteKind = Literal["balans", "baten_lasten"]
COUNTERPARTY = "tegenpartij"  # the metadata key of a counterparty's name
_LINE_ID = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Note:
    key: str
    number: str
    title: str
    kind: NoteKind
    lines: tuple[tuple[str, str], ...]  # (line id, label)
    total_label: str = "Stand per 31 december"
    per_counterparty: bool = False  # lines from the accounts, labelled by ``tegenpartij``
    # one line: every account on the balance line of the note's key (``balans`` on its
    # open), for a note that only shows the line's stand
    whole_line: bool = False

    def labels(self) -> dict[str, str]:
        return dict(self.lines)


def _c(key: str, number: str, title: str) -> Note:
    return Note(key, number, title, "balans", (), per_counterparty=True)


def _b(key: str, number: str, title: str, *lines: tuple[str, str]) -> Note:
    return Note(key, number, title, "balans", lines)


def _l(key: str, number: str, title: str, label: str) -> Note:
    return Note(key, number, title, "balans", ((key, label),), whole_line=True)


def _w(key: str, number: str, title: str, total: str, *lines: tuple[str, str]) -> Note:
    return Note(key, number, title, "baten_lasten", lines, total)


NOTES: tuple[Note, ...] = (
    _c("deelnemingen", "2", "Deelnemingen"),
    _b(
        "overige_effecten",
        "2",
        "Overige effecten",
        ("effectenportefeuille", "Effectenportefeuille"),
        ("overige_beleggingen", "Overige beleggingen"),
    ),
    _b(
        "handelsdebiteuren",
        "3",
        "Handelsdebiteuren",
        ("handelsdebiteuren", "Handelsdebiteuren"),
        ("voorziening", "Voorziening dubieuze debiteuren"),
    ),
    _b(
        "belastingen_vordering",
        "4",
        "Belastingen",
        ("dividendbelasting", "Terug te vorderen Dividendbelasting"),
    ),
    _c("intercompany_vordering", "5", "Intercompany"),
    _b(
        "overlopende_activa",
        "6",
        "Overlopende activa",
        ("waarborgsommen", "Waarborgsommen"),
        ("vooruitbetaalde_kosten", "Vooruitbetaalde kosten"),
        ("nog_te_factureren", "Nog te factureren opbrengsten"),
        ("nog_te_ontvangen_subsidies", "Nog te ontvangen subsidiegelden"),
        ("overige_vorderingen", "Overige vorderingen"),
    ),
    _b("liquide_middelen", "7", "Liquide middelen", ("bank", "Bank"), ("kas", "Kas")),
    _l("handelscrediteuren", "10", "Handelscrediteuren", "Handelscrediteuren"),
    _b(
        "belastingen_schuld",
        "11",
        "Belastingen en premie sociale verzekeringen",
        ("loonheffing", "Afdracht loonbelasting en sociale premies"),
        ("pensioenen", "Pensioenen"),
        ("omzetbelasting", "Omzetbelasting"),
    ),
    _c("intercompany_schuld", "12", "Intercompany"),
    _b(
        "overlopende_passiva",
        "13",
        "Overlopende passiva",
        ("vooruit_gefactureerde_contributie", "Vooruit gefactureerde contributie"),
        ("nog_te_besteden_subsidies", "Nog te besteden subsidies"),
        ("fonds_ggu", "Fonds GGU & Gemeentefonds Saldi"),
    ),
    _b(
        "overige_schulden",
        "14",
        "Overige schulden",
        ("vooruit_gefactureerd", "Vooruit gefactureerde bedragen"),
        ("reservering_verlof", "Reserveringen voor verlof"),
        ("overige_schulden", "Overige schulden"),
    ),
    _w(
        "bijdrage_projecten",
        "15",
        "Bijdrage projecten",
        "Bijdrage projecten",
        ("subsidies_rijk", "Waarvan subsidies van het Rijk"),
        ("fonds_ggu", "Waarvan projecten uit het Fonds GGU en saldo Gemeentefonds uitname"),
    ),
    _w(
        "overige_baten",
        "16",
        "Overige baten",
        "Totaal overige baten",
        ("opbrengst_derden", "Opbrengst derden"),
        ("auteursvergoedingen", "Auteursvergoedingen"),
        ("vacatiegelden", "Vacatiegelden"),
        ("interne_baten", "Interne baten"),
        ("overige_baten", "Overige baten"),
    ),
    _w(
        "personeelslasten",
        "17",
        "Salarissen, sociale lasten en pensioenlasten",
        "Totaal salarissen, sociale lasten en pensioenlasten",
        ("salarissen", "Salarissen"),
        ("sociale_lasten", "Sociale lasten"),
        ("pensioenlasten", "Pensioenlasten"),
        ("vergoedingen", "Vergoedingen (ZW, uitlenen personeel)"),
    ),
    _w(
        "overige_personeelslasten",
        "18",
        "Overige personeelslasten",
        "Totaal overige personeelslasten",
        ("uitzendkrachten", "Uitzendkrachten/personeel derden"),
        ("arbolasten", "Arbolasten"),
        ("studielasten", "Studielasten"),
        ("werving", "Werving"),
        ("rechtspositionele_lasten", "Rechtspositionele lasten"),
        ("voorzieningen", "Onttrekking/Dotatie voorzieningen"),
        ("overige_lasten", "Overige lasten"),
        ("reis_verblijf", "Reis- en verblijflasten"),
    ),
    _w(
        "kantoor_huisvesting",
        "19",
        "Kantoor- en huisvestingslasten",
        "Totaal kantoor- en huisvestingslasten",
        ("huisvesting", "Huisvestingslasten"),
        ("onderhoud_inventaris", "Onderhoud en inventaris"),
        ("automatisering", "Automatiseringslasten"),
        ("telecommunicatie", "Telecommunicatie"),
        ("drukwerk", "Drukwerklasten"),
        ("bibliotheek", "Bibliotheeklasten"),
        ("restauratief", "Restauratieve lasten"),
    ),
    _w(
        "activiteitslasten",
        "20",
        "Activiteitslasten",
        "Totaal activiteitslasten",
        ("voorlichting", "Voorlichting"),
        ("bijeenkomsten", "Bijeenkomsten"),
        ("onderzoek", "Onderzoek"),
        ("advies_derden", "Advies derden"),
        ("bijdragen_lidmaatschappen", "Bijdragen en lidmaatschappen"),
        ("doorbelasting", "Doorbelasting"),
    ),
    _w(
        "financiele_baten_lasten",
        "22",
        "Financiële baten en lasten",
        "Totaal financiële baten en lasten",
        ("opbrengst_effecten", "Opbrengst van effecten"),
        ("rentebaten", "Rentebaten"),
        ("rentelasten", "(Rente)lasten"),
    ),
)

NOTES_BY_KEY: dict[str, Note] = {note.key: note for note in NOTES}


def note_reference(value: str) -> tuple[Note, str] | None:
    """The note and line of a ``toelichting`` value, or None when it names nothing."""
    key, _, line = value.partition(".")
    note = NOTES_BY_KEY.get(key)
    if note is None:
        return None
    if note.per_counterparty:
        return (note, line) if _LINE_ID.match(line) else None
    if line not in note.labels():
        return None
    return note, line


def note_members(
    note: Note, accounts: Iterable[tuple[str, str | None, Mapping[str, Any]]]
) -> dict[str, list[str]]:
    """The accounts of each line of ``note``, from (account, toelichting, open meta)."""
    members: dict[str, list[str]] = {line: [] for line, _ in note.lines}
    for account, value, meta in sorted(accounts, key=_chart_order):
        if note.whole_line:
            if meta.get("balans") == note.key:
                members[note.key].append(account)
            continue
        ref = note_reference(str(value)) if value else None
        if ref and ref[0].key == note.key:
            members.setdefault(ref[1], []).append(account)
    return members


def note_lines(
    note: Note,
    accounts: Iterable[tuple[str, str | None, Mapping[str, Any]]],
    names: Mapping[str, str] | None = None,
) -> Note:
    """``note`` with its lines: as written here, or for a note per counterparty from
    the accounts that join it, labelled with the counterparty's name (``names``: the
    group's entities by key)."""
    if not note.per_counterparty:
        return note
    accounts = list(accounts)
    meta = {account: m for account, _, m in accounts}
    lines = tuple(
        (line, counterparty(meta[members[0]], names or {}) or line)
        for line, members in note_members(note, accounts).items()
        if members
    )
    return replace(note, lines=lines)


def counterparty(meta: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The name of an account's counterparty: its ``tegenpartij``, else the group's
    name of the entity it is a deelneming in or intercompany with, else that key."""
    if meta.get(COUNTERPARTY):
        return str(meta[COUNTERPARTY])
    key = meta.get("deelneming") or meta.get("intercompany")
    return names.get(str(key), str(key)) if key else ""


def _chart_order(item: tuple[str, str | None, Mapping[str, Any]]) -> tuple[str, str, int, str]:
    account, _, meta = item
    return (
        str(meta.get("nummer", "")),
        str(meta.get("filename", "")),
        int(meta.get("lineno", 0)),
        account,
    )


@dataclass(frozen=True)
class Financiering:
    """A "Project gefinancierd / Overig / Totaal" specification of lasten.

    ``source`` is a note key (rows per note line when ``per_line``, else one row) or,
    with ``line``, a line of the staat van baten en lasten.
    """

    key: str
    number: str
    title: str
    source: str
    per_line: bool = False
    line: bool = False


FINANCIERINGEN: tuple[Financiering, ...] = (
    Financiering(
        "overige_personeelslasten", "18", "Overige personeelslasten", "overige_personeelslasten"
    ),
    Financiering(
        "kantoor_huisvesting", "19", "Kantoor- en huisvestingskosten", "kantoor_huisvesting"
    ),
    Financiering(
        "activiteitslasten", "20", "Activiteitslasten", "activiteitslasten", per_line=True
    ),
    Financiering("overige_lasten", "21", "Overige lasten", "overige_lasten", line=True),
)

# The movement schedule of the materiële vaste activa (toelichting 1): row id, label,
# and the (mutatie, component) pairs it sums.
MVA_ROWS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("investeringen", "Investeringen", (("investering", "aanschafwaarde"),)),
    (
        "desinvesteringen_aanschafwaarde",
        "Desinvesteringen aanschafwaarde",
        (("desinvestering", "aanschafwaarde"),),
    ),
    (
        "desinvesteringen_afschrijvingen",
        "Desinvesteringen afschrijvingen",
        (("desinvestering", "afschrijvingen"),),
    ),
    (
        "herrubriceringen_aanschafwaarde",
        "Herrubriceringen aanschafwaarde",
        (("herrubricering", "aanschafwaarde"),),
    ),
    (
        "herrubriceringen_afschrijvingen",
        "Herrubriceringen afschrijvingen",
        (("herrubricering", "afschrijvingen"),),
    ),
    ("afschrijvingen", "Afschrijvingen", (("afschrijving", "afschrijvingen"),)),
)


@dataclass(frozen=True)
class Verloop:
    """A movement schedule ("verloop") of the accounts on some balance-sheet lines.

    Rows come from the ``mutatie`` metadata of the transactions (the derived year-end
    entries set it themselves); ``rows`` gives each mutatie its published label, in
    order. A movement without a known mutatie shows as "Overige mutaties", never
    dropped. ``result`` adds the year's result (the onverdeeld resultaat).
    """

    key: str
    number: str
    title: str
    lines: tuple[str, ...]
    rows: tuple[tuple[str, str], ...]
    result: str | None = None
    # a schedule per line of this note (key ``<key>_<line>``, titled with its label),
    # of that line's accounts only
    per_line_of: str | None = None
    accounts: tuple[str, ...] = ()


VERLOPEN: tuple[Verloop, ...] = (
    Verloop(
        "deelneming",
        "2",
        "Deelneming",
        ("deelnemingen",),
        (
            ("aandeel-resultaat", "Aandeel in resultaat"),
            ("dividend", "Dividend"),
            ("omrekenverschillen", "Omrekenverschillen vreemde valuta"),
        ),
        per_line_of="deelnemingen",
    ),
    Verloop(
        "overige_reserves",
        "8",
        "Overige reserves",
        ("overige_reserves",),
        (
            ("resultaatbestemming", "Resultaatsbestemming vorig boekjaar"),
            ("vrijval-statutaire-reserve", "Vrijval statutaire reserve"),
            ("bestemming-kennishub", "Bestemming agv Kennishub"),
            ("vrijval-kennishub", "Vrijval bestemming Kennishub"),
        ),
    ),
    Verloop(
        "bestemmingsreserve",
        "8",
        "Bestemmingsreserve",
        ("bestemmingsreserves",),
        (
            ("dekking-willemshof", "Lasten herhuisvesting"),
            ("dekking-begane-grond", "Lasten afschrijving begane grond"),
            ("bestemming-kennishub", "Bestemming agv Kennishub"),
            ("dekking-kennishub", "Lasten agv Kennishub werkzaamheden"),
            ("vrijval-kennishub", "Vrijval restant bestemming Kennishub budget"),
        ),
    ),
    Verloop(
        "statutaire_reserve",
        "8",
        "Wettelijke verplichte statutaire reserve",
        ("statutaire_reserve",),
        (("vrijval-statutaire-reserve", "Vrijval naar overige reserves"),),
    ),
    Verloop(
        "omrekenverschillen",
        "8",
        "Omrekenverschillen",
        ("omrekenverschillen",),
        (("omrekenverschillen", "Mutatie"),),
    ),
    Verloop(
        "onverdeeld_resultaat",
        "8",
        "Onverdeeld resultaat boekjaar",
        ("onverdeeld_resultaat",),
        (
            (
                "resultaatbestemming",
                "Naar Overige reserves (uit onverdeeld resultaat voorgaand boekjaar)",
            ),
            ("dekking-willemshof", "Mutatie bestemmingsreserve (afschr. lasten huisvesting)"),
            ("dekking-begane-grond", "Mutatie bestemmingsreserve (afschr. lasten huisvesting)"),
            ("dekking-kennishub", "Mutatie bestemmingsreserve (Werkzaamheden a.g.v. Kennishub)"),
        ),
        result="Resultaat boekjaar",
    ),
    Verloop(
        "egalisatievoorziening",
        "9",
        "Egalisatievoorziening",
        ("egalisatievoorziening",),
        (("dotatie", "Dotaties"), ("onttrekking", "Onttrekkingen/vrijval")),
    ),
    Verloop(
        "voorziening_ambtsjubilea",
        "9",
        "Voorziening ambtsjubilea",
        ("jubileumvoorziening",),
        (("dotatie", "Dotaties"), ("onttrekking", "Onttrekkingen/vrijval")),
    ),
)


def verloop_schedules(
    spec: Verloop,
    accounts: Iterable[tuple[str, str | None, Mapping[str, Any]]],
    names: Mapping[str, str] | None = None,
) -> list[Verloop]:
    """The schedules of ``spec``: itself, or one per line of its note that an account
    joins (none when no account does)."""
    if spec.per_line_of is None:
        return [spec]
    accounts = list(accounts)
    note = note_lines(NOTES_BY_KEY[spec.per_line_of], accounts, names)
    members = note_members(note, accounts)
    return [
        replace(
            spec,
            key=f"{spec.key}_{line}",
            title=label,
            per_line_of=None,
            accounts=tuple(members[line]),
        )
        for line, label in note.lines
    ]


# -- the toelichting op de geconsolideerde jaarrekening ------------------------------

# the metadata key on an account's ``open`` that places it on a line of a note of the
# geconsolideerde jaarrekening, ``"<note>.<line>"`` (where its enkelvoudige
# ``toelichting`` or the note's default does not say it)
GROUP_NOTE_KEY = "geconsolideerd_toelichting"


@dataclass(frozen=True)
class GroupNote:
    """A note of the geconsolideerde jaarrekening on one or more lines of its balans or
    staat van baten en lasten (``group_lines``), the accounts of every entity behind
    them, translated and without what the consolidation eliminates.

    An account lands on a line of the note by its ``geconsolideerd_toelichting``, else
    by its enkelvoudige ``toelichting`` (``from_note``: that value's line here), else on
    ``default``. With ``per_group_line`` each line of the note is a line of the
    statement (``lines`` name them). An accepted intercompany difference, which the
    consolidation shows on the statement line, is on ``difference``; on a line whose
    subsidies an entity presents netted, the net payable is on ``netted``.
    """

    key: str
    number: str
    title: str
    kind: NoteKind
    group_lines: tuple[str, ...]
    lines: tuple[tuple[str, str], ...]
    total_label: str = "Stand per 31 december"
    default: str = ""
    from_note: tuple[tuple[str, str], ...] = ()
    per_group_line: bool = False
    difference: str = ""
    netted: str = ""

    def labels(self) -> dict[str, str]:
        return dict(self.lines)


GROUP_NOTES: tuple[GroupNote, ...] = (
    GroupNote(
        "liquide_middelen",
        "25",
        "Liquide middelen",
        "balans",
        ("liquide_middelen",),
        (("kas", "Kas"), ("bank", "Bank"), ("kruisposten", "Kruisposten")),
        default="bank",
        from_note=(("liquide_middelen.kas", "kas"), ("liquide_middelen.bank", "bank")),
        difference="kruisposten",
    ),
    GroupNote(
        "overlopende_passiva",
        "27",
        "Overlopende passiva",
        "balans",
        ("overlopende_passiva",),
        (
            ("vooruit_gefactureerd", "Vooruit gefactureerde bedragen"),
            ("vooruit_gefactureerde_contributie", "Vooruit gefactureerde contributie"),
            ("nog_te_besteden_subsidies", "Nog te besteden subsidies"),
            ("fonds_ggu", "Fonds GGU & Gemeentefonds saldi"),
        ),
        default="vooruit_gefactureerd",
        from_note=(
            (
                "overlopende_passiva.vooruit_gefactureerde_contributie",
                "vooruit_gefactureerde_contributie",
            ),
            ("overlopende_passiva.nog_te_besteden_subsidies", "nog_te_besteden_subsidies"),
            ("overlopende_passiva.fonds_ggu", "fonds_ggu"),
        ),
        netted="nog_te_besteden_subsidies",
    ),
    GroupNote(
        "overige_schulden",
        "28",
        "Overige schulden",
        "balans",
        ("overige_schulden",),
        (
            ("reservering_verlof", "Div. reserveringen voor verlof en vakantiegeld"),
            ("overige_schulden", "Overige schulden"),
        ),
        default="overige_schulden",
        from_note=(("overige_schulden.reservering_verlof", "reservering_verlof"),),
    ),
    GroupNote(
        "vergoeding_diensten",
        "29",
        "Vergoeding geleverde diensten",
        "baten_lasten",
        ("vergoeding_diensten",),
        (("vergoeding_diensten", "Vergoeding geleverde diensten"),),
        "Totaal vergoeding geleverde diensten",
        per_group_line=True,
    ),
    GroupNote(
        "overige_baten",
        "30",
        "Overige baten",
        "baten_lasten",
        ("overige_baten",),
        (
            ("opbrengst_derden", "Opbrengst derden"),
            ("auteursvergoedingen", "Auteursvergoedingen"),
            ("overige_baten", "Overige baten"),
        ),
        "Totaal overige baten",
        default="overige_baten",
        from_note=(
            ("overige_baten.opbrengst_derden", "opbrengst_derden"),
            ("overige_baten.auteursvergoedingen", "auteursvergoedingen"),
        ),
    ),
    GroupNote(
        "personeelslasten",
        "31",
        "Personeelslasten",
        "baten_lasten",
        ("salarissen", "sociale_lasten", "pensioenbijdragen", "overige_personeelslasten"),
        (
            ("salarissen", "Salarissen"),
            ("sociale_lasten", "Sociale lasten"),
            ("pensioenbijdragen", "Pensioenbijdragen"),
            ("overige_personeelslasten", "Overige personeelslasten"),
        ),
        "Totaal personeelslasten",
        per_group_line=True,
    ),
    GroupNote(
        "overige_lasten",
        "32",
        "Overige lasten",
        "baten_lasten",
        ("overige_lasten",),
        (
            ("huisvesting", "Huisvestingskosten"),
            ("onderhoud_inventaris", "Onderhoudskosten en inventaris"),
            ("automatisering", "Automatisering"),
            ("telecommunicatie", "Telecommunicatie"),
            ("drukwerk", "Drukwerkkosten"),
            ("bibliotheek", "Bibliotheekkosten"),
            ("restauratief", "Restauratieve kosten"),
            ("overige_bedrijfskosten", "Overige bedrijfskosten"),
        ),
        "Totaal",
        default="overige_bedrijfskosten",
        from_note=(
            ("kantoor_huisvesting.huisvesting", "huisvesting"),
            ("kantoor_huisvesting.onderhoud_inventaris", "onderhoud_inventaris"),
            ("kantoor_huisvesting.automatisering", "automatisering"),
            ("kantoor_huisvesting.telecommunicatie", "telecommunicatie"),
            ("kantoor_huisvesting.drukwerk", "drukwerk"),
            ("kantoor_huisvesting.bibliotheek", "bibliotheek"),
            ("kantoor_huisvesting.restauratief", "restauratief"),
        ),
        difference="overige_bedrijfskosten",
    ),
)

GROUP_NOTES_BY_KEY: dict[str, GroupNote] = {note.key: note for note in GROUP_NOTES}

# The verloop of the voorzieningen of the group (26): the movements of every entity's
# voorzieningen by their ``mutatie``; a movement without one of these is "Overige
# mutaties", never dropped.
GROUP_VOORZIENINGEN = Verloop(
    "voorzieningen",
    "26",
    "Voorzieningen",
    ("voorzieningen",),
    (
        ("dotatie", "Bij: dotaties"),
        ("onttrekking", "Af: onttrekkingen"),
        ("vrijval", "Af: vrijval"),
    ),
)


# The honoraria of the external accountant (art. 2:382a BW), with note (32): a
# posting of lasten says which service of the accountant it pays by
# ``accountantshonorarium`` (one of ``HONORARIUM_KINDS``)::
#
#     2024-10-31 * "Externe accountant" "Interim-controle jaarrekening 2024"
#       Lasten:OverigeLasten                    52030.00 EUR
#         accountantshonorarium: "controle"
#       Passiva:Kortlopend:Handelscrediteuren
#
# The table adds up every entity's postings of the year by kind, on the rows as the
# report prints them (the fiscal advice and the other non-audit services on one row).
HONORARIUM_KEY = "accountantshonorarium"
HONORARIUM_KINDS: dict[str, str] = {
    "controle": "het onderzoek van de jaarrekening",
    "andere_controle": "andere controleopdrachten",
    "fiscaal": "adviesdiensten op fiscaal terrein",
    "niet_controle": "andere niet-controlediensten",
}


@dataclass(frozen=True)
class Honoraria:
    """The table of the accountant's honoraria: its key, the note it belongs to, its
    title, and its rows, each with the kinds of service on it."""

    key: str
    number: str
    title: str
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]  # (row id, label, kinds)
    total_label: str = "Totaal"


ACCOUNTANTSHONORARIA = Honoraria(
    "accountantshonoraria",
    "32",
    "Honoraria externe accountant",
    (
        ("onderzoek_jaarrekening", "Onderzoek van de jaarrekening", ("controle",)),
        ("andere_controle", "Andere controle opdrachten", ("andere_controle",)),
        (
            "fiscaal_en_niet_controle",
            "Fiscaal advies en niet controle opdrachten",
            ("fiscaal", "niet_controle"),
        ),
    ),
)


def group_note_line(note: GroupNote, group_line: str, meta: Mapping[str, Any]) -> str | None:
    """The line of ``note`` an account with ``meta`` (its ``open``) lands on, or None
    when its ``geconsolideerd_toelichting`` names a line the note does not have."""
    if note.per_group_line:
        return group_line
    value = meta.get(GROUP_NOTE_KEY)
    if value is not None:
        key, _, line = str(value).partition(".")
        return line if key == note.key and line in note.labels() else None
    mapped = dict(note.from_note).get(str(meta.get("toelichting", "")))
    return mapped or note.default


# -- the Fonds GGU per activiteit (15) ------------------------------------------------

# an activity of the Fonds GGU: ``custom "vng-ggu-activiteit" "<code>" "<omschrijving>"
# <begroot> EUR`` dated in its year, ``thema:`` the theme it is reported under; a
# posting on the fonds_ggu line of note (15) names its activity by ``ggu_activiteit``
GGU_ACTIVITEIT_ENTRY = "vng-ggu-activiteit"
GGU_ACTIVITEIT_KEY = "ggu_activiteit"
GGU_NOTE_LINE = "bijdrage_projecten.fonds_ggu"  # the accounts of the Fonds GGU's baten
