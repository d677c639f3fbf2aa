"""The visit workspace: header, sections and shortcuts, the Informations page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QWidget,
)

from fieldvisit.core.domain import ContactRole
from fieldvisit.forms import ItemType
from fieldvisit.services import actions, answers, contacts, visits
from fieldvisit.sync.engine import SyncReport
from fieldvisit.ui.dialogs.contact_dialog import ContactDialog
from fieldvisit.ui.sync.sync_ui import changes_of_round
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.workspace import SECTIONS, VisitWorkspace
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog

SECTION_KEYS = [spec.key for spec in SECTIONS]


@pytest.fixture
def workspace(ui_ctx, qtbot) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ui_ctx)
    qtbot.addWidget(ws)
    ws.resize(1200, 800)
    ws.show()
    ws.activateWindow()
    qtbot.waitExposed(ws)
    return ws


@pytest.fixture
def visit(ui_ctx):  # type: ignore[no-untyped-def]
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12), author="Claire Martin")


def info_page(ws: VisitWorkspace) -> InfoPage:
    page = ws.pages["info"]
    assert isinstance(page, InfoPage)
    return page


def test_header_shows_commune_french_date_type_status_and_progress(workspace, visit) -> None:
    workspace.open_visit(visit.id)
    assert "Saint-Flour (15)" in workspace.title_label.text()
    assert workspace.date_label.text() == "jeudi 12 mars 2026"
    assert "Première visite" in workspace.type_label.text()
    assert "Planifiée" in workspace.status_label.text()
    # v3: « Date de la visite » is the visit's date (forms/bindings.py), set when planned.
    assert workspace.progress.value() == 1
    assert workspace.progress.text().startswith("1/")
    assert [workspace.sections.item(row).text() for row in range(len(SECTIONS))] == [
        page.section_title() for page in workspace.pages.values()
    ]
    assert workspace.notes.isVisible()


def test_sections_follow_the_keyboard_and_back_goes_to_the_list(workspace, visit, qtbot) -> None:
    workspace.open_visit(visit.id)
    assert workspace.current_section() == "info"
    ctrl = Qt.KeyboardModifier.ControlModifier
    for expected in SECTION_KEYS[1:]:
        qtbot.keyClick(workspace.sections, Qt.Key.Key_PageDown, ctrl)
        assert workspace.current_section() == expected
        assert workspace.stack.currentWidget() is workspace.pages[expected]
    qtbot.keyClick(workspace.sections, Qt.Key.Key_PageDown, ctrl)  # stays on the last
    assert workspace.current_section() == "report"
    qtbot.keyClick(workspace.sections, Qt.Key.Key_PageUp, ctrl)
    assert workspace.current_section() == "photos"

    with qtbot.waitSignal(workspace.back_requested, timeout=1000):
        qtbot.keyClick(workspace.sections, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(workspace.back_requested, timeout=1000):
        qtbot.mouseClick(workspace.back_button, Qt.MouseButton.LeftButton)


def test_leaving_a_section_flushes_its_pending_edits(workspace, visit, qtbot, ui_ctx) -> None:
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    page.summary_edit.setPlainText("Écrit juste avant de changer de section")
    workspace.next_section()  # no wait: leaving the page writes it
    assert (
        visits.get_visit(ui_ctx.services, visit.id).summary
        == "Écrit juste avant de changer de section"
    )


def test_summary_is_saved_after_the_debounce_and_at_once_on_flush(
    workspace, visit, qtbot, ui_ctx
) -> None:
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    page.summary_edit.setFocus()  # (QTest types ASCII only)
    qtbot.keyClicks(page.summary_edit, "Centre-bourg calme, eclairage a revoir.")
    assert visits.get_visit(ui_ctx.services, visit.id).summary == ""  # not yet: debounced
    qtbot.waitUntil(
        lambda: (
            visits.get_visit(ui_ctx.services, visit.id).summary
            == "Centre-bourg calme, eclairage a revoir."
        ),
        timeout=3000,
    )

    qtbot.keyClicks(page.summary_edit, " Rodeos le soir.")
    workspace.flush()
    assert visits.get_visit(ui_ctx.services, visit.id).summary.endswith("Rodeos le soir.")


def test_date_and_author_are_saved_and_the_header_follows(workspace, visit, qtbot, ui_ctx) -> None:
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    assert page.date_edit.text() == "12/03/2026"
    assert page.author_edit.text() == "Claire Martin"
    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=3000) as changed:
        page.date_edit.setDate(QDate(2026, 3, 19))
    assert changed.args[0].visits == {visit.id}
    assert visits.get_visit(ui_ctx.services, visit.id).visit_date == date(2026, 3, 19)
    assert workspace.date_label.text() == "jeudi 19 mars 2026"

    page.author_edit.setFocus()
    page.author_edit.selectAll()
    qtbot.keyClicks(page.author_edit, "Paul Durand")
    qtbot.keyClick(page.author_edit, Qt.Key.Key_Return)  # editing finished: saved at once
    assert visits.get_visit(ui_ctx.services, visit.id).author == "Paul Durand"


def test_participants_added_created_and_removed(workspace, visit, qtbot, ui_ctx) -> None:
    svc = ui_ctx.services
    maire = contacts.add_contact(
        svc, "Anne Vidal", ContactRole.MAIRE, "Mairie", commune_code="15187"
    )
    contacts.add_contact(svc, "Luc Bernard", ContactRole.COMMANDANT_BRIGADE, "Brigade")
    workspace.open_visit(visit.id)
    page = info_page(workspace)

    qtbot.mouseClick(page.add_participant_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(ChoiceDialog, "participantChoice")
    assert dialog is not None and dialog.isVisible()
    assert dialog.combo.itemText(0).startswith("Anne Vidal")  # the commune's contacts first
    dialog.choose(maire.id)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert visits.participant_ids(svc, visit.id) == [maire.id]
    assert page.participants_list.item(0).text().startswith("Anne Vidal — Maire")

    qtbot.mouseClick(page.new_contact_button, Qt.MouseButton.LeftButton)
    new = page.findChild(ContactDialog)
    assert new is not None
    qtbot.keyClicks(new.name_edit, "Sophie Roux")
    new.role_combo.setCurrentIndex(new.role_combo.findData(ContactRole.REFERENT_SURETE.value))
    new.buttons.button(new.buttons.StandardButton.Ok).click()
    names = {
        c.name for c in contacts.list_contacts(svc) if c.id in visits.participant_ids(svc, visit.id)
    }
    assert names == {"Anne Vidal", "Sophie Roux"}
    assert page.participants_list.count() == 2

    page.participants_list.setCurrentRow(0)
    assert page.remove_participant_button.isEnabled()
    qtbot.mouseClick(page.remove_participant_button, Qt.MouseButton.LeftButton)
    remaining = visits.participant_ids(svc, visit.id)
    assert len(remaining) == 1 and maire.id not in remaining
    assert page.participants_list.count() == 1


def answer_every_required_item(svc, visit_id: str) -> None:  # type: ignore[no-untyped-def]
    """Answer what `complete_visit` needs, through the services (as a person would)."""
    visit = visits.get_visit(svc, visit_id)
    for form_id, version in (
        (visit.checklist_form_id, visit.checklist_form_version),
        (visit.diagnostic_form_id, visit.diagnostic_form_version),
    ):
        form = svc.forms.get(form_id, version)
        for _round in range(10):  # answers can reveal more required items
            given = {
                item_id: answer.value
                for item_id, answer in answers.visit_answers(svc, visit_id, form_id).items()
            }
            # A bound item is the visit's own field (its date is set when planned).
            missing = [item for item in form.missing_required(given) if item.bind is None]
            if not missing:
                break
            for item in missing:
                answers.answer_item(svc, visit_id, form_id, item.id, sample_value(item))


def sample_value(item):  # type: ignore[no-untyped-def]
    if item.type == ItemType.yes_no_na:
        return "non"
    if item.type == ItemType.single_choice:
        return item.choices[0].id
    if item.type == ItemType.multi_choice:
        return [item.choices[0].id]
    if item.type == ItemType.number:
        return int(item.min or 0)
    if item.type == ItemType.date:
        return "2026-03-12"
    if item.type == ItemType.rating:
        return 3
    if item.type == ItemType.photo:
        return True
    return "Vu sur place"


def test_start_complete_with_missing_items_then_complete_and_reopen(
    workspace, visit, qtbot, ui_ctx
) -> None:
    svc = ui_ctx.services
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    assert page.start_button.isVisible() and not page.complete_button.isVisible()

    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=1000):
        qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert visits.get_visit(svc, visit.id).status == "en_cours"
    assert "En cours" in workspace.status_label.text()
    assert page.complete_button.isVisible() and not page.start_button.isVisible()

    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    dialog = page.completion_dialog
    qtbot.waitUntil(dialog.isVisible)
    missing = visits.missing_required_items(svc, visit.id)
    assert dialog.items.count() == len(missing) > 0
    assert dialog.items.item(0).text() == missing[0]
    assert "Moment du parcours" in dialog.items.item(0).text()  # the date is the visit's
    assert dialog.complete_button is None  # required items block, as the service does
    assert dialog.go_button is not None
    qtbot.mouseClick(dialog.go_button, Qt.MouseButton.LeftButton)
    assert workspace.current_section() == "checklist"
    assert visits.get_visit(svc, visit.id).status == "en_cours"

    answer_every_required_item(svc, visit.id)
    workspace.show_section("info")
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    dialog = page.completion_dialog
    qtbot.waitUntil(dialog.isVisible)
    # What is still empty is said, without blocking: the synthesis, optional items.
    listed = [dialog.items.item(row).text() for row in range(dialog.items.count())]
    assert "The synthesis of the visit (Informations) is empty" in listed
    assert any("optional item(s) without an answer" in line for line in listed)
    assert visits.get_visit(svc, visit.id).status == "en_cours"  # not before confirming
    assert dialog.complete_button is not None and dialog.complete_button.isDefault()
    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert visits.get_visit(svc, visit.id).status == "terminee"
    assert "Terminée" in workspace.status_label.text()
    assert page.reopen_button.isVisible()

    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert visits.get_visit(svc, visit.id).status == "en_cours"


def test_an_issued_visit_is_read_only_with_a_banner_until_reopened(
    workspace, visit, qtbot, ui_ctx
) -> None:
    svc = ui_ctx.services
    visits.start_visit(svc, visit.id)
    answer_every_required_item(svc, visit.id)
    actions.add_recommendation(svc, visit.id, "Installer un éclairage sous la halle")
    visits.complete_visit(svc, visit.id)
    visits.mark_report_issued(svc, visit.id)
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    qtbot.waitUntil(workspace.issued_banner.isVisible)
    # A row chosen in the action plan does not enable « Supprimer… » again.
    workspace.show_section("actions")
    plan = workspace.pages["actions"]
    qtbot.waitUntil(lambda: plan.table.model().rowCount() == 1)
    plan.table.selectRow(0)
    assert plan.delete_button.isEnabled()  # the page's own update, at once…
    qtbot.waitUntil(lambda: not plan.delete_button.isEnabled())  # …locked again
    assert not plan.add_button.isEnabled()
    assert "read-only" in workspace.issued_banner_label.text()
    checklist = workspace.pages["checklist"]
    workspace.show_section("checklist")
    editors = [
        w
        for w in checklist.findChildren(QWidget)
        if isinstance(w, (QComboBox, QAbstractButton, QAbstractSpinBox))
        and w.isVisible()
        and w is not checklist.next_button  # a way through the form, not an edit
    ]
    assert editors and not any(w.isEnabled() for w in editors)
    texts = [
        w
        for w in checklist.findChildren(QPlainTextEdit) + checklist.findChildren(QLineEdit)
        if w.isVisible()
    ]
    # (a date's line edit is disabled with its box)
    assert texts and all(w.isReadOnly() or not w.isEnabled() for w in texts)
    workspace.show_section("info")
    assert page.summary_edit.isReadOnly()
    assert page.reopen_button.isVisible() and page.reopen_button.isEnabled()

    # « Rouvrir la visite… » in the banner, confirmed: editable again.
    qtbot.mouseClick(workspace.reopen_button, Qt.MouseButton.LeftButton)
    box = workspace.reopen_box
    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=1000):
        box.confirm_button.click()
    assert visits.get_visit(svc, visit.id).status == "en_cours"
    qtbot.waitUntil(lambda: not workspace.issued_banner.isVisible())
    assert not page.summary_edit.isReadOnly()
    workspace.show_section("checklist")
    assert all(w.isEnabled() for w in editors if w.isVisible())


def test_follow_up_shows_a_link_to_the_previous_visit(workspace, visit, qtbot, ui_ctx) -> None:
    follow_up = visits.plan_follow_up(ui_ctx.services, visit.id, date(2026, 9, 15))
    workspace.open_visit(follow_up.id)
    page = info_page(workspace)
    assert "Visite de suivi" in workspace.type_label.text()
    assert page.previous_label.isVisible()
    assert "12/03/2026" in page.previous_label.text()
    assert "Visite du centre-bourg (v3)" in page.forms_label.text()

    with qtbot.waitSignal(workspace.visit_opened, timeout=1000) as opened:
        page.previous_label.linkActivated.emit(visit.id)
    assert opened.args == [visit.id]
    assert workspace.visit_id == visit.id
    assert workspace.date_label.text() == "jeudi 12 mars 2026"
    assert not page.previous_label.isVisible()


def test_the_pages_signals_are_connected_to_the_workspace(
    workspace, visit, qtbot, monkeypatch, ui_ctx
) -> None:
    """Pages reach each other only through the workspace, by named signals: each is live."""
    asked: list[str] = []

    def fake_dialog(parent, title, directory, filters):  # type: ignore[no-untyped-def]
        asked.append(parent.objectName() or type(parent).__name__)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_dialog)
    workspace.open_visit(visit.id)
    workspace.pages["checklist"].photo_requested.emit("visite-centre-bourg", "eclairage_photos")
    workspace.pages["diagnostic"].photo_requested.emit("diagnostic-securite", "photos")
    assert asked == ["PhotosPage", "PhotosPage"]  # the photos page asked for files, twice

    workspace.show_section("info")
    info_page(workspace).jump_to_missing_requested.emit()
    assert workspace.current_section() == "checklist"

    other = visits.plan_visit(ui_ctx.services, "15187", date(2026, 4, 2))
    info_page(workspace).open_visit_requested.emit(other.id)
    assert workspace.visit_id == other.id
    assert workspace.date_label.text() == "jeudi 2 avril 2026"


def test_an_edit_on_each_page_reaches_the_change_signal(
    workspace, visit, qtbot, ui_ctx, tmp_path
) -> None:
    """The one change signal hears every page's edits, with the page as their origin."""
    from PIL import Image

    from fieldvisit.ui.base.changes import made_by

    workspace.open_visit(visit.id)
    heard: list[object] = []
    ui_ctx.changes.changed.connect(lambda changes, origin: heard.append(origin))
    picture = tmp_path / "place.png"
    Image.new("RGB", (32, 24), (200, 120, 10)).save(picture)

    def edit(key: str) -> None:
        page = workspace.pages[key]
        if key == "info":
            page.summary_edit.setPlainText("Centre-bourg calme")
        elif key == "checklist":
            page.form_view.editor("eclairage_zones_sombres").buttons[0].click()
        elif key == "diagnostic":
            form = page.form_view.form
            page.theme_rows[form.sections[0].themes[0].id].select_level(3)
        elif key == "photos":
            page.import_photos([picture])
        page.flush()

    for key in ("info", "checklist", "diagnostic", "photos"):
        workspace.show_section(key)
        heard.clear()
        edit(key)
        assert any(made_by(workspace.pages[key], origin) for origin in heard), key


def test_window_actions_take_over_the_same_keys(ui_ctx, qtbot, visit) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    ws = VisitWorkspace(ui_ctx, window)
    window.setCentralWidget(ws)
    taken = QAction("Section suivante", window)
    taken.setShortcut(QKeySequence("Ctrl+PgDown"))
    window.addAction(taken)
    window.show()
    qtbot.waitExposed(window)
    enabled = {s.key().toString(): s.isEnabled() for s in ws.shortcuts}
    assert enabled["Ctrl+PgDown"] is False
    assert enabled["Ctrl+Shift+N"] is True and enabled["Ctrl+PgUp"] is True


def test_quick_notes_shortcut_shows_the_pad_and_focuses_its_input(workspace, visit, qtbot) -> None:
    workspace.open_visit(visit.id)
    workspace.notes_button.setChecked(False)
    assert not workspace.notes.isVisible()
    qtbot.keyClick(
        workspace.sections,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert workspace.notes.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is workspace.notes.input, timeout=1000)


def test_status_shown_elsewhere_follows_a_change_made_by_another_page(
    workspace, visit, qtbot, ui_ctx
) -> None:
    workspace.open_visit(visit.id)
    workspace.show_section("checklist")
    # An operation of another page (as the Rapport section's, say) moves the status.
    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=1000):
        ui_ctx.run(ui_ctx.call(visits.start_visit, visit.id), origin=workspace.pages["checklist"])
    assert "En cours" in workspace.status_label.text()
    workspace.show_section("info")  # reloaded when shown
    assert "En cours" in info_page(workspace).status_label.text()
    assert info_page(workspace).complete_button.isVisible()


def test_open_and_type_on_the_real_worker_thread(threaded_ctx, qtbot) -> None:
    svc = threaded_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12))
    ws = VisitWorkspace(threaded_ctx)
    qtbot.addWidget(ws)
    ws.show()
    ws.open_visit(visit.id)
    qtbot.waitUntil(lambda: "Saint-Flour (15)" in ws.title_label.text(), timeout=5000)
    page = info_page(ws)
    qtbot.waitUntil(lambda: page.visit is not None, timeout=5000)
    page.summary_edit.setFocus()
    qtbot.keyClicks(page.summary_edit, "Visite de nuit")
    qtbot.waitUntil(
        lambda: visits.get_visit(svc, visit.id).summary == "Visite de nuit", timeout=5000
    )
    ws.flush()
    threaded_ctx.worker.wait_idle()
    QApplication.processEvents()  # callbacks delivered while the widgets exist


def test_a_sync_reload_never_pulls_the_page_being_typed_in(workspace, visit, ui_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    qtbot.waitUntil(lambda: page.summary_edit.isEnabled())
    page.summary_edit.setFocus()
    qtbot.waitUntil(lambda: page.summary_edit.hasFocus())
    # A colleague's summary arrives by sync while the cursor is in the summary.
    visits.update_visit(ui_ctx.services, visit.id, summary="Résumé venu d'un collègue")
    ui_ctx.changes.announce(changes_of_round(SyncReport(changed_visits={visit.id})))
    ui_ctx.worker.wait_idle()  # (inline worker: the loads have run)
    assert page.summary_edit.toPlainText() == ""  # nothing replaced under the cursor
    assert workspace.current_section() == "info"

    workspace.back_button.setFocus()  # the person leaves the page: now it shows the sync
    qtbot.waitUntil(lambda: page.summary_edit.toPlainText() == "Résumé venu d'un collègue")
    assert workspace.current_section() == "info"


def test_a_sync_reload_refreshes_the_header_and_pages_not_being_typed_in(
    workspace, visit, ui_ctx, qtbot
) -> None:  # type: ignore[no-untyped-def]
    workspace.open_visit(visit.id)
    page = info_page(workspace)
    workspace.back_button.setFocus()
    visits.update_visit(ui_ctx.services, visit.id, summary="Synthèse reçue")
    visits.start_visit(ui_ctx.services, visit.id)
    ui_ctx.changes.announce(changes_of_round(SyncReport(changed_visits={visit.id})))
    qtbot.waitUntil(lambda: page.summary_edit.toPlainText() == "Synthèse reçue")
    qtbot.waitUntil(lambda: "En cours" in workspace.status_label.text())
