"""FormView on its own: any definition rendered, values reported, layout kept in shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fieldvisit.forms import FormDefinition
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms import FormView
from fieldvisit.ui.forms.item_widgets import (
    ComboChoiceEditor,
    DateEditor,
    NumberEditor,
    RadioChoiceEditor,
    parse_number,
)

SMALL_FORM = {
    "id": "essai",
    "version": 1,
    "title": "Formulaire d'essai",
    "kind": "checklist",
    "sections": [
        {
            "id": "general",
            "title": "Général",
            "description": "Quelques questions.",
            "items": [
                {
                    "id": "commerce",
                    "label": "Type de commerce le plus touché",
                    "type": "single_choice",
                    "choices": [
                        "Boulangerie",
                        "Pharmacie",
                        "Tabac-presse",
                        "Bar",
                        "Supérette",
                        "Banque",
                        "Autre",
                    ],
                },
                {
                    "id": "agents",
                    "label": "Agents de police municipale",
                    "type": "number",
                    "min": 0,
                    "max": 50,
                    "unit": "agents",
                    "required": True,
                },
                {
                    "id": "coordination",
                    "label": "Convention de coordination",
                    "type": "yes_no_na",
                    "visible_if": "agents >= 3",
                },
                {
                    "id": "signature",
                    "label": "Date de signature",
                    "type": "date",
                    "visible_if": "coordination == 'oui'",
                    "confidential": True,
                },
                {
                    "id": "rythme",
                    "label": "Rythme des patrouilles",
                    "type": "single_choice",
                    "choices": ["Jour", "Nuit"],
                },
            ],
        }
    ],
}


@pytest.fixture
def form() -> FormDefinition:
    return FormDefinition.model_validate(SMALL_FORM)


@pytest.fixture
def view(qtbot, ui_ctx: UiContext, form: FormDefinition) -> Iterator[FormView]:  # type: ignore[no-untyped-def]
    widget = FormView(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    widget.set_form(form, {}, {}, {})
    yield widget


def test_long_choice_lists_use_a_combo_with_an_empty_entry(view: FormView, qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = view.editor("commerce")
    assert isinstance(combo, ComboChoiceEditor)
    assert combo.combo.itemText(0) == "(no answer)"
    assert combo.combo.count() == 8
    with qtbot.waitSignal(view.answer_changed) as changed:
        combo.select("tabac_presse")
    assert changed.args == ["commerce", "tabac_presse"]
    with qtbot.waitSignal(view.answer_changed) as changed:
        combo.select(None)
    assert changed.args == ["commerce", None]
    assert isinstance(view.editor("rythme"), RadioChoiceEditor)


def test_number_range_unit_and_chained_visibility(view: FormView, qtbot) -> None:  # type: ignore[no-untyped-def]
    agents = view.editor("agents")
    assert isinstance(agents, NumberEditor)
    assert agents.range_hint.text() == "between 0 and 50"
    assert agents.validator.bottom() == 0 and agents.validator.top() == 50
    assert not view.is_item_shown("coordination")
    with qtbot.waitSignal(view.answer_changed) as changed:
        qtbot.keyClicks(agents.edit, "4")
    assert changed.args == ["agents", 4]
    assert view.is_item_shown("coordination")
    view.editor("coordination").button_for("oui").click()  # type: ignore[attr-defined]
    assert view.is_item_shown("signature")
    assert view.item_row("signature").confidential_badge is not None

    # Out of range is still reported (the service explains why it refuses it) and marked.
    agents.edit.clear()
    qtbot.keyClicks(agents.edit, "60")
    assert view.answers()["agents"] == 60
    assert agents.edit.property("invalid") is True
    # Clearing the number hides both dependants, whose answers stay in the view's data.
    agents.edit.clear()
    assert not view.is_item_shown("coordination")
    assert not view.is_item_shown("signature")
    assert view.answers()["coordination"] == "oui"


def test_number_parsing_accepts_french_notation() -> None:
    assert parse_number("2,5") == 2.5
    assert parse_number("1 200") == 1200
    assert parse_number("7") == 7 and isinstance(parse_number("7"), int)
    assert parse_number("abc") is None
    assert parse_number("") is None


def test_date_editor_starts_empty_and_keyboard_starts_from_today(view: FormView, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.set_form(view.form, {"agents": 5, "coordination": "oui"}, {}, {})
    when = view.editor("signature")
    assert isinstance(when, DateEditor)
    assert when.value() is None
    assert not when.clear_button.isEnabled()
    with qtbot.waitSignal(view.answer_changed) as changed:
        qtbot.keyClick(when.edit, Qt.Key.Key_Up)
    assert changed.args == ["signature", date.today().isoformat()]
    with qtbot.waitSignal(view.answer_changed) as changed:
        qtbot.mouseClick(when.clear_button, Qt.MouseButton.LeftButton)
    assert changed.args == ["signature", None]
    assert when.edit.text() == "not set"
    qtbot.keyClicks(when.edit, "14052024")  # typing into the empty date
    assert view.answers()["signature"] == "2024-05-14"
    assert when.edit.text() == "14/05/2024"
    qtbot.keyClick(when.edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert view.answers()["signature"] is None


def test_reload_keeps_the_row_being_typed_in(view: FormView, form: FormDefinition, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.activateWindow()
    rythme = view.editor("rythme")
    agents = view.editor("agents").focus_target()
    agents.setFocus()
    qtbot.keyClicks(agents, "12")
    view.set_form(form, {"agents": 1, "rythme": "jour"}, {}, {}, keep_focused=True)
    assert agents.text() == "12"  # type: ignore[attr-defined]
    assert view.answers()["agents"] == 12
    assert rythme.value() == "jour"


def test_loading_values_emits_nothing(view: FormView, form: FormDefinition) -> None:
    emitted: list[object] = []
    view.answer_changed.connect(lambda *args: emitted.append(args))
    view.comment_changed.connect(lambda *args: emitted.append(args))
    rebuilt = view.set_form(
        form,
        {"commerce": "bar", "agents": 12, "coordination": "non", "rythme": "nuit"},
        {"agents": "Dont deux à mi-temps"},
        {},
    )
    assert not rebuilt  # same form version: widgets kept
    assert emitted == []
    assert view.editor("agents").focus_target().text() == "12"  # type: ignore[attr-defined]
    assert view.comment("agents") == "Dont deux à mi-temps"
    assert view.progress() == (4, 4)
    assert view.section_progress() == {"general": (4, 4)}
    assert view.section_box("general").progress_label.text() == "4/4"


def test_content_height_follows_rows_and_comments(
    view: FormView, form: FormDefinition, qtbot
) -> None:  # type: ignore[no-untyped-def]
    view.resize(700, 150)  # shorter than the content: the content keeps its own height
    container = view.widget()

    def fitted() -> bool:
        return container.height() == container.heightForWidth(container.width())

    qtbot.waitUntil(fitted)
    before = container.height()
    view.set_form(form, {"agents": 5, "coordination": "oui"}, {}, {})
    qtbot.waitUntil(lambda: fitted() and container.height() > before)
    row = view.item_row("rythme")
    row.open_comment()
    qtbot.waitUntil(lambda: fitted() and row.comment_edit is not None and row.height() > 60)
    view.ensureWidgetVisible(row.comment_edit)
    assert row.comment_edit.isVisible()


def test_focus_next_wraps_and_other_forms_rebuild(view: FormView, form: FormDefinition) -> None:
    view.activateWindow()
    assert view.focus_next_unanswered_required()
    target = view.editor("agents").focus_target()
    assert QApplication.focusWidget() is target
    assert view.focus_next_unanswered_required()  # wraps to the same, only one missing
    assert QApplication.focusWidget() is target

    other = FormDefinition.model_validate({**SMALL_FORM, "version": 2})
    old_row = view.item_row("agents")
    assert view.set_form(other)
    assert view.item_row("agents") is not old_row
    assert view.set_form(None)
    assert view.progress() == (0, 0)
    assert not view.focus_next_unanswered_required()


def test_a_repeatable_group_is_announced_not_answered(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    """Occurrences are not stored yet: the group shows what it will ask, offers no editor
    and counts in no progress (nothing typed there could be saved)."""
    from fieldvisit.ui.forms.form_view import ItemRow

    data = dict(SMALL_FORM)
    data["sections"] = [
        *SMALL_FORM["sections"],  # type: ignore[misc]
        {
            "id": "points",
            "title": "Points d'attention",
            "repeat": True,
            "visible_if": "agents >= 1",
            "items": [
                {
                    "id": "categorie",
                    "label": "Catégorie",
                    "type": "single_choice",
                    "choices": ["Éclairage", "Angle mort"],
                    "required": True,
                },
                {"id": "lieu", "label": "Lieu", "type": "text"},
            ],
        },
    ]
    widget = FormView(ui_ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    widget.set_form(FormDefinition.model_validate(data), {"agents": 2}, {}, {})
    box = widget.section_box("points")
    notice = box.repeat_notice
    assert notice is not None and notice.isVisible()
    assert notice.text() == (
        "Repeatable group, entry to come. Questions of each occurrence: Catégorie, Lieu."
    )
    assert box.findChildren(ItemRow) == []
    assert box.progress_label.text() == ""
    assert widget.progress() == (1, 3)  # 3 of the 5 single items shown; none of the group
    assert [item.id for item in widget.missing_required()] == []
    assert widget.section_box("general").repeat_notice is None
    # Nor is an item of the group a place to attach a photo or a note to (yet).
    from fieldvisit.screens.common import item_choices

    offered = {choice.item_id for choice in item_choices([FormDefinition.model_validate(data)])}
    assert offered == {"commerce", "agents", "coordination", "signature", "rythme"}
