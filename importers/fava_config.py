"""Fava's import page: ``custom "fava-option" "import-config"`` points here."""

from importers.config import CONFIG

__all__ = ["CONFIG"]
