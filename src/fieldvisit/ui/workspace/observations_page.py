"""Observations: the walk's « Points d'attention », one per place, with their photos,
the action of the plan each led to, and the plan of the town centre to pin them on.

The list (left) numbers them in the order they were made; the editor (right) saves
each field as it is left (a choice at once, a text when the cursor leaves it, and on
`flush`). « Créer une action » adds an action to the visit's plan, linked to the
observation; « Photos… » links photos of the visit (the Photos section imports them).
The plan is imported from an image file (encrypted and synced like a photo) and shown
under the editor: a click on it pins the selected observation there. The plan's image
is decoded on the worker at screen size, never at its full size on the UI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.pins import Pin, pin_centre
from fieldvisit.screens.observations import (
    CATEGORIES,
    SEVERITIES,
    ObservationRow,
    ObservationsScreen,
    load_observations,
)
from fieldvisit.services import observations, plan, thumbnails
from fieldvisit.services.attachments import IMAGE_SUFFIXES
from fieldvisit.services.observations import PLACE_CHARS
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.widgets.text_limit import LimitedLineEdit, LimitedPlainTextEdit
from fieldvisit.ui.workspace.pages import WorkspacePage
from fieldvisit.ui.workspace.workspace_common import ask_confirmation

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ACTION_SHOWN = 60  # characters of the linked action's text beside its button
PLAN_PIXELS = 1400  # the plan's image on screen, decoded on the worker at this size


class PlanView(QWidget):
    """The plan with its numbered pins; a click asks to pin there (fractions 0–1)."""

    clicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.pins: list[tuple[int, float, float, bool]] = []  # number, x, y, selected
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def _frame(self) -> QRectF:
        """Where the plan is drawn: as large as it fits, its proportions kept."""
        if self.image is None or self.image.isNull():
            return QRectF()
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self._frame()
        if frame.isEmpty():
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("No plan yet: import an image of the town centre to pin observations."),
            )
            return
        assert self.image is not None
        painter.drawImage(frame, self.image)
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        for number, x, y, selected in self.pins:
            radius = 11 if selected else 9
            # The whole disc on the plan, a pin on its edge too (core/pins.py).
            left, top = pin_centre((x, y), frame.width(), frame.height(), radius + 1)
            centre = QPointF(frame.x() + left, frame.y() + top)
            painter.setPen(QPen(QColor("#ffd600" if selected else "white"), 2))
            painter.setBrush(QBrush(QColor("#c62828")))
            painter.drawEllipse(centre, radius, radius)
            painter.setPen(QColor("white"))
            box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        frame = self._frame()
        point = event.position()
        if event.button() == Qt.MouseButton.LeftButton and frame.contains(point):
            x = (point.x() - frame.x()) / frame.width()
            y = (point.y() - frame.y()) / frame.height()
            self.clicked.emit(min(1.0, max(0.0, x)), min(1.0, max(0.0, y)))
        super().mousePressEvent(event)


class PhotoPicker(QDialog):
    """Tick the visit's photos that show the observation."""

    def __init__(
        self, screen: ObservationsScreen, row: ObservationRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("observationPhotos")
        self.setWindowTitle(self.tr("Photos of observation {0}").format(row.number))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(480)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Photos of the visit"))
        for photo in screen.photos:
            shown = screen.row(photo.observation_id) if photo.observation_id else None
            label = photo.caption or photo.filename
            if shown is not None and shown.id != row.id:
                label += self.tr(" (shows observation {0})").format(shown.number)
            entry = QListWidgetItem(label)
            entry.setData(ID_ROLE, photo.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = photo.observation_id == row.id
            entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(entry)
        self.before = set(row.photo_ids)
        note = QLabel(
            self.tr("Import photos in the Photos section; tick here those that show it.")
            if screen.photos
            else self.tr("This visit has no photo yet: import them in the Photos section."),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list)
        layout.addWidget(buttons)

    def ticked(self) -> set[str]:
        return {
            str(self.list.item(n).data(ID_ROLE))
            for n in range(self.list.count())
            if self.list.item(n).checkState() == Qt.CheckState.Checked
        }


class ObservationsPage(WorkspacePage):
    shows = frozenset({"observations", "attachments", "recommendations"})
    # « Créer une action » made an action (its id): the workspace may show the plan
    action_created = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.walk: ObservationsScreen | None = None
        self.selected_id: str | None = None
        self._plan_sha: str | None = None

        self.list = QListWidget(self)
        self.list.setObjectName("observationList")
        self.list.setAccessibleName(self.tr("Observations of the walk"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._selected)
        self.add_button = QPushButton(self.tr("Add an observation"), self)
        self.add_button.setToolTip(self.tr("Add an observation (Ctrl+Shift+O)"))
        self.add_button.clicked.connect(lambda: self.add_observation())
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.clicked.connect(self.delete_selected)

        self.category = QComboBox(self)
        self.category.setAccessibleName(self.tr("Category"))
        for code, label in CATEGORIES:
            self.category.addItem(label, code)
        self.category.activated.connect(lambda _i: self._save("category"))
        self.severity = QComboBox(self)
        self.severity.setAccessibleName(self.tr("Severity"))
        for code, label in SEVERITIES:
            self.severity.addItem(label, code)
        self.severity.activated.connect(lambda _i: self._save("severity"))
        self.place = LimitedLineEdit(parent=self, limit=PLACE_CHARS)
        self.place.setObjectName("observationPlace")
        self.place.setPlaceholderText(self.tr("Address or landmark"))
        self.place.editingFinished.connect(lambda: self._save("place"))
        self.comment = LimitedPlainTextEdit(self)
        self.comment.setObjectName("observationComment")
        self.comment.setAccessibleName(self.tr("Comment"))
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(96)  # the plan below gets the height
        self.comment.installEventFilter(self)
        self.location = QLabel(self)
        self.location.setWordWrap(True)
        self.photos_label = QLabel(self)
        self.photos_label.setWordWrap(True)
        self.photos_button = QPushButton(self.tr("Photos…"), self)
        self.photos_button.clicked.connect(self.choose_photos)
        self.action_label = QLabel(self)
        # One line cut to ACTION_SHOWN: its width never widens the window (1366 px).
        self.action_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.action_button = QPushButton(self.tr("Create an action"), self)
        self.action_button.setObjectName("createActionButton")
        self.action_button.setToolTip(
            self.tr("Add an action to the visit's plan, linked to this observation")
        )
        self.action_button.clicked.connect(self.create_action)

        self.plan_view = PlanView(self)
        self.plan_view.setObjectName("planView")
        self.plan_view.clicked.connect(self.pin_selected)
        self.plan_button = QPushButton(self.tr("Import a plan…"), self)
        self.plan_button.setToolTip(
            self.tr("An image of the town centre (plan from the mairie, map screenshot)")
        )
        self.plan_button.clicked.connect(self.choose_plan)
        self.unpin_button = QPushButton(self.tr("Remove the pin"), self)
        self.unpin_button.clicked.connect(lambda: self._pin(None))
        self.plan_hint = QLabel(self)
        self.plan_hint.setWordWrap(True)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        left_layout.addLayout(row)

        editor = QWidget(self)
        form = QFormLayout(editor)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Severity"), self.severity)
        form.addRow(self.tr("Where"), self.place)
        form.addRow("", self.location)
        form.addRow(self.tr("Comment"), self.comment)
        photos_row = QHBoxLayout()
        photos_row.addWidget(self.photos_label, 1)
        photos_row.addWidget(self.photos_button)
        form.addRow(self.tr("Photos"), photos_row)
        action_row = QHBoxLayout()
        action_row.addWidget(self.action_label, 1)
        action_row.addWidget(self.action_button)
        form.addRow(self.tr("Action"), action_row)

        plan_box = QWidget(self)
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        plan_row = QHBoxLayout()
        plan_row.addWidget(self.plan_hint, 1)
        plan_row.addWidget(self.unpin_button)
        plan_row.addWidget(self.plan_button)
        plan_layout.addLayout(plan_row)
        plan_layout.addWidget(self.plan_view, 1)

        # The editor scrolls rather than setting the window's least height: the workspace
        # must fit a small screen (and a window restored to a small height).
        editor_scroll = QScrollArea(self)
        editor_scroll.setWidget(editor)
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setFrameShape(QFrame.Shape.NoFrame)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(editor_scroll)
        right.addWidget(plan_box)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._show_selected()

    def section_title(self) -> str:
        return self.tr("Observations")

    # --- loading -----------------------------------------------------------------------

    def load_visit(self, visit_id: str) -> None:
        if visit_id != self.visit_id:
            self.selected_id = None
        super().load_visit(visit_id)
        self.ctx.run(self.ctx.call(load_observations, visit_id), self._loaded, self)

    def _reload(self) -> None:
        if self.visit_id is not None:
            self.load_visit(self.visit_id)

    def refresh(self, changes: Changes) -> None:
        self.flush()
        super().refresh(changes)

    def _loaded(self, screen: ObservationsScreen) -> None:
        if screen.visit.id != self.visit_id:
            return
        self.walk = screen
        self.list.blockSignals(True)
        self.list.clear()
        for row in screen.observations:
            entry = QListWidgetItem(self._entry_text(row))
            entry.setData(ID_ROLE, row.id)
            self.list.addItem(entry)
            if row.id == self.selected_id:
                self.list.setCurrentItem(entry)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(self.list.count() - 1)
        else:
            self._show_selected()
        self._load_plan()

    def _entry_text(self, row: ObservationRow) -> str:
        where = f" — {row.place}" if row.place else ""
        pinned = self.tr(" · on the plan") if row.pin else ""
        return f"{row.number}. {row.category_label}{where} ({row.severity_label}){pinned}"

    def _load_plan(self) -> None:
        facts = self.walk.plan if self.walk else None
        if facts is None:
            self._plan_sha = None
            self.plan_view.image = None
            self.plan_view.update()
            return
        if facts.sha256 == self._plan_sha:
            self._update_pins()
            return
        sha = facts.sha256

        def decode(svc):  # type: ignore[no-untyped-def]  # on the worker
            data = thumbnails.thumbnail_bytes(svc, sha, PLAN_PIXELS)
            return QImage.fromData(data, "JPG")  # type: ignore[arg-type]

        def shown(image: QImage) -> None:
            self._plan_sha = sha
            self.plan_view.image = None if image.isNull() else image
            self._update_pins()

        self.ctx.run(lambda: decode(self.ctx.services), shown, self)

    def _update_pins(self) -> None:
        rows = self.walk.observations if self.walk else ()
        self.plan_view.pins = [
            (row.number, row.pin[0], row.pin[1], row.id == self.selected_id)
            for row in rows
            if row.pin is not None
        ]
        self.plan_view.update()

    # --- the selected observation ------------------------------------------------------

    def selected(self) -> ObservationRow | None:
        if self.walk is None or self.selected_id is None:
            return None
        return self.walk.row(self.selected_id)

    def _selected(self, current: QListWidgetItem | None, _previous: object) -> None:
        self.flush()
        self.selected_id = str(current.data(ID_ROLE)) if current is not None else None
        self._show_selected()

    def _show_selected(self) -> None:
        row = self.selected()
        for widget in (
            self.category,
            self.severity,
            self.place,
            self.comment,
            self.photos_button,
            self.action_button,
            self.delete_button,
            self.unpin_button,
        ):
            widget.setEnabled(row is not None)
        has_plan = self.walk is not None and self.walk.plan is not None
        if row is None:
            self.place.setText("")
            self.comment.setPlainText("")
            self.location.setText("")
            self.photos_label.setText("")
            self.action_label.setText("")
            self.plan_hint.setText(self.tr("Select or add an observation to pin it on the plan."))
        else:
            self.category.setCurrentIndex(max(0, self.category.findData(row.category)))
            self.severity.setCurrentIndex(max(0, self.severity.findData(row.severity)))
            self.place.setText(row.place)
            if self.comment.toPlainText() != row.comment:
                self.comment.setPlainText(row.comment)
            self.location.setText(
                self.tr("GPS of its photo: {0}").format(row.location) if row.location else ""
            )
            count = len(row.photo_ids)
            self.photos_label.setText(
                self.tr("%n photo(s)", "", count) if count else self.tr("No photo")
            )
            action = row.action_text.strip().splitlines()[0] if row.action_text.strip() else ""
            if len(action) > ACTION_SHOWN:
                action = action[: ACTION_SHOWN - 1] + "…"
            self.action_label.setText(action or self.tr("No action yet"))
            self.action_label.setToolTip(row.action_text)
            self.action_button.setEnabled(not row.action_text)
            self.unpin_button.setEnabled(row.pin is not None)
            if not has_plan:
                self.plan_hint.setText(self.tr("Import a plan to pin the observations on it."))
            else:
                self.plan_hint.setText(
                    self.tr("Click on the plan to pin observation {0} there.").format(row.number)
                )
        self._update_pins()

    # --- edits -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.comment and event.type() == QEvent.Type.FocusOut:
            self._save("comment")
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        """Write the comment being typed (the other fields are saved as they are left)."""
        row = self.selected()
        if row is not None and self.comment.toPlainText() != row.comment:
            self._save("comment")

    def _save(self, name: str) -> None:
        row = self.selected()
        if row is None:
            return
        value: object = {
            "category": self.category.currentData(),
            "severity": self.severity.currentData(),
            "place": self.place.text(),
            "comment": self.comment.toPlainText(),
        }[name]
        if value == getattr(row, name):
            return
        self.ctx.run(
            self.ctx.call(observations.update_observation, row.id, **{name: value}),
            lambda _done: self._reload(),
            self,
        )

    def add_observation(self, comment: str = "") -> None:
        """A new observation (« éclairage » until the category is chosen), selected and
        its place field focused: typed during the walk in a few keys."""
        if self.visit_id is None:
            return

        def added(record) -> None:  # type: ignore[no-untyped-def]
            self.selected_id = record.id
            self.load_visit(record.visit_id)
            self.category.setFocus(Qt.FocusReason.ShortcutFocusReason)

        self.ctx.run(
            self.ctx.call(
                observations.add_observation, self.visit_id, CATEGORIES[0][0], comment=comment
            ),
            added,
            self,
        )

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        ask_confirmation(
            self,
            self.tr("Delete the observation"),
            self.tr("Delete observation {0} ({1})? Its photos stay in the visit.").format(
                row.number, row.category_label
            ),
            self.tr("Delete"),
            lambda: self.ctx.run(
                self.ctx.call(observations.delete_observation, row.id),
                lambda _done: self._deleted(row.id),
                self,
            ),
        )

    def _deleted(self, observation_id: str) -> None:
        if self.selected_id == observation_id:
            self.selected_id = None
        if self.visit_id is not None:
            self.load_visit(self.visit_id)

    def create_action(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.flush()

        def created(action) -> None:  # type: ignore[no-untyped-def]
            self.action_created.emit(action.id)
            if self.visit_id is not None:
                self.load_visit(self.visit_id)

        self.ctx.run(self.ctx.call(observations.create_action, row.id), created, self)

    def choose_photos(self) -> None:
        row = self.selected()
        if row is None or self.walk is None:
            return
        dialog = PhotoPicker(self.walk, row, self)
        dialog.accepted.connect(lambda: self._link(row.id, dialog.before, dialog.ticked()))
        dialog.open()

    def _link(self, observation_id: str, before: set[str], after: set[str]) -> None:
        def write(svc) -> None:  # type: ignore[no-untyped-def]  # one unit of work
            with svc.store.transaction():
                observations.link_photos(svc, observation_id, sorted(after - before))
                for photo_id in sorted(before - after):
                    observations.unlink_photo(svc, photo_id)

        self.ctx.run(
            lambda: write(self.ctx.services),
            lambda _done: self._reload(),
            self,
        )

    # --- the plan ----------------------------------------------------------------------

    def pin_selected(self, x: float, y: float) -> None:
        self._pin(Pin(x, y))

    def _pin(self, pin: Pin | None) -> None:
        row = self.selected()
        if row is None:
            return
        self.ctx.run(
            self.ctx.call(observations.pin_observation, row.id, pin),
            lambda _done: self._reload(),
            self,
        )

    def choose_plan(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Plan of the town centre"), "", self.tr("Images ({0})").format(patterns)
        )
        if path:
            self.import_plan(Path(path))

    def import_plan(self, path: Path) -> None:
        if self.visit_id is None:
            return
        self.ctx.run(
            self.ctx.call(plan.import_plan, self.visit_id, path),
            lambda _done: self._reload(),
            self,
        )
