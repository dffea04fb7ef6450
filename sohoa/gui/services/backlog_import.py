"""Backlog import: a stack already scanned to files, each page checked for separator sheets and receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.gui.services.base import AppContext, ProgressLike
from sohoa.gui.services.capture import ScannedPage, _ui_page

SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def files_in(folder: Path) -> list[Path]:
    """The folder's PDF and image files in name order (a scanner's numbering keeps the stack's order)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def import_stack(
    ctx: AppContext, files: list[Path], out_dir: Path, first: int, progress: ProgressLike
) -> list[ScannedPage]:
    """Every page of ``files`` (PDF pages included), with barcodes read: separators split the stack."""
    from sohoa.capture import importer

    expanded: list[Path] = []
    for f in files:
        expanded.extend(files_in(f) if f.is_dir() else [f])
    out: list[ScannedPage] = []

    def landed(page: Any) -> None:
        out.append(_ui_page(ctx, page.path, page.dpi, page.mode, True))
        progress.item(out[-1])
        progress(len(out), 0, "")

    from sohoa.gui.services import capture

    # the cancel token: the worker's own progress once the workflow lands, a small adapter until then
    token = capture._Cancel(progress) if hasattr(capture, "_Cancel") else progress
    importer.import_files(expanded, out_dir, first_index=first, on_page=landed, cancel=token)
    return out
