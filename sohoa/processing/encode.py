"""Encoding the cleaned page for the PDF: JPEG for colour and gray, CCITT G4 for black-and-white.

Before JPEG the page's tones are stretched so the paper becomes pure white and the ink
keeps its colour: the scanner's noise on the paper, which costs most of a JPEG's bytes, goes
with it. A colour page larger than the size budget is encoded again at lower quality.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from sohoa.core.model import ColorMode

MIN_QUALITY = 35


@dataclass(frozen=True)
class EncodedImage:
    kind: str  # "jpeg", "g4" or "jbig2" (a JBIG2 scan passed through)
    color_mode: ColorMode
    width: int
    height: int
    data: bytes
    black_is_1: bool = False  # G4 only
    scale: int = 1  # image pixels per page pixel (G4 text is kept at twice the scan resolution)
    globals: bytes = b""  # JBIG2 only: the shared symbol dictionary (JBIG2Globals), Flate-coded


def levels_lut(paper: float, ink: float, clip_white: float = 22.0) -> np.ndarray:
    """A tone curve: ``ink`` and darker -> 0, ``paper - clip_white`` and lighter -> 255."""
    hi = max(paper - clip_white, ink + 20)
    x = np.arange(256, dtype=np.float32)
    y = (x - ink) * 255.0 / (hi - ink)
    return np.clip(y, 0, 255).astype(np.uint8)


def whiten(rgb: np.ndarray, paper: tuple[int, int, int], ink: float) -> np.ndarray:
    """Per-channel levels so the paper (and its noise) becomes white and the ink stays dark."""
    channels = [cv2.LUT(rgb[:, :, c], levels_lut(paper[c], ink)) for c in range(3)]
    return cv2.merge(channels)


def _jpeg(array: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "JPEG", quality=quality, subsampling=2, optimize=True)
    return buf.getvalue()


def encode_jpeg(array: np.ndarray, mode: ColorMode, quality: int, max_bytes: int) -> EncodedImage:
    data = _jpeg(array, quality)
    while len(data) > max_bytes and quality > MIN_QUALITY:
        quality = max(MIN_QUALITY, quality - 10)
        data = _jpeg(array, quality)
    h, w = array.shape[:2]
    return EncodedImage("jpeg", mode, w, h, data)


G4_SCALE = 2


def binarize(gray: np.ndarray, scale: int = G4_SCALE) -> np.ndarray:
    """Black text on white (uint8 0/255) at ``scale`` times the page's resolution, by Otsu's
    threshold on the whitened page upsampled with cubic interpolation.

    At the scan's own 300 dpi, one threshold turns the thin, anti-aliased strokes of
    Vietnamese marks (hook above, grave, tilde) into stair-steps or drops them, and
    Tesseract then reads ể as ế or ì as i; at 600 dpi their shape survives and a viewer
    (or OCR) rendering the page at 300 dpi sees nearly the source's gray edges. G4 costs
    about twice the bytes, still a small part of the page budget.
    """
    # Otsu's threshold from the page at its own size (the same histogram, a quarter of the
    # pixels at scale 2), then applied to the upsampled page
    level, bw = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if scale > 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        _, bw = cv2.threshold(gray, level, 255, cv2.THRESH_BINARY)
    return bw


def encode_g4(bw: np.ndarray, scale: int = 1) -> EncodedImage:
    """CCITT Group 4 data of a 0/255 image, taken out of a one-strip TIFF written by Pillow."""
    h, w = bw.shape
    # packed straight into a 1-bit image: Image.convert("1") would dither all 35 Mpx of a
    # 600 dpi mask first (about 1 s a page here) to the same result
    img = Image.frombytes("1", (w, h), np.packbits(bw > 127, axis=1).tobytes())
    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4", strip_size=2**31 - 1)
    buf.seek(0)
    with Image.open(buf) as tif:
        offsets = tif.tag_v2[273]
        counts = tif.tag_v2[279]
        photometric = tif.tag_v2.get(262, 0)
    if len(offsets) != 1:
        raise RuntimeError(f"expected one TIFF strip, got {len(offsets)}")
    raw = buf.getvalue()[offsets[0] : offsets[0] + counts[0]]
    # libtiff codes the bits as they are stored: with Photometric 1 (BlackIsZero, Pillow's
    # choice) the fax "white" runs are black pixels, so the PDF decoder needs BlackIs1 true.
    return EncodedImage("g4", ColorMode.BW, w, h, raw, black_is_1=(photometric == 1), scale=scale)
