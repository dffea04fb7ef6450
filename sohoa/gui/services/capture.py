"""Scanning and importing pages, with the small images the UI shows; crash recovery."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.core.i18n import Text
from sohoa.gui.services.base import (
    AppContext,
    ProgressLike,
)

log = logging.getLogger(__name__)


# -- scanning ---------------------------------------------------------------------------------
from sohoa.workflow.page_info import PREVIEW_PX, THUMB_PX, make_previews, page_flags  # noqa: E402

__all__ = ["PREVIEW_PX", "THUMB_PX", "make_previews", "page_flags"]


@dataclass
class ScannerInfo:
    name: str  # what the driver opens, e.g. "test:0"
    label: str  # what the clerk reads


@dataclass
class ScannedPage:
    """One page on disk with the small images the UI shows (made in the worker, not the UI thread)."""

    file: Path
    thumb: Path
    preview: Path
    dpi: int = 300
    color_mode: str = "color"
    flags: set[str] = field(default_factory=set)
    rotation: int = 0  # clockwise degrees the clerk asked for, applied before processing
    new_document: bool = False  # the clerk split the dossier here
    separator_code: str = ""  # a separator sheet's label ("-" when unnamed): not part of any document
    dossier_code: str = ""  # a receipt slip's code, read from its barcode
    page_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # its identity in the dossier draft


_scanner_cache: list[ScannerInfo] = []


def cached_scanners() -> list[ScannerInfo]:
    return list(_scanner_cache)


def _drivers(ctx: AppContext) -> list[Any]:
    from sohoa import capture as scanners

    return scanners.drivers_from_config(ctx.settings.scanner)


def list_scanners(ctx: AppContext) -> list[ScannerInfo]:
    """Scanners the drivers find (slow on networks: call from a worker)."""
    from sohoa import capture as scanners

    drivers = _drivers(ctx)
    try:
        found = [
            ScannerInfo(d.name, f"{d.vendor} {d.model} ({d.name})")
            for d in scanners.list_all_devices(drivers)
        ]
    finally:
        for d in drivers:
            d.close()
    configured = ctx.settings.scanner.device
    if configured and configured not in {s.name for s in found}:
        found.insert(0, ScannerInfo(configured, configured))
    _scanner_cache[:] = found
    return found


class ScanSession:
    """One dossier's scanning: a journaled batch (crash recovery) that Scan and Scan more append to.

    The SANE driver runs in its own process, so a hung or crashed scanner never takes the app down.
    Create, use and close it from worker threads only (never from the UI thread).
    """

    def __init__(
        self,
        ctx: AppContext,
        out_dir: Path,
        device: str = "",
        profile: str = "",
        journal: Any = None,
        page_cache: Any = None,
    ) -> None:
        from sohoa.capture.batch import ScanBatch
        from sohoa.capture.settings import settings_from_profile
        from sohoa.core.config import ScanProfile

        self.ctx = ctx
        settings = ctx.settings
        self.device = device or settings.scanner.device
        if not self.device:
            from sohoa.core.errors import DeviceError

            raise DeviceError(
                Text(
                    vi="Chưa chọn máy quét. Hãy chọn máy quét trong Cài đặt.",
                    en="No scanner is selected. Choose one in Settings.",
                )
            )
        self.profile = settings.profiles.get(profile or settings.scanner.profile) or ScanProfile()
        self.drivers = _drivers(ctx)
        from sohoa import capture as scanners

        driver = scanners.driver_for(self.device, self.drivers)
        self.batch = ScanBatch(
            driver,
            self.device,
            settings_from_profile(self.profile),
            out_dir,
            recovery_root=ctx.paths.recovery,
            journal=journal,
        )
        from sohoa.gui.services.page_worker import warm_up

        warm_up()  # the per-page helper process starts while the scanner warms up
        self.pages: list[ScannedPage] = []
        self.page_cache = page_cache  # sohoa.workflow.page_cache.PageCache: each page processed as it lands

    def scan(self, progress: ProgressLike, max_pages: int | None = None) -> list[ScannedPage]:
        """Scan one session (the feeder until empty); each page reaches ``progress.item`` at once."""
        from sohoa.capture.errors import ScanCancelledError

        new: list[ScannedPage] = []
        total = max_pages or 0

        def landed(page: Any) -> None:
            ui_page = _ui_page(self.ctx, page.path, page.dpi, page.mode, self.profile.split_on_separator)
            new.append(ui_page)
            progress.item(ui_page)
            progress(len(new), total, "")
            if self.page_cache is not None and not ui_page.separator_code:
                self.page_cache.submit(ui_page.file, ui_page.rotation)  # returns at once

        try:
            self.batch.scan(max_pages=max_pages, on_page=landed, cancel=progress)
        except ScanCancelledError:
            pass  # the pages so far are kept and shown
        self.pages.extend(new)
        return new

    def finish(self) -> None:
        """The dossier is saved: forget the crash-recovery journal (the page files stay)."""
        if not self.batch.closed:
            self.batch.finish(self.batch.out_dir)

    def close(self) -> None:
        for d in self.drivers:
            d.close()


def import_files(
    ctx: AppContext, files: list[Path], out_dir: Path, first: int, progress: ProgressLike
) -> list[ScannedPage]:
    """Insert image or PDF files as pages (every page of a PDF or multi-page TIFF), with previews."""
    from sohoa.capture import importer

    out: list[ScannedPage] = []

    def landed(page: Any) -> None:
        out.append(_ui_page(ctx, page.path, page.dpi, page.mode, False))
        progress.item(out[-1])

    importer.import_files(files, out_dir, first_index=first, on_page=landed, cancel=progress)
    return out


def _ui_page(ctx: AppContext, path: Path, dpi: int, mode: str, read_codes: bool) -> ScannedPage:
    """Previews, a quick blank check, and the page's barcode (separator sheet or receipt slip).

    The image work runs in a helper process (see page_worker): on a thread of this process it
    would hold the GIL long enough to stall the UI while the feeder runs.
    """
    from sohoa.gui.services.page_worker import page_info

    info = page_info(
        path, dpi, read_codes, ctx.settings.scanner.separator_pattern, ctx.settings.general.province_profile
    )
    page = ScannedPage(path, info.thumb, info.preview, dpi=dpi, color_mode=mode, flags=info.flags)
    if info.separator_code is not None:
        page.separator_code = info.separator_code
    page.dossier_code = info.dossier_code
    return page


# -- crash recovery -----------------------------------------------------------------------------
@dataclass
class UnfinishedBatch:
    id: str
    device: str
    created: str
    pages: list[Path]
    raw: Any = None


def unfinished_batches(ctx: AppContext) -> list[UnfinishedBatch]:
    """Scan batches a crash left open (their pages survived, journaled one by one).

    The processed pages of dossiers no journal holds any more (the app stopped between a discard
    or a Finish and the removal of their cache) are removed here, at start: they are personal data.
    """
    from sohoa.capture import journal
    from sohoa.workflow.page_cache import purge_abandoned

    batches = [
        UnfinishedBatch(
            b.batch_id,
            b.device,
            b.created,
            [p.path for p in b.pages] or [Path(p["file"]) for p in b.state.get("pages", [])],
            raw=b,
        )
        for b in journal.find_unfinished(ctx.paths.recovery)
        if b.has_work
    ]
    purge_abandoned(ctx.paths.work, keep={_dossier_key(b) for b in batches})
    return batches


def _dossier_key(batch: UnfinishedBatch) -> str:
    """The counter's batch id a journal's state names (the key of its page cache)."""
    return str((getattr(batch.raw, "state", None) or {}).get("batch_id") or "")


def restore_batch(ctx: AppContext, batch: UnfinishedBatch, dest: Path) -> list[ScannedPage]:
    """Copy the recovered pages into ``dest`` (then the batch is forgotten) with fresh previews."""
    from sohoa.capture.journal import restore

    return [_ui_page(ctx, p, 300, "color", False) for p in restore(batch.raw, dest)]


def discard_batch(ctx: AppContext, batch: UnfinishedBatch) -> None:
    from sohoa.capture.journal import discard
    from sohoa.workflow.page_cache import cache_root, purge

    discard(batch.raw)
    key = _dossier_key(batch)
    if key:
        purge(cache_root(ctx.paths.work, key))  # its processed pages go with it
