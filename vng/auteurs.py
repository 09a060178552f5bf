"""Who booked each line of the books: the git author of the line.

The books' history is their audit trail (every import and every change through Fava is
a commit by its user), so the user of a transaction in the auditfile is the author of
its lines: of the transaction's own line and its postings, the one changed last.
``git blame --incremental`` runs once per file of the books, each in a process of its
own: a build starts them all before it loads the books (``Auteurs.start``), so git
works beside beancount; otherwise a file's blame starts the first time one of its lines
is asked for. Its output names each run of lines with their commit (not every line),
and per line only the index of its commit is kept.

Fallback, when git cannot say: a file outside a git work tree, a file git does not
track, or a line changed since the last commit (git's "Not Committed Yet") has no
author, and the transaction's user is then ``onbekend``; its source (``file:line``)
still points at it.
"""

from __future__ import annotations

import os
import re
import subprocess
from array import array
from collections.abc import Iterable, Sequence

_NOT_COMMITTED = "0" * 40
# a run of lines: its commit, its first line in the file, how many lines
_HEADER = re.compile(rb"([0-9a-f]{40}) \d+ (\d+) (\d+)$")


class Auteurs:
    """``auteurs(filename, linenos)``: the author of those lines changed last, or ""."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[array[int], list[tuple[str, int]]]] = {}
        self._running: dict[str, subprocess.Popen[bytes] | None] = {}

    def start(self, filenames: Iterable[str]) -> None:
        """Start the blame of these files now, to be read when first asked."""
        for filename in filenames:
            if filename not in self._files and filename not in self._running:
                self._running[filename] = _start(filename)

    def close(self) -> None:
        """Stop the blames nobody asked for."""
        for process in self._running.values():
            if process is not None:
                process.kill()
                process.wait()
                assert process.stdout is not None
                process.stdout.close()
        self._running.clear()

    def __call__(self, filename: str, lines: Sequence[int]) -> str:
        return self._last(filename, lines)[1]

    def tijd(self, filename: str, lines: Sequence[int]) -> int:
        """When those lines were changed last (the author time, seconds since the
        epoch), or 0."""
        return self._last(filename, lines)[0]

    def _last(self, filename: str, lines: Sequence[int]) -> tuple[int, str]:
        blamed = self._files.get(filename)
        if blamed is None:
            process = self._running.pop(filename) if filename in self._running else _start(filename)
            blamed = self._files[filename] = _read(process)
        per_line, commits = blamed
        best: tuple[int, str] | None = None
        for line in lines:
            if 0 < line <= len(per_line):
                index = per_line[line - 1]
                if index < 0:
                    continue  # not committed
                author, when = commits[index]
                if best is None or when > best[0]:
                    best = (when, author)
        return best if best else (0, "")


def _start(filename: str) -> subprocess.Popen[bytes] | None:
    """``git blame`` of one file, running; None when git cannot blame it."""
    if not os.path.isfile(filename):
        return None
    folder = os.path.dirname(os.path.abspath(filename))
    try:
        return subprocess.Popen(
            ["git", "-C", folder, "blame", "--incremental", "--", os.path.basename(filename)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # beside a writer's commit: no refresh of the index under its lock
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except OSError:  # no git on this machine
        return None


def _read(process: subprocess.Popen[bytes] | None) -> tuple[array[int], list[tuple[str, int]]]:
    """Per line (from 1) the index of its commit in the list (author, author time);
    -1 for a line without a commit. Empty when git cannot blame the file."""
    per_line: array[int] = array("i")
    commits: list[tuple[str, int]] = []
    if process is None:
        return per_line, commits
    assert process.stdout is not None
    index: dict[str, int] = {}
    runs: list[tuple[int, int, int]] = []  # (first line, lines, commit index)
    author, when = "", 0
    pending: tuple[str, int, int] | None = None  # the run whose header was read
    with process.stdout:
        for raw in process.stdout:
            if header := _HEADER.match(raw):
                sha, first, count = header.groups()
                pending = (sha.decode("ascii"), int(first), int(count))
                author, when = "", 0
            elif raw.startswith(b"author "):
                author = raw[7:].decode("utf-8", "replace").strip()
            elif raw.startswith(b"author-time "):
                when = int(raw[12:])
            elif raw.startswith(b"filename ") and pending is not None:
                sha, first, count = pending  # the run's last line: its commit is known
                if sha == _NOT_COMMITTED:
                    runs.append((first, count, -1))
                else:
                    if sha not in index:
                        index[sha] = len(commits)
                        commits.append((author, when))
                    runs.append((first, count, index[sha]))
                pending = None
    if process.wait() != 0:
        return array("i"), []
    end = max((first + count - 1 for first, count, _ in runs), default=0)
    per_line = array("i", [-1]) * end
    for first, count, commit in runs:
        per_line[first - 1 : first - 1 + count] = array("i", [commit]) * count
    return per_line, commits
