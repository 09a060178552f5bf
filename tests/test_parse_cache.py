"""The parse by parts (``vng_accounts.parse_cache``) is beancount's parse of the whole
file: the same entries with the same meta, the same options and display context,
cold, from the parts kept, and after a change anywhere in the file; a part with a
parse error leaves the file to beancount; the parts a build lacked are written by a
process of its own, and a file's folder keeps only its current parts."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from beancount.parser import parser, printer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from vng_accounts import parse_cache
from vng_accounts.books import load_file
from vng_accounts.parse_cache import PartCache

HEADER = (
    '; de rekeningen van de vereniging\noption "name_assets" "Activa"\n'
    'option "name_liabilities" "Passiva"\noption "name_income" "Baten"\n\n'
)
CUTS = {"minimum": 40, "mask": 1}  # parts of a directive or two, cut often


def _same(found: parse_cache.Parsed | None, path: Path) -> None:
    """``found`` is what beancount's parser makes of the file at ``path``."""
    assert found is not None
    entries, errors, options = parser.parse_file(str(path))
    assert errors == []
    assert [e.meta for e in found.entries] == [e.meta for e in entries]
    assert found.entries == entries
    assert [printer.format_entry(e) for e in found.entries] == [
        printer.format_entry(e) for e in entries
    ]
    assert {k: v for k, v in found.options.items() if k != "dcontext"} == {
        k: v for k, v in options.items() if k != "dcontext"
    }
    ours, theirs = found.options["dcontext"], options["dcontext"]
    assert str(ours) == str(theirs)
    assert list(ours.ccontexts) == list(theirs.ccontexts)
    for currency, context in theirs.ccontexts.items():
        mine = ours.ccontexts[currency]
        assert dict(mine.fractional_dist.hist) == dict(context.fractional_dist.hist)
        assert (mine.integer_max, mine.has_sign) == (context.integer_max, context.has_sign)


def _started(folder: Path, main: Path) -> PartCache:
    """A cache of parts whose writer, a process of its own, has started on the books
    ``main`` (as a full build starts it, before their load)."""
    from vng_accounts.guard import read_sources

    cache = PartCache(folder, write=True)
    cache.start([path for path, _ in read_sources(str(main))[0]])
    assert cache.writer is not None
    return cache


_text = st.lists(
    st.sampled_from([*'abc XYZé€"\\\n;2024-01', "\n2024-03-04 * ", "\n  "]), max_size=12
).map("".join)
_amount = st.decimals(min_value=-99999, max_value=99999, places=3, allow_nan=False).map(str)


@st.composite
def _directive(draw: Any) -> str:
    day = f"2024-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}"
    kind = draw(st.sampled_from(["txn", "txn", "txn", "open", "balance", "custom", "note"]))
    comment = draw(st.sampled_from(["", "; tussen de regels\n", "\n\n"]))
    if kind == "open":
        return f"{day} open Activa:Bank{draw(st.integers(0, 3))} EUR\n{comment}"
    if kind == "balance":
        return f"{day} balance Activa:Bank0 {draw(_amount)} EUR\n{comment}"
    if kind == "custom":
        return f'{day} custom "vng-rekening" Activa:Bank1 "tekst" {draw(_amount)}\n{comment}'
    if kind == "note":
        return f"{day} note Activa:Bank2 {_quoted(draw(_text))}\n{comment}"
    number = draw(_amount)
    currency = draw(st.sampled_from(["EUR", "EUR", "USD"]))
    meta = draw(st.sampled_from(["", "  factuur: 12.50\n", "  datum: 2024-02-02\n"]))
    tag = draw(st.sampled_from(["", " #project", " ^factuur-1"]))
    return (
        f"{day} * {_quoted(draw(_text))} {_quoted(draw(_text))}{tag}\n{meta}"
        f"  Activa:Bank0  {number} {currency}\n{comment}  Baten:Omzet\n\n"
    )


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "").replace('"', "") + '"'


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(_directive(), min_size=1, max_size=25),
    st.integers(0, 24),
    _directive(),
)
def test_a_file_parsed_by_parts_is_beancounts_parse_cold_warm_and_after_a_change(
    tmp_path: Path, directives: list[str], where: int, inserted: str
) -> None:
    folder = tmp_path / f"geval-{os.urandom(6).hex()}"
    path = folder / "boeken.beancount"
    folder.mkdir()
    cache = folder / "cache"
    raw = (HEADER + "".join(directives)).encode()
    path.write_bytes(raw)
    cold = parse_cache.parse(str(path), raw, cache, **CUTS)
    if cold is None:  # a part that does not parse alone: beancount parses the file
        return
    _same(cold, path)
    parse_cache.write(cache, [str(path)], **CUTS)  # as the writer writes it
    warm = parse_cache.parse(str(path), raw, cache, **CUTS)
    assert warm is not None and warm.missing == []
    _same(warm, path)
    # a directive inserted anywhere: what is read of the parts kept has its lines
    # moved (how few parts are parsed again: the embedded books' test below)
    changed = (HEADER + "".join([*directives[:where], inserted, *directives[where:]])).encode()
    path.write_bytes(changed)
    after = parse_cache.parse(str(path), changed, cache, **CUTS)
    if after is not None:
        _same(after, path)


def test_a_part_cut_inside_a_string_leaves_the_file_to_beancount(tmp_path: Path) -> None:
    path = tmp_path / "boeken.beancount"
    raw = (
        HEADER
        + '2024-01-01 * "Bank" "regel een\n2024-01-02 een datum in de tekst"\n'
        + "  Activa:Bank  1.00 EUR\n  Baten:Omzet\n"
    ).encode()
    path.write_bytes(raw)
    every = {"minimum": 1, "mask": 0}  # a cut before every dated line
    assert len(parse_cache.parts(raw, **every)) == 2  # one at the date inside the string
    assert parse_cache.parse(str(path), raw, tmp_path / "cache", **every) is None
    ours, theirs = load_file(str(path), cache=PartCache(tmp_path / "cache")), load_file(str(path))
    assert ours[0] == theirs[0] and len(ours[0]) == 1


def test_a_file_with_state_after_its_header_is_one_part() -> None:
    body = "".join(f"2024-01-01 open Activa:Bank{n} EUR\n" for n in range(3000))
    assert len(parse_cache.parts((HEADER + body).encode())) > 1
    for state in ("pushtag #project\n", 'option "title" "x"\n', 'include "x.beancount"\n'):
        assert len(parse_cache.parts((HEADER + body + state + body).encode())) == 1
    assert len(parse_cache.parts((HEADER + body).replace("\n", "\r\n").encode())) == 1


def _books(tmp_path: Path) -> Path:
    """A copy of the embedded Vereniging's books."""
    import shutil

    target = tmp_path / "vereniging"
    shutil.copytree(ROOT / "ledger" / "vereniging", target)
    return target / "main.beancount"


def _load_same(main: Path, cache: PartCache) -> None:
    ours, theirs = load_file(str(main), cache=cache), load_file(str(main))
    assert [e.meta for e in ours[0]] == [e.meta for e in theirs[0]]
    assert ours[0] == theirs[0]
    assert [printer.format_entry(e) for e in ours[0]] == [
        printer.format_entry(e) for e in theirs[0]
    ]
    assert [str(e.message) for e in ours[1]] == [str(e.message) for e in theirs[1]]
    assert str(ours[2]["dcontext"]) == str(theirs[2]["dcontext"])


def test_the_embedded_books_load_by_parts_as_beancount_loads_them(tmp_path: Path) -> None:
    """Cold, then from the parts the writer kept, then after a transaction inserted
    at the start of a year's file: the same load; only the changed part is parsed."""
    main = _books(tmp_path)
    folder = tmp_path / "cache"
    first = PartCache(folder)
    _load_same(main, first)
    assert all(missing for _, missing in first.files.values())  # cold: every one
    _started(folder, main).finish()  # the writer, as a full build starts it
    second = PartCache(folder)
    _load_same(main, second)
    assert [p for _, (_, missing) in second.files.items() for p in missing] == []
    year = main.parent / "2024.beancount"
    text = year.read_text(encoding="utf-8")
    at = text.index("\n2024-") + 1
    year.write_text(
        text[:at] + '2024-01-02 * "Bank" "ingevoegd"\n'
        "  Activa:LiquideMiddelen:Bank:ING  1.00 EUR\n"
        "  Activa:LiquideMiddelen:Bank:ING  -1.00 EUR\n\n" + text[at:],
        encoding="utf-8",
    )
    third = PartCache(folder)
    _load_same(main, third)
    missing = {path: m for path, (_, m) in third.files.items() if m}
    assert list(missing) == [str(year)] and len(missing[str(year)]) == 1
    (folder / "onderdelen" / "een-oudere-versie" / "deel").mkdir(parents=True)
    _started(folder, main).finish()
    kept = parse_cache.folder_of(folder, str(year))
    assert sorted(os.listdir(kept)) == sorted(p.digest for p in third.files[str(year)][0])
    # parts kept by another version of the module are gone after a writer ran
    assert [p.name for p in (folder / "onderdelen").iterdir()] == [kept.parent.name]


def test_a_torn_or_foreign_part_in_the_cache_is_parsed_again(tmp_path: Path) -> None:
    main = _books(tmp_path)
    folder = tmp_path / "cache"
    first = _started(folder, main)
    load_file(str(main), cache=first)
    first.finish()
    year = str(main.parent / "2024.beancount")
    every, _ = first.files[year]
    kept = parse_cache.folder_of(folder, year)
    (kept / every[0].digest).write_bytes(b"\x80\x05afgebroken")
    if len(every) > 1:
        (kept / every[1].digest).write_bytes(pickle.dumps(("een andere versie", 1, [], {})))
    again = PartCache(folder)
    _load_same(main, again)
    assert [p.digest for p in again.files[year][1]] == [p.digest for p in every[:2]]


def test_books_with_an_error_give_beancounts_errors_by_parts_too(tmp_path: Path) -> None:
    main = _books(tmp_path)
    year = main.parent / "2024.beancount"
    year.write_text(
        year.read_text(encoding="utf-8") + '\n2024-12-30 * "Bank" "kapot\n  Activa:X  1 EUR\n',
        encoding="utf-8",
    )
    ours, theirs = load_file(str(main), cache=PartCache(tmp_path / "c")), load_file(str(main))
    assert theirs[1]
    assert [(e.source["lineno"], str(e.message)) for e in ours[1]] == [
        (e.source["lineno"], str(e.message)) for e in theirs[1]
    ]
    assert ours[0] == theirs[0]
