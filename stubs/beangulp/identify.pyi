from collections.abc import Sequence

from beangulp import Importer

def identify(importers: Sequence[Importer], filepath: str) -> Importer | None: ...
