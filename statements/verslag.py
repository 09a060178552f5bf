"""The texts of the jaarverslag with their figures: every placeholder of a text in
the books (``vng_accounts.teksten``) filled from the statements, rounded once, here,
the way the report writes them (``€ 3,396 miljoen``, ``€ 1.234``, ``26,42%``,
``328,59``).

A figure is a named amount of the statements (``FIGUREN``) or a line of the staat van
baten en lasten or of one of its notes: ``realisatie.<regel>``, ``begroot.<regel>``,
``vorig_jaar.<regel>``, ``verschil_begroting.<regel>``, ``verschil_vorig_jaar.<regel>``
with ``<regel>`` a line id of the staat (``overige_personeelslasten``) or
``<toelichting>.<regel>`` (``overige_personeelslasten.uitzendkrachten``), or the aandeel of one
deelneming (``deelneming.risicobeheer``, ``deelneming_vorig_jaar.risicobeheer``), or
a line of a deelneming against its own begroting or the year before
(``begroot_deelneming.connect.brutomarge``, ``groei_deelneming.realisatie.omzet``, from
the table ``consolidatie.begroting_deelnemingen`` of the consolidation), or a
deelneming's result after VpB and its rendement on its eigen vermogen
(``rendement_deelneming.international``). A
placeholder that names no figure, or a figure this jaarrekening does not hold, stops
the build with the text's ``file:line``; the sections of the geconsolideerde
jaarrekening are left out of a jaarrekening without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from statements.errors import StatementError
from statements.table import Amount, StatementTable
from vng_accounts.teksten import (
    BEGROTING_DEELNEMING_KINDS,
    DEELNEMING_KINDS,
    DEELNEMING_NA_VPB_KINDS,
    FIGUREN,
    GROEP_SECTIES,
    LINE_KINDS,
    PLACEHOLDER,
    Tekst,
    check_tekst,
    placeholders,
)

Figure = Decimal | int

DEELNEMINGEN = "toelichting.resultaat_deelnemingen"  # the aandeel per deelneming (23)
# the deelnemingen against their own begroting (statements.consolidatie.geconsolideerd)
BEGROTING_DEELNEMINGEN = "consolidatie.begroting_deelnemingen"
# each deelneming's result after the VpB it bears, and its eigen vermogen
NA_VPB = "kerninformatie.aandeel_vng_bedrijven"
VERMOGEN_DEELNEMINGEN = "consolidatie.vermogen_deelnemingen"


def _minus(left: Amount, right: Amount) -> Amount:
    if left is None and right is None:
        return None
    return (left or Decimal(0)) - (right or Decimal(0))


def _pick(kind: str, amounts: tuple[Amount, ...]) -> Amount:
    """A figure of a line with columns realisatie, begroot, realisatie vorig jaar."""
    if kind == "realisatie":
        return amounts[0]
    if kind == "begroot":
        return amounts[1]
    if kind == "vorig_jaar":
        return amounts[2]
    return _minus(amounts[0], amounts[1] if kind == "verschil_begroting" else amounts[2])


@dataclass(frozen=True)
class Gevuld:
    """A section of the report with its figures filled in."""

    key: str
    title: str
    text: str


def _amount(tables: Mapping[str, StatementTable], table: str, row: str, column: int) -> Amount:
    found = tables.get(table)
    if found is None:
        return None
    for candidate in found.rows:
        if candidate.id == row:
            return candidate.amounts[column] if column < len(candidate.amounts) else None
    return None


def figures(tables: Mapping[str, StatementTable], year: int) -> dict[str, Figure]:
    """Every named figure the statements hold (a figure they lack is absent)."""
    svbl, balans = "enkelvoudig.staat_van_baten_en_lasten", "enkelvoudig.balans"
    kengetallen, groep = "enkelvoudig.kengetallen", "geconsolideerd.staat_van_baten_en_lasten"
    beleggingen = "bestuursverslag.beleggingsresultaat"
    portefeuille = "bestuursverslag.beleggingsportefeuille"
    pairs: dict[str, tuple[str, str, int]] = {
        "baten": (svbl, "som_der_baten", 0),
        "begrote_baten": (svbl, "som_der_baten", 1),
        "lasten": (svbl, "som_der_lasten", 0),
        "begrote_lasten": (svbl, "som_der_lasten", 1),
        "bedrijfsresultaat": (svbl, "bedrijfsresultaat", 0),
        "begroot_bedrijfsresultaat": (svbl, "bedrijfsresultaat", 1),
        "bedrijfsresultaat_vorig_jaar": (svbl, "bedrijfsresultaat", 2),
        "financiele_baten_lasten": (svbl, "financiele_baten_lasten", 0),
        "financiele_baten_lasten_vorig_jaar": (svbl, "financiele_baten_lasten", 2),
        "resultaat_deelnemingen": (svbl, "resultaat_deelnemingen", 0),
        "resultaat_deelnemingen_vorig_jaar": (svbl, "resultaat_deelnemingen", 2),
        "resultaat": (svbl, "resultaat", 0),
        "dekking_uit_vermogen": (svbl, "dekking_uit_vermogen", 0),
        "begrote_dekking_uit_vermogen": (svbl, "dekking_uit_vermogen", 1),
        "onverdeeld_resultaat": (svbl, "onverdeeld_resultaat", 0),
        "onverdeeld_resultaat_vorig_jaar": (svbl, "onverdeeld_resultaat", 2),
        "solvabiliteit": (kengetallen, "solvabiliteit", 0),
        "solvabiliteit_vorig_jaar": (kengetallen, "solvabiliteit", 1),
        "solvabiliteit_bruto_vorig_jaar": (kengetallen, "solvabiliteit_bruto", 1),
        "liquiditeitspositie": (kengetallen, "liquiditeitspositie", 0),
        "liquiditeitspositie_vorig_jaar": (kengetallen, "liquiditeitspositie", 1),
        "herwaarderingsreserve": (balans, "herwaarderingsreserves", 0),
        "eigen_vermogen": (balans, "totaal_eigen_vermogen", 0),
        "bestemmingsreserves": (balans, "bestemmingsreserves", 0),
        "effectenportefeuille": ("toelichting.overige_effecten", "effectenportefeuille", 0),
        "beleggingsresultaat": (beleggingen, "beleggingsresultaat", 0),
        "dividenden": (beleggingen, "dividenden", 0),
        "koersresultaat": (beleggingen, "koersresultaat", 0),
        "verplichtingen": ("toelichting.verplichtingen", "totaal", 0),
        "waarde_beleggingsportefeuille": (portefeuille, "waarde", 0),
        "waarde_beleggingsportefeuille_vorig_jaar": (portefeuille, "waarde", 1),
        "rekening_courant_effecten": (portefeuille, "rekening_courant", 0),
        "groepsresultaat": (groep, "resultaat", 0),
        "groepsresultaat_vorig_jaar": (groep, "resultaat", 1),
        "groep_bedrijfsresultaat": (groep, "bedrijfsresultaat", 0),
        "groep_bedrijfsresultaat_vorig_jaar": (groep, "bedrijfsresultaat", 1),
        "groep_onverdeeld_resultaat": (groep, "onverdeeld_resultaat", 0),
        "groep_dekking_uit_vermogen": (groep, "dekking_uit_vermogen", 0),
        "groep_vpb": (groep, "vpb", 0),
        "wnt_bezoldigingsmaximum": ("wnt.norm", "maximum", 0),
        "wnt_aandeel_voorzitter": ("wnt.norm", "aandeel_voorzitter", 0),
        "wnt_aandeel_lid": ("wnt.norm", "aandeel_lid", 0),
    }
    found: dict[str, Figure] = {"jaar": year, "vorig_jaar": year - 1, "volgend_jaar": year + 1}
    for name, (table, row, column) in pairs.items():
        value = _amount(tables, table, row, column)
        if value is not None:
            found[name] = value
    derived = {
        "bedrijfsresultaat_t_o_v_begroting": ("bedrijfsresultaat", "begroot_bedrijfsresultaat"),
        "bedrijfsresultaat_t_o_v_vorig_jaar": ("bedrijfsresultaat", "bedrijfsresultaat_vorig_jaar"),
        "onverdeeld_resultaat_t_o_v_vorig_jaar": (
            "onverdeeld_resultaat",
            "onverdeeld_resultaat_vorig_jaar",
        ),
    }
    for name, (left, right) in derived.items():
        if left in found and right in found:
            found[name] = Decimal(found[left]) - Decimal(found[right])
    if "onverdeeld_resultaat" in found:
        budget = _amount(tables, svbl, "onverdeeld_resultaat", 1) or Decimal(0)
        found["onverdeeld_resultaat_t_o_v_begroting"] = (
            Decimal(found["onverdeeld_resultaat"]) - budget
        )
    now = found.get("waarde_beleggingsportefeuille")
    before = found.get("waarde_beleggingsportefeuille_vorig_jaar")
    if now is not None and before is not None:
        found["mutatie_beleggingsportefeuille"] = Decimal(now) - Decimal(before)
        if before:
            found["groei_beleggingsportefeuille"] = (Decimal(now) - Decimal(before)) / before
            if "beleggingsresultaat" in found:
                found["rendement_beleggingsportefeuille"] = (
                    Decimal(found["beleggingsresultaat"]) / before
                )
    found.update(_personeel(tables))
    egalisatie = "toelichting.egalisatievoorziening"
    begin, end = _amount(tables, egalisatie, "begin", 0), _amount(tables, egalisatie, "eind", 0)
    if begin is not None and end is not None:
        found["mutatie_egalisatievoorziening"] = end - begin
    herw = _amount(tables, balans, "herwaarderingsreserves", 1)
    if "herwaarderingsreserve" in found and herw is not None:
        found["mutatie_herwaarderingsreserve"] = Decimal(found["herwaarderingsreserve"]) - herw
    assert set(found) <= set(FIGUREN), sorted(set(found) - set(FIGUREN))
    return found


def _personeel(tables: Mapping[str, StatementTable]) -> dict[str, Figure]:
    """The personeelsgegevens of the year and the year before, and the salarissen,
    sociale lasten en pensioenlasten (17) per fte at the year-end."""
    personeel, lasten = "bestuursverslag.personeel", "toelichting.personeelslasten"
    found: dict[str, Figure] = {}
    for suffix, column, lasten_column in (("", 0, 0), ("_vorig_jaar", 1, 2)):
        fte = _amount(tables, personeel, "fte_ultimo", column)
        uitstroom = _amount(tables, personeel, "uitstroom", column)
        total = _amount(tables, lasten, "totaal", lasten_column)
        if fte is not None:
            found[f"fte_ultimo{suffix}"] = fte
        if uitstroom is not None:
            found[f"uitstroom{suffix}"] = uitstroom
        if fte and total is not None:
            found[f"salarislasten_per_fte{suffix}"] = total / fte
    return found


def line_figure(tables: Mapping[str, StatementTable], name: str) -> Amount:
    """A figure of a line of the staat van baten en lasten or of one of its notes."""
    kind, _, ref = name.partition(".")
    if kind in DEELNEMING_KINDS:
        return _amount(tables, DEELNEMINGEN, ref, 0 if kind == "deelneming" else 1)
    if kind in DEELNEMING_NA_VPB_KINDS:
        return _na_vpb(tables, kind, ref)
    if kind in BEGROTING_DEELNEMING_KINDS:
        return _tegen_begroting(tables, kind, ref)
    if kind not in LINE_KINDS or not ref:
        return None
    note, _, line = ref.partition(".")
    table = tables.get(f"toelichting.{note}" if line else "enkelvoudig.staat_van_baten_en_lasten")
    row_id = line or ref
    if table is None or len(table.columns) != 3:
        return None
    for row in table.rows:
        if row.id == row_id:
            return _pick(kind, row.amounts)
    return None


def _na_vpb(tables: Mapping[str, StatementTable], kind: str, key: str) -> Amount:
    """A deelneming's result after the VpB it bears, or that result as a part of its
    eigen vermogen at the same year-end."""
    column = 1 if kind.endswith("_vorig_jaar") else 0
    result = _amount(tables, NA_VPB, key, column)
    if kind.startswith("deelneming_na_vpb") or result is None:
        return result
    equity = _amount(tables, VERMOGEN_DEELNEMINGEN, key, column)
    return result / equity if equity else None


def _tegen_begroting(tables: Mapping[str, StatementTable], kind: str, ref: str) -> Amount:
    """A line of a deelneming against its own begroting or the year before: realised,
    budgeted, a year earlier, the difference with either, that difference as a part of
    the (absolute) budget or of the year before, or the line as a part of the omzet."""
    realised = _amount(tables, BEGROTING_DEELNEMINGEN, ref, 0)
    if realised is None:
        return None
    if kind == "realisatie_deelneming":
        return realised
    if kind == "marge_deelneming":
        omzet = _amount(tables, BEGROTING_DEELNEMINGEN, f"{ref.partition('.')[0]}.omzet", 0)
        return realised / omzet if omzet else None
    against_budget = kind in ("begroot_deelneming", "afwijking_begroting_deelneming") or (
        kind == "verschil_begroting_deelneming"
    )
    other = _amount(tables, BEGROTING_DEELNEMINGEN, ref, 1 if against_budget else 2)
    if other is None:
        return None
    if kind in ("begroot_deelneming", "vorig_jaar_deelneming"):
        return other
    if kind.startswith("verschil_"):
        return realised - other
    return (realised - other) / abs(other) if other else None


def present(value: Figure, form: str | None) -> str:
    """A figure as the report writes it."""
    if isinstance(value, int):
        return str(value)
    if form in ("miljoen", "miljoen_abs"):
        amount = abs(value) if form == "miljoen_abs" else value
        millions = (amount / 1_000_000).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        return f"€ {_dutch(f'{millions:,}')} miljoen"
    if form is not None and form.startswith("procent"):
        part = abs(value) if form.endswith("_abs") else value
        places = {"procent_1": "0.1", "procent_0": "1"}.get(form.removesuffix("_abs"), "0.01")
        percent = (part * 100).quantize(Decimal(places), rounding=ROUND_HALF_UP)
        return f"{percent}".replace(".", ",") + "%"
    if form == "teken":
        return "nihil" if not value else ("negatief" if value < 0 else "positief")
    if form == "richting":
        return "lager" if value < 0 else "hoger"
    if form == "getal":
        return _dutch(f"{value:,}")
    amount = abs(value) if form == "duizend_abs" else value
    rounded = (amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"€ {_dutch(f'{rounded:,}')}"


def _dutch(number: str) -> str:
    """``1,234.5`` as the Dutch write it: ``1.234,5``."""
    return number.replace(",", "_").replace(".", ",").replace("_", ".")


def fill(texts: Iterable[Tekst], tables: Sequence[StatementTable], year: int) -> tuple[Gevuld, ...]:
    """The texts of the report over ``year`` with their figures; raises
    ``StatementError`` at the text's line for a placeholder without a figure."""
    by_id = {t.id: t for t in tables}
    known = figures(by_id, year)
    filled = []
    for tekst in texts:
        if tekst.year != year:
            continue
        if tekst.key in GROEP_SECTIES and "geconsolideerd.balans" not in by_id:
            continue  # a jaarrekening without the group's
        errors = check_tekst(tekst)
        if errors:
            raise StatementError(errors[0].source, errors[0].message)
        values: dict[int, str] = {}
        for offset, name, form in placeholders(tekst):
            value: Figure | None = known.get(name)
            if value is None:
                value = line_figure(by_id, name)
            if value is None:
                raise StatementError(
                    tekst.meta(offset),
                    f"plaatshouder {{{name}}} noemt geen bedrag van deze jaarrekening",
                )
            values[offset] = present(value, form)
        text = _substitute(tekst.text, values)
        title = PLACEHOLDER.sub(lambda m: str(known[m.group(1).strip()]), tekst.title)
        filled.append(Gevuld(tekst.key, title, text))
    return tuple(filled)


def _substitute(value: str, filled_in: Mapping[int, str]) -> str:
    def one(match: re.Match[str]) -> str:
        return filled_in[match.start()]

    return PLACEHOLDER.sub(one, value)
