"""Git for ``vng import``: the output must be in a work tree and as last committed;
an import commits exactly the files it wrote or moved, with its user as author.

Unlike Fava's commit (``vng.vastlegging.commit``, of the whole books folder),
nothing else is staged or committed: a change someone made elsewhere in the books
stays theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from importers.base import ImportFailure
from vng.vastlegging import run_git

COMMITTER = ("vng import", "import@boeken.vng.invalid")


def _git(folder: Path | str, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_git(str(folder), args, env)
    if result.returncode != 0:
        raise ImportFailure(str(folder), 0, f"git {args[0]}: {result.stderr.strip()}")
    return result.stdout


def work_tree(path: Path) -> Path:
    """The top of the git work tree that holds ``path``; refused when there is none."""
    folder = path.parent
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").strip()
    except (ImportFailure, OSError):
        top = ""
    if not top:
        raise ImportFailure(
            str(path),
            0,
            "staat niet in een git-repository: elke import wordt een vastlegging "
            "(git init en leg de boeken eerst vast)",
        )
    return Path(top).resolve()


def inside(repository: Path, path: str) -> bool:
    return Path(path).resolve().is_relative_to(repository)


def require_committed(repository: Path, path: Path) -> None:
    """Refuse an output that differs from the last commit: the import would commit
    someone else's change under its own name."""
    status = _git(repository, "status", "--porcelain", "--untracked-files=all", "--", str(path))
    if status.strip():
        raise ImportFailure(
            str(path),
            0,
            "wijkt af van de laatste vastlegging: leg die wijziging eerst vast "
            "of zet het bestand terug (vng herstel)",
        )


def tracked(repository: Path, paths: Sequence[str]) -> set[str]:
    """Those of ``paths`` that git tracks in ``repository``."""
    inside_paths = [p for p in paths if inside(repository, p)]
    if not inside_paths:
        return set()
    listed = _git(repository, "ls-files", "--full-name", "--", *inside_paths)
    names = {str((repository / name).resolve()) for name in listed.splitlines()}
    return {p for p in inside_paths if str(Path(p).resolve()) in names}


def commit_files(repository: Path, paths: Sequence[str], user: str, message: str) -> None:
    """One commit of exactly ``paths`` (written, moved in or moved out)."""
    _git(repository, "add", "-A", "--", *paths)
    env = {
        "GIT_AUTHOR_NAME": user,
        "GIT_AUTHOR_EMAIL": f"{user.replace(' ', '.')}@boeken.vng.invalid",
        "GIT_COMMITTER_NAME": COMMITTER[0],
        "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }
    _git(repository, "commit", "-q", "--only", "-m", message, "--", *paths, env=env)
