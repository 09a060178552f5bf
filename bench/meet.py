"""``make bench``: the jaarrekening against beancount's own ``bean-check`` and against
``hledger bs``, on the same synthetic group books, at 10k and 100k posting lines, and
at 1M when asked (``--groottes 10k,100k,1m``; the 1M rows take about half an hour).

Per size, in each round and in this order (the median of the rounds counts):

- B: ``bean-check --no-cache`` on every entity's books, one after the other, summed;
  the Vereniging's alone is kept as well (the goal of the rebuild after it changed);
- ``hledger bs`` on the same transactions, every entity, summed;
- ``vng check`` on the group (no cache);
- ``vng jaarrekening``, cold: the JSON only, no cache;
- ``vng jaarverslag``, cold: JSON, PDF, workbook and an auditfile per entity;
- the same again with the books unchanged (the cache of the run before);
- the same after one entity's books changed: a transaction added to a dochter
  (Realisatie), then to the Vereniging (the largest books of the group, ~42 % of the
  postings: no build that checks what changed can go below their own bean-check).

At the largest size, a save in Fava through the real stack (``vng serve`` behind
``vng proxy``, a new entry staged, checked and committed) until the Jaarrekening page
answers again with the statements of the new books, as many times as there are rounds.

Every row has its wall time and its CPU time (user + sys of the process and of every
worker it started and waited for), the peak memory of the whole process tree (the
proportional set size of the process and its children, sampled every 20 ms) and the
ratios to B; the goals of the issue are each checked on the ratio of medians measured
in the same rounds. On a machine shared with other work wall times include the waits
for the cores; CPU times hardly do, so decisions about speed are taken on CPU. The
report goes to ``docs/performance.md``, with the machine and its load average; the
run fails when a goal is missed.

While it runs, stderr shows what is being measured (size, round, command) and what
that command reports of its entities and phases (``vng.voortgang``): on a terminal
one line rewritten in place, otherwise plain lines, each measurement's seconds among
them. The report goes to stdout as well.

The journal-entry tests (``statements.journaalposten.analyse``) are measured by
themselves as well, on the ledgers of every entity (``bench/analyse.py``), against B of
the same run; ``--alleen analyse`` measures only B and them, and rewrites only their
section of the report (``python -m bench.meet --groottes 1m --alleen analyse``).

    python -m bench.meet [--groottes 10k,100k[,1m]] [--rondes 3] [--fava ja|nee]
        [--alleen analyse [--rondes-b N]] [--opmerking TEXT]
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
    cpu: list[float] = field(default_factory=list)  # user + sys of the process tree
    peak_kb: list[int] = field(default_factory=list)
    render: list[float] = field(default_factory=list)
    lines: int = 0  # the posting lines of the year a measurement went over (the analysis)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    def add(self, seconds: float, cpu: float, peak: int) -> None:
        self.seconds.append(seconds)
        self.cpu.append(cpu)
        self.peak_kb.append(peak)

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


def timed(command: list[str], env: dict[str, str], cwd: Path, wat: str) -> tuple[float, float, int]:
    """Wall time, CPU time (user + sys of the process and every child it waited for:
    the worker processes of a build) and peak memory of the process tree of
    ``command``; fails loudly. What the command reports on stderr is shown as it comes
    (``wat`` names it)."""
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
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    reader.join()
    done.set()
    sampler.join()
    if process.returncode != 0:
        SCHERM.wis()
        raise SystemExit(f"{' '.join(command)} faalde:\n" + "\n".join(error))
    SCHERM.klaar(seconds)
    return seconds, usage.ru_utime + usage.ru_stime, peak


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


def bean_check(books: Boeken, at: str, m: dict[str, Meting]) -> None:
    """B: bean-check on every entity's books, one after the other, summed; the
    Vereniging's alone as well."""
    seconds, cpu, peak = 0.0, 0.0, 0
    for main in books.mains:
        s, c, p = timed(
            [str(BIN / "bean-check"), "--no-cache", str(main)],
            _env(),
            books.folder,
            f"{at} bean-check {main.parent.name}",
        )
        seconds, cpu, peak = seconds + s, cpu + c, max(peak, p)
        if main.parent.name == "vereniging":  # the goal of the Vereniging's rebuild
            m["B:vereniging"].add(s, c, p)
    m["B"].add(seconds, cpu, peak)


def analyse(books: Boeken, rounds: int) -> Meting:
    """The journal-entry tests alone (``bench.analyse``): the books loaded and the
    ledgers built once, the analysis of every entity ``rounds`` times; per round its
    wall and CPU time as the process measured them (no memory: the process holds
    the books as well)."""
    SCHERM.meting(f"{books.folder.name} journaalpostentests")
    process = subprocess.run(
        [sys.executable, "-m", "bench.analyse", "--groep", books.args[3], "--rondes", str(rounds)],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if process.returncode != 0:
        SCHERM.wis()
        raise SystemExit(f"bench.analyse faalde:\n{process.stderr}")
    found = json.loads(process.stdout)
    SCHERM.klaar()
    result = Meting()
    for seconds, cpu in zip(found["wall"], found["cpu"], strict=True):
        result.add(seconds, cpu, 0)
    result.lines = int(found["regels"])
    return result


def meet(books: Boeken, rounds: int) -> dict[str, Meting]:
    m = {k: Meting() for k in ("B", "B:vereniging", "hledger", *LABELS)}
    vng, out = str(BIN / "vng"), books.folder / "out"
    for number in range(1, rounds + 1):
        at = f"{books.folder.name} ronde {number}/{rounds}"
        bean_check(books, at, m)
        if shutil.which("hledger"):
            seconds, cpu, peak = 0.0, 0.0, 0
            for journal in sorted((books.folder / "hledger").glob("*.journal")):
                s, c, p = timed(
                    ["hledger", "-f", str(journal), "bs"],
                    _env(),
                    books.folder,
                    f"{at} hledger {journal.stem}",
                )
                seconds, cpu, peak = seconds + s, cpu + c, max(peak, p)
            m["hledger"].add(seconds, cpu, peak)
        with tempfile.TemporaryDirectory() as cache:
            cold = _env(VNG_CACHE=str(Path(cache) / "koud"))
            for name, command in (
                ("check", [vng, "check", *books.args]),
                ("json", [vng, "jaarrekening", "--year", "2024", *books.args, "--out", str(out)]),
            ):
                m[name].add(*timed(command, cold, books.folder, f"{at} {SHORT[name]}"))
                shutil.rmtree(Path(cache) / "koud", ignore_errors=True)
            warm = str(Path(cache) / "warm")
            full = [vng, "jaarverslag", "--year", "2024", *books.args, "--out", str(out)]
            for name in ("volledig", "ongewijzigd", "dochter", "vereniging"):
                if name in ("dochter", "vereniging"):
                    books.change_one_entity(CHANGED[name])
                phases = Path(cache) / f"{name}.json"
                m[name].add(
                    *timed(
                        full,
                        _env(VNG_CACHE=warm, VNG_TIJDEN=str(phases)),
                        books.folder,
                        f"{at} {SHORT[name]}",
                    )
                )
                m[name].render.append(json.loads(phases.read_text())["opmaak"])
    m["analyse"] = analyse(books, rounds)
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


FAVA_BOOKS = "vereniging-van-nederlandse-gemeenten"  # Fava's name for the Vereniging's
FAVA_USER = ("bench", "bench-geheim")
FAVA_PAGE = "/extension/VngJaarrekening/?jaar=2024"


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + sys) of ``root`` and its live descendants, with what each
    of them has collected of its own ended children."""
    tick = os.sysconf("SC_CLK_TCK")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total / tick


class Piek:
    """The peak memory of a process tree, sampled in a thread from now until ``stop``."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss_kb(self.pid))
            time.sleep(0.05)

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def _ask(url: str, body: object | None = None, timeout: float = 1800) -> str:
    """A request through the proxy as the bench's user: the body of the answer."""
    import base64

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="PUT" if data else "GET")
    token = base64.b64encode(":".join(FAVA_USER).encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return str(response.read().decode("utf-8", "replace"))


def _page_ready(url: str) -> None:
    """Ask the Jaarrekening page until it shows the statements, as its script does
    while it says they are being computed."""
    while "wordt berekend" in (page := _ask(url)) or "Balans" not in page:
        time.sleep(0.1)


def fava_opslaan(books: Boeken, rounds: int) -> Meting:
    """A save in Fava through the real stack (``vng serve`` behind ``vng proxy``: a new
    entry in the Vereniging's books, staged, checked and committed), until the
    Jaarrekening page answers again with the statements of the books' new state:
    wall time, the CPU of ``vng serve``'s process tree, its peak memory."""
    import socket

    root = books.folder / "fava"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(books.ledger, root / "ledger")
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@x"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "boeken"]):
        subprocess.run(git + args, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "vng"), "gebruiker", FAVA_USER[0], "--rol", "boekhouding"]
        + ["--gebruikers", str(root / "gebruikers")],
        input=FAVA_USER[1] + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    serve = subprocess.Popen(
        [str(BIN / "vng"), "serve", "--books", "ledger/vereniging/main.beancount"]
        + ["--groep", "ledger/groep/groep.beancount", "--runtime", "proxy"],
        cwd=root,
        env=_env(VNG_CACHE=str(root / "cache")),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = subprocess.Popen(
        [str(BIN / "vng"), "proxy", "--gebruikers", "gebruikers", "--port", str(port)]
        + ["--runtime", "proxy"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    result = Meting()
    base = f"http://127.0.0.1:{port}/{FAVA_BOOKS}"
    try:
        SCHERM.meting(f"{books.folder.name} Fava: opstarten en eerste pagina")
        for _ in range(3000):
            if serve.poll() is not None or proxy.poll() is not None:
                raise SystemExit("vng serve of vng proxy stopte")
            try:
                _page_ready(base + FAVA_PAGE)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("Fava startte niet")
        SCHERM.klaar()
        for number in range(1, rounds + 1):
            SCHERM.meting(f"{books.folder.name} Fava ronde {number}/{rounds}: opslaan tot pagina")
            entry = {
                "t": "Transaction",
                "date": f"2024-12-{10 + number:02d}",
                "flag": "*",
                "payee": "Bench",
                "narration": f"Opslaan {number}",
                "meta": {},
                "tags": [],
                "links": [],
                "postings": [
                    {"account": account, "amount": f"{amount} EUR", "meta": {}}
                    for account, amount in (
                        ("Lasten:KantoorHuisvesting:Drukwerk", "12.00"),
                        ("Passiva:Kortlopend:Handelscrediteuren", "-12.00"),
                    )
                ],
            }
            peak = Piek(serve.pid)
            cpu, start = _tree_cpu(serve.pid), time.perf_counter()
            _ask(base + "/api/add_entries", {"entries": [entry]})
            _page_ready(base + FAVA_PAGE)
            seconds = time.perf_counter() - start
            result.add(seconds, _tree_cpu(serve.pid) - cpu, peak.stop())
            SCHERM.klaar(seconds)
    finally:
        for process in (proxy, serve):
            process.terminate()
            process.wait(30)
    return result


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


Doel = tuple[str, str, str, bool | None]  # goal, measured (wall), measured (CPU), met


def goals(
    results: dict[str, tuple[Boeken, dict[str, Meting]]],
    fava: float | None,
    opslaan: tuple[str, Meting] | None,
) -> list[Doel]:
    """(goal, wall, CPU, met) for every goal of the issue that these sizes allow; met
    is None for a figure reported without a goal. Each ratio is of medians measured in
    the same rounds."""
    out: list[Doel] = []

    def ratio(size: str, name: str, base: str = "B") -> tuple[float, float]:
        m = results[size][1]
        return m[name].median / m[base].median, m[name].cpu_median / m[base].cpu_median

    def row(goal: str, size: str, name: str, base: str, limit: float, on_cpu: bool) -> None:
        wall, cpu = ratio(size, name, base)
        unit = "× B" if base == "B" else f"× {base.replace('B:', 'bean-check ')}"
        out.append(
            (goal, f"{wall:.2f} {unit}", f"{cpu:.2f} {unit}", (cpu if on_cpu else wall) <= limit)
        )

    if "100k" in results:
        row(
            "koude vng jaarrekening: CPU ≤ 0,80 × CPU van B bij 100k",
            "100k",
            "json",
            "B",
            0.80,
            True,
        )
    for size in ("100k", "1m"):
        if size in results:
            row(f"koude JSON ≤ 0,8 × B bij {size}", size, "json", "B", 0.8, False)
    for size in results:
        if size == "10k":
            continue
        row(f"herbouw ongewijzigd ≤ 0,25 × B bij {size}", size, "ongewijzigd", "B", 0.25, False)
        row(f"herbouw na één dochter ≤ 0,25 × B bij {size}", size, "dochter", "B", 0.25, False)
        row(
            f"herbouw na de Vereniging ≤ 1,00 × haar eigen bean-check bij {size}",
            size,
            "vereniging",
            "B:vereniging",
            1.0,
            False,
        )
    if "1m" in results:
        m = results["1m"][1]
        if m["hledger"].seconds:
            row("koude JSON ≤ 1,00 × hledger bs bij 1m", "1m", "json", "hledger", 1.0, False)
        row("volledig jaarverslag ≤ 1,5 × B bij 1m", "1m", "volledig", "B", 1.5, False)
    for size in results:
        if size == "10k":
            continue
        m = results[size][1]
        r = max(m[k].peak for k in LABELS) / m["B"].peak
        if size == "1m":
            out.append((f"piekgeheugen ≤ 1,5 × bean-check bij {size}", f"{r:.2f} ×", "", r <= 1.5))
        else:  # below a million the fixed part (Python, three processes) dominates
            out.append((f"piekgeheugen bij {size} (ter informatie)", f"{r:.2f} ×", "", None))
    if opslaan is not None:
        size, saved = opslaan
        own = results[size][1]["B:vereniging"]
        wall, cpu = saved.median / own.median, saved.cpu_median / own.cpu_median
        out.append(
            (
                "Fava: opslaan tot de pagina weer antwoordt ≤ bean-check van de Vereniging "
                f"bij {size}",
                f"{saved.median:.1f} s = {wall:.2f} ×",
                f"{saved.cpu_median:.1f} s = {cpu:.2f} ×",
                wall <= 1.0,
            )
        )
    if "10k" in results and "1m" in results:
        small = statistics.median(results["10k"][1]["volledig"].render)
        large = statistics.median(results["1m"][1]["volledig"].render)
        r = large / small
        out.append(("opmaak bij 1m ≤ 1,2 × opmaak bij 10k", f"{r:.2f} ×", "", r <= 1.2))
    if "100k" in results and "1m" in results:
        (b1, m1), (b2, m2) = results["100k"], results["1m"]
        slope = math.log(m2["json"].median / m1["json"].median) / math.log(b2.lines / b1.lines)
        out.append(("groei koude JSON 100k → 1m: helling ≤ 1,1", f"{slope:.2f}", "", slope <= 1.1))
    if fava is not None:
        out.append(("Fava-pagina Jaarrekening warm ≤ 2 s bij 100k", f"{fava:.2f} s", "", fava <= 2))
    return out


def report(
    results: dict[str, tuple[Boeken, dict[str, Meting]]],
    fava: float | None,
    opslaan: tuple[str, Meting] | None,
    rounds: int,
    load: str,
) -> tuple[str, bool]:
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`bench/meet.py`); do not edit by hand. The books are",
        "generated by `bench/genereer.py` from the embedded books of the group; B is the sum",
        "of `bean-check --no-cache` over the entities' books, measured in the same rounds.",
        f"Median of {rounds} rounds. Wall is the elapsed time; CPU is user + sys of the",
        "whole process tree (the command and every worker it started); memory is the peak",
        "proportional set size of the process tree. On a machine shared with other work",
        "the wall times include the waits for a core; the CPU times hardly do. The",
        "program runs as installed: its modules byte-compiled (`make bytecode`), as",
        "beancount's and hledger's are.",
        "",
        f"Measured {datetime.date.today()} on: {_machine()}.",
        f"Load of the machine: {load}.",
        "",
        "| boekingsregels | meting | wall (s) | CPU (s) | wall × B | CPU × B "
        "| piekgeheugen (MB) | × bean-check |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "B": "B: bean-check --no-cache, som over de entiteiten",
        "B:vereniging": "bean-check --no-cache van de Vereniging alleen",
        **LABELS,
    }
    if any(m["hledger"].seconds for _, m in results.values()):
        labels["hledger"] = "hledger bs op dezelfde transacties, som over de entiteiten"
    for books, m in results.values():
        size = f"{books.lines:,}".replace(",", ".")
        b = m["B"]
        for name, label in labels.items():
            x = m[name]
            lines.append(
                f"| {size} | {label} | {x.median:.2f} | {x.cpu_median:.2f} | "
                f"{x.median / b.median:.2f} | {x.cpu_median / b.cpu_median:.2f} | "
                f"{x.peak / 1024:.0f} | {x.peak / b.peak:.2f} |"
            )
        render = statistics.median(m["volledig"].render)
        lines.append(
            f"| {size} | opmaak PDF en werkmap (volledige bouw) | {render:.2f} | | | | | |"
        )
    if opslaan is not None:
        size, saved = opslaan
        lines.append(
            f"| {size} | Fava: opslaan tot de pagina weer antwoordt (vng serve) | "
            f"{saved.median:.2f} | {saved.cpu_median:.2f} | | | {saved.peak / 1024:.0f} | |"
        )
    lines += [
        "",
        "## Goals",
        "",
        "| doel | gemeten (wall) | gemeten (CPU) | gehaald |",
        "|---|---|---|---|",
    ]
    met = True
    for goal, wall, cpu, ok in goals(results, fava, opslaan):
        verdict = "—" if ok is None else "ja" if ok else "NEE"
        lines.append(f"| {goal} | {wall} | {cpu} | {verdict} |")
        met = met and ok is not False
    for size, (_, m) in results.items():
        if m["hledger"].seconds and size not in ("10k", "1m"):  # reported, not required
            r = m["json"].median / m["hledger"].median
            lines.append(
                f"| streven: koude JSON niet trager dan hledger bs bij {size} | "
                f"{r:.2f} × hledger | | {'ja' if r <= 1 else 'nee (streven)'} |"
            )
    return "\n".join(lines) + "\n", met


ANALYSIS = "## Journaalpostentests"
# the analysis's share of a build: its CPU at most this part of B's (bean-check's)
ANALYSIS_GOAL = 0.25


def analysis_section(
    results: dict[str, tuple[Boeken, dict[str, Meting]]], rounds: int, load: str, remark: str
) -> tuple[str, bool]:
    """The journal-entry tests alone, against B of the same books and run, with their
    goals: the section of the report that ``--alleen analyse`` writes by itself."""
    limit = f"{ANALYSIS_GOAL:.2f}".replace(".", ",")
    counted = {len(m["B"].seconds) for _, m in results.values()}
    b_rounds = "" if counted == {rounds} else f" ({' / '.join(map(str, sorted(counted)))} round(s))"
    lines = [
        ANALYSIS,
        "",
        "`statements.journaalposten.analyse` alone (`bench/analyse.py`): every entity's",
        "books loaded and its general ledger of 2024 built once, then the analysis of every",
        f"entity {rounds} times; per round the wall and CPU time (user + sys of the process,",
        "every thread) of the analyses, summed over the entities; the median counts. B as",
        f"above, measured in the same run{b_rounds}. The generated books have no git history: who",
        "booked a line and when are drawn from its place in the file (four users and one",
        "who rarely books; office hours mostly, some nights and some bookings after the",
        "year-end), so that every test has lines to find. The goal: the analysis's CPU at",
        f"most {limit} × the CPU of B (a quarter of what beancount itself needs to read",
        "and check the same books, within the full jaarverslag's 1,5 × B at 1M), and",
        "growth no more than linear in the number of lines.",
        "",
        f"Measured {datetime.date.today()} on: {_machine()}.",
        f"Load of the machine: {load}.",
        *([remark] if remark else []),
        "",
        "| boekingsregels | geanalyseerde regels (2024) | wall (s) | CPU (s) | wall × B "
        "| CPU × B |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for books, m in results.values():
        x, b = m["analyse"], m["B"]
        lines.append(
            f"| {books.lines:,} | {x.lines:,} | {x.median:.2f} | {x.cpu_median:.2f} | ".replace(
                ",", "."
            )
            + f"{x.median / b.median:.2f} | {x.cpu_median / b.cpu_median:.2f} |"
        )
    lines += ["", "| doel | gemeten (wall) | gemeten (CPU) | gehaald |", "|---|---|---|---|"]
    met = True
    for size, (_, m) in results.items():
        x, b = m["analyse"], m["B"]
        wall, cpu = x.median / b.median, x.cpu_median / b.cpu_median
        if size == "10k":  # below 100k the fixed part (numpy's start) dominates
            goal, verdict = f"journaalpostentests bij {size} (ter informatie)", "—"
        else:
            goal = f"journaalpostentests: CPU ≤ {limit} × CPU van B bij {size}"
            verdict = "ja" if cpu <= ANALYSIS_GOAL else "NEE"
            met = met and cpu <= ANALYSIS_GOAL
        lines.append(f"| {goal} | {wall:.2f} × B | {cpu:.2f} × B | {verdict} |")
    if "100k" in results and "1m" in results:
        small, large = results["100k"][1]["analyse"], results["1m"][1]["analyse"]
        slope = math.log(large.cpu_median / small.cpu_median) / math.log(large.lines / small.lines)
        met = met and slope <= 1.1
        lines.append(
            f"| groei journaalpostentests (CPU) 100k → 1m: helling ≤ 1,1 | | {slope:.2f} "
            f"| {'ja' if slope <= 1.1 else 'NEE'} |"
        )
    return "\n".join(lines) + "\n", met


def replace_section(text: str, section: str) -> str:
    """``text`` with the section of the same heading replaced by ``section`` (added at
    the end when it has none)."""
    heading = section.split("\n", 1)[0]
    start = text.find(f"\n{heading}\n")
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section if text.strip() else section
    end = text.find("\n## ", start + 1)
    rest = text[end:] if end >= 0 else ""
    return text[: start + 1] + section + ("\n" + rest.lstrip("\n") if end >= 0 else "")


def _load_average() -> str:
    """The machine's load while the bench ran: the 1, 5 and 15 minute averages."""
    try:
        one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, ValueError):
        return "onbekend"
    cores = os.cpu_count()
    return f"load average {one} / {five} / {fifteen} (1 / 5 / 15 min) at the end, {cores} cores"


def only_analysis(books: Boeken, rounds: int, rounds_b: int) -> dict[str, Meting]:
    """B (``rounds_b`` times) and the journal-entry tests alone (``--alleen analyse``)."""
    m = {k: Meting() for k in ("B", "B:vereniging")}
    for number in range(1, rounds_b + 1):
        bean_check(books, f"{books.folder.name} B ronde {number}/{rounds_b}", m)
    m["analyse"] = analyse(books, rounds)
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groottes", default="10k,100k")
    parser.add_argument("--rondes", type=int, default=3)
    parser.add_argument("--map", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--rapport", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--fava", choices=("ja", "nee"), default="ja", help="Fava's save, at the largest size"
    )
    parser.add_argument(
        "--alleen",
        choices=("analyse",),
        help="only B and the journal-entry tests: their section of the report, the rest kept",
    )
    parser.add_argument("--opmerking", default="", help="a remark on the run, in the report")
    parser.add_argument(
        "--rondes-b", type=int, help="with --alleen: the rounds of B (by default --rondes)"
    )
    args = parser.parse_args()
    results: dict[str, tuple[Boeken, dict[str, Meting]]] = {}
    fava = None
    opslaan = None
    sizes = args.groottes.split(",")
    for size in sizes:
        SCHERM.meting(f"{size}: boeken maken")
        books = Boeken(args.map / size, SIZES[size])
        SCHERM.klaar()
        SCHERM.wis()
        print(f"{size}: {books.lines} boekingsregels", flush=True)  # noqa: T201
        if args.alleen:
            results[size] = (books, only_analysis(books, args.rondes, args.rondes_b or args.rondes))
            continue
        results[size] = (books, meet(books, args.rondes))
        if size == "100k":
            SCHERM.meting(f"{size}: Fava-pagina Jaarrekening")
            fava = fava_warm(books)
            SCHERM.klaar(fava)
        if args.fava == "ja" and size == max(sizes, key=SIZES.__getitem__):
            opslaan = (size, fava_opslaan(books, args.rondes))
    SCHERM.wis()
    load = _load_average()
    section, met = analysis_section(results, args.rondes, load, args.opmerking)
    if args.alleen:
        before = args.rapport.read_text(encoding="utf-8") if args.rapport.exists() else ""
        text = replace_section(before, section)
    else:
        text, met_all = report(results, fava, opslaan, args.rondes, load)
        text, met = text + "\n" + section, met and met_all
    from vng.output import write_atomic

    write_atomic(str(args.rapport), text)
    print(section if args.alleen else text)  # noqa: T201
    if not met:
        raise SystemExit("make bench: niet elk doel gehaald (zie docs/performance.md)")


if __name__ == "__main__":
    main()
