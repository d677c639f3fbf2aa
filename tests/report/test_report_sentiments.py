"""The feeling of insecurity on one scale (forms v3), compared in the report's part 2;
visits pinned to older versions keep their forms (read back with pypdf)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.core.errors import BadInput
from fieldvisit.forms import FormCatalogue
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import Services, answers, diagnostic, interviews, visits

HEADING = "Sentiment d'insécurité : regards croisés"


def pdf_text(services: Services, visit_id: str, tmp_path: Path, shareable: bool = False) -> str:
    target = tmp_path / ("partageable.pdf" if shareable else "rapport.pdf")
    report = build_report(services, visit_id, shareable)
    render_report(report, target, image_cache_dir=tmp_path / "cache")
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def rated_visit(services: Services, diagnostic_level: int, mayor_level: int) -> str:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    diag = visit.diagnostic_form_id or ""
    answers.answer_item(services, visit.id, diag, "intensite_ressenti", diagnostic_level)
    diagnostic.rate_theme(services, visit.id, "vols", 3, "Vols dans les véhicules à la gare")
    mayor = interviews.record_interview(
        services, visit.id, "entretien-elu", title="Entretien avec le maire"
    )
    interviews.answer_interview_item(services, mayor.id, "sentiment_insecurite", mayor_level)
    return visit.id


def test_the_diagnostic_and_the_mayor_are_compared_on_one_scale(
    services: Services, tmp_path: Path
) -> None:
    visit_id = rated_visit(services, diagnostic_level=2, mayor_level=4)
    report = build_report(services, visit_id)
    assert report.diagnostic is not None
    readings = [(r.source, r.level, r.scale) for r in report.diagnostic.sentiments]
    assert readings == [("Diagnostic", 2, 4), ("Entretien avec le maire", 4, 4)]
    assert report.diagnostic.sentiment_gap == 2
    text = pdf_text(services, visit_id, tmp_path)
    assert HEADING in text
    assert "2 – Modéré" in text and "4 – Très préoccupant" in text
    assert "Écart de 2 niveaux entre les regards." in text
    # The new theme « vols » is drawn and listed like the others.
    assert "Vols (hors cambriolages)" in text
    assert "Vols dans les véhicules à la gare" in text
    # The shareable variant compares them too (neither item is withheld).
    assert HEADING in pdf_text(services, visit_id, tmp_path, shareable=True)


def test_agreeing_readings_are_said_to_agree(services: Services, tmp_path: Path) -> None:
    visit_id = rated_visit(services, diagnostic_level=3, mayor_level=3)
    assert "Les regards concordent." in pdf_text(services, visit_id, tmp_path)


def test_no_comparison_without_a_sentiment_rating(services: Services, tmp_path: Path) -> None:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    diagnostic.rate_theme(services, visit.id, "cambriolages", 3)
    report = build_report(services, visit.id)
    assert report.diagnostic is not None and report.diagnostic.sentiments == ()
    assert HEADING not in pdf_text(services, visit.id, tmp_path)


@pytest.fixture
def before_v3(services: Services, tmp_path: Path) -> Services:
    """The same data dir seen by an app that shipped forms v1 and v2 only."""
    folder = tmp_path / "formulaires-v2"
    folder.mkdir()
    for path in shipped_forms_dir().glob("*.toml"):
        if not path.name.endswith(".v3.toml"):
            shutil.copy(path, folder / path.name)
    return Services(services.store, forms=FormCatalogue.load([folder]))


def test_a_visit_pinned_to_v2_keeps_its_forms_once_v3_ships(
    services: Services, before_v3: Services, tmp_path: Path
) -> None:
    old = before_v3
    visit = visits.plan_visit(old, "15187", date(2026, 3, 12))
    assert visit.diagnostic_form_version == 2
    diagnostic.rate_theme(old, visit.id, "violences", 3)
    diag = visit.diagnostic_form_id or ""
    answers.answer_item(old, visit.id, diag, "pm_presente", "oui")
    answers.answer_item(old, visit.id, diag, "nb_agents_pm", 2)
    answers.answer_item(old, visit.id, diag, "intensite_ressenti", 3)
    mayor = interviews.record_interview(old, visit.id, "entretien-elu", title="Maire, 2025")
    assert mayor.form_version == 2
    interviews.answer_interview_item(old, mayor.id, "sentiment_insecurite", 5)

    # Now read by the app that ships v3: the visit keeps v2 (themes, rules, scales).
    with pytest.raises(BadInput, match="vols"):
        diagnostic.rate_theme(services, visit.id, "vols", 2)
    report = build_report(services, visit.id)
    assert report.diagnostic is not None
    labels = [theme.label for theme in report.diagnostic.themes]
    assert "Violences aux personnes, dont violences intrafamiliales" in labels
    assert "Vols (hors cambriolages)" not in labels
    # v2's rule: the convention is asked from 3 agents, so with 2 it is not counted.
    part = {p.section_id: p for p in report.diagnostic.parts}["adequation_reponses"]
    assert part.unanswered == 2  # instance_partenariale and reponses_synthese only
    readings = {r.source: r for r in report.diagnostic.sentiments}
    assert readings["Maire, 2025"].scale == 5 and not readings["Maire, 2025"].comparable
    assert report.diagnostic.sentiment_gap is None  # one comparable reading only
    text = pdf_text(services, visit.id, tmp_path)
    assert "5 sur 5 (ancienne échelle, non comparée)" in text
    assert "Écart de" not in text and "concordent" not in text


def test_the_word_report_compares_them_too(services: Services, tmp_path: Path) -> None:
    import docx

    from fieldvisit.report.word import render_word

    visit_id = rated_visit(services, diagnostic_level=1, mayor_level=4)
    target = tmp_path / "rapport.docx"
    render_word(build_report(services, visit_id), target)
    document = docx.Document(str(target))
    assert HEADING in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Diagnostic", "Intensité globale du sentiment d'insécurité", "1 – Faible"] in rows
    assert any(
        row[0] == "Entretien avec le maire" and row[2] == "4 – Très préoccupant" for row in rows
    )
    assert any("Écart de 3 niveaux entre les regards." in p.text for p in document.paragraphs)
