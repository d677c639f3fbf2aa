"""The Diagnostic page: themes rated 1–4 or non évalué, observations, the grid's questions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from fieldvisit.core.domain import CONCERN_LABELS
from fieldvisit.services import answers, diagnostic, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.diagnostic_page import CONCERN_COLOURS, DiagnosticPage

DIAGNOSTIC = "diagnostic-securite"


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2024, 5, 14)).id


@pytest.fixture
def page(qtbot, ui_ctx: UiContext, visit_id: str) -> Iterator[DiagnosticPage]:  # type: ignore[no-untyped-def]
    widget = DiagnosticPage(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 800)
    widget.show()
    widget.load_visit(visit_id)
    yield widget
    widget.flush()


def test_three_parts_with_their_themes(page: DiagnosticPage) -> None:
    assert page.section_title() == "Diagnostic"
    form = page.form_view.form
    assert form is not None and form.id == DIAGNOSTIC
    titles = [page.form_view.section_box(s.id).title_label.text() for s in form.sections]
    assert titles == [
        "Constat de la délinquance",
        "Sentiment d'insécurité",
        "Adéquation des réponses",
    ]
    assert set(page.theme_rows) == {theme.id for theme in form.iter_themes()}
    row = page.theme_rows["cambriolages"]
    assert [row.level_combo.itemText(i) for i in range(row.level_combo.count())] == list(
        CONCERN_LABELS.values()
    )
    assert row.level() is None
    assert page.summary_label.text() == f"0 of {len(page.theme_rows)} themes evaluated"


def test_level_and_observations_are_saved(page: DiagnosticPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    row = page.theme_rows["cambriolages"]
    row.select_level(3)
    assert row.cue_colour() == CONCERN_COLOURS[3]  # the colour cue follows the level
    qtbot.keyClicks(row.observations, "Serie de cambriolages en centre-bourg")
    page.theme_rows["rodeos"].select_level(1)
    page.flush()
    ratings = diagnostic.theme_ratings(ui_ctx.services, visit_id)
    assert ratings["cambriolages"].level == 3
    assert ratings["cambriolages"].observations == "Serie de cambriolages en centre-bourg"
    assert ratings["rodeos"].level == 1
    assert page.level_counts()[3] == 1 and page.level_counts()[1] == 1
    summary = page.summary_label.text()
    assert summary.startswith(f"2 of {len(page.theme_rows)} themes evaluated")
    assert CONCERN_LABELS[3] in summary and CONCERN_LABELS[1] in summary

    row.select_level(None)  # back to "non évalué", observations kept
    page.flush()
    ratings = diagnostic.theme_ratings(ui_ctx.services, visit_id)
    assert ratings["cambriolages"].level is None
    assert ratings["cambriolages"].observations == "Serie de cambriolages en centre-bourg"


def test_observations_autosave_after_the_debounce(
    page: DiagnosticPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    row = page.theme_rows["stupefiants"]
    qtbot.keyClicks(row.observations, "Point de deal signale pres de la gare")

    def saved() -> bool:
        rating = diagnostic.theme_ratings(ui_ctx.services, visit_id).get("stupefiants")
        return rating is not None and rating.observations.endswith("gare")

    qtbot.waitUntil(saved)


def test_grid_questions_use_the_diagnostic_form(
    page: DiagnosticPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    assert not view.is_item_shown("nb_agents_pm")
    view.editor("pm_presente").button_for("oui").click()  # type: ignore[attr-defined]
    assert view.is_item_shown("nb_agents_pm")
    # v3: any commune with a municipal police may sign a convention (L512-4)
    assert view.is_item_shown("convention_coordination")
    assert view.is_item_shown("pm_armee")
    qtbot.keyClicks(view.editor("nb_agents_pm").focus_target(), "4")
    assert view.is_item_shown("convention_coordination")
    view.editor("pm_presente").button_for("non").click()
    assert not view.is_item_shown("nb_agents_pm")
    assert not view.is_item_shown("convention_coordination")  # its condition's item is hidden
    page.flush()
    stored = {
        k: a.value for k, a in answers.visit_answers(ui_ctx.services, visit_id, DIAGNOSTIC).items()
    }
    assert stored == {"pm_presente": "non", "nb_agents_pm": 4}


def test_a_qpv_commune_without_a_clspd_is_told_it_is_compulsory(
    page: DiagnosticPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    view.editor("qpv_present").button_for("non").click()  # type: ignore[attr-defined]
    assert not view.is_item_shown("clspd_obligatoire")
    view.editor("qpv_present").button_for("oui").click()  # type: ignore[attr-defined]
    assert view.is_item_shown("clspd_obligatoire")  # L132-4: compulsory with a QPV
    assert "L132-4" in ui_ctx.services.forms.latest(DIAGNOSTIC).item("clspd_obligatoire").label
    view.editor("instances_prevention").boxes["cispd"].click()  # type: ignore[attr-defined]
    assert not view.is_item_shown("clspd_obligatoire")  # a CISPD covers the commune
    view.editor("instances_prevention").boxes["clspd"].click()  # type: ignore[attr-defined]
    assert not view.is_item_shown("clspd_obligatoire")  # both may coexist
    page.flush()
    stored = answers.visit_answers(ui_ctx.services, visit_id, DIAGNOSTIC)
    assert stored["instances_prevention"].value == ["clspd", "cispd"]  # in the form's order


def test_reopening_shows_what_was_rated(page: DiagnosticPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.theme_rows["incivilites"].select_level(2)
    qtbot.keyClicks(page.theme_rows["incivilites"].observations, "Tags rue du Thuile")
    page.flush()
    again = DiagnosticPage(ui_ctx)
    qtbot.addWidget(again)
    again.load_visit(visit_id)
    row = again.theme_rows["incivilites"]
    assert row.level() == 2
    assert row.level_combo.currentText() == CONCERN_LABELS[2]
    assert row.observations.toPlainText() == "Tags rue du Thuile"
    assert again.level_counts()[2] == 1
