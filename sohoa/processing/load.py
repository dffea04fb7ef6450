"""Decoding one input page into an 8-bit RGB array at a known resolution.

16-bit samples are scaled to 8 bits, CMYK goes to sRGB (through its ICC profile when it
has one), palettes and alpha are flattened on white, a missing resolution becomes 300 dpi
with a flag, and very high resolutions are brought down to 300 dpi (the archive needs no
more, and every later step gets faster).
"""

from __future__ import annotations

import io
import logging

import cv2
import numpy as np
from PIL import Image, ImageCms

from sohoa.core.model import PageFlag
from sohoa.processing.errors import TruncatedImage, UnreadablePdf
from sohoa.processing.options import DEFAULT_DPI, MAX_MEGAPIXELS
from sohoa.processing.sources import RENDER_DPI, PageSource

log = logging.getLogger(__name__)

MAX_WORK_DPI = 400  # above this, pages are resampled to DEFAULT_DPI


def _to_rgb(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        a = np.asarray(img)
        peak = 65535 if a.max() > 255 or img.mode != "I" else 255
        gray = (a.astype(np.float32) * (255.0 / peak)).clip(0, 255).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    if img.mode == "F":
        gray = np.asarray(img).clip(0, 255).astype(np.uint8)
        return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
    if img.mode == "CMYK":
        icc = img.info.get("icc_profile")
        if icc:
            try:
                src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                img = ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
            except (ImageCms.PyCMSError, OSError):
                img = img.convert("RGB")
        else:
            img = img.convert("RGB")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img)


def _load_image(src: PageSource) -> tuple[np.ndarray, float, float, set[PageFlag]]:
    flags: set[PageFlag] = set()
    Image.MAX_IMAGE_PIXELS = MAX_MEGAPIXELS * 1_000_000
    try:
        with Image.open(src.path) as img:
            img.seek(src.index)
            img.load()
            dpi = img.info.get("dpi")
            rgb = _to_rgb(img)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise TruncatedImage(path=src.label, detail=str(e) or type(e).__name__) from e
    try:
        xdpi, ydpi = float(dpi[0]), float(dpi[1])
    except (TypeError, IndexError, ValueError):
        xdpi = ydpi = 0.0
    if xdpi < 30 or ydpi < 30:
        xdpi = ydpi = float(DEFAULT_DPI)
        flags.add(PageFlag.DPI_ASSUMED)
    return rgb, xdpi, ydpi, flags


def _render_pdf(src: PageSource) -> np.ndarray:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(src.path)
        try:
            page = doc[src.index]
            bitmap = page.render(scale=RENDER_DPI / 72, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            arr = bitmap.to_numpy()
        finally:
            doc.close()
    except pdfium.PdfiumError as e:
        raise UnreadablePdf(path=src.label, detail=str(e)) from e
    return np.ascontiguousarray(arr[:, :, :3])


def load_page(src: PageSource) -> tuple[np.ndarray, int, set[PageFlag]]:
    """The page as RGB uint8, its resolution (square pixels) and the flags loading raised."""
    if src.kind == "pdf":
        return np.array(_render_pdf(src)), RENDER_DPI, set()
    rgb, xdpi, ydpi, flags = _load_image(src)
    if not rgb.flags.writeable:
        rgb = rgb.copy()
    if abs(xdpi - ydpi) > 1:  # non-square pixels (fax modes): stretch to the finer resolution
        target = max(xdpi, ydpi)
        rgb = cv2.resize(rgb, None, fx=target / xdpi, fy=target / ydpi, interpolation=cv2.INTER_CUBIC)
        xdpi = target
    if xdpi > MAX_WORK_DPI:
        f = DEFAULT_DPI / xdpi
        rgb = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        xdpi = DEFAULT_DPI
    if round(xdpi) < 200:
        flags.add(PageFlag.LOW_RESOLUTION)
    return rgb, round(xdpi), flags
