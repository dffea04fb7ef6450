"""The one progress/cancel contract every area accepts (capture, processing, signing, upload).

A long job takes one ``progress`` object and uses three calls on it:

- ``progress(done, total, note)``: how far it is (``total`` 0 when unknown);
- ``progress.item(value)``: one partial result, handed over as soon as it exists (a scanned
  page, a page report, a signed document, an upload event);
- ``progress.is_cancelled()``: polled between units of work; the job stops cleanly when true.

The desktop app's worker (``sohoa.gui.workers.Progress``) and the CLI's printers are
implementations of the same :class:`Progress` protocol, so no area needs an adapter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from sohoa.core.errors import CancelledError


@runtime_checkable
class Progress(Protocol):
    def __call__(self, done: int, total: int, note: str = "") -> None: ...
    def item(self, value: object) -> None: ...
    def is_cancelled(self) -> bool: ...


class Reporter:
    """A ready-made :class:`Progress`: optional callbacks and a cancel flag settable from any thread."""

    def __init__(
        self,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_item: Callable[[object], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._on_item = on_item
        self.cancelled = threading.Event()

    def __call__(self, done: int, total: int, note: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(int(done), int(total), str(note))

    def item(self, value: object) -> None:
        if self._on_item is not None:
            self._on_item(value)

    def is_cancelled(self) -> bool:
        return self.cancelled.is_set()

    def cancel(self) -> None:
        self.cancelled.set()


class NullProgress(Reporter):
    """Reports nowhere, keeps the items (tests and benchmarks read them), can still be cancelled."""

    def __init__(self) -> None:
        super().__init__(on_item=self._keep)
        self.items: list[object] = []

    def _keep(self, value: object) -> None:
        self.items.append(value)


class Offset:
    """A part of a bigger job: ``done`` of this part is reported as ``base + done`` of ``total``."""

    def __init__(self, progress: Progress, base: int, total: int) -> None:
        self.progress, self.base, self.total = progress, base, total

    def __call__(self, done: int, total: int, note: str = "") -> None:
        self.progress(self.base + done, self.total, note)

    def item(self, value: object) -> None:
        self.progress.item(value)

    def is_cancelled(self) -> bool:
        return self.progress.is_cancelled()


def or_null(progress: Progress | None) -> Progress:
    return progress if progress is not None else NullProgress()


def check_cancel(progress: Progress | None) -> None:
    """Raise :class:`CancelledError` when the job was cancelled."""
    if progress is not None and progress.is_cancelled():
        raise CancelledError()


def wait_cancelled(progress: Progress | None, timeout: float) -> bool:
    """Sleep up to ``timeout`` seconds, returning early (True) as soon as the job is cancelled."""
    if progress is None:
        time.sleep(timeout)
        return False
    event = getattr(progress, "cancelled", None)
    if isinstance(event, threading.Event):
        return event.wait(timeout)
    deadline = time.monotonic() + timeout
    while not progress.is_cancelled():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(0.05, left))
    return True
