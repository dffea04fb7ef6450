"""The SANE driver, parent side: talks to :mod:`scanners.sane_worker` in a spawned process.

Every request has a timeout. During a scan the timeout counts from the worker's last
sign of life (a progress or page event), so a slow A3 page is fine but a backend stuck
in a read is not: the worker is killed, the error says so, and the pages already
written are kept. A worker that died (crash, kill) is started again on the next call,
and that restart is logged and reported through ``on_notice``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sohoa.capture.driver import (
    Capabilities,
    DeviceInfo,
    NoticeCallback,
    PageCallback,
    ProgressCallback,
    ScanDriver,
    ScannedPage,
    ScanOutcome,
)
from sohoa.capture.errors import (
    DriverCrashedError,
    ScanCancelledError,
    ScanError,
    ScannerNotRespondingError,
    from_wire,
)
from sohoa.capture.settings import ScanSettings
from sohoa.core.i18n import Text
from sohoa.core.progress import Progress

log = logging.getLogger(__name__)

RESTARTED = Text(
    vi="Trình điều khiển máy quét đã được khởi động lại sau sự cố (lần {n}).",
    en="The scanner driver was restarted after a failure (restart {n}).",
)
_POLL_S = 0.1
_CANCEL_GRACE_S = 5.0
_RELEASE_S = 5.0  # a device that takes longer than this to close is stuck: restart the worker


class _WorkerProcess:
    """One spawned worker and its pipe."""

    def __init__(self, sane_config_dir: str | None, start_timeout_s: float, fault_log: str | None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self.cancel = ctx.Event()
        from sohoa.capture.sane_worker import worker_main

        self.process = ctx.Process(
            target=worker_main,
            args=(child, self.cancel, sane_config_dir, fault_log),
            name="sohoa-sane",
            daemon=True,
        )
        self.process.start()
        child.close()
        if not self.conn.poll(start_timeout_s):
            self.kill()
            raise ScannerNotRespondingError(device="SANE", seconds=int(start_timeout_s))
        try:
            first = self.conn.recv()
        except EOFError:
            self.kill()
            raise DriverCrashedError(device="SANE", detail=self.exit_description()) from None
        if first.get("ev") != "ready":
            self.kill()
            raise DriverCrashedError(device="SANE", detail=str(first.get("detail", first)))

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def exit_description(self) -> str:
        self.process.join(0.5)
        code = self.process.exitcode
        if code is None:
            return "no answer"
        if code < 0:
            try:
                return f"stopped by signal {signal.Signals(-code).name}"
            except ValueError:
                return f"stopped by signal {-code}"
        return f"exit code {code}"

    def kill(self, dump_stack: bool = False) -> None:
        """Kill the worker; with ``dump_stack`` it first writes where it hangs to the fault log."""
        if dump_stack and hasattr(signal, "SIGUSR1") and self.process.is_alive() and self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGUSR1)
                self.process.join(0.3)
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def quit(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send({"op": "quit"})
        self.process.join(3)
        if self.process.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


class SaneDriver(ScanDriver):
    """SANE scanners (USB, network, eSCL/AirScan through the ``airscan`` backend)."""

    name = "sane"

    def __init__(
        self,
        sane_config_dir: Path | str | None = None,
        *,
        timeout_s: float = 60.0,
        start_timeout_s: float = 30.0,
        with_system_backends: bool = False,
    ) -> None:
        """``sane_config_dir``: a private SANE config folder (None: the worker inherits the environment)."""
        if sane_config_dir is not None:
            value = str(sane_config_dir) + (os.pathsep if with_system_backends else "")
        else:
            value = None
        self._config_value = value
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self._worker: _WorkerProcess | None = None
        self._unexpected_exit = False
        self.restarts = 0

    # --- worker lifecycle -----------------------------------------------------
    @property
    def worker_pid(self) -> int | None:
        """The worker's process id (None before the first call)."""
        return self._worker.pid if self._worker else None

    def _ensure_worker(self, on_notice: NoticeCallback | None = None) -> _WorkerProcess:
        if self._worker is not None and self._worker.alive():
            return self._worker
        if self._worker is not None or self._unexpected_exit:
            self.restarts += 1
            detail = self._worker.exit_description() if self._worker else "?"
            log.warning(
                "SANE worker had stopped (%s); starting a new one (restart %d)", detail, self.restarts
            )
            if on_notice:
                on_notice(
                    Text(vi=RESTARTED.vi.format(n=self.restarts), en=RESTARTED.en.format(n=self.restarts))
                )
            if self._worker:
                self._worker.kill()
        self._unexpected_exit = False
        self._worker = _WorkerProcess(self._config_value, self.start_timeout_s, self._fault_log())
        log.debug("SANE worker started, pid %s", self._worker.pid)
        return self._worker

    @staticmethod
    def _fault_log() -> str | None:
        """Where a crashing or hung worker writes its native stack (the app's log folder)."""
        try:
            from sohoa.core.paths import app_paths, private_dir

            return str(private_dir(app_paths().logs) / "sane-worker-faults.log")
        except OSError:
            return None

    def _discard_worker(self) -> None:
        """Kill the worker after a hang or crash; the next call starts a fresh one."""
        if self._worker is not None:
            self._worker.kill(dump_stack=True)
        self._unexpected_exit = True

    def _wait_released(self, worker: _WorkerProcess, device: str) -> None:
        """After a session, wait for the worker to release the device; if it cannot, restart it."""
        deadline = time.monotonic() + _RELEASE_S
        while time.monotonic() < deadline:
            try:
                if worker.conn.poll(_POLL_S) and worker.conn.recv().get("ev") == "idle":
                    return
            except (EOFError, OSError):
                break
            if not worker.alive():
                break
        log.warning("SANE worker did not release %s within %.0f s; it will be restarted", device, _RELEASE_S)
        self._discard_worker()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.quit()
            self._worker = None

    # --- requests -------------------------------------------------------------
    def _events(
        self, worker: _WorkerProcess, device: str, cancel: Progress | None, timeout_s: float
    ) -> Iterator[dict[str, Any]]:
        """Yield the worker's events; enforce the inactivity timeout; forward a cancel."""
        last = time.monotonic()
        cancel_sent_at: float | None = None
        while True:
            if cancel is not None and cancel.is_cancelled() and cancel_sent_at is None:
                worker.cancel.set()
                cancel_sent_at = time.monotonic()
            try:
                ready = worker.conn.poll(_POLL_S)
            except (EOFError, OSError):
                ready = True  # recv below reports the broken pipe
            now = time.monotonic()
            if ready:
                try:
                    event = worker.conn.recv()
                except (EOFError, OSError):
                    detail = worker.exit_description()
                    log.error("SANE worker died during a request on %s (%s)", device, detail)
                    self._discard_worker()
                    raise DriverCrashedError(device=device, detail=detail) from None
                last = now
                yield event
                continue
            if not worker.alive():
                detail = worker.exit_description()
                log.error("SANE worker died during a request on %s (%s)", device, detail)
                self._discard_worker()
                raise DriverCrashedError(device=device, detail=detail)
            if cancel_sent_at is not None and now - cancel_sent_at > _CANCEL_GRACE_S:
                log.warning("SANE worker ignored a cancel for %.0f s; killing it", _CANCEL_GRACE_S)
                self._discard_worker()
                raise ScanCancelledError(device=device)
            if now - last > timeout_s:
                log.error("SANE worker silent for %.0f s on %s; killing it", timeout_s, device)
                self._discard_worker()
                raise ScannerNotRespondingError(device=device, seconds=int(timeout_s))

    def _call(self, request: dict[str, Any], device: str) -> Any:
        worker = self._ensure_worker()
        worker.cancel.clear()
        try:
            worker.conn.send(request)
        except (BrokenPipeError, OSError):
            self._discard_worker()
            raise DriverCrashedError(device=device, detail="pipe closed") from None
        for event in self._events(worker, device, None, self.timeout_s):
            if event["ev"] == "result":
                return event["value"]
            if event["ev"] == "error":
                raise from_wire(event)
        raise AssertionError("unreachable")

    def list_devices(self) -> list[DeviceInfo]:
        return [DeviceInfo(**d) for d in self._call({"op": "list"}, "SANE")]

    def capabilities(self, device: str) -> Capabilities:
        d = self._call({"op": "caps", "device": device}, device)
        return Capabilities(
            device=d["device"],
            sources=tuple(d["sources"]),
            modes=tuple(d["modes"]),
            dpi_values=tuple(d["dpi_values"]),
            dpi_range=tuple(d["dpi_range"]) if d["dpi_range"] else None,
            max_width_mm=d["max_width_mm"],
            max_height_mm=d["max_height_mm"],
            papers=tuple(d["papers"]),
            raw=d["raw"],
        )

    def ping(self) -> int:
        """The worker's pid, answered by the worker itself (a liveness check)."""
        return int(self._call({"op": "ping"}, "SANE"))

    def scan(
        self,
        device: str,
        settings: ScanSettings,
        out_dir: Path,
        *,
        first_index: int = 1,
        on_page: PageCallback | None = None,
        on_progress: ProgressCallback | None = None,
        on_notice: NoticeCallback | None = None,
        cancel: Progress | None = None,
    ) -> ScanOutcome:
        settings.validated()
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[ScannedPage] = []
        if cancel is not None and cancel.is_cancelled():
            raise ScanCancelledError(device=device)
        worker = self._ensure_worker(on_notice)
        worker.cancel.clear()
        request = {
            "op": "scan",
            "device": device,
            "settings": settings.to_dict(),
            "out_dir": str(out_dir),
            "first_index": first_index,
        }
        finished = False
        try:
            worker.conn.send(request)
            for event in self._events(worker, device, cancel, self.timeout_s):
                kind = event["ev"]
                if kind == "progress" and on_progress:
                    on_progress(int(event["page"]), float(event["fraction"]))
                elif kind == "page":
                    page = ScannedPage.from_dict(event["page"])
                    pages.append(page)
                    log.info("page %d scanned (%d bytes)", page.index, page.bytes)
                    if on_page:
                        on_page(page)
                elif kind == "end":
                    finished = True
                    self._wait_released(worker, device)
                    if event["reason"] == "cancelled":
                        raise ScanCancelledError(device=device)
                    return ScanOutcome(pages=pages, reason=event["reason"])
                elif kind == "error":
                    finished = True
                    self._wait_released(worker, device)
                    raise from_wire(event)
        except ScanError as e:
            raise e.keep_pages(pages) from None
        except (BrokenPipeError, OSError) as e:
            self._discard_worker()
            raise DriverCrashedError(device=device, detail=str(e)).keep_pages(pages) from None
        finally:
            if not finished and self._worker is worker and worker.alive():
                # A callback raised (or Ctrl+C) mid-session: the worker is still scanning.
                # Stop it now rather than read stale events on the next call.
                worker.kill()
                self._worker = None
        raise AssertionError("unreachable")
