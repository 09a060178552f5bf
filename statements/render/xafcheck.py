"""Validates an auditfile against an XSD, one transaction at a time.

Run as a program (``python xafcheck.py NAMESPACE XSD FILE``) it exits 0 when the file is
valid, else writes lxml's message to standard error and exits 1; ``auditfile.Validation``
starts it so. It imports nothing of the product but lxml: it starts quickly and shares
no memory with the build that wrote the file."""

from __future__ import annotations

import sys
from typing import IO

from lxml import etree


def check(source: str | IO[bytes], ns: str, schema: etree.XMLSchema) -> None:
    """Read ``source`` against ``schema``; a validated transaction is not kept.
    Raises lxml's ``XMLSyntaxError``."""
    for _, element in etree.iterparse(source, tag=f"{{{ns}}}transaction", schema=schema):
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def main(argv: list[str]) -> int:
    ns, xsd, path = argv
    try:
        check(path, ns, etree.XMLSchema(etree.parse(xsd)))
    except etree.XMLSyntaxError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
