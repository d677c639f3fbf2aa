"""Rapport: hosts the report view (ui/workspace/report_view.py).

When its parts cannot load (reportlab or pypdfium2 missing from a broken installation),
the page says that the PDF report is not available, and the rest of the workspace works.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.workspace.pages import WorkspacePage

log = logging.getLogger(__name__)


def build_report_view(ctx: UiContext, parent: QWidget) -> QWidget | None:
    """The report view, or None when the report feature is not available."""
    try:
        from fieldvisit.ui.workspace.report_view import ReportView

        return ReportView(ctx, parent)
    except Exception:  # the rest of the workspace must work without it
        log.info("report view unavailable", exc_info=True)
        return None


class ReportPage(WorkspacePage):
    # The visit's status (what can be issued), its issued reports and photos.
    shows = frozenset({"visits", "attachments"})
    # Printing and the issued reports stay available once the report is issued.
    locks_when_issued = False

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{self.section_title()}</h2>", self))
        self.view = build_report_view(ctx, self)
        self.message: QLabel | None = None
        if self.view is not None:
            layout.addWidget(self.view, 1)
            return
        self.message = QLabel(
            self.tr(
                "The PDF visit report (internal and shareable versions, preview and "
                "printing) arrives with a later version of the application. Everything "
                "entered in the other sections will be in it."
            ),
            self,
        )
        self.message.setObjectName("reportPlaceholder")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def section_title(self) -> str:
        return self.tr("Report")

    def load_visit(self, visit_id: str) -> None:
        super().load_visit(visit_id)
        load = getattr(self.view, "load_visit", None)
        if callable(load):
            load(visit_id)
