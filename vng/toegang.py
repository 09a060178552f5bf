"""Only the proxy reaches Fava.

``vng serve`` listens on one Unix socket, ``RUNTIME/fava.sock``, and on no TCP port.
The socket is mode 0600 (0660 with ``--socket-groep``, for an nginx that runs as
another user) in a folder of mode 0700 (0750). On top of the file permissions, the
proxy proves itself with a secret: the first of ``vng serve`` and ``vng proxy`` to
start writes 32 random bytes (hex) to ``RUNTIME/fava.geheim``, the other reads them;
nginx sends the secret as ``X-Vng-Proxy`` and :class:`ProxyOnly` refuses, with 403,
every request without it. So ``X-Remote-User`` (the author of each change) is only
ever taken from the proxy, after it has checked the password and the role.
"""

from __future__ import annotations

import contextlib
import grp
import hmac
import os
import secrets
import signal
import socket
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

RUNTIME = ".proxy"
SOCKET = "fava.sock"
SECRET = "fava.geheim"
SECRET_HEADER = "X-Vng-Proxy"
_ENVIRON_KEY = "HTTP_" + SECRET_HEADER.upper().replace("-", "_")
_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes, the last a NUL
REFUSED = (
    b"403 Geweigerd: Fava is alleen bereikbaar via de proxy (vng proxy), "
    b"met wachtwoord en rol.\n"
)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class ToegangError(Exception):
    """The runtime folder, its socket or its secret cannot be set up."""


def group_id(group: str | None) -> int | None:
    if group is None:
        return None
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ToegangError(f"groep {group!r} bestaat niet") from None


def runtime_folder(path: str, group: str | None = None) -> Path:
    """Create ``path`` (0700, or 0750 owned by ``group``) or tighten an existing one."""
    folder = Path(path).resolve()
    gid = group_id(group)
    mode = 0o750 if gid is not None else 0o700
    folder.mkdir(mode=mode, parents=True, exist_ok=True)
    if gid is not None:
        os.chown(folder, -1, gid)
    os.chmod(folder, mode)
    return folder


def _write_new_secret(path: Path, gid: int | None) -> str:
    """Create ``path`` with a fresh secret; FileExistsError when another process won."""
    value = secrets.token_hex(32)
    # The secret is written whole to a private temporary file and linked into place,
    # so a reader never sees half of it; link fails when the secret already exists.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(value + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if gid is not None:
            os.chown(temporary, -1, gid)
            os.chmod(temporary, 0o640)
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return value


def shared_secret(folder: Path, group: str | None = None, wait: float = 0.0) -> str:
    """The secret in ``folder/fava.geheim``: read it, or create it when absent.

    A proxy that may not write in the folder of ``vng serve`` waits up to ``wait``
    seconds for ``vng serve`` to create it."""
    path = folder / SECRET
    gid = group_id(group)
    deadline = time.monotonic() + wait
    while True:
        with contextlib.suppress(FileNotFoundError):
            return _read_secret(path)
        try:
            return _write_new_secret(path, gid)
        except FileExistsError:
            continue
        except (PermissionError, FileNotFoundError):
            if time.monotonic() >= deadline:
                raise ToegangError(
                    f"{path}:0: geen geheim; start vng serve met --runtime {folder}"
                ) from None
            time.sleep(0.1)


def _read_secret(path: Path) -> str:
    info = path.stat()
    if info.st_mode & stat.S_IRWXO:
        raise ToegangError(f"{path}:0: het geheim is leesbaar voor iedereen (chmod 600)")
    value = path.read_text(encoding="ascii").strip()
    if len(value) != 64:
        raise ToegangError(f"{path}:0: geen geldig geheim (verwijder het bestand)")
    return value


class ProxyOnly:
    """WSGI middleware: a request without the proxy's secret gets 403.

    With the secret the request passes, without the secret header itself; without it
    nothing of the request (``X-Remote-User`` included) reaches Fava."""

    def __init__(self, app: WsgiApp, secret: str) -> None:
        self.app = app
        self.secret = secret.encode("ascii")

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        given = str(environ.pop(_ENVIRON_KEY, "")).encode("latin-1", "replace")
        if not hmac.compare_digest(given, self.secret):
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            start_response("403 Forbidden", [*headers, ("Content-Length", str(len(REFUSED)))])
            return [REFUSED]
        return self.app(environ, start_response)


def _already_served(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as probe:
        return probe.connect_ex(str(path)) == 0


def run(app: Any, runtime: str, group: str | None = None) -> None:
    """Serve the Flask ``app`` on ``runtime/fava.sock`` only, behind :class:`ProxyOnly`."""
    from werkzeug.serving import make_server

    folder = runtime_folder(runtime, group)
    path = folder / SOCKET
    if len(os.fsencode(path)) > _SOCKET_PATH_MAX:
        raise ToegangError(f"{path}:0: pad te lang voor een socket (kies een kortere --runtime)")
    if _already_served(path):
        raise ToegangError(f"{path}:0: er draait hier al een vng serve")
    secret = shared_secret(folder, group)
    gid = group_id(group)
    mode = 0o660 if gid is not None else 0o600
    # The socket is created with its final mode: no moment in which others may connect.
    previous = os.umask(0o777 & ~mode)
    try:
        server = make_server(f"unix://{path}", 0, ProxyOnly(app.wsgi_app, secret), threaded=True)
    finally:
        os.umask(previous)
    if gid is not None:
        os.chown(path, -1, gid)
    os.chmod(path, mode)
    signal.signal(signal.SIGTERM, _interrupt)
    sys.stderr.write(f"vng serve: Fava luistert op unix:{path} (alleen voor vng proxy)\n")
    try:
        server.serve_forever()
    finally:
        path.unlink(missing_ok=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
