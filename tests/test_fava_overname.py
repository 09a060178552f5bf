"""The Jaarrekening page's build takes the books as Fava holds them.

Under ``vng serve`` Fava's load of the books (from disk, or the check's of the last
save) is their load as they are: the page's build runs in a fork of the server with
that load (``vng.fava.bouw.fork``) instead of loading the largest books again. What it
gives must be what a build from disk gives, errors included; and a fork of the server
must hold none of the server's connections open."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.fava_site import commit_all
from vng.fava.bouw import ERRORS, FORKED_NAME, RESULT, Pagina

WAIT = 300  # seconds a build may take: a cold build of the whole group, on a busy machine

# ``vng serve``'s Fava (``vng.serve.fava_app``, every guard installed) in a process of
# its own, with the group: the page's build of the books as they are, a save through
# Fava's API, and the page's build after it; both results, the files of the last, and
# each booking of any books in any process (the server, its builds, their workers),
# written to OUT.
_SAVE_AND_BUILD = """
import os, pickle, sys, time
from vng_accounts import books as vng_books
main, group, out, narration, wait = sys.argv[1:6]
ours = vng_books.book
def counted(entries, options):
    with open(out + ".geboekt", "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {options['filename']}\\n")
    return ours(entries, options)
vng_books.book = counted
os.environ["VNG_GROEP"] = group
from vng.serve import USER_HEADER, fava_app
from tests.fava_site import entry
app = fava_app(main)
client = app.test_client()
slug = app.config["LEDGERS"].first_slug()
extension = app.config["LEDGERS"][slug].extensions.get_extension("VngJaarrekening")
headers = {USER_HEADER: "anna"}
def built():
    deadline = time.monotonic() + float(wait)
    while time.monotonic() < deadline:
        client.get(f"/{slug}/extension/VngJaarrekening/status?jaar=2024", headers=headers)
        bouw = extension.build(2024)
        page = bouw.wait(1, downloads=True)
        if page is not None:
            return bouw, page
    raise SystemExit("no page")
_, first = built()
saved = client.put(f"/{slug}/api/add_entries", json={"entries": [entry(narration)]},
                   headers=headers)
assert saved.status_code == 200, saved.get_data(as_text=True)
time.sleep(2)  # the build after the save starts before any page asks for it
bouw, after = built()
files = {name: open(path, "rb").read() for name, path in after.files.items()}
from vng.fava.bouw import ERRORS
errors = open(os.path.join(bouw.folder, ERRORS), "rb").read()
with open(out, "wb") as handle:
    pickle.dump((first, after, files, type(bouw.process).__name__, errors), handle)
"""


def _statements_only(page: Pagina) -> Pagina:
    return dataclasses.replace(page, files={}, auditfiles={}, downloads=False)


def _without_timestamps(xaf: bytes) -> bytes:
    return re.sub(rb"<dateCreated>[^<]*</dateCreated>", b"", xaf)


def _saved(
    tmp_path: Path, group: bool, narration: str, wrong: str = "", before: str = "", wait: int = WAIT
) -> tuple[Path, Any, list[str]]:
    """The embedded books (with their group, or the Vereniging's alone, with ``wrong``
    added to their main file) in a repository, served as ``vng serve`` serves them, a
    save and the page after it: the main file, what the script wrote and what the
    server said, and every booking as "process books". ``before`` runs in the server's
    process before Fava starts."""
    root = tmp_path / "site"
    if group:
        shutil.copytree(ROOT / "ledger", root / "ledger")
    else:
        shutil.copytree(ROOT / "ledger" / "vereniging", root / "ledger" / "vereniging")
    (root / "import").mkdir()
    main = root / "ledger" / "vereniging" / "main.beancount"
    main.write_text(main.read_text(encoding="utf-8") + wrong, encoding="utf-8")
    commit_all(root)
    group_file = str(root / "ledger" / "groep" / "groep.beancount") if group else ""
    out = tmp_path / "uitkomst.pickle"
    ran = subprocess.run(
        [sys.executable, "-c", before + _SAVE_AND_BUILD, str(main), group_file, str(out)]
        + [narration, str(wait)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "VNG_CACHE": str(tmp_path / "cache")},
    )
    assert ran.returncode == 0, ran.stderr
    with out.open("rb") as handle:
        found = pickle.load(handle)
    booked = (tmp_path / "uitkomst.pickle.geboekt").read_text("utf-8").splitlines()
    return main, (*found, ran.stderr), booked


def _cold(main: Path, group: str, folder: Path) -> Pagina:
    """The page's build as it starts when nothing is kept: ``python -m vng.fava.bouw``,
    the books loaded from disk, no cache."""
    folder.mkdir()
    subprocess.run(
        [sys.executable, "-m", "vng.fava.bouw", str(main), group, "2024", str(folder)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "VNG_CACHE": "uit"},
    )
    with (folder / RESULT).open("rb") as handle:
        page = pickle.load(handle)
    assert isinstance(page, Pagina)
    return page


def test_after_a_save_the_page_is_a_cold_builds_without_loading_the_books_again(
    tmp_path: Path,
) -> None:
    """The group's page before and after a save through Fava: each build took the books
    Fava holds (its load from disk at the start, then the check's of the save), so the
    Vereniging's books were booked twice in all (Fava's start, the check), both times
    by the server and never by a build; and the page after the save, with its files,
    is what a build from disk without any cache gives for the books as saved."""
    from vng.fava import FORKED

    main, found, booked = _saved(tmp_path, True, "Drukwerk na de controle")
    first, after, files, process, errors, stderr = found
    assert process == "Geforkt" and stderr.count(FORKED) == 2, stderr
    assert not first.errors and not after.errors, (first.errors, after.errors)
    assert errors == b""
    # the Vereniging's books (or their staging copy, in the check), and who booked them
    theirs = [line.split(" ", 1) for line in booked if line.endswith("/main.beancount")]
    vereniging = [
        (pid, books) for pid, books in theirs if "/ledger/" not in books or books == str(main)
    ]
    assert [books == str(main) for _, books in vereniging] == [True, False], booked
    assert len({pid for pid, _ in vereniging}) == 1  # the server: Fava's start, the check
    assert len(theirs) > len(vereniging)  # the other entities' books, booked by the builds
    cold = _cold(main, str(main.parents[1] / "groep" / "groep.beancount"), tmp_path / "koud")
    assert _statements_only(after) == _statements_only(cold)
    assert after != first and after.accounts and after.group_lines and after.delen
    assert sorted(files) == sorted(Path(p).name for p in cold.files.values())
    for name, path in cold.files.items():
        theirs = Path(path).read_bytes()
        if name.endswith(".xaf"):
            assert _without_timestamps(files[name]) == _without_timestamps(theirs), name
        elif name.endswith(".json"):
            assert files[name] == theirs, name
    assert b"Drukwerk na de controle" in next(v for k, v in files.items() if k.endswith(".xaf"))


@pytest.mark.parametrize(
    ("wrong", "named", "forked"),
    [
        # an error of the project's checks after beancount's load: the load is handed over
        (
            '\n2024-01-01 custom "vng-presentatie" "bestaat-niet" "ook-niet"\n',
            "bestaat-niet",
            True,
        ),
        # an error of the load itself (a plugin's): the build loads the books from disk
        ("\n2024-01-01 open Activa:Vorderingen:Zonder:Rgs EUR\n", "Zonder:Rgs", False),
    ],
    ids=["instelling", "rekening"],
)
def test_a_page_of_books_with_errors_has_the_errors_of_a_cold_build(
    tmp_path: Path, wrong: str, named: str, forked: bool
) -> None:
    """Books with an error saved through Fava once more (a save that keeps the books'
    errors is written): the page after it names the errors a build from disk names,
    no fewer and no others, whether its build took Fava's load of them or not."""
    from vng.fava import FORKED

    main, found, _ = _saved(tmp_path, False, "Nog een", wrong)
    _, after, _, process, _, stderr = found
    assert (process == "Geforkt") == forked and (FORKED in stderr) == forked, stderr
    cold = _cold(main, "", tmp_path / "koud")
    assert after.errors and after.errors == cold.errors
    assert any(named in error for error in after.errors)


# A thread of the server that has begun to import a module of the builders (one the
# server itself does not use) and not finished: the module's lock is that thread's, in
# the server and in every fork of it, where no thread will ever release it. A fork that
# imports the module waits for ever. ``LIMIT`` seconds for a fork to begin.
_IMPORT_HALF_DONE = """
import importlib, importlib.abc, importlib.machinery, sys, threading
from vng.fava import bouw
bouw.FIRST_PROGRESS = LIMIT
inside = threading.Event()
class HalfDone(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "statements.consolidatie":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        def exec_module(module):
            inside.set()
            threading.Event().wait()
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, HalfDone())
threading.Thread(
    target=importlib.import_module, args=("statements.consolidatie",), daemon=True
).start()
inside.wait()
"""


def test_a_fork_that_does_not_begin_is_stopped_and_the_page_built_anew(tmp_path: Path) -> None:
    """A fork of the server made while one of its threads held a lock the build needs
    (an import half done) never begins: it is stopped once it has not begun within the
    limit, and the page's build started as a process of its own, at the start and after
    a save. The page answers both times, with what a build from disk gives."""
    from vng.fava import FORKED
    from vng.fava.bouw import STALLED

    limit = 3
    before = _IMPORT_HALF_DONE.replace("LIMIT", str(limit))
    start = time.monotonic()
    main, found, _ = _saved(tmp_path, False, "Na een fork die niet begon", "", before, 150)
    first, after, files, process, _, stderr = found
    assert stderr.count(FORKED) == 2 and stderr.count(STALLED) == 2, stderr
    assert re.search(rf"{STALLED} binnen {limit} s \(pid \d+, gestopt\); opnieuw als", stderr)
    assert process == "Geforkt"
    assert not first.errors and not after.errors, (first.errors, after.errors)
    cold = _cold(main, "", tmp_path / "koud")
    assert _statements_only(after) == _statements_only(cold) and after != first
    assert sorted(files) == sorted(Path(p).name for p in cold.files.values())
    assert b"Na een fork die niet begon" in next(v for k, v in files.items() if k.endswith(".xaf"))
    assert time.monotonic() - start < 150


def test_a_fork_of_the_server_holds_none_of_its_connections(tmp_path: Path) -> None:
    """A connection the server has open when it forks a build ends when the server
    closes it (its peer reads the end at once), not when the build ends; the build's
    standard error is its errors file, and it is named as a build."""
    from vng.fava.bouw import _on_its_own

    server_side, client_side = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the build: cut loose, says something, and lives on a while
        try:
            _on_its_own(str(tmp_path), os.getppid())
            sys.stderr.write("de bouw schrijft hier\n")
            sys.stderr.flush()
            time.sleep(30)
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / ERRORS).exists() or not (tmp_path / ERRORS).read_bytes():
            assert time.monotonic() < deadline, "the build wrote nothing"
            time.sleep(0.05)
        assert Path(f"/proc/{pid}/comm").read_bytes().strip() == FORKED_NAME
        server_side.close()  # the server answered and closes the connection
        client_side.settimeout(5)
        assert client_side.recv(1) == b""  # the end, while the build still runs
        assert os.waitpid(pid, os.WNOHANG) == (0, 0)
        assert (tmp_path / ERRORS).read_text("utf-8") == "de bouw schrijft hier\n"
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        client_side.close()


# ``vng serve``'s Fava on the books: a save through Fava's API, then an edit by hand
# (committed) that Fava loads from disk; how many of the entries of the save's check,
# and after each of the entries Fava holds, are still among the garbage collector's
# generations, of how many.
_COLLECTED = """
import gc, subprocess, sys, time
from vng.serve import USER_HEADER, fava_app
from tests.fava_site import entry
main = sys.argv[1]
app = fava_app(main)
client = app.test_client()
slug = app.config["LEDGERS"].first_slug()
ledger = app.config["LEDGERS"][slug]
def holds(narration):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        client.get(f"/{slug}/income_statement/", headers={USER_HEADER: "anna"})
        entries = ledger.all_entries
        if any(getattr(e, "narration", "") == narration for e in entries):
            young = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
            return f"{sum(id(e) in young for e in entries)} {len(entries)}"
        time.sleep(0.1)
    raise SystemExit("not loaded: " + narration)
import vng.fava, vng.schrijven
vng.fava.WRITE_SETTLE = 3.0  # the page's build, and Fava's reload, a while after the save
saved = client.put(f"/{slug}/api/add_entries", json={"entries": [entry("Via Fava")]},
                   headers={USER_HEADER: "anna"})
assert saved.status_code == 200, saved.get_data(as_text=True)
checked = next(iter(vng.schrijven._CHECKED.values())).loaded[0]
young = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
print(sum(id(e) in young for e in checked), len(checked))
print(holds("Via Fava"))
with open(main, "a", encoding="utf-8") as handle:
    handle.write('\\n2024-12-29 * "Met de hand"\\n  Lasten:KantoorHuisvesting:Drukwerk  1.00 EUR\\n'
                 '  Passiva:Kortlopend:Handelscrediteuren  -1.00 EUR\\n')
subprocess.run(["git", "-C", sys.argv[2], "commit", "-qam", "met de hand"], check=True)
print(holds("Met de hand"))
"""


def test_the_books_fava_holds_stay_out_of_the_garbage_collectors_passes(tmp_path: Path) -> None:
    """What Fava holds of the books after a save (the check's load, taken over) and
    after a load from disk is kept out of the garbage collector's passes, which would
    otherwise walk every entry again in whichever request came next."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "ledger" / "vereniging", root / "ledger" / "vereniging")
    (root / "import").mkdir()
    commit_all(root)
    main = root / "ledger" / "vereniging" / "main.beancount"
    ran = subprocess.run(
        [sys.executable, "-c", _COLLECTED, str(main), str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "VNG_CACHE": str(tmp_path / "cache")},
    )
    assert ran.returncode == 0, ran.stderr
    checked, after_save, after_hand = (line.split() for line in ran.stdout.splitlines())
    for young, held in (checked, after_save, after_hand):
        assert int(held) > 1000 and int(young) == 0, ran.stdout
