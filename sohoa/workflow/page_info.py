"""What the counter needs of each page as it lands: previews, flags, barcodes (the helper's job).

Run in the app's long-lived helper process (``sohoa.gui.services.page_worker``). This module is
what that process imports, on purpose small: Pillow, NumPy/OpenCV for the page analysis and the
barcode reader; never the PDF writer, the signing layer or the GUI (``loaded_modules`` lets a test
check it).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THUMB_PX = 220
PREVIEW_PX = 1400


@dataclass
class PageInfo:
    thumb: Path
    preview: Path
    flags: set[str] = field(default_factory=set)
    separator_code: str | None = None  # "" : a separator sheet without a label
    dossier_code: str = ""


def make_previews(image: Any, target: Path) -> tuple[Path, Path]:
    """Write the thumbnail and preview JPEGs for a page image (a PIL image)."""
    thumb = target.with_suffix(".thumb.jpg")
    preview = target.with_suffix(".preview.jpg")
    small = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    big = small.copy()
    big.thumbnail((PREVIEW_PX, PREVIEW_PX))
    big.save(preview, "JPEG", quality=80)
    big.thumbnail((THUMB_PX, THUMB_PX))
    big.save(thumb, "JPEG", quality=80)
    return thumb, preview


def page_flags(image: Any, dpi: int) -> set[str]:
    """Blank, too dark, too light, blurred: the pipeline's own page analysis, run as each page lands."""
    import numpy as np

    from sohoa.core.model import ColorMode
    from sohoa.processing.analyse import analyse

    rgb = np.asarray(image.convert("RGB"))
    gray = np.asarray(image.convert("L"))
    paper = tuple(int(np.percentile(rgb[::8, ::8, c], 90)) for c in range(3))
    result = analyse(rgb, gray, dpi, paper, [], (ColorMode.COLOR, ColorMode.GRAY, ColorMode.BW))  # type: ignore[arg-type]
    return {f.value for f in result.flags}


@functools.cache
def _profile(name: str):  # type: ignore[no-untyped-def]
    from sohoa.core.province import load_profile

    return load_profile(name)


def page_info(
    path: str, dpi: int, read_codes: bool, separator_pattern: str, province_profile: str
) -> PageInfo:
    """Previews, flags and codes of one page."""
    from PIL import Image

    with Image.open(path) as im:
        thumb, preview = make_previews(im, Path(path))
        info = PageInfo(thumb, preview, page_flags(im, dpi))
    if read_codes:
        from sohoa.capture import separators

        codes = separators.read_codes(Path(path))
        label = separators.separator_label(codes, separator_pattern)
        if label is not None:
            info.separator_code = label or "-"
        else:
            info.dossier_code = separators.dossier_code_in(codes, _profile(province_profile)) or ""
    return info


def warm() -> None:
    """Import the heavy modules once, before the first page arrives."""
    import importlib

    for name in ("numpy", "PIL.Image", "sohoa.processing.analyse", "sohoa.capture.separators"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def exit_with_parent(parent: int) -> None:
    """In the helper: quit as soon as the app is gone (killed or crashed), never linger as an orphan."""
    import psutil

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent or not psutil.pid_exists(parent):
                os._exit(0)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()


def loaded_modules() -> list[str]:
    """The modules this (helper) process has loaded: for the test that keeps it small."""
    return sorted(sys.modules)
