"""The quick-notes pad: typed with Enter, moved to an item's comment or an interview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldvisit.services import answers, interviews, notes, visits
from fieldvisit.ui.workspace import report_page
from fieldvisit.ui.workspace.notes_pad import NotesPad
from fieldvisit.ui.workspace.report_page import ReportPage
from fieldvisit.ui.workspace.workspace import VisitWorkspace
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog

CHECKLIST = "visite-centre-bourg"


@pytest.fixture
def visit(ui_ctx):  # type: ignore[no-untyped-def]
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))


@pytest.fixture
def workspace(ui_ctx, qtbot, visit) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ui_ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 800)
    ws.show()
    qtbot.waitExposed(ws)
    ws.open_visit(visit.id)
    return ws


def type_note(qtbot, pad: NotesPad, text: str) -> None:  # type: ignore[no-untyped-def]
    pad.input.setFocus()
    qtbot.keyClicks(pad.input, text)
    qtbot.keyClick(pad.input, Qt.Key.Key_Return)


def shown_notes(pad: NotesPad) -> list[str]:
    return [pad.list.item(row).text() for row in range(pad.list.count())]


def test_enter_adds_a_timestamped_note_at_the_bottom(workspace, visit, qtbot, ui_ctx) -> None:
    pad = workspace.notes
    type_note(qtbot, pad, "Tags sur le mur de l'ecole")
    type_note(qtbot, pad, "Lampadaire eteint place du Marche")
    qtbot.keyClick(pad.input, Qt.Key.Key_Return)  # an empty line adds nothing
    stored = notes.list_quick_notes(ui_ctx.services, visit.id)
    assert [n.text for n in stored] == [
        "Tags sur le mur de l'ecole",
        "Lampadaire eteint place du Marche",
    ]
    lines = shown_notes(pad)
    assert len(lines) == 2
    assert re.fullmatch(r"\d\d:\d\d  Lampadaire eteint place du Marche", lines[-1])
    assert lines[0].startswith(f"{stored[0].noted_at.astimezone():%H:%M}  ")
    assert pad.input.text() == ""


def test_move_a_note_to_an_item_comment(workspace, visit, qtbot, ui_ctx, monkeypatch) -> None:
    svc = ui_ctx.services
    pad = workspace.notes
    type_note(qtbot, pad, "Zone sombre derriere la salle des fetes")
    reloaded: list[str] = []
    checklist = workspace.pages["checklist"]
    original_load = checklist.load_visit
    monkeypatch.setattr(
        checklist,
        "load_visit",
        lambda visit_id: (reloaded.append(visit_id), original_load(visit_id)),
    )

    pad.list.setCurrentRow(0)
    assert pad.to_item_button.isEnabled()
    qtbot.mouseClick(pad.to_item_button, Qt.MouseButton.LeftButton)
    dialog = pad.findChild(ChoiceDialog, "noteItemChoice")
    assert dialog is not None
    assert dialog.combo.itemText(0).startswith("Visite du centre-bourg › ")
    dialog.choose(f"{CHECKLIST}/eclairage_zones_sombres")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    comment = answers.visit_answers(svc, visit.id, CHECKLIST)["eclairage_zones_sombres"].comment
    assert comment.endswith("] Zone sombre derriere la salle des fetes")
    assert shown_notes(pad) == []  # moved notes leave the pad
    assert reloaded == []  # the checklist is not shown: it reloads when it is
    workspace.show_section("checklist")
    assert reloaded == [visit.id]

    pad.show_moved.setChecked(True)
    [line] = shown_notes(pad)
    assert line.endswith("Zone sombre derriere la salle des fetes")
    pad.list.setCurrentRow(0)
    assert not pad.to_item_button.isEnabled()  # already moved


def test_move_a_note_to_an_interview(workspace, visit, qtbot, ui_ctx) -> None:
    svc = ui_ctx.services
    pad = workspace.notes
    type_note(qtbot, pad, "Le maire souhaite une reunion du CLSPD")
    pad.list.setCurrentRow(0)

    qtbot.mouseClick(pad.to_interview_button, Qt.MouseButton.LeftButton)
    box = pad.findChild(QMessageBox, "noInterviewBox")
    assert box is not None and box.isVisible()  # none yet: say where to add one
    box.close()

    interview = interviews.record_interview(svc, visit.id, "entretien-elu", title="Maire")
    qtbot.mouseClick(pad.to_interview_button, Qt.MouseButton.LeftButton)
    dialog = pad.findChild(ChoiceDialog, "noteInterviewChoice")
    assert dialog is not None
    assert dialog.combo.itemText(0) == "Maire (12/03/2026)"
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    [stored] = interviews.list_interviews(svc, visit.id)
    assert stored.id == interview.id
    assert stored.notes.endswith("] Le maire souhaite une reunion du CLSPD")
    assert shown_notes(pad) == []

    workspace.show_section("interviews")  # stale since the move: reloaded when shown
    page = workspace.pages["interviews"]
    assert page.notes_edit.toPlainText().endswith("Le maire souhaite une reunion du CLSPD")


def test_notes_pad_is_there_in_every_section(workspace) -> None:
    for _ in range(7):
        assert workspace.notes.isVisible()
        workspace.next_section()


def test_report_section_hosts_the_report_view_or_says_it_comes_later(
    workspace, visit, ui_ctx, qtbot, monkeypatch
) -> None:
    report = workspace.pages["report"]
    assert isinstance(report, ReportPage)
    if report.view is not None:  # the report feature is installed
        assert getattr(report.view, "visit_id", None) == visit.id

    monkeypatch.setattr(report_page, "build_report_view", lambda ctx, parent: None)
    placeholder = ReportPage(ui_ctx)
    qtbot.addWidget(placeholder)
    assert placeholder.view is None and placeholder.message is not None
    assert "later version" in placeholder.message.text()
    placeholder.load_visit(visit.id)  # nothing to load, nothing breaks
