"""Annotate a photo: arrows, circles, rectangles and short texts drawn with QPainter.

The dialog shows a large upright copy of the photo (a 1200-px thumbnail made and
decoded on the worker) and draws the shapes over it; the shapes are data
(core/annotation.py, in fractions of the photo), returned by `value()` and stored on
the attachment record by the Photos section. The photo's file is never changed. Every
shape added, and « Tout effacer », is a command of a QUndoStack: Ctrl+Z undoes,
Ctrl+Maj+Z (or Ctrl+Y) redoes. The geometry (line width, arrow heads, text size) is
the one report/annotate.py draws with Pillow, so the report shows what was drawn here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.annotation import (
    COLORS,
    DEFAULT_COLOR,
    MAX_SHAPES,
    MAX_TEXT_CHARS,
    Shape,
    annotation_value,
    clamp,
    parse_annotation,
)

# the geometry of report/annotate.py (kept equal on purpose, see the module docstring)
LINE_FRACTION = 0.006
HEAD_FRACTION = 0.04
HEAD_ANGLE = math.radians(28)
TEXT_FRACTION = 0.04
MIN_DRAG = 0.01  # a click without a drag adds no rectangle, circle or arrow


def paint_shapes(painter: QPainter, frame: QRectF, shapes: Sequence[Shape]) -> None:
    """Draw shapes over the photo shown in `frame` (widget coordinates)."""
    long_side = max(frame.width(), frame.height())
    line = max(2.0, long_side * LINE_FRACTION)
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(10, round(long_side * TEXT_FRACTION)))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for shape in shapes:
        color = QColor(shape.color)
        start = QPointF(
            frame.left() + shape.x1 * frame.width(), frame.top() + shape.y1 * frame.height()
        )
        end = QPointF(
            frame.left() + shape.x2 * frame.width(), frame.top() + shape.y2 * frame.height()
        )
        painter.setPen(QPen(color, line))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(start, end).normalized()
        if shape.kind == "rect":
            painter.drawRect(box)
        elif shape.kind == "circle":
            painter.drawEllipse(box)
        elif shape.kind == "arrow":
            painter.drawLine(start, end)
            head = long_side * HEAD_FRACTION
            angle = math.atan2(end.y() - start.y(), end.x() - start.x())
            points = [end]
            for side in (-1, 1):
                a = angle + math.pi + side * HEAD_ANGLE
                points.append(QPointF(end.x() + head * math.cos(a), end.y() + head * math.sin(a)))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(color))
            painter.drawPolygon(QPolygonF(points))
        elif shape.kind == "text":
            painter.setFont(font)
            metrics = QFontMetricsF(font)
            baseline = QPointF(start.x(), start.y() + metrics.ascent())
            rect = metrics.boundingRect(shape.text).translated(baseline)
            band = rect.adjusted(-line, -line, line, line)
            painter.fillRect(band, QColor("#000000"))
            painter.setPen(QPen(color))
            painter.drawText(baseline, shape.text)


class AnnotationCanvas(QWidget):
    """The photo, fitted in the widget, with the shapes over it; draws with the mouse."""

    def __init__(self, image: QImage, dialog: AnnotationDialog) -> None:
        super().__init__(dialog)
        self.image = image
        self.dialog = dialog
        self.shapes: list[Shape] = []
        self.preview: Shape | None = None
        self.setObjectName("annotationCanvas")
        self.setAccessibleName(self.tr("Photo to annotate"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:
        return QSize(900, 560)

    def frame(self) -> QRectF:
        """Where the photo is drawn: fitted, centred, aspect kept."""
        if self.image.isNull() or self.image.width() == 0:
            return QRectF(self.rect())
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        width, height = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def to_photo(self, point: QPointF) -> tuple[float, float]:
        frame = self.frame()
        return (
            clamp((point.x() - frame.left()) / max(frame.width(), 1)),
            clamp((point.y() - frame.top()) / max(frame.height(), 1)),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#303030"))
        frame = self.frame()
        if not self.image.isNull():
            painter.drawImage(frame, self.image)
        shown = [*self.shapes, *([self.preview] if self.preview else [])]
        paint_shapes(painter, frame, shown)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        x, y = self.to_photo(event.position())
        kind = self.dialog.tool()
        if kind == "text":
            text = self.dialog.text_edit.text().strip()
            if text:
                self.dialog.add_shape(Shape("text", x, y, x, y, self.dialog.color(), text))
            else:
                self.dialog.text_edit.setFocus()
            return
        self.preview = Shape(kind, x, y, x, y, self.dialog.color())
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.preview is None:
            return
        x, y = self.to_photo(event.position())
        self.preview = replace(self.preview, x2=x, y2=y)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        shape, self.preview = self.preview, None
        if shape is None:
            return
        x, y = self.to_photo(event.position())
        shape = replace(shape, x2=x, y2=y)
        if max(abs(shape.x2 - shape.x1), abs(shape.y2 - shape.y1)) >= MIN_DRAG:
            self.dialog.add_shape(shape)
        self.update()


class _AddShape(QUndoCommand):
    def __init__(self, canvas: AnnotationCanvas, shape: Shape, text: str) -> None:
        super().__init__(text)
        self.canvas = canvas
        self.shape = shape

    def redo(self) -> None:
        self.canvas.shapes.append(self.shape)
        self.canvas.update()

    def undo(self) -> None:
        self.canvas.shapes.pop()
        self.canvas.update()


class _ClearShapes(QUndoCommand):
    def __init__(self, canvas: AnnotationCanvas, text: str) -> None:
        super().__init__(text)
        self.canvas = canvas
        self.removed = list(canvas.shapes)

    def redo(self) -> None:
        self.canvas.shapes.clear()
        self.canvas.update()

    def undo(self) -> None:
        self.canvas.shapes[:] = self.removed
        self.canvas.update()


class AnnotationDialog(QDialog):
    """Draw over a photo; `value()` is the annotation to store (None: no shape)."""

    def __init__(
        self, image: QImage, title: str, annotation: Any = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotationDialog")
        self.setWindowTitle(self.tr("Annotate the photo “{0}”").format(title))
        self.undo_stack = QUndoStack(self)
        self.canvas = AnnotationCanvas(image, self)
        try:
            self.canvas.shapes = list(parse_annotation(annotation))
        except ValueError:
            self.canvas.shapes = []

        bar = QToolBar(self)
        bar.setObjectName("annotationTools")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.tools = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for kind, label, key in (
            ("arrow", self.tr("&Arrow"), "A"),
            ("circle", self.tr("&Circle"), "C"),
            ("rect", self.tr("&Rectangle"), "R"),
            ("text", self.tr("&Text"), "T"),
        ):
            action = QAction(label, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setData(kind)
            self.tools.addAction(action)
            bar.addAction(action)
            self.tool_actions[kind] = action
        self.tool_actions["arrow"].setChecked(True)
        bar.addSeparator()
        self.color_combo = QComboBox(self)
        self.color_combo.setAccessibleName(self.tr("Colour"))
        for color, name in zip(
            COLORS,
            (self.tr("Red"), self.tr("Yellow"), self.tr("White"), self.tr("Blue")),
            strict=True,
        ):
            self.color_combo.addItem(name, color)
        bar.addWidget(QLabel(self.tr("Colour:"), self))
        bar.addWidget(self.color_combo)
        bar.addSeparator()
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("annotationText")
        self.text_edit.setAccessibleName(self.tr("Text to place"))
        self.text_edit.setPlaceholderText(self.tr("Text, then click the photo"))
        self.text_edit.setMaxLength(MAX_TEXT_CHARS)
        self.text_edit.setMinimumWidth(200)
        self.text_edit.textEdited.connect(lambda _text: self.tool_actions["text"].setChecked(True))
        bar.addWidget(self.text_edit)
        bar.addSeparator()
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        # Ctrl+Maj+Z everywhere, and the platform's own (Ctrl+Y on Windows); once each:
        # the same sequence twice on one action would be ambiguous and do nothing.
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        for binding in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
            if binding not in redo_keys:
                redo_keys.append(binding)
        self.redo_action.setShortcuts(redo_keys)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.clear_action = QAction(self.tr("Clear all"), self)
        self.clear_action.triggered.connect(self.clear)
        bar.addAction(self.undo_action)
        bar.addAction(self.redo_action)
        bar.addAction(self.clear_action)

        hint = QLabel(
            self.tr(
                "Drag on the photo to draw; the original photo is kept as it is, the report "
                "shows the annotated one."
            ),
            self,
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(bar)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(1000, 680)  # fits a 1366×768 screen with the window's frame

    def tool(self) -> str:
        checked = self.tools.checkedAction()
        return str(checked.data()) if checked is not None else "arrow"

    def color(self) -> str:
        return str(self.color_combo.currentData() or DEFAULT_COLOR)

    def add_shape(self, shape: Shape) -> None:
        """Add a shape as one undoable step (what a drag or a click does)."""
        if len(self.canvas.shapes) >= MAX_SHAPES:
            return
        names = {
            "arrow": self.tr("Arrow"),
            "circle": self.tr("Circle"),
            "rect": self.tr("Rectangle"),
            "text": self.tr("Text"),
        }
        self.undo_stack.push(_AddShape(self.canvas, shape, names[shape.kind]))

    def clear(self) -> None:
        if self.canvas.shapes:
            self.undo_stack.push(_ClearShapes(self.canvas, self.tr("Clear all")))

    def shapes(self) -> tuple[Shape, ...]:
        return tuple(self.canvas.shapes)

    def value(self) -> dict[str, Any] | None:
        return annotation_value(self.shapes())
