"""One figure of progress everywhere: the list, the header, the pages, the report.

The bugs people saw: the header said 17/72, the checklist 16/51 and the report 18/62
for the same visit; the header's total never changed when a conditional item
appeared; the list and the header differed by one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from screens_support import jpeg

from fieldvisit.forms import FormCatalogue
from fieldvisit.forms.progress import form_progress
from fieldvisit.report.model import build_report
from fieldvisit.screens.header import load_header
from fieldvisit.screens.visit_form import load_visit_form
from fieldvisit.services import Services, answers, attachments, diagnostic, listing, visits
from fieldvisit.services.visit_forms import visit_forms

CHECKLIST, GRID = "visite-centre-bourg", "diagnostic-securite"


def a_visit_under_way(svc: Services, tmp_path: Path) -> str:
    """Answers that show and hide items, a hidden item still answered, a photo linked
    to a photo item, an item of the grid, four themes rated."""
    vid = visits.plan_visit(svc, "15187", date(2026, 3, 12)).id
    for item, value in (
        ("eclairage_zones_sombres", "oui"),  # shows where
        ("eclairage_zones_sombres_lieux", "Rue des Lacs"),
        ("angles_morts", "oui"),
        ("angles_morts_lieux", "Passage de la halle"),
        ("video_existante", "oui"),  # shows three items
    ):
        answers.answer_item(svc, vid, CHECKLIST, item, value)
    answers.answer_item(svc, vid, CHECKLIST, "angles_morts", "non")  # hides its "where"
    attachments.attach_photo(
        svc, vid, jpeg(tmp_path / "rue.jpg", 40), "Rue", CHECKLIST, "eclairage_photos"
    )
    answers.answer_item(svc, vid, GRID, "pm_presente", "oui")
    for theme in ("cambriolages", "rodeos", "incivilites", "stupefiants"):
        diagnostic.rate_theme(svc, vid, theme, 3)
    return vid


def page_figures(svc: Services, vid: str) -> tuple[int, int]:
    """What the Checklist and Diagnostic pages show, summed (they compute it from what
    they loaded, as the widgets do)."""
    answered = visible = 0
    for which in ("checklist", "diagnostic"):
        data = load_visit_form(svc, vid, which)
        photos = {item for item, count in data.photo_counts.items() if count}
        rated = {theme for theme, (level, _) in data.ratings.items() if level is not None}
        total = form_progress(data.form.shape, data.answers, photos, rated, data.bound).total
        answered, visible = answered + total.answered, visible + total.visible
    return answered, visible


def test_the_list_the_header_the_pages_and_the_report_say_the_same(
    svc: Services, tmp_path: Path
) -> None:
    vid = a_visit_under_way(svc, tmp_path)
    header = load_header(svc, vid)
    [row] = listing.list_visits(svc)
    figures = build_report(svc, vid).key_figures
    assert (header.answered, header.total) == page_figures(svc, vid)
    assert (row.answered, row.total) == (header.answered, header.total)
    assert (figures.items_answered, figures.items_visible) == (header.answered, header.total)
    # 7 checklist answers given, one of them hidden again; the photo; pm_presente.
    assert header.answered == 5 + 1 + 1
    # diagnostic v3: 22 themes (violences split in two, vols added)
    assert (header.progress.themes_rated, header.progress.themes) == (4, 22)
    assert (figures.themes_rated, figures.themes_total) == (4, 22)


def test_the_total_follows_the_items_that_appear_and_disappear(
    svc: Services, tmp_path: Path
) -> None:
    vid = visits.plan_visit(svc, "15187", date(2026, 3, 12)).id
    before = load_header(svc, vid).total
    answers.answer_item(svc, vid, CHECKLIST, "video_existante", "oui")
    assert load_header(svc, vid).total == before + 3  # cameras, signage, coverage
    answers.answer_item(svc, vid, GRID, "pm_presente", "oui")
    answers.answer_item(svc, vid, GRID, "nb_agents_pm", 4)
    # the emplois, armed or not, the convention (v3: asked with any municipal police)
    assert load_header(svc, vid).total == before + 3 + 3
    answers.answer_item(svc, vid, CHECKLIST, "video_existante", "non")
    header = load_header(svc, vid)
    assert header.total == before + 3
    [row] = listing.list_visits(svc)
    assert (row.answered, row.total) == (header.answered, header.total)


def test_a_visit_whose_grid_is_not_installed_reads_the_same_in_the_list_and_the_header(
    svc: Services, tmp_path: Path
) -> None:
    """Its answers to the missing grid count nowhere (before: in the list only)."""
    vid = a_visit_under_way(svc, tmp_path)
    visit = visits.get_visit(svc, vid)
    checklist_only = visit_forms(svc, visit).checklist
    assert checklist_only is not None
    source = svc.forms.sources[checklist_only.key]
    other = Services(svc.store, forms=FormCatalogue.load([source]))
    header = load_header(other, vid)
    [row] = listing.list_visits(other)
    assert (row.answered, row.total) == (header.answered, header.total)
    assert header.answered == 6  # the checklist's answers and its photo
