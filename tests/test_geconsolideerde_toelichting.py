"""The toelichting op de geconsolideerde jaarrekening, notes (24)–(32): computed from
the consolidation of the group's books, each figure as printed in the published
report (``tests/published_2024_noten.py``; no tolerance), every note's total its line
on the geconsolideerde balans or staat van baten en lasten, and each note in the PDF.
"""

from __future__ import annotations

import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from statements.consolidatie import build_geconsolideerd
from statements.ggu import build_ggu
from statements.table import StatementTable
from tests import published_2024 as enkel
from tests import published_2024_noten as pub
from tests.conftest import ROOT, group_figures, vng
from vng_accounts.books import Books

GROUP = ROOT / "ledger" / "groep" / "groep.beancount"
PREFIX = "toelichting.geconsolideerd."
THOUSAND = Decimal(1000)


def printed(amount: Decimal | None) -> int | None:
    """An amount as the report prints it: in € 1.000, "-" (None) for nil."""
    if amount is None:
        return None
    rounded = int((amount / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return rounded or None


@pytest.fixture(scope="module")
def tables() -> dict[str, StatementTable]:
    group, figures = group_figures(GROUP, 2024)
    return {t.id: t for t in build_geconsolideerd(group, figures, 2024)}


def _cases() -> list[object]:
    cases: list[object] = []
    for note, lines in pub.GROUP_NOTES.items():
        for line in lines:
            for column in range(2):
                key = (note, line, column)
                if key in pub.NOT_IN_BOOKS:
                    continue
                cases.append(pytest.param(note, line, column, id=f"{note}-{line}-{column}"))
    return cases


@pytest.mark.parametrize(("note", "line", "column"), _cases())
def test_figure_as_printed(
    tables: dict[str, StatementTable], note: str, line: str, column: int
) -> None:
    want = pub.GROUP_NOTES[note][line][column]
    erratum = pub.ERRATA.get((note, line, column))
    if erratum:
        want = erratum[0]
    table = tables[PREFIX + note]
    row = next((r for r in table.rows if r.id == line), None)
    got = printed(row.amounts[column]) if row else None
    assert got == want, f"{table.title} {table.columns[column]} {line}: {got} i.p.v. {want}"


@pytest.mark.parametrize("key", sorted(pub.NOT_IN_BOOKS))
def test_what_the_books_do_not_hold_still_differs(
    tables: dict[str, StatementTable], key: tuple[str, str, int]
) -> None:
    """A printed figure the books do not give: once they do, it joins the figures
    compared above (remove it from ``NOT_IN_BOOKS``)."""
    note, line, column = key
    row = next((r for r in tables[PREFIX + note].rows if r.id == line), None)
    got = printed(row.amounts[column]) if row else None
    assert got != pub.GROUP_NOTES[note][line][column], pub.NOT_IN_BOOKS[key]


def test_every_erratum_differs_from_the_print() -> None:
    for key, (follows, shown, reason) in pub.ERRATA.items():
        assert follows != shown and reason, key
        assert pub.GROUP_NOTES[key[0]][key[1]][key[2]] == shown, key


def test_errata_the_report_contradicts_itself() -> None:
    """The evidence of each erratum, from the printed figures alone."""
    op = pub.GROUP_NOTES["overlopende_passiva"]
    lines = [v[0] for k, v in op.items() if k != "totaal"]
    assert sum(x or 0 for x in lines) == op["totaal"][0] == 138905  # the note adds up ...
    balans = enkel.GECONSOLIDEERD_ERRATA[("overlopende_passiva", 0)]  # ... the balans not
    assert (
        balans[:2]
        == (138905, 138906)
        == (op["totaal"][0], enkel.GECONSOLIDEERD_BALANS["overlopende_passiva"][0])
    )
    pl = pub.GROUP_NOTES["personeelslasten"]
    assert sum(v[1] or 0 for k, v in pl.items() if k != "totaal") == pl["totaal"][1]
    assert (
        pub.ERRATA[("personeelslasten", "overige_personeelslasten", 1)][0]
        != pl["overige_personeelslasten"][1]
    )


@pytest.mark.parametrize("note", sorted(pub.GROUP_NOTES))
def test_total_is_the_statement_line(tables: dict[str, StatementTable], note: str) -> None:
    from vng_accounts.toelichting import GROUP_NOTES_BY_KEY, GROUP_VOORZIENINGEN

    table = tables[PREFIX + note]
    last = table.rows[-1]
    if note == GROUP_VOORZIENINGEN.key:
        statement, lines = "geconsolideerd.balans", GROUP_VOORZIENINGEN.lines
    else:
        spec = GROUP_NOTES_BY_KEY[note]
        statement = "geconsolideerd." + (
            "balans" if spec.kind == "balans" else "staat_van_baten_en_lasten"
        )
        lines = spec.group_lines
    for column in range(2):
        line_total = sum(
            (tables[statement].row(x).amounts[column] or Decimal(0) for x in lines), Decimal(0)
        )
        assert last.amounts[column] == line_total, (note, column)
        parts = [r.amounts[column] or Decimal(0) for r in table.rows[:-1]]
        if note == GROUP_VOORZIENINGEN.key:
            assert sum(parts, Decimal(0)) == last.amounts[column]
        else:
            assert sum(parts, Decimal(0)) == line_total


def test_every_movement_of_the_voorzieningen_says_what_it_is(
    tables: dict[str, StatementTable],
) -> None:
    """Each entity marks the movements of its voorzieningen with ``mutatie``, as the
    Vereniging does: the verloop (26) has no "Overige mutaties", and VNG Realisatie's
    onttrekkingen are among the onttrekkingen."""
    table = tables[PREFIX + "voorzieningen"]
    assert [r.id for r in table.rows] == ["begin", "dotatie", "onttrekking", "vrijval", "eind"]
    onttrekking = table.row("onttrekking")
    assert any(a.startswith("realisatie/") for a in onttrekking.accounts)
    assert any(a.startswith("vereniging/") for a in onttrekking.accounts)


def _notes(tables: dict[str, StatementTable]) -> list[StatementTable]:
    """The notes themselves, titled with their number; a note's further table (the
    bezetting of note (31)) has none."""
    return [t for t in tables.values() if t.id.startswith(PREFIX) and t.title.endswith(")")]


def test_order_and_titles(tables: dict[str, StatementTable]) -> None:
    titles = [t.title for t in _notes(tables)]
    assert titles == [v for k, v in pub.GROUP_NOTE_TITLES.items() if PREFIX + k in tables]


def test_statements_refer_to_the_notes(tables: dict[str, StatementTable]) -> None:
    numbers = {t.title.rsplit("(", 1)[1].rstrip(")") for t in _notes(tables)}
    referred = {
        r.note
        for key in ("geconsolideerd.balans", "geconsolideerd.staat_van_baten_en_lasten")
        for r in tables[key].rows
        if r.note
    }
    assert numbers <= referred


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("jaarverslag")
    done = vng("jaarverslag", "--year", "2024", "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    pdf = out / "financieel-jaarverslag-2024.pdf"
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _part(text: str, heading: str, end: str) -> str:
    start = text.index(heading, text.index("Geconsolideerd kasstroomoverzicht") + 1)
    return text[start : text.index(end, start)] if end in text[start:] else text[start:]


@pytest.mark.parametrize("note", list(pub.GROUP_NOTE_TITLES))
def test_note_in_the_pdf(pdf_text: str, tables: dict[str, StatementTable], note: str) -> None:
    """Each note under its part, after the geconsolideerde statements, with its title
    and every line in order with its figures as the table has them."""
    from statements.render.format import thousands

    table = tables[PREFIX + note]
    balans = int(table.title.rsplit("(", 1)[1].rstrip(")")) < 29
    part = _part(
        pdf_text,
        "Toelichting op de geconsolideerde balans"
        if balans
        else "Toelichting op de geconsolideerde staat van",
        "Toelichting op de geconsolideerde staat van" if balans else "WNT-verantwoording",
    )
    assert table.title in part
    lines = part[part.index(table.title) :].splitlines()[1:]
    at = 0
    for row in table.rows:
        figures = [thousands(a) if a is not None else "" for a in row.amounts]
        start = " ".join(row.label.split()[:2])
        found = next(
            (
                i
                for i in range(at, len(lines))
                if lines[i].strip().startswith(start)
                and lines[i].split()[-len(figures) :] == figures
            ),
            None,
        )
        assert found is not None, f"{table.title}: {row.label} {figures}"
        at = found + 1


def test_pdf_refers_to_the_notes(pdf_text: str) -> None:
    balans = pdf_text[pdf_text.index("Geconsolideerde balans per 31") :]
    for label in (
        "Materiële vaste activa (24)",
        "Liquide middelen (25)",
        "Voorzieningen (26)",
        "Overlopende passiva (27)",
        "Overige schulden (28)",
        "Overige baten (30)",
        "Salarissen (31)",
        "Overige lasten (32)",
    ):
        assert label in balans, label


# -- the honoraria of the external accountant, with note (32) -------------------------

HONORARIA = PREFIX + "accountantshonoraria"


def test_honoraria_as_printed(tables: dict[str, StatementTable]) -> None:
    """Every row of the accountant's honoraria as printed, both years, from the
    ``accountantshonorarium`` of every entity's postings."""
    table = tables[HONORARIA]
    got = {r.id: (printed(r.amounts[0]), printed(r.amounts[1])) for r in table.rows}
    assert got == pub.ACCOUNTANTSHONORARIA
    assert [r.label for r in table.rows][0] == "Onderzoek van de jaarrekening"
    total = table.row("totaal").amounts
    assert total == tuple(
        sum((r.amounts[i] or Decimal(0) for r in table.rows[:-1]), Decimal(0)) for i in range(2)
    )


def test_honoraria_from_the_postings_of_every_entity(tables: dict[str, StatementTable]) -> None:
    """The rows add up the entities' postings of the year by kind: computed here
    from the books of each entity, without the consolidation."""
    from beancount.core import data

    from statements.balances import book_value
    from vng_accounts.books import load_books
    from vng_accounts.toelichting import ACCOUNTANTSHONORARIA, HONORARIUM_KEY

    group, _ = group_figures(GROUP, 2024)
    by_kind: dict[tuple[str, int], Decimal] = {}
    entities = set()
    for entity in group.entities:
        books = load_books(entity.books_path)
        for entry in books.entries:
            if not isinstance(entry, data.Transaction) or entry.date.year not in (2023, 2024):
                continue
            for posting in entry.postings:
                kind = (posting.meta or {}).get(HONORARIUM_KEY)
                if kind:
                    key = (str(kind), entry.date.year)
                    by_kind[key] = by_kind.get(key, Decimal(0)) + book_value(entry, posting)
                    entities.add(entity.key)
    assert len(entities) > 1  # the dochters book their own honoraria
    table = tables[HONORARIA]
    for row_id, _, kinds in ACCOUNTANTSHONORARIA.rows:
        want = tuple(
            sum((by_kind.get((k, y), Decimal(0)) for k in kinds), Decimal(0)) for y in (2024, 2023)
        )
        assert table.row(row_id).amounts == want, row_id


def test_honoraria_in_the_pdf_after_note_32(
    pdf_text: str, tables: dict[str, StatementTable]
) -> None:
    from statements.render.format import thousands

    part = _part(pdf_text, "Toelichting op de geconsolideerde staat van", "WNT-verantwoording")
    table = tables[HONORARIA]
    assert part.index("Overige lasten (32)") < part.index(table.title)
    lines = part[part.index(table.title) :].splitlines()
    for row in table.rows:
        figures = [thousands(a) for a in row.amounts]
        start = " ".join(row.label.split()[:2])
        assert any(
            line.strip().startswith(start) and line.split()[-2:] == figures for line in lines
        ), (row.label, figures)


def test_honoraria_in_the_outline_with_note_32(tables: dict[str, StatementTable]) -> None:
    """The Jaarrekening page in Fava follows ``outline``: the table right after the
    note (32) it belongs to."""
    from statements.render.pdf import Report, outline

    deel = next(
        d
        for d in outline(Report("vereniging", 2024, "", "Den Haag"), list(tables.values()))
        if d.key == "toelichting_geconsolideerde_baten_lasten"
    )
    ids = [getattr(item, "id", None) for item in deel.items]
    assert ids[-2:] == [PREFIX + "overige_lasten", HONORARIA]


def test_json_holds_the_notes(tmp_path: Path) -> None:
    import json

    done = vng("jaarrekening", "--year", "2024", "--out", str(tmp_path), "-q")
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "jaarrekening-2024.json").read_text())
    ids = [s["id"] for s in document["statements"]]
    for note in pub.GROUP_NOTES:
        assert PREFIX + note in ids
    honoraria = next(s for s in document["statements"] if s["id"] == HONORARIA)
    assert honoraria["columns"] == ["Realisatie 2024", "Realisatie 2023"]
    total = next(line for line in honoraria["lines"] if line["kind"] == "total")
    assert [round(Decimal(a) / 1000) for a in total["amounts"]] == list(
        pub.ACCOUNTANTSHONORARIA["totaal"]
    )


# -- the Fonds GGU per activiteit (15) --------------------------------------------------


@pytest.fixture(scope="module")
def ggu(books: Books) -> StatementTable:
    (table,) = build_ggu(books, 2024)
    return table


def test_ggu_every_row_as_printed(ggu: StatementTable) -> None:
    """Every theme, activity and the total, in the printed order, each figure exact."""
    got = [(r.label, printed(r.amounts[0]), printed(r.amounts[1])) for r in ggu.rows]
    assert got == list(pub.FONDS_GGU_2024)


def test_ggu_total_is_the_fonds_ggu_of_note_15(
    ggu: StatementTable, tables_2024: dict[str, StatementTable]
) -> None:
    line = tables_2024["toelichting.bijdrage_projecten"].row("fonds_ggu")
    assert ggu.row("totaal").amounts == (line.amounts[1], line.amounts[0])
    assert all(r.id != "niet_toegerekend" for r in ggu.rows)


def test_ggu_themes_add_up(ggu: StatementTable) -> None:
    for row in ggu.rows:
        if row.kind == "subtotal":
            parts = [ggu.row(ref).amounts for _, ref in row.sums]
            for column in range(2):
                assert row.amounts[column] == sum((p[column] or 0 for p in parts), Decimal(0))


def test_ggu_printed_theme_rounds_from_unrounded_amounts() -> None:
    """Where the printed activities add to one less than the printed theme, the
    theme is the sum of the unrounded amounts (as the grondslagen say)."""
    rows = list(pub.FONDS_GGU_2024)
    for thema, (activities, total) in pub.GGU_THEMA_AFGEROND.items():
        start = next(i for i, r in enumerate(rows) if r[0] == thema)
        members = []
        for label, _, realisatie in rows[start + 1 :]:
            if label[:1].isdigit() and label[1:2] == ".":
                break
            members.append(realisatie or 0)
        assert (sum(members), rows[start][2]) == (activities, total)


def test_ggu_in_the_pdf(pdf_text: str, ggu: StatementTable) -> None:
    from statements.render.format import thousands

    start = pdf_text.index(ggu.title)
    assert start < pdf_text.index("Overige baten (16)", start)
    block = pdf_text[start : pdf_text.index("Overige baten (16)", start)]
    for row in ggu.rows:
        figures = [thousands(a) if a is not None else "" for a in row.amounts]
        first = row.label.split()[0] if row.label[:1].isdigit() else row.label
        line = next(
            (
                x
                for x in block.splitlines()
                if x.strip().startswith(first) and x.split()[-2:] == figures
            ),
            None,
        )
        assert line is not None, (row.label, figures)


# -- the materiële vaste activa (24) ----------------------------------------------------


def _mva_cases() -> list[object]:
    cases: list[object] = []
    for row, values in pub.MVA.items():
        for column in range(len(values)):
            cases.append(pytest.param(row, column, id=f"{row}-{column}"))
    return cases


@pytest.mark.parametrize(("row", "column"), _mva_cases())
def test_mva_figure_as_printed(tables: dict[str, StatementTable], row: str, column: int) -> None:
    table = tables[PREFIX + "materiele_vaste_activa"]
    erratum = pub.MVA_ERRATA.get((row, column))
    want = erratum[0] if erratum else pub.MVA[row][column]
    got = printed(table.row(row).amounts[column])
    assert got == want, f"(24) {table.columns[column]} {row}: {got} i.p.v. {want}"


def test_mva_errata_the_report_contradicts_itself() -> None:
    for (row, column), (follows, shown, reason) in pub.MVA_ERRATA.items():
        assert pub.MVA[row][column] == shown != follows and reason
    # the activa in uitvoering: only the Vereniging holds them, its note (1) and balans
    # print 502 where note (24) prints 501
    enkelvoudig = enkel.MVA["boekwaarde_eind"][1]
    assert enkelvoudig == enkel.BALANS["activa_in_uitvoering"][0] == 502
    for row in ("investeringen", "aanschafwaarde_eind", "boekwaarde_eind"):
        assert pub.MVA_ERRATA[(row, 1)][:2] == (enkelvoudig, pub.MVA[row][1])
    afschrijvingen = pub.MVA["afschrijvingen"]
    assert sum(x or 0 for x in afschrijvingen[:4]) == afschrijvingen[4] == -1511


def test_mva_errata_follow_from_the_staat_and_the_balans() -> None:
    """The note's afschrijvingen give the dochters 42 beside the Vereniging's, the
    geconsolideerde staat van baten en lasten 19 (1.487 - 1.468): with the gebouwen's 5
    as printed, the andere vaste bedrijfsmiddelen get 14. Their column then moves by its
    printed 49 from the balans's 1.288 to 1.338 only with less investeringen, and its
    31 December as printed gives its 1 januari; the totals follow."""
    note, own = pub.MVA, enkel.MVA
    books = {key: follows for key, (follows, _, _) in pub.MVA_ERRATA.items()}

    def figure(row: str, column: int) -> int:
        return books.get((row, column), note[row][column] or 0)

    afschrijvingen = [own["afschrijvingen"][c] - figure("afschrijvingen", c) for c in range(4)]
    dochters = (
        enkel.GECONSOLIDEERD_BATEN_LASTEN["afschrijvingen_mva"][0]
        - enkel.BATEN_LASTEN["afschrijvingen"][0]
    )
    assert dochters == 19 == sum(afschrijvingen)
    assert sum(own["afschrijvingen"][c] - (note["afschrijvingen"][c] or 0) for c in range(4)) == 42
    assert afschrijvingen[0] == own["afschrijvingen"][0] - note["afschrijvingen"][0] == 5
    moves = (
        "investeringen",
        "desinvesteringen_aanschafwaarde",
        "desinvesteringen_afschrijvingen",
        "herrubriceringen_aanschafwaarde",
        "herrubriceringen_afschrijvingen",
        "afschrijvingen",
    )
    assert sum(figure(row, 3) for row in moves) == note["totaal_mutaties"][3] == 49
    by_component = {
        "aanschafwaarde": (moves[0], moves[1], moves[3]),
        "afschrijvingen": (moves[2], moves[4], moves[5]),
    }
    for component, rows in by_component.items():
        begin = note[f"{component}_eind"][3] - sum(figure(row, 3) for row in rows)
        assert figure(f"{component}_begin", 3) == begin
    for row in ("aanschafwaarde_begin", "afschrijvingen_begin", "investeringen"):
        assert figure(row, 4) == sum(figure(row, c) for c in range(4))
    balans = enkel.GECONSOLIDEERD_BALANS["totaal_mva"]
    assert figure("totaal_mutaties", 4) == balans[0] - balans[1] == -407


def test_mva_afschrijvingen_are_the_staats(tables: dict[str, StatementTable]) -> None:
    """Every entity's afschrijvingen in the note are its lasten on afschrijvingen MVA."""
    note = tables[PREFIX + "materiele_vaste_activa"].row("afschrijvingen").amounts[-1]
    staat = tables["geconsolideerd.staat_van_baten_en_lasten"].row("afschrijvingen_mva")
    assert note == -staat.amounts[0]


def test_mva_every_entity_books_aanschafwaarde_and_afschrijvingen(
    tables: dict[str, StatementTable],
) -> None:
    """No entity holds a fixed asset's book value on one account, and every movement
    says what it is: the note has no "Boekwaarde zonder uitsplitsing" or "Overige
    mutaties"."""
    rows = {row.id for row in tables[PREFIX + "materiele_vaste_activa"].rows}
    assert not {"zonder_uitsplitsing_begin", "zonder_uitsplitsing_eind", "overige_mutaties"} & rows
    gross = {"aanschafwaarde_begin", "afschrijvingen_eind", "herrubriceringen_aanschafwaarde"}
    assert gross <= rows


def test_mva_closes_on_the_balans(tables: dict[str, StatementTable]) -> None:
    table = tables[PREFIX + "materiele_vaste_activa"]
    balans = tables["geconsolideerd.balans"]
    lines = (
        "bedrijfsgebouwen",
        "activa_in_uitvoering",
        "machines_installaties",
        "andere_vaste_bedrijfsmiddelen",
        "totaal_mva",
    )
    for column, line in enumerate(lines):
        assert table.row("boekwaarde_eind").amounts[column] == balans.row(line).amounts[0]
        assert table.row("boekwaarde_begin").amounts[column] == balans.row(line).amounts[1]
    for row in table.rows:
        assert row.amounts[-1] == sum((a or 0 for a in row.amounts[:-1]), Decimal(0))
