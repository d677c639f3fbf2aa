"""Suivi des actions and Tableau de bord du territoire, driven with pytest-qt on several
communes in two territories (and a visit of another account's territory, never shown)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QItemSelectionModel, Qt

from fieldvisit.screens.action_tracking import load_action_tracking
from fieldvisit.screens.territory_dashboard import load_territory_dashboard
from fieldvisit.services.history import for_field
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.tracking.action_tracking_model import Column, Grouping
from fieldvisit.ui.tracking.action_tracking_page import ActionTrackingPage
from tracking_data import OUTSIDE_TEXT, build_territory

TODAY = date(2026, 6, 1)


@pytest.fixture
def territory(ui_ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_territory(ui_ctx.services, tmp_path)


@pytest.fixture
def window(ui_ctx, qtbot, territory) -> MainWindow:  # type: ignore[no-untyped-def]
    main = MainWindow(ui_ctx)
    qtbot.addWidget(main)
    main.show()
    return main


def texts(page: ActionTrackingPage) -> list[str]:
    model = page.model
    return [model.index(r, Column.ACTION).data() for r in range(model.rowCount())]


def at_today(page: ActionTrackingPage) -> None:
    """Show the actions as of TODAY (the data's « today »)."""
    page.show_tracking(load_action_tracking(page.ctx.services, today=TODAY))


def test_menu_shortcut_filters_and_open(window, qtbot, territory) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(
        window,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.tracking.tracking_page
    assert window.stack.currentWidget() is page
    at_today(page)
    shown = texts(page)
    assert len(shown) == 6 and OUTSIDE_TEXT not in shown
    # Late and à revoir say so in words.
    states = {
        page.model.index(r, Column.ACTION).data(): page.model.index(r, Column.STATE).data()
        for r in range(page.model.rowCount())
    }
    assert states["Installer la vidéoprotection place d'Armes"] == "En retard"
    assert states["Réunion publique participation citoyenne"] == "À revoir"

    qtbot.keyClicks(page.search, "patrouil")
    assert texts(page) == ["Patrouilles au marché du samedi"]
    page.search.clear()
    page.overdue.setChecked(True)
    assert sorted(texts(page)) == [
        "Installer la vidéoprotection place d'Armes",
        "Patrouilles au marché du samedi",
    ]
    page.departement.setCurrentIndex(page.departement.findData("43"))
    assert texts(page) == ["Patrouilles au marché du samedi"]
    page.overdue.setChecked(False)
    page.departement.setCurrentIndex(0)
    page.pvd.setChecked(True)
    assert {
        page.model.action_at(page.model.index(r, 0)).commune_code
        for r in range(page.model.rowCount())
    } == {"15187"}  # type: ignore[union-attr]
    page.pvd.setChecked(False)
    page.due_from.setDate(QDate(2026, 5, 10))
    page.due_to.setDate(QDate(2026, 12, 31))
    page.due_range.setChecked(True)
    assert texts(page) == ["Patrouilles au marché du samedi"]

    # Enter on the row opens its visit on the Plan d'actions.
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert window.showing_workspace
    assert window.workspace.visit_id == territory.le_puy


def test_grouping_by_commune_porteur_dispositif(window, territory) -> None:  # type: ignore[no-untyped-def]
    page = window.tracking.show_tracking()
    at_today(page)
    model = page.model
    # An action may rely on several dispositifs: the column says so.
    assert model.headerData(Column.DISPOSITIF, Qt.Orientation.Horizontal) == "Dispositifs"
    page.grouping.setCurrentIndex(page.grouping.findData(int(Grouping.COMMUNE)))
    assert model.group_labels == [
        "Aurillac (15014)",
        "Le Puy-en-Velay (43157)",
        "Saint-Flour (15187)",
    ]
    flour = model.group_row("Saint-Flour (15187)")
    header = model.index(flour, 0)
    assert model.action_at(header) is None
    assert len(model.actions_under(header)) == 3
    assert header.data().startswith("Saint-Flour (15187) — 3 action")
    assert page.view.columnSpan(flour, 0) == model.columnCount()  # the label across
    assert [model.index(flour + k, Column.COMMUNE).data() for k in (1, 2, 3)] == [
        "Saint-Flour (15)"
    ] * 3
    page.grouping.setCurrentIndex(page.grouping.findData(int(Grouping.DISPOSITIF)))
    otv = model.group_row("Opération tranquillité vacances (OTV)")
    assert len(model.actions_under(model.index(otv, 0))) == 2
    page.grouping.setCurrentIndex(page.grouping.findData(int(Grouping.PORTEUR)))
    assert "Gendarmerie" in model.group_labels
    page.grouping.setCurrentIndex(0)
    assert model.group_rows == [] and model.rowCount() == 6


def test_bulk_change_of_a_group_goes_through_the_service(window, territory, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    page = window.tracking.show_tracking()
    at_today(page)
    page.grouping.setCurrentIndex(page.grouping.findData(int(Grouping.COMMUNE)))
    flour_row = page.model.group_row("Saint-Flour (15187)")
    page.view.selectionModel().select(
        page.model.index(flour_row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert len(page.selected_actions()) == 3
    page.bulk_status.setCurrentIndex(page.bulk_status.findData("en_cours"))
    page.apply_status_button.click()
    svc = ui_ctx.services
    after = {a.id: a for a in load_action_tracking(svc, today=TODAY).actions}
    assert after[territory.late_copy].status == after[territory.review_copy].status == "en_cours"
    assert after[territory.le_puy_late].status == "a_engager"  # not selected
    entries = for_field(svc, "recommendations", territory.late_copy, "status").entries
    assert entries[0].new == "en_cours"
    # The page read the store again: the table shows the new status.
    page.grouping.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData("en_cours"))
    assert len(texts(page)) == 4  # three of Saint-Flour and Aurillac's

    page.status.setCurrentIndex(0)
    page.view.clearSelection()
    page.view.selectionModel().select(
        page.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = page.selected_actions()[0]
    page.bulk_due.setDate(QDate(2026, 9, 30))
    page.apply_due_button.click()
    assert {a.id: a for a in load_action_tracking(svc, today=TODAY).actions}[
        chosen.id
    ].due_date == date(2026, 9, 30)


def test_dashboard_page_filters_heat_map_and_pdf(
    window, qtbot, territory, ui_ctx, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.tracking.dashboard_page
    assert window.stack.currentWidget() is page
    page.show_dashboard(load_territory_dashboard(ui_ctx.services, today=TODAY))
    names = [page.communes.item(r, 0).text() for r in range(page.communes.rowCount())]
    assert names == [
        "Aurillac (15014)",
        "Saint-Flour (15187) · PVD",
        "Le Puy-en-Velay (43157)",
        "Brioude (43040) · PVD",
    ]
    # The heat map: figures in the cells (readable without colour), and the legend.
    heat = page.heat_map
    headers = [heat.horizontalHeaderItem(x).text() for x in range(heat.columnCount())]
    assert headers[:3] == ["Commune", "Cambriolages", "Dégradations et destructions"]
    flour = [heat.item(r, 0).text() for r in range(heat.rowCount())].index("Saint-Flour")
    assert [heat.item(flour, x).text() for x in range(1, 5)] == ["4", "3", "1", "–"]
    assert heat.item(flour, 1).background().color() != heat.item(flour, 3).background().color()
    assert "Très préoccupant" in page.legend.text()

    page.pvd.setChecked(True)
    assert page.communes.rowCount() == 2
    page.pvd.setChecked(False)
    page.status.setCurrentIndex(page.status.findData("jamais"))
    assert [page.communes.item(r, 0).text() for r in range(page.communes.rowCount())] == [
        "Brioude (43040) · PVD"
    ]
    page.status.setCurrentIndex(0)
    page.departement.setCurrentIndex(page.departement.findData("15"))
    assert page.communes.rowCount() == 2

    target = tmp_path / "copil.pdf"
    with qtbot.waitSignal(page.pdf_written):
        page.write_pdf(target)
    text = " ".join(p.extract_text() or "" for p in PdfReader(target).pages)
    assert "Saint-Flour" in text and "Aurillac" in text and "Brioude" not in text
    assert "département 15" in text

    page.communes.setFocus()
    page.communes.setCurrentCell(1, 0)
    qtbot.keyClick(page.communes, Qt.Key.Key_Return)
    assert window.showing_workspace
    assert window.workspace.visit_id == territory.saint_flour_follow_up


def test_the_pages_follow_the_change_signal(window, territory, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    """An edit elsewhere (the action plan) reaches the page when it is shown again."""
    from fieldvisit.services import actions

    page = window.tracking.show_tracking()
    count = page.model.total_count
    window.show_list()
    ui_ctx.run(
        ui_ctx.call(actions.add_recommendation, territory.aurillac, "Nouvelle action"),
        parent=window,
    )
    window.tracking.show_tracking()
    assert page.model.total_count == count + 1
