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

from sohoa.core.model import ColorMode, PageFlag
from sohoa.processing import analyse, cleanup, encode, geometry, ocr
from sohoa.processing.load import load_page
from sohoa.processing.ocr import Word
from sohoa.processing.options import PageReport, ProcessOptions, flag_values
from sohoa.processing.sources import PageSource

log = logging.getLogger(__name__)


@dataclass
class PageResult:
    report: PageReport
    image_file: str = ""  # encoded image in the work folder
    image_kind: str = ""  # "jpeg" or "g4"
    width: int = 0
    height: int = 0
    black_is_1: bool = False
    image_scale: int = 1  # image pixels per page pixel
    words: list[Word] = field(default_factory=list)
    patches: list[tuple[int, int, str, int, int]] = field(default_factory=list)  # (x, y, jpeg file, w, h)


def ink_level(gray: np.ndarray) -> float:
    """The gray level at and below which a pixel is full ink (for the levels curves)."""
    return min(float(np.percentile(gray[::4, ::4], 0.5)) + 10, 120.0)


def ocr_image(
    rgb: np.ndarray, mode: ColorMode, paper: tuple[int, int, int] | None = None, ink: float | None = None
) -> np.ndarray:
    """What Tesseract reads: printed dark text only, through a levels curve (paper white).

    On colour pages the red channel is read (a red seal becomes light) and every clearly
    coloured mark (the seal, a blue signature or handwriting) is painted white: Tesseract
    reads the strokes of a signature as a line of junk characters. Dark ink over a seal
    stays, as it is not saturated. ``paper`` and ``ink`` are measured when not given (the
    benchmark reads its source and output images through this same function).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    paper = paper or cleanup.paper_colour(rgb)
    lut = encode.levels_lut(float(np.mean(paper)), ink_level(gray) if ink is None else ink)
    if mode != ColorMode.COLOR:
        return cv2.LUT(gray, lut)
    out = cv2.LUT(rgb[:, :, 0], lut)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    colour = ((hsv[:, :, 1] > 90) & (hsv[:, :, 2] > 50)).astype(np.uint8)
    colour = cv2.dilate(colour, np.ones((5, 5), np.uint8))
    out[colour > 0] = 255
    return out


@dataclass
class PreparedPage:
    """A page upright, straight and clean, with its decisions: everything before OCR and encoding."""

    rgb: np.ndarray
    gray: np.ndarray
    dpi: int
    flags: set[PageFlag]
    skew_deg: float
    orientation: int
    paper: tuple[int, int, int]
    analysis: analyse.Analysis
    ink: float


def prepare_page(
    src: PageSource, options: ProcessOptions, work: Path, name: str, allow_turn: bool = True
) -> PreparedPage:
    """Load, turn upright, remove borders, deskew, clean and analyse one page."""
    rgb, dpi, flags = load_page(src)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    geo = geometry.estimate(gray, dpi, allow_turn=allow_turn)
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
    return PreparedPage(rgb, gray, dpi, flags, geo.skew_deg, orientation, paper, result, ink_level(gray))


MIN_TURNED_WORDS = 5  # a turned page must read as at least this many confident words


def _confident_words(words: list[Word]) -> int:
    return sum(1 for w in words if w.conf >= 60 and sum(c.isalnum() for c in w.text) >= 2)


def process_page(src: PageSource, number: int, options: ProcessOptions, work: Path) -> PageResult:
    """Process one page; a page turned on shape evidence alone that then reads as (almost) no
    words is processed again as it lies: a page without text is never turned."""
    result = _process_page(src, number, options, work, allow_turn=True)
    if result.report.orientation and options.ocr and _confident_words(result.words) < MIN_TURNED_WORDS:
        log.info(
            "page %s: turned by %d but no words read; kept as scanned", src.label, result.report.orientation
        )
        result = _process_page(src, number, options, work, allow_turn=False)
    return result


def _process_page(
    src: PageSource, number: int, options: ProcessOptions, work: Path, allow_turn: bool
) -> PageResult:
    name = f"p{number:05d}"
    page = prepare_page(src, options, work, name, allow_turn)
    rgb, gray, dpi, flags, result, paper = (
        page.rgb,
        page.gray,
        page.dpi,
        page.flags,
        page.analysis,
        page.paper,
    )
    lut = encode.levels_lut(float(np.mean(paper)), page.ink)

    run = None
    if options.ocr and not result.blank:
        run = ocr.start(
            ocr_image(rgb, result.color_mode, paper, page.ink),
            work,
            options.languages,
            dpi,
            options.tesseract_timeout_s,
            name,
        )
    try:
        max_bytes = options.max_page_kb * 1024
        patches: list[tuple[int, int, encode.EncodedImage]] = []
        ink = page.ink
        if result.color_mode == ColorMode.COLOR and _mixed_raster_fits(result.color_boxes, rgb.shape):
            # black-and-white text (G4) with the coloured marks (seal, signature) as JPEG patches
            image = encode.encode_g4(encode.binarize(cv2.LUT(gray, lut)), encode.G4_SCALE)
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
            image = encode.encode_g4(encode.binarize(cv2.LUT(gray, lut)), encode.G4_SCALE)
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
        skew_deg=round(float(page.skew_deg), 2),
        orientation=page.orientation,
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
        report,
        str(image_file),
        image.kind,
        image.width,
        image.height,
        image.black_is_1,
        image.scale,
        words,
        patch_files,
    )


def _mixed_raster_fits(boxes: list[tuple[int, int, int, int]], shape: tuple[int, ...]) -> bool:
    """Mixed raster only when the colour is in a few small areas (seals, signatures), not a photo."""
    area = sum(w * h for _, _, w, h in boxes)
    return 0 < len(boxes) <= 8 and area <= 0.25 * shape[0] * shape[1]
