"""``vng proxy``: nginx in front of Fava, with password authentication and two roles.

- **boekhouding** reads and writes;
- **accountant** reads only: every request other than GET/HEAD is refused, and so are
  the import page, the raw source editor and the API calls that write or extract.

Users live in one file, a line per user: ``naam:wachtwoord-hash:rol`` (the hash in
the apr1 format of ``openssl passwd -apr1``; nginx reads the first two fields).
``vng gebruiker`` adds or replaces a user. The proxy passes the authenticated name to
Fava as ``X-Remote-User``, which ``vng serve`` records as the author of each change;
Fava takes it only together with the secret of ``vng.toegang``, which nginx
adds on its way to Fava's socket.

For real use put TLS in front (or give nginx a certificate: see the README); this
command listens on the loopback address.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from vng.toegang import SECRET_HEADER, SOCKET, ToegangError, shared_secret

ROLES = ("boekhouding", "accountant")
# Requests with a password, per address: enough for Fava's pages and their assets
# (a page load is some 25 requests), and a guesser gets 5 tries a second at most.
LOGIN_RATE = "5r/s"
LOGIN_BURST = 60
SECRET_WAIT = 30.0  # seconds the proxy waits for vng serve to write the secret
PR_SET_PDEATHSIG = 1
_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
# What an accountant may not reach, even with GET: the editor, the import page and
# the API calls that show or change the source or run importers.
READ_ONLY_REFUSED = (
    r"/(editor|import)/|/api/(source|source_slice|extract|upload_import_file|"
    r"move|delete|add_entries|payee_transaction|attach)"
)


def read_users(path: str) -> dict[str, tuple[str, str]]:
    users: dict[str, tuple[str, str]] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                parts = line.rstrip("\n").split(":")
                if len(parts) != 3 or parts[2] not in ROLES:
                    raise ValueError(f"{path}:{lineno}: verwacht naam:hash:rol")
                users[parts[0]] = (parts[1], parts[2])
    return users


def add_user(path: str, name: str, password: str, role: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"gebruikersnaam {name!r}: kleine letters, cijfers, . _ -")
    if role not in ROLES:
        raise ValueError(f"rol {role!r}: een van {', '.join(ROLES)}")
    hashed = subprocess.run(
        ["openssl", "passwd", "-apr1", "-stdin"],
        input=password,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    users = read_users(path)
    users[name] = (hashed, role)
    text = "".join(f"{n}:{h}:{r}\n" for n, (h, r) in sorted(users.items()))
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def nginx_config(
    runtime: str, port: int, fava: str, secret: str, users: dict[str, tuple[str, str]]
) -> str:
    """Two servers: the first authenticates (a password per user) and passes the
    verified name on; the second, reachable only over a socket in ``runtime/intern``,
    applies the role of that name and hands the request to Fava's socket in ``fava``
    with the secret that Fava asks of the proxy. Authorisation thus runs after
    authentication, never on an unverified Authorization header.

    Requests that carry a password are limited per address (``LOGIN_RATE``, with a
    burst for a page's assets): beyond it nginx answers 429 without checking the
    password, so guessing is slow whatever the answers. Every refused password is
    written to ``runtime/geweigerd.log`` with the name that was tried."""
    roles = "\n".join(f'        "{name}" "{role}";' for name, (_, role) in sorted(users.items()))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {runtime}/nginx.pid;
error_log {runtime}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log {runtime}/access.log;
    log_format vng_geweigerd '$time_iso8601 $remote_addr gebruiker="$remote_user" '
                             '$status "$request_method $request_uri"';
    client_body_temp_path {runtime}/body;
    proxy_temp_path {runtime}/proxy;
    fastcgi_temp_path {runtime}/fastcgi;
    uwsgi_temp_path {runtime}/uwsgi;
    scgi_temp_path {runtime}/scgi;
    client_max_body_size 20m;
    # a change is answered once the books after it are checked in full: at a million
    # posting lines that takes longer than nginx's default minute, and the user would
    # be told the request timed out while the change went on behind it
    proxy_read_timeout 600s;
    proxy_send_timeout 600s;
    map $http_authorization $vng_inlog_adres {{
        "" "";
        default $binary_remote_addr;
    }}
    limit_req_zone $vng_inlog_adres zone=vng_inlog:1m rate={LOGIN_RATE};
    limit_req_status 429;
    map $http_x_remote_user $vng_rol {{
        default "";
{roles}
    }}
    map "$vng_rol $request_method" $vng_methode_geweigerd {{
        default 1;
        "~^boekhouding " 0;
        "~^accountant (GET|HEAD)$" 0;
    }}
    map "$vng_rol $uri" $vng_pad_geweigerd {{
        default 0;
        "~^accountant .*({READ_ONLY_REFUSED})" 1;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            auth_basic "Boeken VNG";
            auth_basic_user_file {runtime}/htpasswd;
            limit_req zone=vng_inlog burst={LOGIN_BURST} nodelay;
            error_page 401 = @geweigerd;
            proxy_set_header X-Remote-User $remote_user;
            proxy_set_header X-Vng-Proxy "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_pass http://unix:{runtime}/intern/rollen.sock;
        }}
        location @geweigerd {{
            access_log {runtime}/geweigerd.log vng_geweigerd if=$http_authorization;
            access_log {runtime}/access.log;
            return 401;
        }}
    }}
    server {{
        listen unix:{runtime}/intern/rollen.sock;
        location / {{
            if ($vng_methode_geweigerd) {{ return 403; }}
            if ($vng_pad_geweigerd) {{ return 403; }}
            proxy_set_header X-Remote-User $http_x_remote_user;
            proxy_set_header {SECRET_HEADER} "{secret}";
            proxy_set_header Host $host;
            proxy_pass http://unix:{fava}/{SOCKET}:;
        }}
    }}
}}
"""


def prepare(runtime: str, port: int, users_file: str, fava_runtime: str | None = None) -> str:
    """Write the configuration and the password file into ``runtime`` (0700, nginx's
    own sockets in ``runtime/intern``, 0700 too); the secret is read from (or made in)
    ``fava_runtime``, the runtime folder of ``vng serve`` (default: ``runtime``)."""
    users = read_users(users_file)
    if not users:
        raise ValueError(f"{users_file}:0: geen gebruikers; voeg ze toe met vng gebruiker")
    folder = _private_folder(Path(runtime))
    _private_folder(folder / "intern")
    fava = folder if fava_runtime is None else Path(fava_runtime).resolve()
    try:
        secret = shared_secret(fava, wait=SECRET_WAIT)
    except ToegangError as exc:
        raise ValueError(str(exc)) from None
    htpasswd = "".join(f"{name}:{hashed}\n" for name, (hashed, _) in sorted(users.items()))
    _write_private(folder / "htpasswd", htpasswd)
    config = folder / "nginx.conf"
    _write_private(config, nginx_config(str(folder), port, str(fava), secret, users))
    return str(config)


def _private_folder(path: Path) -> Path:
    """``path`` created 0700; an existing one loses every right of others."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = path.resolve()
    os.chmod(folder, stat.S_IMODE(folder.stat().st_mode) & ~stat.S_IRWXO)
    return folder


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if not found:
        raise ValueError("nginx niet gevonden (Debian-pakket nginx-light)")
    return found


def _dies_with(parent: int) -> Callable[[], None]:
    """For ``preexec_fn``: the child gets SIGTERM when ``parent`` dies, even by kill -9."""

    def arrange() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            os._exit(127)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return arrange


def run(runtime: str, port: int, users_file: str, fava_runtime: str | None = None) -> int:
    """nginx in the foreground; SIGTERM and SIGINT stop it, and so does our death."""
    config = prepare(runtime, port, users_file, fava_runtime)
    folder = Path(config).parent
    socket = folder / "intern" / "rollen.sock"
    socket.unlink(missing_ok=True)
    nginx = subprocess.Popen(
        # -e: the startup log in the runtime folder too, not in /var/log (not ours)
        [nginx_binary(), "-p", str(folder), "-e", str(folder / "error.log"), "-c", config]
        + ["-g", "daemon off;"],
        preexec_fn=_dies_with(os.getpid()),
    )
    for signum in (signal.SIGTERM, signal.SIGINT):  # nginx: both a fast shutdown
        signal.signal(signum, lambda signum, frame: nginx.send_signal(signum))
    _make_private(socket, nginx)
    return nginx.wait()


def _make_private(socket: Path, nginx: subprocess.Popen[bytes]) -> None:
    """nginx creates its listening sockets 0666; ours is for nginx alone (0600)."""
    for _ in range(100):
        if socket.exists():
            os.chmod(socket, 0o600)
            return
        if nginx.poll() is not None:
            return
        time.sleep(0.05)
