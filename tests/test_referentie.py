"""``docs/referentie.md`` is what the code accepts: every line id, note key and key of
the group file; regenerate it with ``python -m vng_accounts.referentie``."""

from __future__ import annotations

from tests.conftest import ROOT
from vng_accounts.layouts import LAYOUTS
from vng_accounts.referentie import reference
from vng_accounts.toelichting import NOTES


def test_the_reference_is_generated_from_the_code() -> None:
    text = (ROOT / "docs" / "referentie.md").read_text(encoding="utf-8")
    assert text == reference(), "python -m vng_accounts.referentie > docs/referentie.md"


def test_every_line_id_and_note_key_is_in_the_reference() -> None:
    text = reference()
    for layout in LAYOUTS:
        for line in layout.lines:
            if line.kind == "line":
                assert f"| `{line.id}` |" in text
    for note in NOTES:
        assert f"| `{note.key}` |" in text
        for line, _ in note.lines:
            assert f"`{line}`" in text


def test_the_readme_links_only_inside_the_repository() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    for target in re.findall(r"\]\(([^)#]+)[^)]*\)", readme):
        if target.startswith(("http://", "https://")):
            continue
        assert (ROOT / target).exists(), target


def test_the_readme_names_the_group_files_keys() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Een groep en een dochter") :]
    for key in (
        "moeder:",
        "belang:",
        "valuta:",
        "fiscale_eenheid:",
        "intercompany:",
        "deelneming:",
        "tegenpartij:",
        'jaarrekening: "geconsolideerd"',
        "geconsolideerd_balans:",
        'mutatie: "aandeel-resultaat"',
        "vng-groepsentiteit",
    ):
        assert key in section, key
