"""The TWAIN driver (Windows), parent side: pytwain runs in a spawned worker process.

A TWAIN data source is the scanner maker's DLL, loaded into whichever process opens it;
one that crashes or hangs must not take the app (and the dossier being scanned) down.
So, as NAPS2 does and as SoHoa's SANE driver already does, the source lives in
:mod:`sohoa.capture.twain_worker`. This class reuses the SANE driver's parent machinery
(request timeouts counted from the last sign of life, cancel, pages kept on a failure,
restart after a crash, reported through ``on_notice``); only the worker differs.

Device names are ``twain:<product name>``. Pages come through TWAIN's file transfer as
BMP (or the native transfer when a source has no file transfer) and are written as PNG
with their resolution before the parent hears of them.
"""

from __future__ import annotations

import logging
import multiprocessing

from sohoa.capture.driver import DeviceInfo
from sohoa.capture.errors import DriverCrashedError, ScannerNotRespondingError, TwainMissingError
from sohoa.capture.sane_driver import SaneDriver, _WorkerProcess
from sohoa.capture.twain_worker import PREFIX, TwainEngine, is_twain_device

log = logging.getLogger(__name__)

__all__ = ["PREFIX", "TwainDriver", "TwainEngine", "is_twain_device"]


class _TwainWorkerProcess(_WorkerProcess):
    """One spawned TWAIN worker and its pipe (same protocol as the SANE worker)."""

    def __init__(
        self, twain_module: str | None, start_timeout_s: float, fault_log: str | None, watchdog_s: float = 0.0
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self.cancel = ctx.Event()
        from sohoa.capture.twain_worker import worker_main

        self.process = ctx.Process(
            target=worker_main,
            args=(child, self.cancel, fault_log, twain_module, watchdog_s),
            name="sohoa-twain",
            daemon=True,
        )
        self.process.start()
        child.close()
        if not self.conn.poll(start_timeout_s):
            self.kill()
            raise ScannerNotRespondingError(device="TWAIN", seconds=int(start_timeout_s))
        try:
            first = self.conn.recv()
        except EOFError:
            self.kill()
            raise DriverCrashedError(device="TWAIN", detail=self.exit_description()) from None
        if first.get("ev") != "ready":
            self.kill()
            detail = str(first.get("detail", first))
            if detail.startswith("pytwain missing"):
                raise TwainMissingError(what="pytwain (TWAIN)", install="pip install pytwain")
            raise DriverCrashedError(device="TWAIN", detail=detail)


class TwainDriver(SaneDriver):
    """TWAIN sources (the scanner makers' Windows drivers), each session in the worker."""

    name = "twain"
    worker_kind = "TWAIN"

    def __init__(
        self,
        *,
        timeout_s: float = 60.0,
        start_timeout_s: float = 60.0,
        twain_module: str | None = None,
    ) -> None:
        """``twain_module``: the import name of pytwain in the worker (None: ``twain``)."""
        super().__init__(None, timeout_s=timeout_s, start_timeout_s=start_timeout_s)
        self._twain_module = twain_module

    def _new_worker(self) -> _WorkerProcess:
        # the worker writes its stacks before the parent gives up on it (see twain_worker._Watchdog)
        watchdog_s = max(1.0, 0.75 * self.timeout_s)
        return _TwainWorkerProcess(self._twain_module, self.start_timeout_s, self._fault_log(), watchdog_s)

    def list_devices(self) -> list[DeviceInfo]:
        return [DeviceInfo(**d) for d in self._call({"op": "list"}, "TWAIN")]

    def ping(self) -> int:
        return int(self._call({"op": "ping"}, "TWAIN"))

    def crash_worker_for_test(self, code: int = 70) -> None:
        """Make the worker exit abruptly, as a crashing data source would (tests only)."""
        worker = self._ensure_worker()
        worker.conn.send({"op": "crash", "code": code})
        worker.process.join(10)
