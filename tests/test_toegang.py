"""Only the proxy reaches Fava, for real: ``vng serve`` on its Unix socket with the
proxy's secret, ``vng proxy`` (nginx) in front with its login limit, both started
as a user would start them (relative paths, from the folder of the books)."""

from __future__ import annotations

import base64
import collections
import grp
import http.client
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOOKS_DIR
from tests.fava_site import (
    VNG,
    free_port,
    secret,
    unix_request,
    wait_for_port,
    wait_for_socket,
)

BFILE = "vereniging-van-nederlandse-gemeenten"
USERS = {"anna": ("geheim-anna", "boekhouding"), "kees": ("geheim-kees", "accountant")}
ENTRY = {
    "entries": [
        {
            "t": "Transaction",
            "date": "2024-12-30",
            "flag": "*",
            "payee": "Drukkerij Haagland",
            "narration": "Langs de proxy heen",
            "meta": {},
            "tags": [],
            "links": [],
            "postings": [
                {"account": "Lasten:KantoorHuisvesting:Drukwerk", "amount": "1.00 EUR", "meta": {}},
                {
                    "account": "Passiva:Kortlopend:Handelscrediteuren",
                    "amount": "-1.00 EUR",
                    "meta": {},
                },
            ],
        }
    ]
}

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx ontbreekt (make test installeert het)",
)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _books(root: Path) -> Path:
    shutil.copytree(BOOKS_DIR, root / "boeken")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=setup", "-c", "user.email=setup@x", "commit", "-qm", "boeken")
    return root / "boeken"


def _users(path: Path) -> None:
    for name, (password, role) in USERS.items():
        result = subprocess.run(
            [VNG, "gebruiker", name, "--rol", role, "--gebruikers", str(path)],
            input=password + "\n",
            text=True,
            capture_output=True,
        )
        assert result.returncode == 0, result.stderr


def _proxy(root: Path, port: int, runtime: str, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [VNG, "proxy", "--gebruikers", "gebruikers", "--port", str(port), "--runtime", runtime]
        + list(extra),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def site() -> Iterator[dict[str, object]]:
    """The proxy starts first (and makes the secret); Fava follows, both with paths
    relative to the folder they run in. The folder is open to everyone (pytest's own
    are not), so only the runtime folder's permissions keep others out."""
    root = Path(tempfile.mkdtemp(prefix="vng-toegang-"))
    root.chmod(0o755)
    _books(root)
    _users(root / "gebruikers")
    port = free_port()
    proxy = _proxy(root, port, "rt")
    fava = subprocess.Popen(
        [VNG, "serve", "--books", "boeken/main.beancount", "--runtime", "rt"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_socket(root / "rt" / "fava.sock", fava)
        wait_for_port(port, proxy)
        yield {"root": root, "runtime": root / "rt", "port": port, "fava": fava, "proxy": proxy}
    finally:
        _stop(proxy)
        _stop(fava)
        shutil.rmtree(root, ignore_errors=True)


def _login(port: int, user: str, password: str, path: str = "/") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    try:
        connection.request("GET", path, headers={"Authorization": f"Basic {token}"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_relative_books_and_runtime_paths_serve_the_books(site: dict) -> None:  # type: ignore[type-arg]
    status = _login(site["port"], "kees", "geheim-kees", f"/{BFILE}/extension/VngJaarrekening/")
    assert status == 200


@pytest.mark.parametrize("user", ["kees", "anna"])
@pytest.mark.parametrize("given", [None, "", "0" * 64, "fout"])
def test_a_local_process_without_the_secret_gets_403_and_commits_nothing(
    site: dict,  # type: ignore[type-arg]
    user: str,
    given: str | None,
) -> None:
    root, runtime = site["root"], site["runtime"]
    head = _git(root, "rev-parse", "HEAD")
    main = (root / "boeken" / "main.beancount").read_bytes()
    headers = {"X-Remote-User": user}
    if given is not None:
        headers["X-Vng-Proxy"] = given
    sock = runtime / "fava.sock"
    status, body = unix_request(sock, f"/{BFILE}/api/add_entries", "PUT", ENTRY, headers)
    assert status == 403 and "alleen bereikbaar via de proxy" in body
    assert unix_request(sock, f"/{BFILE}/income_statement/", headers=headers)[0] == 403
    assert _git(root, "rev-parse", "HEAD") == head
    assert (root / "boeken" / "main.beancount").read_bytes() == main


def test_with_the_secret_fava_answers(site: dict) -> None:  # type: ignore[type-arg]
    """The counterpart of the refusals: the proxy's secret is what opens Fava."""
    runtime = site["runtime"]
    headers = {"X-Vng-Proxy": secret(runtime)}
    status, _ = unix_request(runtime / "fava.sock", f"/{BFILE}/income_statement/", headers=headers)
    assert status == 200


def _listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table, encoding="ascii") as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                if fields[3] == "0A":  # TCP_LISTEN
                    inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        if target.startswith("socket:["):
            found.add(target[len("socket:[") : -1])
    return found


def _unix_listening(path: Path) -> set[str]:
    with open("/proc/net/unix", encoding="utf-8") as handle:
        next(handle)
        return {f[6] for f in (line.split() for line in handle) if len(f) > 7 and f[7] == str(path)}


def test_fava_listens_on_its_socket_and_on_no_tcp_port(site: dict) -> None:  # type: ignore[type-arg]
    process: subprocess.Popen[bytes] = site["fava"]
    sockets = _socket_inodes(process.pid)
    assert not sockets & _listening_tcp_inodes()
    assert sockets & _unix_listening(site["runtime"] / "fava.sock")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_the_sockets_the_secret_and_the_passwords_are_the_owners_only(site: dict) -> None:  # type: ignore[type-arg]
    runtime: Path = site["runtime"]
    assert _mode(runtime) == 0o700
    assert _mode(runtime / "intern") == 0o700
    for name in ("fava.sock", "fava.geheim", "intern/rollen.sock", "htpasswd", "nginx.conf"):
        assert _mode(runtime / name) == 0o600, name


@pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/bin/python3"),
    reason="een andere gebruiker vraagt root (en /usr/bin/python3)",
)
def test_another_user_cannot_reach_either_socket(site: dict) -> None:  # type: ignore[type-arg]
    runtime: Path = site["runtime"]
    probe = (
        "import socket, sys\n"
        "for path in sys.argv[1:]:\n"
        "    s = socket.socket(socket.AF_UNIX)\n"
        "    try:\n"
        "        s.connect(path)\n"
        "    except PermissionError:\n"
        "        continue\n"
        "    sys.exit('bereikbaar: ' + path)\n"
    )
    result = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c"]
        + [probe, str(runtime / "fava.sock"), str(runtime / "intern" / "rollen.sock")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_a_socket_group_opens_the_socket_to_that_group_only(tmp_path: Path) -> None:
    books = _books(tmp_path)
    group = grp.getgrgid(os.getgid() if os.getgid() != 0 else 65534).gr_name
    runtime = tmp_path / "rt"
    fava = subprocess.Popen(
        [VNG, "serve", "--books", str(books / "main.beancount"), "--runtime", str(runtime)]
        + ["--socket-groep", group],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_socket(runtime / "fava.sock", fava)
        # the socket takes its group right after it listens (inside a folder only that
        # group may enter); the server says it serves once both are set
        assert fava.stderr is not None
        while b"luistert" not in (line := fava.stderr.readline()):
            assert line, "vng serve stopte zonder te luisteren"
        gid = grp.getgrnam(group).gr_gid
        assert (_mode(runtime), runtime.stat().st_gid) == (0o750, gid)
        assert (_mode(runtime / "fava.sock"), (runtime / "fava.sock").stat().st_gid) == (0o660, gid)
        assert _mode(runtime / "fava.geheim") == 0o640
    finally:
        _stop(fava)


def _nginx_of(runtime: Path) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"nginx" in command and str(runtime).encode() in command:
            found.append(int(pid))
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_the_proxy_stops_its_nginx(site: dict, signum: int) -> None:  # type: ignore[type-arg]
    """A second proxy in a folder of its own, in front of the same Fava."""
    root: Path = site["root"]
    runtime = root / f"rt-{signum}"
    port = free_port()
    proxy = _proxy(root, port, runtime.name, "--fava-runtime", "rt")
    try:
        wait_for_port(port, proxy)
        assert _nginx_of(runtime)
        assert _login(port, "kees", "geheim-kees", f"/{BFILE}/income_statement/") == 200
        proxy.send_signal(signum)
        proxy.wait(10)
        for _ in range(50):
            if not _nginx_of(runtime):
                break
            time.sleep(0.1)
        assert _nginx_of(runtime) == []
    finally:
        _stop(proxy)


def test_failed_logins_are_limited_and_logged(site: dict) -> None:  # type: ignore[type-arg]
    """500 wrong passwords as fast as one client can send them; then the right one.
    (Last in this file: the limit holds for the whole address for a moment.)"""
    port = site["port"]
    token = base64.b64encode(b"kees:verkeerd").decode()
    answers: collections.Counter[int] = collections.Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(500):
        connection.request("GET", f"/{BFILE}/", headers={"Authorization": f"Basic {token}"})
        response = connection.getresponse()
        response.read()
        answers[response.status] += 1
    connection.close()
    assert set(answers) <= {401, 429} and answers[429] > 400, answers
    log = (site["runtime"] / "geweigerd.log").read_text(encoding="utf-8")
    assert 'gebruiker="kees" 401' in log
    assert "password mismatch" in (site["runtime"] / "error.log").read_text(encoding="utf-8")
    status = 429
    for _ in range(20):
        time.sleep(0.2)
        status = _login(port, "kees", "geheim-kees", f"/{BFILE}/income_statement/")
        if status != 429:
            break
    assert status == 200
