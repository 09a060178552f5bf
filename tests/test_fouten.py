"""Faults through the real stack: nginx (``vng proxy``), Fava (``vng serve``) and git.

Many writers and an import at once, Fava killed during a commit and during a save
(then ``vng herstel`` and ``vng serve`` again), and a refused save as the user sees
it in the browser. Afterwards every acknowledged write is in the files and in HEAD,
once, committed by its author, and nothing else is."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import vng
from tests.fava_site import NEEDS_NGINX, entry, wait_for_socket
from tests.fava_site import git as _git
from tests.test_aanvallen import USERS, Site, _vng_bin
from tests.test_serve import browser  # noqa: F401  (browser: a fixture)

pytestmark = NEEDS_NGINX

MT940 = Path(__file__).resolve().parent / "importers" / "mt940" / "abn-2024-03.sta"
NARRATION = re.compile(r'"(Samen (\w+) w\d+ r\d+ n\d+)"')


def _entry(narration: str, day: str = "2024-12-30") -> dict[str, object]:
    return entry(narration, "1.00", day)


def _add(site: Site, user: str, *narrations: str) -> tuple[int, str]:
    body = {"entries": [_entry(n) for n in narrations]}
    return site.request("/api/add_entries", user, "PUT", body)


def _until(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.02)


def _books_text(site: Site) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(site.books.glob("*.beancount")))


def _head_text(site: Site) -> str:
    names = _git(site.root, "ls-tree", "--name-only", "HEAD", "ledger/vereniging/").split()
    return "".join(
        _git(site.root, "show", f"HEAD:{name}")
        for name in sorted(names)
        if name.endswith(".beancount")
    )


def _status(site: Site) -> list[str]:
    return [
        line
        for line in _git(
            site.root, "status", "--porcelain", "--untracked-files=all", "--", "ledger"
        ).splitlines()
        if "vng-schrijfslot" not in line
    ]


def _check(site: Site) -> tuple[int, list[str]]:
    result = vng("check", "-q", "--books", str(site.main), "--groep", "")
    return result.returncode, sorted(result.stderr.splitlines())


def _kill(site: Site) -> None:
    site.fava.kill()
    site.fava.wait(10)


def _serve_again(site: Site) -> None:
    """``vng serve`` on the same books and runtime, so the proxy reaches it again."""
    site.fava = subprocess.Popen(
        [_vng_bin(), "serve", "--books", str(site.main), "--runtime", str(site.runtime)],
        stdout=subprocess.DEVNULL,
        stderr=open(site.root / "serve-opnieuw.log", "wb"),  # noqa: SIM115
    )
    wait_for_socket(site.runtime / "fava.sock", site.fava)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    running = Site(tmp_path)
    try:
        yield running
    finally:
        running.stop()


# --- many writers and an import at once --------------------------------------------------

WRITERS = ("anna", "piet", "anna", "piet")
REQUESTS = 20
PER_REQUEST = 10


def test_four_writers_and_an_import_at_once_each_entry_once_by_its_author(site: Site) -> None:
    assert set(WRITERS) <= set(USERS)
    checked_before = _check(site)
    start = site.head()
    answers: list[tuple[str, int, str, tuple[str, ...]]] = []
    imported: list[subprocess.CompletedProcess[str]] = []

    def writer(number: int, user: str) -> None:
        for request in range(REQUESTS):
            names = tuple(f"Samen {user} w{number} r{request:02d} n{n}" for n in range(PER_REQUEST))
            status, body = _add(site, user, *names)
            answers.append((user, status, body, names))

    def importer() -> None:
        # once the writers are under way
        _until(lambda: len(answers) >= 4, 120, "de schrijvers beginnen niet")
        imported.append(
            vng(
                "import",
                str(MT940),
                "--output",
                str(site.books / "2024.beancount"),
                "--books",
                str(site.main),
                "--gebruiker",
                "imp",
            )
        )

    threads = [threading.Thread(target=writer, args=(n, u)) for n, u in enumerate(WRITERS)]
    threads.append(threading.Thread(target=importer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(t.is_alive() for t in threads), "schrijvers of import lopen nog"

    assert imported and imported[0].returncode == 0, imported and imported[0].stderr
    assert "3 nieuwe boekingen" in imported[0].stderr
    refused = [(u, s, b[:300]) for u, s, b, _ in answers if s != 200]
    assert refused == []
    acknowledged = {names: user for user, status, _, names in answers if status == 200}
    assert len(acknowledged) == len(WRITERS) * REQUESTS

    # every narration exactly once, in the files and in HEAD
    for text in (_books_text(site), _head_text(site)):
        counted = Counter(m.group(1) for m in NARRATION.finditer(text))
        expected = {n for names in acknowledged for n in names}
        assert set(counted) == expected
        assert [n for n, times in counted.items() if times != 1] == []
        assert text.count("ABN24032900017") == 1

    # one commit per acknowledged request, plus the import; each by its author
    commits = _git(site.root, "log", "--format=%H %an", f"{start}..HEAD").splitlines()
    assert len(commits) == len(acknowledged) + 1
    by_names = {frozenset(names): user for names, user in acknowledged.items()}
    seen: list[frozenset[str]] = []
    for line in commits:
        sha, author = line.split(" ", 1)
        diff = _git(site.root, "show", "--format=", "-U0", sha)
        added = frozenset(
            m.group(1)
            for row in diff.splitlines()
            if row.startswith("+")
            for m in NARRATION.finditer(row)
        )
        if author == "imp":
            assert not added and "ABN24032900017" in diff, sha
            continue
        assert by_names.get(added) == author, (sha, author, sorted(added)[:3])
        seen.append(added)
    assert len(seen) == len(set(seen)) == len(acknowledged)
    assert sum(line.endswith(" imp") for line in commits) == 1

    assert _status(site) == []
    assert _check(site) == checked_before


# --- Fava killed during a commit -----------------------------------------------------------

HOOK = """#!/bin/sh
# a slow commit, only for the chosen author
if [ "$GIT_AUTHOR_NAME" = "piet" ]; then
    touch "{begun}"
    sleep 5
    touch "{done}"
fi
exit 0
"""


def test_kill_during_a_commit_then_herstel_and_serve_again(site: Site) -> None:
    begun, done = site.root / "commit-begonnen", site.root / "commit-klaar"
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK.format(begun=begun, done=done), encoding="utf-8")
    hook.chmod(0o755)
    acknowledged = [f"Erkend voor de val {i}" for i in range(3)]
    for narration in acknowledged:
        status, body = _add(site, "anna", narration)
        assert status == 200, body
    head, committed = site.head(), _books_text(site)

    threading.Thread(target=_add, args=(site, "piet", "In de lucht"), daemon=True).start()
    _until(begun.exists, 60, "de commit van piet begint niet")
    _kill(site)
    result = vng("herstel", "--books", str(site.main))
    assert result.returncode == 0, result.stderr
    assert "teruggezet: " in result.stdout and "main.beancount" in result.stdout

    # the commit that was under way when Fava died has had its time to finish
    _until(done.exists, 30, "de trage commit eindigt niet")
    time.sleep(1)
    assert site.head() == head
    assert _status(site) == []
    assert _books_text(site) == committed
    for text in (_books_text(site), _head_text(site)):
        assert "In de lucht" not in text
        for narration in acknowledged:
            assert text.count(f'"{narration}"') == 1, narration

    hook.unlink()
    _serve_again(site)
    status, body = _add(site, "piet", "Na de val")
    assert status == 200, body
    assert _git(site.root, "log", "-1", "--format=%an").strip() == "piet"
    assert _head_text(site).count('"Na de val"') == 1
    assert _status(site) == []


# --- Fava killed during a save --------------------------------------------------------------


def _staging(site: Site) -> list[Path]:
    return list((site.root / ".git").glob("vng-wijziging-*/boeken"))


def test_kill_during_a_save_then_herstel_and_serve_again(site: Site) -> None:
    acknowledged = [f"Erkend voor de opslag {i}" for i in range(3)]
    for narration in acknowledged:
        status, body = _add(site, "anna", narration)
        assert status == 200, body
    head = site.head()
    target = site.books / "2024.beancount"
    before = target.read_bytes()
    extra = "".join(
        f'\n2024-12-28 * "Onderweg {i}"\n  Lasten:KantoorHuisvesting:Drukwerk  1.00 EUR\n'
        "  Passiva:Kortlopend:Handelscrediteuren\n"
        for i in range(2000)
    )
    text = site.source(target)["source"] + extra
    answered: list[tuple[int, str]] = []

    def save() -> None:
        try:
            answered.append(site.put_source(target, text))
        except OSError as error:
            answered.append((0, str(error)))

    threading.Thread(target=save, daemon=True).start()
    _until(lambda: _staging(site), 30, "de opslag begint niet")
    time.sleep(0.2)  # inside the check of the staged books
    assert answered == [] and target.read_bytes() == before, "te laat: de opslag is al klaar"
    _kill(site)

    result = vng("herstel", "--books", str(site.main))
    assert result.returncode == 0, result.stderr
    assert site.head() == head
    assert _status(site) == []
    assert target.read_bytes() == before
    for text_now in (_books_text(site), _head_text(site)):
        assert "Onderweg" not in text_now
        for narration in acknowledged:
            assert text_now.count(f'"{narration}"') == 1, narration

    _serve_again(site)
    status, body = _add(site, "piet", "Na de opslag")
    assert status == 200, body
    assert _head_text(site).count('"Na de opslag"') == 1
    assert _status(site) == []


# --- a refused save, as the user sees it ----------------------------------------------------


def test_a_refused_save_in_the_editor_shows_why_and_changes_nothing(
    site: Site,
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    target = site.books / "2024.beancount"
    before, head = target.read_bytes(), site.head()
    base = site.url.replace("http://", f"http://anna:{USERS['anna'][0]}@")
    browser.get(f"{base}/editor/?file_path={target}")
    wait = WebDriverWait(browser, 30, poll_frequency=0.1)
    editor = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".cm-content"))
    wait.until(lambda d: "2024" in editor.text)
    editor.click()
    editor.send_keys(Keys.CONTROL, Keys.END)
    editor.send_keys(Keys.ENTER)
    editor.send_keys('plugin "beancount.plugins.auto"')  # a closing quote typed steps over
    editor.send_keys(Keys.ESCAPE)
    wait.until(lambda d: 'plugin "beancount.plugins.auto"' in editor.text)
    editor.send_keys(Keys.CONTROL, "s")
    shown = wait.until(
        lambda d: next(
            (
                t
                for t in [d.find_element(By.TAG_NAME, "body").text]
                if "niet op de lijst" in t and "plugin" in t
            ),
            None,
        )
    )
    assert "2024.beancount" in shown
    assert target.read_bytes() == before
    assert site.head() == head
    assert _status(site) == []
