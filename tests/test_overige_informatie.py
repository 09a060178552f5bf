"""The overige informatie of the geconsolideerde jaarrekening: the commitments off the
balance of every entity per year they fall due, and the credit lines and guarantees,
from entries in each entity's books (``vng_accounts.verslag``), as published."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from statements.consolidatie import build_geconsolideerd
from statements.table import StatementTable
from tests.conftest import ROOT, group_figures, vng
from vng_accounts.books import load_books
from vng_accounts.verslag import read_commitments

GROUP = ROOT / "ledger" / "groep" / "groep.beancount"


def printed(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def tables() -> dict[str, StatementTable]:
    group, figures = group_figures(GROUP, 2024)
    return {t.id: t for t in build_geconsolideerd(group, figures, 2024)}


def test_the_groups_commitments_per_year_as_published(tables: dict[str, StatementTable]) -> None:
    table = tables["overige_informatie.verplichtingen"]
    # "Per jaar is de verplichting: 2025 € 6,925 miljoen ... (t/m 2028)", total € 8,176 miljoen
    assert [(r.label, printed(r.amounts[0])) for r in table.rows] == [
        ("2025", 6925),
        ("2026", 752),
        ("2027", 346),
        ("2028", 153),
        ("Totaal", 8176),
    ]


def test_the_groups_commitments_are_the_sum_of_the_entities(
    tables: dict[str, StatementTable],
) -> None:
    """Each entity's own entries, summed: a commitment of a dochter is in the group's
    table and not in the Vereniging's enkelvoudige one."""
    per_year: dict[int, Decimal] = {}
    found_in = set()
    for main in sorted((ROOT / "ledger").glob("*/main.beancount")):
        entries = load_books(str(main)).entries
        due, errors = read_commitments(entries, 2024)
        assert errors == []
        if due:
            found_in.add(main.parent.name)
        for year, amount in due.items():
            per_year[year] = per_year.get(year, Decimal(0)) + amount
    assert {"vereniging", "realisatie", "international"} <= found_in
    table = tables["overige_informatie.verplichtingen"]
    assert {int(r.label): r.amounts[0] for r in table.rows if r.id != "totaal"} == per_year
    assert table.row("totaal").amounts[0] == sum(per_year.values())


def test_the_guarantees_as_published(tables: dict[str, StatementTable]) -> None:
    table = tables["overige_informatie.bankgaranties"]
    rows = [(r.label, printed(r.amounts[1])) for r in table.rows]
    assert rows == [
        ("VNG International B.V.: obligokrediet bij ABN AMRO Bank N.V.", 2600),
        ("VNG International B.V.: bankgarantie via ABN AMRO Bank N.V.", 1074),
    ]
    assert "begunstigde" in (table.rows[1].texts[0] or "")


def test_the_pdf_has_them_before_the_events_after_the_balance_date(tmp_path: Path) -> None:
    from pypdf import PdfReader

    done = vng("jaarverslag", "--year", "2024", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    reader = PdfReader(str(tmp_path / "financieel-jaarverslag-2024.pdf"))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    start = text.rindex("Toelichting op de geconsolideerde balans")  # the part, not its index
    part = text[start : text.index("Toelichting op de geconsolideerde staat van baten", start)]
    order = [
        part.find(s)
        for s in (
            "Overige schulden (28)",
            "Overige informatie",
            "Bankgaranties per 31 december 2024",
            "Niet in de balans opgenomen rechten en verplichtingen per jaar",
            "2025 6.925",
            "Totaal 8.176",
            "Fiscale eenheden",
            "Omzetbelasting",
            "Vennootschapsbelasting",
            "Gebeurtenissen na balansdatum",
            "Wet ketenaansprakelijkheid",
        )
    ]
    assert -1 not in order and order == sorted(order), order
    # the fiscal unity's VpB of the year, computed: the group's vennootschapsbelasting
    # (-682 in the geconsolideerde staat van baten en lasten)
    assert "de vennootschapsbelasting van de groep over 2024 bedraagt € 0,682 miljoen" in part
    # the scope of the consolidation in the toelichting algemeen, after the verbonden partijen
    scope = [
        text.rfind(s)
        for s in (
            "Grondslagen voor waardering en resultaatbepaling",
            "Verbonden partijen",
            "In de consolidatie opgenomen maatschappijen per 31 december 2024",
            "VNG Diensten B.V. Vereniging van Nederlandse Gemeenten 100%",
            "Algemene grondslagen kasstroomoverzicht",
        )
    ]
    assert -1 not in scope and scope == sorted(scope), scope


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (
            '2024-12-31 custom "vng-bankgarantie" "ABN AMRO Bank N.V." 1000.00 EUR\n'
            '  project: "Een project"\n',
            "vng-bankgarantie: project en begunstigde ontbreekt",
        ),
        (
            '2024-12-31 custom "vng-obligokrediet" "ABN AMRO Bank N.V." 1000.00 USD\n'
            '  zekerheid: "niets"\n',
            "vng-obligokrediet: een bedrag in EUR",
        ),
        (
            '2024-12-31 custom "vng-verplichting" "Huur" 2024 1000.00 EUR\n',
            "vng-verplichting: verwacht omschrijving, een jaar na 2024",
        ),
    ],
)
def test_a_wrong_entry_is_file_line_reason(tmp_path: Path, entry: str, reason: str) -> None:
    books = tmp_path / "international"
    shutil.copytree(ROOT / "ledger" / "international", books)
    facts = books / "verslag-2024.beancount"
    lineno = len(facts.read_text(encoding="utf-8").splitlines()) + 2
    with facts.open("a", encoding="utf-8") as handle:
        handle.write("\n" + entry)
    done = vng("check", "--books", str(books / "main.beancount"))
    assert done.returncode != 0
    assert f"verslag-2024.beancount:{lineno}: {reason}" in done.stdout + done.stderr


def test_the_groups_bezetting_in_fte_as_published(tables: dict[str, StatementTable]) -> None:
    """Note (31): the fte at 31 December of the Vereniging and of each company under the
    fiscal head with the companies below it, from each entity's ``vng-personeel``;
    printed to one decimal, the total from the unrounded fte."""
    table = tables["toelichting.geconsolideerd.personeelslasten_bezetting"]
    assert [(r.label.split(" (incl.")[0], r.texts) for r in table.rows] == [
        ("Vereniging van Nederlandse Gemeenten", ("328,6", "308,2")),
        ("Congres- en Studiecentrum VNG B.V.", ("109,0", "88,9")),
        ("VNG International B.V.", ("79,0", "77,2")),
        ("VNG Risicobeheer B.V.", ("3,9", "3,9")),
        ("VNG Realisatie B.V.", ("132,3", "120,9")),
        ("Totaal", ("652,8", "599,1")),
    ]
    assert table.row("vereniging").amounts == (Decimal("328.59"), Decimal("308.16"))
    assert "VNG Opleiding & Detachering B.V." in table.row("connect").label
    assert "CILG-VNG International" in table.row("international").label


def test_the_companies_of_the_consolidation_come_from_the_group_file(
    tables: dict[str, StatementTable],
) -> None:
    from vng_accounts.groep import load_group

    group, errors = load_group(str(GROUP))
    assert errors == []
    table = tables["groep.maatschappijen"]
    held = [e for e in group.entities if e.parent is not None]
    assert [r.id for r in table.rows] == [e.key for e in held]
    assert table.row("diensten").texts == ("Vereniging van Nederlandse Gemeenten", "100%")
    assert table.row("cilg").texts[0] == "VNG International B.V."
    assert all(r.amounts[1] == e.share for r, e in zip(table.rows, held, strict=True))


# The kerninformatie as published (2024, 2023), in € 1.000; the report prints the
# liabilities there with a minus, the product as on the balance.
KERN_PUBLISHED = {
    "contributies": (28108, 26206),
    "baten_zonder_contributie": (194275, 177422),
    "som_der_lasten": (223518, 205722),
    "bedrijfsresultaat": (-1135, -2094),
    "resultaat": (-634, 2824),
    "dekking_uit_vermogen": (608, 934),
    "onverdeeld_resultaat": (-26, 3758),
}
# Where the published kerninformatie differs from the published geconsolideerde staat
# van baten en lasten (5.327 and -456 there): the report contradicts itself; the
# kerninformatie is the statement's line.
KERN_ERRATA = {"som_financieel": ((1183, 5326), (1183, 5327)), "vpb": ((-682, -455), (-682, -456))}


def test_the_kerninformatie_is_the_groups_statement(tables: dict[str, StatementTable]) -> None:
    kern = tables["kerninformatie.groep_baten_lasten"]
    statement = tables["geconsolideerd.staat_van_baten_en_lasten"]
    for key, published in KERN_PUBLISHED.items():
        assert tuple(printed(a) for a in kern.row(key).amounts) == published, key
    for key, (in_kern, in_statement) in KERN_ERRATA.items():
        assert tuple(printed(a) for a in kern.row(key).amounts) == in_statement != in_kern
        assert kern.row(key).amounts == statement.row(key).amounts
    baten = statement.row("som_der_baten").amounts[0]
    assert baten is not None
    assert kern.row("baten_zonder_contributie").amounts[0] == (
        baten - (statement.row("contributies").amounts[0] or 0)
    )
    balans = tables["kerninformatie.groep_balans"]
    assert balans.row("totaal_eigen_vermogen").label == "Groepsvermogen"
    assert (
        balans.row("totaal_vlottende_activa").amounts
        == tables["geconsolideerd.balans"].row("totaal_vlottende_activa").amounts
    )


# The kerninformatie's balance as printed: the passiva negative, a last line nil.
KERN_BALANS_PUBLISHED = {
    "totaal_vaste_activa": (78528, 74307),
    "totaal_vlottende_activa": (177429, 100813),
    "totaal_eigen_vermogen": (-60361, -56301),
    "voorzieningen": (-1541, -2150),
    "totaal_kortlopende_schulden": (-194055, -116669),
    "saldo": (0, 0),
}
# the kerninformatie's line -> the line of the geconsolideerde balans whose erratum it
# shares (tests/published_2024.py GECONSOLIDEERD_ERRATA)
KERN_BALANS_LINE = {"totaal_eigen_vermogen": "groepsvermogen"}


def test_the_kerninformatie_balance_in_the_published_sign(
    tables: dict[str, StatementTable],
) -> None:
    """The passiva negative as the report prints them, every figure as printed or as
    the geconsolideerde balans's erratum says, the column netting to nil."""
    from tests.published_2024 import GECONSOLIDEERD_ERRATA

    balans = tables["kerninformatie.groep_balans"]
    statement = tables["geconsolideerd.balans"]
    for key, published in KERN_BALANS_PUBLISHED.items():
        got = tuple(printed(a) for a in balans.row(key).amounts)
        want = list(published)
        for column in range(2):
            erratum = GECONSOLIDEERD_ERRATA.get((KERN_BALANS_LINE.get(key, key), column))
            if erratum:
                sign = -1 if published[column] < 0 else 1
                assert sign * erratum[1] == published[column], key
                want[column] = sign * erratum[0]
        assert got == tuple(want), key
        if key != "saldo":
            sign = -1 if published[0] < 0 else 1
            assert balans.row(key).amounts == tuple(
                sign * (a or 0) for a in statement.row(key).amounts
            ), key
    assert balans.row("saldo").amounts == (Decimal(0), Decimal(0))


def test_the_share_of_the_companies_after_vpb_as_published(
    tables: dict[str, StatementTable],
) -> None:
    """Each company's result less the part of the fiscal unity's VpB it bears
    (``belasting_van`` on Diensten's VpB postings); the total is toelichting (23)'s."""
    table = tables["kerninformatie.aandeel_vng_bedrijven"]
    published = {
        "connect": (1154, 953),
        "risicobeheer": (545, 186),
        "international": (413, 274),
        "realisatie": (37, 46),
        "diensten": (-134, -97),
    }
    for key, figures in published.items():
        assert tuple(printed(a) for a in table.row(key).amounts) == figures, key
    note = tables["toelichting.resultaat_deelnemingen"]
    assert table.row("totaal").amounts == note.row("totaal").amounts
    # 2023 prints 1.362, the erratum of toelichting (23) (docs/errata.md)
    assert tuple(printed(a) for a in table.row("totaal").amounts) == (2015, 1363)
    assert table.row("diensten").label == "VNG Diensten B.V. (excl. deelnemingen)"
