"""A whole visit with the keyboard only, at 1366×768: plan it, fill Informations, answer
the checklist, add an interview and its notes, rate a diagnostic theme, add an action
to the plan, complete the visit (its confirmation), issue the report (its confirmation),
see the visit read-only and open the issued report from the list of issued reports.

Every step is a key pressed where the focus is (or in the popup that has the keyboard),
as a person without a mouse would: Tab to reach a field, Space or Enter to act. The
test looks at widgets only to know where the focus is and what they show; it never
fills one by calling it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import RuleViolation
from fieldvisit.report.issued import issued_report
from fieldvisit.services import actions, attachments, diagnostic, interviews, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.contact_dialog import ContactDialog
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.completion_dialog import CompleteVisitDialog, IssueReportDialog
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SUMMARY = "Centre-bourg calme, eclairage a revoir rue des Lacs."
INTERVIEW_NOTES = "Le commandant propose une reunion mensuelle avec le maire."
RECOMMENDATION = "Installer un eclairage sous la halle"


def focused() -> QWidget:
    """Where a key goes: an open popup (a completer's list), else the focus widget."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, (
        f"nothing has the keyboard focus (active window: {QApplication.activeWindow()})"
    )
    return widget


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifiers)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(focused(), text)


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "None"
    return f"{type(widget).__name__}({widget.objectName() or widget.accessibleName()!r})"


def tab_to(qtbot, wanted: Callable[[QWidget], bool] | QWidget, limit: int = 80) -> QWidget:  # type: ignore[no-untyped-def]
    """Press Tab until the focus is on the wanted widget (the path is in the failure)."""
    test = wanted if callable(wanted) and not isinstance(wanted, QWidget) else None
    path = []
    for _ in range(limit):
        widget = focused()
        if test(widget) if test is not None else widget is wanted:
            return widget
        path.append(describe(widget))
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"not reachable with Tab; the focus went: {' → '.join(path)}")


def back_to(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """A dialog closed: the window manager gives the window the keyboard back (the
    offscreen platform of the tests does not: it is done here, as a desktop would)."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    if QApplication.activeWindow() is None:
        window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def dialog_of(qtbot, kind: type) -> QWidget:  # type: ignore[no-untyped-def]
    """The dialog just opened, once it has the keyboard."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    window = QApplication.activeModalWidget()
    assert window is not None
    qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()))
    return window


def answer_the_focused_item(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Answer what Ctrl+J brought the focus to, as a person would with the keyboard."""
    widget = focused()
    if isinstance(widget, QDateEdit):
        type_text(qtbot, date.today().strftime("%d/%m/%Y"))
    elif isinstance(widget, QComboBox):
        press(qtbot, Qt.Key.Key_Down)
    elif isinstance(widget, QAbstractButton):
        press(qtbot, Qt.Key.Key_Space)
    elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        type_text(qtbot, "3")
    else:
        raise AssertionError(f"Ctrl+J brought the focus to {describe(widget)}")
    press(qtbot, Qt.Key.Key_Tab)  # leave it: a text is saved when the focus leaves


def test_a_whole_visit_with_the_keyboard_only(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)

    # -- plan the visit: Ctrl+N, the commune from the suggestions, the author, Enter
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = dialog_of(qtbot, NewVisitDialog)
    assert isinstance(dialog, NewVisitDialog)
    assert focused() is dialog.commune_edit
    type_text(qtbot, "st fl")
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    for _ in range(12):
        if dialog.completer.popup().currentIndex().data() == "Saint-Flour (15)":
            break
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.chosen_commune is not None and dialog.chosen_commune.code == "15187"
    tab_to(qtbot, dialog.author_edit)
    type_text(qtbot, "Claire Martin")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.showing_workspace)
    back_to(qtbot, window)
    visit_id = window.workspace.visit_id
    assert visit_id is not None
    workspace = window.workspace
    assert workspace.current_section() == "info"

    # -- Informations: a new contact as participant, the summary
    info = workspace.pages["info"]
    assert isinstance(info, InfoPage)
    tab_to(qtbot, info.new_contact_button)
    press(qtbot, Qt.Key.Key_Space)
    person = dialog_of(qtbot, ContactDialog)
    assert isinstance(person, ContactDialog)
    type_text(qtbot, "Jeanne Roux")
    tab_to(qtbot, person.organisation_edit)
    type_text(qtbot, "Mairie de Saint-Flour")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: info.participants_list.count() == 1)
    back_to(qtbot, window)
    tab_to(qtbot, info.summary_edit)
    type_text(qtbot, SUMMARY)
    press(qtbot, Qt.Key.Key_Tab)

    # -- Checklist: Ctrl+PgDown, then the first item of the page, answered with Space
    press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert workspace.current_section() == "checklist"
    press(qtbot, Qt.Key.Key_J, CTRL)  # the first required item without an answer
    answer_the_focused_item(qtbot)

    # -- Interviews: « Nouvel entretien… », its guide, the notes
    press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert workspace.current_section() == "interviews"
    page = workspace.pages["interviews"]
    assert isinstance(page, InterviewsPage)
    tab_to(qtbot, page.new_button)
    press(qtbot, Qt.Key.Key_Space)
    new_interview = page.new_dialog
    assert new_interview is not None
    dialog_of(qtbot, type(new_interview))
    # The person met (the visit's participant), checked in the list with the space bar
    # (the élu guide v3 binds « Personnes rencontrées » to this list: forms/bindings.py).
    people = new_interview.contacts.list
    tab_to(qtbot, people)
    if people.currentRow() < 0:
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    assert people.item(people.currentRow()).checkState() == Qt.CheckState.Checked
    start = new_interview.buttons.button(QDialogButtonBox.StandardButton.Ok)
    tab_to(qtbot, start)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: page.interview_list.count() == 1)
    back_to(qtbot, window)
    qtbot.waitUntil(lambda: page.interviewee_list.count() == 1)
    guide = page.form_view.form
    assert guide is not None and guide.version == 3
    held = page.form_view.editor("date_entretien")  # the interview's own date, shown once
    assert held.value() == page.date_edit.date().toPython().isoformat()  # type: ignore[attr-defined]
    tab_to(qtbot, page.notes_edit)
    type_text(qtbot, INTERVIEW_NOTES)
    press(qtbot, Qt.Key.Key_Tab)

    # -- Diagnostic: a theme's level with the arrow keys
    press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert workspace.current_section() == "diagnostic"
    grid = workspace.pages["diagnostic"]
    assert isinstance(grid, DiagnosticPage)
    burglaries = grid.theme_rows["cambriolages"]
    tab_to(qtbot, burglaries.level_combo)
    press(qtbot, Qt.Key.Key_Down, times=3)

    # -- Action plan: Ctrl+Shift+A from anywhere, the text, Enter
    press(qtbot, Qt.Key.Key_A, CTRL_SHIFT)
    assert workspace.current_section() == "actions"
    type_text(qtbot, RECOMMENDATION)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(actions.list_recommendations(svc, visit_id)) == 1)

    # -- Complete: every required item first (Ctrl+J walks them), then the button
    checklist = workspace.pages["checklist"]
    forms = [checklist.form_view, grid.form_view]  # type: ignore[attr-defined]
    for _ in range(40):
        if not any(view.missing_required() for view in forms):
            break
        press(qtbot, Qt.Key.Key_J, CTRL)
        answer_the_focused_item(qtbot)
    assert not any(view.missing_required() for view in forms)
    for _ in range(10):
        if workspace.current_section() == "info":
            break
        press(qtbot, Qt.Key.Key_PageUp, CTRL)
    if info.start_button.isVisible():  # planned: « Commencer la visite » first
        tab_to(qtbot, info.start_button)
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(info.complete_button.isVisible)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    tab_to(qtbot, info.complete_button)
    press(qtbot, Qt.Key.Key_Space)
    # The confirmation says what is still empty; nothing required is missing, so its
    # default button, which has the focus, completes the visit.
    confirm = dialog_of(qtbot, CompleteVisitDialog)
    assert isinstance(confirm, CompleteVisitDialog) and not confirm.check.blocked
    assert focused() is confirm.complete_button
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: visits.get_visit(svc, visit_id).status == VisitStatus.TERMINEE)
    back_to(qtbot, window)

    # -- what was typed is what is stored
    stored = visits.get_visit(svc, visit_id)
    assert (stored.author, stored.summary) == ("Claire Martin", SUMMARY)
    assert len(visits.participant_ids(svc, visit_id)) == 1
    (interview,) = interviews.list_interviews(svc, visit_id)
    assert interview.notes == INTERVIEW_NOTES
    assert len(interviews.interviewees(svc, interview.id)) == 1
    assert interviews.interview_answers(svc, interview.id) == {}  # no double typing
    levels = {key: rating.level for key, rating in diagnostic.theme_ratings(svc, visit_id).items()}
    assert levels["cambriolages"] == 3
    assert [r.text for r in actions.list_recommendations(svc, visit_id)] == [RECOMMENDATION]

    # -- the report: Ctrl+PgDown to « Rapport »
    for _ in range(10):
        if workspace.current_section() == "report":
            break
        press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert workspace.current_section() == "report"
    view = workspace.pages["report"].view  # type: ignore[attr-defined]
    qtbot.waitUntil(view.issue_button.isEnabled, timeout=10_000)
    tab_to(qtbot, view.issue_button)
    press(qtbot, Qt.Key.Key_Space)

    # -- issuing: a dialog that says which version, confirmed with Enter
    issue = dialog_of(qtbot, IssueReportDialog)
    assert isinstance(issue, IssueReportDialog)
    assert focused() is issue.issue_button and "1" in issue.issue_button.text()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: visits.get_visit(svc, visit_id).status == VisitStatus.RAPPORT_EMIS, timeout=60_000
    )
    back_to(qtbot, window)

    # -- read-only: the banner says why and how to reopen; the editors are locked
    qtbot.waitUntil(workspace.issued_banner.isVisible)
    qtbot.waitUntil(lambda: view.issued_list.count() == 1, timeout=10_000)
    assert view.issued_list.item(0).text().startswith("Version 1 — issued on ")

    # -- the issued-report list: Tab to it, Enter opens the issued PDF as it was sent
    qtbot.waitUntil(lambda: not view._busy, timeout=60_000)
    tab_to(qtbot, view.issued_list)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: view.current is not None and view.current.path.name.startswith("rapport-"),
        timeout=30_000,
    )
    stored = issued_report(svc, visit_id)
    assert stored is not None
    assert view.current.path.read_bytes() == attachments.attachment_bytes(svc, stored)
    tab_to(qtbot, view.save_issued_button)  # « Enregistrer une copie… » is reachable too

    # -- back to Informations: read-only, « Rouvrir » reachable with Tab
    for _ in range(10):
        if workspace.current_section() == "info":
            break
        press(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert info.summary_edit.isReadOnly() and info.author_edit.isReadOnly()
    tab_to(qtbot, info.reopen_button)
    with pytest.raises(RuleViolation, match="lecture seule"):
        visits.update_visit(svc, visit_id, summary="Changée après l'émission")
