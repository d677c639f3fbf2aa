"""A date typed is the date saved, in every date field of the app (issue: Diagnostic ›
« Date de fin de la période couverte », empty, typing 30/09/2026 gave 30/12/2026 and
further typing changed nothing).

Qt's QDateEdit leaves a full part by itself and then took the « / » typed out of habit
as "next part": the month went into the year. ui/date_edit.FrenchDateEdit swallows that
separator; every date field of the app is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDateEdit

from fieldvisit.services import answers, interviews, visits
from fieldvisit.store.models import Interview, Visit
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms.item_widgets import DateEditor
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.widgets.date_edit import FrenchDateEdit
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage

TYPED = {
    "30/09/2026": date(2026, 9, 30),
    "30092026": date(2026, 9, 30),
    "3/9/2026": date(2026, 9, 3),
    "2/1/2027": date(2027, 1, 2),
    "4/9/2026": date(2026, 9, 4),
    "03/09/2026": date(2026, 9, 3),
    "01.02.2027": date(2027, 2, 1),
    "31/12/2025": date(2025, 12, 31),
}


@pytest.fixture
def edit(qtbot) -> FrenchDateEdit:  # type: ignore[no-untyped-def]
    widget = FrenchDateEdit(None, QDate(2026, 12, 7))
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize(("typed", "expected"), TYPED.items())
def test_typing_a_whole_date_gives_it(
    edit: FrenchDateEdit, qtbot, typed: str, expected: date
) -> None:  # type: ignore[no-untyped-def]
    edit.setSelectedSection(QDateEdit.Section.DaySection)
    qtbot.keyClicks(edit, typed)
    assert edit.date().toPython() == expected
    assert edit.text() == expected.strftime("%d/%m/%Y")


def test_typing_into_one_part_afterwards_changes_it(edit: FrenchDateEdit, qtbot) -> None:  # type: ignore[no-untyped-def]
    edit.setSelectedSection(QDateEdit.Section.DaySection)
    qtbot.keyClicks(edit, "30/09/2026")
    edit.setSelectedSection(QDateEdit.Section.MonthSection)
    qtbot.keyClicks(edit, "11")
    assert edit.date().toPython() == date(2026, 11, 30)
    edit.setSelectedSection(QDateEdit.Section.DaySection)
    qtbot.keyClicks(edit, "05")
    assert edit.date().toPython() == date(2026, 11, 5)


def test_a_separator_typed_on_purpose_still_moves_on(edit: FrenchDateEdit, qtbot) -> None:  # type: ignore[no-untyped-def]
    edit.setSelectedSection(QDateEdit.Section.DaySection)
    qtbot.keyClicks(edit, "2/")  # « 2 » may go on (« 25 »): « / » leaves the day
    assert edit.currentSection() == QDateEdit.Section.MonthSection
    qtbot.keyClicks(edit, "1/")  # « 1 » may go on (« 11 »): « / » leaves the month
    assert edit.currentSection() == QDateEdit.Section.YearSection
    assert edit.date().toPython() == date(2026, 1, 2)


def pin_to_v2(ctx: UiContext, visit_id: str, interview_id: str | None = None) -> None:
    """A visit (and interview) pinned to the v2 forms, as those planned before v3."""
    with ctx.services.store.transaction() as session:
        session.get(Visit, visit_id).checklist_form_version = 2  # type: ignore[union-attr]
        if interview_id is not None:
            session.get(Interview, interview_id).form_version = 2  # type: ignore[union-attr]


def _opened_on(edit: FrenchDateEdit, qtbot) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    arrow = QPoint(edit.width() - 5, edit.height() // 2)  # the drop-down arrow
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=arrow)
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    shown = (calendar.yearShown(), calendar.monthShown())
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    return shown


def test_the_calendar_opens_on_the_fields_date_else_the_fallback_else_today(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = FrenchDateEdit()
    qtbot.addWidget(edit)
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setSpecialValueText("non renseignée")
    edit.setDate(edit.minimumDate())
    edit.show()
    edit.setFocus()
    today = date.today()
    assert _opened_on(edit, qtbot) == (today.year, today.month)
    edit.set_calendar_fallback(date(2024, 5, 14))
    assert _opened_on(edit, qtbot) == (2024, 5)
    edit.setDate(QDate(2023, 2, 1))
    assert _opened_on(edit, qtbot) == (2023, 2)
    assert edit.date() == QDate(2023, 2, 1)  # opening and closing changed nothing


@pytest.fixture
def diagnostic(qtbot, ui_ctx: UiContext) -> Iterator[tuple[DiagnosticPage, str]]:  # type: ignore[no-untyped-def]
    visit_id = visits.plan_visit(ui_ctx.services, "15187", date(2026, 10, 2)).id
    page = DiagnosticPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.load_visit(visit_id)
    yield page, visit_id
    page.flush()


def _saved(ctx: UiContext, visit_id: str) -> object:
    return answers.visit_answers(ctx.services, visit_id, "diagnostic-securite")[
        "date_donnees"
    ].value


def test_the_diagnostic_date_typed_is_the_date_saved(diagnostic, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    page, visit_id = diagnostic
    editor = page.form_view.editor("date_donnees")
    assert isinstance(editor, DateEditor) and editor.value() is None
    editor.edit.setFocus()
    qtbot.keyClicks(editor.edit, "30/09/2026")
    page.flush()
    assert _saved(ui_ctx, visit_id) == "2026-09-30"
    editor.edit.setSelectedSection(QDateEdit.Section.MonthSection)
    qtbot.keyClicks(editor.edit, "10")
    page.flush()
    assert _saved(ui_ctx, visit_id) == "2026-10-30"


def test_every_date_field_of_the_window_is_a_french_date_edit(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    visit_id = visits.plan_visit(ui_ctx.services, "15187", date(2026, 10, 2)).id
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.open_visit(visit_id)
    fields = window.findChildren(QDateEdit)
    assert len(fields) >= 3
    assert [type(f).__name__ for f in fields if not isinstance(f, FrenchDateEdit)] == []


def test_a_form_dates_calendar_opens_on_its_date_else_the_visits_date(
    ui_ctx: UiContext, qtbot: Any
) -> None:
    """An empty date item of a form opens its calendar on the visit's date (not today,
    which is often weeks after the visit when the form is filled in)."""
    visit_id = visits.plan_visit(ui_ctx.services, "15187", date(2025, 6, 20)).id
    pin_to_v2(ui_ctx, visit_id)  # its own date item (v3 binds it to the visit's date)
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    window.open_visit(visit_id)
    window.workspace.show_section("checklist")
    page = window.workspace.pages["checklist"]
    assert isinstance(page, ChecklistPage)
    editor = page.form_view.editor("date_visite")
    assert isinstance(editor, DateEditor) and editor.value() is None
    editor.edit.setFocus()
    assert _opened_on(editor.edit, qtbot) == (2025, 6)
    # The visit's date changed elsewhere (the Informations page, a sync round).
    ui_ctx.run(ui_ctx.call(visits.update_visit, visit_id, visit_date=date(2025, 4, 3)))
    assert _opened_on(editor.edit, qtbot) == (2025, 4)
    editor.set_date(date(2024, 11, 8))
    assert _opened_on(editor.edit, qtbot) == (2024, 11)


def test_an_interview_dates_calendar_opens_on_the_visits_date(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    visit_id = visits.plan_visit(ui_ctx.services, "15187", date(2025, 6, 20)).id
    interview = interviews.record_interview(
        ui_ctx.services, visit_id, "entretien-elu", title="Maire"
    )
    pin_to_v2(ui_ctx, visit_id, interview.id)  # v3 binds its date to the interview's
    page = InterviewsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.load_visit(visit_id)
    editor = page.form_view.editor("date_entretien")
    assert isinstance(editor, DateEditor) and editor.value() is None
    editor.edit.setFocus()
    assert _opened_on(editor.edit, qtbot) == (2025, 6)
    page.flush()
