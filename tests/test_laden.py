"""``vng_accounts.books.load_file`` is beancount's ``loader.load_file``: the same
entries, errors and options, on the embedded books and on books that do not balance;
also when it takes the files' parse from the guard's (``parse_books``), as the check
of a save does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from tests.conftest import ROOT
from vng_accounts import guard
from vng_accounts.books import load_file

BOOKS = sorted((ROOT / "ledger").glob("*/main.beancount"))


class _Parses:
    """The files beancount's parser reads while counting is on, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from beancount.parser import parser

        self.files: list[str] = []
        self._patch, self._parser, self._parse_file = monkeypatch, parser, parser.parse_file

    def _counted(self, file: Any, *args: Any, **kwargs: Any) -> Any:
        self.files.append(str(file))
        return self._parse_file(file, *args, **kwargs)

    def on(self) -> _Parses:
        self._patch.setattr(self._parser, "parse_file", self._counted)
        return self

    def off(self) -> None:
        self._patch.setattr(self._parser, "parse_file", self._parse_file)


def _beancount(path: Path) -> tuple[Any, Any, Any]:
    loader.initialize(use_cache=False)
    return loader.load_file(str(path))


def _errors(errors: list[Any]) -> list[tuple[str, int, str]]:
    return [
        (e.source.get("filename", ""), e.source.get("lineno", 0), str(e.message)) for e in errors
    ]


def _same(path: Path) -> list[tuple[str, int, str]]:
    theirs = _beancount(path)
    parsed = guard.parse_books(str(path), str(path.parent)).files
    for ours in (load_file(str(path)), load_file(str(path), parsed)):
        assert ours[0] == theirs[0]
        assert _errors(ours[1]) == _errors(theirs[1])
        skip = {"dcontext", "input_hash"}  # an object without equality; the time of reading
        assert {k: v for k, v in ours[2].items() if k not in skip} == {
            k: v for k, v in theirs[2].items() if k not in skip
        }
        assert str(ours[2]["dcontext"]) == str(theirs[2]["dcontext"])
        assert ours[2]["input_hash"] == theirs[2]["input_hash"]
    return _errors(ours[1])


@pytest.mark.parametrize("path", BOOKS, ids=[p.parent.name for p in BOOKS])
def test_the_embedded_books_load_as_beancount_loads_them(path: Path) -> None:
    assert _same(path) == []


def test_every_transaction_that_does_not_balance_is_reported_as_beancount_does(
    tmp_path: Path,
) -> None:
    books = tmp_path / "main.beancount"
    books.write_text(
        """option "operating_currency" "EUR"
2024-01-01 open Assets:Bank
2024-01-01 open Assets:Effecten
2024-01-01 open Expenses:Kosten
2024-01-01 commodity FONDS

2024-02-01 * "een cent te veel"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten    10.01 EUR

2024-02-02 * "in evenwicht"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten     4.00 EUR
  Expenses:Kosten     6.00 EUR

2024-02-03 * "binnen de tolerantie"
  Assets:Bank       -10.000 EUR
  Expenses:Kosten    10.0004 EUR

2024-02-04 * "twee valuta's, niet in evenwicht"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten    10.00 USD

2024-02-05 * "tegen een koers, in evenwicht"
  Assets:Effecten     2 FONDS @ 5.00 EUR
  Assets:Bank       -10.00 EUR

2024-02-06 * "tegen een kostprijs, niet in evenwicht"
  Assets:Effecten     2 FONDS {5.00 EUR}
  Assets:Bank       -11.00 EUR

2024-02-07 * "aangevuld"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten
""",
        encoding="utf-8",
    )
    errors = _same(books)
    unbalanced = [lineno for _, lineno, message in errors if "does not balance" in message]
    assert unbalanced == [7, 20, 28]


BOOKING = """option "operating_currency" "EUR"
2024-01-01 open Assets:Bank
2024-01-01 open Assets:Kas
2024-01-01 open Assets:Effecten
2024-01-01 open Assets:Vreemd
2024-01-01 open Expenses:Kosten
2024-01-01 open Expenses:Overig
2024-01-01 open Income:Koers
2024-01-01 commodity FONDS

2024-01-02 * "gewoon"
  Assets:Bank       -10.00 EUR
  Expenses:Kosten    10.00 EUR

2024-01-03 * "aankoop tegen kostprijs"
  Assets:Effecten     4 FONDS {5.00 EUR}
  Assets:Bank       -20.00 EUR

2024-01-04 * "gewoon, op een rekening met kostprijzen"
  Assets:Effecten     1 FONDS
  Expenses:Kosten    -1 FONDS

2024-01-05 * "verkoop: de kavel uit de voorraad"
  Assets:Effecten    -2 FONDS {}
  Assets:Bank        12.00 EUR
  Income:Koers

2024-01-06 * "gewoon, in kas"
  Assets:Kas          7.50 EUR
  Assets:Bank        -7.50 EUR

2024-01-07 * "valuta open: uit de voorraad van de kas"
  Assets:Kas         -2.25
  Expenses:Kosten     2.25 EUR

2024-01-08 * "twee valuta's"
  Assets:Vreemd      10.00 USD
  Assets:Bank        -9.00 EUR

2024-01-09 * "tegen een koers"
  Assets:Vreemd      -5.00 USD @ 0.90 EUR
  Assets:Bank         4.50 EUR

2024-01-10 * "niet in te delen"
  Assets:Vreemd
  Expenses:Overig

2024-01-11 * "te veel open"
  Assets:Bank       -10.00 EUR
  Expenses:Overig
  Assets:Kas

2024-01-12 * "meer verkocht dan er is"
  Assets:Effecten   -10 FONDS {5.00 EUR}
  Assets:Bank        50.00 EUR

2024-01-13 * "decimalen"
  Assets:Bank       -10.005 EUR
  Expenses:Kosten    10.005 EUR

2024-01-13 * "heel getal"
  Assets:Bank       -10 EUR
  Expenses:Kosten    10 EUR
"""


def test_booking_gives_beancounts_entries_and_errors_in_beancounts_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beancount.core import data
    from beancount.parser import booking, parser

    from vng_accounts.books import book

    entries, _, options = parser.parse_string(BOOKING)
    entries.sort(key=data.entry_sortkey)
    theirs, their_errors = booking.book(entries, options)
    passed: list[list[Any]] = []
    beancounts = booking.book

    def counted(given: list[Any], options: dict[str, Any]) -> Any:
        passed.append([e for e in given if isinstance(e, data.Transaction)])
        return beancounts(given, options)

    monkeypatch.setattr(booking, "book", counted)
    ours, our_errors = book(entries, options)
    # booked without beancount: the plain ones on accounts whose inventory nobody reads
    narrations = {e.narration for e in passed[0]}
    assert {"gewoon", "decimalen", "heel getal"}.isdisjoint(narrations)
    assert {"gewoon, in kas", "gewoon, op een rekening met kostprijzen"} <= narrations
    assert ours == theirs
    assert [str(e.message) for e in our_errors] == [str(e.message) for e in their_errors]
    assert [e.source["lineno"] for e in our_errors] == [e.source["lineno"] for e in their_errors]
    # what the books hold: errors beancount reports, transactions it leaves out
    assert len(their_errors) >= 3 and len(theirs) < len(entries)
    books = tmp_path / "main.beancount"
    books.write_text(BOOKING, encoding="utf-8")
    assert _same(books)  # the whole load, errors included


def test_generated_books_at_scale_load_as_beancount_loads_them(tmp_path: Path) -> None:
    from bench.genereer import genereer

    genereer(10_000, tmp_path)
    for name in ("vereniging", "realisatie"):
        assert _same(tmp_path / "ledger" / name / "main.beancount") == []


def test_fava_under_vng_serve_loads_the_books_as_beancount_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess
    import sys

    from vng import serve
    from vng_accounts import books

    used: list[str] = []
    ours = books.load_file

    def counted(path: str, parsed: Any = ()) -> Any:
        used.append(path)
        return ours(path, parsed)

    monkeypatch.setattr(books, "load_file", counted)

    def unused(path: str, *, is_encrypted: bool) -> Any:
        raise AssertionError("Fava's own load")

    path = ROOT / "ledger" / "vereniging" / "main.beancount"
    guard.parse_books(str(path), str(path.parent))  # as the server's start parses them
    parsing = _Parses(monkeypatch).on()
    entries, errors, options = serve._loaded_as_vng_loads(unused)(str(path), is_encrypted=False)
    parsing.off()
    assert parsing.files == []  # every file's parse the guard's
    theirs = _beancount(path)
    assert used == [str(path)]
    assert entries == theirs[0] and _errors(errors) == _errors(theirs[1])
    # vng serve puts it in Fava's place
    wired = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fava.core; from vng.serve import install_guards; install_guards(); "
            "print(fava.core.load_uncached.__qualname__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert wired.stdout.strip() == "_loaded_as_vng_loads.<locals>.load_uncached"


# Fava as ``vng serve`` serves it (``vng.serve.fava_app``, every guard installed), in a
# process of its own: a save through Fava's API, then a page, and Fava's ledger after it
# written to OUT. With BEHIND, a file of the books is changed between the save and the
# page, as another writer or an edit by hand would.
_SAVE_IN_FAVA = """
import pickle, sys
from vng.serve import USER_HEADER, fava_app
main, out, behind = sys.argv[1:4]
app = fava_app(main)
client = app.test_client()
entry = {
    "t": "Transaction", "date": "2024-12-30", "flag": "*", "payee": "Drukkerij Haagland",
    "narration": "Drukwerk jaarverslag", "meta": {}, "tags": [], "links": [],
    "postings": [
        {"account": "Lasten:KantoorHuisvesting:Drukwerk", "amount": "120.00 EUR", "meta": {}},
        {"account": "Passiva:Kortlopend:Handelscrediteuren", "amount": "-120.00 EUR", "meta": {}},
    ],
}
slug = app.config["LEDGERS"].first_slug()
saved = client.put(
    f"/{slug}/api/add_entries", json={"entries": [entry]}, headers={USER_HEADER: "anna"}
)
assert saved.status_code == 200, saved.get_data(as_text=True)
if behind:
    with open(behind, "a", encoding="utf-8") as handle:
        handle.write('\\n2024-12-31 * "Met de hand bijgeboekt"\\n'
                     "  Lasten:KantoorHuisvesting:Drukwerk  7.00 EUR\\n"
                     "  Passiva:Kortlopend:Handelscrediteuren  -7.00 EUR\\n")
page = client.get(f"/{slug}/income_statement/", headers={USER_HEADER: "anna"})
assert page.status_code == 200, page.status_code
ledger = app.config["LEDGERS"][slug]
options = {k: v for k, v in ledger.options.items() if k != "dcontext"}
with open(out, "wb") as handle:
    pickle.dump((ledger.all_entries, ledger.load_errors, options), handle)
"""


def _saved_in_fava(
    tmp_path: Path, behind: str = "", script: str = _SAVE_IN_FAVA
) -> tuple[Path, Any, list[str], list[str]]:
    """The embedded books in a repository of their own, a save through Fava and its
    page after it: the books' main file, Fava's ledger (entries, errors, options), the
    loads ``vng serve`` reported and the changes it reported."""
    import pickle
    import shutil
    import subprocess
    import sys

    from tests.conftest import BOOKS_DIR
    from tests.fava_site import commit_all
    from vng.schrijven import CHANGED

    books = tmp_path / "ledger" / "vereniging"
    shutil.copytree(BOOKS_DIR, books)
    (tmp_path / "import").mkdir()
    commit_all(tmp_path)
    main, out = books / "main.beancount", tmp_path / "fava.pickle"
    ran = subprocess.run(
        [sys.executable, "-c", script, str(main), str(out), behind and str(books / behind)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    lines = ran.stderr.splitlines()
    loads = [line for line in lines if line.startswith(f"vng serve: {main} ")]
    changes = [line for line in lines if line.startswith(f"vng serve: {CHANGED} {main} in ")]
    with out.open("rb") as handle:
        return main, pickle.load(handle), loads, changes


def _as_cold(main: Path, fava: Any) -> Any:
    """Fava's ledger is a cold load of the books as they are on disk: the same entries
    (with their file and line), errors and options; the cold load."""
    entries, errors, options = fava
    cold = load_file(str(main))
    assert [e.meta for e in entries] == [e.meta for e in cold[0]]  # the places first
    assert entries == cold[0]
    assert _errors(errors) == _errors(cold[1]) == []
    assert options == {k: v for k, v in cold[2].items() if k != "dcontext"}
    return cold


# the same, and whether the garbage collector was paused at each load of the books:
# Fava's, and the check's of the save (written to OUT.gc)
_PAUSED_IN_FAVA = (
    """
import gc, sys, fava.core
from vng import schrijven
from vng.serve import install_guards
install_guards()
paused = []
def spied(load):
    def spy(*args, **kwargs):
        paused.append(not gc.isenabled())
        return load(*args, **kwargs)
    return spy
fava.core.load_uncached = spied(fava.core.load_uncached)
schrijven.load_file = spied(schrijven.load_file)
"""
    + _SAVE_IN_FAVA
    + """
with open(out + ".gc", "w", encoding="utf-8") as handle:
    handle.write(repr((paused, gc.isenabled())))
"""
)


def test_fava_s_loads_and_the_check_of_a_save_run_without_the_garbage_collector(
    tmp_path: Path,
) -> None:
    """Fava's load of the books (at its start and after a save) and the check's load
    of a save run with Python's cyclic garbage collector paused, which walked their
    millions of objects over and over; it runs again after them."""
    import ast

    main, fava, _, _ = _saved_in_fava(tmp_path, script=_PAUSED_IN_FAVA)
    _as_cold(main, fava)  # the same books all the same
    paused, enabled = ast.literal_eval((tmp_path / "fava.pickle.gc").read_text("utf-8"))
    assert paused == [True, True, True] and enabled  # Fava, the check, Fava after it


def test_after_a_save_fava_takes_over_the_checked_load(tmp_path: Path) -> None:
    from vng import serve

    main, fava, loads, changes = _saved_in_fava(tmp_path)
    cold = _as_cold(main, fava)
    assert any(e.narration == "Drukwerk jaarverslag" for e in cold[0] if hasattr(e, "narration"))
    # once from disk when Fava starts; after the save, the check's load, not a second
    # one; and the check knew the books' errors from the first (not loaded for them)
    assert [line.split(f"{main} ")[1].rsplit(" in ", 1)[0] for line in loads] == [
        serve.LOADED_FROM_DISK,
        serve.LOADED_CHECKED,
    ]
    # the save reported with the seconds of each of its steps
    assert len(changes) == 1, changes
    steps = changes[0].split(" s (", 1)[1].rstrip(")").split(", ")
    assert [step.split()[0] for step in steps] == [
        "kopie",
        "ontleden",
        "laden",
        "controle",
        "vastleggen",
    ]


def test_a_file_changed_behind_the_save_is_loaded_from_disk(tmp_path: Path) -> None:
    from vng import serve

    main, fava, loads, _ = _saved_in_fava(tmp_path, "2024.beancount")
    cold = _as_cold(main, fava)
    assert any(getattr(e, "narration", "") == "Met de hand bijgeboekt" for e in cold[0])
    assert [line.split(f"{main} ")[1].rsplit(" in ", 1)[0] for line in loads] == [
        serve.LOADED_FROM_DISK,
        serve.LOADED_FROM_DISK,
    ]


# Fava as ``vng serve`` serves it, on books with an error committed: Fava's first load
# from disk, then the books' source saved twice through Fava's editor, first with an
# entry that is right, then with one more wrong entry. Prints both answers' status.
_SAVE_WITH_A_KNOWN_ERROR = """
import json, sys
from vng.serve import USER_HEADER, fava_app
main, path = sys.argv[1:3]
app = fava_app(main)
client = app.test_client()
slug = app.config["LEDGERS"].first_slug()
headers = {USER_HEADER: "anna"}
assert client.get(f"/{slug}/income_statement/", headers=headers).status_code == 200
entry = '\\n2024-12-30 * "{}"\\n  {}  5.00 EUR\\n  Passiva:Kortlopend:Handelscrediteuren\\n'
for account in ("Lasten:KantoorHuisvesting:Drukwerk", "Lasten:Bestaat:Ook:Niet"):
    current = client.get(f"/{slug}/api/source?filename={path}", headers=headers).json["data"]
    body = {"file_path": path, "sha256sum": current["sha256sum"],
            "source": current["source"] + entry.format(account, account)}
    saved = client.put(f"/{slug}/api/source", json=body, headers=headers)
    print(saved.status_code, json.dumps(saved.get_data(as_text=True)))
"""


def test_the_errors_of_fava_s_load_are_the_errors_a_save_may_keep(tmp_path: Path) -> None:
    """The books have an error when Fava starts; the first save knows it from Fava's
    own load (it does not load the books for it): a save that keeps that error is
    written, one that adds an error is refused and names it."""
    import shutil
    import subprocess
    import sys

    from tests.conftest import BOOKS_DIR
    from tests.fava_site import commit_all
    from vng.schrijven import LOADED_FOR_ERRORS

    books = tmp_path / "ledger" / "vereniging"
    shutil.copytree(BOOKS_DIR, books)
    (tmp_path / "import").mkdir()
    wrong = '\n2024-12-29 * "Fout"\n  Lasten:Bestaat:Niet  1.00 EUR\n  Activa:Bestaat:Ook:Niet\n'
    with open(books / "2024.beancount", "a", encoding="utf-8") as handle:
        handle.write(wrong)
    commit_all(tmp_path)
    main, path = books / "main.beancount", books / "2024.beancount"
    ran = subprocess.run(
        [sys.executable, "-c", _SAVE_WITH_A_KNOWN_ERROR, str(main), str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    first, second = ran.stdout.splitlines()
    assert first.startswith("200 "), first
    assert second.startswith("400 ") and "Lasten:Bestaat:Ook:Niet" in second, second
    assert "Lasten:Bestaat:Niet" not in second.replace("Lasten:Bestaat:Ook:Niet", "")
    assert LOADED_FOR_ERRORS not in ran.stderr
    text = path.read_text(encoding="utf-8")
    assert text.count('"Fout"') == 1 and text.count("Lasten:KantoorHuisvesting:Drukwerk  5.00") == 1
    assert "Lasten:Bestaat:Ook:Niet" not in text


def test_a_load_takes_the_guards_parse_of_every_unchanged_file_and_shares_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of a save loads the staged books with the guard's parse of their
    files: no file parsed again unless it changed since; and what a step after the
    parse changes in place in its entries (a plugin, booking) is not in the parse the
    next load takes."""
    import shutil

    books = tmp_path / "vereniging"
    shutil.copytree(ROOT / "ledger" / "vereniging", books)
    main = books / "main.beancount"
    parsed = guard.parse_books(str(main), str(books)).files
    calls = _Parses(monkeypatch).on()
    first = load_file(str(main), parsed)
    assert calls.files == []
    for entry in first[0]:  # whatever a later step could change in place
        entry.meta["veranderd"] = True
        for posting in getattr(entry, "postings", None) or ():
            if posting.meta is not None:
                posting.meta["veranderd"] = True
        for values in (getattr(entry, "values", None), getattr(entry, "currencies", None)):
            if isinstance(values, list):
                values.append("veranderd")
    again = load_file(str(main), parsed)
    calls.off()
    assert again[0] == _beancount(main)[0]
    assert all("veranderd" not in e.meta for f in parsed for e in f.entries)
    # a file changed after the guard's parse is parsed again, as it is now
    with open(books / "2024.beancount", "a", encoding="utf-8") as handle:
        handle.write('\n2024-12-30 * "Drukkerij" "later"\n')
        handle.write("  Lasten:KantoorHuisvesting:Drukwerk        1.00 EUR\n")
        handle.write("  Passiva:Kortlopend:Handelscrediteuren    -1.00 EUR\n")
    calls.on()
    changed = load_file(str(main), parsed)
    calls.off()
    assert calls.files and changed[0] == _beancount(main)[0]


def test_a_parse_of_the_same_content_elsewhere_is_the_parse_there(tmp_path: Path) -> None:
    """The guard parses a file once per content: the staging copy of the books takes
    the parse of the books' own files, each entry and posting named as there."""
    import shutil

    from beancount.parser import parser

    for name in ("boeken", "kopie"):
        shutil.copytree(ROOT / "ledger" / "vereniging", tmp_path / name)
    guard.parse_books(str(tmp_path / "boeken" / "main.beancount"), str(tmp_path / "boeken"))
    copied = guard.parse_books(str(tmp_path / "kopie" / "main.beancount"), str(tmp_path / "kopie"))
    assert len(copied.files) > 1
    for parsed in copied.files:
        assert parsed.path.startswith(str(tmp_path / "kopie"))
        entries, errors, options = parser.parse_file(parsed.path)
        assert list(parsed.entries) == entries and list(parsed.errors) == errors
        assert {k: v for k, v in parsed.options.items() if k != "dcontext"} == {
            k: v for k, v in options.items() if k != "dcontext"
        }
        assert str(parsed.options["dcontext"]) == str(options["dcontext"])


def test_the_checks_load_is_renamed_for_fava_and_the_page_and_the_guards_parse_kept(
    tmp_path: Path,
) -> None:
    """After a change, the check's load of the staging copy is named as the books'
    files in place (once, for Fava and for the page's build alike): a cold load of the
    books; the guard's parse of the copy, which it took its entries from, still names
    the copy; and once a file differs from what the check loaded, neither has it."""
    import shutil

    from tests.conftest import BOOKS_DIR
    from tests.fava_site import commit_all
    from vng import schrijven

    books = tmp_path / "ledger" / "vereniging"
    shutil.copytree(BOOKS_DIR, books)
    commit_all(tmp_path)
    main, year = books / "main.beancount", books / "2024.beancount"
    (tmp_path / "import").mkdir()  # the import folder the books name
    parsed = guard.parse_books(str(main), str(books))
    policy = guard.policy_for(parsed, str(books), [str(tmp_path / "import")])

    def make(staging: Any) -> None:
        with open(staging.path(str(year)), "a", encoding="utf-8") as handle:
            handle.write('\n2024-12-30 * "Drukkerij" "na de controle"\n')
            handle.write("  Lasten:KantoorHuisvesting:Drukwerk        1.00 EUR\n")
            handle.write("  Passiva:Kortlopend:Handelscrediteuren    -1.00 EUR\n")

    schrijven.Change(str(main), policy, "anna", "een boeking").run(make)
    now = schrijven.load_of_now(str(main))  # the page's build asks first
    assert now is not None and now[1]()
    taken = schrijven.checked_load(str(main))  # then Fava: the same, named once
    assert taken is not None and taken[0] is now[0][0]
    cold = load_file(str(main))
    assert [e.meta for e in taken[0]] == [e.meta for e in cold[0]]
    assert [p.meta for e in taken[0] for p in getattr(e, "postings", ())] == [
        p.meta for e in cold[0] for p in getattr(e, "postings", ())
    ]
    assert taken[0] == cold[0] and taken[2]["include"] == cold[2]["include"]
    copy = [p for p in guard._PARSE_CACHE.values() if "vng-wijziging" in p.path]
    assert copy
    for parsed in copy:
        for entry in parsed.entries:
            assert entry.meta["filename"] == parsed.path
            for posting in getattr(entry, "postings", ()):
                assert posting.meta is None or posting.meta["filename"] == parsed.path
    again = schrijven.load_of_now(str(main))  # Fava holds it now: still the books' load
    assert again is not None and again[0] is taken
    with open(year, "a", encoding="utf-8") as handle:
        handle.write("\n; met de hand\n")
    assert not again[1]() and schrijven.load_of_now(str(main)) is None


# a plugin of the test's: gives back the entries it was given (the same list) with two
# of them swapped in place, with one left out, or as they were
_SHUFFLING_PLUGIN = """
__plugins__ = ("shuffle",)

def shuffle(entries, options, config=None):
    if config == "swap" and len(entries) > 3:
        entries[1], entries[-2] = entries[-2], entries[1]
    elif config == "drop":
        entries = entries[:-1]
    return entries, []
"""


@pytest.mark.parametrize("config", ["swap", "drop", "same"])
def test_entries_are_sorted_after_a_plugin_as_beancount_sorts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    """beancount sorts the entries after every plugin; ``load_file`` leaves out that
    sort only after a plugin that gave back the entries it was given in their order:
    entries changed in place, or fewer, are sorted as beancount sorts them."""
    (tmp_path / "schudden.py").write_text(_SHUFFLING_PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    main = tmp_path / "main.beancount"
    main.write_text(
        f'plugin "schudden" "{config}"\n'
        "2024-01-01 open Assets:Bank EUR\n2024-01-01 open Expenses:Drukwerk EUR\n"
        + "".join(
            f'2024-02-{day:02d} * "Drukwerk {day}"\n  Expenses:Drukwerk  {day}.00 EUR\n'
            "  Assets:Bank\n"
            for day in range(1, 20)
        ),
        encoding="utf-8",
    )
    ours = load_file(str(main))
    theirs = _beancount(main)
    assert ours[0] == theirs[0] and _errors(ours[1]) == _errors(theirs[1]) == []
    assert len(ours[0]) == 21 - (config == "drop")


PLUGINS = {
    "vng_test_checks": "def check(entries, options):\n    return entries, []\n",
    "vng_test_swaps": (
        "def swap(entries, options):\n"
        "    entries[0], entries[-1] = entries[-1], entries[0]\n"
        "    return entries, []\n"
    ),
    "vng_test_adds": (
        "from beancount.core import data\n"
        "def add(entries, options):\n"
        "    day = entries[0].date\n"
        "    note = data.Note(data.new_metadata('x', 1), day, 'Activa:Bank', 'n', None, None)\n"
        "    return entries + [note], []\n"
    ),
    "vng_test_fails": "def fail(entries, options):\n    raise ValueError('kapot')\n",
}


@pytest.mark.parametrize(
    "plugins",
    [
        ["vng_test_checks", "vng_test_checks"],
        ["vng_test_checks", "vng_test_swaps", "vng_test_checks"],
        ["vng_test_adds", "vng_test_checks"],
        ["vng_test_fails", "vng_test_bestaat_niet", "vng_test_checks"],
    ],
    ids=["checks", "swaps", "adds", "fails"],
)
@pytest.mark.parametrize("mode", ["default", "raw"])
def test_the_plugins_run_as_beancount_runs_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: list[str], mode: str
) -> None:
    """Whatever a plugin does with the entries (nothing, moving them in place, adding
    one), the entries come out in beancount's order, with beancount's errors; with
    beancount's own plugins around the books' ones (default) and without (raw)."""
    from beancount.core import data
    from beancount.parser import parser

    from vng_accounts.books import run_transformations

    for name, code in PLUGINS.items():
        function = code.split("def ", 1)[1].split("(", 1)[0]
        (tmp_path / f"{name}.py").write_text(f"{code}__plugins__ = ('{function}',)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = "".join(
        f'2024-0{m}-01 * "t{m}"\n  Activa:Bank  {m}.00 EUR\n  Passiva:Schuld  -{m}.00 EUR\n'
        for m in (3, 1, 2)
    )
    entries, _, options = parser.parse_string("2020-01-01 open Activa:Bank\n" + text)
    entries.sort(key=data.entry_sortkey)
    options["plugin"] = [(name, None) for name in plugins]
    options["plugin_processing_mode"] = mode
    theirs = loader.run_transformations(list(entries), [], dict(options), None)
    ours = run_transformations(list(entries), [], dict(options))
    assert ours[0] == theirs[0]

    def said(errors: list[Any]) -> list[tuple[str, str]]:  # the error, the traceback's last line
        return [(e.message.split("\n")[0], e.message.strip().split("\n")[-1]) for e in errors]

    assert said(ours[1]) == said(theirs[1])
    assert len(ours[1]) == (2 if plugins[0] == "vng_test_fails" else 0)
