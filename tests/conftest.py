"""Shared fixtures: the embedded books, loaded once, and a way to run ``vng``."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from statements.enkelvoudig import build_enkelvoudig
from statements.table import StatementTable
from vng_accounts.books import Books, load_books

# the tests keep their own cache of computed entities, never the user's; the process
# that made it removes it when it ends
if "VNG_CACHE" not in os.environ:
    os.environ["VNG_CACHE"] = tempfile.mkdtemp(prefix="vng-cache-")
    atexit.register(shutil.rmtree, os.environ["VNG_CACHE"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
BOOKS_DIR = ROOT / "ledger" / "vereniging"
MAIN = BOOKS_DIR / "main.beancount"


@pytest.fixture(scope="session")
def books() -> Books:
    loaded = load_books(str(MAIN))
    assert loaded.errors == ()
    return loaded


@pytest.fixture(scope="session")
def tables_2024(books: Books) -> dict[str, StatementTable]:
    return {t.id: t for t in build_enkelvoudig(books, 2024)}


@pytest.fixture
def books_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded books; returns its main file."""
    target = tmp_path / "boeken"
    shutil.copytree(BOOKS_DIR, target)
    return target / "main.beancount"


def vng(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``vng`` console script, as a user would."""
    script = Path(sys.executable).with_name("vng")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "vng.cli"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        command + list(args), capture_output=True, text=True, env=env, check=False, timeout=600
    )


def group_figures(path: str | Path, year: int):  # type: ignore[no-untyped-def]
    """The group of ``path`` and the figures of every entity for a consolidation of
    ``year``, computed the way ``vng jaarrekening`` computes them (``vng.build``)."""
    from statements.consolidatie import read_group
    from vng.build import Taak, run

    group = read_group(str(path))
    results = run([Taak(e.key, e.books_path, year, str(path)) for e in group.entities])
    errors = [error for result in results.values() for error in result.errors]
    assert errors == [], errors
    figures = {}
    for result in results.values():
        figures.update(result.figures)
    return group, figures
