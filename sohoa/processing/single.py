"""One page at a time: process a page file on its own, and assemble pages processed earlier.

The counter processes each page as it lands (:mod:`sohoa.workflow.page_cache`), so Finish only
assembles, signs and queues. This module is the pipeline's per-page entry: the same
:func:`sohoa.processing.page.process_page` the job runner calls, and the same PDF/A writer and
validation, so a dossier built from per-page results is the file the job runner would build.
A result is saved as JSON plus its encoded images in its own folder, never as a pickle.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from sohoa.core.errors import OutputError
from sohoa.processing import ocr
from sohoa.processing.ocr import Word
from sohoa.processing.options import PageReport, PdfMetadata, ProcessOptions, ProcessReport
from sohoa.processing.page import PageResult, process_page
from sohoa.processing.runner import NO_PAGES_LEFT, _pdf_page
from sohoa.processing.sources import list_pages

RESULT_FILE = "result.json"
RESULT_FORMAT = 1


def process_file(path: Path, options: ProcessOptions, work: Path) -> list[PageResult]:
    """Process every page of one input file (a scan is one page) into ``work``; raise a typed error."""
    if options.ocr:
        ocr.use_model(options.ocr_model, options.ocr_engine)
        ocr.check_languages(options.languages)
    sources = list_pages([Path(path)])
    return [process_page(src, n, options, work) for n, src in enumerate(sources, start=1)]


def save_results(results: list[PageResult], folder: Path) -> None:
    """Write ``results`` (their images already in ``folder``) as ``result.json``, paths relative."""

    def rel(name: str) -> str:
        return str(Path(name).relative_to(folder)) if name else ""

    pages = []
    for r in results:
        d = asdict(r)
        d["image_file"] = rel(r.image_file)
        d["patches"] = [[x, y, rel(f), w, h] for x, y, f, w, h in r.patches]
        pages.append(d)
    (folder / RESULT_FILE).write_text(json.dumps({"format": RESULT_FORMAT, "pages": pages}), "utf-8")


def load_results(folder: Path) -> list[PageResult]:
    """Read what :func:`save_results` wrote (paths made absolute again); ValueError when unreadable."""
    data = json.loads((folder / RESULT_FILE).read_text("utf-8"))
    if data.get("format") != RESULT_FORMAT:
        raise ValueError(f"unknown page result format {data.get('format')!r}")
    out = []
    for d in data["pages"]:
        words = [Word(**{**w, "line": tuple(w["line"])}) for w in d.pop("words")]
        report = PageReport(**d.pop("report"))
        image = str(folder / d.pop("image_file")) if d.get("image_file") else ""
        patches = [(x, y, str(folder / f), w, h) for x, y, f, w, h in d.pop("patches")]
        out.append(PageResult(report=report, image_file=image, words=words, patches=patches, **d))
    for r in out:
        for f in [r.image_file, *(p[2] for p in r.patches)]:
            if f and not Path(f).is_file():
                raise ValueError(f"page result file missing: {Path(f).name}")
    return out


def assemble(results: list[PageResult], out_pdf: Path, metadata: PdfMetadata | None = None) -> ProcessReport:
    """One validated PDF/A-2b of pages processed earlier, in this order (blank pages dropped as flagged)."""
    started = time.monotonic()
    kept = [r for r in results if r.report.included]
    if not kept:
        raise OutputError(NO_PAGES_LEFT)
    from sohoa.processing.pdfa import write_pdfa

    size = write_pdfa([_pdf_page(r) for r in kept], Path(out_pdf), metadata or PdfMetadata())
    return ProcessReport(
        output=str(out_pdf),
        pages=[r.report for r in results],
        pdfa_valid=True,
        seconds=time.monotonic() - started,
        bytes=size,
    )
