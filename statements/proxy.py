"""``vng proxy``: nginx in front of Fava, with password authentication and two roles.

- **boekhouding** reads and writes;
- **accountant** reads only: every request other than GET/HEAD is refused, and so are
  the import page, the raw source editor and the API calls that write or extract.

Users live in one file, a line per user: ``naam:wachtwoord-hash:rol`` (the hash in
the apr1 format of ``openssl passwd -apr1``; nginx reads the first two fields).
``vng gebruiker`` adds or replaces a user. The proxy passes the authenticated name to
Fava as ``X-Remote-User``, which ``vng serve`` records as the author of each change.

For real use put TLS in front (or give nginx a certificate: see the README); this
command listens on the loopback address.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROLES = ("boekhouding", "accountant")
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


def nginx_config(runtime: str, port: int, fava: str, users: dict[str, tuple[str, str]]) -> str:
    """Two servers: the first authenticates (a password per user) and passes the
    verified name on; the second, reachable only over a socket in ``runtime``, applies
    the role of that name. Authorisation thus runs after authentication, never on an
    unverified Authorization header."""
    roles = "\n".join(f'        "{name}" "{role}";' for name, (_, role) in sorted(users.items()))
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {runtime}/nginx.pid;
error_log {runtime}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log {runtime}/access.log;
    client_body_temp_path {runtime}/body;
    proxy_temp_path {runtime}/proxy;
    fastcgi_temp_path {runtime}/fastcgi;
    uwsgi_temp_path {runtime}/uwsgi;
    scgi_temp_path {runtime}/scgi;
    client_max_body_size 20m;
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
        auth_basic "Boeken VNG";
        auth_basic_user_file {runtime}/htpasswd;
        location / {{
            proxy_set_header X-Remote-User $remote_user;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_pass http://unix:{runtime}/rollen.sock;
        }}
    }}
    server {{
        listen unix:{runtime}/rollen.sock;
        location / {{
            if ($vng_methode_geweigerd) {{ return 403; }}
            if ($vng_pad_geweigerd) {{ return 403; }}
            proxy_set_header X-Remote-User $http_x_remote_user;
            proxy_set_header Host $host;
            proxy_pass {fava};
        }}
    }}
}}
"""


def prepare(runtime: str, port: int, fava: str, users_file: str) -> str:
    """Write the configuration and the password file into ``runtime``."""
    users = read_users(users_file)
    if not users:
        raise ValueError(f"{users_file}:0: geen gebruikers; voeg ze toe met vng gebruiker")
    Path(runtime).mkdir(parents=True, exist_ok=True)
    htpasswd = "".join(f"{name}:{hashed}\n" for name, (hashed, _) in sorted(users.items()))
    (Path(runtime) / "htpasswd").write_text(htpasswd, encoding="utf-8")
    os.chmod(Path(runtime) / "htpasswd", 0o600)
    config = Path(runtime) / "nginx.conf"
    config.write_text(nginx_config(os.path.abspath(runtime), port, fava, users), encoding="utf-8")
    return str(config)


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    if not found:
        raise ValueError("nginx niet gevonden (Debian-pakket nginx-light)")
    return found


def run(runtime: str, port: int, fava: str, users_file: str) -> int:
    config = prepare(runtime, port, fava, users_file)
    socket = Path(runtime) / "rollen.sock"
    if socket.exists():
        socket.unlink()
    return subprocess.call(
        [nginx_binary(), "-p", os.path.abspath(runtime), "-c", config, "-g", "daemon off;"]
    )
