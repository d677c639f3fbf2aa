"""atomic_output blames the place only for what goes wrong with the file it writes."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.core.files import atomic_output


def test_a_missing_file_read_inside_the_block_is_not_blamed_on_the_folder(tmp_path: Path) -> None:
    # The bundled app once failed to read a template of python-docx while writing the
    # Word report; the message said the target's folder could not be written.
    target = tmp_path / "rapport.docx"
    template = tmp_path / "templates" / "default-header.xml"
    with pytest.raises(FieldvisitError) as raised, atomic_output(target, kind="Word"):
        template.read_bytes()
    assert not isinstance(raised.value, BadInput)
    message = str(raised.value)
    assert message.startswith(f"Impossible de lire {template} (fichier introuvable)")
    assert f"{target} n'a pas été écrit" in message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_a_full_disk_while_writing_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "rapport.pdf"
    with pytest.raises(BadInput) as raised, atomic_output(target, kind="PDF") as tmp:
        tmp.write_bytes(b"%PDF-1.4 partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(target) in str(raised.value)
    assert "espace" in str(raised.value).lower() or "plein" in str(raised.value).lower()
    assert list(tmp_path.iterdir()) == []


def test_an_error_on_the_temporary_file_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with pytest.raises(BadInput) as raised, atomic_output(target, kind="CSV") as tmp:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp))
    assert str(target) in str(raised.value)
    assert not target.exists()


def test_the_file_is_renamed_into_place_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "calendrier.ics"
    with atomic_output(target, kind="calendrier") as tmp:
        tmp.write_text("BEGIN:VCALENDAR", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "BEGIN:VCALENDAR"
    assert [p.name for p in tmp_path.iterdir()] == ["calendrier.ics"]
