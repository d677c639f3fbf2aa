"""Public data in the app: the commune card in the new-visit dialog and in Informations,
PVD towns in the commune search, File › Import public data…, and part 1 of the
diagnostic proposed from the SSMSI base. Real synthetic files, imported as published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from fieldvisit.services import answers, history, visits
from fieldvisit.services.history import answer_record_id
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.dialogs.public_data_import import PublicDataImport
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.widgets.commune_card_view import CommuneCardView, cell_html
from fieldvisit.ui.workspace.diagnostic_page import DiagnosticPage
from fieldvisit.ui.workspace.info_page import InfoPage
from public_data_files import import_all, write_all, write_pvd

DIAGNOSTIC = "diagnostic-securite"
PVD_LABEL = "Aurillac (15) — Petites Villes de demain"


@pytest.fixture
def window(qtbot, ui_ctx: UiContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    main = MainWindow(ui_ctx)
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    yield main
    main.close()


@pytest.fixture
def imported(ui_ctx: UiContext, tmp_path: Path) -> UiContext:
    import_all(ui_ctx.services.public_data, tmp_path / "published", ["15"])
    return ui_ctx


def suggestions(dialog: NewVisitDialog) -> list[str]:
    model = dialog.completer.completionModel()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def pick(dialog: NewVisitDialog, label: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    popup = dialog.completer.popup()
    row = suggestions(dialog).index(label)
    popup.setCurrentIndex(dialog.completer.completionModel().index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def test_the_chosen_communes_card_shows_in_the_new_visit_dialog(
    window: MainWindow, imported: UiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    qtbot.keyClicks(dialog.commune_edit, "aurill")
    assert PVD_LABEL in suggestions(dialog)  # a PVD town is marked
    pick(dialog, PVD_LABEL, qtbot)
    assert dialog.chosen_commune is not None and dialog.chosen_commune.code == "15014"
    card = dialog.card_view.toPlainText()
    for needle in (
        "Aurillac (15014) — Cantal (15)",
        "Petites Villes de demain town",
        "convention signée le 02/02/2021",
        "Brigade de gendarmerie de Aurillac",
        "1 avenue de la République 15014 AURILLAC",
        "Phone: 04 71 00 00 17",
        "Opening hours:",
        "Cambriolages de logement",
        "Licence Ouverte 2.0",
        "jamais ceux de la commune",
    ):
        assert needle in card, needle
    for year in range(2020, 2025):
        assert str(year) in card
    # fits a 1366×768 screen with the card beside the form
    assert dialog.width() <= 1366 and dialog.sizeHint().height() <= 700
    qtbot.keyClicks(dialog.commune_edit, "x")  # the text changed: no card of another commune
    assert "Aurillac (15014)" not in dialog.card_view.toPlainText()
    dialog.reject()


def test_not_published_cells_are_explained(window: MainWindow, imported: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    dialog.choose_commune(imported.services.communes.get("15001"))  # Allanche, small
    card = dialog.card_view.toPlainText()
    assert "non diffusé" in card
    assert "plus de 5 faits chacune de 3 années successives" in card
    assert "unités de l'intercommunalité" in card
    dialog.reject()


def test_the_search_can_be_limited_to_pvd_towns(
    window: MainWindow, imported: UiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    qtbot.keyClicks(dialog.commune_edit, "st fl")
    assert "Saint-Flour (15)" in suggestions(dialog)
    dialog.pvd_only.setChecked(True)
    assert "Saint-Flour (15)" not in suggestions(dialog)  # not in the PVD list
    dialog.commune_edit.clear()
    dialog.pvd_only.setChecked(False)
    dialog.pvd_only.setChecked(True)  # an empty text lists the PVD towns, largest first
    only = suggestions(dialog)
    assert len(only) == 12 and all(label.endswith("— Petites Villes de demain") for label in only)
    assert only[0] == PVD_LABEL
    qtbot.keyClicks(dialog.commune_edit, "15")  # a number: the PVD towns of the codes
    assert suggestions(dialog) and all("Petites Villes" in s for s in suggestions(dialog))
    dialog.reject()


def test_without_public_data_the_card_says_how_to_import(window: MainWindow, ui_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    assert not dialog.pvd_only.isEnabled()
    qtbot.keyClicks(dialog.commune_edit, "st fl")
    assert "Saint-Flour (15)" in suggestions(dialog)  # unmarked: no PVD list
    pick(dialog, "Saint-Flour (15)", qtbot)
    card = dialog.card_view.toPlainText()
    assert "Aucune donnée publique n'est importée" in card
    assert "fieldvisit reference import" in card
    assert "Importer des données publiques…" in card
    dialog.reject()


def test_a_damaged_public_data_file_does_not_stop_planning_a_visit(
    window: MainWindow, ui_ctx: UiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    path = ui_ctx.services.public_data.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all, damaged on disk" * 100)
    dialog = window.new_visit()
    qtbot.keyClicks(dialog.commune_edit, "st fl")
    assert "Saint-Flour (15)" in suggestions(dialog)
    pick(dialog, "Saint-Flour (15)", qtbot)
    card = dialog.card_view.toPlainText()
    assert "illisible" in card and "réimportez" in card  # the store's French message
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [v.commune_code for v in visits.list_visits(ui_ctx.services)] == ["15187"]


def test_informations_shows_the_card_of_the_visits_commune(imported: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(imported.services, "15014", date(2026, 3, 2))
    page = InfoPage(imported)
    qtbot.addWidget(page)
    page.load_visit(visit.id)
    assert page.card_view.card is not None and page.card_view.card.code == "15014"
    assert "Brigade de gendarmerie de Aurillac" in page.card_view.toPlainText()


def wait_finished(importer: PublicDataImport, qtbot) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(importer.finished, timeout=60_000) as blocker:
        pass
    return blocker.args  # type: ignore[return-value]


def test_import_from_the_menu_on_the_worker_thread_refreshes_the_card(
    threaded_ctx: UiContext, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    main = MainWindow(threaded_ctx)
    qtbot.addWidget(main)
    main.show()
    visit = visits.plan_visit(threaded_ctx.services, "15014", date(2026, 3, 2))
    main.open_visit(visit.id)
    info = main.workspace.page(InfoPage)
    qtbot.waitUntil(lambda: info.card_view.card is not None)
    assert not info.card_view.card.imported  # type: ignore[union-attr]
    files = [written.path for written in write_all(tmp_path / "pub", departements=["15"])]
    importer = PublicDataImport(threaded_ctx, main)
    importer.imported.connect(main._public_data_imported)
    with qtbot.waitSignal(importer.finished, timeout=120_000) as done:
        importer.start(files)
    imported, failures = done.args
    assert len(imported) == 4 and failures == []
    summary = importer.summary
    assert summary is not None and "33 750 ligne(s) importée(s)" in summary.text()
    qtbot.waitUntil(lambda: info.card_view.card is not None and info.card_view.card.imported)
    assert "Brigade de gendarmerie de Aurillac" in info.card_view.toPlainText()
    summary.close()
    main.close()


def test_a_bad_file_is_refused_in_french_and_changes_nothing(
    window: MainWindow, imported: UiContext, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    store = imported.services.public_data
    before = store.parts()
    unknown = tmp_path / "budget.csv"
    unknown.write_text("colonne_a;colonne_b\n1;2\n", encoding="utf-8")
    other_pvd = write_pvd(tmp_path / "pvd.csv", departements=["43"]).path
    importer = PublicDataImport(imported, window)
    with qtbot.waitSignal(importer.finished) as done:
        importer.start([other_pvd, unknown])  # the good file is not imported either
    assert done.args[0] == []
    (message,) = done.args[1]
    assert "budget.csv" in message and "Nothing was imported." in message
    assert importer.summary is not None
    assert importer.summary.icon() == QMessageBox.Icon.Warning
    assert store.parts() == before
    importer.summary.close()

    damaged = tmp_path / "liste-pvd.csv"
    damaged.write_text(
        "insee_com,lib_com,id_pvd,date_signature\n43157,Yssingeaux,PVD-1,31/02/2021\n",
        encoding="utf-8",
    )
    importer = PublicDataImport(imported, window)
    with qtbot.waitSignal(importer.finished) as done:
        importer.start([damaged])
    (message,) = done.args[1]
    assert "liste-pvd.csv, ligne 2" in message and "That dataset is unchanged." in message
    assert store.parts() == before
    importer.summary.close()  # type: ignore[union-attr]


@pytest.fixture
def diagnostic_page(qtbot, imported: UiContext) -> Iterator[DiagnosticPage]:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(imported.services, "15187", date(2026, 3, 12))
    page = DiagnosticPage(imported)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.load_visit(visit.id)
    yield page
    page.flush()


def stored(ctx: UiContext, visit_id: str) -> dict[str, object]:
    return {
        item: answer.value
        for item, answer in answers.visit_answers(ctx.services, visit_id, DIAGNOSTIC).items()
    }


def test_part_one_is_proposed_and_inserted_without_overwriting(
    diagnostic_page: DiagnosticPage, imported: UiContext, qtbot
) -> None:  # type: ignore[no-untyped-def]
    page = diagnostic_page
    visit_id = page.visit_id
    assert visit_id is not None
    panel = page.proposal_panel
    assert panel is not None and panel.isVisible() and panel.insert_button.isVisible()
    assert "édition 2025" in panel.details.text() and "2020 à 2024" in panel.details.text()
    proposal = panel.text.toPlainText()
    assert proposal.startswith("D'après la base communale de la délinquance enregistrée")
    assert "Cambriolages de logement" in proposal and "Licence Ouverte 2.0" in proposal
    # What the person typed before: a source of theirs, a period, a synthesis
    answers.answer_item(imported.services, visit_id, DIAGNOSTIC, "sources_consultees", ["brigade"])
    answers.answer_item(imported.services, visit_id, DIAGNOSTIC, "periode_analysee", "Été 2025")
    answers.answer_item(
        imported.services, visit_id, DIAGNOSTIC, "constat_synthese", "Vu avec le maire."
    )
    page.load_visit(visit_id)

    qtbot.mouseClick(panel.insert_button, Qt.MouseButton.LeftButton)

    values = stored(imported, visit_id)
    assert set(values["sources_consultees"]) == {"brigade", "ssmsi"}  # type: ignore[arg-type]
    assert values["periode_analysee"] == "Été 2025"  # kept
    assert values["date_donnees"] == "2024-12-31"
    assert values["donnees_non_diffusees"] in ("oui", "non")
    synthesis = str(values["constat_synthese"])
    assert synthesis.startswith("Vu avec le maire.\n\nD'après la base communale")
    assert page.form_view.editor("constat_synthese").value() == synthesis  # shown, editable
    record = answer_record_id(visit_id, DIAGNOSTIC, "constat_synthese")
    entries = history.for_field(imported.services, "answers", record, "value").entries
    assert entries[0].new == synthesis  # in the history, like any edit (restorable)

    qtbot.mouseClick(panel.insert_button, Qt.MouseButton.LeftButton)  # twice: no copy
    assert stored(imported, visit_id) == values


def test_without_figures_no_proposal_is_offered(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))
    page = DiagnosticPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit.id)
    panel = page.proposal_panel
    assert panel is not None and not panel.insert_button.isVisible()
    assert "Aucune donnée publique n'est importée" in panel.details.text()


def test_a_damaged_public_data_file_is_said_in_the_diagnostic(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    path = ui_ctx.services.public_data.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all, damaged on disk" * 100)
    visit = visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))
    page = DiagnosticPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.load_visit(visit.id)
    panel = page.proposal_panel
    assert panel is not None and panel.isVisible() and not panel.insert_button.isVisible()
    assert "illisible" in panel.details.text()
    assert page.form_view.form is not None  # part 1 is there to fill in by hand


@pytest.mark.parametrize("code", ["15187", "15014"])  # Saint-Flour, Aurillac: big numbers
def test_the_crime_table_needs_no_horizontal_scrollbar_at_1366x768(
    window: MainWindow, imported: UiContext, qtbot, code: str
) -> None:  # type: ignore[no-untyped-def]
    dialog = window.new_visit()
    dialog.choose_commune(imported.services.communes.get(code))
    dialog.show()
    qtbot.waitExposed(dialog)
    card = dialog.card_view
    assert card.card is not None and card.card.crime
    assert dialog.width() <= 1366
    # The table fits the width the card gets: nothing to scroll sideways.
    assert card.document().idealWidth() <= card.viewport().width()
    assert card.horizontalScrollBar().maximum() == 0
    # Nor at the narrowest the dialog lets the card be: cells wrap between count and rate.
    alone = CommuneCardView()
    qtbot.addWidget(alone)
    alone.show_card(card.card)
    alone.resize(card.minimumWidth(), 500)
    alone.show()
    qtbot.waitExposed(alone)
    assert alone.document().idealWidth() <= alone.viewport().width()
    assert alone.horizontalScrollBar().maximum() == 0
    dialog.reject()


def test_a_cell_wraps_between_count_and_rate_never_inside_a_number() -> None:
    assert cell_html("1 113 (17,7 ‰)") == "1&nbsp;113 (17,7&nbsp;‰)"
    assert cell_html("non diffusé") == "non diffusé"
