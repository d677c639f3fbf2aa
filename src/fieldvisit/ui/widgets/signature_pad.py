"""A pad to sign on: strokes drawn with QPainter from the mouse, a pen (tablet) or a
finger (touch), kept as data (core/signature.py: points in fractions of the pad).

The pad keeps the report's shape (`ASPECT` times wider than high) whatever its size,
so what is signed here is what the report prints. Read-only, it shows a signature.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldvisit.core.signature import ASPECT, MAX_POINTS, MAX_STROKES

Point = tuple[float, float]


class SignaturePad(QWidget):
    #: the drawing changed (a stroke ended, or it was cleared)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self._strokes: list[list[Point]] = []
        self._drawing = False
        self._read_only = read_only
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(QSize(150, round(150 / ASPECT)))
        if not read_only:
            self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
            self.setCursor(Qt.CursorShape.CrossCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setAccessibleName(self.tr("Signature pad: sign with the mouse, a pen or a finger"))

    # --- the drawing as data -------------------------------------------------------------

    def strokes(self) -> list[list[list[float]]]:
        return [[[x, y] for x, y in stroke] for stroke in self._strokes]

    def set_strokes(self, strokes: Sequence[Sequence[Sequence[float]]]) -> None:
        self._strokes = [[(float(p[0]), float(p[1])) for p in stroke] for stroke in strokes]
        self._drawing = False
        self.update()

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        """« Effacer »: start again."""
        self._strokes = []
        self._drawing = False
        self.update()
        self.changed.emit()

    # --- geometry ------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(width / ASPECT)

    def sizeHint(self) -> QSize:
        return QSize(480, round(480 / ASPECT))

    def _frame(self) -> QRectF:
        """The signing area: the largest ASPECT rectangle centred in the widget."""
        width, height = float(self.width()), float(self.height())
        if width / max(height, 1.0) > ASPECT:
            width = height * ASPECT
        else:
            height = width / ASPECT
        return QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)

    def _fraction(self, position: QPointF) -> Point:
        frame = self._frame()
        x = (position.x() - frame.left()) / max(frame.width(), 1.0)
        y = (position.y() - frame.top()) / max(frame.height(), 1.0)
        return (min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0))

    # --- input: mouse, pen, touch ----------------------------------------------------------

    def _begin(self, position: QPointF) -> None:
        if self._read_only or len(self._strokes) >= MAX_STROKES:
            return
        if sum(len(s) for s in self._strokes) >= MAX_POINTS:
            return
        self._strokes.append([self._fraction(position)])
        self._drawing = True
        self.update()

    def _extend(self, position: QPointF) -> None:
        if not self._drawing or sum(len(s) for s in self._strokes) >= MAX_POINTS:
            return
        point = self._fraction(position)
        if point != self._strokes[-1][-1]:
            self._strokes[-1].append(point)
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position())
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepted: Qt then does not also send the mouse events it would make of it.
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._extend(event.position())
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:  # one finger signs; the first one down
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._extend(position)
                    self._end()
            event.accept()
            return True
        if kind == QEvent.Type.TouchCancel:
            self._end()
            return True
        return super().event(event)

    # --- drawing -------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self._frame()
        painter.fillRect(frame, QColor("white"))
        painter.setPen(QPen(QColor("#9e9e9e"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(frame.adjusted(0.5, 0.5, -0.5, -0.5))
        if not self._read_only:  # the line to sign on
            baseline = frame.top() + frame.height() * 0.8
            painter.drawLine(
                QPointF(frame.left() + 12, baseline), QPointF(frame.right() - 12, baseline)
            )
        # The report's line width (core/signature.py: 1/200 of the width).
        pen = QPen(QColor("black"), max(1.5, frame.width() / 200))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for stroke in self._strokes:
            points = [
                QPointF(frame.left() + x * frame.width(), frame.top() + y * frame.height())
                for x, y in stroke
            ]
            if len(points) == 1:
                painter.drawPoint(points[0])
                continue
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.drawPath(path)
        painter.end()
