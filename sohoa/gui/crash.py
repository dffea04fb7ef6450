"""The app's last line of defence: an exception nobody caught is logged and shown, never lost.

Qt swallows an exception raised in a slot after printing it to stderr (invisible in a frozen
build), and a worker thread's exception dies with the thread. :func:`install` sets
``sys.excepthook`` and ``threading.excepthook``: the traceback goes to the log file (English, for
support), and the clerk sees a short box in their language, without class names, saying that the
work already saved is safe. A thread's exception is shown on the UI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import types
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from sohoa.core.errors import SoHoaError
from sohoa.core.i18n import Text, tr

log = logging.getLogger("sohoa.crash")

UNEXPECTED = Text(
    vi="Đã xảy ra lỗi không mong muốn. Công việc đã lưu không bị mất. Chi tiết đã được ghi vào nhật ký "
    "({log}); hãy gửi tệp này cho bộ phận hỗ trợ.",
    en="An unexpected error occurred. Work already saved is not lost. The details are in the log ({log}); "
    "send that file to support.",
)
TITLE = Text(vi="Lỗi", en="Error")


def _is_process_pool_cancel_race(args: Any) -> bool:
    """CPython 3.11's process pool, when its workers end after a cancel (the page workers on close
    or on discard), sets an exception on a future already cancelled and raises InvalidStateError
    in its manager thread (fixed in 3.12). Nothing is lost: a cancelled page is processed again
    at Finish. It must not reach the clerk as an "unexpected error"."""
    from concurrent.futures import InvalidStateError
    from concurrent.futures.process import _ExecutorManagerThread

    return (
        sys.version_info < (3, 12)
        and isinstance(args.exc_value, InvalidStateError)
        and isinstance(getattr(args, "thread", None), _ExecutorManagerThread)
    )


class _Relay(QObject):
    """Carries an exception from any thread to the UI thread (queued connection)."""

    show = Signal(object)


class ExceptionHook:
    def __init__(self, log_file: str = "") -> None:
        self.log_file = log_file
        self.boxes: list[QMessageBox] = []  # kept alive while shown (non-modal)
        self.relay = _Relay()
        self.relay.show.connect(self._show)
        self._previous = (sys.excepthook, threading.excepthook)

    def message(self, error: BaseException) -> str:
        if isinstance(error, SoHoaError):
            return error.message()
        return tr(UNEXPECTED, log=self.log_file or "sohoa.log")

    def handle(
        self, exc_type: type[BaseException], error: BaseException, tb: types.TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous[0](exc_type, error, tb)
            return
        log.error("unhandled exception: %s", error, exc_info=(exc_type, error, tb))
        for handler in logging.getLogger().handlers:
            handler.flush()
        if QApplication.instance() is not None:
            self.relay.show.emit(error)  # direct on the UI thread, queued from any other

    def handle_thread(self, args: Any) -> None:
        if args.exc_value is None:
            return
        if _is_process_pool_cancel_race(args):
            log.warning("ignored CPython < 3.12 process-pool race after a cancel: %s", args.exc_value)
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, error: BaseException) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, tr(TITLE), self.message(error))
        box.setObjectName("crashBox")
        box.setModal(False)
        box.finished.connect(lambda _r, b=box: self.boxes.remove(b) if b in self.boxes else None)
        self.boxes.append(box)
        box.show()

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous


def install(log_file: str = "") -> ExceptionHook:
    """Route every uncaught exception (UI thread or worker thread) to the log and an error box."""
    hook = ExceptionHook(log_file)
    sys.excepthook = hook.handle
    threading.excepthook = hook.handle_thread
    return hook
