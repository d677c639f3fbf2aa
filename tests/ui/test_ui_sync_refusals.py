"""In the app, on real widgets: long texts stop at the sync's limit and say so; refused
changes and set-aside records are counted and shown with their ways out; a second
account on the same data dir is refused, then offered to clear or to use another
folder; contacts are offered only where the server will accept them.

The server is the real app under uvicorn on 127.0.0.1 (`server.testing.serve`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldvisit.core.limits import LONG_TEXT_CHARS, french_number
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, plant_record, serve, visit_fields
from fieldvisit.services import contacts, visits
from fieldvisit.services.interviews import record_interview
from fieldvisit.sync.session import login, logout
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.sync.sync_controller import SyncPhase
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit, LimitedPlainTextEdit
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog

PASSWORD = "mot-de-passe-solide"
ROUND_TIMEOUT_MS = 30_000
N = french_number


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    add_user(ctx.db, ctx.passwords, "agent43", PASSWORD, "agent", ("43",))
    with serve(app) as url:
        yield app, url
    ctx.db.close()


@pytest.fixture
def window(qtbot: Any, ui_ctx: UiContext) -> MainWindow:
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


def press_sync(qtbot: Any, window: MainWindow) -> Any:
    ui = window.sync
    button = ui.toolbar.widgetForAction(ui.action_sync)
    if ui.controller is None:
        ui.start()
    qtbot.waitUntil(lambda: not ui.controller.busy, timeout=ROUND_TIMEOUT_MS)
    final = (SyncPhase.UP_TO_DATE, SyncPhase.ERROR, SyncPhase.OFFLINE, SyncPhase.SIGNED_OUT)
    with qtbot.waitSignal(
        ui.controller.state_changed,
        timeout=ROUND_TIMEOUT_MS,
        check_params_cb=lambda state: state.phase in final,
    ) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def open_info(qtbot: Any, window: MainWindow, visit_id: str) -> Any:
    window.open_visit(visit_id)
    page = window.workspace.pages["info"]
    qtbot.waitUntil(lambda: page.visit_id == visit_id)
    return page


# --- 11.5: the limit where the person types -------------------------------------------


def test_the_summary_stops_at_the_limit_and_a_paste_that_would_exceed_adds_nothing(
    french: None, qtbot: Any, window: MainWindow
) -> None:
    svc = window.ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    editor = open_info(qtbot, window, visit.id).summary_edit
    assert isinstance(editor, LimitedPlainTextEdit) and editor.limit == LONG_TEXT_CHARS

    notes = ("Constat du centre-bourg, rue après rue.\n" * 2_000)[: LONG_TEXT_CHARS - 5]
    editor.setPlainText(notes)
    assert editor.notice == f"{N(LONG_TEXT_CHARS - 5)} / {N(LONG_TEXT_CHARS)} caractères"
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "bcdefghij")
    assert editor.toPlainText() == notes + "bcdef"  # the rest refused
    assert editor.notice == (
        f"Limite de {N(LONG_TEXT_CHARS)} caractères atteinte : rien de plus n'est ajouté. "
        "Raccourcissez le texte pour y ajouter."
    )
    window.workspace.flush()
    assert len(visits.get_visit(svc, visit.id).summary) == LONG_TEXT_CHARS  # all saved

    cursor = editor.textCursor()  # the person selects the last 1,000 and deletes them
    cursor.movePosition(cursor.MoveOperation.Left, cursor.MoveMode.KeepAnchor, 1_000)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    clipboard = QApplication.clipboard()
    clipboard.setText("x" * 2_000)
    before = editor.toPlainText()
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == before  # not a truncated half
    assert editor.notice == (
        f"Collage refusé : ces {N(2_000)} caractères mettraient le texte {N(1_000)} "
        f"caractères au-delà de la limite de {N(LONG_TEXT_CHARS)}. Rien n'a été collé ; le "
        "texte reste dans le presse-papiers."
    )
    assert clipboard.text() == "x" * 2_000
    clipboard.setText("y" * 600)
    qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == before + "y" * 600
    assert editor.notice == f"{N(LONG_TEXT_CHARS - 400)} / {N(LONG_TEXT_CHARS)} caractères"


def test_a_text_over_the_limit_is_shown_whole_and_can_only_be_shortened(
    french: None, qtbot: Any, window: MainWindow
) -> None:
    svc = window.ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    interview = record_interview(svc, visit.id, "entretien-elu", title="Maire")
    legacy = "Compte rendu. " * 5_000  # 70,000 characters, typed before the limit
    with svc.store.transaction() as session:
        session.connection().exec_driver_sql(
            "UPDATE interviews SET notes = ? WHERE id = ?", (legacy, interview.id)
        )
    window.open_visit(visit.id)
    window.workspace.show_section("interviews")
    page = window.workspace.pages["interviews"]
    qtbot.waitUntil(lambda: page.notes_edit.toPlainText() == legacy, timeout=5_000)
    editor = page.notes_edit
    assert editor.notice == (
        f"Ce texte compte {N(70_000)} caractères, plus que la limite de "
        f"{N(LONG_TEXT_CHARS)} : il ne peut pas être synchronisé tant qu'il n'est pas "
        "raccourci. Rien n'en est perdu."
    )
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "z")
    assert editor.toPlainText() == legacy  # adding: refused
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    window.workspace.flush()  # shortening: saved, step by step
    saved = record_notes(svc, interview.id)
    assert saved == legacy[:-1]


def record_notes(svc: Any, interview_id: str) -> str:
    from fieldvisit.services.interviews import list_interviews

    interview = next(i for visit in visits.list_visits(svc) for i in list_interviews(svc, visit.id))
    assert interview.id == interview_id
    return str(interview.notes)


def test_every_editor_of_long_texts_has_the_limit(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    from PIL import Image

    from fieldvisit.services.actions import add_recommendation
    from fieldvisit.services.attachments import attach_file
    from fieldvisit.ui.forms.form_view import ItemRow
    from fieldvisit.ui.forms.item_widgets import LongTextEditor
    from fieldvisit.ui.forms.text_edits import GrowingTextEdit
    from fieldvisit.ui.workspace.actions_page import ActionTextDelegate

    svc = window.ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    record_interview(svc, visit.id, "entretien-elu", title="Maire")
    add_recommendation(svc, visit.id, "Éclairer le parking")
    photo = tmp_path / "place.jpg"
    Image.new("RGB", (32, 24), (10, 20, 30)).save(photo, format="JPEG")
    attach_file(svc, visit.id, photo)
    window.open_visit(visit.id)
    pages = window.workspace.pages
    for key in ("interviews", "diagnostic", "actions", "photos", "checklist"):
        window.workspace.show_section(key)
    qtbot.waitUntil(lambda: pages["photos"].view.model().rowCount() == 1, timeout=5_000)

    assert isinstance(pages["info"].summary_edit, LimitedPlainTextEdit)
    assert isinstance(pages["interviews"].notes_edit, LimitedPlainTextEdit)
    assert isinstance(pages["photos"].caption_edit, LimitedLineEdit)
    assert isinstance(window.workspace.notes.input, LimitedLineEdit)
    observations = pages["diagnostic"].findChildren(GrowingTextEdit)
    assert observations and all(isinstance(e, LimitedPlainTextEdit) for e in observations)
    delegate = next(
        d
        for column in range(pages["actions"].model.columnCount())
        if isinstance(d := pages["actions"].table.itemDelegateForColumn(column), ActionTextDelegate)
    )
    index = pages["actions"].model.index(0, 0)
    editor = delegate.createEditor(pages["actions"].table.viewport(), None, index)  # type: ignore[arg-type]
    assert isinstance(editor, LimitedPlainTextEdit) and editor.limit == LONG_TEXT_CHARS
    editor.deleteLater()
    rows = pages["checklist"].findChildren(ItemRow)
    assert rows and isinstance(rows[0].open_comment(), LimitedPlainTextEdit)
    long_texts = [r.editor for r in rows if isinstance(r.editor, LongTextEditor)]
    assert long_texts and isinstance(long_texts[0].edit, LimitedPlainTextEdit)
    assert window.sync.show_conflicts().merged_edit.limit == LONG_TEXT_CHARS


def test_a_one_line_field_refuses_a_paste_that_would_exceed_whole(
    french: None, qtbot: Any, window: MainWindow
) -> None:
    visit = visits.plan_visit(window.ctx.services, "15187", date(2026, 3, 14))
    window.open_visit(visit.id)
    field = window.workspace.notes.input
    field.setText("n" * (LONG_TEXT_CHARS - 10))
    field.setFocus()
    field.end(False)
    QApplication.clipboard().setText("p" * 25)
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "n" * (LONG_TEXT_CHARS - 10)
    assert field.notice.startswith(f"Collage refusé : ces {N(25)} caractères mettraient")
    field.paste()  # the context menu's Paste goes the same way
    assert field.text() == "n" * (LONG_TEXT_CHARS - 10)
    qtbot.keyClicks(field, "abcdefghijkl")
    assert field.text().endswith("abcdefghij") and len(field.text()) == LONG_TEXT_CHARS
    assert field.notice.startswith(f"Limite de {N(LONG_TEXT_CHARS)} caractères atteinte")


# --- 11.8 and 11.6: what was refused and set aside --------------------------------------


def test_a_refused_change_is_counted_and_the_view_offers_copy_fix_and_discard(
    french: None, qtbot: Any, window: MainWindow, live: tuple[Any, str], tmp_path: Path
) -> None:
    _app, url = live
    svc = window.ctx.services
    login(svc, url, "agent15", PASSWORD)
    visit = visits.plan_visit(svc, "43157", date(2026, 3, 14))  # not agent15's territory
    visits.update_visit(svc, visit.id, summary="Rencontre à la mairie du Puy.")

    state = press_sync(qtbot, window)

    assert state.phase == SyncPhase.UP_TO_DATE and state.status.refused == 1
    status = window.sync.status
    assert status.refused_button.isVisible()
    assert status.refused_button.text() == "1 modification refusée"
    assert "en attente" not in status.detail_label.text()  # refused: not "waiting"
    assert window.sync.action_refused.text() == "&Modifications refusées…"

    qtbot.mouseClick(status.refused_button, Qt.MouseButton.LeftButton)
    dialog = window.sync.refused_dialog
    assert dialog is not None and len(dialog.refused) == 1
    assert dialog.list.item(0).text().startswith("Le Puy-en-Velay (43), 14/03/2026 — Visite")
    assert dialog.reason_label.text().startswith("Refusée par le serveur le ")
    assert "vous n'avez pas accès à ce territoire" in dialog.reason_label.text()
    assert "Rencontre à la mairie du Puy." in dialog.values_view.toPlainText()

    copy = tmp_path / "copie.txt"
    dialog.choose_copy_path = lambda _suggested: str(copy)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: copy.is_file())
    assert "Rencontre à la mairie du Puy." in copy.read_text(encoding="utf-8")
    assert dialog.done_label.text() == f"Copie écrite : {copy}"

    qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)  # opens the record
    qtbot.waitUntil(lambda: window.sync.refused_dialog is None)
    assert window.showing_workspace and window.workspace.visit_id == visit.id
    assert window.workspace.current_section() == "info"

    dialog = window.sync.show_refused()
    qtbot.waitUntil(lambda: len(dialog.refused) == 1)
    asked: list[str] = []
    dialog.confirm = lambda _title, text: asked.append(text) or False  # type: ignore[func-returns-value]
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert len(dialog.refused) == 1 and "jamais eu cet enregistrement" in asked[0]
    dialog.confirm = lambda _title, _text: True
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.refused)
    assert dialog.empty_label.isVisible()
    dialog.close()
    qtbot.waitUntil(lambda: not status.refused_button.isVisible(), timeout=5_000)
    assert press_sync(qtbot, window).status.refused == 0


def test_records_set_aside_by_a_pull_are_counted_and_listed(
    french: None, qtbot: Any, window: MainWindow, live: tuple[Any, str]
) -> None:
    app, url = live
    login(window.ctx.services, url, "agent15", PASSWORD)
    plant_record(
        app.state.ctx.db,
        "visits",
        "0190b0c0-0000-7000-8000-00000000dead",
        visit_fields(status="piratee"),
    )
    state = press_sync(qtbot, window)
    assert state.phase == SyncPhase.UP_TO_DATE and state.status.set_aside == 1
    status = window.sync.status
    assert status.refused_button.text() == "1 reçu mis de côté"
    dialog = window.sync.show_refused()
    qtbot.waitUntil(lambda: len(dialog.set_aside) == 1)
    assert dialog.aside_box.isVisible() and not dialog.refused
    text = dialog.aside_list.item(0).text()
    assert text.startswith("Visite 0190b0c0-0000-7000-8000-00000000dead (version 1) : ")
    assert "« piratee » n'est pas une valeur possible" in text and text.endswith(
        "— envoyé par agent15"
    )
    assert window.visit_list.shown_communes() == []  # not shown, nothing crashed


# --- 12.5: one data dir, one account ----------------------------------------------------


def sign_in_as(qtbot: Any, window: MainWindow, url: str, user: str) -> Any:
    dialog = window.sync.server_dialog or window.sync.show_server_dialog()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    dialog.server_edit.setText(url)
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    return dialog


def test_another_account_is_refused_while_changes_are_unsent(
    french: None, qtbot: Any, window: MainWindow, live: tuple[Any, str]
) -> None:
    _app, url = live
    svc = window.ctx.services
    login(svc, url, "agent15", PASSWORD)
    visits.plan_visit(svc, "15187", date(2026, 3, 14))
    logout(svc)

    dialog = sign_in_as(qtbot, window, url, "agent43")

    assert not dialog.is_signed_in
    assert dialog.message.startswith(
        "Ce dossier de données appartient au compte agent15 et contient 1 modification(s) "
        "pas encore envoyée(s) au serveur."
    )
    assert not dialog.account_box.isVisible()  # nothing to offer until it is sent
    assert [v.commune_name for v in visits.list_visits(svc)] == ["Saint-Flour"]


def test_once_everything_is_sent_the_dialog_offers_a_separate_folder_or_to_clear(
    french: None, qtbot: Any, window: MainWindow, live: tuple[Any, str], tmp_path: Path
) -> None:
    _app, url = live
    svc = window.ctx.services
    login(svc, url, "agent15", PASSWORD)
    visits.plan_visit(svc, "15187", date(2026, 3, 14))
    assert press_sync(qtbot, window).status.pending == 0
    colleague_visit = _visit_of_43(tmp_path, url, window)
    window.visit_list.reload()
    qtbot.waitUntil(lambda: window.visit_list.shown_communes() == ["Saint-Flour"])

    dialog = sign_in_as(qtbot, window, url, "agent43")
    assert dialog.message.startswith(
        "Ce dossier de données appartient au compte agent15 (tout est envoyé au serveur)."
    )
    assert dialog.account_box.isVisible()
    assert dialog.clear_button.text() == "&Effacer les données de agent15 de cet ordinateur…"

    launched: list[Path] = []
    dialog.choose_folder = lambda: str(tmp_path / "donnees-agent43")
    dialog.launch = lambda folder: launched.append(folder) or True  # type: ignore[func-returns-value]
    qtbot.mouseClick(dialog.separate_button, Qt.MouseButton.LeftButton)
    assert launched == [(tmp_path / "donnees-agent43").resolve()]
    assert dialog.message.startswith("Une nouvelle fenêtre fieldvisit s'ouvre sur ")
    assert window.visit_list.shown_communes() == ["Saint-Flour"]  # this one is untouched

    dialog = sign_in_as(qtbot, window, url, "agent43")
    questions: list[str] = []
    dialog.confirm = lambda _title, text: questions.append(text) or False  # type: ignore[func-returns-value]
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert questions and "agent15" in questions[0] and not dialog.busy  # declined
    dialog.confirm = lambda _title, _text: True
    with qtbot.waitSignals([dialog.account_cleared, dialog.signed_in], timeout=20_000):
        qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.state_label.text() == f"Connecté en tant que agent43 sur {url}."
    ui = window.sync
    qtbot.waitUntil(
        lambda: window.visit_list.shown_communes() == ["Le Puy-en-Velay"],
        timeout=ROUND_TIMEOUT_MS,
    )
    assert ui.status.phase == SyncPhase.UP_TO_DATE
    assert [v.id for v in visits.list_visits(svc)] == [colleague_visit]


def _visit_of_43(tmp_path: Path, url: str, window: MainWindow) -> str:
    from fieldvisit.paths import DataDir
    from fieldvisit.services import Services
    from fieldvisit.sync.session import sync_once

    other = Services.open(DataDir(tmp_path / "portable-43"))
    try:
        other.__dict__["communes"] = window.ctx.services.communes
        login(other, url, "agent43", PASSWORD)
        visit = visits.plan_visit(other, "43157", date(2026, 4, 1))
        sync_once(other)
        return visit.id
    finally:
        other.close()


# --- 12.4: contacts the server accepts --------------------------------------------------


def test_the_contact_dialog_says_when_the_server_would_refuse_the_contact(
    french: None, qtbot: Any, window: MainWindow, live: tuple[Any, str]
) -> None:
    from fieldvisit.ui.dialogs.contact_dialog import ContactDialog

    _app, url = live
    login(window.ctx.services, url, "agent15", PASSWORD)
    refused = ContactDialog(window.ctx, window, commune_code="43157")
    qtbot.addWidget(refused)
    refused.show()
    ok = refused.buttons.button(refused.buttons.StandardButton.Ok)
    assert refused.message.isVisible() and not ok.isEnabled()
    assert refused.message.text().startswith(
        "Cette commune est dans le département 43 : votre compte agent15 (département 15) "
        "ne peut pas y créer de contact"
    )
    accepted = ContactDialog(window.ctx, window, commune_code="15187")
    qtbot.addWidget(accepted)
    accepted.show()
    assert not accepted.message.isVisible()
    assert accepted.buttons.button(accepted.buttons.StandardButton.Ok).isEnabled()


def test_participants_offered_are_those_the_server_accepts(
    qtbot: Any, window: MainWindow, live: tuple[Any, str]
) -> None:
    _app, url = live
    svc = window.ctx.services
    stranger = contacts.add_contact(svc, "M. Yssingeaux", "maire", commune_code="43268")
    neighbour = contacts.add_contact(svc, "Mme Flour", "adjoint", commune_code="15187")
    login(svc, url, "agent15", PASSWORD)  # from now on, agent15's territories count
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    page = open_info(qtbot, window, visit.id)

    qtbot.mouseClick(page.add_participant_button, Qt.MouseButton.LeftButton)

    choice = page.findChild(ChoiceDialog, "participantChoice")
    assert choice is not None
    offered = [choice.combo.itemData(i) for i in range(choice.combo.count())]
    assert offered == [neighbour.id] and stranger.id not in offered
    choice.reject()
