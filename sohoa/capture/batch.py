"""A scan batch: feeder sessions appended one after another, every page journaled as it lands.

This is what the UI and the CLI drive. ``scan()`` runs one session (the feeder until
it is empty); ``scan_more()`` appends the next session after a refill; ``scan_until(n)``
keeps starting sessions until ``n`` pages or an empty feeder. Pages stream to disk one
by one; the journal line is fsynced before ``on_page`` sees the page, so a crash at any
moment loses nothing the clerk was shown. ``finish()`` closes the batch.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sohoa.capture.driver import (
    NoticeCallback,
    PageCallback,
    ProgressCallback,
    ScanDriver,
    ScannedPage,
    ScanOutcome,
    page_name,
)
from sohoa.capture.errors import FeederEmptyError, ScanError
from sohoa.capture.journal import Journal
from sohoa.capture.settings import ScanSettings
from sohoa.core.fsutil import atomic_output
from sohoa.core.progress import Progress

log = logging.getLogger(__name__)


class ScanBatch:
    """One batch of pages from one device. Not thread-safe: drive it from one worker thread."""

    def __init__(
        self,
        driver: ScanDriver,
        device: str,
        settings: ScanSettings,
        out_dir: Path | None = None,
        *,
        recovery_root: Path | None = None,
        journal: Journal | None = None,
    ) -> None:
        """``out_dir``: where page files go (None: the batch's own recovery folder).

        ``journal``: an open journal to append to (the app keeps one per dossier, with its state).
        """
        self.driver = driver
        self.device = device
        self.settings = settings.validated()
        self.journal = journal or Journal.create(device, settings.to_dict(), out_dir, root=recovery_root)
        self.out_dir = Path(out_dir) if out_dir else self.journal.pages_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.pages: list[ScannedPage] = []
        self.closed = False

    @property
    def batch_id(self) -> str:
        return self.journal.batch_id

    def scan(
        self,
        *,
        max_pages: int | None = None,
        settings: ScanSettings | None = None,
        on_page: PageCallback | None = None,
        on_progress: ProgressCallback | None = None,
        on_notice: NoticeCallback | None = None,
        cancel: Progress | None = None,
    ) -> ScanOutcome:
        """One session, appended to the batch. Errors keep (and report) every page so far.

        ``settings`` replaces the batch's settings for this session only (e.g. one page
        in gray); ``max_pages`` stops the session early.
        """
        if self.closed:
            raise RuntimeError("this batch is finished")
        settings = (settings or self.settings).validated()
        if max_pages is not None:
            settings = settings.with_(max_pages=max_pages)

        def landed(page: ScannedPage) -> None:
            self.journal.add_page(page)  # durable before anyone is told
            self.pages.append(page)
            if on_page:
                on_page(page)

        try:
            outcome = self.driver.scan(
                self.device,
                settings,
                self.out_dir,
                first_index=len(self.pages) + 1,
                on_page=landed,
                on_progress=on_progress,
                on_notice=on_notice,
                cancel=cancel,
            )
        except ScanError as e:
            e.keep_pages(self.pages)  # the whole batch is kept, not only this session
            raise
        return ScanOutcome(pages=list(self.pages), reason=outcome.reason)

    scan_more = scan

    def scan_until(
        self,
        total: int,
        *,
        on_page: PageCallback | None = None,
        on_progress: ProgressCallback | None = None,
        on_notice: NoticeCallback | None = None,
        cancel: Progress | None = None,
    ) -> ScanOutcome:
        """Start sessions until the batch holds ``total`` pages or the feeder stays empty."""
        reason = "max-pages"
        while len(self.pages) < total:
            before = len(self.pages)
            try:
                outcome = self.scan(
                    max_pages=total - before,
                    on_page=on_page,
                    on_progress=on_progress,
                    on_notice=on_notice,
                    cancel=cancel,
                )
            except FeederEmptyError:
                if before == 0:
                    raise
                reason = "feeder-empty"
                break
            reason = outcome.reason
            if not self.settings.uses_feeder or len(self.pages) == before:
                break
        return ScanOutcome(pages=list(self.pages), reason=reason)

    def finish(self, dest: Path | None = None) -> list[Path]:
        """Close the batch; with ``dest``, move the pages there (page-001.png...). Returns the paths."""
        paths = [p.path for p in self.pages]
        if dest is None and self.out_dir == self.journal.pages_dir:
            raise ValueError("the pages are in the recovery folder: give finish() a destination")
        if dest is not None and Path(dest).resolve() != self.out_dir.resolve():
            dest = Path(dest)
            dest.mkdir(parents=True, exist_ok=True)
            moved = []
            for n, page in enumerate(self.pages, start=1):
                target = dest / page_name(n)
                with atomic_output(target) as tmp:
                    shutil.copyfile(page.path, tmp)
                moved.append(target)
            paths = moved
        self.journal.remove()
        self.closed = True
        log.info("batch %s finished with %d pages", self.batch_id, len(self.pages))
        return paths

    def abandon(self) -> None:
        """Drop the batch and its journal (pages in the batch's own folder are deleted)."""
        self.journal.remove()
        self.closed = True
