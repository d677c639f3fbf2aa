"""Issuing a report keeps the PDF that was sent, printable again after later edits."""

from __future__ import annotations

import hashlib

import pytest

from fieldvisit.core.errors import RuleViolation
from fieldvisit.report.issued import issue_report, issued_report
from fieldvisit.report.model import build_report
from fieldvisit.services import attachments, visits


def test_issue_keeps_the_pdf_and_marks_the_visit(services, secret_visit, kit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    kit.complete(services, secret_visit.visit_id)
    steps: list[tuple[int, int]] = []
    issued = issue_report(
        services, secret_visit.visit_id, progress=lambda d, t: steps.append((d, t))
    )

    assert visits.get_visit(services, secret_visit.visit_id).status == "rapport_emis"
    assert steps and steps[-1][0] == steps[-1][1]
    stored = issued_report(services, secret_visit.visit_id)
    assert stored is not None and stored.id == issued.attachment_id
    assert stored.media_type == "application/pdf"
    assert stored.filename == "rapport-15187-saint-flour-2026-03-12.pdf"
    assert stored.caption.startswith("Rapport émis le ")
    assert stored.created_at == issued.issued_at
    path = tmp_path / "issued.pdf"
    path.write_bytes(attachments.attachment_bytes(services, stored))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == stored.sha256 == issued.sha256
    text = kit.pdf_text(path)
    assert "Rapport émis le" in text and "DIFFUSION RESTREINTE" in text  # internal variant
    assert kit.SECRETS["gendarmerie_enquetes"] in text

    # An issued visit is read-only; reopened, its edits change new reports, never the
    # issued one.
    with pytest.raises(RuleViolation, match="lecture seule"):
        visits.update_visit(services, secret_visit.visit_id, summary="Synthèse réécrite.")
    before = path.read_bytes()
    visits.reopen_visit(services, secret_visit.visit_id)
    visits.update_visit(services, secret_visit.visit_id, summary="Synthèse réécrite après envoi.")
    assert issued_report(services, secret_visit.visit_id).sha256 == issued.sha256  # type: ignore[union-attr]
    assert attachments.attachment_bytes(services, stored) == before
    assert "Synthèse réécrite" not in kit.pdf_text(path)
    assert build_report(services, secret_visit.visit_id).summary == "Synthèse réécrite après envoi."
    # The issued PDF is not a photo of the annex.
    assert len(build_report(services, secret_visit.visit_id).photos) == 2


def test_reopening_makes_the_next_issuing_version_2_and_keeps_version_1(
    services, secret_visit, kit, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.screens.report import load_report_state

    visit_id = secret_visit.visit_id
    visits.update_visit(services, visit_id, author="Claire Martin")
    kit.complete(services, visit_id)
    first = issue_report(services, visit_id)
    first_bytes = attachments.files(services).read_bytes(first.sha256)
    assert "version 1" in kit.pdf_text(first_bytes)

    visits.reopen_visit(services, visit_id)
    assert visits.get_visit(services, visit_id).status == "en_cours"
    visits.update_visit(services, visit_id, summary="Synthèse complétée après le conseil.")
    assert build_report(services, visit_id).version == 2  # the draft says what comes next
    kit.complete(services, visit_id)
    second = issue_report(services, visit_id)

    assert second.filename == "rapport-15187-saint-flour-2026-03-12-v2.pdf"
    second_text = kit.pdf_text(attachments.files(services).read_bytes(second.sha256))
    assert "version 2" in second_text and "Synthèse complétée après le conseil." in second_text
    # Version 1 is exactly as issued.
    assert attachments.files(services).read_bytes(first.sha256) == first_bytes
    assert "Synthèse complétée" not in kit.pdf_text(first_bytes)
    state = load_report_state(services, visit_id)
    assert [(e.version, e.filename, e.author) for e in state.issued] == [
        (2, "rapport-15187-saint-flour-2026-03-12-v2.pdf", "Claire Martin"),
        (1, "rapport-15187-saint-flour-2026-03-12.pdf", "Claire Martin"),
    ]
    # A reprint of the issued visit is version 2, not 3.
    assert build_report(services, visit_id).version == 2


def test_only_a_completed_visit_is_issued_and_only_once(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation, match="terminée"):
        issue_report(services, secret_visit.visit_id)
    assert issued_report(services, secret_visit.visit_id) is None
    kit.complete(services, secret_visit.visit_id)
    issue_report(services, secret_visit.visit_id)
    with pytest.raises(RuleViolation, match="déjà été émis le"):
        issue_report(services, secret_visit.visit_id)
    pdfs = [
        a
        for a in attachments.list_attachments(services, secret_visit.visit_id)
        if a.media_type == "application/pdf"
    ]
    assert len(pdfs) == 1


def test_the_apps_three_steps_check_the_status_again_before_keeping(
    services, secret_visit, kit, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.report.issued import keep_issued, prepare_issue
    from fieldvisit.report.render import render_report

    kit.complete(services, secret_visit.visit_id)
    report = prepare_issue(services, secret_visit.visit_id)
    assert report.issued_on == services.clock().astimezone().date() and not report.shareable
    drawn = tmp_path / "dessin.pdf"
    pages = render_report(report, drawn)
    # Reopened while the PDF was being drawn: nothing is kept, the status stays.
    visits.reopen_visit(services, secret_visit.visit_id)
    with pytest.raises(RuleViolation, match="terminée"):
        keep_issued(services, report, drawn, pages)
    assert issued_report(services, secret_visit.visit_id) is None

    kit.complete(services, secret_visit.visit_id)
    issued = keep_issued(services, report, drawn, pages)
    stored = issued_report(services, secret_visit.visit_id)
    assert stored is not None and stored.filename == "rapport-15187-saint-flour-2026-03-12.pdf"
    assert attachments.files(services).read_bytes(issued.sha256) == drawn.read_bytes()
    assert issued.pages == pages
    assert visits.get_visit(services, secret_visit.visit_id).status == "rapport_emis"
