"""Rows shown or hidden by an answer never move the row just answered: the next click
lands where the person aims (issue: « mutualisée : Oui » answered by mistake)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from fieldvisit.forms import FormDefinition
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms import FormView
from fieldvisit.ui.forms.item_widgets import YesNoNaEditor

ITEMS = [
    {"id": f"question_{n}", "label": f"Question {n} du parcours", "type": "yes_no_na"}
    for n in range(8)
]
ITEMS.append({"id": "pm_presente", "label": "Police municipale ?", "type": "yes_no_na"})
ITEMS += [
    {
        "id": f"detail_{n}",
        "label": f"Détail {n} de la police municipale",
        "type": "yes_no_na",
        "visible_if": "pm_presente == 'oui'",
    }
    for n in range(4)
]
FORM = {
    "id": "essai-revele",
    "version": 1,
    "title": "Essai",
    "kind": "checklist",
    "sections": [{"id": "parcours", "title": "Parcours", "items": ITEMS}],
}


@pytest.fixture
def view(qtbot, ui_ctx: UiContext) -> Iterator[FormView]:  # type: ignore[no-untyped-def]
    widget = FormView(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_form(FormDefinition.model_validate(FORM), {"pm_presente": "oui"}, {}, {})
    yield widget


def settle(qtbot, view: FormView) -> None:  # type: ignore[no-untyped-def]
    """Let the view lay out what the answer changed (posted layout requests)."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not view._container.layout().geometry().isNull(), timeout=1000)
    QApplication.processEvents()


def under(view: FormView, point: QPoint) -> QWidget | None:
    viewport = view.viewport()
    return viewport.childAt(viewport.mapFromGlobal(point))


def test_the_answered_row_stays_under_the_pointer(qtbot, view: FormView) -> None:  # type: ignore[no-untyped-def]
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=1000)
    bar.setValue(bar.maximum())  # the person scrolled to the end of the form
    editor = view.editor("pm_presente")
    assert isinstance(editor, YesNoNaEditor)

    for answer in ("non", "oui", "non"):
        button = editor.button_for(answer)
        pointer = button.mapToGlobal(button.rect().center())
        assert under(view, pointer) is button
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        settle(qtbot, view)
        assert view.is_item_shown("detail_0") is (answer == "oui")
        assert button.mapToGlobal(button.rect().center()) == pointer, answer
        assert under(view, pointer) is button, answer


def test_the_room_kept_below_is_given_back_when_scrolling_up(qtbot, view: FormView) -> None:  # type: ignore[no-untyped-def]
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=1000)
    bar.setValue(bar.maximum())
    editor = view.editor("pm_presente")
    assert isinstance(editor, YesNoNaEditor)
    qtbot.mouseClick(editor.button_for("non"), Qt.MouseButton.LeftButton)
    settle(qtbot, view)
    held = bar.maximum()
    bar.setValue(0)  # scrolled back to the top: no empty room left at the end
    settle(qtbot, view)
    qtbot.waitUntil(lambda: bar.maximum() < held, timeout=1000)
    last = view.item_row("pm_presente")
    bar.setValue(bar.maximum())
    settle(qtbot, view)
    bottom = last.mapTo(view.viewport(), QPoint(0, last.height())).y()
    assert bottom <= view.viewport().height()
    assert view.viewport().height() - bottom < last.height() + 40  # nothing much below
