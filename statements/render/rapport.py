"""What the PDF is made of besides the statements: the report's texts (``Report``,
``Section``), apart from the typesetting (``statements.render.pdf``), so that a build
whose PDF is the same as the last one's does not load the typesetter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


class PdfError(Exception):
    pass


@dataclass(frozen=True)
class Section:
    """A text of the report, its figures already filled in: ``key`` names its place
    in the document, ``title`` its heading; in ``text`` a blank line begins a new
    paragraph and a line that begins with ``- `` is a bullet."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class Report:
    """What the PDF needs besides the tables: texts from the books."""

    entity: str
    year: int
    voorwoord: str
    plaats: str
    sections: tuple[Section, ...] = ()
    opgemaakt: datetime.date | None = None  # the day the bestuur made up the jaarrekening

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)
