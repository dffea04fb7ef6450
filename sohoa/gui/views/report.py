"""The monthly digitization report: bars per month, the table a province asks for, the definitions.

Computed from the dossier register by :mod:`sohoa.workflow.report` (the same numbers as
``sohoa report``); exported as CSV or XLSX by :mod:`sohoa.workflow.report_export`. The
definitions are shown beside the table, so a rate is never read without what it counts.
Strings come from :mod:`sohoa.core.i18n` (one Text per sentence, both languages side by side).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.errors import SoHoaError
from sohoa.core.i18n import Text, tr
from sohoa.gui import services
from sohoa.gui.widgets import error_text, shortcut
from sohoa.workflow.report import Report, compute, definitions, monthly_series
from sohoa.workflow.report_export import COLUMNS, percent, write_csv, write_xlsx

T = {
    "title": Text(vi="Báo cáo số hóa hàng tháng", en="Monthly digitization report"),
    "from": Text(vi="Từ tháng", en="From"),
    "to": Text(vi="đến", en="to"),
    "unit": Text(vi="Đơn vị", en="Unit"),
    "procedure": Text(vi="Thủ tục", en="Procedure"),
    "all_units": Text(vi="Tất cả đơn vị", en="All units"),
    "all_procedures": Text(vi="Tất cả thủ tục", en="All procedures"),
    "csv": Text(vi="Xuất CSV…", en="Export CSV…"),
    "xlsx": Text(vi="Xuất Excel… (Ctrl+E)", en="Export Excel… (Ctrl+E)"),
    "received": Text(vi="Hồ sơ tiếp nhận", en="Dossiers received"),
    "digitized": Text(vi="Hồ sơ đã số hóa", en="Dossiers digitized"),
    "definitions": Text(vi="Định nghĩa", en="Definitions"),
    "backlog": Text(
        vi="Kết quả tồn đọng đã số hóa (theo năm cấp): {items}",
        en="Backlog results digitized (by year of issue): {items}",
    ),
    "no_backlog": Text(
        vi="Chưa số hóa kết quả tồn đọng nào trong kỳ.", en="No backlog results digitized in the period."
    ),
    "total": Text(
        vi="Tổng: {received} hồ sơ tiếp nhận, {digitized} đã số hóa ({rate}%); {required} giấy tờ phải nộp, {reused} tái sử dụng ({reuse}%)",
        en="Total: {received} dossiers received, {digitized} digitized ({rate}%); {required} documents required, {reused} reused ({reuse}%)",
    ),
    "empty": Text(vi="Chưa có hồ sơ nào trong kỳ này.", en="No dossier in this period."),
    "saved": Text(vi="Đã ghi {path}", en="Saved {path}"),
}
# the table's headers, short so that all nine fit (the exports keep the template's full names)
VIEW_COLUMNS = [
    Text(vi="Tháng", en="Month"),
    Text(vi="Đơn vị", en="Unit"),
    Text(vi="Thủ tục", en="Procedure"),
    Text(vi="Tiếp nhận", en="Received"),
    Text(vi="Đã số hóa", en="Digitized"),
    Text(vi="Tỷ lệ số hóa %", en="Digitized %"),
    Text(vi="Phải nộp", en="Required"),
    Text(vi="Tái sử dụng", en="Reused"),
    Text(vi="Tỷ lệ tái sử dụng %", en="Reused %"),
]
RECEIVED_COLOR = QColor("#9db8d9")
DIGITIZED_COLOR = QColor("#1b6fb3")


class MonthBars(QWidget):
    """Two bars per month (received, digitized) with the digitization rate above them."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("monthBars")
        self.setMinimumHeight(230)
        self.series: list[tuple[str, int, int]] = []

    def set_series(self, series: list[tuple[str, int, int]]) -> None:
        self.series = series
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        left, top, bottom, right = 48, 34, 40, 16
        w, h = self.width() - left - right, self.height() - top - bottom
        p.setPen(QPen(QColor("#888"), 1))
        p.drawLine(left, top + h, left + w, top + h)
        self._legend(p, left, 8)
        if not self.series:
            p.drawText(QRectF(left, top, w, h), Qt.AlignmentFlag.AlignCenter, tr(T["empty"]))
            return
        peak = max(1, *(r for _, r, _ in self.series))
        for k in range(5):  # a light grid with round figures
            y = top + h - h * k / 4
            p.setPen(QPen(QColor("#e5e5e5"), 1))
            p.drawLine(left, int(y), left + w, int(y))
            p.setPen(QColor("#666"))
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight, f"{peak * k / 4:.0f}")
        slot = w / len(self.series)
        bar = max(4.0, min(36.0, slot * 0.32))
        for n, (month, received, digitized) in enumerate(self.series):
            x0 = left + n * slot + (slot - 2 * bar - 4) / 2
            for i, (value, color) in enumerate(((received, RECEIVED_COLOR), (digitized, DIGITIZED_COLOR))):
                bh = h * value / peak
                p.fillRect(QRectF(x0 + i * (bar + 4), top + h - bh, bar, bh), color)
            p.setPen(QColor("#333"))
            label = f"{month[5:]}/{month[:4]}"
            p.drawText(QRectF(left + n * slot, top + h + 4, slot, 16), Qt.AlignmentFlag.AlignCenter, label)
            if received:
                rate = f"{percent(digitized / received):.0f}%"
                y = top + h - h * received / peak - 18
                p.drawText(QRectF(left + n * slot, y, slot, 16), Qt.AlignmentFlag.AlignCenter, rate)
        p.end()

    def _legend(self, p: QPainter, x: int, y: int) -> None:
        for color, text in ((RECEIVED_COLOR, tr(T["received"])), (DIGITIZED_COLOR, tr(T["digitized"]))):
            p.fillRect(x, y + 3, 12, 12, color)
            p.setPen(QColor("#333"))
            p.drawText(x + 18, y + 14, text)
            x += 40 + p.fontMetrics().horizontalAdvance(text)


def _month_field(day: QDate, name: str, on_change) -> QDateEdit:  # type: ignore[no-untyped-def]
    edit = QDateEdit(day)
    edit.setObjectName(name)
    edit.setDisplayFormat("MM/yyyy")
    edit.dateChanged.connect(on_change)
    return edit


class ReportView(QWidget):
    """Filters (months, unit, procedure), the bars, the table, the definitions, the exports."""

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel(tr(T["title"]))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        head = QHBoxLayout()  # title and exports on one row, the filters on the next: fits 1024 logical px
        head.addWidget(title)
        head.addStretch(1)
        layout.addLayout(head)
        bar = QHBoxLayout()
        today = QDate.currentDate()
        self.first = _month_field(QDate(today.year(), 1, 1), "firstMonth", self.refresh)
        self.last = _month_field(QDate(today.year(), today.month(), 1), "lastMonth", self.refresh)
        self.unit = QComboBox()
        self.unit.setObjectName("unit")
        self.procedure = QComboBox()
        self.procedure.setObjectName("procedure")
        for combo in (self.unit, self.procedure):
            combo.currentIndexChanged.connect(self.refresh)
            # long unit and procedure names must not widen the window: the full name shows in the list
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.csv_button = QPushButton(tr(T["csv"]))
        self.csv_button.setObjectName("exportCsv")
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.xlsx_button = QPushButton(tr(T["xlsx"]))
        self.xlsx_button.setObjectName("exportXlsx")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        shortcut(self, "Ctrl+E", self.xlsx_button.click)
        for widget in (
            QLabel(tr(T["from"])),
            self.first,
            QLabel(tr(T["to"])),
            self.last,
            QLabel(tr(T["unit"])),
            self.unit,
            QLabel(tr(T["procedure"])),
            self.procedure,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        head.addWidget(self.csv_button)
        head.addWidget(self.xlsx_button)
        layout.addLayout(bar)
        self.chart = MonthBars()
        layout.addWidget(self.chart)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, len(VIEW_COLUMNS))
        self.table.setObjectName("reportTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in VIEW_COLUMNS])
        self.table.setToolTip("\n".join(tr(c) for c in COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.horizontalHeader().setMinimumSectionSize(40)
        split.addWidget(self.table)
        self.definitions = QLabel()
        self.definitions.setObjectName("definitions")
        self.definitions.setWordWrap(True)
        self.definitions.setTextFormat(Qt.TextFormat.RichText)
        self.definitions.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.definitions.setStyleSheet("padding: 6px; background: #f7f7f2;")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.definitions)
        split.addWidget(scroll)
        split.setSizes([900, 300])
        layout.addWidget(split, 1)
        self.backlog = QLabel()
        self.backlog.setObjectName("backlog")
        layout.addWidget(self.backlog)
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.totals.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.totals)
        self.report: Report | None = None
        self._fill_filters()
        self.refresh()

    def _fill_filters(self) -> None:
        db = self.ctx.store.db
        for combo, column, everything in (
            (self.unit, "unit", T["all_units"]),
            (self.procedure, "procedure_code", T["all_procedures"]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr(everything), "")
            for (value,) in db.execute(
                f"SELECT DISTINCT {column} FROM register_dossiers WHERE {column} != '' ORDER BY 1"  # noqa: S608
            ).fetchall():
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def set_months(self, first: str, last: str) -> None:
        self.first.setDate(QDate(int(first[:4]), int(first[5:]), 1))
        self.last.setDate(QDate(int(last[:4]), int(last[5:]), 1))
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the register (one SQL pass; bench/bench_report.py: ~50 ms for a month of 1,700 dossiers)."""
        first = self.first.date().toString("yyyy-MM")
        last = self.last.date().toString("yyyy-MM")
        try:
            report = compute(
                self.ctx.store,
                min(first, last),
                max(first, last),
                self.unit.currentData() or None,
                self.procedure.currentData() or None,
            )
        except SoHoaError as e:
            self.totals.setText(error_text(e))
            return
        self.report = report
        self.chart.set_series(monthly_series(report))
        self.table.setRowCount(len(report.rows))
        for r, row in enumerate(report.rows):
            values = [
                row.month,
                row.unit or "–",
                row.procedure or "–",
                row.dossiers_received,
                row.dossiers_digitized,
                f"{percent(row.digitization_rate):.2f}",
                row.components_required,
                row.components_reused,
                f"{percent(row.reuse_rate):.2f}",
            ]
            for c, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if c >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        t = report.total
        self.totals.setText(
            tr(
                T["total"],
                received=t.dossiers_received,
                digitized=t.dossiers_digitized,
                rate=f"{percent(t.digitization_rate):.2f}",
                required=t.components_required,
                reused=t.components_reused,
                reuse=f"{percent(t.reuse_rate):.2f}",
            )
        )
        years: dict[int, int] = {}
        for b in report.backlog:
            years[b.issue_year] = years.get(b.issue_year, 0) + b.results_digitized
        self.backlog.setText(
            tr(T["backlog"], items=", ".join(f"{y or '?'}: {n}" for y, n in sorted(years.items())))
            if years
            else tr(T["no_backlog"])
        )
        items = "".join(f"<p><b>{key}</b>: {text}</p>" for key, text in definitions())
        rich = f"<h3>{tr(T['definitions'])}</h3>{items}"  # markup, its words from T and DEFINITIONS
        self.definitions.setText(rich)

    def export(self, fmt: str, target: Path | None = None) -> Path | None:
        """Write the report as CSV or XLSX (asks where, unless a test gives the path)."""
        if self.report is None:
            return None
        if target is None:
            first = self.first.date().toString("yyyy-MM")
            name, _ = QFileDialog.getSaveFileName(
                self, tr(T[fmt]), f"bao-cao-so-hoa-{first}.{fmt}", f"{fmt.upper()} (*.{fmt})"
            )
            if not name:
                return None
            target = Path(name)
        try:
            out = (write_csv if fmt == "csv" else write_xlsx)(self.report, target)
        except SoHoaError as e:
            self.totals.setText(error_text(e))
            return None
        self.totals.setText(tr(T["saved"], path=str(out)))
        return out

    def activated(self) -> None:
        self._fill_filters()
        self.refresh()

    def show_demo(self) -> None:
        """Screenshots: a register of a few months, when the store has none."""
        if not self.ctx.store.db["register_dossiers"].count:
            fill_demo_register(self.ctx.store, date.today())
        self._fill_filters()
        today = date.today()
        start = (today.replace(day=1) - timedelta(days=140)).replace(day=1)
        self.set_months(start.strftime("%Y-%m"), today.strftime("%Y-%m"))


def fill_demo_register(store, today: date) -> None:  # type: ignore[no-untyped-def]
    """Six months of dossiers at two units for three procedures (demo data, no personal data)."""
    import random

    from sohoa.core.lifecycle import DocState
    from sohoa.core.model import Document, DocumentKind, Dossier
    from sohoa.workflow import register
    from sohoa.workflow.register import Component, ComponentState

    rng = random.Random(15)  # noqa: S311 - demo figures, not security
    month0 = (today.replace(day=1) - timedelta(days=140)).replace(day=1)  # five months back
    n = 0
    for m in range(6):
        first = (month0 + timedelta(days=32 * m)).replace(day=1)
        for _ in range(rng.randint(14, 22)):
            n += 1
            unit = rng.choice(["H15.50.05.13", "H15.50.07"])
            day = min(first + timedelta(days=rng.randint(0, 27)), today)
            docs = [
                Document(kind=DocumentKind.COMPONENT, title="Giấy tờ", component_code=f"TP0{k}")
                for k in (1, 2)
            ]
            dossier = Dossier(
                code=f"{unit}-{day:%y%m%d}-{n:04d}",
                procedure_code=rng.choice(["1.001757", "2.000884", "1.004227"]),
                received_date=day,
                documents=docs,
            )
            store.save_dossier(dossier)
            done = rng.random() < 0.55 + 0.07 * m
            for d in docs if done else docs[:1]:
                store.set_state(d.id, DocState.PROCESSED)
            register.record_received(store, dossier, unit=unit, required=[Component("TP03", "Bản sao")])
            register.record_finished(store, dossier)
            register.mark_component(
                store,
                dossier.id,
                component_code="TP03",
                state=ComponentState.REUSED if rng.random() < 0.5 else ComponentState.DIGITIZED,
                replacing_result="KQ.H15.2024.000001",
            )
        for _ in range(rng.randint(3, 8)):
            year = rng.choice([2020, 2021, 2022])
            result = Document(
                kind=DocumentKind.RESULT, result_code="KQ.H15.2021.000001", issue_date=date(year, 3, 1)
            )
            register.record_backlog_result(
                store, result, procedure_code="1.001757", unit="H15.50.07", when=first
            )
