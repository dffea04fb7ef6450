"""File import: PNG, JPEG, multi-page TIFF and PDF pages, from files or a watched folder.

For scanners that scan to a shared folder and for phone photos. Files become pages of
the same kind a scanner produces (``ScannedPage``), written one at a time: a TIFF frame
or a PDF page is decoded, written and released before the next. PNG and JPEG files
are copied unchanged (no recompression). PDF pages are rendered at 300 dpi with
pypdfium2, which reads every image encoding a scan PDF uses (JBIG2, CCITT, JPEG2000).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.capture.driver import PageCallback, ScannedPage
from sohoa.capture.errors import ScanCancelledError, UnsupportedImportError
from sohoa.core.fsutil import atomic_output, sha256_file
from sohoa.core.progress import Progress, wait_cancelled

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".tif": "tiff", ".tiff": "tiff"}
SUFFIXES = frozenset([*IMAGE_SUFFIXES, ".pdf"])
ASSUMED_DPI = 300
PDF_DPI = 300


def _mode_of(image: Any) -> str:
    if image.mode == "1":
        return "bw"
    if image.mode in ("L", "LA", "I", "I;16", "F"):
        return "gray"
    return "color"


def _dpi_of(image: Any) -> tuple[int, bool]:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    if value < 50:  # missing, or 1/72 placeholders some cameras write
        return ASSUMED_DPI, True
    return value, False


def _page(index: int, path: Path, image: Any, dpi: int, assumed: bool) -> ScannedPage:
    return ScannedPage(
        index=index,
        path=path,
        width=image.width,
        height=image.height,
        dpi=dpi,
        mode=_mode_of(image),
        bytes=path.stat().st_size,
        sha256=sha256_file(path),
        source="import",
        dpi_assumed=assumed,
    )


def _bad(path: Path, detail: str) -> UnsupportedImportError:
    return UnsupportedImportError(path=str(path), detail=detail)


def _iter_file(path: Path, out_dir: Path, index: int) -> Iterator[ScannedPage]:
    """Pages of one file, written to ``out_dir`` from ``index`` on."""
    from PIL import Image, UnidentifiedImageError

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _bad(path, f"the file type '{suffix or '(none)'}' is not supported")
    if suffix == ".pdf":
        yield from _iter_pdf(path, out_dir, index)
        return
    try:
        with Image.open(path) as im:
            im.verify()  # catches truncated and corrupt files before anything is written
        with Image.open(path) as im:
            kind = (im.format or "").lower()
            if kind in ("png", "jpeg") and getattr(im, "n_frames", 1) == 1:
                ext = "png" if kind == "png" else "jpg"
                target = out_dir / f"page-{index:03d}.{ext}"
                im.load()
                dpi, assumed = _dpi_of(im)
                with atomic_output(target) as tmp:
                    shutil.copyfile(path, tmp)
                yield _page(index, target, im, dpi, assumed)
                return
            for frame in range(getattr(im, "n_frames", 1)):
                im.seek(frame)
                dpi, assumed = _dpi_of(im)
                target = out_dir / f"page-{index:03d}.png"
                frame_image = im.copy() if im.mode in ("1", "L", "RGB") else im.convert("RGB")
                with atomic_output(target) as tmp:
                    frame_image.save(tmp, "PNG", dpi=(dpi, dpi), compress_level=1)
                yield _page(index, target, frame_image, dpi, assumed)
                del frame_image
                index += 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise _bad(path, f"not a readable image ({e})") from None


def _iter_pdf(path: Path, out_dir: Path, index: int) -> Iterator[ScannedPage]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        raise _bad(path, f"not a readable PDF ({e})") from None
    try:
        for n in range(len(pdf)):
            page = pdf[n]
            try:
                image = page.render(scale=PDF_DPI / 72).to_pil()
            finally:
                page.close()
            if image.mode != "L" and _is_gray(image):
                image = image.convert("L")
            target = out_dir / f"page-{index:03d}.png"
            with atomic_output(target) as tmp:
                image.save(tmp, "PNG", dpi=(PDF_DPI, PDF_DPI), compress_level=1)
            yield _page(index, target, image, PDF_DPI, False)
            del image
            index += 1
    finally:
        pdf.close()


def _is_gray(image: Any) -> bool:
    """True when a rendered RGB page has no colour (a gray or black-and-white scan)."""
    from PIL import ImageChops

    rgb = image.convert("RGB")
    r, g, b = rgb.split()
    return ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(g, b).getbbox() is None


def import_files(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    first_index: int = 1,
    on_page: PageCallback | None = None,
    cancel: Progress | None = None,
) -> list[ScannedPage]:
    """Import files in the given order as pages ``page-NNN`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: list[ScannedPage] = []
    index = first_index
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise _bad(path, "the file does not exist")
        for page in _iter_file(path, out_dir, index):
            pages.append(page)
            index += 1
            if on_page:
                on_page(page)
            if cancel is not None and cancel.is_cancelled():
                raise ScanCancelledError(device=str(path)).keep_pages(pages)
    return pages


@dataclass
class FolderWatcher:
    """Imports files that appear in ``folder`` once their size has stopped changing.

    Imported files move to ``folder/imported``; files that cannot be imported move to
    ``folder/failed`` and are reported through ``on_error``: one bad file never stops
    the watch, and no file is imported twice.
    """

    folder: Path
    out_dir: Path
    on_page: PageCallback | None = None
    on_error: Callable[[Path, Exception], None] | None = None
    settle_s: float = 2.0
    first_index: int = 1
    pages: list[ScannedPage] = field(default_factory=list)
    _sizes: dict[Path, tuple[int, float]] = field(default_factory=dict)

    def _stable(self, path: Path, now: float) -> bool:
        try:
            size = path.stat().st_size
        except OSError:
            return False
        seen = self._sizes.get(path)
        if seen is None or seen[0] != size:
            self._sizes[path] = (size, now)
            return False
        return now - seen[1] >= self.settle_s

    def poll_once(self, now: float | None = None) -> list[ScannedPage]:
        """Import every settled file now; returns the new pages."""
        now = time.monotonic() if now is None else now
        new: list[ScannedPage] = []
        candidates = sorted(p for p in self.folder.iterdir() if p.is_file() and not p.name.startswith("."))
        for path in candidates:
            if path.suffix.lower() not in SUFFIXES or not self._stable(path, now):
                continue
            self._sizes.pop(path, None)
            index = self.first_index + len(self.pages)
            try:
                got = import_files([path], self.out_dir, first_index=index, on_page=self.on_page)
            except UnsupportedImportError as e:
                log.warning("watched folder: %s", e)
                self._move(path, "failed")
                if self.on_error:
                    self.on_error(path, e)
                continue
            self.pages.extend(got)
            new.extend(got)
            self._move(path, "imported")
        return new

    def _move(self, path: Path, sub: str) -> None:
        target_dir = self.folder / sub
        target_dir.mkdir(exist_ok=True)
        target = target_dir / path.name
        n = 1
        while target.exists():
            target = target_dir / f"{path.stem}-{n}{path.suffix}"
            n += 1
        path.replace(target)

    def watch(self, cancel: Progress, poll_s: float = 1.0) -> list[ScannedPage]:
        """Poll until ``cancel`` is set (run it in a worker thread); returns every page imported."""
        while not cancel.is_cancelled():
            self.poll_once()
            wait_cancelled(cancel, poll_s)
        return list(self.pages)
