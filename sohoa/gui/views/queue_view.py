"""The upload queue: each item's state, progress and the server's reason for a failure; retry."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from sohoa.gui import services
from sohoa.gui.widgets import error_text, message_label, shortcut, table_item
from sohoa.gui.workers import Task, run_task

REFRESH_MS = 5000


class QueueView(QWidget):
    """Reads the outbox in a worker every few seconds while visible; Retry and Send now act on it."""

    queue_changed = Signal()  # documents were queued or retried: the window refreshes its counter

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.items: list[services.QueueItem] = []
        self.task: Task | None = None
        self.sync_task: Task | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Upload queue"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        self.headers = [
            self.tr("Document"),
            self.tr("State"),
            self.tr("Progress"),
            self.tr("Attempts"),
            self.tr("Updated"),
            self.tr("Reason"),
        ]
        self.table = QTableWidget(0, len(self.headers))
        self.table.setObjectName("queue")
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.message = message_label("queueMessage")
        self.retry_button = QPushButton(self.tr("Retry (Ctrl+T)"))
        self.retry_button.setObjectName("retry")
        shortcut(self, "Ctrl+T", self.retry_button.click)
        self.retry_button.clicked.connect(self.retry_selected)
        self.sync_button = QPushButton(self.tr("Send now (Ctrl+U)"))
        self.sync_button.setObjectName("sync")
        shortcut(self, "Ctrl+U", self.sync_button.click)
        self.sync_button.clicked.connect(self.sync_now)
        row.addWidget(self.message, 1)
        row.addWidget(self.retry_button)
        row.addWidget(self.sync_button)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.refresh()

    def state_name(self, state: str) -> str:
        return {
            "pending": self.tr("Waiting"),
            "uploading": self.tr("Uploading"),
            "done": self.tr("Received by the repository"),
            "rejected": self.tr("Failed – needs attention"),
        }.get(state, state)

    def item_state(self, item: services.QueueItem) -> str:
        """The document's lifecycle state in words (queued, uploaded, acknowledged); a failure says act."""
        if item.state == "rejected" or not item.lifecycle:
            return self.state_name(item.state)
        from sohoa.core.i18n import tr
        from sohoa.core.lifecycle import DocState

        try:
            text = tr(DocState(item.lifecycle).label)
        except ValueError:
            return self.state_name(item.state)
        return text[:1].upper() + text[1:]

    def refresh(self) -> None:
        if self.task is not None and self.task.running:
            return
        ctx = self.ctx
        self.task = run_task(
            lambda p: services.queue_items(ctx),
            done=self.show_items,
            failed=lambda e: self.message.setText(error_text(e)),
        )

    def show_items(self, items: list[services.QueueItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            self.table.setItem(r, 0, table_item(item.title))
            self.table.setItem(r, 1, table_item(self.item_state(item)))
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(int(item.progress * 100))
            self.table.setCellWidget(r, 2, bar)
            self.table.setItem(r, 3, table_item(str(item.attempts)))
            self.table.setItem(r, 4, table_item(item.updated))
            self.table.setItem(r, 5, table_item(item.reason))
        waiting = sum(1 for i in items if i.state not in ("done", "rejected"))
        failed = sum(1 for i in items if i.state in ("failed", "rejected"))
        text = self.tr("%n document(s) waiting to be sent.", "", waiting)
        if failed:  # refused documents stay counted and say whom to call
            support = getattr(self.window_, "support_text", None)
            text += " " + self.tr("%n document(s) failed: select one and read its reason.", "", failed)
            if support is not None:
                text += " " + support()
        self.message.setText(text)

    def show_progress(self, event: object) -> None:
        """Live upload progress from the uploader's events (bytes sent of the file's size)."""
        item_id = str(getattr(event, "item_id", ""))
        total = getattr(event, "total_bytes", 0) or 0
        for row, item in enumerate(self.items):
            if item.id == item_id and total:
                bar = self.table.cellWidget(row, 2)
                if bar is not None:
                    bar.setValue(int(100 * getattr(event, "done_bytes", 0) / total))  # type: ignore[attr-defined]
                cell = self.table.item(row, 1)
                if cell is not None:
                    cell.setText(self.state_name("uploading"))

    def retry_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        ids = [self.items[r].id for r in rows if self.items[r].state == "rejected"]
        if not ids:
            self.message.setText(self.tr("Select a failed document to retry."))
            return
        ctx = self.ctx

        def work(progress: services.ProgressLike) -> None:
            for item_id in ids:
                services.retry_item(ctx, item_id)

        run_task(work, done=lambda _r: self._changed(), failed=lambda e: self.message.setText(error_text(e)))

    def sync_now(self) -> None:
        """Upload what is waiting now (in a worker), rather than at the next automatic round."""
        if self.sync_task is not None and self.sync_task.running:
            return
        uploads = getattr(self.window_, "uploads", None)
        if uploads is not None and uploads.bg is not None:
            uploads.wake()  # the background uploader holds the queue: ask it to go now
            self.message.setText(self.tr("Sending…"))
            return
        ctx = self.ctx
        self.sync_button.setEnabled(False)
        self.message.setText(self.tr("Sending…"))
        self.sync_task = run_task(
            lambda p: services.sync_queue(ctx, p),
            item=lambda e: getattr(e, "kind", "") == "progress" and self.show_progress(e),
            done=lambda r: self._changed(),
            failed=lambda e: self.message.setText(error_text(e)),
            finished=lambda: self.sync_button.setEnabled(True),
        )

    def _changed(self) -> None:
        self.refresh()
        self.queue_changed.emit()

    def busy(self) -> bool:
        return self.sync_task is not None and self.sync_task.running

    def cancel(self) -> None:
        if self.sync_task is not None:
            self.sync_task.cancel()

    def activated(self) -> None:
        self.refresh()
        self.timer.start()

    def show_demo(self) -> None:
        from PySide6.QtCore import QCoreApplication

        from sohoa.gui.demo_data import demo_queue_items
        from sohoa.gui.workers import wait_all

        wait_all(5000)  # let the real (empty) read land first, so the demo rows stay
        QCoreApplication.processEvents()
        self.show_items(demo_queue_items())

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.timer.stop()
        super().hideEvent(event)
