"""Scanning a batch headless (the demo, a headless counter): the app's own capture path.

Goes through the SANE worker process and a journaled batch, as the desktop app does, so a crash
mid-feeder loses no page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.capture.driver import ScannedPage
from sohoa.core.progress import Progress


def scan_batch(
    device: str,
    out_dir: Path,
    *,
    source: str = "adf",
    mode: str = "color",
    dpi: int = 300,
    paper: str = "A4",
    max_pages: int | None = None,
    device_options: dict[str, Any] | None = None,
    sane_config_dir: Path | None = None,
    test_scanner: bool = False,
    progress: Progress | None = None,
) -> list[ScannedPage]:
    """Scan ``device`` into ``out_dir`` (page-NNN files); each page reaches ``progress.item`` at once.

    ``test_scanner`` writes a private SANE config folder for SANE's ``test`` backend (never /etc).
    """
    from sohoa.capture.batch import ScanBatch
    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.capture.sane_driver import SaneDriver
    from sohoa.capture.settings import ScanSettings

    if test_scanner:
        sane_config_dir = write_test_backend_config(out_dir / ".sane")
    settings = ScanSettings(
        source=source,  # type: ignore[arg-type]
        mode=mode,  # type: ignore[arg-type]
        dpi=dpi,
        paper=paper,  # type: ignore[arg-type]
        max_pages=max_pages,
        device_options=device_options or {},
    )
    pages: list[ScannedPage] = []

    def landed(page: ScannedPage) -> None:
        pages.append(page)
        if progress is not None:
            progress(len(pages), max_pages or 0, page.path.name)
            progress.item(page)

    with SaneDriver(sane_config_dir) as driver:
        batch = ScanBatch(driver, device, settings, out_dir)
        try:
            batch.scan(on_page=landed, cancel=progress)
        finally:
            batch.finish()
    return pages
