"""Fava behind the proxy, for real: nginx with passwords and roles, vng serve with the
lock, the checks and the audit trail, and a real browser on the Jaarrekening page."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOOKS_DIR, vng

BFILE = "vereniging-van-nederlandse-gemeenten"
USERS = {"anna": ("geheim-anna", "boekhouding"), "kees": ("geheim-kees", "accountant")}

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx ontbreekt (make test installeert het)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(port)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    root = tmp_path_factory.mktemp("site")
    books = root / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=setup", "-c", "user.email=setup@x", "commit", "-qm", "boeken")
    users = root / "gebruikers"
    for name, (password, role) in USERS.items():
        result = subprocess.run([str(Path(sys.executable).with_name("vng")), "gebruiker", name,
                                 "--rol", role, "--gebruikers", str(users)],
                                input=password + "\n", text=True, capture_output=True)
        assert result.returncode == 0, result.stderr
    fava_port, proxy_port = _free_port(), _free_port()
    vng_bin = str(Path(sys.executable).with_name("vng"))
    fava = subprocess.Popen([vng_bin, "serve", "--books", str(books / "main.beancount"),
                             "--port", str(fava_port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    proxy = subprocess.Popen([vng_bin, "proxy", "--gebruikers", str(users), "--port",
                              str(proxy_port), "--fava", f"http://127.0.0.1:{fava_port}",
                              "--runtime", str(root / "proxy")], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        _wait(fava_port)
        _wait(proxy_port)
        yield {"root": root, "books": books, "url": f"http://127.0.0.1:{proxy_port}/{BFILE}",
               "direct": f"http://127.0.0.1:{fava_port}/{BFILE}"}
    finally:
        proxy.terminate()
        fava.terminate()
        proxy.wait(10)
        fava.wait(10)
        subprocess.run(["pkill", "-f", f"nginx -p {root}/proxy"], check=False)


def _request(url: str, user: str | None = None, method: str = "GET",
             body: object | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if user:
        token = base64.b64encode(f"{user}:{USERS[user][0]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


ENTRY = {"entries": [{"t": "Transaction", "date": "2024-12-30", "flag": "*",
                      "payee": "Drukkerij Haagland", "narration": "Drukwerk jaarverslag",
                      "meta": {}, "tags": [], "links": [], "postings": [
                          {"account": "Lasten:KantoorHuisvesting:Drukwerk", "amount": "120.00 EUR",
                           "meta": {}},
                          {"account": "Passiva:Kortlopend:Handelscrediteuren",
                           "amount": "-120.00 EUR", "meta": {}}]}]}


def test_authentication_is_required(site: dict) -> None:  # type: ignore[type-arg]
    assert _request(f"{site['url']}/extension/VngJaarrekening/")[0] == 401


def test_both_roles_read_the_jaarrekening(site: dict) -> None:  # type: ignore[type-arg]
    for user in USERS:
        status, page = _request(f"{site['url']}/extension/VngJaarrekening/", user)
        assert status == 200 and "Enkelvoudige balans per 31 december 2024" in page


@pytest.mark.parametrize("path,method", [("/api/add_entries", "PUT"), ("/api/source", "PUT"),
                                         ("/editor/", "GET"), ("/import/", "GET"),
                                         ("/api/source?filename=x", "GET"),
                                         ("/api/extract?filename=x&importer=y", "GET")])
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
    hostile = {"file_path": str(main), "source": payload["source"] + 'plugin "os_system"\n',
               "sha256sum": payload["sha256sum"]}
    status, body = _request(f"{site['url']}/api/source", "anna", "PUT", hostile)
    assert status == 400 and "niet op de lijst" in body
    assert _git(site["root"], "rev-parse", "HEAD") == head
    assert 'plugin "os_system"' not in main.read_text(encoding="utf-8")


def test_a_write_without_an_authenticated_user_is_refused(site: dict) -> None:  # type: ignore[type-arg]
    status, body = _request(f"{site['direct']}/api/add_entries", None, "PUT", ENTRY)
    assert status == 400 and "geen geauthenticeerde gebruiker" in body


def test_a_real_browser_shows_the_jaarrekening(site: dict) -> None:  # type: ignore[type-arg]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        url = str(site["url"]).replace("http://", f"http://kees:{USERS['kees'][0]}@")
        driver.get(f"{url}/extension/VngJaarrekening/?jaar=2024")
        heading = driver.find_element(By.TAG_NAME, "h2").text
        assert heading == "Jaarrekening 2024"
        tables = driver.find_elements(By.CSS_SELECTOR, "table.vng-jaarrekening")
        assert len(tables) > 20
        import re
        activa = re.search(r"Totaal activa ([\d.]+)", tables[0].text)
        passiva = re.search(r"Totaal passiva ([\d.]+)", tables[0].text)
        assert activa and passiva and activa.group(1) == passiva.group(1)
        assert abs(int(activa.group(1).replace(".", "")) - 228501) <= 1  # published
    finally:
        driver.quit()


def test_serve_refuses_books_left_half_written_and_herstel_repairs(tmp_path: Path) -> None:
    books = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, books)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "-c", "user.name=s", "-c", "user.email=s@x", "commit", "-qm", "boeken")
    year = books / "2024.beancount"
    good = year.read_bytes()
    year.write_bytes(good[: len(good) // 3])  # a write that stopped halfway (disk full)
    result = vng("serve", "--books", str(books / "main.beancount"), "--port", "1")
    assert result.returncode != 0
    assert f"{year}:0: wijkt af van de laatste vastlegging" in result.stderr
    assert "vng herstel" in result.stderr
    result = vng("herstel", "--books", str(books / "main.beancount"))
    assert result.returncode == 0 and str(year) in result.stdout
    assert year.read_bytes() == good
