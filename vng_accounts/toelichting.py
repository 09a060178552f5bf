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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NoteKind = Literal["balans", "baten_lasten"]


@dataclass(frozen=True)
class Note:
    key: str
    number: str
    title: str
    kind: NoteKind
    lines: tuple[tuple[str, str], ...]  # (line id, label)
    total_label: str = "Stand per 31 december"

    def labels(self) -> dict[str, str]:
        return dict(self.lines)


def _b(key: str, number: str, title: str, *lines: tuple[str, str]) -> Note:
    return Note(key, number, title, "balans", lines)


def _w(key: str, number: str, title: str, total: str, *lines: tuple[str, str]) -> Note:
    return Note(key, number, title, "baten_lasten", lines, total)


NOTES: tuple[Note, ...] = (
    _b("deelnemingen", "2", "Deelnemingen", ("vng_diensten", "VNG Diensten B.V.")),
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
    _b(
        "intercompany_vordering",
        "5",
        "Intercompany",
        ("congres_studiecentrum", "Congres- en Studiecentrum VNG B.V."),
        ("vng_international", "VNG International B.V."),
        ("opleiding_detachering", "VNG Opleiding & Detachering B.V."),
        ("vng_realisatie", "VNG Realisatie B.V."),
        ("vng_risicobeheer", "VNG Risicobeheer B.V."),
        ("vng_diensten", "VNG Diensten B.V."),
    ),
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
    _b(
        "belastingen_schuld",
        "11",
        "Belastingen en premie sociale verzekeringen",
        ("loonheffing", "Afdracht loonbelasting en sociale premies"),
        ("pensioenen", "Pensioenen"),
        ("omzetbelasting", "Omzetbelasting"),
    ),
    _b(
        "intercompany_schuld",
        "12",
        "Intercompany",
        ("congres_studiecentrum", "Congres- en Studiecentrum VNG B.V."),
        ("vng_international", "VNG International B.V."),
        ("opleiding_detachering", "VNG Opleiding & Detachering B.V."),
        ("vng_realisatie", "VNG Realisatie B.V."),
    ),
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
    if note is None or line not in note.labels():
        return None
    return note, line


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


VERLOPEN: tuple[Verloop, ...] = (
    Verloop(
        "deelneming_vng_diensten",
        "2",
        "VNG Diensten B.V.",
        ("deelnemingen",),
        (
            ("aandeel-resultaat", "Aandeel in resultaat"),
            ("dividend", "Dividend"),
            ("omrekenverschillen", "Omrekenverschillen vreemde valuta"),
        ),
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
