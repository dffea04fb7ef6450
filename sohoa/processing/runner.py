"""The job runner: pages in parallel worker processes, then one validated PDF/A.

Inputs are checked first (nothing starts on a bad input), pages are processed in a pool
of worker processes (one per core; each runs one single-threaded Tesseract), and the PDF
is assembled in input order, validated, and renamed into place. A failure or a cancel at
any point leaves no output file; the job's work folder is always removed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from sohoa.core.errors import CancelledError, InputError, OutputError, SoHoaError, from_wire, to_wire
from sohoa.core.i18n import Text
from sohoa.core.model import ColorMode
from sohoa.core.paths import app_paths, private_dir
from sohoa.core.progress import Progress
from sohoa.processing import ocr
from sohoa.processing.encode import EncodedImage
from sohoa.processing.options import PdfMetadata, ProcessOptions, ProcessReport
from sohoa.processing.page import PageResult, process_page
from sohoa.processing.pdfa import PdfPage, write_pdfa
from sohoa.processing.sources import PageSource, list_pages

log = logging.getLogger(__name__)


NO_INPUT = Text(
    vi="Không có tệp đầu vào nào. Hãy chọn ít nhất một ảnh quét hoặc tệp PDF.",
    en="No input files were given. Choose at least one scanned image or PDF.",
)
NO_PAGES_LEFT = Text(
    vi="Mọi trang đều trắng và đã bị bỏ nên không có gì để lưu. Hãy quét lại, hoặc bỏ tùy chọn bỏ trang trắng.",
    en="Every page is blank and was dropped, so there is nothing to save. Scan again, or turn off dropping blank pages.",
)


def _worker(src: PageSource, number: int, options: ProcessOptions, work: str) -> tuple[str, Any]:
    """Run one page; typed errors come back as data (their constructor does not pickle)."""
    try:
        cpu = _cpu()
        result = process_page(src, number, options, Path(work))
        result.report.cpu_seconds = round(_cpu() - cpu, 2)
        return "ok", result
    except SoHoaError as e:
        return "error", to_wire(e)  # the core's one wire form


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the Tesseract runs it waited for):
    unlike wall time, this does not depend on what else the machine is running."""
    try:
        import resource
    except ImportError:  # Windows: no children's times there, this process only
        return time.process_time()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _cancelled(progress: Progress | None) -> bool:
    return progress is not None and progress.is_cancelled()


def worker_count(options: ProcessOptions, pages: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(options.jobs or cores, pages))


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: never fork a process that runs Qt or other threads (the UI calls us from one)
    return multiprocessing.get_context("forkserver" if sys.platform.startswith("linux") else "spawn")


def _run_pages(
    sources: list[PageSource],
    options: ProcessOptions,
    work: Path,
    progress: Progress | None,
) -> list[PageResult]:
    results: dict[int, PageResult] = {}
    total = len(sources)

    def done(i: int, status: str, payload: Any) -> None:
        if status == "error":
            raise from_wire(payload)
        results[i] = payload
        if progress is not None:
            progress(len(results), total, payload.report.source)
            progress.item(payload.report)

    jobs = worker_count(options, total)
    if jobs == 1:
        for i, src in enumerate(sources):
            if _cancelled(progress):
                raise CancelledError()
            done(i, *_worker(src, i + 1, options, str(work)))
        return [results[i] for i in range(total)]

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
    try:
        pending: dict[Future[tuple[str, Any]], int] = {}
        queue = list(enumerate(sources))
        while queue or pending:
            while queue and len(pending) < jobs * 2:  # a short queue keeps memory flat on long jobs
                i, src = queue.pop(0)
                pending[pool.submit(_worker, src, i + 1, options, str(work))] = i
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if _cancelled(progress):
                raise CancelledError()
            for fut in finished:
                done(pending.pop(fut), *fut.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[i] for i in range(total)]


def _pdf_page(result: PageResult) -> PdfPage:
    mode = ColorMode(result.report.color_mode)
    data = Path(result.image_file).read_bytes()
    globals_ = Path(result.globals_file).read_bytes() if result.globals_file else b""
    image = EncodedImage(
        result.image_kind,
        mode,
        result.width,
        result.height,
        data,
        result.black_is_1,
        result.image_scale,
        globals_,
    )
    patches = [
        (x, y, EncodedImage("jpeg", ColorMode.COLOR, w, h, Path(f).read_bytes()))
        for x, y, f, w, h in result.patches
    ]
    return PdfPage(image=image, dpi=result.report.dpi, words=result.words, patches=patches)


def process_document(
    inputs: list[Path],
    out_pdf: Path,
    options: ProcessOptions | None = None,
    metadata: PdfMetadata | None = None,
    progress: Progress | None = None,
) -> ProcessReport:
    """Process ``inputs`` (images and PDFs, in order) into one validated PDF/A-2b at ``out_pdf``.

    ``progress`` (the core contract, :mod:`sohoa.core.progress`) gets ``(done, total, page
    name)`` and ``item(page_report)`` as pages finish (from this thread); when it is cancelled
    the job stops with CancelledError. Raises a typed SoHoaError on bad input, a missing Tesseract language,
    an OCR failure or a failed PDF/A validation; ``out_pdf`` is then left untouched.
    """
    options = options or ProcessOptions()
    metadata = metadata or PdfMetadata()
    started = time.monotonic()
    if options.ocr:
        ocr.use_model(options.ocr_model, options.ocr_engine)
        ocr.check_languages(options.languages)
    if not inputs:
        raise InputError(NO_INPUT)
    sources = list_pages([Path(p) for p in inputs])
    work = Path(tempfile.mkdtemp(prefix="job-", dir=private_dir(app_paths().work)))
    try:
        results = _run_pages(sources, options, work, progress)
        kept = [r for r in results if r.report.included]
        if not kept:
            raise OutputError(NO_PAGES_LEFT)
        if _cancelled(progress):
            raise CancelledError()
        size = write_pdfa([_pdf_page(r) for r in kept], Path(out_pdf), metadata)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = ProcessReport(
        output=str(out_pdf),
        pages=[r.report for r in results],
        pdfa_valid=True,
        seconds=time.monotonic() - started,
        bytes=size,
    )
    log.info(
        "processed %d pages into %s (%d bytes) in %.1f s",
        len(results),
        Path(out_pdf).name,
        size,
        report.seconds,
    )
    return report
