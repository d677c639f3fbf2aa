"""The visit list: first-start welcome, demo data, search as you type, filters, actions."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QMessageBox

from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.demo.seed import seed_demo
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.visits.visit_list import VisitListPage
from fieldvisit.ui.visits.visit_list_model import Column

DEMO_COMMUNES = {"Saint-Flour", "Langres", "Saint-Affrique", "Clamecy", "Lodève"}
DEMO_VISITS = 6  # one per commune, and a follow-up of Saint-Flour


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, communes) -> Path:  # type: ignore[no-untyped-def]
    """A data dir with the demo visits, seeded once; each test works on a copy."""
    root = tmp_path_factory.mktemp("demo-template") / "data"
    services = Services.open(DataDir(root))
    services.__dict__["communes"] = communes
    seed_demo(services)
    services.close()  # the last connection folds the WAL into the file
    return root


@pytest.fixture
def demo_ctx(qapp, demo_template: Path, tmp_path: Path, communes) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """Like ui_ctx (inline worker), on a copy of the demo data dir."""
    root = tmp_path / "demo-data"
    shutil.copytree(demo_template, root)
    services = Services.open(DataDir(root))
    services.__dict__["communes"] = communes
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(services, DatabaseWorker(inline=True), settings)
    yield ctx
    ctx.worker.shutdown()
    services.close()


@pytest.fixture
def window(qtbot, ui_ctx: UiContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    main = MainWindow(ui_ctx)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


@pytest.fixture
def demo_window(qtbot, demo_ctx: UiContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    main = MainWindow(demo_ctx)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def select_commune(page: VisitListPage, name: str) -> str:
    row = page.shown_communes().index(name)
    visit_id = page.model.visit_at(row).id
    assert page.select_visit(visit_id)
    return visit_id


def test_empty_data_dir_welcomes_and_demo_fills_the_list(window: MainWindow, ui_ctx, qtbot):  # type: ignore[no-untyped-def]
    page = window.visit_list
    assert page.is_empty_state
    assert page.welcome.isVisible()
    assert page.welcome.title.text() == "Welcome to fieldvisit"
    assert page.welcome.new_visit_button.text() == "New visit"

    qtbot.mouseClick(page.welcome.demo_button, Qt.MouseButton.LeftButton)

    assert not page.is_empty_state
    assert page.table.isVisible()
    assert page.model.total_count >= 5
    assert set(page.shown_communes()) >= DEMO_COMMUNES
    assert len(visits.list_visits(ui_ctx.services)) >= 5
    assert window.visit_count_label.text() == f"{DEMO_VISITS} visit(s)"
    assert not page.welcome.progress.isVisible()


def test_welcome_new_visit_button_opens_the_dialog(window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.visit_list.welcome.new_visit_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(NewVisitDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_rows_are_newest_first_with_french_dates_and_progress(demo_window: MainWindow):
    page = demo_window.visit_list
    model = page.model
    dates = [model.visit_at(row).visit_date for row in range(model.shown_count)]
    assert dates == sorted(dates, reverse=True)
    first = model.visit_at(0)
    shown_date = model.index(0, Column.DATE).data()
    assert shown_date == first.visit_date.strftime("%d/%m/%Y")
    langres = page.shown_communes().index("Langres")
    assert model.index(langres, Column.STATUS).data() == "Terminée"
    assert model.index(langres, Column.TYPE).data() == "Première visite"
    progress = model.index(langres, Column.PROGRESS).data()
    answered, total = (int(part) for part in progress.split("/"))
    assert 0 < answered <= total


def test_clicking_a_header_sorts(demo_window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    page.table.sortByColumn(Column.COMMUNE, Qt.SortOrder.AscendingOrder)
    assert page.shown_communes() == [
        "Clamecy",
        "Langres",
        "Lodève",
        "Saint-Affrique",
        "Saint-Flour",
        "Saint-Flour",
    ]
    page.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert page.shown_communes()[-1] == "Saint-Flour"  # the oldest demo visit


def test_search_as_you_type_finds_langres(demo_window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    qtbot.keyClicks(page.search_edit, "lang")
    assert page.shown_communes() == ["Langres"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "st flour")  # accents, hyphens and "st" ignored
    assert page.shown_communes() == ["Saint-Flour", "Saint-Flour"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "LODEVE")
    assert page.shown_communes() == ["Lodève"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "52269")  # INSEE code
    assert page.shown_communes() == ["Langres"]
    page.search_edit.clear()
    qtbot.keyClicks(page.search_edit, "claire")  # the author
    assert len(page.shown_communes()) == DEMO_VISITS
    qtbot.keyClicks(page.search_edit, " nowhere")
    assert page.shown_communes() == []
    assert page.no_match_label.isVisible()


def test_status_departement_and_date_filters(demo_window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    page.status_combo.setCurrentIndex(page.status_combo.findData(VisitStatus.TERMINEE.value))
    assert sorted(page.shown_communes()) == ["Langres", "Saint-Affrique"]

    page.departement_combo.setCurrentIndex(page.departement_combo.findData("52"))
    assert page.shown_communes() == ["Langres"]
    assert page.count_label.text() == f"1 of {DEMO_VISITS} visit(s) shown"

    page.clear_filters()
    assert len(page.shown_communes()) == DEMO_VISITS
    departements = [
        page.departement_combo.itemData(i) for i in range(page.departement_combo.count())
    ]
    assert departements == [None, "12", "15", "34", "52", "58"]

    today = QDate.currentDate()
    page.from_check.setChecked(True)
    assert page.from_date.isEnabled()
    page.from_date.setDate(today.addDays(-50))
    assert sorted(page.shown_communes()) == ["Clamecy", "Lodève", "Saint-Affrique", "Saint-Flour"]
    page.to_check.setChecked(True)
    page.to_date.setDate(today)
    assert sorted(page.shown_communes()) == ["Clamecy", "Saint-Affrique", "Saint-Flour"]
    page.from_check.setChecked(False)  # the clear option of the date
    assert "Lodève" not in page.shown_communes()
    assert len(page.shown_communes()) == DEMO_VISITS - 1
    page.clear_filters()
    assert len(page.shown_communes()) == DEMO_VISITS
    assert not page.to_date.isEnabled()


def test_enter_and_double_click_open_the_visit(demo_window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    qtbot.keyClicks(page.search_edit, "lang")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)  # to the table, first row selected
    assert page.table.hasFocus() or page.selected_visit_id()
    langres = page.selected_visit_id()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert demo_window.showing_workspace
    assert demo_window.workspace.visit_id == langres

    demo_window.show_list()
    page.clear_filters()
    row = page.shown_communes().index("Clamecy")
    rect = page.table.visualRect(page.model.index(row, Column.COMMUNE))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert demo_window.workspace.visit_id == page.model.visit_at(row).id


def test_follow_up_asks_date_author_participants_and_opens_on_informations(
    demo_window: MainWindow, demo_ctx, qtbot
):  # type: ignore[no-untyped-def]
    """« Visite de suivi » asks before creating: the date (today), the author and the
    participants of the previous visit, each to be corrected; the visit made opens on
    Informations, not on the section last used."""
    svc = demo_ctx.services
    page = demo_window.visit_list
    langres = select_commune(page, "Langres")
    demo_window.open_visit(langres)
    demo_window.workspace.show_section("actions")  # the section last used
    demo_window.show_list()
    previous = visits.get_visit(svc, langres)
    mayor, commander = visits.participant_ids(svc, langres)
    assert page.follow_up_button.isEnabled()
    qtbot.mouseClick(page.follow_up_button, Qt.MouseButton.LeftButton)

    dialog = page.follow_up_dialog
    assert dialog is not None and dialog.isVisible()
    assert not [
        row
        for row in visits.list_visits(svc)
        if row.id != langres and row.commune_name == "Langres"
    ]
    assert dialog.date_edit.date() == QDate.currentDate()
    assert dialog.author_edit.text() == previous.author == "Claire Martin (ANCT)"
    assert dialog.checklist is not None
    assert sorted(dialog.checklist.checked_ids()) == sorted([mayor, commander])

    later = date.today() + timedelta(days=30)
    dialog.date_edit.setSelectedSection(QDateEdit.Section.DaySection)
    qtbot.keyClicks(dialog.date_edit, later.strftime("%d/%m/%Y"))
    dialog.author_edit.setFocus()
    dialog.author_edit.selectAll()
    qtbot.keyClicks(dialog.author_edit, "Luc Petit")
    dialog.checklist.set_checked(commander, False)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    rows = [row for row in visits.list_visits(svc) if row.commune_name == "Langres"]
    assert len(rows) == 2
    follow_up = next(row for row in rows if row.id != langres)
    assert follow_up.visit_type == VisitType.SUIVI
    stored = visits.get_visit(svc, follow_up.id)
    assert (stored.visit_date, stored.author, stored.previous_visit_id) == (
        later,
        "Luc Petit",
        langres,
    )
    assert visits.participant_ids(svc, follow_up.id) == [mayor]
    assert demo_window.showing_workspace
    assert demo_window.workspace.visit_id == follow_up.id
    assert demo_window.workspace.current_section() == "info"

    demo_window.show_list()
    assert page.shown_communes().count("Langres") == 2


def test_follow_up_from_the_menu_uses_the_open_visit(demo_window: MainWindow, demo_ctx, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    clamecy = select_commune(page, "Clamecy")
    demo_window.open_visit(clamecy)
    assert demo_window.action_follow_up.isEnabled()
    demo_window.action_follow_up.trigger()
    dialog = page.follow_up_dialog
    assert dialog is not None and demo_window.workspace.visit_id == clamecy  # not made yet
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter: « Créer la visite de suivi »
    new_id = demo_window.workspace.visit_id
    assert new_id != clamecy
    assert visits.get_visit(demo_ctx.services, new_id).previous_visit_id == clamecy


def test_delete_asks_then_soft_deletes(demo_window: MainWindow, demo_ctx, qtbot):  # type: ignore[no-untyped-def]
    page = demo_window.visit_list
    lodeve = select_commune(page, "Lodève")

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert box is not None and box.isVisible()
    assert "Lodève" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert "Lodève" in page.shown_communes()

    page.select_visit(lodeve)
    page.delete_action.trigger()
    box = page.confirm_box
    assert box is not None
    delete_button = next(b for b in box.buttons() if b.text() == "Delete")
    delete_button.click()
    assert "Lodève" not in page.shown_communes()
    assert lodeve not in {row.id for row in visits.list_visits(demo_ctx.services)}


def test_demo_from_the_menu_twice_adds_nothing(demo_window: MainWindow):
    page = demo_window.visit_list
    demo_window.action_demo.trigger()
    assert page.model.total_count == DEMO_VISITS
    assert not page.demo_running


def test_filtering_ten_thousand_rows_keeps_the_model_consistent(demo_window: MainWindow):
    """Many rows: filtering works on memory (timing lives in benchmarks, not here)."""
    page = demo_window.visit_list
    base = page.model.visit_at(0)
    rows = [
        visits.VisitSummary(
            id=f"{index:08d}",
            commune_code=base.commune_code,
            commune_name=f"Commune {index}",
            departement=f"{index % 95 + 1:02d}",
            visit_date=date(2026, 1, 1) + timedelta(days=index % 300),
            visit_type=VisitType.PREMIERE,
            status=list(VisitStatus)[index % 4],
            author="Agent",
            answered=index % 72,
            total=72,
        )
        for index in range(10_000)
    ]
    page.model.set_rows(rows)
    page.search_edit.setText("commune 99")
    assert page.model.shown_count == 111  # 99, 990-999, 9900-9999
    page.status_combo.setCurrentIndex(page.status_combo.findData(VisitStatus.EN_COURS.value))
    assert all(
        page.model.visit_at(r).status == VisitStatus.EN_COURS for r in range(page.model.shown_count)
    )


def test_filters_come_after_the_first_paint_and_filter(demo_ctx, qtbot):  # type: ignore[no-untyped-def]
    """The start shows the list before building the filters beside the search field;
    once the rows are painted they are there, in the tab order, and they filter."""
    main = MainWindow(demo_ctx)
    qtbot.addWidget(main)
    page = main.visit_list
    assert page.findChildren(QComboBox) == []  # not built before the window is shown
    main.show()
    qtbot.waitUntil(lambda: len(page.findChildren(QComboBox)) == 2)
    status, departement = page.findChildren(QComboBox)
    assert status.isVisible() and departement.isVisible()
    assert page.search_edit.nextInFocusChain() is status
    departement.setCurrentIndex(departement.findData("52"))
    assert page.shown_communes() == ["Langres"]
    status.setCurrentIndex(status.findData(VisitStatus.EN_COURS.value))
    assert page.shown_communes() == []
    assert page.no_match_label.isVisible()
    main.close()
