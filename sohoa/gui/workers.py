"""Background work for the UI: every call into the core runs here, never on the UI thread.

A :class:`Task` runs one function in Qt's global thread pool and reports through signals,
which Qt delivers on the UI thread (queued connections). The function receives a
:class:`Progress` to report ``(done, total, note)`` and to check for cancellation, so
scanning, processing, signing and uploading all get a progress bar and a Cancel button
the same way.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from sohoa.core.progress import Reporter

log = logging.getLogger(__name__)


class Progress(Reporter):
    """What a task function gets: the core's progress/cancel contract, reporting through signals."""


class TaskSignals(QObject):
    progress = Signal(int, int, str)
    item = Signal(object)
    done = Signal(object)
    failed = Signal(object)  # the exception (a SoHoaError carries its own message)
    finished = Signal()


class Task(QRunnable):
    """One function run in the thread pool; connect to ``signals`` before :meth:`start`."""

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the Python object owns it; Qt must not delete it under us
        self.fn = fn
        self.signals = TaskSignals()
        self.progress = Progress(self.signals.progress.emit, self.signals.item.emit)
        self.running = False

    def cancel(self) -> None:
        self.progress.cancelled.set()

    def start(self, pool: QThreadPool | None = None) -> Task:
        self.running = True
        _LIVE.add(self)  # keep a reference until it ends, even if the caller drops it
        (pool or QThreadPool.globalInstance()).start(self)
        return self

    def run(self) -> None:
        _lower_priority()
        try:
            result = self.fn(self.progress)
        except BaseException as e:  # every failure reaches the UI, never a silent thread death
            if not _is_expected(e):
                log.error("task failed: %s", "".join(traceback.format_exception(e)))
            self.running = False  # the slots see the task as over
            self._emit(self.signals.failed, e)
        else:
            self.running = False
            self._emit(self.signals.done, result)
        finally:
            self.running = False
            self._emit(self.signals.finished)
            _LIVE.discard(self)

    @staticmethod
    def _emit(signal: object, *args: object) -> None:
        """Emit unless the app is already gone (a task that outlives the window on quit)."""
        try:
            signal.emit(*args)  # type: ignore[attr-defined]
        except RuntimeError:
            log.debug("task result dropped: the receiver is gone")


_LIVE: set[Task] = set()
BACKGROUND_NICE = 5  # background work (and the OCR processes it starts) yields the CPU to the UI thread
_niced: set[int] = set()


def _lower_priority() -> None:
    """Run this pool thread (and the processes it spawns, which inherit it) at a lower CPU priority.

    On 2 cores, Tesseract workers at the UI's priority stretch event-loop stalls; on Linux a
    thread's nice value is its own, so the UI thread keeps normal priority.
    """
    if not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    if tid in _niced:
        return
    _niced.add(tid)
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, max(current, BACKGROUND_NICE))
    except OSError as e:
        log.debug("could not lower worker priority: %s", e)


def _is_expected(error: BaseException) -> bool:
    from sohoa.core.errors import SoHoaError

    return isinstance(error, SoHoaError)


def run_task(
    fn: Callable[[Progress], Any],
    *,
    done: Callable[[Any], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    item: Callable[[object], None] | None = None,
    finished: Callable[[], None] | None = None,
) -> Task:
    """Start ``fn`` in the pool with the given callbacks (all called on the UI thread)."""
    task = Task(fn)
    for signal, slot in (
        (task.signals.done, done),
        (task.signals.failed, failed),
        (task.signals.progress, progress),
        (task.signals.item, item),
        (task.signals.finished, finished),
    ):
        if slot is not None:
            signal.connect(slot)
    return task.start()


def wait_all(timeout_ms: int = 30000) -> bool:
    """Wait for every running task (used on quit and in tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
