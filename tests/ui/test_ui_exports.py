"""File › Export (workbook, CSV, calendar) and « Enregistrer au format Word » in the
Rapport section, driven through their dialogs; the export on the real worker thread."""

from __future__ import annotations

import threading

import docx
import openpyxl
import pytest
from icalendar import Calendar
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from fieldvisit.core.domain import VisitStatus
from fieldvisit.demo.seed import seed_demo
from fieldvisit.services import visits
from fieldvisit.ui.shell.exports_ui import ExportsUi
from fieldvisit.ui.shell.main_window import MainWindow
from fieldvisit.ui.workspace.report_view import ReportView


@pytest.fixture
def window(ui_ctx, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    seed_demo(ui_ctx.services)
    main = MainWindow(ui_ctx)
    qtbot.addWidget(main)
    main.show()
    return main


def answer_internal(monkeypatch: pytest.MonkeyPatch, choice: str) -> list[str]:
    """The « confidential items? » question, answered with the button named `choice`."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        for button in box.buttons():
            if button.text() == choice:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def test_file_menu_export_workbook_through_its_dialogs(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    exports: ExportsUi = window.exports
    menu_texts = [a.text() for a in exports.menu.actions()]
    assert any("xlsx" in text for text in menu_texts)
    chosen = tmp_path / "programme"  # no suffix typed: .xlsx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    asked = answer_internal(monkeypatch, "Without them")
    exports.action_xlsx.trigger()
    assert asked and "confidential" in asked[0]
    target = tmp_path / "programme.xlsx"
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "Visites",
        "Réponses",
        "Observations",
        "Entretiens",
        "Diagnostic",
        "Actions",
    ]
    demo = visits.list_visits(window.ctx.services, visits.VisitFilter())
    assert book["Visites"].max_row == 1 + len(demo) > 5  # every demo visit
    assert "Workbook written" in window.statusBar().currentMessage()
    assert exports.progress_dialog is None


def test_cancel_the_question_writes_nothing(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out / "v.xlsx"), ""))
    answer_internal(monkeypatch, "Cancel")
    window.exports.action_xlsx.trigger()
    assert list(out.iterdir()) == []


def test_csv_and_calendar_from_the_menu(window, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    exports: ExportsUi = window.exports
    folder = tmp_path / "csv"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    answer_internal(monkeypatch, "Include them")
    exports.action_csv.trigger()
    assert sorted(p.name for p in folder.iterdir()) == [
        "actions.csv",
        "diagnostic.csv",
        "entretiens.csv",
        "observations.csv",
        "reponses.csv",
        "visites.csv",
    ]
    # again in the same folder: refused with a French message, files untouched
    before = (folder / "visites.csv").read_bytes()
    exports.action_csv.trigger()
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "existe déjà" in box.text() and "--force" not in box.text()
    assert (folder / "visites.csv").read_bytes() == before

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "agenda.ics"), "")
    )
    exports.action_ics.trigger()
    calendar = Calendar.from_ical((tmp_path / "agenda.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) == 1  # the demo's one planned visit
    assert "Calendar written" in window.statusBar().currentMessage()


def test_an_unwritable_place_shows_a_french_message(window, unwritable_dir) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.name for p in unwritable_dir.iterdir())
    window.exports.write_xlsx(unwritable_dir / "v.xlsx", internal=False)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "Impossible d'écrire" in box.text()
    assert sorted(p.name for p in unwritable_dir.iterdir()) == before
    assert window.exports.progress_dialog is None


def test_workbook_on_the_real_worker_with_progress(threaded_ctx, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_demo(threaded_ctx.services)
    main = MainWindow(threaded_ctx)
    qtbot.addWidget(main)
    steps: list[tuple[int, int]] = []
    main.exports._relay.progressed.connect(lambda d, t: steps.append((d, t)))
    target = tmp_path / "v.xlsx"
    with qtbot.waitSignal(main.exports.finished, timeout=30_000) as done:
        main.exports.write_xlsx(target, internal=True)
        assert main.exports.progress_dialog is not None  # shown while the worker writes
    assert "Workbook written" in done.args[0]
    assert steps and steps[-1][0] == steps[-1][1] > 0
    assert openpyxl.load_workbook(target)["Actions"].max_row > 1


def test_cancel_stops_the_export_and_leaves_no_file(threaded_ctx, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_demo(threaded_ctx.services)
    main = MainWindow(threaded_ctx)
    qtbot.addWidget(main)
    exports = main.exports
    out = tmp_path / "out"
    out.mkdir()
    gate = threading.Event()
    threaded_ctx.worker.run(gate.wait)  # the worker waits: Cancel comes first, surely
    with qtbot.waitSignal(exports.finished, timeout=30_000) as done:
        exports.write_xlsx(out / "v.xlsx", internal=False)
        assert exports.progress_dialog is not None
        exports.progress_dialog.findChild(QPushButton).click()  # its Cancel button
        gate.set()
    assert done.args[0] == "Export cancelled."
    assert list(out.iterdir()) == []


def test_save_as_word_in_the_report_section(ui_ctx, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed_demo(ui_ctx.services)
    done = visits.list_visits(ui_ctx.services, visits.VisitFilter(status=VisitStatus.TERMINEE))
    view = ReportView(ui_ctx)
    qtbot.addWidget(view)
    view.load_visit(done[0].id)
    assert view.word_button.isEnabled()  # no preview needed
    view.variant.setCurrentIndex(1)  # shareable
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "rapport-mairie"), "")
    )
    view.word_button.click()
    target = tmp_path / "rapport-mairie.docx"
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Synthèse"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Version partageable" in text and "DIFFUSION RESTREINTE" not in text
    assert view.status.text() == f"Word document saved: {target}"
    assert view.word_button.isEnabled() and not view.progress.isVisible()
    # a place where nothing can be written: the message, nothing left
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x")
    view.save_word_to(blocker / "r.docx")
    box = view.findChild(QMessageBox, "errorBox")
    assert box is not None and "n'est pas un dossier" in box.text()
