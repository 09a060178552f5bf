"""Fava behind the proxy, for real: nginx with passwords and roles, vng serve with the
lock, the checks and the audit trail, and a real browser on the Jaarrekening page."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOOKS_DIR, ROOT, vng
from tests.fava_site import (
    BFILE,
    NEEDS_NGINX,
    USERS,
    Served,
    commit_all,
    entry,
    http,
    secret,
    start_site,
    unix_request,
    wait_for_socket,
)
from tests.fava_site import git as _git

pytestmark = NEEDS_NGINX


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    root = tmp_path_factory.mktemp("site")
    books = root / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    commit_all(root)
    served = start_site(root, str(books / "main.beancount"), USERS)
    try:
        yield {"root": root, "books": books, "url": served.url(BFILE), "runtime": served.runtime}
    finally:
        served.stop()


def _request(
    url: str, user: str | None = None, method: str = "GET", body: object | None = None
) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    return http(url, method, data, headers, (user, USERS[user][0]) if user else None)


ENTRY = {"entries": [entry("Drukwerk jaarverslag")]}


def test_authentication_is_required(site: dict) -> None:  # type: ignore[type-arg]
    assert _request(f"{site['url']}/extension/VngJaarrekening/")[0] == 401


def test_both_roles_read_the_jaarrekening(site: dict) -> None:  # type: ignore[type-arg]
    for user in USERS:
        status, page = _request(f"{site['url']}/extension/VngJaarrekening/", user)
        assert status == 200 and "Enkelvoudige balans per 31 december 2024" in page


@pytest.mark.parametrize(
    "path,method",
    [
        ("/api/add_entries", "PUT"),
        ("/api/source", "PUT"),
        ("/editor/", "GET"),
        ("/import/", "GET"),
        ("/api/source?filename=x", "GET"),
        ("/api/extract?filename=x&importer=y", "GET"),
    ],
)
def test_the_accountant_cannot_write_import_or_edit(site: dict, path: str, method: str) -> None:  # type: ignore[type-arg]
    body = ENTRY if method == "PUT" else None
    assert _request(site["url"] + path, "kees", method, body)[0] == 403


def test_a_change_becomes_a_commit_by_its_author(site: dict) -> None:  # type: ignore[type-arg]
    status, body = _request(f"{site['url']}/api/add_entries", "anna", "PUT", ENTRY)
    assert status == 200, body
    log = _git(site["root"], "log", "-1", "--format=%an|%s")
    assert log.strip() == "anna|Fava: 1 boeking(en) toegevoegd: Drukwerk jaarverslag"
    assert _git(site["root"], "status", "--porcelain", "--", "boeken").strip() == ""


def test_writes_are_checked_before_they_are_written(site: dict) -> None:  # type: ignore[type-arg]
    head = _git(site["root"], "rev-parse", "HEAD")
    bad = json.loads(json.dumps(ENTRY))
    bad["entries"][0]["postings"][0]["account"] = "Lasten:Bestaat:Niet"
    status, body = _request(f"{site['url']}/api/add_entries", "anna", "PUT", bad)
    assert status == 400 and "niet geopend" in body
    main = site["books"] / "main.beancount"
    status, source = _request(f"{site['url']}/api/source?filename={main}", "anna")
    payload = json.loads(source)["data"]
    hostile = {
        "file_path": str(main),
        "source": payload["source"] + 'plugin "os_system"\n',
        "sha256sum": payload["sha256sum"],
    }
    status, body = _request(f"{site['url']}/api/source", "anna", "PUT", hostile)
    assert status == 400 and "niet op de lijst" in body
    assert _git(site["root"], "rev-parse", "HEAD") == head
    assert 'plugin "os_system"' not in main.read_text(encoding="utf-8")


def test_a_write_without_an_authenticated_user_is_refused(site: dict) -> None:  # type: ignore[type-arg]
    """Even with the proxy's secret, a write names its author or is refused."""
    runtime = site["runtime"]
    status, body = unix_request(
        runtime / "fava.sock",
        f"/{BFILE}/api/add_entries",
        "PUT",
        ENTRY,
        {"X-Vng-Proxy": secret(runtime)},
    )
    assert status == 400 and "geen geauthenticeerde gebruiker" in body


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _as(site: dict, user: str) -> str:  # type: ignore[type-arg]
    return str(site["url"]).replace("http://", f"http://{user}:{USERS[user][0]}@")


def _add_in_fava(driver, base: str, narration: str, amount: str) -> None:  # type: ignore[no-untyped-def]
    """Fava's own 'add transaction' dialog (keyboard shortcut n), as a user fills it;
    returns when Fava has answered (its notification: saved, or the refusal)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def fields(placeholder: str):  # type: ignore[no-untyped-def]
        return [
            e
            for e in driver.find_elements(By.CSS_SELECTOR, f'input[placeholder="{placeholder}"]')
            if not e.get_attribute("data-key") and e.is_displayed()
        ]

    def dialog_open(_: object) -> bool:
        if not fields("Begunstigde"):
            driver.find_element(By.TAG_NAME, "body").send_keys("n")
        return bool(fields("Begunstigde"))

    driver.get(f"{base}/journal/")
    WebDriverWait(driver, 60, poll_frequency=0.5).until(dialog_open)
    date = driver.find_element(By.CSS_SELECTOR, 'input[type="date"]')
    driver.execute_script(
        "arguments[0].value = '2024-12-30';"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        date,
    )
    fields("Begunstigde")[0].send_keys("Drukkerij Haagland")
    fields("Omschrijving")[0].send_keys(narration)
    fields("Rekening")[0].send_keys("Lasten:KantoorHuisvesting:Drukwerk")
    fields("Hoeveelheid")[0].send_keys(f"{amount} EUR")
    WebDriverWait(driver, 10).until(lambda _: len(fields("Rekening")) > 1)
    fields("Rekening")[1].send_keys("Passiva:Kortlopend:Handelscrediteuren")
    fields("Hoeveelheid")[1].send_keys(f"-{amount} EUR")
    [b for b in driver.find_elements(By.CSS_SELECTOR, 'button[type="submit"]') if b.is_displayed()][
        -1
    ].click()
    WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".notifications li"))


def test_boekhouding_adds_in_fava_and_sees_it_in_the_jaarrekening_and_git(
    site: dict, browser
) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By

    _add_in_fava(browser, _as(site, "anna"), "Drukwerk ALV-stukken via Fava", "23456.00")
    log = _git(site["root"], "log", "-1", "--format=%an|%s").strip()
    assert log == "anna|Fava: 1 boeking(en) toegevoegd: Drukwerk ALV-stukken via Fava"
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{_as(site, 'anna')}/extension/VngJaarrekening/?jaar=2024")
    # the page waits for the build of the changed books, or says it is computing

    def computed(driver) -> bool:  # type: ignore[no-untyped-def]
        if driver.find_elements(By.ID, "toelichting.kantoor_huisvesting"):
            return True
        if driver.find_elements(By.ID, "vng-bezig"):
            driver.refresh()
        return False

    WebDriverWait(browser, 120, poll_frequency=1).until(computed)
    table = browser.find_element(By.ID, "toelichting.kantoor_huisvesting")
    rows = table.find_element(By.XPATH, "following-sibling::table[1]").text
    lines = [line for line in rows.splitlines() if line.strip()]
    realisatie = lines[lines.index("Drukwerklasten") + 1].split()[0]
    assert int(realisatie) in (23, 24), rows  # € 23.456 added (and € 120 by the API test)


def test_the_accountant_downloads_and_cannot_write(site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = _as(site, "kees")
    browser.get(f"{base}/extension/VngJaarrekening/?jaar=2024")
    assert browser.find_element(By.TAG_NAME, "h2").text == "Jaarrekening 2024"
    downloads = Path(str(site["root"])) / "downloads-kees"
    downloads.mkdir(exist_ok=True)
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    # the links are there once the build has made the files (the page may come first)
    WebDriverWait(browser, 120).until(
        lambda _: browser.find_elements(By.LINK_TEXT, "werkmap (XLSX)")
    )
    browser.find_element(By.LINK_TEXT, "werkmap (XLSX)").click()
    target = downloads / "werkmap-accountant-2024.xlsx"
    WebDriverWait(browser, 120).until(
        lambda _: target.exists() and not list(downloads.glob("*.crdownload"))
    )
    from openpyxl import load_workbook

    assert "PB 2024 Vereniging van" in load_workbook(target).sheetnames
    head = _git(site["root"], "rev-parse", "HEAD")
    _add_in_fava(browser, base, "Poging van de accountant", "1.00")
    assert _git(site["root"], "rev-parse", "HEAD") == head
    assert "Poging van de accountant" not in (site["books"] / "main.beancount").read_text(
        encoding="utf-8"
    )


def test_no_login_no_page(site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    browser.get(f"{site['url']}/extension/VngJaarrekening/")
    page = browser.page_source
    assert "Enkelvoudige balans" not in page and "vng-jaarrekening" not in page


def test_the_jaarrekening_page_answers_within_two_seconds(site: dict) -> None:  # type: ignore[type-arg]
    url = f"{site['url']}/extension/VngJaarrekening/?jaar=2024"
    assert _request(url, "kees")[0] == 200  # warm
    started = time.perf_counter()
    status, _ = _request(url, "kees")
    assert status == 200 and time.perf_counter() - started < 2.0


def test_a_write_that_fails_halfway_loses_nothing(tmp_path: Path) -> None:
    """Fault injection: Fava's process may not write a file larger than main.beancount
    is now (RLIMIT_FSIZE), so the write fails; it fails before the books are touched."""
    import resource

    books = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    commit_all(tmp_path)
    main = books / "main.beancount"
    committed = main.read_bytes()
    limit = len(committed) + 64

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    runtime = tmp_path / "rt"
    vng_bin = str(Path(sys.executable).with_name("vng"))
    fava = subprocess.Popen(
        [vng_bin, "serve", "--books", str(main), "--runtime", str(runtime)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=small_files,
    )
    try:
        wait_for_socket(runtime / "fava.sock", fava)
        big = json.loads(json.dumps(ENTRY))
        big["entries"][0]["narration"] = "Lange omschrijving " + "x" * 400
        headers = {"X-Remote-User": "anna", "X-Vng-Proxy": secret(runtime)}
        try:  # the write fails (EFBIG): an error answer or a dropped connection
            status, _ = unix_request(
                runtime / "fava.sock", f"/{BFILE}/api/add_entries", "PUT", big, headers
            )
        except OSError:
            status = 0
        assert status != 200
    finally:
        fava.kill()
        fava.wait(10)
    assert main.read_bytes() == committed  # nothing written, not even in part
    assert _git(tmp_path, "status", "--porcelain", "--", "boeken").strip() == ""
    assert _git(tmp_path, "log", "--format=%s").splitlines() == ["boeken"]


def test_serve_refuses_books_left_half_written_and_herstel_repairs(tmp_path: Path) -> None:
    books = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=s", "-c", "user.email=s@x", "commit", "-qm", "boeken")
    year = books / "2024.beancount"
    good = year.read_bytes()
    year.write_bytes(good[: len(good) // 3])  # a write that stopped halfway (disk full)
    result = vng(
        "serve", "--books", str(books / "main.beancount"), "--runtime", str(tmp_path / "rt")
    )
    assert result.returncode != 0
    assert f"{year}:0: wijkt af van de laatste vastlegging" in result.stderr
    assert "vng herstel" in result.stderr
    result = vng("herstel", "--books", str(books / "main.beancount"))
    assert result.returncode == 0 and str(year) in result.stdout
    assert year.read_bytes() == good


def test_a_killed_servers_build_folders_go_when_the_next_one_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Jaarrekening page's builds write into a folder of the server's own: it goes
    when the server stops, and when it was killed (no chance to remove it), when the
    next server of the same user starts a build."""
    import signal

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # vng serve's temporary folder, this test's
    root = tmp_path / "site"
    books = root / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    commit_all(root)

    def started() -> tuple[Served, list[Path]]:
        served = start_site(root, str(books / "main.beancount"), USERS)
        status, _ = _request(f"{served.url(BFILE)}/extension/VngJaarrekening/", "anna")
        assert status == 200
        return served, sorted(temp.glob(f"vng-jaarrekening-{served.fava.pid}-*"))

    first, folders = started()
    try:
        assert len(folders) == 1 and any(folders[0].iterdir())  # its build is in there
        first.fava.send_signal(signal.SIGKILL)
        first.fava.wait()
    finally:
        first.stop()
    assert folders[0].exists()  # nobody removed it
    (temp / "vng-jaarrekening-1-ander").mkdir()  # a live process's (pid 1): kept
    second, theirs = started()
    try:
        assert not folders[0].exists() and len(theirs) == 1
        assert (temp / "vng-jaarrekening-1-ander").exists()
    finally:
        second.stop()
    assert not theirs[0].exists()  # a server that stops removes its own


def _page_builds(server: int) -> set[int]:
    """The page's build processes the server ``server`` started: ``vng.fava.bouw``, or
    a fork of the server with the books its Fava loaded (``vng.fava.bouw.fork``)."""
    from vng.fava.bouw import FORKED_NAME

    found = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            name = (proc / "comm").read_bytes().strip()
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == server and (b"vng.fava.bouw" in command or name == FORKED_NAME):
            found.add(int(proc.name))
    return found


def test_the_page_build_of_a_killed_server_ends_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server killed while its Jaarrekening page is being built leaves no build
    running behind it (nor its workers): nobody would read what it makes."""
    import signal
    import time

    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))  # every entity computed
    root = tmp_path / "site"
    books = root / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    commit_all(root)
    served = start_site(root, str(books / "main.beancount"), USERS)
    try:
        # a change behind the server: its next load starts a new build (a cold one)
        builds: set[int] = set()
        for _ in range(100):
            builds = _page_builds(served.fava.pid)
            if builds:
                break
            _request(f"{served.url(BFILE)}/extension/VngJaarrekening/status?jaar=2024", "anna")
            time.sleep(0.1)
        assert builds, "no page build was running to test with"
        from vng.fava.bouw import SERVER

        for build in builds:  # told whose build it is, so that it ends with it
            if b"vng.fava.bouw" in Path(f"/proc/{build}/cmdline").read_bytes().split(b"\0"):
                environ = Path(f"/proc/{build}/environ").read_bytes().split(b"\0")
                assert f"{SERVER}={served.fava.pid}".encode() in environ
        workers = {
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and any(f"PPid:\t{b}\n" in _status(p) for b in builds)
        }
        served.fava.send_signal(signal.SIGKILL)
        served.fava.wait()
        left = builds | workers
        killed = time.monotonic()
        while left and time.monotonic() - killed < 3:  # it looks twice a second
            left = {pid for pid in left if Path(f"/proc/{pid}").exists() and not _zombie(pid)}
            time.sleep(0.1)
        assert not left, f"still running after the server was killed: {sorted(left)}"
    finally:
        served.stop()


def _status(proc: Path) -> str:
    try:
        return (proc / "status").read_text()
    except OSError:
        return ""


def _zombie(pid: int) -> bool:
    return "State:\tZ" in _status(Path(f"/proc/{pid}"))


def test_a_page_build_whose_server_is_gone_ends_even_while_it_waits(tmp_path: Path) -> None:
    """The build (``python -m vng.fava.bouw``, started as the page starts it) ends once
    its server is gone, even while it waits: here for books that never come (a pipe
    nobody writes to)."""
    import os
    import subprocess
    import sys
    import time

    from vng.fava.bouw import SERVER

    books = tmp_path / "main.beancount"
    os.mkfifo(books)
    folder = tmp_path / "bouw"
    folder.mkdir()
    server = subprocess.Popen(  # stands in for vng serve: starts the build, then is killed
        [
            sys.executable,
            "-c",
            "import os, subprocess, sys, time\n"
            "build = subprocess.Popen([sys.executable, '-m', 'vng.fava.bouw', sys.argv[1], '',"
            " '2024', sys.argv[2]], env={**os.environ, sys.argv[3]: str(os.getpid())})\n"
            "print(build.pid, flush=True)\n"
            "time.sleep(600)\n",
            str(books),
            str(folder),
            SERVER,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        build = int(server.stdout.readline())
        time.sleep(1.5)
        assert Path(f"/proc/{build}").exists() and not _zombie(build)  # waiting for the books
        server.kill()
        server.wait()
        killed = time.monotonic()
        while time.monotonic() - killed < 3 and Path(f"/proc/{build}").exists():
            if _zombie(build):
                break
            time.sleep(0.1)
        assert not Path(f"/proc/{build}").exists() or _zombie(build)
    finally:
        server.kill()
        server.wait()
