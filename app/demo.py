"""``sohoa demo`` / ``make demo``: the main job on embedded defaults, end to end.

Step 1 (capture): scan a 10-page dossier from SANE's ``test`` scanner (through the
app's own SANE config folder) into an output folder with a manifest.
Later steps (process, sign, queue, upload) are added here as they are built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app import __version__
from app.fsutil import atomic_write_text
from app.paths import private_dir

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
    """Scan the demo dossier from the test scanner's feeder, page by page, to PNG files."""
    from scanners.sane_config import write_test_backend_config

    sane_dir = write_test_backend_config(result.out_dir / ".sane")
    os.environ["SANE_CONFIG_DIR"] = str(sane_dir)
    import sane

    sane.init()
    try:
        dev = sane.open(DEMO_DEVICE)
        try:
            dev.source = "Automatic Document Feeder"
            dev.mode = "Color"
            dev.resolution = 300
            dev.br_x, dev.br_y = 210.0, 297.0
            for n in range(1, DEMO_PAGES + 1):
                image = dev.scan()
                path = result.out_dir / f"page-{n:03d}.png"
                image.save(path, dpi=(300, 300))
                result.pages.append(path)
                say(f"  page {n}/{DEMO_PAGES} -> {path.name}")
        finally:
            dev.close()
    finally:
        sane.exit()
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
