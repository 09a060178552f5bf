"""The layers of the design, checked over the import graph of every module:

    vng  ->  statements.render  ->  statements  ->  vng_accounts  ->  beancount

The application (``vng``: the command line, the build, Fava, the proxy) may use
everything below it; renderers format statements and never read the books;
builders never render; the books' side depends only on beancount. The importers
read the books' side and nothing above it. No module is exempt."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT
from vng_accounts.layouts import LAYOUTS

OURS = ("vng_accounts", "statements", "vng", "importers")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str | None:
    """The layer a module name belongs to (None: not ours)."""
    parts = module.split(".")
    if parts[0] not in OURS:
        return None
    if parts[0] == "statements" and len(parts) > 1 and parts[1] == "render":
        return "statements.render"
    return parts[0]


# what each layer may import of ours
ALLOWED = {
    "vng_accounts": {"vng_accounts"},
    "statements": {"statements", "vng_accounts"},
    "statements.render": {"statements.render", "statements"},
    "importers": {"importers", "vng_accounts"},
    "vng": {"vng", "statements.render", "statements", "vng_accounts", "importers"},
}


def _modules() -> dict[str, set[str]]:
    found = {}
    for package in OURS:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = _imports(path)
    return found


def test_every_module_imports_only_its_own_layer_and_those_below() -> None:
    wrong = []
    for module, imports in _modules().items():
        layer = _layer(module)
        assert layer is not None
        for imported in imports:
            target = _layer(imported)
            if target is not None and target not in ALLOWED[layer]:
                wrong.append(f"{module} ({layer}) imports {imported} ({target})")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_layer_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The check itself: a builder that renders would be caught."""
    module = tmp_path / "m.py"
    module.write_text("from statements.render.pdf import render_pdf\n", encoding="utf-8")
    imported = _imports(module)
    assert {_layer(i) for i in imported} == {"statements.render"}
    assert "statements.render" not in ALLOWED["statements"]


def test_renderers_are_a_package_of_their_own() -> None:
    render = ROOT / "statements" / "render"
    assert {p.stem for p in render.glob("*.py")} >= {"json", "pdf", "xlsx", "xaf"}
    assert not list((ROOT / "statements").glob("render_*.py"))


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
