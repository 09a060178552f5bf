"""The code passes the project's linter and formatter (ruff, configured in pyproject)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ["vng_accounts", "statements", "vng", "importers", "tests", "bench"]


def _ruff() -> str:
    local = Path(sys.executable).with_name("ruff")
    return str(local) if local.exists() else (shutil.which("ruff") or "ruff")


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
