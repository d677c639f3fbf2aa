"""« Donnée indisponible »: a required item answered with a reason instead of a value
no longer blocks the visit; the reason is required; the report prints it; answering
normally undoes it; the server refuses a marker without a reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.core.errors import BadInput, RuleViolation
from fieldvisit.core.unavailable import unavailable
from fieldvisit.forms.progress import form_progress
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import answers, visits
from fieldvisit.sync.wire import check_fields

DARK = "eclairage_zones_sombres"  # checklist, yes/no, required; « lieux » shown on « oui »
PERIOD_END = "date_donnees"  # diagnostic, date, required
REASON = "Base SSMSI non diffusée pour la commune en 2025"


@pytest.fixture
def visit(services):  # type: ignore[no-untyped-def]
    return visits.plan_visit(services, "15187", date(2026, 3, 14))


def _text(pdf: Path) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").replace("\u00a0", " ").split())
        for page in PdfReader(pdf).pages
    )


def test_a_reason_is_required_in_french(services, visit) -> None:  # type: ignore[no-untyped-def]
    form = visit.diagnostic_form_id
    for blank in ("", "   \n"):
        with pytest.raises(BadInput, match="une raison est obligatoire"):
            answers.answer_item(services, visit.id, form, PERIOD_END, unavailable(blank))
    with pytest.raises(BadInput, match="Réponse impossible"):
        answers.answer_item(services, visit.id, form, PERIOD_END, {"unavailable": 3})
    with pytest.raises(BadInput, match="Réponse impossible"):
        answers.answer_item(services, visit.id, form, PERIOD_END, {"autre": "x"})
    assert PERIOD_END not in answers.visit_answers(services, visit.id, form)


def test_unavailable_counts_as_answered_and_unblocks_completion(services, visit) -> None:  # type: ignore[no-untyped-def]
    diagnostic = visit.diagnostic_form_id
    complete_all_but = _answer_all_but(services, visit.id, diagnostic, PERIOD_END)
    with pytest.raises(RuleViolation) as refused:
        visits.complete_visit(services, visit.id)
    assert any("Date de fin de la période couverte" in label for label in refused.value.details)
    assert complete_all_but

    stored = answers.answer_item(
        services, visit.id, diagnostic, PERIOD_END, unavailable(f"  {REASON}  ")
    )
    assert stored.value == {"unavailable": REASON}  # trimmed
    assert visits.missing_required_items(services, visit.id) == []
    assert visits.complete_visit(services, visit.id).status == "terminee"


def _answer_all_but(svc, visit_id: str, form_id: str, left_open: str) -> bool:  # type: ignore[no-untyped-def]
    """Everything required answered except one item of `form_id` (True once done)."""
    from completing import plausible

    visit = visits.get_visit(svc, visit_id)
    visits.start_visit(svc, visit_id)
    for fid, version in (
        (visit.checklist_form_id, visit.checklist_form_version),
        (visit.diagnostic_form_id, visit.diagnostic_form_version),
    ):
        assert fid is not None
        form = svc.forms.get(fid, version or 0)
        given = {k: v.value for k, v in answers.visit_answers(svc, visit_id, fid).items()}
        for item in form.missing_required(given):
            if item.bind is None and not (fid == form_id and item.id == left_open):
                answers.answer_item(svc, visit_id, fid, item.id, plausible(item))
    return True


def test_progress_counts_it_and_conditions_read_it_as_unanswered(services, visit) -> None:  # type: ignore[no-untyped-def]
    form = services.forms.get(visit.checklist_form_id, visit.checklist_form_version)
    shape = form.shape
    before = form_progress(shape, {})
    shown_oui = form_progress(shape, {DARK: "oui"})
    after = form_progress(shape, {DARK: unavailable(REASON)})
    assert after.total.answered == before.total.answered + 1
    assert after.total.required_answered == before.total.required_answered + 1
    assert DARK in before.missing_required and DARK not in after.missing_required
    # « Oui » reveals where the dark places are; « indisponible » says nothing of them.
    assert "eclairage_zones_sombres_lieux" in shown_oui.visible_items
    assert "eclairage_zones_sombres_lieux" not in after.visible_items


def test_answering_normally_undoes_it(services, visit) -> None:  # type: ignore[no-untyped-def]
    form = visit.checklist_form_id
    answers.answer_item(services, visit.id, form, DARK, unavailable(REASON), comment="vu")
    answers.answer_item(services, visit.id, form, DARK, "non")
    stored = answers.visit_answers(services, visit.id, form)[DARK]
    assert (stored.value, stored.comment) == ("non", "vu")


def test_the_report_prints_the_reason_instead_of_a_value(services, visit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(
        services, visit.id, visit.diagnostic_form_id, PERIOD_END, unavailable(REASON)
    )
    answers.answer_item(
        services, visit.id, visit.checklist_form_id, DARK, unavailable("Visite faite de jour")
    )
    target = tmp_path / "rapport.pdf"
    render_report(build_report(services, visit.id), target, image_cache_dir=tmp_path / "c")
    text = _text(target)
    assert f"Donnée indisponible — {REASON}" in text
    assert "Donnée indisponible — Visite faite de jour" in text
    assert "{'unavailable'" not in text and '"unavailable"' not in text


def test_the_server_refuses_a_marker_without_reason() -> None:
    fields = {
        "visit_id": "v" * 36,
        "form_id": "diagnostic-securite",
        "item_id": PERIOD_END,
        "comment": "",
        "created_at": "2026-03-14T10:00:00+00:00",
    }
    assert check_fields("answers", {**fields, "value": unavailable(REASON)}) is None
    assert check_fields("answers", {**fields, "value": "2026-01-31"}) is None
    problem = check_fields("answers", {**fields, "value": unavailable(" ")})
    assert problem is not None and "sans raison" in problem
    problem = check_fields("answers", {**fields, "value": {"x": 1}})
    assert problem is not None and "objet inattendue" in problem
