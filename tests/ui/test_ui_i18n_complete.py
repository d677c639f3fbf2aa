"""Every string of the UI has a French translation in the committed .ts file.

The messages are extracted afresh from the current sources with pyside6-lupdate, so a
string added anywhere under src/fieldvisit/ui without its French fails this test. To
fix: `make translations`, then translate the new entries of
resources/translations/fieldvisit_fr.ts (pyside6-linguist, or
`python scripts/update_translations.py --missing` / `--apply FILE.json`).
"""

from __future__ import annotations

from pathlib import Path

from fieldvisit.ui.base.i18n import (
    TS_FILE_NAME,
    CatalogueMessage,
    read_catalogue,
    translations_dir,
    ui_sources,
    update_catalogue,
)

COMMITTED = translations_dir() / TS_FILE_NAME


def describe(message: CatalogueMessage) -> str:
    return f"  [{message.context}] {message.source!r}"


def test_the_catalogue_is_committed() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing: run `make translations`"


def missing_french(sources: list[Path], work_dir: Path) -> list[str]:
    """Messages of the sources without a finished French translation in COMMITTED."""
    fresh = work_dir / "fresh.ts"
    update_catalogue(fresh, sources)
    committed = {(m.context, m.source): m for m in read_catalogue(COMMITTED)}
    missing = []
    for message in read_catalogue(fresh):
        known = committed.get((message.context, message.source))
        if known is None or not known.translated:
            missing.append(describe(message))
        elif "%n" in message.source and len(known.translations) < 2:
            missing.append(describe(message) + " (French needs a singular and a plural)")
    return missing


def test_every_ui_string_has_a_finished_french_translation(tmp_path: Path) -> None:
    sources = ui_sources()
    assert len(sources) > 5, "the ui package was not found"
    missing = missing_french(sources, tmp_path)
    assert not missing, (
        f"{len(missing)} UI string(s) without French in {COMMITTED.name}; run "
        "`make translations` and translate them:\n" + "\n".join(missing)
    )


def test_a_new_string_without_french_is_caught(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from PySide6.QtCore import QCoreApplication\n"
        'QCoreApplication.translate("Probe", "A sentence nobody translated yet.")\n',
        encoding="utf-8",
    )
    work = tmp_path / "work"
    work.mkdir()
    assert missing_french([probe], work) == ["  [Probe] 'A sentence nobody translated yet.'"]


def test_placeholders_survive_translation() -> None:
    wrong = []
    for message in read_catalogue(COMMITTED):
        for placeholder in ("{0}", "{1}", "{2}", "%n"):
            if placeholder in message.source and not all(
                placeholder in text for text in message.translations
            ):
                wrong.append(f"{describe(message)} lost {placeholder}")
    assert not wrong, "\n".join(wrong)
