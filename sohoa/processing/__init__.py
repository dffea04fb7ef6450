"""The processing pipeline: scanned pages in, one validated PDF/A-2b with an OCR text layer out.

Use :func:`process_document`; it is Qt-free and safe to call from a worker thread (pages
run in worker processes). See docs/processing.md for the steps and the design choices.
"""

from typing import Any

from sohoa.processing.options import PageReport, PdfMetadata, ProcessOptions, ProcessReport

__all__ = ["PageReport", "PdfMetadata", "ProcessOptions", "ProcessReport", "process_document"]


def __getattr__(name: str) -> Any:
    """``process_document`` is loaded on first use: a submodule (the page analysis in the app's
    preview helper) can be imported without the PDF writer and pikepdf."""
    if name == "process_document":
        from sohoa.processing.runner import process_document

        return process_document
    raise AttributeError(name)
