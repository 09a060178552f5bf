"""The import direction of the design: vng_accounts depends only on beancount;
builders never import renderers; renderers never import the books' loader."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT
from vng_accounts.layouts import LAYOUTS


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _package_imports(package: str) -> dict[str, set[str]]:
    return {str(p.relative_to(ROOT)): _imports(p) for p in (ROOT / package).rglob("*.py")}


def test_vng_accounts_depends_only_on_beancount() -> None:
    for module, imports in _package_imports("vng_accounts").items():
        foreign = {i for i in imports if i.split(".")[0] in ("statements", "importers", "fava")}
        assert not foreign, f"{module} imports {foreign}"


def test_builders_do_not_import_renderers() -> None:
    for module, imports in _package_imports("statements").items():
        # the command line and the build of each entity (bouw: its auditfile is made
        # where its postings are) call the renderers; the builders never do
        if "render" in module or module.endswith(("cli.py", "bouw.py")) or "/fava/" in module:
            continue
        assert not {i for i in imports if "render" in i}, module


def test_renderers_only_format() -> None:
    for module, imports in _package_imports("statements").items():
        if "render" in module:
            assert not {i for i in imports if i.startswith("vng_accounts")}, module


def test_layouts_are_consistent() -> None:
    for layout in LAYOUTS:
        ids = [line.id for line in layout.lines]
        assert len(ids) == len(set(ids)), layout.id
        seen: set[str] = set()
        for line in layout.lines:
            for _, ref in line.sums:
                assert ref in seen, f"{layout.id}: {line.id} telt {ref} op voordat die bestaat"
            seen.add(line.id)
            assert line.sign in (1, -1)
