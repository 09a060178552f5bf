"""Attacks on the books through the real stack: nginx (``vng proxy``), Fava
(``vng serve``) and git, as a user with the boekhouding role would try them.

Each test names the attack, makes it through the proxy with a real login and checks
that nothing was written, nothing ran and nothing outside the books was read."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from beancount.parser import parser

from tests.conftest import BOOKS_DIR, vng
from tests.fava_site import BFILE, NEEDS_NGINX, commit_all, http, start_site, wait_for_socket
from tests.fava_site import git as _git
from tests.test_serve import ENTRY

USERS = {"anna": ("geheim-anna", "boekhouding"), "piet": ("geheim-piet", "boekhouding")}

pytestmark = NEEDS_NGINX


def _vng_bin() -> str:
    return str(Path(sys.executable).with_name("vng"))


def make_books(root: Path) -> Path:
    """The embedded books in a git repository of their own, laid out as in the
    project (``ledger/vereniging`` and the import folder ``import``)."""
    books = root / "ledger" / "vereniging"
    shutil.copytree(BOOKS_DIR, books)
    (root / "import").mkdir()
    commit_all(root)
    return books / "main.beancount"


class Site:
    """``vng serve`` and ``vng proxy`` on a copy of the books, with two users."""

    def __init__(self, root: Path, limit: int | None = None) -> None:
        self.root = root
        self.main = make_books(root)
        self.books = self.main.parent

        def small_files() -> None:
            if limit is not None:
                import resource

                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        self.served = start_site(
            root,
            str(self.main),
            USERS,
            fava_stderr=open(root / "serve.log", "wb"),
            before_fava=small_files,
        )
        self.fava, self.proxy = self.served.fava, self.served.proxy
        self.proxy_port, self.runtime = self.served.port, self.served.runtime
        self.url = self.served.url(BFILE)

    def stop(self) -> None:
        self.served.stop()
        if self.fava is not self.served.fava and self.fava.poll() is None:
            self.fava.terminate()  # a vng serve started again after the first was killed
            self.fava.wait(10)
        subprocess.run(["pkill", "-f", f"nginx -p {self.root}/proxy"], check=False)

    def request(
        self,
        path: str,
        user: str = "anna",
        method: str = "GET",
        body: object | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, str]:
        data = None
        headers = {}
        if files:
            boundary = uuid.uuid4().hex
            parts = []
            for field, (name, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                    f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return http(self.url + path, method, data, headers, (user, USERS[user][0]), 120)

    def source(self, path: Path) -> dict:  # type: ignore[type-arg]
        status, body = self.request("/api/source?filename=" + urllib.parse.quote(str(path)))
        assert status == 200, body
        return json.loads(body)["data"]  # type: ignore[no-any-return]

    def put_source(self, path: Path, text: str, user: str = "anna") -> tuple[int, str]:
        current = self.source(path)
        body = {"file_path": str(path), "source": text, "sha256sum": current["sha256sum"]}
        return self.request("/api/source", user, "PUT", body)

    def head(self) -> str:
        return _git(self.root, "rev-parse", "HEAD").strip()

    def clean(self) -> bool:
        status = _git(self.root, "status", "--porcelain", "--", "ledger")
        return [line for line in status.splitlines() if ".vng-schrijfslot" not in line] == []

    def journal(self) -> list[dict]:  # type: ignore[type-arg]
        status, body = self.request("/api/journal")
        assert status == 200, body
        return json.loads(body)["data"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    running = Site(tmp_path_factory.mktemp("aanval"))
    try:
        yield running
    finally:
        running.stop()


def _refused(site: Site, head: str, status: int, body: str, *words: str) -> None:
    assert status in (400, 403), (status, body)
    for word in words:
        assert word in body, body
    assert site.head() == head
    assert site.clean()


def test_an_uploaded_import_config_never_runs(site: Site) -> None:
    marker = site.root / "uitgevoerd.txt"
    code = f"open({str(marker)!r}, 'w').write('ja')\nCONFIG = []\n".encode()
    status, body = site.request(
        "/api/upload_import_file", method="PUT", files={"file": ("x.py", code)}
    )
    assert status == 200, body
    head = site.head()
    main = site.source(site.main)["source"]
    hostile = main + '\n2024-07-02 custom "fava-option" "import-config" "../../import/x.py"\n'
    status, body = site.put_source(site.main, hostile)
    _refused(site, head, status, body, "import-config", "main.beancount:")
    site.request("/import/")
    site.request("/api/imports")
    assert not marker.exists()


@pytest.mark.parametrize(
    "line,reason",
    [
        ('2024/07/02 custom "fava-extension" "json"', "Fava-extensie"),
        ('2024-07-02 custom "fava-extension" "fava.ext.portfolio_list"', "Fava-extensie"),
        ('plugin "beancount.plugins.auto"', "plugin"),
        ('option "insert_pythonpath" "TRUE"', "insert_pythonpath"),
        ('option "plugin_processing_mode" "raw"', "plugin_processing_mode"),
        ('include "/etc/passwd"', "buiten de map"),
        ('include "UP/etc/*"', "buiten de map"),
        ('2024-07-02 custom "fava-option" "import-dirs" "/"', "import-dirs"),
        ('2024-07-02 custom "fava-option" "default-file" "/tmp/elders.beancount"', "default-file"),
        ('2024-07-02 document Activa:Liquide:Bank "/etc/passwd"', "buiten de boeken"),
        ('option "documents" "/"', "documents"),
    ],
)
def test_the_guard_reads_the_books_as_beancount_does(site: Site, line: str, reason: str) -> None:
    head = site.head()
    path = site.books / "2024.beancount"
    before = path.read_bytes()
    up = os.path.relpath("/", site.books)  # a relative path to the root, however deep
    line = line.replace("UP/", up + "/")
    status, body = site.put_source(path, site.source(path)["source"] + "\n" + line + "\n")
    _refused(site, head, status, body, reason, "2024.beancount:")
    assert path.read_bytes() == before


def test_no_file_outside_the_books_is_read_or_written(site: Site, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("van een ander\n", encoding="utf-8")
    head = site.head()
    status, body = site.put_source(
        site.main, site.source(site.main)["source"] + f'\ninclude "{victim}"\n'
    )
    _refused(site, head, status, body, "buiten de map")
    for name in ("/etc/passwd", str(victim)):
        status, body = site.request("/api/source?filename=" + urllib.parse.quote(name))
        assert status in (400, 403, 404) and "root:" not in body and "van een ander" not in body
    body = {"file_path": str(victim), "source": "overschreven\n", "sha256sum": "x"}
    status, _ = site.request("/api/source", "anna", "PUT", body)
    assert status in (400, 403, 404)
    assert victim.read_text(encoding="utf-8") == "van een ander\n"
    for path in ("/document/?filename=/etc/passwd", "/api/extract?filename=/etc/passwd&importer=x"):
        status, body = site.request(path)
        assert status in (400, 403, 404) and "root:" not in body, (path, status)


def _entry_on(date: str, narration: str) -> dict:  # type: ignore[type-arg]
    entry = json.loads(json.dumps(ENTRY))
    entry["entries"][0]["date"] = date
    entry["entries"][0]["narration"] = narration
    return entry


def test_the_adopted_year_cannot_be_changed(site: Site) -> None:
    head = site.head()
    status, body = site.request("/api/add_entries", "anna", "PUT", _entry_on("2023-06-15", "Na"))
    _refused(site, head, status, body, "2023 is vastgesteld", "vastgesteld-")
    locked = next(
        e
        for e in site.journal()
        if e["t"] == "Transaction" and e["date"].startswith("2023-") and e["postings"]
    )
    status, body = site.request(f"/api/source_slice?entry_hash={locked['entry_hash']}")
    assert status == 200, body
    slice_ = json.loads(body)["data"]
    changed = slice_["slice"].replace(locked["narration"], locked["narration"] + " (gewijzigd)")
    put = {"entry_hash": locked["entry_hash"], "source": changed, "sha256sum": slice_["sha256sum"]}
    status, body = site.request("/api/source_slice", "anna", "PUT", put)
    _refused(site, head, status, body, "2023 is vastgesteld")
    query = urllib.parse.urlencode(
        {"entry_hash": locked["entry_hash"], "sha256sum": slice_["sha256sum"]}
    )
    status, body = site.request(f"/api/source_slice?{query}", "anna", "DELETE")
    _refused(site, head, status, body, "2023 is vastgesteld")
    path = site.books / "2023.beancount"
    text = site.source(path)["source"]
    first = text.index("\n2023-0")
    edited = text[: first + 1] + text[first + 1 :].replace(" * ", " ! ", 1)
    status, body = site.put_source(path, edited)
    _refused(site, head, status, body, "2023 is vastgesteld")
    status, body = site.put_source(
        site.main,
        site.source(site.main)["source"].replace(
            'custom "vng-vastgesteld" 2023', 'custom "vng-vastgesteld" 2022'
        ),
    )
    _refused(site, head, status, body, "vaststelling")


def test_a_change_that_loses_entries_is_refused(site: Site) -> None:
    """The source editor may rewrite its own file; an entry's slice may not take
    others with it."""
    head = site.head()
    entry = next(
        e for e in site.journal() if e["t"] == "Transaction" and e["date"].startswith("2024-1")
    )
    status, body = site.request(f"/api/source_slice?entry_hash={entry['entry_hash']}")
    slice_ = json.loads(body)["data"]
    put = {
        "entry_hash": entry["entry_hash"],
        "source": slice_["slice"] + "\n\n",
        "sha256sum": slice_["sha256sum"],
    }
    status, body = site.request("/api/source_slice", "anna", "PUT", put)
    assert status == 200, body  # replaced by itself: nothing lost
    assert site.head() == head or site.clean()


def test_a_change_is_checked_by_the_project_checks(site: Site) -> None:
    head = site.head()
    bad = _entry_on("2024-12-30", "Een halve cent")
    bad["entries"][0]["postings"][0]["amount"] = "10.005 EUR"
    bad["entries"][0]["postings"][1]["amount"] = "-10.005 EUR"
    status, body = site.request("/api/add_entries", "anna", "PUT", bad)
    _refused(site, head, status, body, "decimalen")
    path = site.books / "2024.beancount"
    status, body = site.put_source(
        path,
        site.source(path)["source"]
        + '\n2024-12-31 * "x"\n  Lasten:Bestaat:Niet  1.00 EUR\n  Activa:Bestaat:Ook:Niet\n',
    )
    _refused(site, head, status, body, "2024.beancount:")


def test_a_good_change_is_one_commit_by_its_author(site: Site) -> None:
    status, body = site.request(
        "/api/add_entries", "piet", "PUT", _entry_on("2024-12-29", "Piet boekt")
    )
    assert status == 200, body
    assert _git(site.root, "log", "-1", "--format=%an|%s").strip() == (
        "piet|Fava: 1 boeking(en) toegevoegd: Piet boekt"
    )
    assert site.clean()
    assert not list(site.books.glob(".tmp-*"))


def _transactions(text: str) -> int:
    entries, _, _ = parser.parse_string(text)
    return sum(1 for e in entries if type(e).__name__ == "Transaction")


def test_a_full_disk_during_a_save_loses_nothing(tmp_path: Path) -> None:
    """Fault: Fava may not write a file more than 300 bytes larger than the largest
    file of the books (RLIMIT_FSIZE, as a full disk would). A save that grows that
    file by more fails and writes nothing; the next save of another user is
    committed with every transaction."""
    largest = max(BOOKS_DIR.glob("*.beancount"), key=lambda p: p.stat().st_size)
    site = Site(tmp_path, limit=largest.stat().st_size + 300)
    try:
        target = site.books / largest.name
        counted = {
            p.name: _transactions(p.read_text(encoding="utf-8"))
            for p in site.books.glob("*.beancount")
        }
        head = site.head()
        text = site.source(target)["source"]
        extra = "".join(
            f'\n2024-12-28 * "Regel {i}"\n  Lasten:KantoorHuisvesting:Drukwerk  1.00 EUR\n'
            "  Passiva:Kortlopend:Handelscrediteuren\n"
            for i in range(40)
        )
        status, body = site.put_source(target, text + extra)
        assert status >= 400, body
        assert site.head() == head and site.clean()
        assert _transactions(target.read_text(encoding="utf-8")) == counted[target.name]
        status, body = site.request(
            "/api/add_entries", "piet", "PUT", _entry_on("2024-12-28", "Klein")
        )
        assert status == 200, body
        assert site.head() != head and site.clean()
        for path in site.books.glob("*.beancount"):
            committed = _git(tmp_path, "show", f"HEAD:ledger/vereniging/{path.name}")
            expected = counted[path.name] + (1 if path.name == "main.beancount" else 0)
            assert _transactions(committed) == expected, path.name
            assert _transactions(path.read_text(encoding="utf-8")) == expected, path.name
    finally:
        site.stop()


def test_kill_during_a_save_then_herstel_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    site = Site(tmp_path)
    acknowledged = []
    try:
        for i in range(3):
            status, body = site.request(
                "/api/add_entries", "anna", "PUT", _entry_on("2024-12-27", f"Erkend {i}")
            )
            assert status == 200, body
            acknowledged.append(f"Erkend {i}")
        # a save in flight when Fava is killed
        import threading

        threading.Thread(
            target=site.request,
            args=("/api/add_entries", "anna", "PUT", _entry_on("2024-12-27", "In de lucht")),
            daemon=True,
        ).start()
        time.sleep(0.3)
        site.fava.send_signal(signal.SIGKILL)
        site.fava.wait(10)
    finally:
        site.stop()
    result = vng("herstel", "--books", str(site.main))
    assert result.returncode == 0, result.stderr
    assert site.clean()
    committed = _git(tmp_path, "show", "HEAD:ledger/vereniging/main.beancount")
    for narration in acknowledged:
        assert committed.count(narration) == 1
    runtime = tmp_path / "opnieuw"
    restarted = subprocess.Popen(
        [_vng_bin(), "serve", "--books", str(site.main), "--runtime", str(runtime)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_socket(runtime / "fava.sock", restarted)  # serve starts on the restored books
    finally:
        restarted.terminate()
        restarted.wait(10)


def test_herstel_after_a_kill_during_a_commit_restores_head(tmp_path: Path) -> None:
    main = make_books(tmp_path)
    head = _git(tmp_path, "rev-parse", "HEAD").strip()
    year = main.parent / "2024.beancount"
    good = year.read_bytes()
    year.write_bytes(good[: len(good) // 2])
    _git(tmp_path, "add", "-A")  # staged, as by a commit that was killed
    git_dir = tmp_path / ".git"
    (git_dir / "index.lock").write_text("", encoding="utf-8")
    result = vng("herstel", "--books", str(main))
    assert result.returncode == 0, result.stderr
    assert str(year) in result.stdout
    assert year.read_bytes() == good
    assert _git(tmp_path, "rev-parse", "HEAD").strip() == head
    status = _git(tmp_path, "status", "--porcelain").splitlines()
    assert [line for line in status if ".vng-schrijfslot" not in line] == []


def test_only_files_of_the_books_are_written(site: Site) -> None:
    """A default-file that is no books file (the member list beside them) is refused:
    Fava would append an entry to it."""
    head = site.head()
    members = site.books / "leden" / "leden-2025.csv"
    before = members.read_bytes()
    option = '2024-07-02 custom "fava-option" "default-file" "leden/leden-2025.csv"'
    status, body = site.put_source(site.main, site.source(site.main)["source"] + option + "\n")
    assert status == 200, body  # a path inside the books: the option itself is allowed
    head = site.head()
    status, body = site.request("/api/add_entries", "anna", "PUT", _entry_on("2024-12-30", "X"))
    _refused(site, head, status, body, "geen bestand van de boeken")
    assert members.read_bytes() == before
    text = site.source(site.main)["source"].replace(option + "\n", "")
    status, body = site.put_source(site.main, text)
    assert status == 200, body


def test_a_statement_link_to_a_file_outside_the_books_is_not_served(site: Site) -> None:
    entry = _entry_on("2024-12-26", "Met bijlage")
    entry["entries"][0]["meta"] = {"bijlage": "/etc/passwd"}
    status, body = site.request("/api/add_entries", "anna", "PUT", entry)
    assert status == 200, body
    found = next(e for e in site.journal() if e.get("narration") == "Met bijlage")
    status, body = site.request(f"/statement/?entry_hash={found['entry_hash']}&key=bijlage")
    assert status != 200 and "root:" not in body, (status, body[:200])


def test_a_file_that_is_not_of_the_books_cannot_be_edited(site: Site) -> None:
    lock = site.books / "vastgesteld-2023.txt"
    before = lock.read_bytes()
    status, body = site.request("/api/source?filename=" + urllib.parse.quote(str(lock)))
    assert status >= 400
    body = {"file_path": str(lock), "source": "leeg\n", "sha256sum": "x"}
    status, _ = site.request("/api/source", "anna", "PUT", body)
    assert 400 <= status < 500
    assert lock.read_bytes() == before
