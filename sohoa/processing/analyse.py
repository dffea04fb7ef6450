"""Per-page decisions on the cleaned, upright page: blank or not, colour mode, quality flags.

All measures run at 150 dpi. Ink is what is clearly darker than the paper (faint
bleed-through from the back is not) or clearly coloured (a red seal, a blue signature);
blobs smaller than a speck of dust do not count, and punch holes are masked out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from sohoa.core.model import ColorMode, PageFlag

WORK_DPI = 150
A4_AREA_150 = 1240 * 1754


@dataclass
class Analysis:
    blank: bool
    color_mode: ColorMode
    flags: set[PageFlag] = field(default_factory=set)
    ink_pixels: int = 0  # significant ink at 150 dpi
    color_pixels: int = 0
    sharpness: float = 0.0
    color_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # (x, y, w, h) at full size


DARK_PAPER = 150  # mean grey of the paper below which a page is too dark (and never blank)


def _small(image: np.ndarray, dpi: int) -> np.ndarray:
    f = WORK_DPI / dpi
    if f >= 1:
        return image
    return cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)


def sharpness(gray: np.ndarray, ink: np.ndarray, paper_gray: float, ink_gray: float) -> float:
    """Edge steepness at ink borders relative to contrast: ~0.5 sharp, below ~0.12 blurred."""
    contrast = max(paper_gray - ink_gray, 1.0)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    edge = cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0
    values = mag[edge]
    if values.size < 200:
        return 1.0
    return float(np.percentile(values, 95) / (8.0 * contrast))


def analyse(
    rgb: np.ndarray,
    gray: np.ndarray,
    dpi: int,
    paper: tuple[int, int, int],
    holes: list[tuple[int, int, int]],
    allowed: tuple[ColorMode, ...],
) -> Analysis:
    small_rgb, small_gray = _small(rgb, dpi), _small(gray, dpi)
    f = min(1.0, WORK_DPI / dpi)
    area_scale = small_gray.size / A4_AREA_150
    paper_gray = float(np.mean(paper))
    hsv = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2HSV)
    colour = (hsv[:, :, 1] > 90) & (hsv[:, :, 2] > 50)
    dark = small_gray < paper_gray * 0.6
    # a scanner's colour fringes hug black text: saturated pixels touching neutral dark ink are
    # part of the letter, not a mark of their own (else plain text lines get a colour patch)
    neutral_ink = (dark & (hsv[:, :, 1] < 60)).astype(np.uint8)
    colour &= cv2.dilate(neutral_ink, np.ones((5, 5), np.uint8)) == 0
    ink = (dark | colour).astype(np.uint8)
    for x, y, r in holes:
        cv2.circle(ink, (round(x * f), round(y * f)), round(r * f * 1.2) + 2, 0, -1)
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    significant = stats[:, cv2.CC_STAT_AREA] >= 6
    significant[0] = False
    # slivers of scanner bed left along the image edge are not content
    x, y, w, h = (stats[:, i] for i in range(4))
    edge = (x == 0) | (y == 0) | (x + w >= ink.shape[1]) | (y + h >= ink.shape[0])
    significant &= ~(edge & (np.minimum(w, h) <= 4))
    keep = significant[labels]
    ink_pixels = int(stats[significant, cv2.CC_STAT_AREA].sum())
    colour_pixels = int((colour & keep).sum())
    # A blank page is light paper with no marks. A page with no light paper at all (solid black: a
    # scan with the lid open, an underexposed page, white text on black) is not: it is too dark and
    # the clerk must see it, never lose it to "drop blank pages".
    blank = ink_pixels < 300 * area_scale and paper_gray >= DARK_PAPER

    flags: set[PageFlag] = set()
    if blank:
        flags.add(PageFlag.BLANK)
    if paper_gray < DARK_PAPER:
        flags.add(PageFlag.TOO_DARK)
    ink_gray = float(np.percentile(small_gray[keep], 10)) if keep.any() else paper_gray
    sharp = 1.0
    if not blank:
        if ink_gray > 150 or paper_gray - ink_gray < 60:
            flags.add(PageFlag.TOO_LIGHT)
        sharp = sharpness(small_gray, keep.astype(np.uint8), paper_gray, ink_gray)
        if sharp < 0.12:
            flags.add(PageFlag.BLURRED)

    if colour_pixels >= 400 * area_scale and ColorMode.COLOR in allowed:
        mode = ColorMode.COLOR
    else:
        near_ink = cv2.dilate(keep.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        midtone = (small_gray > 70) & (small_gray < paper_gray - 50) & ~near_ink
        photo = midtone.mean() > 0.03
        if ColorMode.BW in allowed and not photo:
            mode = ColorMode.BW
        elif ColorMode.GRAY in allowed:
            mode = ColorMode.GRAY
        else:
            mode = allowed[0]
    boxes = colour_boxes(colour & keep, f) if mode == ColorMode.COLOR else []
    return Analysis(blank, mode, flags, ink_pixels, colour_pixels, round(sharp, 3), boxes)


def colour_boxes(colour: np.ndarray, f: float) -> list[tuple[int, int, int, int]]:
    """Boxes (full size) around the coloured marks, each grown by ~4 mm and merged when close."""
    grow = round(4 / 25.4 * WORK_DPI)
    near = cv2.dilate(
        colour.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, (2 * grow + 1, 2 * grow + 1))
    )
    _n, _labels, stats, _ = cv2.connectedComponentsWithStats(near, connectivity=8)
    h, w = colour.shape
    boxes = []
    for x, y, bw, bh, _area in stats[1:]:
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
        boxes.append((round(x0 / f), round(y0 / f), round((x1 - x0) / f), round((y1 - y0) / f)))
    return boxes
