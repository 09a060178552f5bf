"""The auditfiles: XAF 4.0 for every entity of the group, validated twice (the official
XSD, and read back by pyxaf, an independent implementation), its trial balance equal to
the product's per account; what the books must hold for it (an RGS code per account, a
KvK and BTW number per entity); who booked each transaction; XAF 3.2 on request."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import pyxaf
from beancount.core.data import Transaction
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from statements.grootboek import build_grootboek
from statements.render import xaf as xaf32
from statements.render.auditfile import (
    AuditfileError,
    Validation,
    Writer,
    clean,
    write_auditfile,
)
from statements.render.xaf40 import NS, XSD
from tests.conftest import ROOT, vng
from vng.auteurs import Auteurs
from vng.voortgang import Melding
from vng_accounts.books import load_books

X = {"x": NS}
LEDGER = ROOT / "ledger"
GROUP = LEDGER / "groep" / "groep.beancount"
VERENIGING = "auditfile-vereniging-van-nederlandse-gemeenten-2024.xaf"


def _jaarverslag(books: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["jaarverslag", "--year", "2024", "--books", str(books), "--out", str(out), *extra]
    return vng(*args)


@pytest.fixture(scope="module")
def auditfiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xaf")
    result = _jaarverslag(LEDGER / "vereniging" / "main.beancount", out)
    assert result.returncode == 0, result.stderr
    return out


def _entity_books() -> dict[str, str]:
    """entity name -> its books' main file, from the group file."""
    text = GROUP.read_text(encoding="utf-8")
    found = re.findall(r'custom "vng-groepsentiteit" "\w+" "([^"]+)"\n  naam: "([^"]+)"', text)
    return {name: str((GROUP.parent / path).resolve()) for path, name in found}


def test_ten_auditfiles_in_xaf_40_valid_against_the_xsd(auditfiles: Path) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    paths = sorted(auditfiles.glob("auditfile-*-2024.xaf"))
    assert len(paths) == 10
    for path in paths:
        document = etree.parse(str(path))
        assert document.getroot().tag == f"{{{NS}}}auditfile", path.name
        assert schema.validate(document), (path.name, schema.error_log.last_error)


def test_pyxaf_reads_every_auditfile_without_errors(auditfiles: Path) -> None:
    for path in sorted(auditfiles.glob("auditfile-*-2024.xaf")):
        report = pyxaf.validate(str(path), xsd=True)
        assert report.ok and not list(report.errors), (path.name, list(report.errors)[:5])
        with pyxaf.open(str(path)) as af:
            assert af.version == "4.0", path.name


def test_pyxaf_trial_balance_equals_the_products_per_account(auditfiles: Path) -> None:
    """Read back by pyxaf: control totals and, per account, opening balance plus the
    year's lines equal the product's proefbalans (``Grootboek.closing``) to the cent."""
    books_of = _entity_books()
    for path in sorted(auditfiles.glob("auditfile-*-2024.xaf")):
        with pyxaf.open(str(path)) as af:
            name = af.company.name
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for account, amount in af.opening_balance().by_account().items():
                totals[account] += amount
            debit = credit = Decimal(0)
            count = 0
            for transaction in af.transactions():
                assert transaction.balanced, (path.name, transaction.number)
                for line in transaction.lines:
                    assert line.signed_amount is not None
                    totals[str(line.account_id)] += line.signed_amount
                    debit += max(line.signed_amount, Decimal(0))
                    credit += max(-line.signed_amount, Decimal(0))
                    count += 1
        root = etree.parse(str(path)).getroot()
        assert int(root.findtext(".//x:transactions/x:linesCount", namespaces=X)) == count
        assert Decimal(root.findtext(".//x:transactions/x:totalDebit", namespaces=X)) == debit
        assert Decimal(root.findtext(".//x:transactions/x:totalCredit", namespaces=X)) == credit
        books = load_books(books_of[name])
        assert books.errors == ()
        ledger = build_grootboek(books, 2024)
        numbers = {a.account: a.number for a in ledger.accounts}
        product = {numbers[a]: v for a, v in ledger.closing().items() if v}
        assert {a: v for a, v in totals.items() if v} == product, path.name


def test_every_account_has_a_readable_number_and_an_rgs_code(auditfiles: Path) -> None:
    for path in sorted(auditfiles.glob("auditfile-*-2024.xaf")):
        root = etree.parse(str(path)).getroot()
        assert root.findtext(".//x:header/x:RGSVersion", namespaces=X), path.name
        for account in root.iterfind(".//x:ledgerAccount", X):
            number = account.findtext("x:accID", namespaces=X)
            assert re.fullmatch(r"\d{4}", number), (path.name, number)
            assert re.fullmatch(r"[BW]\w+", account.findtext("x:RGScode", namespaces=X))


def test_company_has_its_kvk_and_btw_number(auditfiles: Path) -> None:
    for path in sorted(auditfiles.glob("auditfile-*-2024.xaf")):
        root = etree.parse(str(path)).getroot()
        assert root.findtext(".//x:company/x:Commercenr", namespaces=X), path.name
        assert root.findtext(".//x:company/x:taxRegIdent", namespaces=X), path.name
    root = etree.parse(str(auditfiles / VERENIGING)).getroot()
    assert root.findtext(".//x:company/x:Commercenr", namespaces=X) == "40409418"


def test_vereniging_has_the_gemeenten_as_customers_and_a_user_on_every_transaction(
    auditfiles: Path,
) -> None:
    root = etree.parse(str(auditfiles / VERENIGING)).getroot()
    customers = {
        c.findtext("x:custSupID", namespaces=X): c
        for c in root.iterfind(".//x:customerSupplier", X)
        if c.findtext("x:custSupTp", namespaces=X) in ("C", "B")
    }
    for gemeente in ("Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht", "Eindhoven"):
        assert gemeente in customers, gemeente
    amsterdam = customers["Amsterdam"]
    assert amsterdam.findtext("x:clBalDesc", namespaces=X) == "907925.61"
    assert amsterdam.findtext("x:clBalTp", namespaces=X) == "D"
    # the contributie invoice: on the debiteuren line the customer and the invoice
    invoiced = [
        line
        for line in root.iterfind(".//x:trLine", X)
        if line.findtext("x:custSupID", namespaces=X) == "Amsterdam"
    ]
    assert any(
        line.findtext("x:invRef", namespaces=X) == "contributie/2025/GM0363"
        and line.findtext("x:docRef", namespaces=X) == "contributie/2025/GM0363"
        for line in invoiced
    )
    authors = set(
        subprocess.run(
            ["git", "-C", str(ROOT), "log", "--format=%an", "--", "ledger"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    )
    transactions = list(root.iterfind(".//x:transaction", X))
    assert transactions
    for transaction in transactions:
        user = transaction.findtext("x:User", namespaces=X)
        assert user and user in authors, (transaction.findtext("x:nr", namespaces=X), user)
        assert re.fullmatch(
            r"[\w.-]+\.beancount:\d+", transaction.findtext("x:Source", namespaces=X)
        )
    journals = {j.findtext("x:jrnTp", namespaces=X) for j in root.iterfind(".//x:journal", X)}
    assert {"B", "S", "P", "Y", "M"} <= journals


def test_dochters_have_their_journals(auditfiles: Path) -> None:
    path = auditfiles / "auditfile-vng-realisatie-b-v-2024.xaf"
    root = etree.parse(str(path)).getroot()
    journals = {j.findtext("x:jrnTp", namespaces=X) for j in root.iterfind(".//x:journal", X)}
    assert {"B", "S", "P"} <= journals


# --- what the books must hold -------------------------------------------------------


def _remove_line(path: Path, pattern: str) -> int:
    """Remove the first metadata line matching ``pattern``; return the line number of
    the entry it belonged to (the line above the entry's metadata)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if re.match(pattern, line):
            entry = index
            while lines[entry].startswith(" "):
                entry -= 1
            del lines[index]
            path.write_text("\n".join(lines), encoding="utf-8")
            return entry + 1
    raise AssertionError(pattern)


def _group_refused(tmp_path: Path, entity: str, pattern: str) -> tuple[Path, int, str]:
    """The group's books with the line ``pattern`` of ``entity`` removed: the
    jaarverslag refuses and writes nothing. Returns the file, the line and the errors."""
    shutil.copytree(LEDGER, tmp_path / "ledger")
    books = tmp_path / "ledger" / entity / "main.beancount"
    line = _remove_line(books, pattern)
    out = tmp_path / "uit"
    main = tmp_path / "ledger" / "vereniging" / "main.beancount"
    result = _jaarverslag(main, out, "--groep", str(tmp_path / "ledger/groep/groep.beancount"))
    assert result.returncode != 0
    assert not out.exists() or not list(out.iterdir())
    return books, line, result.stderr


def test_an_account_without_rgs_code_is_an_error_at_its_open(tmp_path: Path) -> None:
    chart, line, errors = _group_refused(tmp_path, "realisatie", r'  rgs: "BLimBanRba"')
    expected = f"{chart}:{line}: rekening Activa:LiquideMiddelen:Bank: geen geldige RGS-code"
    assert expected in errors, errors


def test_an_entity_without_kvk_number_is_an_error_naming_the_setting(tmp_path: Path) -> None:
    books, line, errors = _group_refused(tmp_path, "diensten", r"  kvk: ")
    assert f"{books}:{line}: " in errors and "instelling kvk" in errors, errors


def test_the_vereniging_without_btw_number_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "boeken"
    shutil.copytree(LEDGER / "vereniging", target)
    settings = target / "instellingen.beancount"
    line = _remove_line(settings, r"  btw: ")
    result = _jaarverslag(target / "main.beancount", tmp_path / "uit")
    assert result.returncode != 0
    assert f"{settings}:{line}: " in result.stderr and "instelling btw" in result.stderr


def test_xaf_32_on_request(tmp_path: Path) -> None:
    target = tmp_path / "boeken"
    shutil.copytree(LEDGER / "vereniging", target)
    result = _jaarverslag(target / "main.beancount", tmp_path / "uit", "--xaf", "3.2")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "uit" / VERENIGING
    schema = etree.XMLSchema(etree.parse(str(xaf32.XSD)))
    document = etree.parse(str(path))
    assert document.getroot().tag == f"{{{xaf32.NS}}}auditfile"
    assert schema.validate(document)
    assert pyxaf.validate(str(path), xsd=True).ok


# --- who booked it --------------------------------------------------------------------


def _git(folder: Path, *args: str, author: str = "", date: str = "") -> None:
    env = dict(os.environ)
    if author:
        env.update(
            GIT_AUTHOR_DATE=date,
            GIT_AUTHOR_NAME=author,
            GIT_AUTHOR_EMAIL=f"{author}@vng.test",
            GIT_COMMITTER_NAME=author,
            GIT_COMMITTER_EMAIL=f"{author}@vng.test",
        )
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, capture_output=True)


def test_the_user_is_the_author_who_changed_the_lines_last(tmp_path: Path) -> None:
    books = tmp_path / "boeken.beancount"
    books.write_text("regel 1\nregel 2\nregel 3\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "boeken.beancount")
    _git(tmp_path, "commit", "-q", "-m", "eerste", author="anna", date="2024-01-02T10:00:00")
    books.write_text("regel 1\nregel 2 gewijzigd\nregel 3\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "tweede", author="kees", date="2024-02-03T10:00:00")
    books.write_text("regel 1\nregel 2 gewijzigd\nregel 3 niet vastgelegd\n", encoding="utf-8")
    auteurs = Auteurs()
    assert auteurs(str(books), [1]) == "anna"
    assert auteurs(str(books), [1, 2]) == "kees"  # the last change of its lines
    assert auteurs(str(books), [3]) == ""  # not committed: no author
    assert auteurs(str(tmp_path / "elders.beancount"), [1]) == ""


def test_each_line_has_the_author_git_blame_gives_it(tmp_path: Path) -> None:
    """Runs of lines from several commits, interleaved, and lines not committed: per
    line the author and time that git's own line-by-line blame prints."""
    books = tmp_path / "boeken.beancount"
    lines = [f"regel {n}" for n in range(1, 41)]
    books.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "boeken.beancount")
    _git(tmp_path, "commit", "-q", "-m", "0", author="anna", date="2024-01-02T10:00:00")
    for step, author in enumerate(["kees", "anna", "joke", "kees"], start=1):
        lines = [
            f"{t} {author}" if 0 < n < 25 and n % (step + 1) == 0 else t
            for n, t in enumerate(lines)
        ]
        books.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _git(
            tmp_path,
            "commit",
            "-q",
            "-am",
            str(step),
            author=author,
            date=f"2024-0{step + 1}-03T10:00:00",
        )
    lines[7] += " niet vastgelegd"
    books.write_text("\n".join(lines) + "\n", encoding="utf-8")
    porcelain = subprocess.run(
        ["git", "-C", str(tmp_path), "blame", "--line-porcelain", "boeken.beancount"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    authors = re.findall(r"^author (.*)$", porcelain, re.MULTILINE)
    times = [int(t) for t in re.findall(r"^author-time (\d+)$", porcelain, re.MULTILINE)]
    assert len(authors) == len(lines) and len(set(authors)) == 4  # three and "Not Committed Yet"
    auteurs = Auteurs()
    auteurs.start([str(books)])
    for line, (author, when) in enumerate(zip(authors, times, strict=True), start=1):
        committed = author != "Not Committed Yet"
        assert auteurs(str(books), [line]) == (author if committed else ""), line
        assert auteurs.tijd(str(books), [line]) == (when if committed else 0), line


def test_a_full_build_blames_each_file_of_the_books_once_while_loading_them(
    tmp_path: Path,
) -> None:
    """git, the real one behind a shim that notes each blame, is asked for every file
    of the books once, and each blame starts before the books' load ends."""
    from vng.build import Taak, compute

    target = tmp_path / "boeken"
    shutil.copytree(LEDGER / "vereniging", target)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "boeken", author="anna", date="2024-01-02T10:00:00")
    shim = tmp_path / "bin"
    shim.mkdir()
    log = tmp_path / "git.log"
    real = shutil.which("git")
    (shim / "git").write_text(
        f'#!/bin/sh\ncase " $* " in *" blame "*) echo "$(date +%s.%N) $*" >> {log};; esac\n'
        f'exec {real} "$@"\n',
        encoding="utf-8",
    )
    (shim / "git").chmod(0o755)
    phases: list[tuple[str, float]] = []

    def melden(melding: Melding) -> None:
        if melding.seconden is not None:  # a phase that ended
            phases.append((melding.fase, time.time()))

    path = os.environ["PATH"]
    os.environ["PATH"] = f"{shim}:{path}"
    try:
        main = target / "main.beancount"
        result = compute(
            Taak("vereniging", str(main), 2024, full=True, staging=str(tmp_path)), melden
        )
    finally:
        os.environ["PATH"] = path
    assert not result.errors, result.errors
    loaded = dict(phases)["laden"]
    blamed = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    files = sorted(os.path.join(target, line[-1]) for line in blamed)
    booked = {
        e.meta["filename"] for e in load_books(str(main)).entries if isinstance(e, Transaction)
    }
    assert files == sorted(set(files)), "a file blamed twice"
    assert booked <= set(files), booked - set(files)
    assert all(float(line[0]) < loaded for line in blamed)


def test_books_outside_git_have_user_onbekend(tmp_path: Path) -> None:
    target = tmp_path / "boeken"
    shutil.copytree(LEDGER / "vereniging", target)
    result = _jaarverslag(target / "main.beancount", tmp_path / "uit")
    assert result.returncode == 0, result.stderr
    root = etree.parse(str(tmp_path / "uit" / VERENIGING)).getroot()
    users = {t.findtext("x:User", namespaces=X) for t in root.iterfind(".//x:transaction", X)}
    assert users == {"onbekend"}


def _children_running(script: str) -> list[int]:
    """The processes of this test run whose command line runs ``script``."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and any(part.endswith(script.encode()) for part in cmdline):
            found.append(int(pid))
    return found


def _body(first: str, filler: int = 0) -> Callable[[Writer], None]:
    """A body that writes ``first`` and then ``filler`` bytes of comment."""

    def body(w: Writer) -> None:
        w.write(first)
        for _ in range(filler // 65536):
            w.write("<!--" + "x" * 65529 + "-->")

    return body


def test_a_file_against_the_schema_is_an_error_naming_the_version_and_the_element(
    tmp_path: Path,
) -> None:
    """A file is validated by a process of its own: its error is the one of the
    auditfile validated in this process when it is returned whole."""
    wrong = _body("<bogus/>")
    with pytest.raises(AuditfileError) as written:
        write_auditfile(str(tmp_path / "a.xaf"), NS, XSD, "4.0", wrong)
    with pytest.raises(AuditfileError) as whole:
        write_auditfile(None, NS, XSD, "4.0", wrong)
    assert str(written.value).startswith("auditfile voldoet niet aan XAF 4.0: ")
    assert "bogus': This element is not expected" in str(written.value)
    assert str(written.value).split("(")[0] == str(whole.value).split("(")[0]


def test_a_validation_runs_beside_until_waited_for(tmp_path: Path) -> None:
    target = str(tmp_path / "a.xaf")
    write_auditfile(target, NS, XSD, "4.0", _body("<bogus/>"), validated=False)
    validation = Validation(target, NS, XSD, "4.0")
    assert _children_running("xafcheck.py") == [validation.process.pid]
    with pytest.raises(AuditfileError, match="bogus"):
        validation.wait()
    assert not _children_running("xafcheck.py")


def test_a_validation_stopped_leaves_no_process_behind(tmp_path: Path) -> None:
    target = str(tmp_path / "a.xaf")
    write_auditfile(target, NS, XSD, "4.0", _body("", 64 << 20), validated=False)
    validation = Validation(target, NS, XSD, "4.0")
    validation.stop()
    assert validation.process.returncode == -signal.SIGKILL  # stopped, not finished
    assert not _children_running("xafcheck.py")


@given(
    st.text(alphabet=st.characters(exclude_categories=())), st.one_of(st.none(), st.integers(1, 40))
)
def test_clean_keeps_exactly_what_xml_carries(text: str, limit: int | None) -> None:
    """Its quick way for printable text gives what the full pattern gives."""
    expected = re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)
    assert clean(text, limit) == (expected[:limit] if limit else expected)
    etree.fromstring(f"<a>{escape(clean(text))}</a>".encode())  # and XML reads it


def _running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (not ended, not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_validation_stops_when_its_build_is_gone(tmp_path: Path) -> None:
    """A build killed while its auditfile is validated leaves no validator reading on:
    it stops within moments, long before it would have read the file to its end."""
    target = tmp_path / "a.xaf"
    with target.open("w") as handle:  # about five seconds of reading
        handle.write(f'<auditfile xmlns="{NS}">' + "<transaction/>" * 6_000_000 + "</auditfile>")
    program = (
        "import sys, time\n"
        "from statements.render.auditfile import Validation\n"
        "from statements.render.xaf40 import NS, XSD\n"
        "validation = Validation(sys.argv[1], NS, XSD, '4.0')\n"
        "print(validation.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    build = subprocess.Popen(
        [sys.executable, "-c", program, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert build.stdout is not None
    validator = int(build.stdout.readline())
    time.sleep(0.3)
    assert _running(validator)
    build.kill()
    build.wait()
    deadline = time.monotonic() + 2
    while _running(validator) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(validator)
