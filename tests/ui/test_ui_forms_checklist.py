"""The Checklist page: the shipped checklist rendered, answered widget by widget, autosaved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from fieldvisit.core.errors import BadInput
from fieldvisit.services import answers, attachments, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.forms.item_widgets import (
    DateEditor,
    ExclusiveButtons,
    LongTextEditor,
    MultiChoiceEditor,
    NumberEditor,
    PhotoEditor,
    RatingEditor,
    TextEditor,
    YesNoNaEditor,
)
from fieldvisit.ui.workspace.checklist_page import ChecklistPage

CHECKLIST = "visite-centre-bourg"


@pytest.fixture
def visit_id(ui_ctx: UiContext) -> str:
    return visits.plan_visit(ui_ctx.services, "15187", date(2024, 5, 14)).id  # Saint-Flour


@pytest.fixture
def page(qtbot, ui_ctx: UiContext, visit_id: str) -> Iterator[ChecklistPage]:  # type: ignore[no-untyped-def]
    checklist = ChecklistPage(ui_ctx)
    qtbot.addWidget(checklist)
    checklist.resize(1000, 800)
    checklist.show()
    checklist.load_visit(visit_id)
    yield checklist
    checklist.flush()


def stored(ctx: UiContext, visit_id: str, form_id: str = CHECKLIST) -> dict[str, object]:
    return {k: a.value for k, a in answers.visit_answers(ctx.services, visit_id, form_id).items()}


def comments(ctx: UiContext, visit_id: str) -> dict[str, str]:
    return {
        k: a.comment for k, a in answers.visit_answers(ctx.services, visit_id, CHECKLIST).items()
    }


def test_page_shows_the_pinned_checklist(page: ChecklistPage) -> None:
    assert page.section_title() == "Checklist"
    view = page.form_view
    assert view.form is not None and view.form.id == CHECKLIST
    answered, visible = view.progress()
    # v3: « Date de la visite » is the visit's date (forms/bindings.py), set when planned.
    assert answered == 1 and visible > 30
    assert page.progress_label.text() == f"1/{visible} items answered"
    assert page.missing_label.text() == "Required items still missing: 7"
    assert view.section_progress_text("eclairage") == "0/4"


def test_yes_no_na_buttons_store_codes_and_clear(page: ChecklistPage, ui_ctx, visit_id) -> None:  # type: ignore[no-untyped-def]
    editor = page.form_view.editor("eclairage_zones_sombres")
    assert isinstance(editor, YesNoNaEditor)
    assert [b.text() for b in editor.buttons] == ["Yes", "No", "Not applicable"]
    editor.buttons[0].click()
    page.flush()
    assert stored(ui_ctx, visit_id)["eclairage_zones_sombres"] == "oui"
    editor.buttons[2].click()
    page.flush()
    assert stored(ui_ctx, visit_id)["eclairage_zones_sombres"] == "na"
    assert [b.isChecked() for b in editor.buttons] == [False, False, True]
    editor.buttons[2].click()  # clicking the chosen answer again clears it
    page.flush()
    assert stored(ui_ctx, visit_id)["eclairage_zones_sombres"] is None


def test_choice_buttons_work_with_the_keyboard(
    page: ChecklistPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    editor = page.form_view.editor("angles_morts")
    assert isinstance(editor, ExclusiveButtons)
    first, second, _ = editor.buttons
    assert first.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the one Tab stop
    assert second.focusPolicy() == Qt.FocusPolicy.ClickFocus
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert QApplication.focusWidget() is second
    qtbot.keyClick(second, Qt.Key.Key_Space)
    page.flush()
    assert stored(ui_ctx, visit_id)["angles_morts"] == "non"
    assert second.focusPolicy() == Qt.FocusPolicy.StrongFocus
    qtbot.keyClick(second, Qt.Key.Key_Delete)
    page.flush()
    assert stored(ui_ctx, visit_id)["angles_morts"] is None
    assert not any(button.isChecked() for button in editor.buttons)


def test_single_and_multi_choice_store_ids_in_form_order(
    page: ChecklistPage, ui_ctx, visit_id
) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    extinction = view.editor("eclairage_extinction")
    assert isinstance(extinction, ExclusiveButtons)
    extinction.button_for("partielle").click()
    moments = view.editor("moment_visite")
    assert isinstance(moments, MultiChoiceEditor)
    choice_ids = list(moments.boxes)
    moments.boxes[choice_ids[3]].click()
    moments.boxes[choice_ids[0]].click()
    page.flush()
    values = stored(ui_ctx, visit_id)
    assert values["eclairage_extinction"] == "partielle"
    assert values["moment_visite"] == [choice_ids[0], choice_ids[3]]
    moments.boxes[choice_ids[0]].click()
    moments.boxes[choice_ids[3]].click()
    page.flush()
    assert stored(ui_ctx, visit_id)["moment_visite"] is None


def test_text_number_date_rating_values(page: ChecklistPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    view.editor("eclairage_extinction").button_for("totale").click()  # type: ignore[attr-defined]
    hours = view.editor("eclairage_extinction_horaires")
    assert isinstance(hours, TextEditor)
    qtbot.keyClicks(hours.edit, "  23 h - 5 h ")
    route = view.editor("parcours")
    assert isinstance(route, LongTextEditor)
    qtbot.keyClicks(route.edit, "Place d'Armes")
    qtbot.keyClick(route.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(route.edit, "rue de Belloy")
    shops = view.editor("commerces_actifs")
    assert isinstance(shops, NumberEditor)
    assert shops.edit.validator() is shops.validator
    qtbot.keyClicks(shops.edit, "-4")  # minimum 0: the minus sign is refused
    assert shops.edit.text() == "4"
    shops.edit.clear()
    qtbot.keyClicks(shops.edit, "12,5")  # French decimal comma
    when = view.editor("date_visite")
    assert isinstance(when, DateEditor)
    assert when.edit.displayFormat() == "dd/MM/yyyy"
    when.set_date(date(2024, 5, 15))  # v3: the visit's own date (forms/bindings.py)
    assert when.edit.text() == "15/05/2024"
    mark = view.editor("impression_generale")
    assert isinstance(mark, RatingEditor)
    assert len(mark.buttons) == 5
    mark.buttons[3].click()
    page.flush()
    values = stored(ui_ctx, visit_id)
    assert values["eclairage_extinction_horaires"] == "23 h - 5 h"
    assert values["parcours"] == "Place d'Armes\nrue de Belloy"
    assert values["commerces_actifs"] == 12.5
    assert "date_visite" not in values  # no answer of its own: the visit's date changed
    assert visits.get_visit(ui_ctx.services, visit_id).visit_date == date(2024, 5, 15)
    assert values["impression_generale"] == 4

    shops.edit.clear()
    qtbot.keyClicks(shops.edit, "7")
    when.clear()  # a visit always has a date: clearing it changes nothing stored
    page.flush()
    values = stored(ui_ctx, visit_id)
    assert values["commerces_actifs"] == 7 and isinstance(values["commerces_actifs"], int)
    assert "date_visite" not in values
    assert visits.get_visit(ui_ctx.services, visit_id).visit_date == date(2024, 5, 15)


def test_visible_if_shows_and_hides_rows_live(page: ChecklistPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    dark = view.editor("eclairage_zones_sombres")
    assert isinstance(dark, YesNoNaEditor)
    assert view.form is not None
    assert view.form.item("eclairage_zones_sombres_lieux").visible_if is not None
    assert not view.is_item_shown("eclairage_zones_sombres_lieux")
    assert view.item_row("eclairage_zones_sombres_lieux").isHidden()
    assert view.section_progress_text("eclairage") == "0/4"

    dark.buttons[0].click()  # Oui
    assert view.is_item_shown("eclairage_zones_sombres_lieux")
    assert view.item_row("eclairage_zones_sombres_lieux").isVisible()
    assert view.section_progress_text("eclairage") == "1/5"
    places = view.editor("eclairage_zones_sombres_lieux")
    qtbot.keyClicks(places.focus_target(), "Parking de la gare")
    assert view.section_progress_text("eclairage") == "2/5"

    dark.buttons[1].click()  # Non: the row goes, its answer stays stored
    assert not view.is_item_shown("eclairage_zones_sombres_lieux")
    assert view.item_row("eclairage_zones_sombres_lieux").isHidden()
    assert view.section_progress_text("eclairage") == "1/4"
    page.flush()
    values = stored(ui_ctx, visit_id)
    assert values["eclairage_zones_sombres"] == "non"
    assert values["eclairage_zones_sombres_lieux"] == "Parking de la gare"


def test_multi_choice_condition_drives_a_confidential_item(page: ChecklistPage) -> None:
    view = page.form_view
    nuisances = view.editor("nuisances")
    assert isinstance(nuisances, MultiChoiceEditor)
    row = view.item_row("stupefiants_indices")
    assert row.confidential_badge is not None
    assert row.confidential_badge.text() == "Confidential"
    assert not view.is_item_shown("stupefiants_indices")
    nuisances.boxes["stupefiants"].click()
    assert view.is_item_shown("stupefiants_indices")
    assert row.confidential_badge.isVisible()
    nuisances.boxes["stupefiants"].click()
    assert not view.is_item_shown("stupefiants_indices")


def test_required_markers_and_accessible_names(page: ChecklistPage) -> None:
    view = page.form_view
    assert view.form is not None
    required = {item.id for item in view.form.iter_items() if item.required}
    assert len(required) == 8
    for item in view.form.iter_items():
        row = view.item_row(item.id)
        assert row.marked_required == item.required
        assert row.editor.focus_target().accessibleName() != ""
    row = view.item_row("date_visite")
    assert row.label.accessibleDescription() == "required"
    assert "required" in row.editor.focus_target().accessibleDescription()
    helped = view.item_row("moment_visite")
    assert helped.help_label is not None and helped.help_label.isVisible()
    assert not view.findChildren(QLabel, "confidentialBadge")[0].isVisible()  # hidden item


def test_comment_is_saved_and_shown_open_on_reload(
    page: ChecklistPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    row = page.form_view.item_row("vitesse_excessive")
    assert row.comment_edit is None  # made on demand
    qtbot.mouseClick(row.comment_toggle, Qt.MouseButton.LeftButton)
    assert row.comment_edit is not None and row.comment_edit.isVisible()
    qtbot.keyClicks(row.comment_edit, "Avenue du Docteur Mallet, le soir")
    page.flush()
    assert comments(ui_ctx, visit_id)["vitesse_excessive"] == "Avenue du Docteur Mallet, le soir"
    assert stored(ui_ctx, visit_id)["vitesse_excessive"] is None

    again = ChecklistPage(ui_ctx)
    qtbot.addWidget(again)
    again.show()
    again.load_visit(visit_id)
    reloaded = again.form_view.item_row("vitesse_excessive")
    assert reloaded.comment_toggle.isChecked()
    assert reloaded.comment_text() == "Avenue du Docteur Mallet, le soir"


def test_autosave_after_the_debounce_and_at_once_on_flush(
    page: ChecklistPage, ui_ctx, visit_id, qtbot
) -> None:  # type: ignore[no-untyped-def]
    strong = page.form_view.editor("points_forts")
    qtbot.keyClicks(strong.focus_target(), "Centre anime")
    assert "points_forts" not in stored(ui_ctx, visit_id)  # not yet: debounced
    with qtbot.waitSignal(ui_ctx.changes.changed, timeout=3000) as saved:
        pass
    assert saved.args[0].visits == {visit_id}
    qtbot.waitUntil(lambda: stored(ui_ctx, visit_id).get("points_forts") == "Centre anime")

    strong.focus_target().insertPlainText(", marché le samedi")  # type: ignore[attr-defined]
    page.flush()  # e.g. leaving the page or closing the window
    assert stored(ui_ctx, visit_id)["points_forts"] == "Centre anime, marché le samedi"


def test_focus_out_writes_pending_text(page: ChecklistPage, ui_ctx, visit_id, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.activateWindow()
    strong = page.form_view.editor("points_forts").focus_target()
    weak = page.form_view.editor("points_vigilance").focus_target()
    strong.setFocus()
    qtbot.keyClicks(strong, "Halle renovee")
    weak.setFocus()  # focus-out of the first editor flushes
    assert stored(ui_ctx, visit_id)["points_forts"] == "Halle renovee"


def test_progress_header_counts_answers_and_missing_required(page: ChecklistPage) -> None:
    view = page.form_view
    _, visible = view.progress()
    view.editor("video_existante").buttons[1].click()  # type: ignore[attr-defined]
    view.editor("impression_generale").buttons[2].click()  # type: ignore[attr-defined]
    assert page.progress_label.text() == f"3/{visible} items answered"  # and the visit's date
    assert page.missing_label.text() == "Required items still missing: 5"


def test_next_unanswered_required_moves_the_focus(page: ChecklistPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.activateWindow()
    view = page.form_view
    assert page.next_unanswered_required()  # the date is the visit's, already set (v3)
    assert QApplication.focusWidget() is view.editor("moment_visite").focus_target()
    view.editor("eclairage_zones_sombres").buttons[0].click()  # type: ignore[attr-defined]
    view.editor("eclairage_extinction").focus_target().setFocus()
    assert page.next_unanswered_required()
    # eclairage_zones_sombres is answered now: the next one is in "espaces publics"
    assert QApplication.focusWidget() is view.editor("angles_morts").focus_target()


def test_no_unanswered_required_returns_false(page: ChecklistPage) -> None:
    view = page.form_view
    assert view.form is not None
    for item in view.form.missing_required({}):
        editor = view.editor(item.id)
        if isinstance(editor, DateEditor):
            editor.set_date(date(2024, 5, 14))
        elif isinstance(editor, MultiChoiceEditor):
            next(iter(editor.boxes.values())).click()
        elif isinstance(editor, ExclusiveButtons):
            editor.buttons[0].click()
        else:
            editor.focus_target().insertPlainText("Rien à signaler")  # type: ignore[attr-defined]
    assert view.missing_required() == []
    assert page.missing_label.text() == "All required items are answered."
    assert not page.next_button.isEnabled()
    assert not page.next_unanswered_required()


def test_photo_item_asks_for_a_photo_and_counts_linked_ones(
    page: ChecklistPage, ui_ctx, visit_id, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    view = page.form_view
    photo = view.editor("eclairage_photos")
    assert isinstance(photo, PhotoEditor)
    assert photo.count_label.text() == "No photo linked"
    view.ensureWidgetVisible(photo.add_button)
    with qtbot.waitSignal(page.photo_requested) as request:
        qtbot.mouseClick(photo.add_button, Qt.MouseButton.LeftButton)
    assert request.args == [CHECKLIST, "eclairage_photos"]

    picture = tmp_path / "rue.png"
    Image.new("RGB", (8, 8), "orange").save(picture)
    attachments.attach_file(ui_ctx.services, visit_id, picture, "", CHECKLIST, "eclairage_photos")
    page.refresh_photo_counts()
    assert photo.count_label.text() == "1 photo linked"
    assert view.section_progress_text("eclairage") == "1/4"
    view.set_photo_counts({"eclairage_photos": 3})
    assert photo.count_label.text() == "3 photos linked"


def test_a_refused_value_is_explained_and_the_widget_keeps_it(
    page: ChecklistPage, monkeypatch, qtbot
) -> None:  # type: ignore[no-untyped-def]
    shown: list[BaseException] = []
    monkeypatch.setattr(
        "fieldvisit.ui.base.context.show_error", lambda parent, err: shown.append(err)
    )
    shops = page.form_view.editor("commerces_actifs")
    assert isinstance(shops, NumberEditor)
    shops.edit.setText("3")
    # A value the service refuses (the widgets never produce it: the validator stops a
    # minus sign), as a newer form version or a bug could.
    page.form_view.answer_changed.emit("commerces_actifs", -3)
    page.flush()
    assert len(shown) == 1 and isinstance(shown[0], BadInput)
    assert "minimum" in str(shown[0])
    assert shops.edit.text() == "3"


def test_reload_keeps_the_widgets_and_refreshes_values(
    page: ChecklistPage, ui_ctx, visit_id
) -> None:  # type: ignore[no-untyped-def]
    row = page.form_view.item_row("angles_morts")
    answers.answer_item(ui_ctx.services, visit_id, CHECKLIST, "angles_morts", "oui")
    page.load_visit(visit_id)
    assert page.form_view.item_row("angles_morts") is row  # not rebuilt
    assert row.editor.value() == "oui"
    assert page.form_view.is_item_shown("angles_morts_lieux")


def test_threaded_worker_loads_and_saves(qtbot, threaded_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(threaded_ctx.services, "15187", date(2024, 6, 3))
    checklist = ChecklistPage(threaded_ctx)
    qtbot.addWidget(checklist)
    checklist.show()
    checklist.load_visit(visit.id)
    qtbot.waitUntil(lambda: checklist.form_view.form is not None)
    checklist.form_view.editor("video_existante").buttons[0].click()  # type: ignore[attr-defined]
    cameras = checklist.form_view.editor("video_nb_cameras")
    qtbot.keyClicks(cameras.focus_target(), "6")
    with qtbot.waitSignal(threaded_ctx.changes.changed, timeout=3000):
        checklist.flush()
    threaded_ctx.worker.wait_idle()
    qtbot.waitUntil(
        lambda: stored(threaded_ctx, visit.id) == {"video_existante": "oui", "video_nb_cameras": 6}
    )


REPEAT_CHECKLIST = """\
id = "parcours-observations"
version = 1
title = "Parcours avec observations"
kind = "checklist"

[[sections]]
id = "parcours"
title = "Parcours"

[[sections.items]]
id = "angles_morts"
label = "Angles morts ?"
type = "yes_no_na"
required = true

[[sections]]
id = "points_attention"
title = "Points d'attention"
repeat = true
visible_if = "angles_morts == 'oui'"

[[sections.items]]
id = "categorie"
label = "Catégorie"
type = "single_choice"
required = true
choices = ["Éclairage", "Angle mort"]

[[sections.items]]
id = "lieu"
label = "Lieu"
type = "text"
required = true
"""


def test_a_checklist_with_a_repeatable_group_is_answered_around_it(
    qtbot, ui_ctx: UiContext, data_dir
) -> None:  # type: ignore[no-untyped-def]
    """A user's form with a repeatable group: the page loads, the group is announced, the
    single items are answered and saved, and the group's required items never count as
    missing (they cannot be answered yet)."""
    data_dir.forms.mkdir(parents=True, exist_ok=True)
    (data_dir.forms / "parcours-observations.v1.toml").write_text(
        REPEAT_CHECKLIST, encoding="utf-8"
    )
    assert ui_ctx.services.forms.problems == []  # read now: the catalogue loads on first use
    visit = visits.plan_visit(
        ui_ctx.services, "15187", date(2024, 5, 14), checklist_form="parcours-observations"
    )
    page = ChecklistPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit.id)
    view = page.form_view
    notice = view.section_box("points_attention").repeat_notice
    assert notice is not None and "Catégorie, Lieu" in notice.text()
    assert page.missing_label.text() == "Required items still missing: 1"
    view.editor("angles_morts").button_for("oui").click()  # type: ignore[attr-defined]
    page.flush()
    assert stored(ui_ctx, visit.id, "parcours-observations") == {"angles_morts": "oui"}
    assert page.progress_label.text() == "1/1 items answered"
    assert page.missing_label.text() == "All required items are answered."
    missing = visits.missing_required_items(ui_ctx.services, visit.id)
    assert [m for m in missing if m.startswith("Parcours avec observations")] == []
    assert missing  # the diagnostic's own are still there: the query did run


def test_the_walks_points_of_attention_point_to_the_observations_section(
    page: ChecklistPage,
) -> None:
    """The walk's repeatable group is its observations: the checklist says where they
    are entered and with which shortcut, not « entry to come »."""
    notice = page.form_view.section_box("points_attention").repeat_notice
    assert notice is not None and notice.isVisible()
    assert notice.text().startswith("Entered in the Observations section")
    assert "(Ctrl+Shift+O adds one)" in notice.text()
    assert "Catégorie" in notice.text() and "entry to come" not in notice.text()
