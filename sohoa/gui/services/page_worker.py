"""Per-page work as each scanned page lands (previews, flags, barcodes), in a helper process.

Decoding a 300 dpi page, scaling it and analysing it are C calls that keep Python's GIL for tens
of milliseconds; run on a thread of the app's own process, they stall the UI's event loop while
the feeder runs. One long-lived helper process (spawned, never forked from Qt) does it instead;
the calling worker thread only waits for the answer, which releases the GIL.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


@dataclass
class PageInfo:
    thumb: Path
    preview: Path
    flags: set[str] = field(default_factory=set)
    separator_code: str | None = None  # "" : a separator sheet without a label
    dossier_code: str = ""


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(shutdown)
        return _pool


def _exit_with_parent(parent: int) -> None:
    """In the helper: quit as soon as the app is gone (killed or crashed), never linger as an orphan."""
    import psutil

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent or not psutil.pid_exists(parent):
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def warm_up() -> None:
    """Start the helper process early (first use imports NumPy, OpenCV, Pillow: about a second)."""
    _executor().submit(_noop)


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def page_info(
    path: Path, dpi: int, read_codes: bool, separator_pattern: str, province_profile: str
) -> PageInfo:
    """Previews, flags and codes of one page, computed in the helper process."""
    return (
        _executor()
        .submit(_page_info, str(path), dpi, read_codes, separator_pattern, province_profile)
        .result()
    )


def _noop() -> None:
    """Import the heavy modules once, before the first page arrives."""
    import importlib

    for name in (
        "numpy",
        "PIL.Image",
        "sohoa.processing.analyse",
        "sohoa.capture.separators",
        "sohoa.gui.services.capture",
    ):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


@functools.cache
def _profile(name: str):  # type: ignore[no-untyped-def]
    from sohoa.core.province import load_profile

    return load_profile(name)


def _page_info(
    path: str, dpi: int, read_codes: bool, separator_pattern: str, province_profile: str
) -> PageInfo:
    from PIL import Image

    from sohoa.gui.services.capture import make_previews, page_flags

    with Image.open(path) as im:
        thumb, preview = make_previews(im, Path(path))
        info = PageInfo(thumb, preview, page_flags(im, dpi))
    if read_codes:
        from sohoa.capture import separators

        codes = separators.read_codes(Path(path))
        label = separators.separator_label(codes, separator_pattern)
        if label is not None:
            info.separator_code = label or "-"
        else:
            info.dossier_code = separators.dossier_code_in(codes, _profile(province_profile)) or ""
    return info
