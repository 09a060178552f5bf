"""The progress of long work, on standard error: ``vng check``, ``vng jaarrekening``,
``vng jaarverslag`` (per entity and phase) and ``make bench`` (per measurement).

On a terminal it is one line, rewritten in place: the entities done of all, what each
running entity is doing, the seconds since the start; the last state stays on the
screen, followed by a newline. Anywhere else (a pipe, a log file, CI) it is one plain
line per entity and phase, written when the phase is done, with its seconds::

    vereniging (1/10): laden 2,31 s
    csc (4/10): uit de cache
    groep: consolidatie 0,12 s
    klaar in 7,31 s

An entity's phases are those of ``vng.build.compute``: ``laden`` (beancount's load
with every check), ``cijfers`` (what the consolidation reads), ``staten`` (the
reporting entity's statements), ``proefbalans`` (the Fava page's, before its
downloads), ``grootboek`` and ``auditfile``. The worker processes
report them to the main process (``Melding``, over the pipe that carries their
result), which alone writes, so lines never mix. Standard output is not touched;
``--stil`` (``-q``) switches all of this off. Errors are no part of it: they are
printed as ``file:line: reason`` as before, after the progress has ended its line.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

# how often the line on a terminal is redrawn while the main process waits
INTERVAL = 0.25


def interactive(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that can take a line rewritten in place."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def seconden(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",") + " s"


@dataclass(frozen=True)
class Melding:
    """What a worker reports of its entity: a phase begun (``seconden`` None) or done
    (``seconden`` the phase's duration)."""

    key: str
    fase: str
    seconden: float | None = None


class Regel:
    """Progress on ``stream``: on a terminal one line redrawn from ``status()``, else
    the plain lines given to ``regel``. Safe to use from several threads."""

    def __init__(
        self, stream: TextIO | None, status: Callable[[], str], tty: bool | None = None
    ) -> None:
        self.stream = stream
        self.tty = stream is not None and (interactive(stream) if tty is None else tty)
        self.status = status
        self.lock = threading.Lock()
        self.open = False  # a line is on the terminal, not yet ended

    def regel(self, text: str) -> None:
        """A plain line (not on a terminal, where ``status`` shows the state)."""
        if self.stream is not None and not self.tty:
            with self.lock:
                self.stream.write(text + "\n")
                self.stream.flush()

    def teken(self) -> None:
        """Redraw the line on a terminal."""
        if self.stream is not None and self.tty:
            with self.lock:
                self._draw(self.status())

    def _draw(self, text: str) -> None:
        assert self.stream is not None
        try:
            width = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            width = 0
        width = width if width > 1 else 80  # a terminal that does not say: 80 columns
        # never wider than the terminal: a wrapped line cannot be rewritten in place
        self.stream.write("\r" + text[: max(width - 1, 1)] + "\x1b[K")
        self.stream.flush()
        self.open = True

    def wis(self) -> None:
        """Clear the line on a terminal (before other output takes its place)."""
        if self.stream is not None and self.tty:
            with self.lock:
                if self.open:
                    self.stream.write("\r\x1b[K")
                    self.stream.flush()
                    self.open = False

    def sluit(self, text: str) -> None:
        """The last state: on a terminal the line with ``text``, ended by a newline;
        elsewhere ``text`` as a plain line."""
        if self.stream is None:
            return
        if self.tty:
            with self.lock:
                self._draw(text)
                self.stream.write("\n")
                self.stream.flush()
                self.open = False
        else:
            self.regel(text)


class Voortgang:
    """The progress of one build: its entities (``vng.build.run`` reports them) and
    then the phases of the whole (consolidatie, opmaak, schrijven: the command's)."""

    def __init__(self, stream: TextIO | None, tty: bool | None = None) -> None:
        self.start = self.mark = time.perf_counter()
        self.keys: list[str] = []
        self.bezig: dict[str, str] = {}  # running entity -> its phase now
        self.klaar: set[str] = set()
        self.fase_nu = ""  # the phase of the whole now, "" while the entities run
        self.gesloten = False
        self.uit = Regel(stream, self._status, tty)

    @property
    def geheel(self) -> str:
        """How the lines of the whole name it: the group, or the books alone."""
        return "groep" if len(self.keys) > 1 else (self.keys[0] if self.keys else "boeken")

    def _label(self, key: str) -> str:
        number = self.keys.index(key) + 1 if key in self.keys else 0
        return f"{key} ({number}/{len(self.keys)})"

    def _elapsed(self) -> str:
        return seconden(time.perf_counter() - self.start)

    def _status(self) -> str:
        if self.fase_nu:
            doing = f"{self.geheel} {self.fase_nu}"
        else:
            doing = ", ".join(f"{key} {fase}" for key, fase in self.bezig.items())
        return f"[{len(self.klaar)}/{len(self.keys)} {self._elapsed()}] {doing}".rstrip()

    # --- the entities, as vng.build.run computes them ---------------------------------

    def entiteiten(self, keys: list[str]) -> None:
        self.keys = list(keys)
        self.uit.teken()

    def melding(self, melding: Melding) -> None:
        if melding.seconden is None:
            self.bezig[melding.key] = melding.fase
        else:
            self.uit.regel(
                f"{self._label(melding.key)}: {melding.fase} {seconden(melding.seconden)}"
            )
        self.uit.teken()

    def uit_cache(self, key: str) -> None:
        self.klaar.add(key)
        self.uit.regel(f"{self._label(key)}: uit de cache")
        self.uit.teken()

    def entiteit(self, key: str, fouten: int = 0) -> None:
        """An entity's result is in."""
        self.bezig.pop(key, None)
        self.klaar.add(key)
        if fouten:
            self.uit.regel(f"{self._label(key)}: {fouten} {'fout' if fouten == 1 else 'fouten'}")
        self.uit.teken()

    def tik(self) -> None:
        """Redraw the line (the seconds run on while the main process waits)."""
        self.uit.teken()

    # --- the phases of the whole -----------------------------------------------------

    def fase(self, naam: str) -> None:
        """A phase of the whole begins; the one before it ends (a line with its seconds)."""
        self._einde_fase()
        self.fase_nu = naam
        self.uit.teken()

    def _einde_fase(self) -> None:
        now = time.perf_counter()
        # before the first phase of the whole: the group's entities, all of them
        name = self.fase_nu or ("entiteiten" if len(self.keys) > 1 else "")
        if name:
            self.uit.regel(f"{self.geheel}: {name} {seconden(now - self.mark)}")
        self.mark = now

    def sluit(self, gelukt: bool = True) -> None:
        """The end: the last phase's line, then how long it all took."""
        if self.gesloten:
            return
        self.gesloten = True
        self._einde_fase()
        self.fase_nu = ""
        text = ("klaar in " if gelukt else "gestopt na ") + self._elapsed()
        count = f"[{len(self.klaar)}/{len(self.keys)}] "
        self.uit.sluit(count + text if self.uit.tty else text)


def stil() -> Voortgang:
    """A progress that shows nothing (``--stil``, Fava's page, the library)."""
    return Voortgang(None)
