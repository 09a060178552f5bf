"""Long work shows its progress on stderr: per entity and phase, as plain lines when
stderr is not a terminal, as one line rewritten in place when it is; ``-q`` silences
it, and stdout, the errors and the exit codes stay what they were."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from statements.consolidatie import read_group
from tests.conftest import ROOT, vng
from vng.voortgang import Melding, Voortgang

GROUP = ROOT / "ledger" / "groep" / "groep.beancount"
KEYS = [e.key for e in read_group(str(GROUP)).entities]
REPORTING = "vereniging"
ENTITY = re.compile(r"^(?P<key>[a-z]+) \((?P<i>\d+)/(?P<n>\d+)\): (?P<what>.+)$")
DONE = re.compile(r"^(?P<fase>[a-z]+) \d+,\d\d s$")
WHOLE = re.compile(r"^groep: (?P<fase>[a-z ]+) \d+,\d\d s$")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VNG_CACHE", str(folder))
    return folder


def _progress(stderr: str) -> tuple[dict[str, list[str]], list[str]]:
    """(per entity what it reported, in order; the lines of the whole, in order)."""
    entities: dict[str, list[str]] = {}
    whole = []
    for line in stderr.splitlines():
        found = ENTITY.match(line)
        if found:
            assert int(found["n"]) == len(KEYS), line
            assert KEYS[int(found["i"]) - 1] == found["key"], line
            done = DONE.match(found["what"])
            entities.setdefault(found["key"], []).append(done["fase"] if done else found["what"])
        else:
            whole.append(line)
    return entities, whole


def _phases(whole: list[str]) -> list[str]:
    phases = []
    for line in whole[:-1]:
        found = WHOLE.match(line)
        assert found, line
        phases.append(found["fase"])
    return phases


def test_jaarverslag_shows_every_entity_and_phase_then_the_cache(
    tmp_path: Path, cache: Path
) -> None:
    out = tmp_path / "out"
    result = vng("jaarverslag", "--year", "2024", "--out", str(out))
    assert result.returncode == 0, result.stderr
    entities, whole = _progress(result.stderr)
    assert sorted(entities) == sorted(KEYS)
    for key, phases in entities.items():
        own = ["staten"] if key == REPORTING else []
        assert phases == ["laden", "cijfers", *own, "grootboek", "auditfile"], key
    assert _phases(whole) == ["entiteiten", "consolidatie", "opmaak", "schrijven"]
    assert re.fullmatch(r"klaar in \d+,\d\d s", whole[-1]), whole
    # stdout is the list of files written, as before: the same as with -q
    quiet = vng("jaarverslag", "--year", "2024", "--out", str(out), "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert result.stdout == quiet.stdout
    assert all(Path(line).exists() for line in result.stdout.splitlines())

    again = vng("jaarverslag", "--year", "2024", "--out", str(out))
    assert again.returncode == 0, again.stderr
    entities, whole = _progress(again.stderr)
    assert entities == {key: ["uit de cache"] for key in KEYS}
    assert _phases(whole) == ["entiteiten", "uitvoer uit de cache", "schrijven"]
    assert again.stdout == result.stdout


def test_check_shows_every_entity_and_phase(cache: Path) -> None:
    result = vng("check")
    assert result.returncode == 0, result.stderr
    entities, whole = _progress(result.stderr)
    assert entities == {key: ["laden", "cijfers"] for key in KEYS}
    assert _phases(whole) == ["entiteiten", "consolidatie"]
    assert whole[-1].startswith("klaar in ")
    quiet = vng("check", "--stil")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert result.stdout == quiet.stdout
    assert "consolidatie 2023-2026 sluit, geen fouten" in result.stdout


def test_errors_stay_file_line_reason_with_their_exit_code(books_copy: Path, cache: Path) -> None:
    with open(books_copy.parent / "2024.beancount", "a", encoding="utf-8") as handle:
        handle.write('\n2024-03-01 * "Leverancier" "Factuur"\n  Lasten:Bestaat:Niet  10 EUR\n')
    result = vng("check", "--books", str(books_copy))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"eigen \(1/1\): laden \d+,\d\d s", lines[0]), lines
    assert re.fullmatch(r"eigen \(1/1\): \d+ fouten?", lines[1]), lines
    assert re.fullmatch(r"gestopt na \d+,\d\d s", lines[2]), lines
    assert lines[3:] and all(re.match(r"^\S+\.beancount:\d+: ", line) for line in lines[3:])
    assert result.stdout == ""
    quiet = vng("check", "--books", str(books_copy), "-q")
    assert quiet.returncode == 1
    assert quiet.stderr.splitlines() == lines[3:]


def _on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run ``vng`` with stderr on a pseudo-terminal: (exit code, stdout, the terminal)."""
    import pty

    script = Path(sys.executable).with_name("vng")
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", TERM="xterm")
    process = subprocess.Popen(
        [str(script), *args], stdout=subprocess.PIPE, stderr=slave, env=env, text=True
    )
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert process.stdout is not None
    stdout = process.stdout.read()
    return process.wait(timeout=600), stdout, screen.decode()


def test_on_a_terminal_one_line_is_rewritten_and_ends_with_a_newline(cache: Path) -> None:
    code, stdout, screen = _on_a_terminal("check")
    assert code == 0, screen
    assert "consolidatie 2023-2026 sluit, geen fouten" in stdout
    assert screen.count("\r") > len(KEYS)  # the line, rewritten in place
    assert screen.endswith("\n")
    line = screen.rstrip("\r\n").rsplit("\r", 1)[-1]
    assert re.fullmatch(rf"\[{len(KEYS)}/{len(KEYS)}\] klaar in \d+,\d\d s\x1b\[K", line), line
    assert "vereniging laden" in screen and "groep consolidatie" in screen
    # one line: no plain line per phase, and the only newline is the last one
    assert "\n" not in screen.rstrip("\r\n")
    code, _, screen = _on_a_terminal("check", "-q")
    assert code == 0 and screen == ""


def test_the_line_fits_the_terminal_and_plain_lines_need_none() -> None:
    stream = io.StringIO()
    progress = Voortgang(stream, tty=True)
    progress.entiteiten(["een" * 40, "twee"])
    progress.melding(Melding("een" * 40, "laden"))
    progress.melding(Melding("twee", "laden"))
    progress.sluit()
    drawn = stream.getvalue().split("\r")[1:]
    assert drawn and all(len(d.removesuffix("\n").removesuffix("\x1b[K")) < 80 for d in drawn)
    assert stream.getvalue().endswith("\x1b[K\n")

    stream = io.StringIO()
    progress = Voortgang(stream, tty=False)
    progress.entiteiten(["een", "twee"])
    progress.melding(Melding("twee", "laden"))
    progress.melding(Melding("twee", "laden", 1.5))
    progress.uit_cache("een")
    progress.entiteit("twee")
    progress.fase("consolidatie")
    progress.sluit()
    lines = stream.getvalue().splitlines()
    assert lines[:3] == ["twee (2/2): laden 1,50 s", "een (1/2): uit de cache", lines[2]]
    assert lines[2].startswith("groep: entiteiten ") and lines[3].startswith("groep: consolidatie")
    assert lines[4].startswith("klaar in ") and len(lines) == 5
    assert "\r" not in stream.getvalue()
