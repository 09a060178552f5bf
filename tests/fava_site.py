"""The Fava site of the tests: ``vng serve`` and ``vng proxy`` on a copy of the books in
a git repository of its own, with users (``start_site``), as every test of the real
stack starts it; HTTP over Fava's Unix socket (as the proxy does, or as any local
process could) and waiting for it."""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

VNG = str(Path(sys.executable).with_name("vng"))
BFILE = "vereniging-van-nederlandse-gemeenten"  # Fava's name for the Vereniging's books
USERS = {"anna": ("geheim-anna", "boekhouding"), "kees": ("geheim-kees", "accountant")}
NEEDS_NGINX = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx ontbreekt (make test installeert het)",
)


def entry(narration: str, amount: str = "120.00", day: str = "2024-12-30") -> dict[str, object]:
    """A purchase on account (drukwerk against the creditors) as Fava's API takes it."""
    return {
        "t": "Transaction",
        "date": day,
        "flag": "*",
        "payee": "Drukkerij Haagland",
        "narration": narration,
        "meta": {},
        "tags": [],
        "links": [],
        "postings": [
            {
                "account": "Lasten:KantoorHuisvesting:Drukwerk",
                "amount": f"{amount} EUR",
                "meta": {},
            },
            {
                "account": "Passiva:Kortlopend:Handelscrediteuren",
                "amount": f"-{amount} EUR",
                "meta": {},
            },
        ],
    }


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float = 60) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def unix_request(
    path: Path,
    url: str,
    method: str = "GET",
    body: object | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str]:
    """One request to the HTTP server on the Unix socket ``path``."""
    data = json.dumps(body).encode() if body is not None else None
    sent = dict(headers or {})
    if data is not None:
        sent["Content-Type"] = "application/json"
    connection = UnixConnection(str(path))
    try:
        connection.request(method, url, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def secret(runtime: Path) -> str:
    return (runtime / "fava.geheim").read_text(encoding="ascii").strip()


def wait_for_socket(path: Path, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gestopt met {process.returncode}")
        with socket.socket(socket.AF_UNIX) as probe:
            if path.exists() and probe.connect_ex(str(path)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(path)


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gestopt met {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def commit_all(root: Path) -> None:
    """``root`` a git repository with everything in it committed."""
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=setup", "-c", "user.email=setup@x", "commit", "-qm", "boeken")


def add_users(path: Path, users: dict[str, tuple[str, str]]) -> None:
    """Each user (name -> (password, role)) in the password file ``path``."""
    for name, (password, role) in users.items():
        result = subprocess.run(
            [VNG, "gebruiker", name, "--rol", role, "--gebruikers", str(path)],
            input=password + "\n",
            text=True,
            capture_output=True,
        )
        assert result.returncode == 0, result.stderr


@dataclass
class Served:
    """A running ``vng serve`` and ``vng proxy``."""

    fava: subprocess.Popen[bytes]
    proxy: subprocess.Popen[bytes]
    port: int
    runtime: Path

    def url(self, books: str) -> str:
        return f"http://127.0.0.1:{self.port}/{books}"

    def stop(self) -> None:
        for process in (self.proxy, self.fava):
            if process.poll() is None:
                process.terminate()
                process.wait(10)


def start_site(
    root: Path,
    books: str,
    users: dict[str, tuple[str, str]],
    *,
    group: str | None = None,
    runtime: str | None = None,
    proxy_first: bool = False,
    fava_stderr: int | IO[bytes] = subprocess.DEVNULL,
    before_fava: Callable[[], None] | None = None,
) -> Served:
    """``vng gebruiker`` for each user, then ``vng serve`` on ``books`` and ``vng proxy``,
    run in ``root`` with the paths as given (relative to ``root``, or absolute; the
    runtime folder by default ``root/proxy``); returns when both answer.
    ``proxy_first``: the proxy starts first and makes the secret."""
    runtime = runtime or str(root / "proxy")
    add_users(root / "gebruikers", users)
    port = free_port()
    serve = [VNG, "serve", "--books", books, "--runtime", runtime]
    serve += ["--groep", group] if group else []
    proxy_command = [VNG, "proxy", "--gebruikers", "gebruikers", "--port", str(port)]
    proxy_command += ["--runtime", runtime]

    def start_proxy() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            proxy_command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    proxy = start_proxy() if proxy_first else None
    fava = subprocess.Popen(
        serve, cwd=root, stdout=subprocess.DEVNULL, stderr=fava_stderr, preexec_fn=before_fava
    )
    if proxy is None:
        proxy = start_proxy()
    served = Served(fava, proxy, port, root / runtime)
    try:
        wait_for_socket(served.runtime / "fava.sock", fava)
        wait_for_port(port, proxy)
    except BaseException:
        served.stop()
        raise
    return served


def http(
    url: str,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    login: tuple[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, str]:
    """One request over TCP (through the proxy), with a basic-auth ``login`` (user,
    password) when given: the status and the body, also of an error."""
    request = urllib.request.Request(url, data=data, method=method)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    if login:
        token = base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
