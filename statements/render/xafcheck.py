"""Validates an auditfile against an XSD, one transaction at a time.

Run as a program (``python xafcheck.py NAMESPACE XSD FILE``) it exits 0 when the file is
valid, else writes lxml's message to standard error and exits 1; ``auditfile.Validation``
starts it so, and it stops (exit 2) when that build is gone. It imports nothing of the
product but lxml: it starts quickly and shares no memory with the build that wrote the
file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO

from lxml import etree


def check(
    source: str | IO[bytes],
    ns: str,
    schema: etree.XMLSchema,
    going_on: Callable[[], bool] = lambda: True,
) -> None:
    """Read ``source`` against ``schema``; a validated transaction is not kept.
    Raises lxml's ``XMLSyntaxError``. ``going_on`` is asked every few thousand
    transactions; when it says no, the reading stops."""
    for count, (_, element) in enumerate(
        etree.iterparse(source, tag=f"{{{ns}}}transaction", schema=schema), 1
    ):
        if count % 4096 == 0 and not going_on():
            raise SystemExit(2)
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def main(argv: list[str]) -> int:
    ns, xsd, path = argv
    build = os.getppid()  # a build that is gone waits for no answer: stop reading then
    try:
        check(path, ns, etree.XMLSchema(etree.parse(xsd)), lambda: os.getppid() == build)
    except etree.XMLSyntaxError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
