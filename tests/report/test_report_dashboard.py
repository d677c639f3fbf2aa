"""The Tableau de bord du territoire as PDF: read back with pypdf (communes, levels in
figures and the legend, no empty page), written whole or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_report_no_empty_page import empty_pages

from fieldvisit.core.errors import BadInput
from fieldvisit.report.dashboard import render_dashboard, write_dashboard
from fieldvisit.report.fonts import REGULAR
from fieldvisit.screens.territory_dashboard import (
    CommuneRow,
    DashboardFilter,
    TerritoryDashboard,
    VisitMark,
    load_territory_dashboard,
)
from tracking_data import TODAY, build_territory


def text_of(pdf: Path) -> str:
    reader = PdfReader(pdf)
    return " ".join((page.extract_text() or "") for page in reader.pages)


def test_the_dashboard_of_the_territory(services, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    build_territory(services, tmp_path)
    board = load_territory_dashboard(services, today=TODAY)
    target = tmp_path / "copil.pdf"
    pages = write_dashboard(board, board.rows, target)
    text = kit.normalised(text_of(target))
    for name in ("Saint-Flour", "Aurillac", "Le Puy-en-Velay", "Brioude"):
        assert name in text
    assert "Clermont-Ferrand" not in text  # another account's
    assert "Tableau de bord du territoire" in text and "départements 15, 43" in text
    assert "Jamais visitée" in text and "Cambriolages, Dégradations et destructions" in text
    # The legend names every level, and the cells carry the figures (no colour needed).
    for label in ("1 – Faible", "2 – Modéré", "3 – Préoccupant", "4 – Très préoccupant"):
        assert label in text
    assert "Non évalué" in text
    # The heat map's rows: the commune, the date of its last diagnostic, its levels.
    assert "Saint-Flour 20/01/2026 4 3 1 –" in text
    assert "Aurillac 05/03/2026 2 " in text
    assert pages == len(PdfReader(target).pages) and empty_pages(target) == []
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(target).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert all(REGULAR.split("-")[0] in font or "DejaVu" in font for font in fonts), fonts


def test_filtered_rows_only(services, tmp_path: Path, kit) -> None:  # type: ignore[no-untyped-def]
    build_territory(services, tmp_path)
    board = load_territory_dashboard(services, today=TODAY)
    target = tmp_path / "haute-loire.pdf"
    write_dashboard(
        board, board.filtered(DashboardFilter(departement="43")), target, filters_text="dép. 43"
    )
    text = kit.normalised(text_of(target))
    assert "Le Puy-en-Velay" in text and "Brioude" in text
    assert "Saint-Flour" not in text and "Filtres : dép. 43" in text


def test_many_communes_over_several_pages_without_an_empty_one(tmp_path: Path) -> None:
    themes = tuple((f"t{n}", f"Thème numéro {n}") for n in range(22))  # as many as v3
    rows = tuple(
        CommuneRow(
            code=f"15{n:03d}",
            name=f"Commune-{n:03d}",
            departement="15",
            pvd=n % 3 == 0,
            last_visit=VisitMark(f"v{n}", date(2026, 1, 1 + n % 28), "terminee"),
            next_visit=None,
            open_actions=n % 5,
            late_actions=n % 2,
            levels={theme: (n + k) % 5 or None for k, (theme, _l) in enumerate(themes)},
            diagnostic_date=date(2026, 1, 1 + n % 28),
            concerns=("Thème numéro 1",),
        )
        for n in range(90)
    )
    board = TerritoryDashboard(rows, themes, TODAY, None)
    target = tmp_path / "grand.pdf"
    pages = render_dashboard(board, rows, str(target))
    assert pages >= 4 and empty_pages(target) == []
    text = text_of(target)
    assert "Commune-000" in text and "Commune-089" in text
    # The 22 level columns keep their numbers whole (not one digit a line).
    numbers = " ".join(str(n) for n in range(1, 23))
    assert f"Commune Diagnostic du {numbers}" in " ".join(text.split())


def test_nothing_half_written(tmp_path: Path, unwritable_dir: Path) -> None:
    board = TerritoryDashboard((), (), TODAY, None)
    with pytest.raises(BadInput):
        write_dashboard(board, (), unwritable_dir / "copil.pdf")
    assert not (unwritable_dir / "copil.pdf").exists()
    target = tmp_path / "vide.pdf"
    write_dashboard(board, (), target)
    assert "Aucune commune" in text_of(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
