"""The commit checks in worker processes, off the event loop.

Why: the checks (pyHanko parse and validation, pikepdf's PDF/A validator) are pure
Python CPU work of ~15-30 ms a document. In a thread they hold the GIL, so one server
process checked one document at a time and starved its own HTTP handling; a process
pool sized to the cores checks several at once while the event loop keeps serving
uploads. Each worker loads the trust roots once and installs the fast hex-string
reader (:mod:`reference_repository.fast_hex`). Nothing is cached between documents:
every commit gets the full checks, unless the server was started with the explicit
``--no-content-checks`` (benchmarks of the uploader only: SHA-256 and nothing else).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reference_repository.checks import Findings, Rejected, check_checksum_only, check_upload

_roots: list[object] = []


def _die_with_parent(parent: int) -> None:
    """Linux: end this worker when the server process dies, even by SIGKILL (no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the server died before the call (we were re-parented)
        os._exit(1)


def _init_worker(root_ders: list[bytes], parent: int) -> None:
    _die_with_parent(parent)
    from asn1crypto import x509

    from reference_repository import fast_hex

    fast_hex.install()
    _roots[:] = [x509.Certificate.load(der) for der in root_ders]
    import pikepdf.pdfa  # noqa: F401  (import now, not in the first commit)
    import pyhanko.sign.validation  # noqa: F401


def _check_in_worker(path: str, sha256: str) -> Findings:
    return check_upload(Path(path), sha256, _roots)


def _ready() -> bool:
    return True


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class CheckPool:
    """``workers`` check processes (0: check in a thread of the server process, for debugging)."""

    def __init__(self, trust_roots: list[object], workers: int, content_checks: bool = True) -> None:
        self.trust_roots = trust_roots
        self.content_checks = content_checks  # False only with --no-content-checks (benchmarks)
        self.workers = workers
        self._ders = [root.dump() for root in trust_roots]  # type: ignore[attr-defined]
        self._pool: ProcessPoolExecutor | None = None
        self.wait_warm = True
        if workers > 0:
            self._pool = self._start()
        else:
            from reference_repository import fast_hex

            fast_hex.install()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server process runs an event loop and threads
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self._ders, os.getpid()),
        )
        warm = [pool.submit(_ready) for _ in range(self.workers)]  # start the workers and their imports
        if self.wait_warm:
            for future in warm:  # "ready" means ready: the first commits do not wait for imports
                future.result(timeout=300)
        return pool

    async def check(self, path: Path, sha256: str) -> Findings:
        """The checks of :func:`reference_repository.checks.check_upload`; raises Rejected."""
        loop = asyncio.get_running_loop()
        if not self.content_checks:
            return await loop.run_in_executor(None, check_checksum_only, path, sha256)
        if self._pool is None:
            return await loop.run_in_executor(None, check_upload, path, sha256, self.trust_roots)
        try:
            return await loop.run_in_executor(self._pool, _check_in_worker, str(path), sha256)
        except BrokenProcessPool:
            self.wait_warm = False  # in the event loop: do not block it
            self._pool = self._start()  # a worker died (OOM, killed): start afresh, the client retries
            raise

    def close(self) -> None:
        """End the check processes and wait for them (a SIGTERM must not orphan them)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        procs = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(2)


__all__ = ["CheckPool", "Rejected", "default_workers"]
