"""Per-page work as each scanned page lands (previews, flags, barcodes), in a helper process.

Decoding a 300 dpi page, scaling it and analysing it are C calls that keep Python's GIL for tens
of milliseconds; run on a thread of the app's own process, they stall the UI's event loop while
the feeder runs. One long-lived helper process (spawned, never forked from Qt) does it instead;
the calling worker thread only waits for the answer, which releases the GIL. The helper runs
:mod:`sohoa.workflow.page_info` only, so it never loads the GUI, the PDF writer or pikepdf.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sohoa.workflow import page_info as jobs
from sohoa.workflow.page_info import PageInfo

__all__ = ["PageInfo", "helper_modules", "page_info", "shutdown", "warm_up"]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=jobs.exit_with_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(shutdown)
        return _pool


def warm_up() -> None:
    """Start the helper process early (first use imports NumPy, OpenCV, Pillow: about a second)."""
    _executor().submit(jobs.warm)


def shutdown(wait: bool = False) -> None:
    """Stop the helper (the next use starts a new one); ``wait``: until its process has ended."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


def page_info(
    path: Path, dpi: int, read_codes: bool, separator_pattern: str, province_profile: str
) -> PageInfo:
    """Previews, flags and codes of one page, computed in the helper process."""
    return (
        _executor()
        .submit(jobs.page_info, str(path), dpi, read_codes, separator_pattern, province_profile)
        .result()
    )


def helper_modules() -> list[str]:
    """The modules the helper process has loaded (it must stay small: no pipeline, no GUI)."""
    return _executor().submit(jobs.loaded_modules).result()
