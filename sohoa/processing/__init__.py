"""The processing pipeline: scanned pages in, one validated PDF/A-2b with an OCR text layer out.

Use :func:`process_document`; it is Qt-free and safe to call from a worker thread (pages
run in worker processes). See docs/processing.md for the steps and the design choices.
"""

from sohoa.processing.options import PageReport, PdfMetadata, ProcessOptions, ProcessReport
from sohoa.processing.runner import process_document

__all__ = ["PageReport", "PdfMetadata", "ProcessOptions", "ProcessReport", "process_document"]
