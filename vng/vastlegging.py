"""The books' audit trail: one writer at a time, every change a git commit.

Fava (``vng serve``) and ``vng import --output`` take the same lock on the books'
folder before they read what is there and write what is new. A change becomes a
commit whose author is the person who made it. ``restore`` puts every file of the
books back as the last commit has it, also after a write or a commit that was
killed halfway.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator

LOCK_NAME = ".vng-schrijfslot"

_threads = threading.local()
_lock_files: dict[str, str] = {}


def lock_file(folder: str) -> str:
    """The lock file of the books in ``folder``: in the repository's git folder when
    the books are in git (so it never shows as a change), else in the folder."""
    return _private(folder, "vng-schrijfslot", LOCK_NAME)


def staging_folder(folder: str) -> str:
    """Where a change to the books in ``folder`` is made first (see
    ``vng.schrijven``): beside the lock, one per books, used under the lock."""
    return _private(folder, "vng-wijziging", ".vng-wijziging")


def _private(folder: str, stem: str, fallback: str) -> str:
    key = os.path.realpath(folder) + "\0" + stem
    if key not in _lock_files:
        found = subprocess.run(
            ["git", "-C", folder, "rev-parse", "--absolute-git-dir"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode == 0 and found.stdout.strip():
            digest = hashlib.sha256(os.path.realpath(folder).encode("utf-8")).hexdigest()[:16]
            name = os.path.join(found.stdout.strip(), f"{stem}-{digest}")
        else:
            name = os.path.join(folder, fallback)
        _lock_files[key] = name
    return _lock_files[key]


class BooksRefused(Exception):
    """A change to the books that is not written."""


@contextlib.contextmanager
def books_lock(folder: str) -> Iterator[None]:
    """One writer at a time for the books in ``folder`` (across processes and threads;
    a thread that holds it may take it again)."""
    held: dict[str, int] = _threads.__dict__.setdefault("held", {})
    key = os.path.realpath(folder)
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    with open(lock_file(folder), "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        held[key] = 1
        try:
            yield
        finally:
            held[key] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded once, before any fork
PR_SET_PDEATHSIG = 1


def dies_with_us(parent: int) -> Callable[[], None]:
    """For a git child: killed when the process (the thread) that started it dies, so
    a commit never finishes behind the back of a server that was killed — and so
    never lands after ``vng herstel`` restored the books."""

    def arrange() -> None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arrange


def run_git(
    folder: str, args: tuple[str, ...], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``git -C folder args``, its output as text, dying with this process."""
    return subprocess.run(
        ["git", "-C", folder, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        preexec_fn=dies_with_us(os.getpid()),
    )


def git(folder: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_git(folder, args, env)
    if result.returncode != 0:
        raise BooksRefused(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def uncommitted(folder: str) -> list[str]:
    """Files of the books that differ from the last commit (full paths), the index
    included: a file staged by a commit that never finished counts as changed."""
    top = git(folder, "rev-parse", "--show-toplevel").strip()
    status = git(folder, "status", "--porcelain", "--untracked-files=all", "--", ".")
    names = []
    for line in status.splitlines():
        if not line or line.endswith(LOCK_NAME):
            continue
        name = line[3:]
        if " -> " in name:
            name = name.split(" -> ", 1)[1]
        names.append(os.path.join(top, name.strip('"')))
    return names


def commit(folder: str, user: str, message: str, paths: list[str] | None = None) -> bool:
    """Commit the books' folder (or only ``paths``) with ``user`` as the author;
    False when there was nothing to commit."""
    targets = [*(paths or ["."]), f":(exclude){LOCK_NAME}"]
    git(folder, "add", "-A", "--", *targets)
    if not git(folder, "diff", "--cached", "--name-only", "--", *targets).strip():
        return False
    email = f"{user}@boeken.vng.invalid"
    env = {
        "GIT_AUTHOR_NAME": user,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": "vng",
        "GIT_COMMITTER_EMAIL": "vng@boeken.vng.invalid",
    }
    git(folder, "commit", "-q", "-m", message, "--", *targets, env=env)
    return True


def _stale_index_lock(folder: str) -> None:
    """A commit killed halfway leaves git's locks behind (the index, HEAD, the branch);
    with the books' lock held no git process of ours is running (a git child dies with
    the server that started it), so they can go."""
    git_dir = git(folder, "rev-parse", "--absolute-git-dir").strip()
    branch = git(folder, "symbolic-ref", "-q", "HEAD").strip() if _on_branch(folder) else ""
    for name in ("index", "HEAD", branch):
        lock = os.path.join(git_dir, f"{name}.lock") if name else ""
        if lock and os.path.exists(lock):
            os.unlink(lock)


def _on_branch(folder: str) -> bool:
    try:
        git(folder, "symbolic-ref", "-q", "HEAD")
    except BooksRefused:
        return False
    return True


def restore(folder: str) -> list[str]:
    """Put every file of the books back as the last commit (HEAD) has it: changed
    and deleted files restored, new files removed, the index reset. Returns the
    files that were changed."""
    with books_lock(folder):
        _stale_index_lock(folder)
        changed = uncommitted(folder)
        git(folder, "reset", "-q", "--", ".")
        git(folder, "checkout", "HEAD", "--", ".")
        git(folder, "clean", "-fdq", "-e", LOCK_NAME, "--", ".")
        return changed
