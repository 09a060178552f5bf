"""The Jaarrekening page in Fava, behind the proxy, on the group's books: it runs the
build of ``vng jaarverslag`` and hands out the same files; a real browser switches
between enkelvoudig and geconsolideerd, reads the WNT in euros, opens a line's
accounts in the page's year and downloads an auditfile."""

from __future__ import annotations

import dataclasses
import io
import pickle
import re
import shutil
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import ROOT, vng
from tests.fava_site import BFILE, NEEDS_NGINX, USERS, commit_all, entry, start_site
from tests.test_serve import _as, _request, browser
from vng.fava.bouw import RESULT, Pagina

__all__ = ["browser"]  # the browser fixture, shared with tests/test_serve.py

pytestmark = NEEDS_NGINX

PAGE = "/extension/VngJaarrekening/"
WAIT = 120  # seconds a condition may take: a cold build of the whole group


@pytest.fixture(scope="module")
def group_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Every entity's books and the group file in one repository, served with the group."""
    root = tmp_path_factory.mktemp("groep")
    shutil.copytree(ROOT / "ledger", root / "ledger")
    commit_all(root)
    books = root / "ledger" / "vereniging" / "main.beancount"
    group = root / "ledger" / "groep" / "groep.beancount"
    served = start_site(root, str(books), USERS, group=str(group))
    try:
        yield {"root": root, "books": books, "group": group, "url": served.url(BFILE)}
    finally:
        served.stop()


def _download(url: str, user: str = "kees") -> tuple[int, bytes, str]:
    import base64

    request = urllib.request.Request(url)
    token = base64.b64encode(f"{user}:{USERS[user][0]}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=600) as response:
        disposition = response.headers.get("Content-Disposition", "")
        return response.status, response.read(), disposition


def _pdf_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _cells(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _without_timestamps(xaf: bytes) -> bytes:
    return re.sub(rb"<dateCreated>[^<]*</dateCreated>", b"", xaf)


def test_the_first_page_and_a_warm_page(group_site: dict) -> None:  # type: ignore[type-arg]
    """The first page waits for the build (or says it is being computed) and never
    for minutes; a warm page answers within two seconds."""
    url = f"{group_site['url']}{PAGE}?jaar=2024"
    started = time.perf_counter()
    status, page = _request(url, "kees")
    first = time.perf_counter() - started
    assert status == 200 and first < 30, first
    deadline = time.monotonic() + WAIT
    while "Geconsolideerd" not in page and time.monotonic() < deadline:
        status, page = _request(url, "kees")  # the page's script does the same
    assert 'id="vng-deel-geconsolideerd"' in page
    started = time.perf_counter()
    status, page = _request(f"{url}&deel=geconsolideerd", "kees")
    warm = time.perf_counter() - started
    assert status == 200 and warm < 2.0, warm
    assert "Geconsolideerde balans per 31 december 2024" in page


def test_the_downloads_are_the_files_of_vng_jaarverslag(group_site: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    result = vng(
        "jaarverslag",
        "--books",
        str(group_site["books"]),
        "--groep",
        str(group_site["group"]),
        "--year",
        "2024",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    base = f"{group_site['url']}{PAGE}"
    status, pdf, disposition = _download(f"{base}pdf?jaar=2024")
    assert status == 200 and "financieel-jaarverslag-2024.pdf" in disposition
    assert _pdf_text(pdf) == _pdf_text((tmp_path / "financieel-jaarverslag-2024.pdf").read_bytes())
    _, workbook, _ = _download(f"{base}xlsx?jaar=2024")
    expected = _cells((tmp_path / "werkmap-accountant-2024.xlsx").read_bytes())
    found = _cells(workbook)
    assert list(found) == list(expected) and len(found) > 45
    assert found == expected
    _, document, _ = _download(f"{base}json?jaar=2024")
    assert document == (tmp_path / "jaarrekening-2024.json").read_bytes()
    _, archive, disposition = _download(f"{base}xaf?jaar=2024")
    assert "auditfiles-2024.zip" in disposition
    written = {p.name: p.read_bytes() for p in tmp_path.glob("auditfile-*.xaf")}
    assert len(written) == 10  # every entity of the group
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        assert sorted(files.namelist()) == sorted(written)
        for name in written:
            assert _without_timestamps(files.read(name)) == _without_timestamps(written[name])
    status, one, disposition = _download(f"{base}xaf?jaar=2024&entiteit=vng-realisatie-b-v")
    assert "auditfile-vng-realisatie-b-v-2024.xaf" in disposition
    assert _without_timestamps(one) == _without_timestamps(
        written["auditfile-vng-realisatie-b-v-2024.xaf"]
    )


def _page(driver, site: dict, query: str) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Log in as the accountant, open the page and wait until its statements are there
    (the build may run). The browser keeps the login for the address without the
    password in it, the one Fava's own requests (fetch) can use."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{_as(site, 'kees')}{PAGE}{query}")
    driver.get(f"{site['url']}{PAGE}{query}")
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "table.vng-jaarrekening"))
    )


def test_the_switch_shows_the_geconsolideerde_jaarrekening(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    _page(browser, group_site, "?jaar=2024")
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h3")]
    assert "Enkelvoudige balans per 31 december 2024" in headings
    assert "Geconsolideerde balans per 31 december 2024" not in headings
    browser.find_element(By.ID, "vng-deel-geconsolideerd").click()
    WebDriverWait(browser, WAIT).until(
        ec.presence_of_element_located((By.ID, "geconsolideerd.balans"))
    )
    assert browser.find_element(By.ID, "geconsolideerd.balans").text == (
        "Geconsolideerde balans per 31 december 2024"
    )
    assert not browser.find_elements(By.ID, "enkelvoudig.balans")
    browser.find_element(By.ID, "vng-deel-enkelvoudig").click()
    WebDriverWait(browser, WAIT).until(
        ec.presence_of_element_located((By.ID, "enkelvoudig.balans"))
    )


def test_the_jaarverslag_has_the_pdfs_parts_with_an_index(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    """The page's jaarverslag: the parts of the PDF in its order, an index whose link
    brings a part into view, and a part with its texts (figures filled) and tables."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    _page(browser, group_site, "?jaar=2024")
    browser.find_element(By.ID, "vng-deel-verslag").click()
    index = WebDriverWait(browser, WAIT).until(
        ec.presence_of_element_located((By.ID, "vng-inhoud"))
    )
    links = index.find_elements(By.TAG_NAME, "a")
    titles = [a.text for a in links]
    # the parts of the PDF, level 0 of its outline, in its order
    status, content, _ = _download(f"{group_site['url']}{PAGE}pdf?jaar=2024")
    assert status == 200
    from pypdf import PdfReader

    outline = [
        str(item.title)
        for item in PdfReader(io.BytesIO(content)).outline
        if not isinstance(item, list)
    ]
    assert titles == outline
    assert "Samenstelling bestuur en directie VNG" in titles
    assert "Kerninformatie van de VNG" in titles
    # a link of the index brings its part into view
    part = browser.find_element(By.ID, "deel-kerninformatie")
    links[titles.index("Kerninformatie van de VNG")].click()
    WebDriverWait(browser, 10).until(
        lambda driver: driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return r.top >= 0 && r.top < window.innerHeight;",
            part,
        )
    )
    assert browser.current_url.endswith("#deel-kerninformatie")
    staff = part.find_element(By.CSS_SELECTOR, 'table[data-table="bestuursverslag.personeel"]')
    assert "328,59 fte" in staff.text
    # the financieel beleid: its texts with their figures, its tables
    beleid = browser.find_element(By.ID, "deel-financieel_beleid")
    voorwoord = browser.find_element(By.ID, "deel-voorwoord").text
    assert "€ 3,396 miljoen negatief" in voorwoord and "{" not in voorwoord
    sections = [
        s.get_attribute("data-sectie")
        for s in beleid.find_elements(By.CSS_SELECTOR, "div.vng-tekst")
    ]
    assert sections.index("beleggingsportefeuille") < sections.index("deelnemingen")
    # a text inside a note stands under the note's heading, without a title of its own
    note = browser.find_element(
        By.CSS_SELECTOR, 'div.vng-tekst[data-sectie="noot_personeelslasten"]'
    )
    assert note.text and note.find_elements(By.TAG_NAME, "h4") == []
    assert beleid.find_elements(By.CSS_SELECTOR, "div.vng-tekst h4")  # the others keep theirs
    development = beleid.find_element(
        By.CSS_SELECTOR, 'table[data-table="bestuursverslag.resultaatontwikkeling"]'
    )
    assert "Begroot 2025" in development.text and "140.802" in development.text
    assert (
        "Den Haag"
        in beleid.find_element(
            By.CSS_SELECTOR, 'table[data-table="bestuursverslag.deelnemingen"]'
        ).text
    )


def test_the_wnt_is_in_euros(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By

    _page(browser, group_site, "?jaar=2024")
    top = browser.find_element(By.CSS_SELECTOR, 'table[data-table="wnt.topfunctionarissen"]')
    bezoldiging = top.find_element(By.CSS_SELECTOR, 'tr[data-row="bezoldiging"]')
    cells = [c.text for c in bezoldiging.find_elements(By.CSS_SELECTOR, "td.num")]
    assert cells[0] == "201.641,42"  # Geluk 2024, not "202"
    supervisors = browser.find_element(
        By.CSS_SELECTOR, 'table[data-table="wnt.toezichthouders"]'
    ).text
    assert "2.100,82" in supervisors
    balance = browser.find_element(By.CSS_SELECTOR, 'table[data-table="enkelvoudig.balans"]')
    assert re.search(r"\b\d{1,3}\.\d{3}\b", balance.text)  # the statements in € 1.000


def test_a_line_opens_its_accounts_and_they_keep_the_year(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    _page(browser, group_site, "?jaar=2023")
    row = browser.find_element(
        By.CSS_SELECTOR, 'table[data-table="enkelvoudig.balans"] tr[data-row="bedrijfsgebouwen"]'
    )
    row.find_element(By.TAG_NAME, "summary").click()
    accounts = row.find_element(By.CSS_SELECTOR, "table.vng-rekeningen")
    WebDriverWait(browser, 10).until(lambda _: accounts.is_displayed())
    first = accounts.find_elements(By.TAG_NAME, "tr")[0]
    number, name, amount = (c.text for c in first.find_elements(By.TAG_NAME, "td"))
    assert (
        number == "0100" and name == "Activa:MaterieleVasteActiva:Bedrijfsgebouwen:Aanschafwaarde"
    )
    assert re.fullmatch(r"€ -?\d{1,3}(\.\d{3})*,\d{2}", amount), amount
    first.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, WAIT).until(ec.url_contains("/account/Activa:MaterieleVasteActiva"))
    assert "time=2023" in browser.current_url
    time_filter = WebDriverWait(browser, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, 'input[placeholder="Periode"]'))
    )
    WebDriverWait(browser, 10).until(lambda _: time_filter.get_attribute("value") == "2023")


def test_a_download_from_the_page(group_site: dict, browser, tmp_path: Path) -> None:  # type: ignore[type-arg,no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _page(browser, group_site, "?jaar=2024")
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    # the links are there once the build has made the files (the page may come first)
    WebDriverWait(browser, WAIT).until(
        lambda _: browser.find_elements(By.LINK_TEXT, "VNG Realisatie B.V.")
    )
    browser.find_element(By.LINK_TEXT, "VNG Realisatie B.V.").click()
    target = tmp_path / "auditfile-vng-realisatie-b-v-2024.xaf"
    WebDriverWait(browser, WAIT).until(
        lambda _: target.exists() and not list(tmp_path.glob("*.crdownload"))
    )
    assert b"<auditfile" in target.read_bytes()[:2000]


def test_chart_and_settings_errors_are_shown(tmp_path: Path) -> None:
    """Books Fava loads with errors: the page lists them instead of dropping them."""
    from fava.application import create_app

    books = tmp_path / "boeken"
    shutil.copytree(ROOT / "ledger" / "vereniging", books)
    main = books / "main.beancount"
    main.write_text(
        main.read_text(encoding="utf-8")
        + '\n2024-01-01 custom "vng-presentatie" "bestaat-niet" "ook-niet"\n'
        + "\n2024-01-01 open Activa:Vorderingen:Zonder:Rgs EUR\n",
        encoding="utf-8",
    )
    app = create_app([str(main)], load=True)
    page = ""
    deadline = time.monotonic() + WAIT
    while "vng-fouten" not in page and time.monotonic() < deadline:
        page = app.test_client().get(f"/{BFILE}{PAGE}?jaar=2024").get_data(as_text=True)
    assert "onbekende presentatie-instelling" in page
    assert "Activa:Vorderingen:Zonder:Rgs" in page
    assert "Enkelvoudige balans per 31 december 2024" not in page


def test_a_page_without_errors_does_not_read_the_chart_again(tmp_path: Path) -> None:
    """The page of books without an error shows none, and does not read the chart of
    Fava's entries for it (the build read the same chart)."""
    from fava.application import create_app

    books = tmp_path / "boeken"
    shutil.copytree(ROOT / "ledger" / "vereniging", books)
    app = create_app([str(books / "main.beancount")], load=True)
    extension = app.config["LEDGERS"].ledgers[0].extensions.get_extension("VngJaarrekening")
    page = ""
    deadline = time.monotonic() + WAIT
    try:
        while "Enkelvoudige balans per 31 december 2024" not in page:
            assert time.monotonic() < deadline, page
            page = app.test_client().get(f"/{BFILE}{PAGE}?jaar=2024").get_data(as_text=True)
        extension._chart = None  # read while the page was being computed, if it was
        page = app.test_client().get(f"/{BFILE}{PAGE}?jaar=2024").get_data(as_text=True)
        assert "Enkelvoudige balans per 31 december 2024" in page
        assert 'class="vng-fouten"' not in page
        assert extension._chart is None
    finally:
        extension._stop_all()


def _euros(text: str) -> Decimal:
    """An amount as the page shows it ("€ -1.234,56") as a number."""
    return Decimal(text.removeprefix("€ ").replace(".", "").replace(",", "."))


def test_a_group_line_opens_each_entitys_accounts_in_the_year(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    """Behind a line of the geconsolideerde balans: the Vereniging's accounts (opening
    their postings in the page's year) and each dochter's account numbers and names
    with their amounts, then the dochter's amount on the line, which its accounts make."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    _page(browser, group_site, "?jaar=2023&deel=geconsolideerd")
    row = browser.find_element(
        By.CSS_SELECTOR,
        'table[data-table="geconsolideerd.balans"] tr[data-row="liquide_middelen"]',
    )
    row.find_element(By.TAG_NAME, "summary").click()
    accounts = row.find_element(By.CSS_SELECTOR, "table.vng-rekeningen")
    WebDriverWait(browser, 10).until(lambda _: accounts.is_displayed())
    lines: dict[str, list[tuple[str, str, str]]] = {}
    for tr in accounts.find_elements(By.TAG_NAME, "tr"):
        cells = tuple(c.text for c in tr.find_elements(By.TAG_NAME, "td"))
        lines.setdefault(str(tr.get_attribute("data-entiteit")), []).append(cells)  # type: ignore[arg-type]
    own = lines.pop("Vereniging van Nederlandse Gemeenten")
    assert ("0430", "Activa:LiquideMiddelen:Bank:ING") in [r[:2] for r in own], own
    realisatie = lines["VNG Realisatie B.V."]
    number, name, amount = realisatie[0]
    assert (number, name) == ("1000", "VNG Realisatie B.V.: Activa:LiquideMiddelen:Bank")
    assert re.fullmatch(r"€ -?\d{1,3}(\.\d{3})*,\d{2}", amount), amount
    assert len(lines) >= 5, sorted(lines)  # the dochters with a bank balance in 2023
    for entity, rows in lines.items():
        *its_accounts, (_, total_name, total) = rows
        assert total_name == f"{entity}: op deze regel, in euro's", rows
        assert its_accounts and all(r[0] and r[1].startswith(f"{entity}: ") for r in its_accounts)
        if all(r[2].startswith("€ ") for r in its_accounts):
            assert sum(_euros(r[2]) for r in its_accounts) == _euros(total), rows
    link = accounts.find_element(By.LINK_TEXT, "Activa:LiquideMiddelen:Bank:ING")
    link.click()
    WebDriverWait(browser, WAIT).until(ec.url_contains("/account/Activa:LiquideMiddelen"))
    assert "time=2023" in browser.current_url


def test_a_write_starts_the_build_of_the_books_new_state(tmp_path: Path) -> None:
    """Fava's hooks after a write: a new entry starts the page's build for the books as
    they now are, before any page asks for it."""
    from fava.application import create_app
    from fava.serialisation import deserialise

    books = tmp_path / "boeken"
    shutil.copytree(ROOT / "ledger" / "vereniging", books)
    app = create_app([str(books / "main.beancount")], load=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    page = ledger.extensions.get_extension("VngJaarrekening")
    year = page.years()[0]
    try:
        before = page.state(year)
        ledger.file.insert_entries([deserialise(entry("Na het schrijven"))])
        after = page.state(year)
        assert after != before
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            bouw = page._builds.get(year)
            if bouw is not None and bouw.key == after:
                break
            time.sleep(0.05)
        assert page._builds[year].key == after
    finally:
        page._stop_all()


def test_the_state_of_the_books_follows_every_change_of_a_file(tmp_path: Path) -> None:
    """The page's key of the books' state, read again only when a file or folder of
    the books is not as it was: a file rewritten in place with the same size and its
    modification time set back, and a new file that an include's pattern takes in, in
    a folder of its own, each give another state; books left alone keep theirs."""
    import os

    from fava.application import create_app

    books = tmp_path / "boeken"
    shutil.copytree(ROOT / "ledger" / "vereniging", books)
    main = books / "main.beancount"
    (books / "maanden" / "12").mkdir(parents=True)
    with main.open("a", encoding="utf-8") as handle:
        handle.write('\ninclude "maanden/*/*.beancount"\n')
    app = create_app([str(main)], load=True)
    page = app.config["LEDGERS"].ledgers[0].extensions.get_extension("VngJaarrekening")
    year = page.years()[0]
    try:
        time.sleep(0.3)  # no file changed just now (its times may yet repeat)
        first = page.state(year)
        assert page.state(year) == first and page._states[year][1] == first
        text = main.read_bytes()
        stat = main.stat()
        main.write_bytes(text.replace(b"include", b"INCLUDE", 1))  # the same size
        os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(0.3)
        changed = page.state(year)
        assert changed != first
        main.write_bytes(text)
        os.utime(main, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(0.3)
        assert page.state(year) == first
        (books / "maanden" / "12" / "extra.beancount").write_text(
            '2024-12-31 * "Een maand later"\n', encoding="utf-8"
        )
        time.sleep(0.3)
        assert page.state(year) not in (first, changed)
    finally:
        page._stop_all()


def _statements_only(page: Pagina) -> Pagina:
    """The page without what only the full build has: its files."""
    return dataclasses.replace(page, files={}, auditfiles={}, downloads=False)


def test_the_page_answers_before_its_downloads_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change the page shows the statements as soon as they are computed, with a
    note that the downloads are being made; a download asked for meanwhile waits for
    them; and the statements, parts and accounts it showed are those of the full build."""
    from fava.application import create_app

    from vng.fava import GROUP_ENV

    # a cold cache: the full build has to make every entity's grootboek and auditfile
    monkeypatch.setenv("VNG_CACHE", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    monkeypatch.setenv(GROUP_ENV, str(tmp_path / "ledger" / "groep" / "groep.beancount"))
    app = create_app([str(tmp_path / "ledger" / "vereniging" / "main.beancount")], load=True)
    extension = app.config["LEDGERS"].ledgers[0].extensions.get_extension("VngJaarrekening")
    client = app.test_client()
    try:
        html = client.get(f"/{BFILE}{PAGE}?jaar=2024").get_data(as_text=True)
        folder = Path(extension._builds[2024].folder)
        first = pickle.loads((folder / RESULT).read_bytes())
        pdf = folder / "financieel-jaarverslag-2024.pdf"
        assert not pdf.exists() and not first.downloads and not first.files
        assert "Enkelvoudige balans per 31 december 2024" in html
        assert "worden nog gemaakt" in html and f"{PAGE}pdf?jaar=2024" not in html
        # a download waits for the full build
        response = client.get(f"/{BFILE}{PAGE}pdf?jaar=2024")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        final = extension._builds[2024].wait(0, downloads=True)
        assert final is not None and final.downloads and pdf.exists()
        html = client.get(f"/{BFILE}{PAGE}?jaar=2024").get_data(as_text=True)
        assert "worden nog gemaakt" not in html and f"{PAGE}pdf?jaar=2024" in html
        assert len(final.auditfiles) == 10
        # what the page showed before is what it shows now, and there is something to show
        assert first.enkelvoudig and first.geconsolideerd and first.delen
        assert first.accounts and first.group_lines
        assert _statements_only(first) == _statements_only(final)
    finally:
        extension._stop_all()


def test_a_build_that_breaks_off_says_what_it_wrote(tmp_path: Path) -> None:
    """The build's process ends after the page's statements without its downloads: a
    download gets what it wrote on its standard error."""
    import subprocess
    import sys

    from vng.fava import ERRORS, _Bouw

    script = (
        "import pickle, sys\n"
        "from vng.fava.bouw import Pagina\n"
        "from vng.output import write_atomic\n"
        f"write_atomic({str(tmp_path / RESULT)!r}, pickle.dumps(Pagina(2024, 'VNG')))\n"
        "sys.stderr.write('schijf vol')\n"
        "sys.exit(1)\n"
    )
    with open(tmp_path / ERRORS, "wb") as errors:
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stderr=errors)
    bouw = _Bouw("sleutel", str(tmp_path), process)
    page = bouw.wait(WAIT, downloads=True)
    assert page is not None and page.errors == ("berekening afgebroken: schijf vol",)
    assert bouw.wait(0) == page


def test_the_downloads_appear_on_the_page_when_they_are_made(group_site: dict, browser) -> None:  # type: ignore[type-arg,no-untyped-def]
    """The books changed: the page shows the statements with the note that the downloads
    are being made, and puts their links in its place when they are, without loading
    the page again (what the user opened stays open)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    group = Path(str(group_site["group"]))
    # a new state of the group's books: every entity is computed again
    with group.open("a", encoding="utf-8") as handle:
        handle.write("\n; de groep, opnieuw\n")
    _page(browser, group_site, "?jaar=2024")
    note = browser.find_element(By.CLASS_NAME, "vng-downloads")
    assert note.get_attribute("id") == "vng-downloads-bezig"
    assert "worden nog gemaakt" in note.text
    assert not browser.find_elements(By.LINK_TEXT, "VNG Realisatie B.V.")
    browser.execute_script("window.vngNietHerladen = true;")
    WebDriverWait(browser, WAIT).until(lambda _: browser.find_elements(By.ID, "vng-downloads"))
    assert browser.execute_script("return window.vngNietHerladen === true;")
    assert not browser.find_elements(By.ID, "vng-downloads-bezig")
    links = browser.find_element(By.ID, "vng-downloads")
    assert (
        links.find_element(By.LINK_TEXT, "VNG Realisatie B.V.")
        .get_attribute("href")
        .endswith("xaf?jaar=2024&entiteit=vng-realisatie-b-v")
    )
    assert links.find_element(By.LINK_TEXT, "PDF").get_attribute("href").endswith("pdf?jaar=2024")
