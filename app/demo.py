"""``sohoa demo`` / ``make demo``: the main job on embedded defaults, end to end.

Step 1 (capture): scan a 10-page dossier from SANE's ``test`` scanner (through the
app's own SANE config folder) into an output folder with a manifest.
Later steps (process, sign, queue, upload) are added here as they are built.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__
from app.fsutil import atomic_write_text
from app.paths import private_dir

if TYPE_CHECKING:
    from scanners.driver import ScannedPage

log = logging.getLogger(__name__)

DEMO_DOSSIER = {
    "code": "H15.50.05.13-261008-0975",
    "procedure_code": "1.001757",
    "procedure_name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "owner_type": "person",
    "owner_id": "001099012345",
    "owner_name": "Nguyễn Văn An",
}
DEMO_DEVICE = "test:0"
DEMO_PAGES = 10


@dataclass
class DemoResult:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    steps: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Scan the demo dossier from the test scanner's feeder, page by page, to PNG files.

    Goes through the app's own capture path: the SANE worker process and a journaled batch.
    """
    from scanners.batch import ScanBatch
    from scanners.sane_config import write_test_backend_config
    from scanners.sane_driver import SaneDriver
    from scanners.settings import ScanSettings

    sane_dir = write_test_backend_config(result.out_dir / ".sane")
    settings = ScanSettings(
        source="adf",
        mode="color",
        dpi=300,
        paper="A4",
        max_pages=DEMO_PAGES,
        device_options={"test_picture": "Color pattern"},
    )

    def landed(page: ScannedPage) -> None:
        result.pages.append(page.path)
        say(f"  page {page.index}/{DEMO_PAGES} -> {page.path.name}")

    with SaneDriver(sane_dir) as driver:
        batch = ScanBatch(driver, DEMO_DEVICE, settings, result.out_dir)
        try:
            batch.scan(on_page=landed)
        finally:
            batch.finish()
    result.steps.append("scan")


def write_manifest(result: DemoResult) -> Path:
    manifest = {
        "producer": f"SoHoa {__version__}",
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "device": DEMO_DEVICE,
        "dossier": DEMO_DOSSIER,
        "steps": result.steps,
        "pages": [
            {
                "file": p.name,
                "dpi": 300,
                "color_mode": "color",
                "sha256": _sha256(p),
                "bytes": p.stat().st_size,
            }
            for p in result.pages
        ],
    }
    path = result.out_dir / "manifest.json"
    atomic_write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2))
    result.manifest = path
    return path


def run_demo(out_dir: Path, say: Callable[[str], None] = print) -> DemoResult:
    result = DemoResult(out_dir=private_dir(out_dir))
    say(f"[1] scanning {DEMO_PAGES} pages from SANE '{DEMO_DEVICE}' (feeder, colour, 300 dpi)")
    scan_step(result, say)
    write_manifest(result)
    return result
