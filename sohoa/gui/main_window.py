"""The main window: navigation between views, the status bar (online, queue count), shortcuts."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from sohoa.gui import services
from sohoa.gui.widgets import ask, error_text
from sohoa.gui.workers import run_task

log = logging.getLogger(__name__)

# view key -> (module, class); created the first time the view is shown (fast cold start)
VIEW_CLASSES: dict[str, tuple[str, str]] = {
    "counter": ("sohoa.gui.views.counter", "CounterView"),
    "backlog": ("sohoa.gui.views.backlog", "BacklogView"),
    "batch-sign": ("sohoa.gui.views.batch_sign", "BatchSignView"),
    "queue": ("sohoa.gui.views.queue_view", "QueueView"),
    "statistics": ("sohoa.gui.views.statistics", "StatisticsView"),
    "settings": ("sohoa.gui.views.settings", "SettingsView"),
}
STATUS_INTERVAL_MS = 15000


QUEUE_VIEWS = ("counter", "batch-sign", "queue")  # views with a queue_changed signal


class MainWindow(QMainWindow):
    """Navigation on the left, the current view on the right, connection and queue below."""

    queue_changed = Signal()  # a view queued or retried something: refresh the status bar now
    status_updated = Signal()  # the status bar shows a fresh answer from the outbox and repository
    sync_event = Signal(object)  # the background uploader's events (emitted from its thread)

    def __init__(self, ctx: services.AppContext, background: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("SoHoa – digitizing dossiers"))
        self._views: dict[str, QWidget] = {}
        self._status_task = None
        self._notified_failures: set[str] = set()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        titles = {
            "counter": self.tr("Counter"),
            "backlog": self.tr("Backlog"),
            "batch-sign": self.tr("Batch signing"),
            "queue": self.tr("Upload queue"),
            "statistics": self.tr("Statistics"),
            "settings": self.tr("Settings"),
        }
        self.titles = titles
        for n, (key, title) in enumerate(titles.items(), start=1):
            item = QListWidgetItem(f"{title}   Ctrl+{n}")
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Open {view} (Ctrl+{n})").format(view=title, n=n))
            self.nav.addItem(item)
            placeholder = QWidget()
            placeholder.setObjectName(f"placeholder-{key}")
            self.stack.addWidget(placeholder)
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{n}"))
            action.triggered.connect(lambda _=False, k=key: self.show_view(k))
            self.addAction(action)
        self.nav.currentRowChanged.connect(self._on_nav)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.online_label = QLabel()
        self.online_label.setObjectName("online")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("queueCount")
        self.statusBar().addPermanentWidget(self.online_label)
        self.statusBar().addPermanentWidget(self.queue_label)
        self.set_status(None, 0)

        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self.uploads = services.Uploads(ctx, on_event=self.sync_event.emit)
        self.queue_changed.connect(self.refresh_status)
        self.queue_changed.connect(self.uploads.wake)
        self.sync_event.connect(self._on_sync_event)
        self.timer = QTimer(self)
        self.timer.setInterval(STATUS_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh_status)
        if background:
            self.timer.start()
            QTimer.singleShot(0, self.refresh_status)
            QTimer.singleShot(0, self.start_uploads)
        self.nav.setCurrentRow(0)
        self.resize(1280, 860)

    # -- views -----------------------------------------------------------------------------
    def view(self, key: str) -> QWidget:
        """The view for ``key``, created on first use."""
        if key not in self._views:
            module, cls = VIEW_CLASSES[key]
            widget = getattr(importlib.import_module(module), cls)(self.ctx, self)
            widget.setObjectName(f"view-{key}")
            if key in QUEUE_VIEWS:  # these views say when they changed the queue
                widget.queue_changed.connect(self.queue_changed)
            index = list(VIEW_CLASSES).index(key)
            old = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._views[key] = widget
        return self._views[key]

    def show_view(self, key: str) -> QWidget:
        self.nav.setCurrentRow(list(VIEW_CLASSES).index(key))
        return self.view(key)

    def current_view_key(self) -> str:
        return list(VIEW_CLASSES)[self.stack.currentIndex()]

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = list(VIEW_CLASSES)[row]
        widget = self.view(key)
        self.stack.setCurrentIndex(row)
        if hasattr(widget, "activated"):
            widget.activated()
        if self.nav.hasFocus() or not widget.isAncestorOf(self.focusWidget()):
            widget.focusNextChild()  # the view's keys work at once, without a click

    # -- status bar ----------------------------------------------------------------------------
    def set_status(self, online: bool | None, queued: int) -> None:
        if online is None:
            self.online_label.setText("● " + self.tr("Repository not set up"))
            self.online_label.setStyleSheet("color: #777;")
        elif online:
            self.online_label.setText("● " + self.tr("Online"))
            self.online_label.setStyleSheet("color: #1b7f2a; font-weight: bold;")
        else:
            self.online_label.setText("● " + self.tr("Offline"))
            self.online_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.queue_label.setText(self.tr("Queue: %n document(s)", "", queued))
        self.online = online
        self.queued = queued

    def refresh_status(self, on_done: Callable[[], None] | None = None) -> None:
        """Ask the repository and the outbox in a worker; the UI never waits for the network."""
        if self._status_task is not None and self._status_task.running:
            return
        ctx = self.ctx

        def done(status: services.QueueStatus) -> None:
            self.set_status(status.online, status.pending)
            self._notify_failures(status.failed_for_good)
            self.status_updated.emit()
            if on_done:
                on_done()

        def failed(error: BaseException) -> None:
            log.warning("status check failed: %s", error)

        self._status_task = run_task(lambda p: services.queue_status(ctx), done=done, failed=failed)

    def _notify_failures(self, failures: list[tuple[str, str]]) -> None:
        """A notice (not a modal dialog) when an upload has failed for good."""
        new = [(i, reason) for i, reason in failures if i not in self._notified_failures]
        if not new:
            return
        self._notified_failures.update(i for i, _ in new)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Upload failed"),
            self.tr("%n document(s) could not be uploaded and need attention:", "", len(new))
            + "\n"
            + "\n".join(reason for _, reason in new[:5]),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        open_button = box.addButton(self.tr("Open the queue"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Close"), QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)
        box.buttonClicked.connect(lambda b: b is open_button and self.show_view("queue"))
        self.failure_notice = box
        box.show()

    def start_uploads(self) -> bool:
        """Upload in the background while the app is open (when a repository is set up)."""
        try:
            return self.uploads.start()
        except Exception as e:  # a missing password or a bad address: shown, the app goes on
            self.statusBar().showMessage(error_text(e), 15000)
            return False

    def _on_sync_event(self, event: object) -> None:
        kind = getattr(event, "kind", "")
        queue = self._views.get("queue")
        if kind == "progress" and queue is not None:
            queue.show_progress(event)  # type: ignore[attr-defined]
            return
        if kind in ("acknowledged", "failed", "offline"):
            self.refresh_status()
            if queue is not None:
                queue.refresh()  # type: ignore[attr-defined]

    # -- recovery ----------------------------------------------------------------------------
    def offer_recovery(self) -> None:
        """After a crash, offer the unfinished scan batch back (checked in a worker)."""

        def done(batches: list[services.UnfinishedBatch]) -> None:
            if not batches:
                return
            batch = batches[0]
            answer = ask(
                self,
                self.tr("Unfinished batch"),
                self.tr(
                    "SoHoa was closed during a scan on {device} started {created} ({pages} pages kept). "
                    "Continue with these pages?"
                ).format(
                    device=batch.device, created=batch.created[:16].replace("T", " "), pages=len(batch.pages)
                ),
            )
            counter = self.show_view("counter")
            if answer:
                counter.restore_batch(batch)  # type: ignore[attr-defined]
            else:
                run_task(lambda p: services.discard_batch(self.ctx, batch))

        run_task(lambda p: services.unfinished_batches(self.ctx), done=done)

    def closeEvent(self, event: QCloseEvent) -> None:
        busy = [k for k, v in self._views.items() if getattr(v, "busy", lambda: False)()]
        if busy:
            answer = ask(
                self,
                self.tr("Work in progress"),
                self.tr("A scan, signing or upload is still running. Cancel it and quit?"),
            )
            if not answer:
                event.ignore()
                return
            for key in busy:
                self._views[key].cancel()  # type: ignore[attr-defined]
        self.timer.stop()
        self.uploads.stop()
        event.accept()
