"""The new-visit dialog: commune autocomplete ("st fl" → Saint-Flour), forms, validation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from fieldvisit.core.domain import VisitType
from fieldvisit.services import visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.dialogs.preferences import AUTHOR_KEY
from fieldvisit.ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, ui_ctx: UiContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    main = MainWindow(ui_ctx)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def suggestions(dialog: NewVisitDialog) -> list[str]:
    model = dialog.completer.completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def pick(dialog: NewVisitDialog, label: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Choose a suggestion the way a person does: arrow down to it, then Enter."""
    popup = dialog.completer.popup()
    assert popup.isVisible()
    row = suggestions(dialog).index(label)
    popup.setCurrentIndex(dialog.completer.completionModel().index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_st_fl_lists_saint_flour_and_ok_creates_and_opens_the_visit(
    window: MainWindow, ui_ctx, qtbot
):  # type: ignore[no-untyped-def]
    window.action_new_visit.trigger()
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.date_edit.date() == QDate.currentDate()
    assert dialog.date_edit.displayFormat() == "dd/MM/yyyy"
    assert dialog.checklist_combo.currentData() == "visite-centre-bourg"
    assert dialog.diagnostic_combo.currentData() == "diagnostic-securite"

    qtbot.keyClicks(dialog.commune_edit, "st fl")
    assert "Saint-Flour (15)" in suggestions(dialog)
    pick(dialog, "Saint-Flour (15)", qtbot)
    assert dialog.commune_edit.text() == "Saint-Flour (15)"
    assert dialog.chosen_commune is not None and dialog.chosen_commune.code == "15187"
    assert "Cantal" in dialog.commune_hint.text()
    qtbot.keyClicks(dialog.author_edit, "Claire Martin")

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    rows = visits.list_visits(ui_ctx.services)
    assert len(rows) == 1
    created = rows[0]
    assert (created.commune_code, created.commune_name) == ("15187", "Saint-Flour")
    assert created.visit_type == VisitType.PREMIERE
    assert created.visit_date == date.today()
    assert created.author == "Claire Martin"
    stored = visits.get_visit(ui_ctx.services, created.id)
    assert stored.checklist_form_id == "visite-centre-bourg"
    assert stored.diagnostic_form_id == "diagnostic-securite"
    assert not dialog.isVisible()
    assert window.showing_workspace
    assert window.workspace.visit_id == created.id
    assert ui_ctx.settings.value(AUTHOR_KEY) == "Claire Martin"  # suggested next time
    window.show_list()
    assert window.visit_list.shown_communes() == ["Saint-Flour"]


def test_validation_messages_are_clear(window: MainWindow, ui_ctx, qtbot):  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem_label.isVisible()
    assert dialog.problem_label.text() == "Choose the commune of the visit."

    qtbot.keyClicks(dialog.commune_edit, "zzqxw")
    assert suggestions(dialog) == []
    assert dialog.commune_hint.text() == "No commune matches this text."
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem_label.text().startswith("Unknown commune: “zzqxw”.")
    assert visits.list_visits(ui_ctx.services) == []
    dialog.reject()


def test_typed_exact_name_and_follow_up_type(window: MainWindow, ui_ctx, qtbot):  # type: ignore[no-untyped-def]
    first = visits.plan_visit(ui_ctx.services, "52269", date(2026, 3, 2))
    dialog = window.new_visit()
    qtbot.keyClicks(dialog.commune_edit, "Langres")  # typed in full, not picked
    dialog.completer.popup().hide()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(VisitType.SUIVI.value))
    dialog.date_edit.setDate(QDate(2026, 9, 15))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    new_id = dialog.created_visit_id
    assert new_id is not None
    created = visits.get_visit(ui_ctx.services, new_id)
    assert created.commune_code == "52269"
    assert created.visit_type == VisitType.SUIVI
    assert created.previous_visit_id == first.id
    assert created.visit_date == date(2026, 9, 15)
    assert window.workspace.visit_id == new_id


def test_author_comes_from_the_preferences(window: MainWindow, ui_ctx, qtbot):  # type: ignore[no-untyped-def]
    preferences = window.show_preferences()
    preferences.author_edit.setText("Marc Delpuech")
    preferences.language_combo.setCurrentIndex(preferences.language_combo.findData("en"))
    assert preferences.language_changed
    preferences.accept()
    assert ui_ctx.settings.value("ui/language") == "en"
    assert "next start" in window.statusBar().currentMessage()
    dialog = window.new_visit()
    assert dialog.author_edit.text() == "Marc Delpuech"
    dialog.reject()
