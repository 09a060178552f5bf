"""The texts of the Financieel Jaarverslag, as data in the books.

Each section of the report that is prose is one ``custom "vng-tekst"`` entry: the
year of the report, the section's key (its place in the document), its heading, and
the text as the entry's only metadata ``tekst`` (which starts on the line after the
entry, so a line of the text has a line in the file)::

    2025-04-01 custom "vng-tekst" 2024 "liquiditeitspositie" "Liquiditeitspositie"
      tekst: "Ultimo {jaar} bedraagt de liquiditeitspositie {liquiditeitspositie:miljoen}.

    - een lege regel begint een nieuwe alinea, een regel met '- ' een opsomming"

A figure is never typed into a text: it is a placeholder ``{name}`` or ``{name:vorm}``,
filled by the build from the statements. ``FIGUREN`` lists the names, ``VORMEN`` the
forms (``miljoen`` € 1,234 miljoen, ``duizend`` € 1.234 — the default —,
``miljoen_abs``, ``duizend_abs`` and ``procent_abs`` without the sign, ``procent``
26,42%, ``procent_1`` 8,9% and ``procent_0`` 27% (each also ``_abs``), ``teken``
positief/negatief, ``richting`` hoger/lager, ``getal`` a count as the books give it,
328,59). A line of the staat van baten en lasten or of one of its notes
is a figure too: ``realisatie.<regel>``, ``begroot.<regel>``, ``vorig_jaar.<regel>``,
``verschil_begroting.<regel>``, ``verschil_vorig_jaar.<regel>``, ``<regel>`` a line of
the staat or ``<toelichting>.<regel>`` (``<toelichting>.totaal`` the note's total); the
aandeel of one deelneming in the resultaat deelnemingen is ``deelneming.<entiteit>``
(and ``deelneming_vorig_jaar.<entiteit>``). A deelneming set against its own begroting
(Fava budgets in its books, the lines of its result by the ``resultaatanalyse`` of its
accounts): ``realisatie_deelneming.<entiteit>.<regel>``,
``begroot_deelneming.<entiteit>.<regel>``,
``verschil_begroting_deelneming.<entiteit>.<regel>`` (realisatie min begroot) and
``afwijking_begroting_deelneming.<entiteit>.<regel>`` (that difference as a part of the
begroting), ``vorig_jaar_deelneming``, ``verschil_vorig_jaar_deelneming`` and
``groei_deelneming`` (the same against the year before), ``marge_deelneming`` (the line
as a part of the company's omzet, the row ``<entiteit>.omzet``), with ``<regel>``
``resultaat`` (the result before tax), a line of its analysis (``brutomarge``) or a
part of a line (``projectmarge.omzet``), in the sign of the result: a cost is negative,
a difference that raises the result positive. A deelneming's result after the VpB it
bears is ``deelneming_na_vpb.<entiteit>``, that result as a part of its eigen vermogen
at the year-end ``rendement_deelneming.<entiteit>`` (each also ``_vorig_jaar``). A
heading may name the years only (``{jaar}``, ``{vorig_jaar}``, ``{volgend_jaar}``). The
check (the plugin ``vng_accounts.plugins.teksten``, so ``vng check``, bean-check and
Fava show it) reports, at the text's ``file:line``:

- a placeholder that names no figure or no form, or a section key the report lacks;
- a number typed in: an amount (digits with a thousands or decimal separator), a
  percentage, a number after € or before "miljoen", or a year (a four-digit number
  from 1900 to 2100: ``{jaar}``, ``{vorig_jaar}`` or ``{volgend_jaar}`` instead). A
  plain number that is no figure (an article of the statuten, a Richtlijn) may stand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from beancount.core import data

from vng_accounts.errors import BooksError
from vng_accounts.layouts import BATEN_LASTEN
from vng_accounts.toelichting import NOTES_BY_KEY

ENTRY = "vng-tekst"

# The sections of the report, in its order: key -> what it holds.
SECTIES: dict[str, str] = {
    "voorwoord": "voorwoord",
    "financieel_beleid": "financieel beleid (bestuursverslag)",
    "samenstelling_baten_lasten": "samenstelling van de baten en lasten",
    "beleggingsportefeuille": "beleggingsportefeuille en haar resultaat",
    "herwaarderingsreserve": "herwaarderingsreserve",
    "liquiditeitspositie": "liquiditeitspositie",
    "vermogen_en_solvabiliteit": "vermogen en solvabiliteit",
    "fraude_en_continuiteit": "fraude en continuïteit",
    "mvo": "maatschappelijk verantwoord ondernemen",
    "deelnemingen": "deelnemingen",
    "resultaatontwikkeling": "resultaatontwikkeling",
    "vergelijking_begroting": "vergelijking realisatie met begroting",
    "vergelijking_vorig_jaar": "vergelijking realisatie met vorig jaar",
    "bedrijfsrisicos": "toelichting op de bedrijfsrisico's",
    "resultaat_toelichting": "toelichting bij de staat van baten en lasten",
    "resultaatbestemming": "resultaatbestemming (enkelvoudig)",
    "toelichting_algemeen": "toelichting algemeen",
    "grondslagen": "grondslagen voor waardering en resultaatbepaling",
    "verbonden_partijen": "verbonden partijen en consolidatie",
    "grondslagen_posten": "grondslagen per post (nevenvestigingen tot pensioenen)",
    "grondslagen_kasstroomoverzicht": "algemene grondslagen kasstroomoverzicht",
    "overige_informatie": "overige informatie (rente- en kredietrisico's, tekstuele analyse)",
    "noot_voorzieningen": "voorzieningen (9): wat zij dekken, onder de kop van de noot",
    "noot_egalisatievoorziening": "egalisatievoorziening (9), na haar verloop",
    "noot_ambtsjubilea": "voorziening ambtsjubilea (9), na haar verloop",
    "niet_in_de_balans": "niet in de balans opgenomen rechten en verplichtingen",
    "fiscale_eenheid": "Wet Ketenaansprakelijkheid en hoofdelijke aansprakelijkheid",
    "noot_personeelslasten": "salarissen, sociale lasten en pensioenlasten (17), na de tabel",
    "toelichting_deelnemingen": "de deelnemingen en hun resultaat, na resultaat deelnemingen (23)",
    "wnt": "de inleiding van de WNT-verantwoording",
    "geconsolideerde_resultaatbestemming": "resultaatbestemming (geconsolideerd)",
    "groep_fiscale_eenheid": "fiscale eenheden van de groep (geconsolideerd)",
    "gebeurtenissen_na_balansdatum": "gebeurtenissen na balansdatum",
    "ketenaansprakelijkheid": "Wet Ketenaansprakelijkheid (geconsolideerd)",
    "geconsolideerd_algemeen": "algemeen (toelichting op de geconsolideerde baten en lasten)",
    "overige_gegevens": "overige gegevens",
}

# The sections of the geconsolideerde jaarrekening: left out of a report without one.
GROEP_SECTIES = frozenset(
    {
        "geconsolideerde_resultaatbestemming",
        "groep_fiscale_eenheid",
        "ketenaansprakelijkheid",
        "geconsolideerd_algemeen",
        "toelichting_deelnemingen",  # the figures of the deelnemingen come with the group
    }
)

# The figures a text may name: name -> what it is (computed by statements.verslag).
FIGUREN: dict[str, str] = {
    "jaar": "het verslagjaar",
    "vorig_jaar": "het jaar ervoor",
    "volgend_jaar": "het jaar erna",
    "baten": "som der baten",
    "lasten": "som der lasten",
    "begrote_baten": "som der baten, begroot",
    "begrote_lasten": "som der lasten, begroot",
    "bedrijfsresultaat": "bedrijfsresultaat",
    "begroot_bedrijfsresultaat": "bedrijfsresultaat, begroot",
    "bedrijfsresultaat_vorig_jaar": "bedrijfsresultaat van het jaar ervoor",
    "bedrijfsresultaat_t_o_v_begroting": "bedrijfsresultaat min begroot bedrijfsresultaat",
    "bedrijfsresultaat_t_o_v_vorig_jaar": "bedrijfsresultaat min dat van het jaar ervoor",
    "financiele_baten_lasten": "financiële baten en lasten",
    "financiele_baten_lasten_vorig_jaar": "financiële baten en lasten van het jaar ervoor",
    "resultaat_deelnemingen": "aandeel in het resultaat van deelnemingen",
    "resultaat_deelnemingen_vorig_jaar": "aandeel in resultaat deelnemingen, jaar ervoor",
    "resultaat": "resultaat (voor de dekking uit het vermogen)",
    "dekking_uit_vermogen": "dekking uit het vermogen",
    "begrote_dekking_uit_vermogen": "dekking uit het vermogen, begroot",
    "onverdeeld_resultaat": "onverdeeld resultaat",
    "onverdeeld_resultaat_vorig_jaar": "onverdeeld resultaat van het jaar ervoor",
    "onverdeeld_resultaat_t_o_v_begroting": "onverdeeld resultaat min begroot",
    "onverdeeld_resultaat_t_o_v_vorig_jaar": "onverdeeld resultaat min dat van het jaar ervoor",
    "solvabiliteit": "solvabiliteit per balansdatum",
    "solvabiliteit_vorig_jaar": "solvabiliteit een jaar eerder",
    "solvabiliteit_bruto_vorig_jaar": "solvabiliteit een jaar eerder, subsidies bruto",
    "liquiditeitspositie": "liquiditeitspositie per balansdatum",
    "liquiditeitspositie_vorig_jaar": "liquiditeitspositie een jaar eerder",
    "herwaarderingsreserve": "herwaarderingsreserve per balansdatum",
    "mutatie_herwaarderingsreserve": "mutatie van de herwaarderingsreserve",
    "eigen_vermogen": "eigen vermogen per balansdatum",
    "bestemmingsreserves": "bestemmingsreserves per balansdatum",
    "beleggingsresultaat": "resultaat van de beleggingsportefeuille",
    "dividenden": "dividenden na dividendbelasting",
    "koersresultaat": "koersresultaat (gerealiseerd en ongerealiseerd)",
    "effectenportefeuille": "effectenportefeuille per balansdatum",
    "waarde_beleggingsportefeuille": "beleggingsportefeuille met rekening courant, balansdatum",
    "waarde_beleggingsportefeuille_vorig_jaar": "beleggingsportefeuille een jaar eerder",
    "rekening_courant_effecten": "saldo rekening courant van de effectenbewaarder",
    "mutatie_beleggingsportefeuille": "toename van de beleggingsportefeuille in het jaar",
    "groei_beleggingsportefeuille": "toename van de beleggingsportefeuille als deel ervan",
    "rendement_beleggingsportefeuille": "beleggingsresultaat als deel van de waarde ervoor",
    "verplichtingen": "niet in de balans opgenomen verplichtingen, totaal",
    "mutatie_egalisatievoorziening": "mutatie van de egalisatievoorziening in het jaar",
    "fte_ultimo": "bezetting in fte per balansdatum",
    "fte_ultimo_vorig_jaar": "bezetting in fte een jaar eerder",
    "uitstroom": "uitstroompercentage van het jaar (in procenten, zoals de boeken het geven)",
    "uitstroom_vorig_jaar": "uitstroompercentage van het jaar ervoor",
    "salarislasten_per_fte": "salarissen, sociale lasten en pensioenlasten per fte ultimo",
    "salarislasten_per_fte_vorig_jaar": "hetzelfde over het jaar ervoor",
    "groepsresultaat": "geconsolideerd resultaat",
    "groepsresultaat_vorig_jaar": "geconsolideerd resultaat van het jaar ervoor",
    "groep_bedrijfsresultaat": "geconsolideerd bedrijfsresultaat",
    "groep_bedrijfsresultaat_vorig_jaar": "geconsolideerd bedrijfsresultaat van het jaar ervoor",
    "groep_onverdeeld_resultaat": "geconsolideerd onverdeeld resultaat",
    "groep_dekking_uit_vermogen": "geconsolideerde dekking uit het vermogen",
    "groep_vpb": "vennootschapsbelasting van de groep (de fiscale eenheid)",
    "wnt_bezoldigingsmaximum": "het WNT-bezoldigingsmaximum van het jaar",
    "wnt_aandeel_voorzitter": "het deel daarvan voor de voorzitter van het toezicht",
    "wnt_aandeel_lid": "het deel daarvan voor een lid van het toezicht",
}

VORMEN = frozenset(
    {
        "miljoen",
        "miljoen_abs",
        "duizend",
        "duizend_abs",
        "procent",
        "procent_abs",
        "procent_1",
        "procent_1_abs",
        "procent_0",
        "procent_0_abs",
        "teken",
        "richting",
        "getal",
    }
)
# A line of the staat van baten en lasten or of one of its notes, as a figure:
# ``<soort>.<regel>`` or ``<soort>.<toelichting>.<regel>``.
LINE_KINDS = ("realisatie", "begroot", "vorig_jaar", "verschil_begroting", "verschil_vorig_jaar")
# The aandeel of one deelneming in the resultaat deelnemingen (23), by the key of its
# entity in the group's books: ``deelneming.<key>``, ``deelneming_vorig_jaar.<key>``.
DEELNEMING_KINDS = ("deelneming", "deelneming_vorig_jaar")
# The same after the part of the fiscal unity's VpB it bears, and that result as a
# part of its eigen vermogen at the year-end (the net assets in its own books):
# ``deelneming_na_vpb.<key>``, ``rendement_deelneming.<key>``, each also ``_vorig_jaar``.
DEELNEMING_NA_VPB_KINDS = (
    "deelneming_na_vpb",
    "deelneming_na_vpb_vorig_jaar",
    "rendement_deelneming",
    "rendement_deelneming_vorig_jaar",
)
# A deelneming against its own begroting: ``<soort>.<entiteit>.<regel>``.
BEGROTING_DEELNEMING_KINDS = (
    "realisatie_deelneming",
    "begroot_deelneming",
    "verschil_begroting_deelneming",
    "afwijking_begroting_deelneming",
    "vorig_jaar_deelneming",
    "verschil_vorig_jaar_deelneming",
    "groei_deelneming",
    "marge_deelneming",
)


def is_figure(name: str) -> bool:
    """Whether ``name`` names a figure the statements compute."""
    if name in FIGUREN:
        return True
    kind, _, ref = name.partition(".")
    if kind in DEELNEMING_KINDS or kind in DEELNEMING_NA_VPB_KINDS:
        return bool(re.fullmatch(r"[a-z_]+", ref))
    if kind in BEGROTING_DEELNEMING_KINDS:
        return bool(re.fullmatch(r"[a-z_]+\.[a-z_]+(?:\.[a-z_]+)?", ref))
    if kind not in LINE_KINDS:
        return False
    note, _, line = ref.partition(".")
    if not line:
        return any(layout_line.id == ref for layout_line in BATEN_LASTEN.lines)
    found = NOTES_BY_KEY.get(note)
    if found is None or found.kind != "baten_lasten":
        return False
    return line in found.labels() or line == "totaal"  # the note's total


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TYPED = (
    (re.compile(r"\d+(?:[.,]\d+)*\s*%"), "een percentage"),
    (re.compile(r"€\s*\d+(?:[.,]\d+)*"), "een bedrag in euro"),
    (re.compile(r"\d+(?:[.,]\d+)*\s*miljoen"), "een bedrag in miljoenen"),
    (re.compile(r"\d{1,3}(?:[.,]\d+)+"), "een bedrag"),
    (re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)"), "een jaartal"),
)


@dataclass(frozen=True)
class Tekst:
    """One section's text as the books hold it, placeholders and all."""

    year: int
    key: str
    title: str
    text: str
    filename: str
    lineno: int  # the line of the entry; the text's first line is the next one

    def line_of(self, offset: int) -> int:
        """The file's line of the character at ``offset`` in the text (-1: the
        heading, on the entry's own line)."""
        if offset < 0:
            return self.lineno
        return self.lineno + 1 + self.text.count("\n", 0, offset)

    def meta(self, offset: int = 0) -> dict[str, Any]:
        return {"filename": self.filename, "lineno": self.line_of(offset)}


def read_teksten(
    entries: Iterable[data.Directive],
) -> tuple[tuple[Tekst, ...], list[BooksError]]:
    """Every ``vng-tekst`` entry, and the errors of those that are not well formed."""
    texts: list[Tekst] = []
    errors: list[BooksError] = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != ENTRY:
            continue
        values = [v.value for v in entry.values]
        body = entry.meta.get("tekst")
        if len(values) != 3 or not isinstance(body, str) or not str(values[0]).isdigit():
            message = f'{ENTRY}: verwacht jaar, sectie, kop en metadata tekst: "..." ({values})'
            errors.append(BooksError(entry.meta, message, entry))
            continue
        texts.append(
            Tekst(
                int(values[0]),
                str(values[1]),
                str(values[2]),
                body,
                str(entry.meta.get("filename", "")),
                int(entry.meta.get("lineno", 0)),
            )
        )
    return tuple(texts), errors


def placeholders(tekst: Tekst) -> list[tuple[int, str, str | None]]:
    """(offset, name, form) of each placeholder of ``tekst``."""
    found = []
    for match in PLACEHOLDER.finditer(tekst.text):
        name, _, form = match.group(1).strip().partition(":")
        found.append((match.start(), name.strip(), form.strip() or None))
    return found


def check_tekst(tekst: Tekst, entry: data.Directive | None = None) -> list[BooksError]:
    """What is wrong with ``tekst``, each at its own line."""
    errors: list[BooksError] = []
    if tekst.key not in SECTIES:
        known = ", ".join(SECTIES)
        errors.append(BooksError(tekst.meta(), f"onbekende sectie {tekst.key!r} ({known})", entry))
    for offset, name, form in placeholders(tekst):
        if not is_figure(name):
            message = f"plaatshouder {{{name}}} noemt geen berekend bedrag"
            errors.append(BooksError(tekst.meta(offset), message, entry))
        elif form is not None and form not in VORMEN:
            message = (
                f"plaatshouder {{{name}:{form}}}: onbekende vorm ({', '.join(sorted(VORMEN))})"
            )
            errors.append(BooksError(tekst.meta(offset), message, entry))
    for name in title_placeholders(tekst.title):
        if name not in YEARS:
            message = f"kop {tekst.title!r}: een kop noemt alleen de jaren ({', '.join(YEARS)})"
            errors.append(BooksError(tekst.meta(-1), message, entry))
    for match, what in typed_numbers(tekst.title):
        message = f"getypt getal {match.group(0)!r} ({what}) in de kop van {tekst.key}"
        errors.append(BooksError(tekst.meta(-1), message, entry))
    for match, what in typed_numbers(tekst.text):
        message = (
            f"getypt getal {match.group(0)!r} ({what}) in tekst {tekst.key}: "
            "gebruik een plaatshouder voor het berekende bedrag"
        )
        errors.append(BooksError(tekst.meta(match.start()), message, entry))
    return errors


YEARS = ("jaar", "vorig_jaar", "volgend_jaar")


def title_placeholders(title: str) -> list[str]:
    """The names of the placeholders in a heading."""
    return [m.group(1).strip() for m in PLACEHOLDER.finditer(title)]


def typed_numbers(value: str) -> list[tuple[re.Match[str], str]]:
    """The numbers typed into ``value`` where a figure belongs, each once (the widest
    reading of it), outside the placeholders."""
    bare = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), value)
    found = sorted(
        ((m, what) for pattern, what in _TYPED for m in pattern.finditer(bare)),
        key=lambda item: (item[0].start(), -len(item[0].group(0))),
    )
    kept: list[tuple[re.Match[str], str]] = []
    for match, what in found:
        if not kept or match.start() >= kept[-1][0].end():
            kept.append((match, what))
    return kept


def texts_of_year(texts: Iterable[Tekst], year: int) -> Mapping[str, Tekst]:
    """The texts of the report over ``year``, by section."""
    return {t.key: t for t in texts if t.year == year}
