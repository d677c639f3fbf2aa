"""Photos: import (files, folders, drag and drop), thumbnails, captions, links to items,
the time and place each was taken, annotation, and a copy to share.

Only images are shown and imported (`screens.photos.load_album`): the visit's other
attachments, such as the issued report PDF, belong to the Rapport section.

An import (`ImportJob`) lists the files on the worker (folders walked:
`photo_import.photo_files`), then imports them one by one (`photo_import.import_photo`),
submitting the next file only when the previous one came back: an autosave submitted
meanwhile runs between two photos, and Cancel stops before the next one (a photo is
imported whole or not at all). A progress dialog shows when several files come at once.
Each refused file is named in one French message at the end (damaged, not an image,
too large…), with the photos already in the visit; the others are imported. Then the
photos taken while a checklist item was being answered are proposed for it
(`PhotoLinksDialog`): nothing is linked without the person's confirmation.

Thumbnails are rendered and decoded on the worker (ui/widgets/thumbnails.py): a
full-size photo is never decoded on the UI thread. Once a photo is stored, its
report-size rendition is queued on the report thread (ui/workspace/report_thread.py,
low priority, off the database worker).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImage,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressDialog,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.annotation import parse_annotation
from fieldvisit.core.dates import moment_text
from fieldvisit.core.errors import BadInput
from fieldvisit.screens.photos import (
    LinkProposal,
    Photo,
    PhotoAlbum,
    link_key,
    load_album,
    load_link_proposals,
)
from fieldvisit.services import attachments, deletion, photo_import, photo_privacy, thumbnails
from fieldvisit.services.attachments import IMAGE_SUFFIXES
from fieldvisit.store.models import Attachment
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.errors import describe, show_error
from fieldvisit.ui.base.icons import icon
from fieldvisit.ui.dialogs.annotation_dialog import AnnotationDialog
from fieldvisit.ui.dialogs.photo_links_dialog import PhotoLinksDialog
from fieldvisit.ui.dialogs.preferences import location_policy
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit
from fieldvisit.ui.widgets.thumbnails import ThumbnailLoader, load_thumbnail_image
from fieldvisit.ui.workspace.autosave import Debouncer
from fieldvisit.ui.workspace.pages import KEEP_EDITABLE, WorkspacePage
from fieldvisit.ui.workspace.report_thread import prepare_renditions_later
from fieldvisit.ui.workspace.workspace_common import ChoiceDialog, ask_confirmation

log = logging.getLogger(__name__)

ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 1
SHA_ROLE = Qt.ItemDataRole.UserRole + 2
LAST_DIR_KEY = "photos/last_dir"
ICON_SIZE = 160
ANNOTATION_SIZE = 1200  # the copy the annotation dialog draws over


@dataclass
class ImportJob:
    """Files imported one after the other; `cancelled` stops before the next one."""

    visit_id: str
    sources: list[Path]
    form_id: str | None
    item_id: str | None
    keep_location: bool = True
    paths: list[Path] = field(default_factory=list)  # the files, once folders are walked
    listed: bool = False
    finished: int = 0
    imported: list[Attachment] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    errors: list[tuple[Path, BaseException]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def done(self) -> bool:
        return self.listed and (self.cancelled or self.finished >= len(self.paths))


MAX_LISTED_ERRORS = 12  # beyond, the message counts the others (a folder of 2,000 files)


class PhotosPage(WorkspacePage):
    shows = frozenset({"attachments"})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.album: PhotoAlbum | None = None
        self._photos: dict[str, Photo] = {}
        self.saver = Debouncer(ctx, self)
        self.thumbnails = ThumbnailLoader(ctx, parent=self)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.progress: QProgressDialog | None = None
        self.setAcceptDrops(True)

        self.import_button = QPushButton(self.tr("Import photos…"), self)
        self.import_button.setToolTip(
            self.tr("Import photos (you can also drop files or folders here)")
        )
        self.import_button.clicked.connect(self.choose_and_import)
        self.folder_button = QPushButton(self.tr("Import a folder…"), self)
        self.folder_button.setToolTip(
            self.tr("Import every photo of a folder and its sub-folders (a phone's DCIM)")
        )
        self.folder_button.clicked.connect(self.choose_folder_and_import)

        self.model = QStandardItemModel(self)
        self.view = QListView(self)
        self.view.setObjectName("photoGrid")
        self.view.setAccessibleName(self.tr("Photos of the visit"))
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.view.setGridSize(QSize(ICON_SIZE + 30, ICON_SIZE + 50))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setDragEnabled(False)
        self.view.setAcceptDrops(False)  # drops go to the page, which imports them
        self.view.viewport().setAcceptDrops(False)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.empty_label = QLabel(
            self.tr("No photo yet. Import photos, or drop image files or folders here."), self
        )
        self.empty_label.setWordWrap(True)

        details = QGroupBox(self.tr("Selected photo"), self)
        details.setMinimumWidth(260)
        form = QFormLayout(details)
        self.filename_label = QLabel(details)
        self.filename_label.setWordWrap(True)
        self.caption_edit = LimitedLineEdit(parent=details)
        self.caption_edit.setAccessibleName(self.tr("Caption"))
        self.caption_edit.setPlaceholderText(self.tr("What the photo shows"))
        self.caption_edit.textEdited.connect(self._caption_edited)
        self.caption_edit.editingFinished.connect(self.saver.flush)
        self.link_label = QLabel(details)
        self.link_label.setWordWrap(True)
        self.taken_label = QLabel(details)
        self.taken_label.setObjectName("photoTakenAt")
        self.location_label = QLabel(details)
        self.location_label.setObjectName("photoLocation")
        self.location_label.setWordWrap(True)
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.annotation_label = QLabel(details)
        self.annotate_button = QPushButton(self.tr("&Annotate…"), details)
        self.annotate_button.setToolTip(
            self.tr("Draw arrows, circles, rectangles and texts (the original is kept)")
        )
        self.annotate_button.clicked.connect(self.annotate_selected)
        self.export_button = QPushButton(self.tr("&Export a copy…"), details)
        self.export_button.setProperty(KEEP_EDITABLE, True)  # also once the report is issued
        self.export_button.setToolTip(
            self.tr(
                "Save a copy of the photo, without its GPS position unless the Preferences keep it"
            )
        )
        self.export_button.clicked.connect(self.export_selected)
        self.link_button = QPushButton(self.tr("Link to an item…"), details)
        self.link_button.clicked.connect(self.choose_link)
        self.open_button = QPushButton(icon("open"), self.tr("Open"), details)
        self.open_button.setProperty(KEEP_EDITABLE, True)
        self.open_button.setToolTip(self.tr("Open the full image in the system's viewer"))
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button = QPushButton(icon("delete"), self.tr("Delete…"), details)
        self.delete_button.clicked.connect(self.delete_selected)
        form.addRow(self.tr("File:"), self.filename_label)
        form.addRow(self.tr("&Caption:"), self.caption_edit)
        form.addRow(self.tr("Linked to:"), self.link_label)
        form.addRow(self.tr("Taken:"), self.taken_label)
        form.addRow(self.tr("GPS:"), self.location_label)
        form.addRow(self.tr("Annotation:"), self.annotation_label)
        # two buttons a row: the section keeps the height it had (a small window)
        for pair in (
            (self.link_button, self.annotate_button),
            (self.open_button, self.export_button),
        ):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            form.addRow(row)
        form.addRow(self.delete_button)

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.folder_button)
        top.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        middle.addWidget(details)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{self.section_title()}</h2>", self))
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addLayout(middle, 1)
        self.setTabOrder(self.import_button, self.folder_button)
        self.setTabOrder(self.folder_button, self.view)
        self.setTabOrder(self.view, self.caption_edit)
        self.setTabOrder(self.caption_edit, self.link_button)
        self.setTabOrder(self.link_button, self.annotate_button)
        self.setTabOrder(self.annotate_button, self.open_button)
        self.setTabOrder(self.open_button, self.export_button)
        self.setTabOrder(self.export_button, self.delete_button)
        self._show_selected(None)

    def section_title(self) -> str:
        return self.tr("Photos")

    # --- loading ---------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        if visit_id != self.visit_id:
            self.saver.flush()
        super().load_visit(visit_id)
        self.ctx.run(self.ctx.call(load_album, visit_id), self._loaded, self)

    def reload(self) -> None:
        if self.visit_id is not None:
            self.load_visit(self.visit_id)

    def _loaded(self, album: PhotoAlbum) -> None:
        if album.visit.id != self.visit_id:
            return
        selected = self.selected_photo()
        self.album = album
        self._photos = {photo.id: photo for photo in album.photos}
        self.model.clear()
        placeholder = self._placeholder_icon()
        for photo in album.photos:
            entry = QStandardItem(photo.caption or photo.filename)
            entry.setEditable(False)
            entry.setData(photo.id, ATTACHMENT_ROLE)
            entry.setData(photo.sha256, SHA_ROLE)
            entry.setToolTip(self._tooltip(photo))
            pixmap = self.thumbnails.pixmap(photo.sha256)
            entry.setIcon(QIcon(pixmap) if pixmap is not None else placeholder)
            self.model.appendRow(entry)
            self.thumbnails.request(photo.sha256)  # the album holds images only
        self.empty_label.setVisible(not album.photos)
        if selected is not None and selected.id in self._photos:
            self.select(selected.id)
        else:
            self._show_selected(None)

    def _placeholder_icon(self) -> QIcon:
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def _thumbnail_ready(self, sha256: str) -> None:
        pixmap = self.thumbnails.pixmap(sha256)
        if pixmap is None:
            return
        for row in range(self.model.rowCount()):
            entry = self.model.item(row)
            if entry.data(SHA_ROLE) == sha256:
                entry.setIcon(QIcon(pixmap))

    def _tooltip(self, photo: Photo) -> str:
        lines = [photo.filename]
        linked = self.link_text(photo)
        if photo.item_id:
            lines.append(self.tr("Linked to: {0}").format(linked))
        return "\n".join(lines)

    def link_text(self, photo: Photo) -> str:
        if not photo.item_id or not photo.form_id:
            return self.tr("no item")
        labels = self.album.item_labels if self.album is not None else {}
        return labels.get(link_key(photo.form_id, photo.item_id), photo.item_id)

    # --- selection -------------------------------------------------------------------

    def photos(self) -> list[Photo]:
        """The photos shown, in order."""
        return list(self._photos.values())

    def select(self, attachment_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(ATTACHMENT_ROLE) == attachment_id:
                self.view.setCurrentIndex(self.model.index(row, 0))
                return

    def selected_photo(self) -> Photo | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self._photos.get(str(index.data(ATTACHMENT_ROLE)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.saver.flush()
        self._show_selected(self._photos.get(str(current.data(ATTACHMENT_ROLE))))

    def _show_selected(self, photo: Photo | None) -> None:
        for widget in (
            self.caption_edit,
            self.link_button,
            self.annotate_button,
            self.open_button,
            self.export_button,
            self.delete_button,
        ):
            widget.setEnabled(photo is not None)
        self.filename_label.setText(photo.filename if photo is not None else "")
        self.caption_edit.setText(photo.caption if photo is not None else "")
        self.caption_edit.setCursorPosition(0)  # a long caption shows its start, not its end
        self.link_label.setText(self.link_text(photo) if photo is not None else "")
        self.taken_label.setText(self.taken_text(photo) if photo is not None else "")
        self.location_label.setText(self.location_text(photo) if photo is not None else "")
        self.annotation_label.setText(self.annotation_text(photo) if photo is not None else "")

    def taken_text(self, photo: Photo) -> str:
        if photo.taken_at is None:
            return self.tr("unknown (no date in the file)")
        return moment_text(photo.taken_at)

    def location_text(self, photo: Photo) -> str:
        if photo.location is None:
            return self.tr("none")
        return photo.location.text()

    def annotation_text(self, photo: Photo) -> str:
        try:
            count = len(parse_annotation(photo.annotation))
        except ValueError:
            count = 0
        if not count:
            return self.tr("none")
        return self.tr("%n shape(s) drawn", "", count)

    # --- captions --------------------------------------------------------------------

    def _caption_edited(self, text: str) -> None:
        photo = self.selected_photo()
        if photo is None:
            return
        # The shown copy; the worker writes the database.
        self._photos[photo.id] = replace(photo, caption=text)
        entry = self.model.itemFromIndex(self.view.currentIndex())
        if entry is not None:
            entry.setText(text or photo.filename)
        self.saver.schedule(
            ("caption", photo.id),
            self.ctx.call(attachments.update_attachment, photo.id, caption=text.strip()),
        )

    def flush(self) -> None:
        self.saver.flush()

    # --- importing -------------------------------------------------------------------

    def choose_and_import(self, form_id: str | None = None, item_id: str | None = None) -> None:
        """Ask for image files, then import them (linked to an item when given)."""
        if self.visit_id is None:
            return
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        start = str(self.ctx.settings.value(LAST_DIR_KEY, "") or "")
        paths, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Import photos"),
            start,
            self.tr("Images ({0});;All files (*)").format(patterns),
        )
        if paths:
            self.ctx.settings.setValue(LAST_DIR_KEY, str(Path(paths[0]).parent))
            self.import_photos(paths, form_id, item_id)

    def choose_folder_and_import(self) -> None:
        """Ask for a folder (a phone's DCIM, a memory card), then import its photos."""
        if self.visit_id is None:
            return
        start = str(self.ctx.settings.value(LAST_DIR_KEY, "") or "")
        folder = QFileDialog.getExistingDirectory(self, self.tr("Import a folder of photos"), start)
        if folder:
            self.ctx.settings.setValue(LAST_DIR_KEY, folder)
            self.import_photos([folder])

    def import_photos(
        self,
        paths: Iterable[str | Path],
        form_id: str | None = None,
        item_id: str | None = None,
    ) -> ImportJob | None:
        """Import files and folders into the visit; each failure is reported, the rest
        imported (see the module docstring)."""
        if self.visit_id is None:
            return None
        sources = [Path(path) for path in paths]
        if not sources:
            return None
        job = ImportJob(
            self.visit_id,
            sources,
            form_id,
            item_id,
            keep_location=location_policy(self.ctx.settings).in_stored_photos,
        )
        self.import_button.setEnabled(False)
        self.folder_button.setEnabled(False)
        if len(sources) > 1 or any(path.is_dir() for path in sources):
            self.progress = QProgressDialog(
                self.tr("Listing the photos…"), self.tr("Cancel"), 0, 0, self
            )
            self.progress.setObjectName("importProgress")
            self.progress.setWindowTitle(self.tr("Importing photos"))
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(300)
            self.progress.setAutoClose(False)
            self.progress.setAutoReset(False)
            self.progress.canceled.connect(lambda: self.cancel_import(job))
        self.ctx.run(
            lambda: photo_import.photo_files(sources),
            on_success=partial(self._listed, job),
            on_failure=partial(self._listing_failed, job),
            parent=self,
        )
        return job

    def cancel_import(self, job: ImportJob) -> None:
        """Stop before the next file (the one being imported, if any, completes)."""
        job.cancelled = True

    def _listed(self, job: ImportJob, found: photo_import.PhotoFiles) -> None:
        job.paths = list(found.files)
        job.listed = True
        if self.progress is not None:
            self.progress.setMaximum(max(1, len(job.paths)))
        self._next(job)

    def _listing_failed(self, job: ImportJob, err: BaseException) -> None:
        job.listed = True
        job.errors.append((job.sources[0], err))
        self._import_done(job)

    def _next(self, job: ImportJob) -> None:
        """Submit the next file, or finish."""
        if self.progress is not None and self.progress.wasCanceled():  # Cancel, Esc, closed
            job.cancelled = True
        if job.done:
            self._import_done(job)
            return
        path = job.paths[job.finished]
        if self.progress is not None:
            self.progress.setLabelText(
                self.tr("Importing photo {0} of {1}: {2}").format(
                    job.finished + 1, len(job.paths), path.name
                )
            )
        self.ctx.run(
            self.ctx.call(
                photo_import.import_photo,
                job.visit_id,
                path,
                keep_location=job.keep_location,
                form_id=job.form_id,
                item_id=job.item_id,
            ),
            on_success=partial(self._one_imported, job),
            on_failure=partial(self._one_failed, job, path),
            origin=self,
        )

    def _one_imported(self, job: ImportJob, outcome: photo_import.ImportedPhoto) -> None:
        photo = outcome.attachment
        if photo is not None:
            job.imported.append(photo)
            # Committed: make its report-size rendition now, in the background and at
            # low priority, so that the report never has to decode the full photo.
            stored = attachments.attachment_path(self.ctx.services, photo)
            prepare_renditions_later(self.ctx, [(stored, photo.sha256)])
        elif outcome.duplicate_of is not None:
            job.duplicates.append((outcome.path, outcome.duplicate_of))
        self._one_finished(job)

    def _one_failed(self, job: ImportJob, path: Path, err: BaseException) -> None:
        job.errors.append((path, err))
        self._one_finished(job)

    def _one_finished(self, job: ImportJob) -> None:
        job.finished += 1
        if self.progress is not None:
            self.progress.setValue(job.finished)
        self._next(job)

    def _import_done(self, job: ImportJob) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect()  # closing it emits canceled: not a cancel
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.import_button.setEnabled(True)
        self.folder_button.setEnabled(True)
        if job.visit_id == self.visit_id:
            self.reload()
            if job.imported:
                self.select(job.imported[-1].id)
        self._report_outcome(job)
        if job.visit_id == self.visit_id and job.imported and job.item_id is None:
            ids = [photo.id for photo in job.imported]
            self.ctx.run(
                self.ctx.call(load_link_proposals, job.visit_id, ids),
                on_success=self._propose_links,
                parent=self,
            )

    def _report_outcome(self, job: ImportJob) -> None:
        """One message for the files not imported (each named), and the duplicates."""
        for path, err in job.errors:
            log.warning("import of %s failed: %s", path, err)
        parts = [describe(err)[1] for _path, err in job.errors[:MAX_LISTED_ERRORS]]
        if len(job.errors) > MAX_LISTED_ERRORS:
            parts.append(
                self.tr(
                    "… and %n other file(s) not imported (see the log).",
                    "",
                    len(job.errors) - MAX_LISTED_ERRORS,
                )
            )
        if job.duplicates:
            names = ", ".join(
                f"« {path.name} »" for path, _dup in job.duplicates[:MAX_LISTED_ERRORS]
            )
            if len(job.duplicates) > MAX_LISTED_ERRORS:
                names += " …"
            parts.append(
                self.tr(
                    "%n photo(s) already in the visit, not imported again: ",
                    "",
                    len(job.duplicates),
                )
                + names
            )
        if job.cancelled:
            parts.append(
                self.tr("Import cancelled: {0} of {1} files done.").format(
                    job.finished, len(job.paths)
                )
            )
        if not parts:
            return
        if len(job.errors) == 1 and len(parts) == 1:
            show_error(self, job.errors[0][1])
            return
        show_error(self, BadInput("\n\n".join(parts)))

    def _propose_links(self, proposals: tuple[LinkProposal, ...]) -> None:
        if not proposals or self.album is None:
            return
        dialog = PhotoLinksDialog(proposals, self.album.choices, self)
        dialog.accepted.connect(lambda: self._link_all(dialog.links()))
        dialog.open()

    def _link_all(self, links: list[tuple[str, str]]) -> None:
        for attachment_id, key in links:
            self.link_photo(attachment_id, key)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.visit_id is not None and _local_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_files(event)
        if not paths or self.visit_id is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_photos(paths)

    # --- linking, opening, deleting --------------------------------------------------

    def choose_link(self) -> None:
        photo = self.selected_photo()
        if photo is None or self.album is None:
            return
        options: list[tuple[str, str]] = [("", self.tr("(not linked to an item)"))]
        options += [(link_key(c.form_id, c.item_id), c.label) for c in self.album.choices]
        current = photo.link
        dialog = ChoiceDialog(
            self.tr("Link the photo to an item"),
            self.tr("Checklist item the photo illustrates:"),
            options,
            self,
            current=current,
        )
        dialog.setObjectName("linkChoice")
        dialog.accepted.connect(lambda: self.link_photo(photo.id, str(dialog.chosen() or "")))
        dialog.open()

    def link_photo(self, attachment_id: str, key: str) -> None:
        """Link to "form/item", or unlink with ""."""
        form_id, _sep, item_id = key.partition("/")
        self.ctx.run(
            self.ctx.call(
                attachments.update_attachment, attachment_id, form_id=form_id, item_id=item_id
            ),
            on_success=self._links_changed,
            parent=self,
        )

    def _links_changed(self, _photo: Attachment | Photo) -> None:
        self.reload()

    def _activated(self, index: QModelIndex) -> None:
        self.open_selected()

    def open_selected(self) -> None:
        photo = self.selected_photo()
        if photo is None:
            return
        self.ctx.run(
            self.ctx.call(thumbnails.viewable_copy, photo.sha256, photo.filename),
            on_success=self._open_file,
            parent=self,
        )

    def annotate_selected(self) -> None:
        """Open the annotation dialog on a large copy of the photo (made on the worker)."""
        photo = self.selected_photo()
        if photo is None:
            return
        self.ctx.run(
            self.ctx.call(load_thumbnail_image, photo.sha256, ANNOTATION_SIZE),
            on_success=partial(self._annotate, photo),
            parent=self,
        )

    def _annotate(self, photo: Photo, image: QImage) -> None:
        dialog = AnnotationDialog(image, photo.caption or photo.filename, photo.annotation, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.save_annotation(photo.id, dialog.value()))
        self.annotation_dialog = dialog
        dialog.open()

    def save_annotation(self, attachment_id: str, value: object) -> None:
        self.ctx.run(
            self.ctx.call(attachments.annotate, attachment_id, value),
            on_success=self._links_changed,
            parent=self,
        )

    def export_selected(self) -> None:
        """Save a copy of the photo where the person chooses (GPS per the Préférences)."""
        photo = self.selected_photo()
        if photo is None:
            return
        start = str(self.ctx.settings.value(LAST_DIR_KEY, "") or "")
        target, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export a copy of the photo"), str(Path(start) / photo.filename)
        )
        if target:
            self.export_photo(photo.id, Path(target))

    def export_photo(self, attachment_id: str, target: Path) -> None:
        self.ctx.run(
            self.ctx.call(
                photo_privacy.export_copy,
                attachment_id,
                target,
                location_policy(self.ctx.settings),
            ),
            parent=self,
        )

    def _open_file(self, path: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            show_error(
                self,
                BadInput(
                    self.tr("No application could open {0}. The file is here: {1}").format(
                        path.name, path
                    )
                ),
            )

    def delete_selected(self) -> None:
        photo = self.selected_photo()
        if photo is None:
            return
        ask_confirmation(
            self,
            self.tr("Delete the photo"),
            self.tr("Delete the photo “{0}” from this visit?").format(
                photo.caption or photo.filename
            ),
            self.tr("Delete"),
            lambda: self._delete(photo),
        )

    def _delete(self, photo: Photo) -> None:
        self.ctx.run(
            self.ctx.call(deletion.soft_delete, "attachment", photo.id),
            on_success=lambda _result: self._links_changed(photo),
            parent=self,
        )


def _local_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The local files and folders dropped (folders are walked by the import)."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
