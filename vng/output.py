"""Writing outputs atomically: a temp file in the target folder, then a rename.

A run that fails leaves the previous good output untouched and no partial file.
"""

from __future__ import annotations

import os
import tempfile


def _readable(fd: int) -> None:
    """Give the temp file the mode a normally created file would have."""
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)


def write_atomic(path: str, content: str | bytes) -> None:
    """``content`` to a temp file beside ``path``, fsynced, renamed over it, and the
    folder fsynced; an existing file keeps its mode."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else None
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    if mode is None:
        _readable(fd)
    else:
        os.fchmod(fd, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    sync_folder(folder)


def write_unsynced(path: str, content: str | bytes) -> None:
    """``content`` to ``path``, not synced to disk: a file of a build's staging folder
    that the one who moves it into place syncs then (``write_all_atomic``)."""
    with open(path, "wb") as handle:
        handle.write(content.encode("utf-8") if isinstance(content, str) else content)


def sync_folder(folder: str) -> None:
    """Make a rename or removal in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def same_content(path: str, target: str) -> bool:
    """Whether ``target`` is a file that holds the bytes of ``path`` already."""
    try:
        if not os.path.isfile(target) or os.path.getsize(target) != os.path.getsize(path):
            return False
        with open(path, "rb") as one, open(target, "rb") as other:
            while True:
                chunk = one.read(1 << 20)
                if chunk != other.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def write_all_atomic(files: dict[str, str | bytes], written: dict[str, str] | None = None) -> None:
    """Write several outputs as one: every file to a temp file first, then all renamed.
    ``written`` adds files already written elsewhere in the target's folder (target ->
    that file), renamed with the rest; one whose target holds the same bytes already
    is left where it is, and its target as it was (a rebuild after a change of one
    entity leaves the others' auditfiles alone, unwritten). The files are written and
    synced side by side (a sync waits for the disk, not for this process).

    If any of them cannot be written, none of the targets is touched.
    """
    from concurrent.futures import ThreadPoolExecutor

    staged: list[tuple[str, str]] = []
    moved: dict[str, str] = {}  # target -> the file written elsewhere that replaces it

    def ready(target: str, tmp: str) -> None:
        if same_content(tmp, target):
            return
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        moved[target] = tmp

    def stage(path: str, content: str | bytes) -> None:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        staged.append((tmp, path))
        _readable(fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            work = [pool.submit(ready, path, tmp) for path, tmp in (written or {}).items()]
            work += [pool.submit(stage, path, content) for path, content in files.items()]
            for done in work:
                done.result()  # the first error, after every file is written or failed
    except BaseException:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    folders = set()
    replacing = [(moved[path], path) for path in written or {} if path in moved]
    for tmp, path in staged + replacing:
        os.replace(tmp, path)
        folders.add(os.path.dirname(os.path.abspath(path)))
    for folder in sorted(folders):
        sync_folder(folder)
