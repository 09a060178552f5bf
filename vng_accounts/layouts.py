"""The layouts of the enkelvoudige jaarrekening, as data.

A layout is an ordered tuple of lines. Accounts map to a line through metadata on
their ``open`` directive, one key per layout (``balans`` for balance-sheet accounts,
``baten_lasten`` for the staat van baten en lasten)::

    2023-01-01 open Activa:Vorderingen:Handelsdebiteuren EUR
      rgs: "BVorDebHad"
      balans: "handelsdebiteuren"
      toelichting: "handelsdebiteuren.debiteuren"

Lines of kind ``line`` receive accounts; ``subtotal`` and ``total`` lines are the
signed sum of the lines named in ``sums``; ``header`` lines carry no amount.

``sign`` says how a line is presented: ``+1`` shows the debit balance (activa,
lasten), ``-1`` shows the credit balance (passiva, vermogen, baten). The builders
flip signs in one place, with this attribute.

The published labels are the VNG Financieel Jaarverslag 2024's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LineId = str
LineKind = Literal["header", "line", "subtotal", "total"]


@dataclass(frozen=True)
class Line:
    id: LineId
    label: str
    kind: LineKind
    sign: int = 1
    note: str | None = None
    level: int = 0
    sums: tuple[tuple[int, LineId], ...] = ()
    # A balance-sheet line that also takes the cumulative result of the baten
    # and lasten accounts (the "Onverdeeld resultaat").
    takes_result: bool = False


@dataclass(frozen=True)
class Layout:
    id: str
    metadata_key: str
    title: str
    lines: tuple[Line, ...]

    def line(self, line_id: LineId) -> Line:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise KeyError(line_id)

    def leaf_ids(self) -> frozenset[LineId]:
        return frozenset(line.id for line in self.lines if line.kind == "line")


def _h(id_: str, label: str, level: int = 0, note: str | None = None) -> Line:
    return Line(id_, label, "header", level=level, note=note)


def _a(id_: str, label: str, note: str | None = None, level: int = 2) -> Line:
    """A line presented with its debit balance (activa, lasten)."""
    return Line(id_, label, "line", sign=1, note=note, level=level)


def _p(
    id_: str, label: str, note: str | None = None, level: int = 2, takes_result: bool = False
) -> Line:
    """A line presented with its credit balance (passiva, vermogen, baten)."""
    return Line(id_, label, "line", sign=-1, note=note, level=level, takes_result=takes_result)


def _sum(id_: str, label: str, *ids: str, kind: LineKind = "subtotal", level: int = 1) -> Line:
    terms = tuple((-1, i[1:]) if i.startswith("-") else (1, i) for i in ids)
    return Line(id_, label, kind, sums=terms, level=level)


BALANS = Layout(
    id="enkelvoudig.balans",
    metadata_key="balans",
    title="Enkelvoudige balans per 31 december {year}",
    lines=(
        _h("activa", "ACTIVA"),
        _h("vaste_activa", "Vaste activa", level=1),
        _h("mva", "Materiële vaste activa", level=1, note="1"),
        _a("bedrijfsgebouwen", "Bedrijfsgebouwen en -terreinen"),
        _a("activa_in_uitvoering", "Activa in uitvoering"),
        _a("machines_installaties", "Machines en installaties"),
        _a("andere_vaste_bedrijfsmiddelen", "Andere vaste bedrijfsmiddelen"),
        _sum(
            "totaal_mva",
            "Totaal materiële vaste activa",
            "bedrijfsgebouwen",
            "activa_in_uitvoering",
            "machines_installaties",
            "andere_vaste_bedrijfsmiddelen",
        ),
        _h("fva", "Financiële vaste activa", level=1, note="2"),
        _a("deelnemingen", "Deelnemingen"),
        _a("overige_effecten", "Overige effecten"),
        _sum("totaal_fva", "Totaal financiële vaste activa", "deelnemingen", "overige_effecten"),
        _sum(
            "totaal_vaste_activa", "Totaal vaste activa", "totaal_mva", "totaal_fva", kind="total"
        ),
        _h("vlottende_activa", "Vlottende activa", level=1),
        _h("vorderingen", "Vorderingen", level=1),
        _a("handelsdebiteuren", "Handelsdebiteuren", note="3"),
        _a("gelieerde_ondernemingen", "Gelieerde ondernemingen"),
        _a("belastingen_vordering", "Belastingen", note="4"),
        _a("intercompany_vordering", "Intercompany", note="5"),
        _a("overlopende_activa", "Overige vorderingen en overlopende activa", note="6"),
        _sum(
            "totaal_vorderingen",
            "Totaal vorderingen",
            "handelsdebiteuren",
            "gelieerde_ondernemingen",
            "belastingen_vordering",
            "intercompany_vordering",
            "overlopende_activa",
        ),
        _a("liquide_middelen", "Liquide middelen", note="7", level=1),
        _sum(
            "totaal_vlottende_activa",
            "Totaal vlottende activa",
            "totaal_vorderingen",
            "liquide_middelen",
            kind="total",
        ),
        _sum(
            "totaal_activa",
            "Totaal activa",
            "totaal_vaste_activa",
            "totaal_vlottende_activa",
            kind="total",
            level=0,
        ),
        _h("passiva", "PASSIVA"),
        _h("eigen_vermogen", "Eigen vermogen", level=1, note="8"),
        _p("herwaarderingsreserves", "Herwaarderingsreserves"),
        _p("statutaire_reserve", "Statutaire reserve"),
        _p("bestemmingsreserves", "Bestemmingsreserves"),
        _p("overige_reserves", "Overige reserves"),
        _p("omrekenverschillen", "Omrekenverschillen"),
        _p("onverdeeld_resultaat", "Onverdeeld resultaat", takes_result=True),
        _sum(
            "totaal_eigen_vermogen",
            "Totaal eigen vermogen",
            "herwaarderingsreserves",
            "statutaire_reserve",
            "bestemmingsreserves",
            "overige_reserves",
            "omrekenverschillen",
            "onverdeeld_resultaat",
        ),
        _h("voorzieningen", "Voorzieningen", level=1, note="9"),
        _p("egalisatievoorziening", "Egalisatievoorziening"),
        _p("jubileumvoorziening", "Jubileumvoorziening"),
        _sum(
            "totaal_voorzieningen",
            "Totaal voorzieningen",
            "egalisatievoorziening",
            "jubileumvoorziening",
        ),
        _h("kortlopende_schulden", "Kortlopende schulden", level=1),
        _p("handelscrediteuren", "Handelscrediteuren", note="10"),
        _p("belastingen_schuld", "Belastingen en premie sociale verzekeringen", note="11"),
        _p("intercompany_schuld", "Intercompany", note="12"),
        _p("overlopende_passiva", "Overlopende passiva", note="13"),
        _p("overige_schulden", "Overige schulden", note="14"),
        _sum(
            "totaal_kortlopende_schulden",
            "Totaal kortlopende schulden",
            "handelscrediteuren",
            "belastingen_schuld",
            "intercompany_schuld",
            "overlopende_passiva",
            "overige_schulden",
        ),
        _sum(
            "totaal_passiva",
            "Totaal passiva",
            "totaal_eigen_vermogen",
            "totaal_voorzieningen",
            "totaal_kortlopende_schulden",
            kind="total",
            level=0,
        ),
    ),
)

BATEN_LASTEN = Layout(
    id="enkelvoudig.staat_van_baten_en_lasten",
    metadata_key="baten_lasten",
    title="Enkelvoudige staat van baten en lasten over {year}",
    lines=(
        _h("baten", "Baten"),
        _p("contributie", "Contributie", level=1),
        _p("bijdrage_projecten", "Bijdrage projecten", note="15", level=1),
        _p("overige_baten", "Overige baten", note="16", level=1),
        _sum(
            "som_der_baten",
            "Som der baten",
            "contributie",
            "bijdrage_projecten",
            "overige_baten",
            kind="total",
        ),
        _h("lasten", "Lasten"),
        _a("salarissen", "Salarissen", note="17", level=1),
        _a("sociale_lasten", "Sociale lasten en pensioenlasten", note="17", level=1),
        _a("overige_personeelslasten", "Overige personeelslasten", note="18", level=1),
        _a("afschrijvingen", "Afschrijvingen", note="1", level=1),
        _a("kantoor_huisvesting", "Kantoor- en huisvestingslasten", note="19", level=1),
        _a("activiteitslasten", "Activiteitslasten", note="20", level=1),
        _a("overige_lasten", "Overige lasten", note="21", level=1),
        _sum(
            "som_der_lasten",
            "Som der lasten",
            "salarissen",
            "sociale_lasten",
            "overige_personeelslasten",
            "afschrijvingen",
            "kantoor_huisvesting",
            "activiteitslasten",
            "overige_lasten",
            kind="total",
        ),
        _sum(
            "bedrijfsresultaat",
            "Bedrijfsresultaat",
            "som_der_baten",
            "-som_der_lasten",
            kind="total",
            level=0,
        ),
        _p("financiele_baten_lasten", "Financiële baten en lasten", note="22", level=1),
        _p("buitengewone_baten", "Buitengewone baten", level=1),
        _p("resultaat_deelnemingen", "Aandeel in resultaat van deelnemingen", note="23", level=1),
        _sum(
            "resultaat_voor_belastingen",
            "Resultaat voor belastingen",
            "bedrijfsresultaat",
            "financiele_baten_lasten",
            "buitengewone_baten",
            "resultaat_deelnemingen",
            kind="total",
            level=0,
        ),
        _a("vpb", "VPB", level=1),
        _sum("resultaat", "Resultaat", "resultaat_voor_belastingen", "-vpb", kind="total", level=0),
        _p("dekking_uit_vermogen", "Dekking uit het vermogen", level=1),
        _sum(
            "onverdeeld_resultaat",
            "Onverdeeld resultaat",
            "resultaat",
            "dekking_uit_vermogen",
            kind="total",
            level=0,
        ),
    ),
)

LAYOUTS: tuple[Layout, ...] = (BALANS, BATEN_LASTEN)

# Which layout an account must map to, by its root (the books' Dutch root names).
ROOT_LAYOUT: dict[str, Layout] = {
    "Activa": BALANS,
    "Passiva": BALANS,
    "Vermogen": BALANS,
    "Baten": BATEN_LASTEN,
    "Lasten": BATEN_LASTEN,
}


@dataclass(frozen=True)
class Saldering:
    """Per-item netting of a receivable against a payable, when the books say so.

    With the presentation ``subject`` set to ``gesaldeerd``, the accounts that carry
    ``meta_key`` are netted per value of that key; a net debit lands on
    ``debit_line``, a net credit on ``credit_line``.
    """

    subject: str
    meta_key: str
    debit_line: LineId
    credit_line: LineId


SUBSIDIES = Saldering("subsidies", "subsidie", "overlopende_activa", "overlopende_passiva")


# The geconsolideerde jaarrekening: its own lines (the published labels), reached by
# every entity's accounts through ``geconsolideerd_balans`` / ``geconsolideerd_baten_lasten``.
GECONSOLIDEERD_BALANS = Layout(
    id="geconsolideerd.balans",
    metadata_key="geconsolideerd_balans",
    title="Geconsolideerde balans per 31 december {year}",
    lines=(
        _h("activa", "ACTIVA"),
        _h("vaste_activa", "Vaste activa", level=1),
        _h("imva", "Immateriële vaste activa", level=1),
        _a("software", "Software"),
        _h("mva", "Materiële vaste activa", level=1, note="24"),
        _a("bedrijfsgebouwen", "Bedrijfsgebouwen en -terreinen"),
        _a("activa_in_uitvoering", "Activa in uitvoering"),
        _a("machines_installaties", "Machines en installaties"),
        _a("andere_vaste_bedrijfsmiddelen", "Andere vaste bedrijfsmiddelen"),
        _sum(
            "totaal_mva",
            "Totaal materiële vaste activa",
            "bedrijfsgebouwen",
            "activa_in_uitvoering",
            "machines_installaties",
            "andere_vaste_bedrijfsmiddelen",
        ),
        _h("fva", "Financiële vaste activa", level=1),
        _a("deelnemingen", "Deelnemingen"),
        _a("overige_effecten", "Overige effecten"),
        _a("leningen_ug", "Leningen u/g"),
        _sum(
            "totaal_fva",
            "Totaal financiële vaste activa",
            "deelnemingen",
            "overige_effecten",
            "leningen_ug",
        ),
        _sum(
            "totaal_vaste_activa",
            "Totaal vaste activa",
            "software",
            "totaal_mva",
            "totaal_fva",
            kind="total",
        ),
        _h("vlottende_activa", "Vlottende activa", level=1),
        _h("vorderingen", "Vorderingen", level=1),
        _a("handelsdebiteuren", "Handelsdebiteuren"),
        _a("gelieerde_ondernemingen", "Gelieerde ondernemingen"),
        _a("overige_vorderingen", "Overige vorderingen"),
        _a("overlopende_activa", "Overlopende activa"),
        _sum(
            "totaal_vorderingen",
            "Totaal vorderingen",
            "handelsdebiteuren",
            "gelieerde_ondernemingen",
            "overige_vorderingen",
            "overlopende_activa",
        ),
        _a("liquide_middelen", "Liquide middelen", note="25", level=1),
        _sum(
            "totaal_vlottende_activa",
            "Totaal vlottende activa",
            "totaal_vorderingen",
            "liquide_middelen",
            kind="total",
        ),
        _sum(
            "totaal_activa",
            "Totaal activa",
            "totaal_vaste_activa",
            "totaal_vlottende_activa",
            kind="total",
            level=0,
        ),
        _h("passiva", "PASSIVA"),
        _h("eigen_vermogen", "Eigen vermogen", level=1),
        _p("groepsvermogen", "Groepsvermogen", takes_result=True),
        _p("aandeel_derden", "Aandeel derden"),
        _sum("totaal_eigen_vermogen", "Totaal eigen vermogen", "groepsvermogen", "aandeel_derden"),
        _h("voorzieningen_kop", "Voorzieningen", level=1, note="26"),
        _p("voorzieningen", "Voorzieningen"),
        _h("kortlopende_schulden", "Kortlopende schulden", level=1),
        _p("handelscrediteuren", "Handelscrediteuren"),
        _p("belastingen_schuld", "Belastingen en premie sociale verzekeringen"),
        _p("overlopende_passiva", "Overlopende passiva", note="27"),
        _p("overige_schulden", "Overige schulden", note="28"),
        _sum(
            "totaal_kortlopende_schulden",
            "Totaal kortlopende schulden",
            "handelscrediteuren",
            "belastingen_schuld",
            "overlopende_passiva",
            "overige_schulden",
        ),
        _sum(
            "totaal_passiva",
            "Totaal passiva",
            "totaal_eigen_vermogen",
            "voorzieningen",
            "totaal_kortlopende_schulden",
            kind="total",
            level=0,
        ),
    ),
)

GECONSOLIDEERD_BATEN_LASTEN = Layout(
    id="geconsolideerd.staat_van_baten_en_lasten",
    metadata_key="geconsolideerd_baten_lasten",
    title="Geconsolideerde staat van baten en lasten over {year}",
    lines=(
        _h("baten", "Baten"),
        _p("contributies", "Contributies", level=1),
        _p("bijdrage_projecten", "Bijdrage projecten", level=1),
        _p("vergoeding_diensten", "Vergoeding geleverde diensten", note="29", level=1),
        _p("overige_baten", "Overige baten", note="30", level=1),
        _sum(
            "som_der_baten",
            "Som der baten",
            "contributies",
            "bijdrage_projecten",
            "vergoeding_diensten",
            "overige_baten",
            kind="total",
        ),
        _h("lasten", "Lasten"),
        _a("salarissen", "Salarissen", note="31", level=1),
        _a("sociale_lasten", "Sociale lasten", note="31", level=1),
        _a("pensioenbijdragen", "Pensioenbijdragen", note="31", level=1),
        _a("overige_personeelslasten", "Overige personeelslasten", note="31", level=1),
        _a("afschrijvingen_imva", "Afschrijvingen IMVA", level=1),
        _a("afschrijvingen_mva", "Afschrijvingen MVA", level=1),
        _a("activiteitslasten", "Activiteitslasten", level=1),
        _a("overige_lasten", "Overige lasten", note="32", level=1),
        _sum(
            "som_der_lasten",
            "Som der lasten",
            "salarissen",
            "sociale_lasten",
            "pensioenbijdragen",
            "overige_personeelslasten",
            "afschrijvingen_imva",
            "afschrijvingen_mva",
            "activiteitslasten",
            "overige_lasten",
            kind="total",
        ),
        _sum(
            "bedrijfsresultaat",
            "Bedrijfsresultaat",
            "som_der_baten",
            "-som_der_lasten",
            kind="total",
            level=0,
        ),
        _h("financieel", "Financiële baten en lasten"),
        _p("opbrengst_effecten", "Opbrengst van effecten", level=1),
        _p("rentebaten", "(Rente)baten", level=1),
        _p("rentelasten", "(Rente)lasten", level=1),
        _sum(
            "som_financieel",
            "Som der financiële baten en lasten",
            "opbrengst_effecten",
            "rentebaten",
            "rentelasten",
        ),
        _p("resultaat_deelnemingen", "Resultaat deelnemingen", level=1),
        _p("bijzondere_baten_lasten", "Bijzondere baten en lasten", level=1),
        _p("voorgaande_jaren", "Resultaat uit voorgaande jaren", level=1),
        _sum(
            "resultaat_voor_vpb",
            "Resultaat uit gewone bedrijfsuitoefening voor Vpb",
            "bedrijfsresultaat",
            "som_financieel",
            "resultaat_deelnemingen",
            "bijzondere_baten_lasten",
            "voorgaande_jaren",
            kind="total",
            level=0,
        ),
        _p("vpb", "Vennootschapsbelasting", level=1),
        _p("aandeel_derden_resultaat", "Aandeel derden in het resultaat", level=1),
        _sum(
            "resultaat",
            "Resultaat",
            "resultaat_voor_vpb",
            "vpb",
            "aandeel_derden_resultaat",
            kind="total",
            level=0,
        ),
        _p("dekking_uit_vermogen", "Dekking uit het vermogen", level=1),
        _sum(
            "onverdeeld_resultaat",
            "Onverdeeld resultaat",
            "resultaat",
            "dekking_uit_vermogen",
            kind="total",
            level=0,
        ),
    ),
)

LAYOUTS = (BALANS, BATEN_LASTEN, GECONSOLIDEERD_BALANS, GECONSOLIDEERD_BATEN_LASTEN)


@dataclass(frozen=True)
class Flow:
    """A line of the geconsolideerd kasstroomoverzicht (indirect method), in cash's sign
    (an inflow is positive). Its amount is the sum of:

    - minus the movement over the year of the balance lines in ``movement`` (books'
      sign: a growing asset is cash spent, a growing liability cash kept);
    - the result lines in ``add_back`` (books' sign: a cost without cash, such as the
      afschrijvingen, counted back);
    - minus the result lines in ``result`` (a baat received is cash in);
    - for ``rule``, a movement the consolidation computes: ``bedrijfsresultaat`` (the
      result without the lines in ``result``), ``omrekenverschillen`` (the equity
      movement outside the result and the herwaardering), ``herwaardering`` (the
      revaluation, an equity movement without cash, counted back), ``liquide`` (the
      movement of the balance lines in ``movement`` itself: the check line).

    A ``subtotal`` or ``total`` adds the flows in ``parts``. A balance account may say
    on its ``open`` that its movement is another flow's (``kasstroom: "vpb"`` on the
    vennootschapsbelasting payable: the tax paid, not the movement of the schulden).
    """

    id: LineId
    label: str
    kind: LineKind = "line"
    level: int = 1
    movement: tuple[LineId, ...] = ()
    add_back: tuple[LineId, ...] = ()
    result: tuple[LineId, ...] = ()
    rule: Literal["bedrijfsresultaat", "omrekenverschillen", "herwaardering", "liquide"] | None = (
        None
    )
    parts: tuple[LineId, ...] = ()


KASSTROOM_METADATA_KEY = "kasstroom"
_VORDERINGEN = ("handelsdebiteuren", "gelieerde_ondernemingen", "overige_vorderingen")
_FINANCIEEL = (
    ("ontvangen_interest", "Ontvangen interest", "rentebaten"),
    ("betaalde_interest", "Betaalde interest", "rentelasten"),
    ("resultaat_effecten", "Resultaat effecten", "opbrengst_effecten"),
    ("bijzondere_baten_lasten", "Buitengewone baten en lasten", "bijzondere_baten_lasten"),
    ("voorgaande_jaren", "Resultaat voorgaande jaren", "voorgaande_jaren"),
)
_BEDRIJFSOPERATIES = (
    "bedrijfsresultaat",
    "afschrijvingen",
    "vorderingen",
    "voorzieningen",
    "kortlopende_schulden",
)

KASSTROOM: tuple[Flow, ...] = (
    Flow(
        "bedrijfsresultaat",
        "Bedrijfsresultaat",
        rule="bedrijfsresultaat",
        result=(
            *(line for _, _, line in _FINANCIEEL),
            "vpb",
            "dekking_uit_vermogen",
            "resultaat_deelnemingen",
            "aandeel_derden_resultaat",
        ),
    ),
    Flow(
        "afschrijvingen",
        "Afschrijvingen en waardeverminderingen",
        add_back=("afschrijvingen_imva", "afschrijvingen_mva"),
    ),
    Flow(
        "vorderingen",
        "Mutatie vorderingen",
        movement=(*_VORDERINGEN, "overlopende_activa"),
    ),
    Flow("voorzieningen", "Mutatie voorzieningen", movement=("voorzieningen",)),
    Flow(
        "kortlopende_schulden",
        "Mutatie kortlopende schulden",
        movement=(
            "handelscrediteuren",
            "belastingen_schuld",
            "overlopende_passiva",
            "overige_schulden",
        ),
    ),
    Flow(
        "bedrijfsoperaties", "Kasstroom uit bedrijfsoperaties", "subtotal", parts=_BEDRIJFSOPERATIES
    ),
    *(Flow(key, label, result=(line,)) for key, label, line in _FINANCIEEL),
    Flow("omrekenverschillen", "Mutatie omrekenverschillen", rule="omrekenverschillen"),
    Flow("vpb", "Betaalde/ontvangen vennootschapsbelasting", result=("vpb",)),
    Flow(
        "operationeel",
        "Kasstroom uit operationele activiteiten",
        "subtotal",
        parts=(
            "bedrijfsoperaties",
            *(key for key, _, _ in _FINANCIEEL),
            "vpb",
            "omrekenverschillen",
        ),
    ),
    Flow(
        "imva",
        "(Des)investeringen in immateriële vaste activa",
        movement=("software",),
        result=("afschrijvingen_imva",),
    ),
    Flow(
        "mva",
        "(Des)investeringen in materiële vaste activa",
        movement=(
            "bedrijfsgebouwen",
            "activa_in_uitvoering",
            "machines_installaties",
            "andere_vaste_bedrijfsmiddelen",
        ),
        result=("afschrijvingen_mva",),
    ),
    Flow(
        "fva",
        "Investeringen in financiële vaste activa",
        movement=("overige_effecten", "leningen_ug", "deelnemingen"),
        rule="herwaardering",
    ),
    Flow(
        "investering",
        "Kasstroom uit investeringsactiviteiten",
        "subtotal",
        parts=("imva", "mva", "fva"),
    ),
    Flow("financiering", "Kasstroom uit financieringsactiviteiten", level=0),
    Flow(
        "netto_kasstroom",
        "Netto kasstroom",
        "total",
        parts=("operationeel", "investering", "financiering"),
    ),
    Flow(
        "mutatie_liquide",
        "Mutatie liquide middelen (01-01 t/m 31-12)",
        level=0,
        movement=("liquide_middelen",),
        rule="liquide",
    ),
)

# The overzicht mutatie eigen vermogen of the group: line id and label; the last line
# is the total of the others, and closes on the groepsvermogen of the balans.
MUTATIE_EIGEN_VERMOGEN: tuple[tuple[LineId, str], ...] = (
    ("resultaat", "Geconsolideerd nettoresultaat na belastingen toekomend aan de rechtspersoon"),
    ("herwaardering", "Mutatie herwaarderingsreserve"),
    ("omrekenverschillen", "Omrekenverschillen"),
    ("overige", "Overige mutaties"),
    ("mutatie", "Mutatie eigen vermogen"),
)
