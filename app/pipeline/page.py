"""Processing one page, start to finish, inside a worker process.

load -> orientation and skew -> upright and straight -> borders, holes, specks ->
blank / colour / quality -> start OCR (Tesseract reads a red-dropout gray image) ->
encode the page image while OCR runs -> collect the words. The encoded image goes to the
job's work folder; only small results travel back to the parent process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from app.model import ColorMode, PageFlag
from app.pipeline import analyse, cleanup, encode, geometry, ocr
from app.pipeline.load import load_page
from app.pipeline.ocr import Word
from app.pipeline.options import PageReport, ProcessOptions, flag_values
from app.pipeline.sources import PageSource

log = logging.getLogger(__name__)


@dataclass
class PageResult:
    report: PageReport
    image_file: str = ""  # encoded image in the work folder
    image_kind: str = ""  # "jpeg" or "g4"
    width: int = 0
    height: int = 0
    black_is_1: bool = False
    words: list[Word] = field(default_factory=list)
    patches: list[tuple[int, int, str, int, int]] = field(default_factory=list)  # (x, y, jpeg file, w, h)


def _ocr_gray(rgb: np.ndarray, mode: ColorMode, lut: np.ndarray) -> np.ndarray:
    """What Tesseract reads: the red channel (red seals drop out, black and blue ink stay)."""
    channel = rgb[:, :, 0] if mode == ColorMode.COLOR else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.LUT(channel, lut)


def process_page(src: PageSource, number: int, options: ProcessOptions, work: Path) -> PageResult:
    name = f"p{number:05d}"
    rgb, dpi, flags = load_page(src)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    geo = geometry.estimate(gray, dpi)
    orientation = geo.orientation
    if geo.has_text and not geo.updown_certain and options.ocr:
        turned = geometry.deskew(geometry.upright(gray, orientation), geo.skew_deg, 255)
        osd = ocr.osd_orientation(turned, work, dpi, name)
        if osd in (0, 180):
            orientation = (orientation + osd) % 360
    if orientation:
        flags.add(PageFlag.ROTATED)
        rgb, gray = geometry.upright(rgb, orientation), geometry.upright(gray, orientation)
    paper = cleanup.paper_colour(rgb)
    cleanup.remove_borders(rgb, gray, dpi, paper)
    if abs(geo.skew_deg) >= 0.02:
        rgb = geometry.deskew(rgb, geo.skew_deg, paper)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    clean = cleanup.clean(rgb, gray, dpi, paper, options.remove_punch_holes)
    holes = [] if clean.holes_removed else clean.holes
    result = analyse.analyse(rgb, gray, dpi, paper, holes, options.allowed_color_modes)
    flags |= result.flags
    ink_level = float(np.percentile(gray[::4, ::4], 0.5))
    lut = encode.levels_lut(float(np.mean(paper)), min(ink_level + 10, 120))

    run = None
    if options.ocr and not result.blank:
        run = ocr.start(
            _ocr_gray(rgb, result.color_mode, lut),
            work,
            options.languages,
            dpi,
            options.tesseract_timeout_s,
            name,
        )
    try:
        max_bytes = options.max_page_kb * 1024
        patches: list[tuple[int, int, encode.EncodedImage]] = []
        ink = min(ink_level + 10, 120)
        if result.color_mode == ColorMode.COLOR and _mixed_raster_fits(result.color_boxes, rgb.shape):
            # black-and-white text (G4) with the coloured marks (seal, signature) as JPEG patches
            image = encode.encode_g4(encode.binarize(cv2.LUT(gray, lut)))
            white = encode.whiten(rgb, paper, ink)
            for x, y, w, h in result.color_boxes:
                crop = np.ascontiguousarray(white[y : y + h, x : x + w])
                patches.append(
                    (x, y, encode.encode_jpeg(crop, ColorMode.COLOR, options.jpeg_quality, max_bytes))
                )
        elif result.color_mode == ColorMode.COLOR:
            image = encode.encode_jpeg(
                encode.whiten(rgb, paper, ink), ColorMode.COLOR, options.jpeg_quality, max_bytes
            )
        elif result.color_mode == ColorMode.GRAY:
            image = encode.encode_jpeg(cv2.LUT(gray, lut), ColorMode.GRAY, options.jpeg_quality, max_bytes)
        else:
            image = encode.encode_g4(encode.binarize(cv2.LUT(gray, lut)))
        words = run.result() if run else []
    except BaseException:
        if run:
            run.cancel()
        raise
    image_file = work / f"{name}.{image.kind}"
    image_file.write_bytes(image.data)
    patch_files = []
    for k, (x, y, patch) in enumerate(patches):
        patch_file = work / f"{name}.patch{k}.jpeg"
        patch_file.write_bytes(patch.data)
        patch_files.append((x, y, str(patch_file), patch.width, patch.height))

    confidence = None
    real = [w for w in words if w.conf >= 0]
    if real:
        confidence = round(sum(w.conf for w in real) / len(real), 1)
        if len(real) >= 5 and confidence < options.min_ocr_confidence:
            flags.add(PageFlag.LOW_OCR_CONFIDENCE)
    report = PageReport(
        source=src.label,
        skew_deg=round(float(geo.skew_deg), 2),
        orientation=orientation,
        blank=result.blank,
        included=not (result.blank and options.drop_blank),
        color_mode=result.color_mode.value,
        flags=flag_values(flags),
        dpi=dpi,
        ocr_confidence=confidence,
        words=len(words),
        image_bytes=len(image.data) + sum(len(p.data) for _, _, p in patches),
    )
    log.debug("page %s: %s", src.label, report)
    return PageResult(
        report, str(image_file), image.kind, image.width, image.height, image.black_is_1, words, patch_files
    )


def _mixed_raster_fits(boxes: list[tuple[int, int, int, int]], shape: tuple[int, ...]) -> bool:
    """Mixed raster only when the colour is in a few small areas (seals, signatures), not a photo."""
    area = sum(w * h for _, _, w, h in boxes)
    return 0 < len(boxes) <= 8 and area <= 0.25 * shape[0] * shape[1]
