"""Observations: added with Ctrl+Shift+O from anywhere in the visit or from a quick note,
edited in place, « Créer une action », photos of the visit linked, and a plan of the
town centre imported and clicked to pin the selected observation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from fieldvisit.services import actions, attachments, notes, observations, visits
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.workspace.observations_page import ObservationsPage, PhotoPicker
from fieldvisit.ui.workspace.workspace import VisitWorkspace


@pytest.fixture
def visit(ui_ctx):  # type: ignore[no-untyped-def]
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))


@pytest.fixture
def workspace(ui_ctx, qtbot, visit) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ui_ctx)
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    ws.activateWindow()
    qtbot.waitExposed(ws)
    ws.open_visit(visit.id)
    return ws


def page_of(ws: VisitWorkspace) -> ObservationsPage:
    page = ws.pages["observations"]
    assert isinstance(page, ObservationsPage)
    return page


def test_the_shortcut_adds_an_observation_from_anywhere_and_it_is_edited_in_place(
    workspace, ui_ctx, visit, qtbot
) -> None:  # type: ignore[no-untyped-def]
    workspace.show_section("info")
    assert keys.ADD_OBSERVATION in keys.BINDINGS  # listed by F1
    [sequence] = keys.ADD_OBSERVATION.sequences()
    qtbot.keyClick(workspace.sections, sequence[0].key(), sequence[0].keyboardModifiers())
    assert workspace.current_section() == "observations"
    page = page_of(workspace)
    [made] = observations.list_observations(ui_ctx.services, visit.id)
    assert page.selected_id == made.id and page.list.count() == 1
    page.category.setCurrentIndex(page.category.findData("depot_sauvage"))
    page.category.activated.emit(page.category.currentIndex())
    page.place.setText("Parking de la gare")
    page.place.editingFinished.emit()
    page.comment.setPlainText("Sacs et gravats")
    page.flush()
    [held] = observations.list_observations(ui_ctx.services, visit.id)
    assert (held.category, held.place, held.comment) == (
        "depot_sauvage",
        "Parking de la gare",
        "Sacs et gravats",
    )
    assert page.list.item(0).text().startswith("1. Dépôt sauvage — Parking de la gare")


def test_create_an_action_links_it_to_the_observation(workspace, ui_ctx, visit) -> None:  # type: ignore[no-untyped-def]
    made = observations.add_observation(ui_ctx.services, visit.id, "eclairage", place="Rue Neuve")
    workspace.show_section("observations")
    page = page_of(workspace)
    page.load_visit(visit.id)
    assert page.selected_id == made.id
    page.action_button.click()
    [action] = actions.list_recommendations(ui_ctx.services, visit.id)
    assert action.text == "Éclairage — Rue Neuve"
    [held] = observations.list_observations(ui_ctx.services, visit.id)
    assert held.action_id == action.id
    assert page.action_label.text() == "Éclairage — Rue Neuve"  # its text, one line
    assert not page.action_button.isEnabled()  # one action per observation from here


def test_photos_of_the_visit_are_ticked_onto_the_observation(
    workspace, ui_ctx, visit, photo: Path
) -> None:  # type: ignore[no-untyped-def]
    picture = attachments.attach_photo(ui_ctx.services, visit.id, photo)
    made = observations.add_observation(ui_ctx.services, visit.id, "angle_mort")
    workspace.show_section("observations")
    page = page_of(workspace)
    page.load_visit(visit.id)
    assert page.walk is not None and page.selected() is not None
    dialog = PhotoPicker(page.walk, page.selected(), page)  # type: ignore[arg-type]
    dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
    page._link(made.id, dialog.before, dialog.ticked())
    [linked] = attachments.list_photos(ui_ctx.services, visit.id)
    assert linked.id == picture.id and linked.observation_id == made.id


def test_a_click_on_the_imported_plan_pins_the_selected_observation(
    workspace, ui_ctx, visit, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    made = observations.add_observation(ui_ctx.services, visit.id, "camera_existante")
    source = tmp_path / "plan.png"
    Image.new("RGB", (800, 400), (230, 230, 220)).save(source)
    workspace.show_section("observations")
    page = page_of(workspace)
    page.import_plan(source)
    qtbot.waitUntil(lambda: page.plan_view.image is not None, timeout=3000)
    frame = page.plan_view._frame()
    at = QPoint(int(frame.x() + frame.width() * 0.25), int(frame.y() + frame.height() * 0.75))
    qtbot.mouseClick(page.plan_view, Qt.MouseButton.LeftButton, pos=at)
    [held] = observations.list_observations(ui_ctx.services, visit.id)
    assert held.id == made.id
    assert held.pin["x"] == pytest.approx(0.25, abs=0.01)
    assert held.pin["y"] == pytest.approx(0.75, abs=0.01)
    assert page.plan_view.pins and page.plan_view.pins[0][0] == 1
    # The plan is no photo of the visit.
    assert attachments.list_photos(ui_ctx.services, visit.id) == []


def test_a_quick_note_becomes_an_observation(workspace, ui_ctx, visit) -> None:  # type: ignore[no-untyped-def]
    notes.add_quick_note(ui_ctx.services, visit.id, "Lampadaire éteint place du Marché")
    workspace.notes.reload()
    workspace.notes.list.setCurrentRow(0)
    workspace.notes.to_observation_button.click()
    assert workspace.current_section() == "observations"
    [held] = observations.list_observations(ui_ctx.services, visit.id)
    assert held.comment == "Lampadaire éteint place du Marché"


def test_a_pin_on_the_edge_of_a_replaced_plan_is_drawn_whole_on_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Pins are fractions of the plan: on a plan replaced by a narrower one they keep
    their place on it, and a pin on its edge is drawn inside the plan, never beside it."""
    from PySide6.QtGui import QColor, QImage

    from fieldvisit.ui.workspace.observations_page import PlanView

    view = PlanView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    wide = QImage(400, 200, QImage.Format.Format_RGB32)
    wide.fill(QColor("#e0e0d0"))
    view.image = wide
    view.pins = [(1, 0.5, 0.5, False), (2, 1.0, 0.0, False)]  # the centre, the top right
    portrait = QImage(150, 300, QImage.Format.Format_RGB32)  # the plan replaced
    portrait.fill(QColor("#e0e0d0"))
    view.image = portrait
    shot = view.grab().toImage()
    frame = view._frame()
    assert (frame.width(), frame.height()) == (200, 400)  # 150 × 300 scaled to fit

    def red(x: float, y: float) -> bool:
        colour = QColor(shot.pixel(int(x), int(y)))
        return colour.red() > 150 and colour.green() < 90 and colour.blue() < 90

    assert red(frame.center().x() - 6, frame.center().y())  # pin 1 where it was on the plan
    # Pin 2: its disc (radius 9, pen 2) moved in from the corner, whole on the plan.
    assert red(frame.right() - 10 - 6, frame.top() + 10)
    assert not red(frame.right() - 1, frame.top() + 1)  # the corner itself is the plan
    assert not red(frame.right() + 3, frame.top() + 3)  # nothing beside the plan
