"""The Diagnostic of a follow-up: each theme says the level the previous visit gave it,
and a panel says what became of that visit's plan; nothing of it on a first visit."""

from __future__ import annotations

from fieldvisit.services import actions, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from follow_up_visits import EXPECTED_STATES, FIRST_DATE, visit_twice


def open_page(qtbot, ui_ctx: UiContext, visit_id: str) -> DiagnosticPage:  # type: ignore[no-untyped-def]
    page = DiagnosticPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.load_visit(visit_id)
    return page


def test_a_follow_up_shows_the_previous_levels_and_the_plan_since(  # type: ignore[no-untyped-def]
    french, qtbot, ui_ctx: UiContext
) -> None:
    two = visit_twice(ui_ctx.services)
    page = open_page(qtbot, ui_ctx, two.follow_up_id)
    rows = page.theme_rows
    assert rows["cambriolages"].previous_text() == "Visite du 12/03/2026\xa0: 3 – Préoccupant"
    assert rows["rodeos"].previous_text() == "Visite du 12/03/2026\xa0: 2 – Modéré"
    assert rows["vols"].previous_text() == "Visite du 12/03/2026\xa0: Non évalué"
    assert rows["cambriolages"].level() == 2  # the level now is the follow-up's own
    panel = page.evolution_panel
    assert panel is not None and panel.isVisibleTo(page)
    assert panel.title.text() == "Actions de la visite du 12/03/2026"
    assert {text: state for state, text, _due in panel.lines()} == EXPECTED_STATES
    late = [line for line in panel.lines() if line[0] == "En retard"]
    assert late == [
        ("En retard", "Signer le protocole de participation citoyenne", "échéance 30/09/2026")
    ]
    assert panel.summary.text() == (
        "Réalisée\xa0: 2 · En cours\xa0: 1 · En retard\xa0: 1 · Abandonnée\xa0: 1"
    )


def test_the_panel_follows_a_status_changed_on_the_plan(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    two = visit_twice(ui_ctx.services)
    page = open_page(qtbot, ui_ctx, two.follow_up_id)
    assert "recommendations" in page.shows  # the workspace refreshes it on such a change
    late = next(
        rec
        for rec in actions.list_recommendations(ui_ctx.services, two.follow_up_id)
        if rec.text.startswith("Signer le protocole")
    )
    actions.update_recommendation(ui_ctx.services, late.id, status="realisee")
    page.load_visit(two.follow_up_id)
    assert page.evolution_panel is not None
    states = {text: state for state, text, _due in page.evolution_panel.lines()}
    assert states["Signer le protocole de participation citoyenne"] == "Réalisée"


def test_a_first_visit_shows_no_previous_level_nor_plan(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    first = visits.plan_visit(ui_ctx.services, "15187", FIRST_DATE)
    page = open_page(qtbot, ui_ctx, first.id)
    assert page.theme_rows and all(row.previous_text() == "" for row in page.theme_rows.values())
    assert page.evolution_panel is not None and not page.evolution_panel.isVisibleTo(page)
    # the same page then shows a follow-up, and back: nothing stays from the other visit
    two = visit_twice(ui_ctx.services, commune="52269")
    page.load_visit(two.follow_up_id)
    assert page.theme_rows["cambriolages"].previous_text().startswith("Visit")
    page.load_visit(first.id)
    assert all(row.previous_text() == "" for row in page.theme_rows.values())
    assert not page.evolution_panel.isVisibleTo(page)
