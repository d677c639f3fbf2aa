"""The report's small trend charts of recorded crime (SSMSI base), read back with pypdf."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader

from fieldvisit.opendata.card import commune_card
from fieldvisit.opendata.diagnostic import trend_series
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import Services, diagnostic, visits
from public_data_files import import_all

HEADING = "Délinquance enregistrée (données publiques)"


def pdf_text(services: Services, visit_id: str, tmp_path: Path) -> str:
    target = tmp_path / "rapport.pdf"
    render_report(build_report(services, visit_id), target, image_cache_dir=tmp_path / "cache")
    return "\n".join(page.extract_text() for page in PdfReader(target).pages)


def a_visit(services: Services) -> str:
    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    diagnostic.rate_theme(services, visit.id, "cambriolages", 3)
    return visit.id


def test_the_constat_shows_trend_charts_with_their_source_line(
    services: Services, tmp_path: Path
) -> None:
    import_all(services.public_data, tmp_path / "published", ["15"])
    visit_id = a_visit(services)
    text = " ".join(pdf_text(services, visit_id, tmp_path).split())
    assert HEADING in text
    assert (
        "Source : SSMSI, base communale de la délinquance enregistrée, édition 2025 "
        "(géographie au 1er janvier 2025, faits 2020–2024), Licence Ouverte 2.0." in text
    )
    series = trend_series(commune_card(services.communes, services.public_data, "15187"))
    assert len(series) >= 3
    for one in series:
        if len(one.label) < 30:  # long names are shortened to the chart's width
            assert one.label in text, one.label
    assert "Cambriolages de logement" in [one.label for one in series]
    first = series[0].points
    assert str(first[0].year) in text and str(first[-1].year) in text


def test_no_charts_without_the_ssmsi_base(services: Services, tmp_path: Path) -> None:
    visit_id = a_visit(services)
    text = " ".join(pdf_text(services, visit_id, tmp_path).split())
    assert "Diagnostic local de sécurité" in text  # the part is there, without charts
    assert HEADING not in text and "Licence Ouverte" not in text
    assert not services.public_data.path.exists()  # reading the report made no file
