"""Who booked each line of the books: the git author of the line.

The books' history is their audit trail (every import and every change through Fava is
a commit by its user), so the user of a transaction in the auditfile is the author of
its lines: of the transaction's own line and its postings, the one changed last.
``git blame --line-porcelain`` runs once per file of the books, the first time a line
of that file is asked for, and its output is read as a stream; per line only the index
of its commit is kept.

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
from collections.abc import Sequence

_NOT_COMMITTED = "0" * 40
_HEADER = re.compile(rb"([0-9a-f]{40}) \d+ \d+")


class Auteurs:
    """``auteurs(filename, linenos)``: the author of those lines changed last, or ""."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[array[int], list[tuple[str, int]]]] = {}

    def __call__(self, filename: str, lines: Sequence[int]) -> str:
        return self._last(filename, lines)[1]

    def tijd(self, filename: str, lines: Sequence[int]) -> int:
        """When those lines were changed last (the author time, seconds since the
        epoch), or 0."""
        return self._last(filename, lines)[0]

    def _last(self, filename: str, lines: Sequence[int]) -> tuple[int, str]:
        blamed = self._files.get(filename)
        if blamed is None:
            blamed = self._files[filename] = _blame(filename)
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


def _blame(filename: str) -> tuple[array[int], list[tuple[str, int]]]:
    """Per line (from 1) the index of its commit in the list (author, author time);
    -1 for a line without a commit. Empty when git cannot blame the file."""
    per_line: array[int] = array("i")
    commits: list[tuple[str, int]] = []
    if not os.path.isfile(filename):
        return per_line, commits
    folder = os.path.dirname(os.path.abspath(filename))
    try:
        process = subprocess.Popen(
            ["git", "-C", folder, "blame", "--line-porcelain", "--", os.path.basename(filename)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:  # no git on this machine
        return per_line, commits
    assert process.stdout is not None
    index: dict[str, int] = {}
    sha, author, when = "", "", 0
    for raw in process.stdout:
        if raw.startswith(b"\t"):  # the line itself ends the record
            if sha == _NOT_COMMITTED:
                per_line.append(-1)
                continue
            if sha not in index:
                index[sha] = len(commits)
                commits.append((author, when))
            per_line.append(index[sha])
        elif raw.startswith(b"author "):
            author = raw[7:].decode("utf-8", "replace").strip()
        elif raw.startswith(b"author-time "):
            when = int(raw[12:])
        elif header := _HEADER.match(raw):
            sha = header.group(1).decode("ascii")
    if process.wait() != 0:
        return array("i"), []
    return per_line, commits
