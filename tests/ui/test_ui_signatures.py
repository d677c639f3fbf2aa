"""Signing on screen: the pad draws strokes from the mouse (qtbot), « Effacer » starts
again, « Valider » keeps the signature (name, date, drawing) for the visit; Ctrl+Shift+G
opens the next signer's dialog; an issued visit's slots are locked and say to reopen."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from completing import complete
from fieldvisit.core.domain import ContactRole, SignerRole
from fieldvisit.services import contacts, signatures, visits
from fieldvisit.ui.dialogs.signature_dialog import SignatureDialog
from fieldvisit.ui.widgets.signature_pad import SignaturePad
from fieldvisit.ui.workspace.info_page import InfoPage
from fieldvisit.ui.workspace.workspace import VisitWorkspace

LEFT = Qt.MouseButton.LeftButton


def draw(qtbot, pad: SignaturePad, *strokes: list[tuple[float, float]]) -> None:  # type: ignore[no-untyped-def]
    """Each stroke pressed, dragged through its points and released (pad fractions)."""

    def at(x: float, y: float) -> QPoint:
        return QPoint(round(x * (pad.width() - 1)), round(y * (pad.height() - 1)))

    for stroke in strokes:
        qtbot.mousePress(pad, LEFT, pos=at(*stroke[0]))
        for point in stroke[1:]:
            qtbot.mouseMove(pad, at(*point))
        qtbot.mouseRelease(pad, LEFT, pos=at(*stroke[-1]))


@pytest.fixture
def workspace(ui_ctx, qtbot, french) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ui_ctx)
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    qtbot.waitExposed(ws)
    return ws


def test_the_pad_keeps_the_strokes_drawn_with_the_mouse(qtbot) -> None:  # type: ignore[no-untyped-def]
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(600, 200)  # the pad's own shape (3:1): fractions of its whole area
    pad.show()
    qtbot.waitExposed(pad)
    with qtbot.waitSignal(pad.changed):
        draw(qtbot, pad, [(0.1, 0.5), (0.3, 0.2), (0.5, 0.8)], [(0.7, 0.5), (0.9, 0.5)])
    strokes = pad.strokes()
    assert [len(stroke) for stroke in strokes] == [3, 2]
    assert strokes[0][0] == pytest.approx([0.1, 0.5], abs=0.01)
    assert strokes[0][2] == pytest.approx([0.5, 0.8], abs=0.01)
    assert strokes[1][1] == pytest.approx([0.9, 0.5], abs=0.01)
    pad.clear()
    assert pad.is_empty() and pad.strokes() == []


def test_signing_from_the_informations_page(workspace, ui_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    maire = contacts.add_contact(svc, "Jeanne Dupuis", ContactRole.MAIRE)
    visits.add_participant(svc, visit.id, maire.id)
    workspace.open_visit(visit.id)
    page = workspace.pages["info"]
    assert isinstance(page, InfoPage)
    assert page._slots[SignerRole.MAIRE].who.text() == "Non signée"

    # Ctrl+Shift+G: the first signer who has not signed yet, the author, named.
    qtbot.keyClick(
        workspace,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = page.signature_dialog
    assert isinstance(dialog, SignatureDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Signature — Rédaction"
    assert dialog.name_edit.text() == "Claire Martin"
    assert not dialog.validate_button.isEnabled()  # nothing signed yet
    dialog.pad.resize(540, 180)
    draw(qtbot, dialog.pad, [(0.2, 0.2), (0.8, 0.8)])
    assert dialog.validate_button.isEnabled()
    qtbot.mouseClick(dialog.clear_button, LEFT)  # « Effacer »
    assert dialog.pad.is_empty() and not dialog.validate_button.isEnabled()
    draw(qtbot, dialog.pad, [(0.1, 0.6), (0.4, 0.3), (0.6, 0.7)], [(0.8, 0.5)])
    qtbot.mouseClick(dialog.validate_button, LEFT)  # « Valider »

    def kept() -> None:
        assert SignerRole.AUTEUR in signatures.visit_signatures(svc, visit.id)

    qtbot.waitUntil(kept)
    held = signatures.visit_signatures(svc, visit.id)[SignerRole.AUTEUR]
    assert held.name == "Claire Martin" and [len(s) for s in held.strokes] == [3, 1]
    view = page._slots[SignerRole.AUTEUR]
    qtbot.waitUntil(lambda: view.who.text().startswith("Claire Martin, signée le"))
    assert not view.pad.is_empty() and view.remove_button.isEnabled()

    # The next signer proposed is the maire, by the participant's name.
    page.sign()
    assert page.signature_dialog.name_edit.text() == "Jeanne Dupuis"
    page.signature_dialog.reject()


def test_an_issued_visit_is_not_signed_from_its_page(workspace, ui_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    complete(svc, visit.id)
    visits.mark_report_issued(svc, visit.id)
    workspace.open_visit(visit.id)
    page = workspace.pages["info"]
    assert isinstance(page, InfoPage)
    qtbot.waitUntil(lambda: "rouvrez la visite" in page.signatures_hint.text())
    assert not page._slots[SignerRole.MAIRE].sign_button.isEnabled()
    assert page.sign() is None
    QApplication.processEvents()
    assert signatures.visit_signatures(svc, visit.id) == {}
