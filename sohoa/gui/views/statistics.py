"""Statistics: documents and pages digitized, signed, uploaded and reused, by day and procedure.

Read from the local store's ``events`` table; the CSV export is the monthly digitization report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.errors import SoHoaError
from sohoa.gui import services
from sohoa.gui.widgets import date_field, error_text, message_label, shortcut


class StatisticsView(QWidget):
    """A table over a date range (this month by default), optionally one procedure, with totals."""

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Statistics"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        bar = QHBoxLayout()
        today = QDate.currentDate()
        self.start = date_field(QDate(today.year(), today.month(), 1), "start", self.refresh)
        self.end = date_field(today, "end", self.refresh)
        self.procedure = QComboBox()
        self.procedure.setObjectName("procedure")
        self.procedure.currentIndexChanged.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export CSV… (Ctrl+E)"))
        self.export_button.setObjectName("export")
        shortcut(self, "Ctrl+E", self.export_button.click)
        self.export_button.clicked.connect(lambda: self.export())
        bar.addWidget(QLabel(self.tr("From")))
        bar.addWidget(self.start)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.end)
        bar.addWidget(QLabel(self.tr("Procedure")))
        bar.addWidget(self.procedure, 1)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.headers = [
            self.tr("Day"),
            self.tr("Procedure"),
            self.tr("Pages digitized"),
            self.tr("Documents digitized"),
            self.tr("Signed"),
            self.tr("Uploaded"),
            self.tr("Reused"),
        ]
        self.table = QTableWidget(0, len(self.headers))
        self.table.setObjectName("statistics")
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.totals = message_label()
        self.totals.setObjectName("totals")
        layout.addWidget(self.totals)
        self.rows: list[services.StatRow] = []
        self._fill_procedures()
        self.refresh()

    def _fill_procedures(self) -> None:
        current = self.procedure.currentData()
        self.procedure.blockSignals(True)
        self.procedure.clear()
        self.procedure.addItem(self.tr("All procedures"), "")
        for code in services.procedures_seen(self.ctx.store):
            self.procedure.addItem(code, code)
        self.procedure.setCurrentIndex(max(0, self.procedure.findData(current)))
        self.procedure.blockSignals(False)

    def set_range(self, start: date, end: date) -> None:
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.refresh()

    def refresh(self) -> None:
        """Re-read the events (an indexed GROUP BY over a month: milliseconds, fine on the UI thread)."""
        start: date = self.start.date().toPython()  # type: ignore[assignment]
        end: date = self.end.date().toPython()  # type: ignore[assignment]
        self.rows = services.statistics(self.ctx.store, start, end, self.procedure.currentData() or "")
        self.table.setRowCount(len(self.rows))
        totals = dict.fromkeys(services.EVENT_KINDS, 0)
        pages = 0
        for r, row in enumerate(self.rows):
            values = [
                row.day,
                row.procedure or "–",
                row.pages,
                *(row.documents[k] for k in services.EVENT_KINDS),
            ]
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
            for k in services.EVENT_KINDS:
                totals[k] += row.documents[k]
            pages += row.pages
        self.totals.setText(
            self.tr(
                "Total: {pages} pages, {docs} documents digitized, {signed} signed, {up} uploaded, {reused} reused"
            ).format(
                pages=pages,
                docs=totals["digitized"],
                signed=totals["signed"],
                up=totals["uploaded"],
                reused=totals["reused"],
            )
        )

    def export(self, target: Path | None = None) -> Path | None:
        """Write the table as CSV (asks where, unless a test gives the path)."""
        if target is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export statistics"),
                f"sohoa-{self.start.date().toString('yyyy-MM')}.csv",
                self.tr("CSV files (*.csv)"),
            )
            if not name:
                return None
            target = Path(name)
        try:
            return services.write_statistics_csv(self.rows, target, self.headers)
        except (SoHoaError, OSError) as e:
            self.totals.setText(error_text(e))
            return None

    def activated(self) -> None:
        self._fill_procedures()
        self.refresh()
