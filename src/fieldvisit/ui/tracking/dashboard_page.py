"""The Tableau de bord du territoire page: the communes, the heat map, the PDF.

Read on the worker (screens/territory_dashboard.py) when shown and the data changed;
the filters (département, PVD, status) work on the rows read. The heat map is a table
of communes × themes whose cells carry the level in figures and its colour (the
report's colours, report/styles.py LEVEL_COLOURS, so the screen and the printed page
agree), with the legend under it. « Enregistrer en PDF… » writes what is shown, filters
included, for a comité de pilotage (report/dashboard.py). Enter or a double-click on a
commune opens its last visit (else its next one).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import CONCERN_LABELS, VisitStatus
from fieldvisit.screens.territory_dashboard import (
    NEVER,
    NEVER_VISITED,
    CommuneRow,
    DashboardFilter,
    TerritoryDashboard,
    load_territory_dashboard,
)
from fieldvisit.store.changes import Changes
from fieldvisit.ui.base import shortcuts as keys
from fieldvisit.ui.base.changes import made_by
from fieldvisit.ui.base.context import UiContext

DASHBOARD_SHOWS = frozenset({"recommendations", "visits", "theme_ratings"})
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
HEAT_COLUMN_WIDTH = 92


def level_colour(level: int | None) -> QColor:
    """The report's colour of a level of concern (report/styles.py)."""
    from fieldvisit.report.styles import LEVEL_COLOURS

    return QColor(LEVEL_COLOURS[level].hexval().replace("0x", "#"))


class DashboardPage(QWidget):
    open_visit_requested = Signal(str)
    back_requested = Signal()
    loaded = Signal(int)  # communes read
    pdf_written = Signal(str)  # the path, once written

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardPage")
        self._stale = True
        self.dashboard: TerritoryDashboard | None = None
        self.rows: list[CommuneRow] = []

        title = QLabel(self.tr("Territory dashboard"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        self.territory_label = QLabel(self)
        self.territory_label.setObjectName("dashboardTerritory")
        self.back_button = QPushButton(self.tr("← Visit list"), self)
        self.back_button.setObjectName("dashboardBack")
        self.back_button.clicked.connect(self.back_requested)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"), self)
        self.pdf_button.setObjectName("dashboardPdf")
        self.pdf_button.setToolTip(self.tr("The communes shown, for a comité de pilotage"))
        self.pdf_button.clicked.connect(self.save_pdf)
        head = QHBoxLayout()
        head.addWidget(self.back_button)
        head.addWidget(title)
        head.addWidget(self.territory_label)
        head.addStretch(1)
        head.addWidget(self.pdf_button)

        self.departement = QComboBox(self)
        self.departement.setObjectName("dashboardDepartement")
        self.departement.addItem(self.tr("All départements"), None)
        self.pvd = QCheckBox(self.tr("Petites Villes de demain only"), self)
        self.pvd.setObjectName("dashboardPvd")
        self.status = QComboBox(self)
        self.status.setObjectName("dashboardStatus")
        self.status.addItem(self.tr("Every status"), None)
        for status in VisitStatus:
            self.status.addItem(status.label, status.value)
        self.status.addItem(NEVER_VISITED, NEVER)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("dashboardCount")
        filters = QHBoxLayout()
        filters.addWidget(self.departement)
        filters.addWidget(self.pvd)
        filters.addWidget(self.status)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.departement.currentIndexChanged.connect(self.apply_filter)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.pvd.toggled.connect(self.apply_filter)

        self.communes = QTableWidget(0, 8, self)
        self.communes.setObjectName("dashboardCommunes")
        self.communes.setHorizontalHeaderLabels(
            [
                self.tr("Commune"),
                self.tr("Dép."),
                self.tr("Last visit"),
                self.tr("Next visit"),
                self.tr("Status"),
                self.tr("Open actions"),
                self.tr("Late"),
                self.tr("Themes of highest concern"),
            ]
        )
        self._table_defaults(self.communes)
        self.communes.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.communes.activated.connect(self._activated)

        self.heat_map = QTableWidget(0, 0, self)
        self.heat_map.setObjectName("dashboardHeatMap")
        self._table_defaults(self.heat_map)
        # Theme names are long: wrapped on three lines over narrow columns.
        heat_header = self.heat_map.horizontalHeader()
        heat_header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        heat_header.setFixedHeight(self.fontMetrics().height() * 3 + 10)
        self.heat_map.activated.connect(self._activated)
        self.legend = QLabel(self)
        self.legend.setObjectName("dashboardLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setText(_legend_html(self.tr("Level of the last diagnostic:")))
        heat = QWidget(self)
        heat_layout = QVBoxLayout(heat)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_layout.addWidget(QLabel(self.tr("Levels of concern by theme"), heat))
        heat_layout.addWidget(self.heat_map, 1)
        heat_layout.addWidget(self.legend)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.communes)
        splitter.addWidget(heat)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

        back = QAction(self)
        back.setShortcuts(keys.BACK.sequences())
        back.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.triggered.connect(self.back_requested)
        self.addAction(back)
        ctx.changes.changed.connect(self._on_changes)

    @staticmethod
    def _table_defaults(table: QTableWidget) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)

    # -- loading ---------------------------------------------------------------------

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self.ctx.run(
            self.ctx.call(load_territory_dashboard), on_success=self.show_dashboard, parent=self
        )

    def show_dashboard(self, dashboard: TerritoryDashboard) -> None:
        self.dashboard = dashboard
        self.territory_label.setText(dashboard.territory_label)
        current = self.departement.currentData()
        self.departement.blockSignals(True)
        while self.departement.count() > 1:
            self.departement.removeItem(1)
        for dep in dashboard.departements:
            self.departement.addItem(dep, dep)
        self.departement.setCurrentIndex(max(self.departement.findData(current), 0))
        self.departement.blockSignals(False)
        self.apply_filter()
        self.loaded.emit(len(dashboard.rows))

    def _on_changes(self, changes: Changes, origin: object) -> None:
        if not changes.touches(None, DASHBOARD_SHOWS) or made_by(self, origin):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    # -- filtering and drawing -------------------------------------------------------

    def current_filter(self) -> DashboardFilter:
        return DashboardFilter(
            departement=self.departement.currentData(),
            pvd_only=self.pvd.isChecked(),
            status=self.status.currentData(),
        )

    def filters_text(self) -> str:
        """The filters in words, for the PDF ("" without any)."""
        parts = []
        if self.departement.currentData():
            parts.append(self.tr("département %1").replace("%1", self.departement.currentText()))
        if self.pvd.isChecked():
            parts.append(self.tr("Petites Villes de demain only"))
        if self.status.currentData():
            parts.append(self.tr("status: %1").replace("%1", self.status.currentText()))
        return ", ".join(parts)

    def apply_filter(self) -> None:
        if self.dashboard is None:
            return
        self.rows = self.dashboard.filtered(self.current_filter())
        self._fill_communes()
        self._fill_heat_map()
        self.count_label.setText(self.tr("%n commune(s)", "", len(self.rows)))

    def _fill_communes(self) -> None:
        table = self.communes
        table.setRowCount(len(self.rows))
        for y, row in enumerate(self.rows):
            late = row.late_actions
            values = [
                f"{row.name} ({row.code})" + (" · PVD" if row.pvd else ""),
                row.departement,
                day_text(row.last_visit.visit_date) if row.last_visit else "—",
                day_text(row.next_visit.visit_date) if row.next_visit else "—",
                row.status_label,
                str(row.open_actions),
                str(late),
                ", ".join(row.concerns),
            ]
            visit = row.last_visit or row.next_visit
            for x, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(VISIT_ID_ROLE, visit.id if visit else None)
                if x == 6 and late:
                    item.setForeground(QBrush(QColor("#A4161A")))
                    item.setText(self.tr("%n late", "", late))
                table.setItem(y, x, item)
        table.resizeColumnsToContents()

    def _fill_heat_map(self) -> None:
        assert self.dashboard is not None
        themes = self.dashboard.themes
        diagnosed = [row for row in self.rows if row.diagnostic_date is not None]
        table = self.heat_map
        table.clear()
        table.setColumnCount(len(themes) + 1)
        table.setRowCount(len(diagnosed))
        table.setHorizontalHeaderLabels([self.tr("Commune"), *(label for _id, label in themes)])
        for x, (_theme, label) in enumerate(themes, start=1):
            header = table.horizontalHeaderItem(x)
            if header is not None:
                header.setToolTip(label)
        for y, row in enumerate(diagnosed):
            visit = row.last_visit or row.next_visit
            name = QTableWidgetItem(row.name)
            name.setData(VISIT_ID_ROLE, visit.id if visit else None)
            name.setToolTip(
                self.tr("Last diagnostic: %1").replace(
                    "%1", day_text(row.diagnostic_date) if row.diagnostic_date else ""
                )
            )
            table.setItem(y, 0, name)
            for x, (theme, label) in enumerate(themes, start=1):
                if theme not in row.levels:
                    continue
                level = row.levels[theme]
                cell = QTableWidgetItem("–" if level is None else str(level))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setBackground(QBrush(level_colour(level)))
                cell.setForeground(QBrush(QColor("#000000")))
                cell.setToolTip(f"{row.name} · {label} : {CONCERN_LABELS.get(level, '')}")
                cell.setData(VISIT_ID_ROLE, visit.id if visit else None)
                table.setItem(y, x, cell)
        table.resizeColumnToContents(0)
        for x in range(1, len(themes) + 1):
            table.setColumnWidth(x, HEAT_COLUMN_WIDTH)

    # -- commands --------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        visit_id = index.data(VISIT_ID_ROLE)
        if visit_id:
            self.open_visit_requested.emit(str(visit_id))

    def save_pdf(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the dashboard as PDF"),
            str(Path.home() / "tableau-de-bord.pdf"),
            self.tr("PDF documents (*.pdf)"),
        )
        if target:
            path = Path(target)
            self.write_pdf(path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf"))

    def write_pdf(self, target: Path) -> None:
        """Write the communes shown to `target` (on the worker)."""
        if self.dashboard is None:
            return
        from fieldvisit.report.dashboard import write_dashboard

        dashboard, rows, filters = self.dashboard, list(self.rows), self.filters_text()
        self.ctx.run(
            lambda: write_dashboard(dashboard, rows, target, filters_text=filters),
            on_success=lambda _pages: self.pdf_written.emit(str(target)),
            parent=self,
        )


def _legend_html(title: str) -> str:
    cells = []
    for level in (1, 2, 3, 4, None):
        colour = level_colour(level).name()
        figure = "–" if level is None else str(level)
        cells.append(
            f'<span style="background-color:{colour};color:#000000">&nbsp;{figure}&nbsp;</span>'
            f"&nbsp;{CONCERN_LABELS[level]}"
        )
    return f"<b>{title}</b> " + " &nbsp; ".join(cells)
