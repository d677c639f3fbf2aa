"""The whole app, end to end: a visit made through the real widgets survives a restart.

One person's day, through a real `MainWindow`: plan a visit of Saint-Flour from the
welcome page ("st fl" in the new-visit dialog), answer checklist items (one of them
only shown by `visible_if`), record an interview with a new contact, rate diagnostic
themes, add a recommendation, import a photo, type a quick note, then close the window.
A second window, on a NEW context (services and settings opened again from the same
data dir and settings file, on the real worker thread, as a restart would), reopens the
visit and shows everything; the services return it too. Finally the list's "Follow-up
visit" action plans a follow-up that shows the open recommendation, marked as carried
over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPlainTextEdit

from fieldvisit.core.domain import ContactRole
from fieldvisit.paths import DataDir
from fieldvisit.services import (
    Services,
    actions,
    answers,
    attachments,
    diagnostic,
    interviews,
    notes,
    visits,
)
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.shell.app import build_main_window
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.actions_model import CARRIED_ROLE, Column
from fieldvisit.ui.workspace.actions_page import ActionsPage
from fieldvisit.ui.workspace.checklist_page import ChecklistPage
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.interviews_page import InterviewsPage
from fieldvisit.ui.workspace.photos_page import PhotosPage

CHECKLIST = "visite-centre-bourg"
DIAGNOSTIC = "diagnostic-securite"
GENDARMERIE = "entretien-gendarmerie"

SUMMARY = "Centre-bourg anime le matin, eclairage a revoir rue des Lacs."
DARK_CORNERS = "Passage sous la halle, parking de la gare"
COMMENT = "Vu avec l'adjoint aux travaux"
INTERVIEW_NOTES = "Le commandant propose une reunion mensuelle avec le maire."
OBSERVATIONS = "Serie de cambriolages en centre-bourg au printemps"
RECOMMENDATION = "Installer un eclairage sous la halle"
CAPTION = "Halle sans eclairage"
QUICK_NOTE = "Lampadaire eteint place d'Armes"


# --- starting the app -------------------------------------------------------------------


def open_context(data_dir: DataDir, settings_file: Path, communes, inline: bool) -> UiContext:  # type: ignore[no-untyped-def]
    """What `run_app` builds at start-up: services on the data dir, a worker, settings."""
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes  # the reference is loaded once per session
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    return UiContext(services, DatabaseWorker(inline=inline), settings)


@pytest.fixture
def start_app(qapp, qtbot, data_dir: DataDir, tmp_path: Path, communes) -> Iterator[Callable]:  # type: ignore[no-untyped-def]
    """Start the app (a new context and main window) on the test's data dir, as often as
    needed; everything still open is closed at the end."""
    started: list[UiContext] = []

    def start(inline: bool = True) -> tuple[UiContext, MainWindow]:
        ctx = open_context(data_dir, tmp_path / "settings.ini", communes, inline)
        started.append(ctx)
        window = build_main_window(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return ctx, window

    yield start
    for ctx in started:
        ctx.worker.shutdown()
        ctx.services.close()


def quit_app(ctx: UiContext, window: MainWindow) -> None:
    """Close the window as the person does (no prompt), then end the session."""
    assert window.close()
    ctx.worker.shutdown()
    ctx.settings.sync()
    ctx.services.close()


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    """A phone photo taken upright: landscape pixels turned by EXIF Orientation 6."""
    path = tmp_path / "carte-sd" / "halle.jpg"
    path.parent.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (640, 480), (70, 70, 90)).save(path, format="JPEG", exif=exif)
    return path


# --- small helpers that act as a person would ----------------------------------------


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_ok(qtbot, buttons: QDialogButtonBox) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Ok))


def show_section(qtbot, window: MainWindow, key: str) -> None:  # type: ignore[no-untyped-def]
    """Click the section's entry in the workspace's section list."""
    sections = window.workspace.sections
    for row in range(sections.count()):
        entry = sections.item(row)
        if entry.data(Qt.ItemDataRole.UserRole) == key:
            rect = sections.visualItemRect(entry)
            qtbot.mouseClick(sections.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            assert window.workspace.current_section() == key
            return
    raise AssertionError(f"no section {key}")


def page_of(window: MainWindow, key: str, kind: type):  # type: ignore[no-untyped-def]
    page = window.workspace.pages[key]
    assert isinstance(page, kind), page
    return page


def type_into(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.keyClicks(widget, text)


# --- the day of the visit, through the widgets -------------------------------------------


def plan_saint_flour(qtbot, window: MainWindow) -> str:  # type: ignore[no-untyped-def]
    page = window.visit_list
    assert page.is_empty_state  # first start: the welcome page
    click(qtbot, page.welcome.new_visit_button)
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None and dialog.isVisible()
    type_into(qtbot, dialog.commune_edit, "st fl")
    model = dialog.completer.completionModel()
    shown = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert "Saint-Flour (15)" in shown
    popup = dialog.completer.popup()
    assert popup.isVisible()
    popup.setCurrentIndex(model.index(shown.index("Saint-Flour (15)"), 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.chosen_commune is not None and dialog.chosen_commune.code == "15187"
    type_into(qtbot, dialog.author_edit, "Claire Martin")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert window.showing_workspace
    visit_id = window.workspace.visit_id
    assert visit_id is not None
    assert "Saint-Flour (15)" in window.workspace.title_label.text()
    return visit_id


def answer_checklist(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_section(qtbot, window, "checklist")
    page = page_of(window, "checklist", ChecklistPage)
    view = page.form_view
    assert view.form is not None and view.form.id == CHECKLIST
    # v3: « Date de la visite » is the visit's own date (forms/bindings.py): answered.
    assert page.progress_label.text().startswith("1/")
    assert view.editor("date_visite").value() == date.today().isoformat()

    click(qtbot, view.editor("eclairage_zones_sombres").button_for("oui"))
    # "angles_morts_lieux" exists only when there are blind corners (visible_if).
    assert view.form.item("angles_morts_lieux").visible_if == "angles_morts == 'oui'"
    assert not view.is_item_shown("angles_morts_lieux")
    click(qtbot, view.editor("angles_morts").button_for("oui"))
    assert view.is_item_shown("angles_morts_lieux")
    assert view.item_row("angles_morts_lieux").isVisible()
    type_into(qtbot, view.editor("angles_morts_lieux").focus_target(), DARK_CORNERS)
    type_into(qtbot, view.editor("commerces_actifs").focus_target(), "12")
    click(qtbot, view.item_row("angles_morts").comment_toggle)
    type_into(qtbot, view.item_row("angles_morts").comment_edit, COMMENT)
    assert view.section_progress_text("espaces_publics").startswith("2/")


def record_interview(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_section(qtbot, window, "interviews")
    page = page_of(window, "interviews", InterviewsPage)
    assert page.interview_list.count() == 0
    click(qtbot, page.new_button)
    dialog = page.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.guide_combo.setCurrentIndex(dialog.guide_combo.findData(GENDARMERIE))
    click(qtbot, dialog.contacts.new_button)
    person = dialog.contacts.contact_dialog
    assert person is not None and person.isVisible()
    type_into(qtbot, person.name_edit, "Capitaine Marie Roux")
    person.role_combo.setCurrentIndex(
        person.role_combo.findData(ContactRole.COMMANDANT_BRIGADE.value)
    )
    type_into(qtbot, person.organisation_edit, "Brigade de Saint-Flour")
    click_ok(qtbot, person.buttons)
    assert dialog.contacts.checked_ids()  # the new contact is the interviewee
    click_ok(qtbot, dialog.buttons)

    assert page.interview_list.count() == 1
    assert page.interviewee_list.item(0).text().startswith("Capitaine Marie Roux")
    view = page.form_view
    click(qtbot, view.editor("cambriolages_serie").button_for("oui"))
    assert view.is_item_shown("cambriolages_details")
    type_into(qtbot, view.editor("cambriolages_details").focus_target(), "Trois villas en mars")
    type_into(qtbot, page.notes_edit, INTERVIEW_NOTES)


def rate_themes(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_section(qtbot, window, "diagnostic")
    page = page_of(window, "diagnostic", DiagnosticPage)
    burglaries = page.theme_rows["cambriolages"]
    burglaries.level_combo.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(3):  # non évalué → 1 → 2 → 3, with the arrow key
        qtbot.keyClick(burglaries.level_combo, Qt.Key.Key_Down)
    assert burglaries.level() == 3
    type_into(qtbot, burglaries.observations, OBSERVATIONS)
    rodeos = page.theme_rows["rodeos"]
    rodeos.level_combo.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(rodeos.level_combo, Qt.Key.Key_Down)
    assert rodeos.level() == 1
    assert page.summary_label.text().startswith(f"2 of {len(page.theme_rows)} themes evaluated")


def add_recommendation(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_section(qtbot, window, "actions")
    page = page_of(window, "actions", ActionsPage)
    assert page.model.rowCount() == 0
    click(qtbot, page.add_button)
    editor = page.table.viewport().findChild(QPlainTextEdit)
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, RECOMMENDATION)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 1
    assert page.model.index(0, Column.TEXT).data() == RECOMMENDATION


def attach_photo(qtbot, window: MainWindow, photo_file: Path) -> None:  # type: ignore[no-untyped-def]
    show_section(qtbot, window, "photos")
    page = page_of(window, "photos", PhotosPage)
    job = page.import_photos([photo_file])
    assert job is not None
    qtbot.waitUntil(lambda: job.done)
    assert [photo.filename for photo in page.photos()] == ["halle.jpg"]
    page.select(page.photos()[0].id)
    type_into(qtbot, page.caption_edit, CAPTION)
    qtbot.keyClick(page.caption_edit, Qt.Key.Key_Return)


def type_quick_note(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    pad = window.workspace.notes
    assert pad.isVisible()
    type_into(qtbot, pad.input, QUICK_NOTE)
    qtbot.keyClick(pad.input, Qt.Key.Key_Return)
    assert pad.list.count() == 1


def write_summary_unsaved(qtbot, window: MainWindow, ctx: UiContext, visit_id: str) -> None:  # type: ignore[no-untyped-def]
    """The last edit before closing stays in the autosave's debounce: close must write it."""
    show_section(qtbot, window, "info")
    page = page_of(window, "info", InfoPage)
    qtbot.keyClicks(page.summary_edit, SUMMARY)
    assert visits.get_visit(ctx.services, visit_id).summary == ""  # not written yet


# --- the test -----------------------------------------------------------------------------


def test_a_visit_made_through_the_widgets_is_all_there_after_a_restart(
    start_app, qtbot, photo_file: Path
) -> None:  # type: ignore[no-untyped-def]
    ctx, window = start_app()
    visit_id = plan_saint_flour(qtbot, window)
    answer_checklist(qtbot, window)
    record_interview(qtbot, window)
    rate_themes(qtbot, window)
    add_recommendation(qtbot, window)
    attach_photo(qtbot, window, photo_file)
    type_quick_note(qtbot, window)
    write_summary_unsaved(qtbot, window, ctx, visit_id)
    quit_app(ctx, window)

    # A restart: a new context on the same data dir and settings, the real worker thread.
    ctx, window = start_app(inline=False)
    qtbot.waitUntil(lambda: window.showing_workspace)
    assert window.workspace.visit_id == visit_id  # the last visit reopens
    qtbot.waitUntil(lambda: "Saint-Flour (15)" in window.windowTitle())
    check_the_widgets(qtbot, window)
    check_the_services(ctx.services, visit_id)
    check_the_follow_up(qtbot, window, ctx, visit_id)
    quit_app(ctx, window)


def check_the_widgets(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    workspace = window.workspace
    assert workspace.current_section() == "info"
    info = page_of(window, "info", InfoPage)
    qtbot.waitUntil(lambda: info.summary_edit.toPlainText() == SUMMARY)
    assert info.author_edit.text() == "Claire Martin"
    assert info.commune_label.text().startswith("Saint-Flour (15)")
    qtbot.waitUntil(lambda: workspace.header is not None)
    # The four checklist items (themes are apart), and the visit's date and synthesis,
    # which the checklist v3 shows as its own items (forms/bindings.py).
    assert workspace.header.answered == 6
    assert workspace.progress.value() == 6

    show_section(qtbot, window, "checklist")
    view = page_of(window, "checklist", ChecklistPage).form_view
    qtbot.waitUntil(lambda: view.form is not None and bool(view.answers()))
    assert view.editor("eclairage_zones_sombres").value() == "oui"
    assert view.editor("synthese_visite").value() == SUMMARY  # typed once, in Informations
    assert view.editor("angles_morts").value() == "oui"
    assert view.is_item_shown("angles_morts_lieux")  # visible_if holds again
    assert view.editor("angles_morts_lieux").value() == DARK_CORNERS
    assert view.editor("commerces_actifs").value() == 12
    assert view.comment("angles_morts") == COMMENT

    show_section(qtbot, window, "interviews")
    interviews_page = page_of(window, "interviews", InterviewsPage)
    qtbot.waitUntil(lambda: interviews_page.notes_edit.toPlainText() == INTERVIEW_NOTES)
    assert interviews_page.interview_list.count() == 1
    assert interviews_page.guide_label.text() == "Entretien avec la gendarmerie"
    assert interviews_page.interviewee_list.item(0).text() == (
        "Capitaine Marie Roux — Commandant de brigade, Brigade de Saint-Flour"
    )
    assert interviews_page.form_view.editor("cambriolages_serie").value() == "oui"
    details = interviews_page.form_view.editor("cambriolages_details")
    assert details.value() == "Trois villas en mars"

    show_section(qtbot, window, "diagnostic")
    diagnostic_page = page_of(window, "diagnostic", DiagnosticPage)
    qtbot.waitUntil(lambda: diagnostic_page.theme_rows.get("cambriolages") is not None)
    qtbot.waitUntil(lambda: diagnostic_page.theme_rows["cambriolages"].level() == 3)
    burglaries = diagnostic_page.theme_rows["cambriolages"]
    assert burglaries.observations.toPlainText() == OBSERVATIONS
    assert diagnostic_page.theme_rows["rodeos"].level() == 1

    show_section(qtbot, window, "actions")
    actions_page = page_of(window, "actions", ActionsPage)
    qtbot.waitUntil(lambda: actions_page.model.rowCount() == 1)
    assert actions_page.model.index(0, Column.TEXT).data() == RECOMMENDATION
    assert actions_page.model.index(0, Column.TEXT).data(CARRIED_ROLE) is False

    show_section(qtbot, window, "photos")
    photos_page = page_of(window, "photos", PhotosPage)
    qtbot.waitUntil(lambda: photos_page.model.rowCount() == 1)
    assert photos_page.model.item(0).text() == CAPTION
    sha256 = photos_page.photos()[0].sha256
    qtbot.waitUntil(lambda: photos_page.thumbnails.pixmap(sha256) is not None)
    thumbnail = photos_page.thumbnails.pixmap(sha256)
    assert thumbnail.height() > thumbnail.width()  # EXIF orientation respected

    pad = workspace.notes
    qtbot.waitUntil(lambda: pad.list.count() == 1)
    assert pad.list.item(0).text().endswith(QUICK_NOTE)


def check_the_services(svc: Services, visit_id: str) -> None:
    visit = visits.get_visit(svc, visit_id)
    assert (visit.commune_code, visit.commune_name, visit.departement) == (
        "15187",
        "Saint-Flour",
        "15",
    )
    assert visit.author == "Claire Martin"
    assert visit.summary == SUMMARY
    assert visit.visit_date == date.today()

    given = answers.visit_answers(svc, visit_id, CHECKLIST)
    assert {item: answer.value for item, answer in given.items()} == {
        "eclairage_zones_sombres": "oui",
        "angles_morts": "oui",
        "angles_morts_lieux": DARK_CORNERS,
        "commerces_actifs": 12,
    }
    assert given["angles_morts"].comment == COMMENT

    (interview,) = interviews.list_interviews(svc, visit_id)
    assert interview.form_id == GENDARMERIE
    assert interview.notes == INTERVIEW_NOTES
    assert [person.name for person in interviews.interviewees(svc, interview.id)] == [
        "Capitaine Marie Roux"
    ]
    said = interviews.interview_answers(svc, interview.id)
    assert said["cambriolages_serie"].value == "oui"
    assert said["cambriolages_details"].value == "Trois villas en mars"

    ratings = diagnostic.theme_ratings(svc, visit_id)
    assert ratings["cambriolages"].level == 3
    assert ratings["cambriolages"].observations == OBSERVATIONS
    assert ratings["rodeos"].level == 1

    (recommendation,) = actions.list_recommendations(svc, visit_id)
    assert recommendation.text == RECOMMENDATION
    assert recommendation.status == "a_engager"

    (photo,) = attachments.list_attachments(svc, visit_id)
    assert (photo.filename, photo.caption) == ("halle.jpg", CAPTION)
    assert attachments.attachment_path(svc, photo).is_file()

    assert [note.text for note in notes.list_quick_notes(svc, visit_id)] == [QUICK_NOTE]


def check_the_follow_up(qtbot, window: MainWindow, ctx: UiContext, visit_id: str) -> None:  # type: ignore[no-untyped-def]
    window.action_back.trigger()
    page = window.visit_list
    qtbot.waitUntil(lambda: page.shown_communes() == ["Saint-Flour"])
    assert page.selected_visit_id() == visit_id
    assert page.follow_up_button.isEnabled()
    click(qtbot, page.follow_up_button)
    dialog = page.follow_up_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.ok_button.isEnabled)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.showing_workspace and window.workspace.visit_id != visit_id)
    follow_up_id = window.workspace.visit_id
    assert follow_up_id is not None

    show_section(qtbot, window, "actions")
    actions_page = page_of(window, "actions", ActionsPage)
    (original,) = actions.list_recommendations(ctx.services, visit_id)
    # Until the follow-up's plan is loaded, the table still holds the previous visit's.
    qtbot.waitUntil(
        lambda: (
            actions_page.model.rowCount() == 1 and actions_page.model.row_at(0).id != original.id
        )
    )
    carried = actions_page.model.index(0, Column.TEXT)
    assert carried.data() == RECOMMENDATION
    assert carried.data(CARRIED_ROLE) is True
    assert actions_page.model.headerData(0, Qt.Orientation.Vertical) == "Carried over"
    today = date.today().strftime("%d/%m/%Y")
    assert carried.data(Qt.ItemDataRole.ToolTipRole) == f"Carried over from the visit of {today}"

    follow_up = visits.get_visit(ctx.services, follow_up_id)
    assert follow_up.previous_visit_id == visit_id
    assert follow_up.visit_type == "suivi"
    (copy,) = actions.list_recommendations(ctx.services, follow_up_id)
    assert copy.carried_from_id == original.id
    assert copy.text == RECOMMENDATION

    window.action_back.trigger()
    qtbot.waitUntil(lambda: sorted(page.shown_communes()) == ["Saint-Flour", "Saint-Flour"])
    assert QApplication.activeModalWidget() is None  # no error box came up on the way
