"""Signatures drawn on screen in the report: the signature block of the parsed PDF
shows each signer's drawing (an image on the page), name, role and date; an issued
visit is not signed as it is, and signing after « Rouvrir » issues the next version
while the one issued before stays as it was."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import RuleViolation
from fieldvisit.report.issued import issue_report
from fieldvisit.report.model import build_report
from fieldvisit.services import attachments, signatures, visits

SIGNED = datetime(2026, 3, 12, 16, 45, tzinfo=UTC)
ZIGZAG = [[[0.05, 0.8], [0.2, 0.2], [0.35, 0.8], [0.5, 0.2], [0.65, 0.8]], [[0.7, 0.5]]]
LOOP = [[[0.1, 0.5], [0.3, 0.1], [0.5, 0.5], [0.3, 0.9], [0.1, 0.5], [0.9, 0.5]]]


def _signature_page(pdf: bytes) -> tuple[str, int]:
    """The text of the page holding the signature block, and its number of images."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        text = " ".join((page.extract_text() or "").split())
        if "Visa et signatures" in text and "Fait à" in text:
            return text, len(page.images)
    raise AssertionError("no signature page")


def test_the_signature_block_shows_the_drawn_signatures_names_roles_and_dates(
    services, secret_visit, kit
) -> None:  # type: ignore[no-untyped-def]
    visit_id = secret_visit.visit_id
    signatures.sign(services, visit_id, "auteur", "Claire Martin", ZIGZAG, signed_at=SIGNED)
    signatures.sign(services, visit_id, "maire", "Jeanne Dupuis", LOOP, signed_at=SIGNED)
    kit.complete(services, visit_id)
    issued = issue_report(services, visit_id)

    text, images = _signature_page(attachments.files(services).read_bytes(issued.sha256))
    when = moment_text(SIGNED, " à ")
    assert "Rédaction Claire Martin" in text and "Maire Jeanne Dupuis" in text
    assert text.count(f"Signé le {when}") == 2
    # Nobody signed for the gendarmerie: its slot is left to sign on paper.
    assert "Commandant de brigade Signature :" in text
    assert images == 2  # one drawing per signer


def test_re_signing_replaces_the_drawing_and_the_name(services, secret_visit) -> None:  # type: ignore[no-untyped-def]
    visit_id = secret_visit.visit_id
    first = signatures.sign(services, visit_id, "maire", "J. Dupuis", ZIGZAG)
    again = signatures.sign(services, visit_id, "maire", "Jeanne Dupuis", LOOP, signed_at=SIGNED)
    assert again.id == first.id
    [entry] = build_report(services, visit_id).signatures
    assert (entry.role, entry.name, entry.signed_at) == ("Maire", "Jeanne Dupuis", SIGNED)
    assert [list(map(list, s)) for s in entry.strokes] == LOOP


def test_an_issued_visit_is_signed_by_reopening_it_and_issuing_the_next_version(
    services, secret_visit, kit
) -> None:  # type: ignore[no-untyped-def]
    visit_id = secret_visit.visit_id
    signatures.sign(services, visit_id, "auteur", "Claire Martin", ZIGZAG, signed_at=SIGNED)
    kit.complete(services, visit_id)
    first = issue_report(services, visit_id)
    first_bytes = attachments.files(services).read_bytes(first.sha256)

    with pytest.raises(RuleViolation, match=r"lecture seule.*rouvrez-la"):
        signatures.sign(services, visit_id, "commandant", "Cne Paul Girard", LOOP)
    with pytest.raises(RuleViolation, match="lecture seule"):
        signatures.remove_signature(services, visit_id, "auteur")

    visits.reopen_visit(services, visit_id)
    signatures.sign(services, visit_id, "commandant", "Cne Paul Girard", LOOP, signed_at=SIGNED)
    kit.complete(services, visit_id)
    second = issue_report(services, visit_id)

    assert second.filename.endswith("-v2.pdf")
    text, images = _signature_page(attachments.files(services).read_bytes(second.sha256))
    assert "Commandant de brigade Cne Paul Girard" in text and images == 2
    # Version 1 stays as it was issued: the author's signature only.
    assert attachments.files(services).read_bytes(first.sha256) == first_bytes
    text, images = _signature_page(first_bytes)
    assert "Paul Girard" not in text and images == 1


def test_an_empty_drawing_or_a_missing_name_is_refused_in_french(services, secret_visit) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.core.errors import BadInput

    visit_id = secret_visit.visit_id
    with pytest.raises(BadInput, match="vide"):
        signatures.sign(services, visit_id, "maire", "Jeanne Dupuis", [])
    with pytest.raises(BadInput, match="nom du signataire"):
        signatures.sign(services, visit_id, "maire", "   ", ZIGZAG)
    with pytest.raises(BadInput, match="Signataire"):
        signatures.sign(services, visit_id, "prefet", "M. le Préfet", ZIGZAG)
    assert signatures.visit_signatures(services, visit_id) == {}


def test_the_word_report_shows_the_signature_block_too(services, secret_visit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import docx
    from docx.oxml.ns import qn
    from PIL import Image

    from fieldvisit.report.word import render_word

    visit_id = secret_visit.visit_id
    signatures.sign(services, visit_id, "auteur", "Claire Martin", ZIGZAG, signed_at=SIGNED)
    signatures.sign(services, visit_id, "maire", "Jeanne Dupuis", LOOP, signed_at=SIGNED)
    path = tmp_path / "rapport.docx"
    render_word(build_report(services, visit_id), path)

    document = docx.Document(str(path))
    [block] = [t for t in document.tables if "Signé le" in t.rows[0].cells[0].text]
    cells = block.rows[0].cells
    texts = [[p.text for p in cell.paragraphs if p.text] for cell in cells]
    when = f"Signé le {moment_text(SIGNED, ' à ')}"
    assert texts[0] == ["Rédaction", "Claire Martin", when]
    assert texts[1] == ["Maire", "Jeanne Dupuis", when]
    # Nobody signed for the gendarmerie: its slot is left to sign on paper.
    assert texts[2][0] == "Commandant de brigade" and texts[2][1].startswith("Signature :")

    def drawings(cell) -> list[Image.Image]:  # type: ignore[no-untyped-def]
        ids = [blip.get(qn("r:embed")) for blip in cell._tc.iter(qn("a:blip"))]
        parts = document.part.related_parts
        return [Image.open(io.BytesIO(parts[rid].blob)).convert("L") for rid in ids]

    for cell in cells[:2]:
        [drawing] = drawings(cell)  # the signature drawn, as a picture in its slot
        assert drawing.width == pytest.approx(3 * drawing.height, rel=0.01)
        assert drawing.getextrema()[0] < 64  # ink on it, not a blank box
    assert drawings(cells[2]) == []
    # The two drawings differ (each signer's own strokes).
    first, second = (drawings(cell)[0].tobytes() for cell in cells[:2])
    assert first != second
