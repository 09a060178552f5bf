"""The parse of the books' files, kept by part between builds.

beancount parses every file of the books again on every load, also when one
transaction was added to a file of fifty megabytes. A file is parsed here by parts
instead, and the parse of each part kept in the build's cache folder under the
SHA-256 of its bytes, so that a load after a change parses only the part that
changed and reads the others' parses.

The parse of a part is what beancount's parser makes of the whole file there:

- a part is cut only where a line begins with a digit (a dated directive begins
  there, at the top level of the grammar), and a file is one part when it holds
  anything that carries state from one directive to the next (``option``, ``plugin``,
  ``include``, ``pushtag``/``poptag``, ``pushmeta``/``popmeta``) or a carriage return
  (which also ends a line for the lexer);
- each part is parsed with the file's name and with its first line's number, so its
  entries carry the meta of the whole file's parse; a kept part that now begins on
  another line has its line numbers moved by the difference;
- the entries of the parts are sorted as beancount sorts a file's entries (by date,
  kind and line), and the display contexts of the parts added up in their order;
- a part with a parse error (a cut inside a multi-line string gives one in each
  half) makes the caller parse the whole file with beancount, for beancount's own
  errors.

Where a part is cut depends on its own text only (the CRC of its first line), so an
insertion moves the cuts after it with it and the parts beyond stay found.

Reading the cache is part of every load that is given the cache's folder; the
parses it lacks are written by a process of its own (``PartCache.start``), beside the
load: pickling them in the build would cost as much as parsing them.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beancount.core import account, data, display_context
from beancount.parser import parser

# what changes the parse of the same bytes: beancount's parser, Python, and this
# module (how it cuts, parses and keeps the parts)
VERSION = "onderdelen {} beancount {} {}".format(
    hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16],
    __import__("beancount").__version__,
    sys.version,
)

# a directive that carries state to the directives after it; only options may
# open a file (its header, before the first dated directive)
_STATE = re.compile(
    rb"^[ \t]*(?:option|plugin|include|pushtag|poptag|pushmeta|popmeta)\b", re.MULTILINE
)
_HEADER_STATE = re.compile(
    rb"^[ \t]*(?:plugin|include|pushtag|poptag|pushmeta|popmeta)\b", re.MULTILINE
)
_DATED = re.compile(rb"^[0-9]", re.MULTILINE)
# a part is at least this long, and is cut before a dated line whose CRC has its
# low bits zero: about 64 directives further on average
PART_MINIMUM = 32 * 1024
PART_MASK = 0x3F
PART_KEY = 48  # bytes of a dated line that decide a cut


@dataclass(frozen=True)
class Part:
    """A part of a file: its bytes ``start:end``, parsed after the file's header
    (``header``: its bytes ``0:header``) unless it holds the header itself."""

    start: int
    end: int
    line: int  # the number of its first line
    header: int  # the end of the header parsed before it, 0 for the first part
    digest: str  # the SHA-256 of the bytes parsed: the header's and its own
    origin: int = 1  # the number of the first line parsed: the header's, or its own


def parts(raw: bytes, minimum: int = PART_MINIMUM, mask: int = PART_MASK) -> list[Part]:
    """The parts of a file's bytes, in their order, together the whole file; each at
    least ``minimum`` bytes after the header, cut where the CRC of a dated line has
    no bit of ``mask``."""
    view = memoryview(raw)
    first = _DATED.search(raw)
    cuts = [0]
    header = first.start() if first is not None else len(raw)
    if not (
        b"\r" in raw
        or _HEADER_STATE.search(raw, 0, header)
        or _STATE.search(raw, header)
        or not _plain_header(raw[:header])
    ):
        position = header + minimum
        while True:
            found = _DATED.search(raw, position)
            if found is None:
                break
            start = found.start()
            if zlib.crc32(view[start : start + PART_KEY]) & mask == 0:
                cuts.append(start)
                position = start + minimum
            else:
                position = start + 1
    cuts.append(len(raw))
    out: list[Part] = []
    line = 1
    above = raw.count(b"\n", 0, header)  # the header's lines
    for start, end in zip(cuts, cuts[1:], strict=False):
        if end <= start and out:
            continue
        digest = hashlib.sha256(view[:header] if start else b"")
        digest.update(view[start:end])
        origin = line - above if start else 1
        out.append(Part(start, end, line, header if start else 0, digest.hexdigest(), origin))
        line += raw.count(b"\n", start, end)
    return out


_PLAIN_HEADERS: dict[bytes, bool] = {}


def _plain_header(header: bytes) -> bool:
    """The header parses without an error and adds nothing to the display context,
    so that parsing it again before each part changes nothing but the options."""
    known = _PLAIN_HEADERS.get(header)
    if known is None:
        entries, errors, options = parser.parse_string(header)
        empty = str(display_context.DisplayContext())
        known = not entries and not errors and str(options["dcontext"]) == empty
        _PLAIN_HEADERS[header] = known
    return known


_VERSION_FOLDER = hashlib.sha256(VERSION.encode()).hexdigest()[:16]


def folder_of(cache: Path, path: str) -> Path:
    """Where the parts of the file at ``path`` are kept (apart per version)."""
    name = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache / "onderdelen" / _VERSION_FOLDER / name


def parse_part(path: str, raw: bytes, part: Part) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """beancount's parse of one part of the file ``raw``, as it is within the whole
    file: after the file's header, numbered from the part's first line."""
    text = raw[: part.header] + raw[part.start : part.end]
    return parser.parse_file(io.BytesIO(text), report_filename=path, report_firstline=part.origin)


def _read(folder: Path, part: Part) -> tuple[list[Any], dict[str, Any]] | None:
    """A kept parse of ``part``, its line numbers where the part is now; or None."""
    try:
        with open(folder / part.digest, "rb") as handle:
            version, origin, entries, options = pickle.load(handle)
    except Exception:  # noqa: BLE001 - absent, torn or of another version: parsed again
        return None
    if version != VERSION:
        return None
    if origin != part.origin:  # the same text, parsed from another line
        _move(entries, part.origin - origin)
    _same_type(entries)
    return entries, options


def _same_type(entries: list[Any]) -> None:
    """A custom directive's account value has beancount's ``account.TYPE`` as its type,
    which its printer tells by identity: the unpickled copy of that string becomes
    the object itself again."""
    for position, entry in enumerate(entries):
        if isinstance(entry, data.Custom) and any(
            v.dtype == account.TYPE and v.dtype is not account.TYPE for v in entry.values
        ):
            values = [
                v._replace(dtype=account.TYPE) if v.dtype == account.TYPE else v
                for v in entry.values
            ]
            entries[position] = entry._replace(values=values)


def _move(entries: list[Any], delta: int) -> None:
    """Every line number in the entries' meta (and their postings') moved by ``delta``."""
    moved: set[int] = set()

    def move(meta: dict[str, Any] | None) -> None:
        if meta is not None and id(meta) not in moved and isinstance(meta.get("lineno"), int):
            moved.add(id(meta))
            meta["lineno"] += delta

    for entry in entries:
        move(entry.meta)
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                move(posting.meta)


@dataclass
class Parsed:
    """One file parsed by parts: its entries and options as beancount's parse of the
    whole file gives them, and the parts whose parse the cache lacked."""

    entries: list[Any]
    options: dict[str, Any]
    parts: list[Part] = field(default_factory=list)
    missing: list[Part] = field(default_factory=list)


def parse(path: str, raw: bytes, cache: Path, ordered: bool = True, **cuts: int) -> Parsed | None:
    """The file at ``path`` with content ``raw`` parsed by parts (``cuts``: as for
    ``parts``), what the cache holds read from it; None when a part has a parse
    error (beancount parses the file). Not ``ordered``: its entries part after part,
    each part's sorted, for a caller that sorts the entries of every file together
    (the same order then: within a file no two entries share a line)."""
    folder = folder_of(cache, path)
    entries: list[Any] = []
    options: dict[str, Any] | None = None
    contexts: list[Any] = []
    missing: list[Part] = []
    every = parts(raw, **cuts)
    for part in every:
        kept = _read(folder, part)
        if kept is None:
            found, errors, own = parse_part(path, raw, part)
            if errors:
                return None
            missing.append(part)
        else:
            found, own = kept
        entries.extend(found)
        if options is None:
            options = own
        contexts.append(own["dcontext"])
    assert options is not None  # a file has one part at least
    if len(contexts) > 1:
        merged = display_context.DisplayContext()
        for context in contexts:
            merged.update_from(context)
        merged.set_commas(options["render_commas"])
        options["dcontext"] = merged
        if ordered:
            entries.sort(key=data.entry_sortkey)
    return Parsed(entries, options, every, missing)


# --- writing what the cache lacks ----------------------------------------------------


class PartCache:
    """The cache of parts in ``folder`` for the loads of one build: each file parsed
    is noted with its parts (and those the cache lacked); with ``write``, what the
    cache lacks of the books' files is written by a process of its own, started
    before the load (``start``) and waited for when the entity is done (``finish``)."""

    def __init__(self, folder: Path, write: bool = False) -> None:
        self.folder, self.write = folder, write
        self.files: dict[str, tuple[list[Part], list[Part]]] = {}  # path -> (all, missing)
        self.writer: subprocess.Popen[bytes] | None = None

    def parse(self, path: str, raw: bytes) -> Parsed | None:
        """``parse``, not ``ordered``: the load sorts the entries of every file."""
        found = parse(path, raw, self.folder, ordered=False)
        if found is not None:
            self.files[path] = (found.parts, found.missing)
        return found

    def start(self, paths: list[str]) -> None:
        """The writer of the parts the cache lacks of the files ``paths``, started
        afresh (not forked: it shares no memory with the books) before the books are
        loaded, while this process is still small (a process started later from a
        large one shares all its memory until it has started). It parses what it
        does not find, beside the load that parses the same; each file's folder
        keeps only its current parts. Not started without ``write``, or when it
        cannot start (the cache only costs time)."""
        if not self.write or not paths or self.writer is not None:
            return
        try:
            self.writer = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "vng_accounts.parse_cache",
                    str(self.folder),
                    str(os.getpid()),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=str(Path(__file__).resolve().parent.parent),
            )
            assert self.writer.stdin is not None
            self.writer.stdin.write(pickle.dumps(list(paths), protocol=5))
            self.writer.stdin.close()
        except OSError:
            self.writer = None

    def finish(self, wait: bool = True) -> None:
        """Wait for the writer (not ``wait``ing: end it; what it wrote is whole)."""
        writer, self.writer = self.writer, None
        if writer is None:
            return
        if not wait:
            writer.kill()
        writer.wait()


def write(cache: Path, paths: list[str], parent: int = 0, **cuts: int) -> None:
    """Parse and keep each part of the files ``paths`` (``cuts``: as for ``parts``)
    that the cache lacks, then forget the file's other parts, and the parts kept by
    another version of this module; stop when the build (``parent``) is gone."""
    for path in paths:
        folder = folder_of(cache, path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            every = parts(raw, **cuts)
            folder.mkdir(parents=True, exist_ok=True)
            for part in every:
                if parent and os.getppid() != parent:
                    return
                if (folder / part.digest).exists():
                    continue
                entries, errors, options = parse_part(path, raw, part)
                if errors:
                    continue
                _keep(folder, part.digest, (VERSION, part.origin, entries, options))
            _forget(folder, {p.digest for p in every})
        except OSError:
            continue
    try:
        for other in os.scandir(cache / "onderdelen"):
            if other.name != _VERSION_FOLDER:
                shutil.rmtree(other.path, ignore_errors=True)
    except OSError:
        pass


def _keep(folder: Path, digest: str, content: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(content, handle, protocol=5)
        os.replace(tmp, folder / digest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _forget(folder: Path, wanted: set[str]) -> None:
    """Remove the kept parts in ``folder`` that are not ``wanted``, and what a writer
    that was stopped left half-written an hour ago or longer."""
    for entry in os.scandir(folder):
        if entry.name.startswith(".tmp-"):
            if time.time() - entry.stat().st_mtime > 3600:
                os.unlink(entry.path)
        elif entry.name not in wanted:
            os.unlink(entry.path)


def main() -> int:
    cache, parent = Path(sys.argv[1]), int(sys.argv[2])
    write(cache, pickle.loads(sys.stdin.buffer.read()), parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
