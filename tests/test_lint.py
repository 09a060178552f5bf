"""The code passes the project's linter, formatter and type checker (ruff and mypy --strict,
configured in pyproject)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ["vng_accounts", "statements", "vng", "importers", "tests", "bench"]


def _tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def _ruff() -> str:
    return _tool("ruff")


def test_ruff_check() -> None:
    result = subprocess.run(
        [_ruff(), "check", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = subprocess.run(
        [_ruff(), "format", "--check", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_mypy_strict() -> None:
    """mypy --strict over every package (pyproject lists them), without a single error."""
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout
