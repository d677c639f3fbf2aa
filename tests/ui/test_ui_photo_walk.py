"""Photos from the phone in the app: folders, progress and cancel on the real worker,
dropped folders, item proposals confirmed, annotation with undo/redo, GPS preferences."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton

from fieldvisit.screens.photos import load_album
from fieldvisit.services import answers, attachments, visits
from fieldvisit.ui.dialogs.annotation_dialog import AnnotationDialog
from fieldvisit.ui.dialogs.photo_links_dialog import PhotoLinksDialog
from fieldvisit.ui.dialogs.preferences import PreferencesDialog, location_policy
from fieldvisit.ui.workspace.photos_page import PhotosPage
from fieldvisit.ui.workspace.workspace import VisitWorkspace
from phone_photos import gps_of, phone_jpeg

TAKEN = datetime(2026, 3, 14, 10, 42, 5)


def make_workspace(ctx, qtbot) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 760)
    ws.show()
    qtbot.waitExposed(ws)
    return ws


def photos_page(ws: VisitWorkspace) -> PhotosPage:
    ws.show_section("photos")
    page = ws.pages["photos"]
    assert isinstance(page, PhotosPage)
    return page


def walk_folder(root: Path, count: int) -> Path:
    folder = root / "DCIM" / "100APPLE"
    for n in range(count):
        phone_jpeg(folder / f"IMG_{n:04}.jpg", TAKEN + timedelta(minutes=n), seed=n)
    (folder / "notes.txt").write_text("liste des rues", encoding="utf-8")
    return root / "DCIM"


def test_a_folder_imports_on_the_worker_with_progress_and_cancel(
    threaded_ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = threaded_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    ws = make_workspace(threaded_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    qtbot.waitUntil(lambda: page.album is not None, timeout=5000)
    folder = walk_folder(tmp_path, 40)

    job = page.import_photos([folder])
    assert job is not None
    qtbot.waitUntil(lambda: job.finished >= 3, timeout=20000)
    progress = page.findChild(QProgressDialog, "importProgress")
    assert progress is not None and progress.maximum() == 41  # 40 photos and the text file
    assert progress.value() >= 3 and "IMG_" in progress.labelText()
    assert not page.import_button.isEnabled()
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    qtbot.waitUntil(lambda: job.done and page.progress is None, timeout=20000)
    threaded_ctx.worker.wait_idle()
    QApplication.processEvents()

    assert job.cancelled and 3 <= job.finished < 41
    stored = attachments.list_attachments(svc, visit.id)
    assert len(stored) == len(job.imported) == job.finished  # whole photos only
    files = [p for p in svc.store.files.root.rglob("*") if p.is_file()]
    assert len(files) == len(stored)  # no file without its record
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "Import cancelled" in box.text()
    assert page.import_button.isEnabled()


def test_a_dropped_folder_is_imported_and_bad_files_are_named(
    ui_ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    ws = make_workspace(ui_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    folder = walk_folder(tmp_path, 3)
    (folder / "100APPLE" / "copie IMG_0001.jpg").write_bytes(
        (folder / "100APPLE" / "IMG_0001.jpg").read_bytes()
    )
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(drop)
    assert sorted(a.filename for a in attachments.list_attachments(svc, visit.id)) == [
        "IMG_0000.jpg",
        "IMG_0001.jpg",
        "IMG_0002.jpg",
    ]
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None
    assert "« notes.txt » n'est pas une image" in box.text()
    assert "already in the visit" in box.text() and "« copie IMG_0001.jpg »" in box.text()
    assert "Import cancelled" not in box.text()  # closing the progress is not a cancel
    # sorted by time taken, details show when and where
    assert [p.filename for p in page.photos()] == ["IMG_0000.jpg", "IMG_0001.jpg", "IMG_0002.jpg"]
    page.select(page.photos()[0].id)
    assert page.location_label.text() == "45,03431° N, 3,08382° E"
    assert page.taken_label.text().startswith("14/03/2026")


def test_proposed_links_are_confirmed_before_linking(ui_ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    item = next(c for c in load_album(svc, visit.id).choices if not c.is_photo)
    answered = answers.answer_item(svc, visit.id, item.form_id, item.item_id, comment="Sombre")
    taken = answered.updated_at.astimezone().replace(tzinfo=None) + timedelta(minutes=2)
    photo = phone_jpeg(tmp_path / "IMG_0001.jpg", taken, offset=None)
    ws = make_workspace(ui_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)

    page.import_photos([photo])
    dialog = page.findChild(PhotoLinksDialog, "photoLinksDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 1
    assert dialog.combos[0].currentData() == f"{item.form_id}/{item.item_id}"
    assert attachments.list_attachments(svc, visit.id)[0].item_id is None  # not yet
    dialog.accept()
    linked = attachments.list_attachments(svc, visit.id)[0]
    assert (linked.form_id, linked.item_id) == (item.form_id, item.item_id)


def test_annotation_dialog_draws_undoes_redoes_and_saves(ui_ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    ws = make_workspace(ui_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    original = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    page.import_photos([original])
    page.select(page.photos()[0].id)
    page.annotate_selected()
    dialog = page.findChild(AnnotationDialog, "annotationDialog")
    assert dialog is not None and dialog.isVisible()
    canvas = dialog.canvas
    qtbot.waitExposed(canvas)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    assert not canvas.image.isNull() and canvas.image.width() > canvas.image.height()
    frame = canvas.frame()

    def at(fx: float, fy: float) -> QPoint:
        return QPoint(
            round(frame.left() + fx * frame.width()), round(frame.top() + fy * frame.height())
        )

    dialog.tool_actions["rect"].trigger()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at(0.2, 0.2))
    qtbot.mouseMove(canvas, at(0.6, 0.7))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at(0.6, 0.7))
    dialog.text_edit.setText("Angle mort")
    dialog.tool_actions["text"].trigger()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at(0.1, 0.8))
    assert [s.kind for s in dialog.shapes()] == ["rect", "text"]
    rect = dialog.shapes()[0]
    assert abs(rect.x1 - 0.2) < 0.01 and abs(rect.y2 - 0.7) < 0.01

    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [s.kind for s in dialog.shapes()] == ["rect"]
    qtbot.keyClick(
        canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert [s.kind for s in dialog.shapes()] == ["rect", "text"]
    dialog.accept()

    stored = attachments.list_attachments(svc, visit.id)[0]
    assert [s["k"] for s in stored.annotation["shapes"]] == ["rect", "text"]
    assert attachments.attachment_bytes(svc, stored) == original.read_bytes()
    assert page.annotation_label.text() == "2 shape(s) drawn"


def test_gps_preferences_are_saved_and_used_by_the_import(ui_ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = ui_ctx.settings
    assert location_policy(settings).in_stored_photos
    assert not location_policy(settings).in_shared_copies
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.gps_stored_check.setChecked(False)
    dialog.accept()
    assert not location_policy(settings).in_stored_photos

    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    ws = make_workspace(ui_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    page.import_photos([phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)])
    stored = attachments.list_attachments(svc, visit.id)[0]
    assert stored.gps is None and gps_of(attachments.attachment_bytes(svc, stored)) == {}
    page.select(page.photos()[0].id)
    assert page.location_label.text() == "none"


@pytest.mark.parametrize("keep", [False, True])
def test_export_a_copy_follows_the_preferences(ui_ctx, qtbot, tmp_path: Path, keep: bool) -> None:  # type: ignore[no-untyped-def]
    ui_ctx.settings.setValue("photos/gps_in_shared_copies", keep)
    svc = ui_ctx.services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 14))
    ws = make_workspace(ui_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    page.import_photos([phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)])
    target = tmp_path / "copie.jpg"
    page.export_photo(page.photos()[0].id, target)
    assert bool(gps_of(target.read_bytes())) is keep


def test_an_image_at_1366x768_fits(ui_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AnnotationDialog(QImage(1200, 900, QImage.Format.Format_RGB32), "IMG_0001.jpg")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.frameGeometry().width() <= 1366 and dialog.frameGeometry().height() <= 768
