"""``make bench``: the jaarrekening against beancount's own ``bean-check``, on the same
synthetic group books, at 10k, 100k and 1M posting lines.

Per size, in each round and in this order (rounds alternate the programs; the median
of the rounds counts):

- B: ``bean-check --no-cache`` on every entity's books, one after the other, summed;
- ``vng check`` on the group (no cache);
- ``vng jaarrekening``, cold: the JSON only, no cache;
- ``vng jaarverslag``, cold: JSON, PDF, workbook and an auditfile per entity;
- the same again with the books unchanged (the cache of the run before);
- the same after one entity's books changed: a transaction added to a dochter
  (Realisatie, the goal), then to the Vereniging (for the record: it holds the largest
  books of the group, ~42 % of the postings, and loading and checking those alone
  takes bean-check ~0,45 × B; no build that checks what changed can go below that).

Wall time, the peak memory of the whole process tree (the resident memory of the
process and its children, sampled every 20 ms) and the ratios to B are written to
``docs/performance.md``, with the machine. The run fails when a goal is missed.

While it runs, stderr shows what is being measured (size, round, command) and what
that command reports of its entities and phases (``vng.voortgang``): on a terminal
one line rewritten in place, otherwise plain lines, each measurement's seconds among
them. The report goes to stdout, as before.

    python -m bench.meet [--groottes 10k,100k,1m] [--rondes 3] [--map build/bench]
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.genereer import genereer
from vng.voortgang import Regel, seconden

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
LABELS = {
    "check": "vng check (groep, koud)",
    "json": "vng jaarrekening, koud (JSON)",
    "volledig": "vng jaarverslag, koud (JSON, PDF, XLSX, XAF)",
    "ongewijzigd": "vng jaarverslag, boeken ongewijzigd",
    "dochter": "vng jaarverslag, na wijziging van een dochter (Realisatie)",
    "vereniging": "vng jaarverslag, na wijziging van de Vereniging",
}
# the same, short: what stderr shows while it is measured
SHORT = {
    "check": "vng check",
    "json": "vng jaarrekening",
    "volledig": "vng jaarverslag",
    "ongewijzigd": "vng jaarverslag ongewijzigd",
    "dochter": "vng jaarverslag na dochter",
    "vereniging": "vng jaarverslag na vereniging",
}
# the entity whose books change: a dochter for the goal; the Vereniging, which holds
# the largest books of the group, for the record (its own bean-check takes ~0,45 × B)
CHANGED = {"dochter": "realisatie", "vereniging": "vereniging"}
BIN = Path(sys.executable).parent


@dataclass
class Meting:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    render: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> int:
        return max(self.peak_kb)


def _tree_rss_kb(root: int) -> int:
    """Memory of ``root`` and all its descendants, in KB: the proportional set size,
    so pages a forked child shares with its parent count once."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


class Scherm:
    """What is being measured, on stderr: the measurement and the last line its command
    reported (a ``vng`` command's entities and phases), with the seconds so far."""

    def __init__(self) -> None:
        self.wat = ""
        self.laatste = ""
        self.start = time.perf_counter()
        self.uit = Regel(sys.stderr, self._status)

    def _status(self) -> str:
        seconds = seconden(time.perf_counter() - self.start)
        return f"{self.wat} [{seconds}] {self.laatste}".rstrip()

    def meting(self, wat: str) -> None:
        self.wat, self.laatste, self.start = wat, "", time.perf_counter()
        self.uit.teken()

    def regel(self, line: str) -> None:
        """A line of the command: on its own line, or the last one on the terminal."""
        self.laatste = line
        self.uit.regel(f"{self.wat}: {line}")
        self.uit.teken()

    def klaar(self, seconds: float | None = None) -> None:
        """The measurement is done: its seconds (by default since ``meting``)."""
        seconds = time.perf_counter() - self.start if seconds is None else seconds
        self.uit.regel(f"{self.wat}: {seconden(seconds)}")
        self.uit.teken()

    def wis(self) -> None:
        """Off the terminal's line, before stdout is written to or the run stops."""
        self.uit.wis()


SCHERM = Scherm()


def timed(command: list[str], env: dict[str, str], cwd: Path, wat: str) -> tuple[float, int]:
    """Wall time and peak memory of the process tree of ``command``; fails loudly.
    What the command reports on stderr is shown as it comes (``wat`` names it)."""
    SCHERM.meting(wat)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    done = threading.Event()
    error: list[str] = []

    def sample() -> None:
        nonlocal peak
        count = 0
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.02)
            count += 1
            if count % 10 == 0:  # the seconds on the terminal run on
                SCHERM.uit.teken()

    def read() -> None:
        assert process.stderr is not None
        for raw in process.stderr:
            line = raw.decode(errors="replace").rstrip("\n")
            error.append(line)
            SCHERM.regel(line)

    sampler = threading.Thread(target=sample, daemon=True)
    reader = threading.Thread(target=read, daemon=True)
    sampler.start()
    reader.start()
    process.wait()
    reader.join()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        SCHERM.wis()
        raise SystemExit(f"{' '.join(command)} faalde:\n" + "\n".join(error))
    SCHERM.klaar(seconds)
    return seconds, peak


class Boeken:
    """One generated size: its books, the commands on them."""

    def __init__(self, folder: Path, lines: int) -> None:
        self.folder = folder
        self.lines = genereer(lines, folder)
        self.ledger = folder / "ledger"
        self.mains = sorted(self.ledger.glob("*/main.beancount"))
        self.mains = [m for m in self.mains if m.parent.name != "groep"]
        self.args = [
            "--books",
            str(self.ledger / "vereniging" / "main.beancount"),
            "--groep",
            str(self.ledger / "groep" / "groep.beancount"),
        ]
        self.changes = 0

    def change_one_entity(self, entity: str) -> None:
        """Add a transaction to one entity's books (a new content, a new cache key)."""
        self.changes += 1
        bank = "Activa:LiquideMiddelen:Bank" + (":ING" if entity == "vereniging" else "")
        with open(self.ledger / entity / "synthetisch.beancount", "a") as handle:
            handle.write(
                f'\n2024-06-{1 + self.changes % 28:02d} * "Bench" "Correctie {self.changes}"\n'
                f"  {bank}       10.00 EUR\n"
                f"  {bank}      -10.00 EUR\n"
            )


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


def meet(books: Boeken, rounds: int) -> dict[str, Meting]:
    m = {k: Meting() for k in ("B", "hledger", *LABELS)}
    vng, out = str(BIN / "vng"), books.folder / "out"
    for number in range(1, rounds + 1):
        at = f"{books.folder.name} ronde {number}/{rounds}"
        seconds, peak = 0.0, 0
        for main in books.mains:
            s, p = timed(
                [str(BIN / "bean-check"), "--no-cache", str(main)],
                _env(),
                books.folder,
                f"{at} bean-check {main.parent.name}",
            )
            seconds, peak = seconds + s, max(peak, p)
        m["B"].seconds.append(seconds)
        m["B"].peak_kb.append(peak)
        if shutil.which("hledger"):
            seconds, peak = 0.0, 0
            for journal in sorted((books.folder / "hledger").glob("*.journal")):
                s, p = timed(
                    ["hledger", "-f", str(journal), "bs"],
                    _env(),
                    books.folder,
                    f"{at} hledger {journal.stem}",
                )
                seconds, peak = seconds + s, max(peak, p)
            m["hledger"].seconds.append(seconds)
            m["hledger"].peak_kb.append(peak)
        with tempfile.TemporaryDirectory() as cache:
            cold = _env(VNG_CACHE=str(Path(cache) / "koud"))
            for name, command in (
                ("check", [vng, "check", *books.args]),
                ("json", [vng, "jaarrekening", "--year", "2024", *books.args, "--out", str(out)]),
            ):
                s, p = timed(command, cold, books.folder, f"{at} {SHORT[name]}")
                m[name].seconds.append(s)
                m[name].peak_kb.append(p)
                shutil.rmtree(Path(cache) / "koud", ignore_errors=True)
            warm = str(Path(cache) / "warm")
            full = [vng, "jaarverslag", "--year", "2024", *books.args, "--out", str(out)]
            for name in ("volledig", "ongewijzigd", "dochter", "vereniging"):
                if name in ("dochter", "vereniging"):
                    books.change_one_entity(CHANGED[name])
                phases = Path(cache) / f"{name}.json"
                s, p = timed(
                    full,
                    _env(VNG_CACHE=warm, VNG_TIJDEN=str(phases)),
                    books.folder,
                    f"{at} {SHORT[name]}",
                )
                m[name].seconds.append(s)
                m[name].peak_kb.append(p)
                m[name].render.append(json.loads(phases.read_text())["opmaak"])
    return m


def fava_warm(books: Boeken) -> float:
    """Seconds for the Jaarrekening page in Fava, asked a second time."""
    port = 5391
    process = subprocess.Popen(
        [str(BIN / "fava"), "--host", "127.0.0.1", "--port", str(port), books.args[1]],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/", timeout=60) as response:
                    slug = response.url.split("/")[3]
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("Fava startte niet")
        page = f"{base}/{slug}/extension/VngJaarrekening/?jaar=2024"
        with urllib.request.urlopen(page, timeout=300) as response:
            assert b"Balans" in response.read()
        start = time.perf_counter()
        with urllib.request.urlopen(page, timeout=300) as response:
            response.read()
        return time.perf_counter() - start
    finally:
        process.terminate()
        process.wait()


def _machine() -> str:
    model = "onbekend"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().split()[1]
        memory = f"{int(memory) / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "onbekend"
    import beancount

    return (
        f"{model}, {os.cpu_count()} cores, {memory}; {platform.platform()}; "
        f"Python {platform.python_version()}, beancount {beancount.__version__}"
    )


def goals(
    results: dict[str, tuple[Boeken, dict[str, Meting]]], fava: float | None
) -> list[tuple[str, str, bool | None]]:
    """(goal, measured, met) for every goal of the issue that these sizes allow; met is
    None for a figure reported without a goal."""
    out: list[tuple[str, str, bool | None]] = []

    def ratio(size: str, name: str) -> float:
        m = results[size][1]
        return m[name].median / m["B"].median

    for size in ("100k", "1m"):
        if size in results:
            r = ratio(size, "json")
            out.append((f"koude JSON ≤ 0,8 × B bij {size}", f"{r:.2f} × B", r <= 0.8))
    if "1m" in results:
        r = ratio("1m", "volledig")
        out.append(("volledig jaarverslag ≤ 1,5 × B bij 1m", f"{r:.2f} × B", r <= 1.5))
    for size in results:
        if size == "10k":
            continue
        r = ratio(size, "ongewijzigd")
        out.append((f"herbouw ongewijzigd ≤ 0,25 × B bij {size}", f"{r:.2f} × B", r <= 0.25))
        r = ratio(size, "dochter")
        out.append((f"herbouw na één dochter ≤ 0,4 × B bij {size}", f"{r:.2f} × B", r <= 0.4))
        m = results[size][1]
        peak = max(m[k].peak for k in LABELS)
        r = peak / m["B"].peak
        if size == "1m":
            out.append((f"piekgeheugen ≤ 1,5 × bean-check bij {size}", f"{r:.2f} ×", r <= 1.5))
        else:  # below a million the fixed part (Python, three processes) dominates
            out.append((f"piekgeheugen bij {size} (ter informatie)", f"{r:.2f} ×", None))
    if "10k" in results and "1m" in results:
        small = statistics.median(results["10k"][1]["volledig"].render)
        large = statistics.median(results["1m"][1]["volledig"].render)
        r = large / small
        out.append(("opmaak bij 1m ≤ 1,2 × opmaak bij 10k", f"{r:.2f} ×", r <= 1.2))
    if "100k" in results and "1m" in results:
        (b1, m1), (b2, m2) = results["100k"], results["1m"]
        slope = math.log(m2["json"].median / m1["json"].median) / math.log(b2.lines / b1.lines)
        out.append(("groei koude JSON 100k → 1m: helling ≤ 1,1", f"{slope:.2f}", slope <= 1.1))
    if fava is not None:
        out.append(("Fava-pagina Jaarrekening warm ≤ 2 s bij 100k", f"{fava:.2f} s", fava <= 2))
    return out


def report(
    results: dict[str, tuple[Boeken, dict[str, Meting]]], fava: float | None, rounds: int
) -> tuple[str, bool]:
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/meet.py`); do not edit by hand. The books are",
        "generated by `bench/genereer.py` from the embedded books of the group; B is the sum",
        "of `bean-check --no-cache` over the entities' books, measured in the same rounds.",
        f"Median of {rounds} rounds; memory is the peak proportional set size of the process tree.",
        "",
        f"Measured {datetime.date.today()} on: {_machine()}.",
        "",
        "| boekingsregels | meting | seconden | × B | piekgeheugen (MB) | × bean-check |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    labels = {"B": "B: bean-check --no-cache, som over de entiteiten", **LABELS}
    if any(m["hledger"].seconds for _, m in results.values()):
        labels["hledger"] = "hledger bs op dezelfde transacties, som over de entiteiten"
    for books, m in results.values():
        size = f"{books.lines:,}".replace(",", ".")
        for name, label in labels.items():
            lines.append(
                f"| {size} | {label} | {m[name].median:.2f} | "
                f"{m[name].median / m['B'].median:.2f} | {m[name].peak / 1024:.0f} | "
                f"{m[name].peak / m['B'].peak:.2f} |"
            )
        render = statistics.median(m["volledig"].render)
        lines.append(f"| {size} | opmaak PDF en werkmap (volledige bouw) | {render:.2f} | | | |")
    lines += ["", "## Goals", "", "| doel | gemeten | gehaald |", "|---|---|---|"]
    met = True
    for goal, measured, ok in goals(results, fava):
        verdict = "—" if ok is None else "ja" if ok else "NEE"
        lines.append(f"| {goal} | {measured} | {verdict} |")
        met = met and ok is not False
    for size, (_, m) in results.items():
        if m["hledger"].seconds and size != "10k":  # the stretch: reported, not required
            r = m["json"].median / m["hledger"].median
            lines.append(
                f"| streven: koude JSON niet trager dan hledger bs bij {size} | "
                f"{r:.2f} × hledger | {'ja' if r <= 1 else 'nee (streven)'} |"
            )
    return "\n".join(lines) + "\n", met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groottes", default="10k,100k,1m")
    parser.add_argument("--rondes", type=int, default=3)
    parser.add_argument("--map", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--rapport", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    results: dict[str, tuple[Boeken, dict[str, Meting]]] = {}
    fava = None
    for size in args.groottes.split(","):
        SCHERM.meting(f"{size}: boeken maken")
        books = Boeken(args.map / size, SIZES[size])
        SCHERM.klaar()
        SCHERM.wis()
        print(f"{size}: {books.lines} boekingsregels", flush=True)  # noqa: T201
        results[size] = (books, meet(books, args.rondes))
        if size == "100k":
            SCHERM.meting(f"{size}: Fava-pagina Jaarrekening")
            fava = fava_warm(books)
            SCHERM.klaar(fava)
    SCHERM.wis()
    text, met = report(results, fava, args.rondes)
    from vng.output import write_atomic

    write_atomic(str(args.rapport), text)
    print(text)  # noqa: T201
    if not met:
        raise SystemExit("make bench: niet elk doel gehaald (zie docs/performance.md)")


if __name__ == "__main__":
    main()
