"""The importers' settings live in the books: a new bank account is an ``open`` with
``iban:``, nothing else; a wrong setting is ``file:line: reason`` naming it; the
import configs read the books when they are used, not when they are loaded."""

from __future__ import annotations

import dataclasses
import re
import runpy
import shutil
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from importers.base import ImportFailure, new_entries
from importers.config import importers_for
from tests.conftest import ROOT, vng
from tests.test_import_veilig import CAMT, _git, _head, _import, boeken, camt  # noqa: F401
from vng_accounts.books import Books
from vng_accounts.import_settings import read_import_settings

NEW_IBAN = "NL00RABO0000000004"
NEW_ACCOUNT = "Activa:LiquideMiddelen:Bank:Rabobank"
FAVA_CONFIG = ROOT / "importers" / "fava_config.py"


def _readme_open() -> str:
    """What the finance team writes to add a bank account, as the README shows it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"\*\*Adding a bank account\*\*.*?```beancount\n(.*?)```", text, re.S)
    assert found
    return found.group(1)


NEW_OPEN = "\n" + _readme_open()


def _add_bank_account(folder: Path) -> None:
    with (folder / "rekeningschema.beancount").open("a", encoding="utf-8") as handle:
        handle.write(NEW_OPEN)


def _commit(folder: Path, message: str) -> None:
    _git(folder, "add", "-A")
    _git(folder, "-c", "user.name=anna", "-c", "user.email=a@x.invalid", "commit", "-qm", message)


def _new_statement(path: Path) -> Path:
    return camt(
        path,
        "0.00",
        "25.00",
        bookings=(("25.00", "CRDT", "Gemeente X", "Factuur 1"),),
        iban=NEW_IBAN,
    )


def test_a_new_bank_account_is_a_change_to_the_books_only(boeken: Path, tmp_path: Path) -> None:  # noqa: F811
    _add_bank_account(boeken)
    _commit(boeken, "Rekening bij de Rabobank")
    result = _import(boeken, _new_statement(tmp_path / "rabo-2024-03-01.xml"))
    assert result.returncode == 0, result.stderr
    assert "2 nieuwe boekingen" in result.stderr
    text = _git(boeken, "show", "HEAD:2024.beancount")
    assert f'referentie: "{NEW_IBAN}/T0"' in text
    assert f"balance {NEW_ACCOUNT}" in text and f"\n  {NEW_ACCOUNT} " in text


def test_a_statement_of_an_unknown_iban_is_refused_saying_how_to_add_it(
    boeken: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    before, head = (boeken / "2024.beancount").read_bytes(), _head(boeken)
    result = _import(boeken, _new_statement(tmp_path / "rabo.xml"))
    assert result.returncode != 0
    assert f"rabo.xml:3: IBAN {NEW_IBAN} staat bij geen rekening in de boeken" in result.stderr
    assert f'iban: "{NEW_IBAN}"' in result.stderr and " open " in result.stderr
    assert (boeken / "2024.beancount").read_bytes() == before and _head(boeken) == head


def test_the_books_settings_are_what_the_importers_use(books: Books) -> None:
    settings, errors = read_import_settings(books.entries)
    assert errors == []
    assert settings.bank_accounts["NL00INGB0000000001"] == "Activa:LiquideMiddelen:Bank:ING"
    assert set(settings.bank_accounts) == {
        e.meta["iban"] for e in books.entries if isinstance(e, data.Open) and "iban" in e.meta
    }
    assert settings.wnt_keys == {"1001": "geluk", "1002": "jeroense"}
    assert settings.accounts("bank")["te_verwerken"] == "Activa:Vorderingen:Overlopend:TeVerwerken"
    assert settings.invoice_day == (11, 15)


WRONG = """
2024-01-01 open Activa:Bank:A EUR
  iban: "NL00TEST0000000001"
2024-01-01 open Activa:Bank:B EUR
  iban: "nl00 test 0000 0000 01"
2024-01-01 open Activa:Bank:C EUR
  iban: "geen iban"
2024-01-01 open Activa:TeVerwerken EUR
2024-07-01 custom "vng-import" "bank"
  te_verwerken: "Activa:TeVerwerken"
2024-07-01 custom "vng-import" "bank"
  te_verwerken: "Activa:TeVerwerken"
2024-07-01 custom "vng-import" "salaris"
  salarissen: "Lasten:NietGeopend"
  netto: "geen rekening"
  bonus: "Activa:TeVerwerken"
2024-07-01 custom "vng-import" "kas"
2024-07-01 custom "vng-import" "leden"
  debiteuren: "Activa:TeVerwerken"
  contributie: "Activa:TeVerwerken"
  ggu: "Activa:TeVerwerken"
  factuurdag: "15-11"
2024-01-01 custom "wnt-functie" "geluk" "Algemeen Directeur"
  personeelsnummer: 1001
2024-01-01 custom "wnt-functie" "a" "Directeur"
  personeelsnummer: "7"
2024-01-01 custom "wnt-functie" "b" "Directeur"
  personeelsnummer: "7"
"""


def test_a_wrong_setting_is_an_error_at_its_line_naming_it() -> None:
    entries, _, _ = loader.load_string(WRONG)
    _, errors = read_import_settings(entries)
    found = sorted((e.source["lineno"], e.message) for e in errors if e.source)
    messages = "\n".join(f"{line}: {message}" for line, message in found)
    expected = [
        "4: iban NL00TEST0000000001 staat ook bij Activa:Bank:A (<string>:2): een IBAN hoort "
        "bij één rekening",
        "6: iban 'geen iban' van Activa:Bank:C is geen IBAN",
        '11: vng-import "bank": staat al in <string>:9',
        '13: vng-import "salaris": loonheffing ontbreekt',
        "13: vng-import \"salaris\": netto 'geen rekening' is geen rekening",
        '13: vng-import "salaris": onbekende instelling bonus',
        '13: vng-import "salaris": pensioenen ontbreekt',
        '13: vng-import "salaris": pensioenlasten ontbreekt',
        '13: vng-import "salaris": salarissen Lasten:NietGeopend is niet geopend in de boeken',
        '13: vng-import "salaris": sociale_lasten ontbreekt',
        '17: vng-import "kas": onbekend, verwacht een van bank, salaris, bewaarder, leden',
        "18: vng-import \"leden\": factuurdag '15-11' ongeldig (verwacht maand-dag, "
        'bijvoorbeeld "11-15")',
        "23: wnt-functie 'geluk': personeelsnummer 1001 moet tekst zijn (tussen "
        'aanhalingstekens: "1001")',
        "27: wnt-functie 'b': personeelsnummer 7 is al van 'a' (<string>:25)",
    ]
    assert messages.splitlines() == expected


def test_a_wrong_setting_refuses_vng_import_as_file_and_line(
    boeken: Path,  # noqa: F811
) -> None:
    settings = boeken / "instellingen.beancount"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(
            'te_verwerken: "Activa:Vorderingen:Overlopend:TeVerwerken"',
            'te_verwerken: "Activa:Vorderingen:Overlopend:Onbekend"',
        ),
        encoding="utf-8",
    )
    _commit(boeken, "fout")
    head = _head(boeken)
    result = _import(boeken, CAMT)
    assert result.returncode != 0
    assert "instellingen.beancount:" in result.stderr
    assert (
        'vng-import "bank": te_verwerken Activa:Vorderingen:Overlopend:Onbekend is niet geopend'
        in result.stderr
    )
    assert _head(boeken) == head


def test_a_missing_setting_refuses_the_file_naming_it(books: Books) -> None:
    without = [
        e
        for e in books.entries
        if not (
            isinstance(e, data.Custom) and e.type == "vng-import" and e.values[0].value == "salaris"
        )
    ]
    path = ROOT / "tests" / "importers" / "salaris" / "salarisjournaal-2024-03.csv"
    importer = next(i for i in importers_for(without) if i.identify(str(path)))
    with pytest.raises(
        ImportFailure, match=r'salarisjournaal-2024-03.csv:0: .*"vng-import" "salaris"'
    ):
        new_entries(importer, str(path), without)


# --- Fava's import config ----------------------------------------------------------------


def test_fava_loads_the_import_config_without_reading_the_books(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fava.core.ingest import load_import_config

    import importers.config

    def no_books(entries: object) -> object:
        raise AssertionError("the books were read while loading the import config")

    monkeypatch.setattr(importers.config, "read_import_settings", no_books)
    loaded = load_import_config(FAVA_CONFIG)
    assert len(loaded.importers) == 5  # unique names: Fava refuses duplicates
    assert "importers.camt053.Camt053Importer" in loaded.importers
    assert list(runpy.run_path(str(FAVA_CONFIG))["CONFIG"])


def test_fava_imports_with_the_books_it_has_loaded(books_copy: Path, tmp_path: Path) -> None:
    """Fava's own import page code on a copy of the books with a new bank account:
    the list shows the new account, the extract books on it."""
    import flask
    from fava.core import FavaLedger

    _add_bank_account(books_copy.parent)
    inbox = tmp_path / "import"
    inbox.mkdir()
    statement = _new_statement(inbox / "rabo-2024-03-01.xml")
    shutil.copy(CAMT, inbox / "ing-2024-03-01.xml")
    ledger = FavaLedger(str(books_copy))
    ledger.fava_options = dataclasses.replace(
        ledger.fava_options, import_config=str(FAVA_CONFIG), import_dirs=(str(inbox),)
    )
    ledger.ingest.load_file()
    assert ledger.ingest.errors == ()
    with flask.Flask(__name__).test_request_context():
        flask.g.ledger = ledger
        listed = {f.basename: f.importers for f in ledger.ingest.import_data()}
        (rabo,) = listed["rabo-2024-03-01.xml"]
        assert rabo.account == NEW_ACCOUNT and str(rabo.date) == "2024-03-02"
        assert listed["ing-2024-03-01.xml"][0].account == "Activa:LiquideMiddelen:Bank:ING"
        entries = ledger.ingest.extract(str(statement), rabo.importer_name)
    accounts = {p.account for e in entries if isinstance(e, data.Transaction) for p in e.postings}
    assert NEW_ACCOUNT in accounts


def test_outside_fava_the_import_config_says_so() -> None:
    config = runpy.run_path(str(FAVA_CONFIG))["CONFIG"]
    with pytest.raises(ImportFailure, match="alleen in Fava"):
        config[0].account(str(CAMT))


def test_vng_check_passes_on_the_books_with_a_new_bank_account(books_copy: Path) -> None:
    _add_bank_account(books_copy.parent)
    result = vng("check", "--books", str(books_copy), "--groep", "")
    assert result.returncode == 0, result.stderr
