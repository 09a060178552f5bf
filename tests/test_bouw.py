"""The build of the group: in parallel, from the cache, and on generated books.

Speed is measured by ``make bench``, not here; these tests hold the build to what it
must never trade for speed: the same figures as a plain serial build, no stale
result after any change to the books, every error still reported.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bench.genereer import genereer
from statements.grootboek import build_grootboek, summarised
from tests.conftest import ROOT, vng

LEDGER = ROOT / "ledger"


def _group_args(ledger: Path) -> list[str]:
    return [
        "--books",
        str(ledger / "vereniging" / "main.beancount"),
        "--groep",
        str(ledger / "groep" / "groep.beancount"),
    ]


@contextmanager
def _env(**env: str) -> Iterator[None]:
    """The environment with ``env`` set while the block runs, as it was after it."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _build(out: Path, cache: str, *books: str) -> None:
    """``vng jaarverslag`` of 2024 into ``out`` with the cache in ``cache``."""
    with _env(VNG_CACHE=cache):
        result = vng("jaarverslag", "--year", "2024", *books, "--out", str(out))
    assert result.returncode == 0, result.stderr


def _collected(books: Path, credit: str = "-12345.67") -> str:
    """A receivable of Gemeente Zwolle collected at the year's end, added to ``books``:
    bank up, debiteuren down by ``credit`` (the books before it returned)."""
    original = books.read_text(encoding="utf-8")
    books.write_text(
        original + '\n2024-12-30 * "Gemeente Zwolle" "Ontvangst"\n'
        "  Activa:LiquideMiddelen:Bank                 12345.67 EUR\n"
        f"  Activa:Vorderingen:Handelsdebiteuren       {credit} EUR\n",
        encoding="utf-8",
    )
    return original


def _jaarrekening(ledger: Path, out: Path, **env: str) -> dict:  # type: ignore[type-arg]
    with _env(**env):
        result = vng("jaarrekening", "--year", "2024", *_group_args(ledger), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return json.loads((out / "jaarrekening-2024.json").read_text(encoding="utf-8"))


def _statement(document: dict, statement: str) -> dict:  # type: ignore[type-arg]
    return next(s for s in document["statements"] if s["id"] == statement)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    target = tmp_path / "ledger"
    shutil.copytree(LEDGER, target)
    return target


def test_parallel_and_cached_builds_equal_a_serial_build_without_cache(
    ledger: Path, tmp_path: Path
) -> None:
    serial = _jaarrekening(ledger, tmp_path / "a", VNG_PROCESSEN="1", VNG_CACHE="uit")
    cache = str(tmp_path / "cache")
    cold = _jaarrekening(ledger, tmp_path / "b", VNG_PROCESSEN="2", VNG_CACHE=cache)
    assert any(Path(cache).glob("*.pickle"))
    warm = _jaarrekening(ledger, tmp_path / "c", VNG_PROCESSEN="2", VNG_CACHE=cache)
    assert serial == cold == warm
    assert _statement(serial, "geconsolideerd.balans")["lines"]


def test_a_change_in_one_dochter_is_never_answered_from_the_cache(
    ledger: Path, tmp_path: Path
) -> None:
    cache = str(tmp_path / "cache")
    before = _jaarrekening(ledger, tmp_path / "a", VNG_CACHE=cache)
    books = ledger / "realisatie" / "main.beancount"
    original = _collected(books)
    after = _jaarrekening(ledger, tmp_path / "b", VNG_CACHE=cache)

    def line(document: dict, line_id: str) -> Decimal:  # type: ignore[type-arg]
        rows = _statement(document, "geconsolideerd.balans")["lines"]
        return Decimal(next(r for r in rows if r["id"] == line_id)["amounts"][0])

    assert line(after, "liquide_middelen") - line(before, "liquide_middelen") == Decimal("12345.67")
    assert line(before, "handelsdebiteuren") - line(after, "handelsdebiteuren") == Decimal(
        "12345.67"
    )
    # one byte wrong in the same file: the build stops at that line, nothing written
    books.write_text(original, encoding="utf-8")
    _collected(books, "-12345.68")
    with _env(VNG_CACHE=cache):
        result = vng(
            "jaarrekening", "--year", "2024", *_group_args(ledger), "--out", str(tmp_path / "c")
        )
    assert result.returncode == 1
    assert f"{books}:" in result.stderr
    assert not (tmp_path / "c" / "jaarrekening-2024.json").exists()


def _check(ledger: Path, cache: str) -> tuple[int, str, list[str]]:
    """``vng check`` on the group: its exit status, stdout and the lines of stderr that
    name a place in the books (the progress's seconds left out)."""
    with _env(VNG_CACHE=cache):
        result = vng("check", *_group_args(ledger))
    errors = [line for line in result.stderr.splitlines() if ".beancount:" in line]
    return result.returncode, result.stdout, errors


def test_the_check_after_a_change_equals_a_cold_check_errors_included(
    ledger: Path, tmp_path: Path
) -> None:
    """A check with the cache of the books before (each unchanged entity from it, and
    every file's parts a full build kept: only the changed part is parsed) says what
    a check without any cache says, after a change that is right and after ones that
    are wrong: the same errors, at the same lines, the same exit status."""
    cache = str(tmp_path / "cache")
    _build(tmp_path / "out", cache, *_group_args(ledger))  # keeps the parts as well
    assert any((tmp_path / "cache" / "onderdelen").iterdir())
    assert _check(ledger, cache)[0] == 0
    books = ledger / "vereniging" / "2024.beancount"
    original = books.read_text(encoding="utf-8")
    changes = {
        "goed": ("10.00", "-10.00", ""),
        "niet in evenwicht": ("10.00", "-10.01", ""),
        "te precies en een onbekende rekening": ("10.001", "-10.001", ":Onbekend"),
    }
    for name, (debit, credit, suffix) in changes.items():
        books.write_text(
            original + f'\n2024-12-30 * "Bank" "{name}"\n'
            f"  Activa:LiquideMiddelen:Bank:ING{suffix}  {debit} EUR\n"
            f"  Activa:LiquideMiddelen:Bank:ING  {credit} EUR\n",
            encoding="utf-8",
        )
        warm, cold = _check(ledger, cache), _check(ledger, "uit")
        assert warm == cold, name
        assert (warm[0] == 0) == (name == "goed"), warm
        assert bool(warm[2]) == (name != "goed"), warm


def test_generated_books_keep_the_groups_balance_and_result(tmp_path: Path) -> None:
    """The generator's traffic adds to zero per day on every balance account and on
    the result: the consolidated balance and result are those of the real books,
    while the turnover grows."""
    lines = genereer(20_000, tmp_path)
    assert 19_000 <= lines <= 21_000
    check = vng("check", *_group_args(tmp_path / "ledger"))
    assert check.returncode == 0, check.stderr
    assert len(check.stdout.splitlines()) == 11  # every entity of the group, and the group
    generated = _jaarrekening(tmp_path / "ledger", tmp_path / "gen", VNG_CACHE="uit")
    real = _jaarrekening(LEDGER, tmp_path / "real", VNG_CACHE="uit")
    assert _statement(generated, "geconsolideerd.balans") == _statement(
        real, "geconsolideerd.balans"
    )

    def row(document: dict, line_id: str) -> str:  # type: ignore[type-arg]
        rows = _statement(document, "geconsolideerd.staat_van_baten_en_lasten")["lines"]
        return next(r for r in rows if r["id"] == line_id)["amounts"][0]

    assert row(generated, "resultaat") == row(real, "resultaat")
    assert Decimal(row(generated, "som_der_baten")) > Decimal(row(real, "som_der_baten"))


def test_a_summarised_ledger_keeps_the_trial_balance(books) -> None:  # type: ignore[no-untyped-def]
    ledger = build_grootboek(books, 2024)
    short = summarised(ledger)
    assert short.entries == ()
    assert short.debit_credit() == ledger.debit_credit()
    assert short.closing() == ledger.closing()


def test_a_rebuild_from_the_cache_gives_the_outputs_of_a_build_without_it(
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    cache = str(tmp_path / "cache")
    _build(tmp_path / "plain", "uit")
    _build(tmp_path / "cold", cache)
    _build(tmp_path / "warm", cache)
    assert any(Path(cache).glob("uitvoer-*"))
    names = sorted(p.name for p in (tmp_path / "plain").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "warm").iterdir())
    for name in names:
        if name.endswith((".json", ".xaf")):
            plain = (tmp_path / "plain" / name).read_bytes()
            assert plain == (tmp_path / "warm" / name).read_bytes(), name
    texts = [
        [
            page.extract_text()
            for page in PdfReader(str(tmp_path / b / "financieel-jaarverslag-2024.pdf")).pages
        ]
        for b in ("plain", "warm")
    ]
    assert texts[0] == texts[1]


def test_entities_load_side_by_side_only_within_the_memory_headroom() -> None:
    from vng.build import MEMORY_HEADROOM, Taak, _next

    sizes = {"a": 100, "b": 60, "c": 20, "d": 10}
    tasks = {k: Taak(k, f"{k}.beancount", 2024) for k in sizes}
    budget = MEMORY_HEADROOM * 100
    queue = [tasks[k] for k in ("b", "c", "d")]
    assert _next(queue, [], sizes, budget) == 0  # nothing running: the largest starts
    assert _next(queue, [tasks["a"]], sizes, budget) == 1  # b would not fit next to a; c does
    assert _next(queue[:1], [tasks["a"]], sizes, budget) == -1  # b waits for a


def test_a_second_copy_of_an_entitys_ledger_is_made_only_where_memory_allows() -> None:
    """The auditfile is made in a process beside (both then hold the ledger's pages)
    for books small next to the largest, or small in themselves; not for large books
    that are the group's largest (the Vereniging at 1M posting lines: 51 MB)."""
    from vng.build import COPY_LIMIT, MEMORY_HEADROOM, _copy_affordable

    mb = 1024 * 1024
    assert _copy_affordable(10 * mb, MEMORY_HEADROOM * 51 * mb)  # a dochter at 1M
    assert _copy_affordable(5 * mb, MEMORY_HEADROOM * 5 * mb)  # the largest, but small
    assert not _copy_affordable(51 * mb, MEMORY_HEADROOM * 51 * mb)  # the largest at 1M
    assert COPY_LIMIT < 8 * 51 * mb


def test_work_beside_returns_its_result_and_raises_its_error() -> None:
    from vng.build import beside

    assert beside(lambda: sum(range(10)))() == 45

    def failing() -> int:
        raise ValueError("kapot")

    with pytest.raises(ValueError, match="kapot"):
        beside(failing)()


def test_after_a_change_the_workbook_holds_the_cached_entities_ledgers_as_computed(
    ledger: Path, tmp_path: Path
) -> None:
    """The entities that did not change come from the cache with their ledgers stored
    apart, the sheets of the workbook whose content did not change from the last
    workbook; the workbook rebuilt after the change is the one of a build without
    cache, member for member as stored (but for the moment it was made)."""
    import openpyxl

    from tests.test_werkmap_xml import _members

    cache = str(tmp_path / "cache")
    group = _group_args(ledger)
    _build(tmp_path / "a", cache, *group)
    assert any(Path(cache).glob("*.grootboek.pickle"))
    assert (Path(cache) / "werkmap-bladen.pickle").exists()
    _collected(ledger / "realisatie" / "main.beancount")
    _build(tmp_path / "b", cache, *group)
    _build(tmp_path / "c", "uit", *group)
    name = "werkmap-accountant-2024.xlsx"
    rebuilt_members = _members((tmp_path / "b" / name).read_bytes())
    assert rebuilt_members == _members((tmp_path / "c" / name).read_bytes())
    rebuilt = openpyxl.load_workbook(tmp_path / "b" / name)
    plain = openpyxl.load_workbook(tmp_path / "c" / name)
    assert rebuilt.sheetnames == plain.sheetnames
    for sheet in plain.sheetnames:
        rows = list(plain[sheet].iter_rows(values_only=True))
        assert list(rebuilt[sheet].iter_rows(values_only=True)) == rows, sheet
    before = openpyxl.load_workbook(tmp_path / "a" / name)
    assert any(  # the change is in it
        list(before[s].iter_rows(values_only=True)) != list(plain[s].iter_rows(values_only=True))
        for s in plain.sheetnames
    )


def test_a_cached_result_reads_its_ledgers_only_when_asked(tmp_path: Path) -> None:
    from vng.build import Taak, run

    staging = tmp_path / "staging"
    staging.mkdir()
    books = str(LEDGER / "realisatie" / "main.beancount")
    taak = Taak("realisatie", books, 2024, full=True, staging=str(staging))
    with _env(VNG_CACHE=str(tmp_path / "cache")):
        computed = run([taak])["realisatie"]
        cached = run([taak])["realisatie"]
    assert cached.from_cache and cached.ledger is None and cached.analysis is None
    assert computed.ledger is not None
    # its entries are the workbook's rows: the result keeps the trial balance alone
    assert computed.ledger.entries == () and computed.ledger.turnover
    assert computed.sheets.journaal and computed.sheets.grootboekkaarten
    cached.complete()
    assert cached.ledger == computed.ledger and cached.prior == computed.prior


def test_the_fava_pages_results_and_the_full_builds_keep_apart_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's task (the trial balance, no auditfile) is never taken for the full
    one or for the figures alone, nor the other way round, and neither pushes the other
    out of the cache; the page's trial balance is the full build's."""
    from vng.build import run
    from vng.jaarverslag import plan

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    staging = tmp_path / "staging"
    staging.mkdir()
    books = str(LEDGER / "vereniging" / "main.beancount")
    group = str(LEDGER / "groep" / "groep.beancount")
    page = next(t for t in plan(books, group, 2024, False, balances=True)[0] if t.reporting)
    full = next(t for t in plan(books, group, 2024, True)[0] if t.reporting)
    full = dataclasses.replace(full, staging=str(staging))
    plain = next(t for t in plan(books, group, 2024, False)[0] if t.reporting)
    assert run([plain])[page.key].ledger is None  # the figures of ``vng jaarrekening``
    first = run([page])[page.key]
    assert not first.errors, first.errors
    assert not first.from_cache and not first.xaf_path and first.ledger is not None
    built = run([full])[page.key]
    assert not built.from_cache and built.xaf_path and built.analysis is not None
    again, rebuilt = run([page])[page.key], run([full])[page.key]
    assert again.from_cache and rebuilt.from_cache and rebuilt.xaf_path
    assert not again.complete().xaf_path and again.analysis is None
    assert again.ledger is not None and built.ledger is not None
    assert again.ledger.closing() == built.ledger.closing()
    assert again.ledger.accounts == built.ledger.accounts
    assert (again.ondertekening, again.teksten) == (built.ondertekening, built.teksten)
    assert again.ondertekening is not None and again.tables == built.tables


def test_the_pdf_is_set_again_only_when_what_it_shows_changed(ledger: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    cache = str(tmp_path / "cache")

    def build(out: str, cache: str = cache) -> Path:
        _build(tmp_path / out, cache, *_group_args(ledger))
        return tmp_path / out / "financieel-jaarverslag-2024.pdf"

    def text(pdf: Path) -> list[str]:
        return [page.extract_text() for page in PdfReader(str(pdf)).pages]

    first = build("a")
    books = ledger / "realisatie" / "main.beancount"
    original = books.read_text(encoding="utf-8")
    # a booking that changes no figure of the report: the same document, not set again
    books.write_text(
        original + '\n2024-06-03 * "Bank" "Overboeking binnen de rekening"\n'
        "  Activa:LiquideMiddelen:Bank        10.00 EUR\n"
        "  Activa:LiquideMiddelen:Bank       -10.00 EUR\n",
        encoding="utf-8",
    )
    kept = [p.stat().st_ino for p in Path(cache).glob("document-*")]
    assert build("b").read_bytes() == first.read_bytes()
    assert [p.stat().st_ino for p in Path(cache).glob("document-*")] == kept  # not written again
    # one that does: set again, as a build without cache sets it
    books.write_text(original, encoding="utf-8")
    _collected(books)
    changed = build("c")
    assert text(changed) != text(first)
    assert text(changed) == text(build("d", "uit"))


def test_a_build_beside_a_writer_leaves_gits_index_alone(tmp_path: Path) -> None:
    """A build reads the books' history (the cache key, the auditfile's users) while a
    writer may be committing: a git status that rewrote the index would hold its lock,
    and that writer's commit would fail on it (seen with four writers and an import)."""
    import subprocess
    import time

    from vng.auteurs import Auteurs
    from vng.build import _history

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    books = tmp_path / "main.beancount"
    books.write_text("2024-01-01 open Activa:Bank EUR\n")
    git("init", "-q")
    git("add", "main.beancount")
    git("-c", "user.name=anna", "-c", "user.email=a@b.invalid", "commit", "-qm", "boeken")
    index = tmp_path / ".git" / "index"
    time.sleep(1.1)
    os.utime(books)  # the index's stat of the file is stale: a refresh would rewrite it
    before = os.stat(index)
    time.sleep(1.1)

    assert "main.beancount" not in _history(str(books), [str(books)]).split("\0")[1]
    assert Auteurs()(str(books), [1]) == "anna"

    after = os.stat(index)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_commit_of_one_entitys_books_keeps_the_others_auditfiles_in_the_cache(
    tmp_path: Path,
) -> None:
    """Every save in Fava is a commit: the full results of the entities it did not
    touch stay in the cache (their users are the same), the touched one is made again,
    and so is one whose lines were committed since, its content the same."""
    import subprocess

    from vng.build import Taak, run

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(tmp_path / "ledger"), "-c", "user.name=anna", "-c"]
            + ["user.email=a@b.invalid", *args],
            check=True,
            capture_output=True,
        )

    for entity in ("realisatie", "csc"):
        shutil.copytree(LEDGER / entity, tmp_path / "ledger" / entity)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "boeken")
    staging = tmp_path / "staging"
    staging.mkdir()
    taken = [
        Taak(
            e,
            str(tmp_path / "ledger" / e / "main.beancount"),
            2024,
            full=True,
            staging=str(staging),
        )
        for e in ("realisatie", "csc")
    ]

    def cached() -> dict[str, bool]:
        with _env(VNG_CACHE=str(tmp_path / "cache")):
            return {key: result.from_cache for key, result in run(taken).items()}

    assert cached() == {"realisatie": False, "csc": False}
    assert cached() == {"realisatie": True, "csc": True}
    _collected(tmp_path / "ledger" / "csc" / "main.beancount")
    git("commit", "-qam", "ontvangst")
    assert cached() == {"realisatie": True, "csc": False}
    # a change not committed (no user yet), then committed: the same content the second
    # time, now with its user
    _collected(tmp_path / "ledger" / "realisatie" / "main.beancount")
    assert cached() == {"realisatie": False, "csc": True}
    git("commit", "-qam", "ontvangst")
    assert cached() == {"realisatie": False, "csc": True}
    assert cached() == {"realisatie": True, "csc": True}
    # the same content and nothing uncommitted, but another author of its lines
    git("commit", "-q", "--amend", "--no-edit", "--author=kees <k@b.invalid>")
    assert cached() == {"realisatie": False, "csc": True}


def test_a_full_task_sends_its_statements_ahead_of_its_grootboek(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``run``'s ``eerder``: once every entity has its statements, while the changed
    one still makes its grootboek and auditfile; what it gets is what the build
    gets (the statements, figures and texts), the rest follows in the result."""
    from vng.build import run
    from vng.jaarverslag import plan

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("VNG_PROCESSEN", "2")
    staging = tmp_path / "staging"
    staging.mkdir()
    books, group = (
        str(ledger / "vereniging" / "main.beancount"),
        str(ledger / "groep" / "groep.beancount"),
    )
    taken = [
        dataclasses.replace(t, staging=str(staging))
        for t in plan(books, group, 2024, True, balances=True)[0]
    ]
    told: list[dict[str, Any]] = []
    assert not any(r.errors for r in run(taken, eerder=told.append).values())
    assert len(told) == 1  # cold: every entity computed, each sent ahead
    _collected(ledger / "realisatie" / "main.beancount")
    told.clear()
    results = run(taken, eerder=told.append, apart=True)
    assert len(told) == 1
    ahead, final = told[0]["realisatie"], results["realisatie"]
    assert not ahead.from_cache and not ahead.xaf_path and ahead.analysis is None
    assert final.xaf_path and final.analysis is not None and final.ledger is not None
    assert ahead.figures == final.figures and ahead.group_lines == final.group_lines
    # with ``balances`` the trial balance comes ahead, as the grootboek's closing
    assert ahead.ledger is not None and ahead.ledger.closing() == final.ledger.closing()
    assert all(told[0][k].from_cache for k in told[0] if k != "realisatie")
    # without ``apart`` a single task is computed here, and told of when it is done
    with open(ledger / "realisatie" / "main.beancount", "a", encoding="utf-8") as handle:
        handle.write("\n; een regel commentaar: andere boeken, dezelfde boekingen\n")
    told.clear()
    results = run(taken, eerder=told.append)
    assert told[0]["realisatie"] is results["realisatie"] and results["realisatie"].xaf_path
    # nothing goes on when every result is in the cache: nothing is sent ahead
    told.clear()
    assert all(r.from_cache for r in run(taken, eerder=told.append).values())
    assert told == []


def test_after_one_change_the_fava_page_comes_ahead_of_its_downloads_from_one_load(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's build after a save: the statements of the changed books are written
    for the page before the downloads, by the full build itself (no build of the
    statements alone, which would load the books once more)."""
    import pickle
    import threading

    from vng.build import _key
    from vng.fava import bouw
    from vng.jaarverslag import plan
    from vng_accounts.guard import read_sources

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    books, group = (
        str(ledger / "vereniging" / "main.beancount"),
        str(ledger / "groep" / "groep.beancount"),
    )
    _build(tmp_path / "eerst", str(tmp_path / "cache"), *_group_args(ledger))
    _collected(ledger / "realisatie" / "main.beancount")
    folder = tmp_path / "pagina"
    folder.mkdir()
    seen: list[bouw.Pagina] = []
    stop = threading.Event()

    def watch() -> None:  # every version of the page's file, as the page reads it
        last = None
        while not stop.is_set():
            try:
                stat = (folder / bouw.RESULT).stat()
                if (stat.st_ino, stat.st_mtime_ns) != last:
                    last = (stat.st_ino, stat.st_mtime_ns)
                    seen.append(pickle.loads((folder / bouw.RESULT).read_bytes()))
            except (OSError, EOFError, pickle.UnpicklingError):
                pass
            stop.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert bouw.main([books, group, "2024", str(folder)]) == 0
    finally:
        stop.set()
        watcher.join()
    seen.append(pickle.loads((folder / bouw.RESULT).read_bytes()))
    first, last = seen[0], seen[-1]
    assert not first.errors and not first.downloads and not first.files
    assert last.downloads and last.files and not last.errors
    assert first.enkelvoudig == last.enkelvoudig and first.geconsolideerd == last.geconsolideerd
    assert first.delen == last.delen
    # the group's lines behind the statements: the same accounts and amounts
    assert first.group_lines == last.group_lines and first.accounts == last.accounts
    # no build of the statements alone: its slot in the cache was never written
    page = next(
        t for t in plan(books, group, 2024, False, balances=True)[0] if t.key == "realisatie"
    )
    slot, _ = _key(page, read_sources(page.path)[0])
    assert not list((tmp_path / "cache").glob(f"{slot}-*"))


def test_a_build_gives_the_statements_of_a_change_before_its_auditfile(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build_jaarverslag``'s ``statements`` (the Fava page's first answer) after one
    entity changed: its statements as they come ahead of its grootboek and auditfile,
    the same as the build's own in the end. The garbage collector pauses while the
    build runs and collects again after it (Fava's process goes on)."""
    import gc

    from vng.jaarverslag import Jaarverslag, build_jaarverslag

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    _build(tmp_path / "eerst", str(tmp_path / "cache"), *_group_args(ledger))
    _collected(ledger / "realisatie" / "main.beancount")
    staging = tmp_path / "staging"
    staging.mkdir()
    first: list[Jaarverslag] = []
    collecting: list[bool] = []

    def ahead_of_files(found: Jaarverslag) -> None:
        first.append(found)
        collecting.append(gc.isenabled())

    books, group = _group_args(ledger)[1], _group_args(ledger)[3]
    assert gc.isenabled()
    built = build_jaarverslag(
        books, group, 2024, str(staging), tables=True, statements=ahead_of_files
    )
    assert len(first) == 1 and collecting == [False] and gc.isenabled()
    ahead = first[0].results["realisatie"]
    assert not ahead.xaf_path and ahead.analysis is None  # sent ahead of them
    assert built.results["realisatie"].xaf_path and not built.results["realisatie"].from_cache
    assert first[0].tables == built.tables and first[0].files == {}


def test_an_auditfile_and_rows_made_beside_the_rest_are_those_made_in_line_errors_kept(
    tmp_path: Path,
) -> None:
    from vng.build import Taak, compute

    books = str(LEDGER / "realisatie" / "main.beancount")
    made: dict[bool, bytes] = {}
    sheets: dict[bool, object] = {}
    for spare in (False, True):
        staging = tmp_path / f"staging-{spare}"
        staging.mkdir()
        taak = Taak("realisatie", books, 2024, full=True, staging=str(staging))
        with _env(VNG_PROCESSEN="2"):
            result = compute(taak, spare=spare)
        assert not result.errors, result.errors
        assert result.analysis is not None and result.sheets is not None
        assert result.sheets.journaal and result.sheets.grootboekkaarten
        made[spare] = Path(result.xaf_path).read_bytes()
        sheets[spare] = result.sheets
    assert made[True] == made[False] and b"<auditfile" in made[True]
    assert sheets[True] == sheets[False]  # the grootboekkaarten made beside as well
    # the process beside raises, the task reports it as the one in line does
    wrong = Taak("realisatie", books, 2024, full=True, staging=str(tmp_path), xaf="9.9")
    with _env(VNG_PROCESSEN="2"):
        beside, in_line = compute(wrong, spare=True), compute(wrong, spare=False)
    assert beside.errors == in_line.errors
    assert len(beside.errors) == 1 and "onbekende XAF-versie 9.9" in beside.errors[0]


def test_statements_made_beside_the_grootboek_are_those_made_in_line_errors_kept(
    ledger: Path, tmp_path: Path
) -> None:
    """With a core to spare the reporting entity's figures and statements are made in a
    process beside its grootboek: the same result as made in line, field by field,
    and the same error when its books name an entity the group does not have."""
    import dataclasses
    import datetime

    from vng.build import Taak, compute

    books = str(ledger / "vereniging" / "main.beancount")
    group = str(ledger / "groep" / "groep.beancount")
    found = {}
    for spare in (False, True):
        staging = tmp_path / f"staging-{spare}"
        staging.mkdir()
        taak = Taak(
            "vereniging",
            books,
            2024,
            group,
            True,
            True,
            datetime.date(2025, 3, 1),
            staging=str(staging),
        )
        with _env(VNG_PROCESSEN="2", VNG_CACHE="uit"):
            found[spare] = compute(taak, spare=spare)
        assert not found[spare].errors, found[spare].errors
    for name in ("figures", "group_lines", "tables", "ondertekening", "opgemaakt", "teksten"):
        assert getattr(found[True], name) == getattr(found[False], name), name
    assert found[True].tables and found[True].figures and found[True].ondertekening
    # a reference to an entity outside the group: the same error either way
    wrong = ledger / "vereniging" / "2024.beancount"
    with open(wrong, "a", encoding="utf-8") as handle:
        handle.write(
            '\n2024-12-30 * "Bank" "Aan een onbekende"\n'
            "  Activa:LiquideMiddelen:Bank:ING  1.00 EUR\n"
            '    tegenpartij: "nergens"\n'
            "  Activa:LiquideMiddelen:Bank:ING  -1.00 EUR\n"
        )
    errors = {}
    for spare in (False, True):
        taak = dataclasses.replace(taak, staging=str(tmp_path / f"staging-{spare}"))
        with _env(VNG_PROCESSEN="2", VNG_CACHE="uit"):
            errors[spare] = compute(taak, spare=spare).errors
    assert errors[True] == errors[False]
    assert len(errors[True]) == 1 and "'nergens' is geen andere entiteit" in errors[True][0]


def _booked(books: Path, amount: str) -> None:
    """Drukwerk bought on credit, added to the Vereniging's ``books``."""
    with open(books, "a", encoding="utf-8") as handle:
        handle.write(
            f'\n2024-12-30 * "Drukkerij" "Drukwerk {amount}"\n'
            f"  Lasten:KantoorHuisvesting:Drukwerk        {amount} EUR\n"
            f"  Passiva:Kortlopend:Handelscrediteuren    -{amount} EUR\n"
        )


def test_the_page_after_a_save_reads_no_unchanged_grootboek_and_no_stale_balances(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's build after a save shows the accounts behind its lines with the
    balances the build before kept (``vng.fava.bouw._saldi``), unpickling no grootboek
    of an entity whose books it read before; an entity changed in between shows its
    new balances, the same as its grootboek's at the end of the same build."""

    from vng.build import Uitkomst
    from vng.fava import bouw

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    books, group = _group_args(ledger)[1], _group_args(ledger)[3]
    _build(tmp_path / "eerst", str(tmp_path / "cache"), *_group_args(ledger))
    kept = tmp_path / "bewaard"
    kept.mkdir()
    unpickled: list[str] = []
    complete = Uitkomst.complete

    def counted(self: Uitkomst) -> Uitkomst:
        if self.heavy:
            unpickled.append(self.key)
        return complete(self)

    monkeypatch.setattr(Uitkomst, "complete", counted)
    written: list[tuple[bouw.Pagina, list[str]]] = []
    write = bouw._write

    def recorded(folder: str, page: bouw.Pagina) -> None:
        written.append((page, list(unpickled)))
        write(folder, page)

    monkeypatch.setattr(bouw, "_write", recorded)

    def save(name: str) -> tuple[bouw.Pagina, list[str], bouw.Pagina]:
        """The page's build after a save: its first page, the grootboeks unpickled
        before it, its last page."""
        written.clear()
        unpickled.clear()
        folder = tmp_path / name
        folder.mkdir()
        assert bouw.main([books, group, "2024", str(folder), str(kept)]) == 0
        (first, before), (last, _) = written[0], written[-1]
        assert not first.downloads and last.downloads and not last.errors
        assert first.group_lines == last.group_lines and first.accounts == last.accounts
        return first, before, last

    def realisatie(page: bouw.Pagina) -> dict[str, Decimal]:
        return {
            r.account: r.amount
            for rows in page.group_lines.values()
            for r in rows
            if r.entity == "VNG Realisatie B.V." and not r.total
        }

    vereniging = ledger / "vereniging" / "main.beancount"
    _booked(vereniging, "100.00")
    _, before, one = save("een")  # every other entity from the cache: kept from here
    assert "realisatie" in before  # nothing kept yet: read from the grootboeks
    assert list(kept.glob(f"{bouw.SALDI}*"))
    _collected(ledger / "realisatie" / "main.beancount")
    save("twee")  # Realisatie computed; the others' kept balances read
    _booked(vereniging, "200.00")
    _, before, three = save("drie")
    # no grootboek is new to the page: Realisatie's balances were kept when it was
    # computed, the others' before
    assert before == []
    assert realisatie(three) != realisatie(one)  # its balances changed with its books


def test_every_entitys_key_holds_the_group_file_read_once_for_all(ledger: Path) -> None:
    """The keys of a build's tasks, with the group file read once for all of them and
    git asked as the books are read, are the keys of each task read on its own; one
    byte more in the group file is a new key for every entity."""
    from vng.build import _key, _sources
    from vng.jaarverslag import plan
    from vng_accounts.guard import read_sources

    group = ledger / "groep" / "groep.beancount"
    taken, _, _ = plan(str(ledger / "vereniging" / "main.beancount"), str(group), 2024, True)

    def keys() -> list[str]:
        sources, histories, groups = _sources(taken)
        return [
            _key(t, sources[t.key][0], histories.get(t.key), groups.get(t.group_file))[1]
            for t in taken
        ]

    before = keys()
    assert len(taken) > 5
    assert before == [_key(t, read_sources(t.path)[0])[1] for t in taken]
    group.write_text(group.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = keys()
    assert all(old != new for old, new in zip(before, after, strict=True))
