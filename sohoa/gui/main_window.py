"""The main window: navigation between views, the status bar (online, queue count), shortcuts."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
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

from sohoa.core.i18n import Text, tr
from sohoa.gui import services
from sohoa.gui.widgets import ask, error_text, fit_dialog
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
    "report": ("sohoa.gui.views.report", "ReportView"),
}
STATUS_INTERVAL_MS = 15000
NAV_WIDTH = 190


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
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 6px; }")
        self.stack = QStackedWidget()
        titles = {
            "counter": self.tr("Counter"),
            "backlog": self.tr("Backlog"),
            "batch-sign": self.tr("Batch signing"),
            "queue": self.tr("Upload queue"),
            "statistics": self.tr("Statistics"),
            "settings": self.tr("Settings"),
            "report": tr(Text(vi="Báo cáo số hóa", en="Digitization report")),  # sohoa.core.i18n
        }
        titles = {k: v for k, v in titles.items() if k in VIEW_CLASSES}
        self.titles = titles
        for n, (key, title) in enumerate(titles.items(), start=1):
            item = QListWidgetItem(f"{title}\nCtrl+{n}")
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
        if ctx.settings.general.clerk_name.strip():  # asked once by the wizard; never $USER
            ctx.clerk = ctx.settings.general.clerk_name.strip()
        elif ctx.clerk == __import__("os").environ.get("USER", ""):
            ctx.clerk = ""

    # -- geometry ------------------------------------------------------------------------------
    def _geometry_store(self) -> QSettings:
        return QSettings(str(self.ctx.paths.config / "window.ini"), QSettings.Format.IniFormat)

    def show_restored(self) -> None:
        """Open as the clerk left it (maximized the first time), never larger than this screen."""
        store = self._geometry_store()
        geometry = store.value("geometry")
        maximized = str(store.value("maximized", "true")).lower() == "true"
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None and (self.width() > screen.width() or self.height() > screen.height()):
            maximized = True  # saved on a bigger screen
        if maximized or geometry is None:
            if screen is not None:  # without a window manager (Xvfb, kiosks) maximizing does nothing
                self.setGeometry(screen)
            self.showMaximized()
        else:
            self.show()

    def save_geometry(self) -> None:
        store = self._geometry_store()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("maximized", "true" if self.isMaximized() else "false")
        store.sync()

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
    def set_status(self, online: bool | None, queued: int, failed: int = 0) -> None:
        if online is None:
            self.online_label.setText("● " + self.tr("Repository not set up"))
            self.online_label.setStyleSheet("color: #777;")
        elif online:
            self.online_label.setText("● " + self.tr("Online"))
            self.online_label.setStyleSheet("color: #1b7f2a; font-weight: bold;")
        else:
            self.online_label.setText("● " + self.tr("Offline"))
            self.online_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        text = self.tr("Queue: %n document(s)", "", queued)
        if failed:  # refused uploads stay visible until the clerk deals with them
            text += " · " + self.tr("%n failed, see the queue", "", failed)
        self.queue_label.setText(text)
        self.queue_label.setStyleSheet("color: #b3261e; font-weight: bold;" if failed else "")
        self.online = online
        self.queued = queued
        self.failed = failed

    def refresh_status(self, on_done: Callable[[], None] | None = None) -> None:
        """Ask the repository and the outbox in a worker; the UI never waits for the network."""
        if self._status_task is not None and self._status_task.running:
            return
        ctx = self.ctx

        def done(status: services.QueueStatus) -> None:
            self.set_status(status.online, status.pending, len(status.failed_for_good))
            self._notify_failures(status.failed_for_good)
            self._check_uploader()
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
            + "\n".join(reason for _, reason in new[:5])
            + "\n\n"
            + self.support_text(),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("failureNotice")
        fit_dialog(box)
        open_button = box.addButton(self.tr("Open the queue"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Close"), QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)
        box.buttonClicked.connect(lambda b: b is open_button and self.show_view("queue"))
        self.failure_notice = box
        box.show()

    def sync_error_text(self, error: BaseException) -> str:
        """What the clerk reads when the background upload stopped: what happened, what to do."""
        from sohoa.core.errors import SoHoaError, is_disk_full

        if is_disk_full(error):
            text = self.tr(
                "Sending to the repository has stopped: the disk of this computer is full. The queue is "
                "intact. Free some space (empty the recycle bin, remove old files), then press Try again."
            )
        elif isinstance(error, SoHoaError):
            text = self.tr("Sending to the repository has stopped: {reason} Then press Try again.").format(
                reason=error.message().rstrip(".") + "."
            )
        else:
            text = self.tr(
                "Sending to the repository has stopped because of an unexpected problem. The queue is "
                "intact; press Try again."
            )
        return text + " " + self.support_text()

    def _check_uploader(self) -> None:
        """``BackgroundSync.error``: the uploader thread ended with an error; say so, once, in Vietnamese."""
        error = self.uploads.stopped_error()
        if error is None:
            return
        text = self.sync_error_text(error)
        self.statusBar().showMessage(text)
        self.queue_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        if getattr(self, "sync_notice", None) is not None and self.sync_notice.isVisible():
            return
        if text == getattr(self, "_sync_notice_text", ""):
            return  # said already; the status bar keeps it
        self._sync_notice_text = text
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Sending has stopped"),
            text,
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("syncStopped")
        fit_dialog(box)
        retry = box.addButton(self.tr("Try again"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Close"), QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)
        box.buttonClicked.connect(lambda b: b is retry and self.retry_uploads())
        self.sync_notice = box
        box.show()

    def retry_uploads(self) -> None:
        """The clerk fixed the cause: start the uploader again (a new failure is told again)."""
        self._sync_notice_text = ""
        self.statusBar().clearMessage()
        try:
            self.uploads.restart()
        except Exception as e:  # a missing password or a bad address: shown, the app goes on
            self.statusBar().showMessage(error_text(e), 15000)

    def support_text(self) -> str:
        """Whom the clerk calls about a refused upload (the administrator sets the contact)."""
        contact = self.ctx.settings.general.support_contact.strip()
        if contact:
            return self.tr("Open the queue to see why, then call {contact}.").format(contact=contact)
        return self.tr("Open the queue to see why, then call the provincial repository's support desk.")

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
        if kind == "acknowledged":
            counter = self._views.get("counter")
            if counter is not None and hasattr(counter, "acknowledged"):
                counter.acknowledged(event)
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
                    "SoHoa stopped unexpectedly during a dossier started {created} ({pages} pages kept). "
                    "Restore these pages and the form?"
                ).format(created=batch.created[:16].replace("T", " "), pages=len(batch.pages)),
                default_yes=True,  # after a real crash the clerk wants the pages back
                yes_text=self.tr("Restore"),
                no_text=self.tr("Discard"),
            )
            counter = self.show_view("counter")
            if answer:
                counter.restore_batch(batch)  # type: ignore[attr-defined]
            else:
                run_task(lambda p: services.discard_batch(self.ctx, batch))

        run_task(lambda p: services.unfinished_batches(self.ctx), done=done)

    def closeEvent(self, event: QCloseEvent) -> None:
        counter = self._views.get("counter")
        if counter is not None and not getattr(self, "_closing_checked", False):
            if not counter.confirm_discard(self.tr("Quit SoHoa")):  # type: ignore[attr-defined]
                event.ignore()
                return
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
        if counter is not None:
            counter.discard_journal()  # type: ignore[attr-defined]  # a normal close: nothing to recover
        from sohoa.workflow import page_cache

        page_cache.shutdown(wait=False)  # pages still being processed must not hold the exit
        self.save_geometry()
        self.timer.stop()
        self.uploads.stop()
        event.accept()
