"""Each page processed as it lands, so that Finish only assembles, signs and queues.

A dossier's pages are processed in the background (a low-priority process pool, the same
per-page pipeline as the job runner) into the dossier's own cache folder inside the app's data
folder (``work/pages/<dossier>``, 0700, files 0600). A result is keyed by the SHA-256 of the
page file, the clerk's edit to it (rotation), the processing options and the app's version, so
an edited page can never be served a stale result: its key is a new one, and it is processed
again. A dossier's cache is its own folder: discarding the dossier (or starting the next one)
cancels its work and removes the folder, so a page never reaches another citizen's dossier.
The cache holds derived data only; the scans and the recovery journal stay where they are, so a
cancel or a crash loses nothing scanned (a recovered dossier finds its cache again by its id).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError as FutureCancelled
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sohoa import __version__
from sohoa.core.errors import CancelledError, SoHoaError, from_wire, to_wire
from sohoa.core.fsutil import sha256_file
from sohoa.core.paths import private_dir
from sohoa.core.progress import Progress, check_cancel

if TYPE_CHECKING:
    from sohoa.processing.options import ProcessOptions
    from sohoa.processing.page import PageResult

log = logging.getLogger(__name__)

CACHE_DIR = "pages"  # under AppPaths.work
RESULT_FILE = "result.json"  # sohoa.processing.single.RESULT_FILE: a folder holding it is a whole result
WORKER_NICE = 10  # the pool's workers yield to the feeder, the UI and the rest of the app


def cache_root(work: Path, dossier_key: str) -> Path:
    """The dossier's own cache folder (``dossier_key``: the counter's batch id, never a citizen's data)."""
    if not dossier_key or not all(c.isalnum() or c in "-_" for c in dossier_key):
        raise ValueError(f"bad dossier key {dossier_key!r}")
    return work / CACHE_DIR / dossier_key


def options_key(options: ProcessOptions) -> dict[str, Any]:
    """The options that change a page's result (not the number of workers)."""
    d = {f.name: getattr(options, f.name) for f in fields(options) if f.name != "jobs"}
    d["allowed_color_modes"] = [m.value for m in options.allowed_color_modes]
    return d


def page_key(source_hash: str, rotation: int, options: ProcessOptions) -> str:
    """What a page's result depends on: its scan, the clerk's edit, the options, the app's version.

    Only light modules are imported on this side: the app's threads must not import the pipeline
    (OpenCV, NumPy, pikepdf hold the interpreter while they load, and the UI would stall).
    """
    text = json.dumps(
        {"src": source_hash, "rotation": rotation % 360, "options": options_key(options), "v": __version__},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- in the worker process ---------------------------------------------------------------------
def _init_worker(parent: int, nice: int) -> None:
    """Low priority (the feeder and the UI come first), private files, one Tesseract thread."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.umask(0o077)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(nice)
    from sohoa.workflow.page_info import exit_with_parent

    exit_with_parent(parent)


def _upright(path: Path, rotation: int, folder: Path) -> Path:
    """A copy with the clerk's rotation applied (the scan stays as it was), as Finish always did."""
    from PIL import Image

    target = folder / f"{path.stem}.r{rotation}.png"
    with Image.open(path) as im:
        dpi = im.info.get("dpi")
        rotated = im.rotate(-rotation, expand=True)
        rotated.save(target, compress_level=1, **({"dpi": dpi} if dpi else {}))
    return target


def process_into(root: str, key: str, path: str, rotation: int, options: ProcessOptions) -> tuple[str, Any]:
    """Process one page into ``root/key`` (written aside, then renamed: never half a result).

    Returns ("ok", None), ("gone", None) when the dossier's cache was removed meanwhile, or
    ("error", wire) for a typed error (the error itself does not pickle).
    """
    from sohoa.processing.single import process_file, save_results

    folder, final = Path(root), Path(root) / key
    if (final / RESULT_FILE).is_file():
        return "ok", None
    tmp = folder / f".tmp-{uuid.uuid4().hex}"
    try:
        tmp.mkdir(mode=0o700)  # fails when the dossier was discarded: its folder is gone
    except OSError:
        return "gone", None
    try:
        src = _upright(Path(path), rotation, tmp) if rotation else Path(path)
        results = process_file(src, options, tmp)
        save_results(results, tmp)
        used = {Path(f).name for r in results for f in [r.image_file, *(p[2] for p in r.patches)] if f}
        for f in tmp.iterdir():  # OCR inputs, the rotated copy: only the result and its images stay
            if f.name != RESULT_FILE and f.name not in used:
                f.unlink()
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / RESULT_FILE).is_file():
                return "gone", None
    except SoHoaError as e:
        return "error", to_wire(e)
    except OSError as e:
        if not folder.is_dir():
            return "gone", None
        raise RuntimeError(f"page {Path(path).name}: {e}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return "ok", None


# -- in the app ----------------------------------------------------------------------------------
_lock = threading.Lock()
_live: set[str] = set()  # the dossier keys of the caches open in this process
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def _context() -> multiprocessing.context.BaseContext:
    # spawned, never forked from a process that runs Qt or other threads; the workers are our own
    # children, so they can watch this process and quit with it
    return multiprocessing.get_context("spawn")


def _executor(workers: int) -> ProcessPoolExecutor:
    """One pool for the app's life (started with the first page, reused by the next dossiers)."""
    global _pool, _pool_workers
    with _lock:
        broken = _pool is not None and getattr(_pool, "_broken", False)
        if _pool is None or _pool_workers != workers or broken:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(os.getpid(), WORKER_NICE),
            )
            _pool_workers = workers
        return _pool


def shutdown(wait: bool = True) -> None:
    """Stop the pool (a test ends; the app quits: ``wait=False`` ends the pages in flight at once,
    as the pool would otherwise hold the exit until they are done). Only derived data is lost: a
    page not processed is processed again at Finish."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=wait, cancel_futures=True)
    if not wait:
        for proc in processes:
            with contextlib.suppress(OSError, AttributeError):
                proc.terminate()


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(2, cores))


@dataclass
class _Job:
    key: str
    future: Future[tuple[str, Any]]
    name: str


class PageCache:
    """One dossier's pages, processed in the background as they land and after every edit.

    Thread-safe: the scanner's worker, the UI and the finishing worker call it. ``submit`` and
    ``sync`` return at once (hashing runs on a thread of its own); :meth:`results` waits for the
    pages still in flight and processes those never submitted.
    """

    def __init__(
        self, work: Path, dossier_key: str, options: ProcessOptions, workers: int | None = None
    ) -> None:
        self.dossier_key = dossier_key
        private_dir(work / CACHE_DIR)
        self.root = private_dir(cache_root(work, dossier_key))
        _live.add(dossier_key)
        self.options = options
        self.workers = workers or default_workers()
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}  # key -> the job that makes it
        self._hashes: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256
        self._wanted: set[tuple[str, int]] = set()
        self._hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-cache")
        self.discarded = False
        self.computed = 0  # pages sent to the pool (each one OCR run)
        self.reused = 0  # pages Finish took from the cache or from work already in flight

    # -- keys ----------------------------------------------------------------------------
    def key(self, path: Path, rotation: int, options: ProcessOptions | None = None) -> str:
        st = os.stat(path)
        memo = (str(path), st.st_size, st.st_mtime_ns)
        with self._lock:
            digest = self._hashes.get(memo)
        if digest is None:
            digest = sha256_file(path)
            with self._lock:
                self._hashes[memo] = digest
        return page_key(digest, rotation, options or self.options)

    def cached(self, key: str) -> bool:
        return (self.root / key / RESULT_FILE).is_file()

    # -- feeding -------------------------------------------------------------------------
    def submit(self, path: Path, rotation: int = 0) -> None:
        """A page landed (or was edited): process it in the background unless already done."""
        if self.discarded:
            return
        with self._lock:
            self._wanted.add((str(path), rotation % 360))
        with contextlib.suppress(RuntimeError):  # the hasher is shut down: discarded meanwhile
            self._hasher.submit(self._dispatch, Path(path), rotation % 360)

    def sync(self, pages: Iterable[tuple[Path, int]]) -> None:
        """The pages as they are now (after an edit): start what is new, drop queued work no one wants."""
        wanted = {(str(p), r % 360) for p, r in pages}
        with self._lock:
            new = wanted - self._wanted
            self._wanted = wanted
        for path, rotation in sorted(new):
            self.submit(Path(path), rotation)
        with contextlib.suppress(RuntimeError):
            self._hasher.submit(self._drop_unwanted)

    def _drop_unwanted(self) -> None:
        with self._lock:
            wanted = {self._memo_key(p, r) for p, r in self._wanted}
            for key, job in list(self._jobs.items()):
                if key not in wanted and job.future.cancel():
                    del self._jobs[key]

    def _memo_key(self, path: str, rotation: int) -> str | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        digest = self._hashes.get((path, st.st_size, st.st_mtime_ns))
        return page_key(digest, rotation, self.options) if digest else None

    def _dispatch(self, path: Path, rotation: int, options: ProcessOptions | None = None) -> _Job | None:
        options = options or self.options
        try:
            key = self.key(path, rotation, options)
        except OSError:
            return None  # the page file was deleted meanwhile (a dropped page)
        with self._lock:
            if self.discarded:
                return None
            job = self._jobs.get(key)
            if job is not None and not job.future.cancelled():
                return job
            if self.cached(key):
                done: Future[tuple[str, Any]] = Future()
                done.set_result(("ok", None))
                job = self._jobs[key] = _Job(key, done, path.name)
                return job
            future = _executor(self.workers).submit(
                process_into, str(self.root), key, str(path), rotation, options
            )
            self.computed += 1
            job = self._jobs[key] = _Job(key, future, path.name)
            return job

    def settle(self) -> None:
        """Wait until every page submitted so far is hashed and handed to the pool."""
        with contextlib.suppress(RuntimeError):
            self._hasher.submit(lambda: None).result()

    def idle(self) -> bool:
        """Every page submitted so far is processed (or failed)."""
        self.settle()
        with self._lock:
            return all(j.future.done() for j in self._jobs.values())

    # -- finishing -----------------------------------------------------------------------
    def results(
        self,
        pages: list[tuple[Path, int]],
        options: ProcessOptions | None = None,
        progress: Progress | None = None,
        on_page: Callable[[int, int, str], None] | None = None,
    ) -> list[PageResult]:
        """Each page's result, in order: from the cache, from work in flight, or processed now."""
        from sohoa.processing.single import load_results

        if self.discarded:
            raise CancelledError()
        private_dir(self.root)  # removed behind our back (another window's clean-up): process again
        self.settle()
        options = options or self.options
        with self._lock:  # Finish wants these: no edit-driven clean-up may cancel them now
            self._wanted |= {(str(p), r % 360) for p, r in pages}
        jobs: list[_Job] = []
        for path, rotation in pages:
            before = self.computed
            job = self._dispatch(Path(path), rotation % 360, options)
            if job is None:
                from sohoa.processing.errors import InputNotFound

                raise InputNotFound(path=str(path))
            if self.computed == before:
                self.reused += 1
            jobs.append(job)
        out: list[PageResult] = []
        for n, job in enumerate(jobs, start=1):
            retried = False
            while True:
                check_cancel(progress)
                try:
                    status, payload = job.future.result(timeout=0.2)
                    break
                except TimeoutError:
                    continue
                except FutureCancelled:  # dropped by an edit meanwhile: hand it over again
                    path, rotation = pages[n - 1]
                    job = self._dispatch(Path(path), rotation % 360, options) or job
                except BrokenProcessPool:  # a worker died (killed, out of memory): once more, on a new pool
                    if retried:
                        raise
                    retried = True
                    log.warning("page worker died on %s; processing the page again", job.name)
                    with self._lock:
                        self._jobs.pop(job.key, None)
                    path, rotation = pages[n - 1]
                    job = self._dispatch(Path(path), rotation % 360, options) or job
            if status == "error":
                raise from_wire(payload)
            if status != "ok":
                raise CancelledError()
            try:
                out += load_results(self.root / job.key)
            except (OSError, ValueError) as e:  # damaged on disk: process it again, now
                log.warning("page result unreadable (%s); processing the page again", e)
                shutil.rmtree(self.root / job.key, ignore_errors=True)
                with self._lock:
                    self._jobs.pop(job.key, None)
                return self.results(pages, options, progress, on_page)
            if on_page is not None:
                on_page(n, len(jobs), job.name)
        return out

    # -- the end of the dossier ----------------------------------------------------------
    def discard(self) -> None:
        """Cancel the dossier's work and remove its cache folder (discarded, replaced or finished)."""
        _live.discard(self.dossier_key)
        with self._lock:
            self.discarded = True
            jobs = list(self._jobs.values())
            self._jobs.clear()
            self._wanted.clear()
        self._hasher.shutdown(wait=False, cancel_futures=True)
        for job in jobs:
            job.future.cancel()
        tomb = purge(self.root)
        for job in jobs:  # a page in flight may still be writing there: remove what it left once it ends
            if not job.future.done():
                job.future.add_done_callback(lambda _f, t=tomb: shutil.rmtree(t, ignore_errors=True))


def purge(root: Path) -> Path:
    """Remove a dossier's cache folder, renamed first so that work still in flight (which writes by
    the old path) can no longer write into it; returns where it went."""
    tomb = root.with_name(f".gone-{root.name}-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(root, tomb)
    except OSError:
        tomb = root
    shutil.rmtree(tomb, ignore_errors=True)
    return tomb


def purge_abandoned(work: Path, keep: Iterable[str] = (), min_age_s: float = 3600) -> list[str]:
    """Remove the caches of dossiers no one holds any more (the app stopped before removing them).

    Kept: ``keep`` (dossiers a recovery journal holds), the caches open in this process, and those
    changed in the last ``min_age_s`` (another window of the app may be scanning into them).
    """
    base = work / CACHE_DIR
    if not base.is_dir():
        return []
    keep = set(keep) | _live
    removed = []
    now = time.time()
    for folder in base.iterdir():
        if folder.name in keep:
            continue
        try:
            fresh = now - folder.stat().st_mtime < min_age_s and not folder.name.startswith(".gone-")
        except OSError:
            continue
        if fresh:
            continue
        if folder.name.startswith(".gone-"):  # a removal an exit interrupted
            shutil.rmtree(folder, ignore_errors=True)
        else:
            purge(folder)
        removed.append(folder.name)
    return removed
