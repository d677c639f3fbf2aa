"""Photos: import (dialog, drop, an item's photo button), thumbnails, captions, links."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from fieldvisit.services import attachments, visits
from fieldvisit.ui.workspace.photos_page import ATTACHMENT_ROLE, PhotosPage
from fieldvisit.ui.workspace.workspace import VisitWorkspace
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog, Confirmation

CHECKLIST = "visite-centre-bourg"


@pytest.fixture
def visit(ui_ctx):  # type: ignore[no-untyped-def]
    return visits.plan_visit(ui_ctx.services, "15187", date(2026, 3, 12))


def make_workspace(ctx, qtbot) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    ws = VisitWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 800)
    ws.show()
    qtbot.waitExposed(ws)
    return ws


@pytest.fixture
def workspace(ui_ctx, qtbot) -> VisitWorkspace:  # type: ignore[no-untyped-def]
    return make_workspace(ui_ctx, qtbot)


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Path]:
    """A phone photo taken upright (landscape pixels, EXIF Orientation 6), a PNG, a fake."""
    folder = tmp_path / "carte-sd"
    folder.mkdir()
    upright = folder / "ruelle.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (640, 480), (90, 90, 90)).save(upright, format="JPEG", exif=exif)
    square = folder / "place.png"
    Image.new("RGB", (400, 300), (10, 120, 10)).save(square)
    fake = folder / "pas-une-photo.jpg"
    fake.write_text("Ceci est un compte rendu, pas une image.", encoding="utf-8")
    return {"upright": upright, "png": square, "fake": fake}


def photos_page(ws: VisitWorkspace) -> PhotosPage:
    ws.show_section("photos")
    page = ws.pages["photos"]
    assert isinstance(page, PhotosPage)
    return page


def by_name(page: PhotosPage) -> dict[str, object]:
    return {photo.filename: photo for photo in page.photos()}


def test_import_two_photos_and_a_fake_one(workspace, visit, pictures, qtbot, ui_ctx) -> None:
    workspace.open_visit(visit.id)
    page = photos_page(workspace)
    assert page.empty_label.isVisible()

    job = page.import_photos([pictures["upright"], pictures["png"], pictures["fake"]])
    assert job is not None and job.done and len(job.imported) == 2

    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and box.isVisible()
    assert "pas-une-photo.jpg" in box.text() and "n'est pas une image" in box.text()
    stored = attachments.list_attachments(ui_ctx.services, visit.id)
    assert sorted(a.filename for a in stored) == ["place.png", "ruelle.jpg"]
    assert page.model.rowCount() == 2 and not page.empty_label.isVisible()

    shown = by_name(page)
    upright = page.thumbnails.pixmap(shown["ruelle.jpg"].sha256)
    assert upright is not None and upright.height() > upright.width()  # EXIF applied
    assert max(upright.width(), upright.height()) == 256
    landscape = page.thumbnails.pixmap(shown["place.png"].sha256)
    assert landscape is not None and landscape.width() > landscape.height()
    for row in range(2):
        assert not page.model.item(row).icon().isNull()


def test_caption_link_open_and_delete(
    workspace, visit, pictures, qtbot, ui_ctx, monkeypatch
) -> None:
    svc = ui_ctx.services
    workspace.open_visit(visit.id)
    page = photos_page(workspace)
    page.import_photos([pictures["upright"], pictures["png"]])
    photo = by_name(page)["ruelle.jpg"]
    page.select(photo.id)
    assert page.filename_label.text() == "ruelle.jpg"

    page.caption_edit.setFocus()
    qtbot.keyClicks(page.caption_edit, "Ruelle sans eclairage")
    qtbot.waitUntil(
        lambda: attachments.list_attachments(svc, visit.id)[0].caption == "Ruelle sans eclairage",
        timeout=3000,
    )
    assert page.model.item(0).text() == "Ruelle sans eclairage"

    qtbot.mouseClick(page.link_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(ChoiceDialog, "linkChoice")
    assert dialog is not None
    assert dialog.combo.itemData(0) == ""  # "not linked" first, then photo items
    assert (
        dialog.combo.itemText(1)
        == "Éclairage public › Photos des points d'éclairage défaillants ou des zones sombres"
    )
    dialog.choose(f"{CHECKLIST}/eclairage_photos")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    linked = {a.filename: a for a in attachments.list_attachments(svc, visit.id)}["ruelle.jpg"]
    assert (linked.form_id, linked.item_id) == (CHECKLIST, "eclairage_photos")
    assert "Éclairage public" in page.link_label.text()

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    page.select(photo.id)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    [url] = opened
    viewer_file = Path(url.toLocalFile())
    assert viewer_file.name == "ruelle.jpg"
    assert viewer_file.read_bytes() == pictures["upright"].read_bytes()

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.findChild(Confirmation)
    assert box is not None
    qtbot.mouseClick(box.confirm_button, Qt.MouseButton.LeftButton)
    assert [a.filename for a in attachments.list_attachments(svc, visit.id)] == ["place.png"]
    assert [page.model.item(row).data(ATTACHMENT_ROLE) for row in range(1)] != [photo.id]
    assert page.model.rowCount() == 1


def test_files_dropped_on_the_page_are_imported(workspace, visit, pictures, ui_ctx) -> None:
    workspace.open_visit(visit.id)
    page = photos_page(workspace)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pictures["png"]))])
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(drop)
    assert [a.filename for a in attachments.list_attachments(ui_ctx.services, visit.id)] == [
        "place.png"
    ]

    text_only = QMimeData()
    text_only.setText("pas un fichier")
    refused = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        text_only,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_a_checklist_photo_item_asks_for_files_and_links_them(
    workspace, visit, pictures, monkeypatch, ui_ctx
) -> None:
    asked: list[str] = []

    def fake_dialog(parent, title, directory, filters):  # type: ignore[no-untyped-def]
        asked.append(filters)
        return [str(pictures["png"])], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_dialog)
    workspace.open_visit(visit.id)
    workspace.show_section("checklist")
    workspace.pages["checklist"].photo_requested.emit(CHECKLIST, "espaces_publics_photos")
    assert asked and "*.jpg" in asked[0]
    [photo] = attachments.list_attachments(ui_ctx.services, visit.id)
    assert (photo.form_id, photo.item_id) == (CHECKLIST, "espaces_publics_photos")
    assert ui_ctx.settings.value("photos/last_dir") == str(pictures["png"].parent)


def test_import_and_caption_on_the_real_worker_thread(threaded_ctx, qtbot, pictures) -> None:
    visit = visits.plan_visit(threaded_ctx.services, "15187", date(2026, 3, 12))
    ws = make_workspace(threaded_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    qtbot.waitUntil(lambda: page.album is not None, timeout=5000)

    job = page.import_photos([pictures["upright"], pictures["png"]])
    assert job is not None
    qtbot.waitUntil(lambda: job.done and page.model.rowCount() == 2, timeout=10000)
    qtbot.waitUntil(
        lambda: all(page.thumbnails.pixmap(p.sha256) is not None for p in page.photos()),
        timeout=10000,
    )
    upright = page.thumbnails.pixmap(by_name(page)["ruelle.jpg"].sha256)
    assert upright is not None and upright.height() > upright.width()

    page.select(by_name(page)["place.png"].id)
    page.caption_edit.setFocus()
    qtbot.keyClicks(page.caption_edit, "Place de la mairie")
    page.flush()
    threaded_ctx.worker.wait_idle()
    QApplication.processEvents()  # deliver the callbacks while the widgets still exist
    captions = {
        a.filename: a.caption for a in attachments.list_attachments(threaded_ctx.services, visit.id)
    }
    assert captions == {"ruelle.jpg": "", "place.png": "Place de la mairie"}


def test_the_issued_report_is_in_the_rapport_section_not_among_the_photos(
    workspace, ui_ctx
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.core.domain import VisitStatus
    from fieldvisit.demo.seed import seed_demo
    from fieldvisit.report.issued import issued_report

    seed_demo(ui_ctx.services)
    [issued] = visits.list_visits(
        ui_ctx.services, visits.VisitFilter(status=VisitStatus.RAPPORT_EMIS)
    )
    stored = {a.media_type for a in attachments.list_attachments(ui_ctx.services, issued.id)}
    assert stored == {"image/jpeg", "application/pdf"}  # a photo and the issued report
    workspace.open_visit(issued.id)
    page = photos_page(workspace)
    assert [p.media_type for p in page.photos()] == ["image/jpeg"]
    assert page.model.rowCount() == 1
    workspace.show_section("report")
    report = workspace.pages["report"].view
    pdf = issued_report(ui_ctx.services, issued.id)
    assert pdf is not None and report.state.issued[0].sha256 == pdf.sha256
    assert report.reprint_button.isEnabled()
    assert report.issued_label.text().startswith("Report issued on")


def test_a_document_is_refused_by_the_photos_section(workspace, visit, ui_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = tmp_path / "compte-rendu.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    workspace.open_visit(visit.id)
    page = photos_page(workspace)
    job = page.import_photos([document])
    assert job is not None and job.done and not job.imported
    box = page.findChild(QMessageBox, "errorBox")
    assert box is not None and "compte-rendu.pdf" in box.text()
    assert "n'est pas une image" in box.text()
    assert attachments.list_attachments(ui_ctx.services, visit.id) == []


def test_an_imported_photo_gets_its_report_rendition(workspace, visit, pictures, ui_ctx) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.report.files import report_image_cache
    from fieldvisit.report.images import rendition_path, report_rendition

    workspace.open_visit(visit.id)
    page = photos_page(workspace)
    page.import_photos([pictures["upright"], pictures["png"]])
    cache = report_image_cache(ui_ctx.services)
    for photo in page.photos():
        made = rendition_path(cache, photo.sha256)
        assert made.is_file()
    upright = by_name(page)["ruelle.jpg"]
    made = report_rendition(Path("unused"), upright.sha256, cache)  # cached: encrypted
    assert made is not None
    with Image.open(io.BytesIO(made.jpeg_bytes())) as image:
        assert image.size == (480, 640)  # upright, as the report prints it


def test_renditions_are_made_off_the_database_worker(threaded_ctx, qtbot, pictures) -> None:  # type: ignore[no-untyped-def]
    import threading

    from fieldvisit.report.files import report_image_cache
    from fieldvisit.report.images import rendition_path
    from fieldvisit.ui.workspace.report_thread import report_thread

    visit = visits.plan_visit(threaded_ctx.services, "15187", date(2026, 3, 12))
    ws = make_workspace(threaded_ctx, qtbot)
    ws.open_visit(visit.id)
    page = photos_page(ws)
    qtbot.waitUntil(lambda: page.album is not None, timeout=5000)
    gate = threading.Event()
    thread = report_thread(threaded_ctx)
    thread.submit(gate.wait, urgent=True)  # hold the report thread busy
    try:
        job = page.import_photos([pictures["upright"], pictures["png"]])
        assert job is not None
        # The import and its thumbnails complete while the renditions wait their turn.
        qtbot.waitUntil(lambda: job.done and page.model.rowCount() == 2, timeout=10_000)
        assert thread.pending() == 2
        cache = report_image_cache(threaded_ctx.services)
        assert not any(rendition_path(cache, p.sha256).exists() for p in page.photos())
    finally:
        gate.set()
    qtbot.waitUntil(
        lambda: all(rendition_path(cache, p.sha256).is_file() for p in page.photos()),
        timeout=10_000,
    )
