"""Page cleanup after the page is upright and straight: scanner-bed borders, punch holes, specks.

The sheet is found as the largest light region (closed over its text, holes filled); what
lies outside it is scanner bed or lid and becomes paper colour, so content on the sheet is
never cut. Punch holes are round dark blobs of 4-9 mm near an edge. Specks are ink blobs
smaller than a Vietnamese dot-below diacritic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

MASK_DPI = 75  # sheet and hole analysis resolution


@dataclass
class Cleanup:
    paper: tuple[int, int, int]  # estimated paper colour (RGB)
    holes: list[tuple[int, int, int]] = field(default_factory=list)  # punch holes (x, y, r)
    holes_removed: bool = False
    specks: int = 0


def paper_colour(rgb: np.ndarray) -> tuple[int, int, int]:
    """The paper colour: the median of the lightest third of a sparse sample of pixels."""
    sample = rgb[::7, ::7].reshape(-1, 3)
    light = sample[sample.sum(axis=1) >= np.percentile(sample.sum(axis=1), 66)]
    med = np.median(light, axis=0) if len(light) else np.array([255, 255, 255])
    return int(med[0]), int(med[1]), int(med[2])


def _small(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    f = min(1.0, MASK_DPI / dpi)
    return cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA), f


def sheet_mask(gray: np.ndarray, dpi: int, paper_gray: int) -> np.ndarray | None:
    """Mask (at full size) of what lies outside the sheet, or None when the sheet fills the image.

    Run it before deskewing, while the bed still touches the image edges. The sheet is the
    convex hull of the largest light region, so dark content on the sheet, even at its
    edge, is inside it and never cut.
    """
    small, _f = _small(gray, dpi)
    light = (small > max(paper_gray * 0.55, 60)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=4)
    if n < 2:
        return None
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[biggest, cv2.CC_STAT_AREA] < 0.4 * small.size:
        return None  # no clear sheet (a dark photo, a very dark scan): leave the page alone
    points = cv2.findNonZero((labels == biggest).astype(np.uint8))
    hull = cv2.convexHull(points)
    sheet = np.zeros_like(light)
    cv2.fillConvexPoly(sheet, hull, 1)
    sheet = cv2.erode(sheet, np.ones((3, 3), np.uint8))  # also take the sheet's shaded edge
    outside = sheet == 0
    if not outside.any():
        return None
    return (
        cv2.resize(outside.astype(np.uint8), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
        > 0
    )


def remove_borders(rgb: np.ndarray, gray: np.ndarray, dpi: int, paper: tuple[int, int, int]) -> int:
    """Paint the scanner bed around the sheet with paper colour, in place; return the pixels painted."""
    outside = sheet_mask(gray, dpi, int(np.mean(paper)))
    if outside is None:
        return 0
    rgb[outside] = paper
    gray[outside] = int(np.mean(paper))
    return int(outside.sum())


def find_holes(gray: np.ndarray, dpi: int, paper_gray: int) -> list[tuple[int, int, int]]:
    """Punch holes as (x, y, radius) at full size: round dark blobs of 4-9 mm near an edge."""
    small, f = _small(gray, dpi)
    mm = dpi * f / 25.4
    dark = (small < paper_gray * 0.5).astype(np.uint8)
    n, _, stats, centroids = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = small.shape
    holes = []
    for i in range(1, n):
        bw, bh, area = stats[i, cv2.CC_STAT_WIDTH], stats[i, cv2.CC_STAT_HEIGHT], stats[i, cv2.CC_STAT_AREA]
        d = (bw + bh) / 2
        if not (4 * mm <= d <= 9 * mm) or abs(bw - bh) > 0.25 * d:
            continue
        if area < 0.65 * np.pi * (d / 2) ** 2:  # a ring, a letter or a blot, not a filled disc
            continue
        cx, cy = centroids[i]
        if min(cx, cy, w - cx, h - cy) > 25 * mm:
            continue
        holes.append((round(cx / f), round(cy / f), round(d / f / 2)))
    return holes


def despeckle(rgb: np.ndarray, gray: np.ndarray, dpi: int, paper: tuple[int, int, int]) -> int:
    """Paint isolated ink blobs under ~0.25 mm² with paper colour, in place; return how many.

    A blob counts as a speck only when no larger ink lies within ~1 mm: the dots of i, ạ, ệ
    and full stops sit next to their letters and are kept.
    """
    max_area = max(2, round(15 * (dpi / 300) ** 2))
    ink = (gray < int(np.mean(paper) * 0.6)).astype(np.uint8)
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    small[0] = False
    if not small.any():
        return 0
    big = ((~small)[labels] & (labels > 0)).astype(np.uint8)
    reach = max(3, round(dpi / 25.4))
    near_big = cv2.dilate(big, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 2 * reach + 1))) > 0
    touching = np.unique(labels[near_big & small[labels]])
    small[touching] = False
    count = int(small.sum())
    if count:
        mask = small[labels]
        rgb[mask] = paper
        gray[mask] = int(np.mean(paper))
    return count


def clean(
    rgb: np.ndarray, gray: np.ndarray, dpi: int, paper: tuple[int, int, int], remove_holes: bool
) -> Cleanup:
    """Remove punch holes (when asked) and specks from the straightened page, in place."""
    paper_gray = int(np.mean(paper))
    result = Cleanup(paper=paper)
    result.holes = find_holes(gray, dpi, paper_gray)
    if result.holes and remove_holes:
        for x, y, r in result.holes:
            cv2.circle(rgb, (x, y), int(r * 1.15) + 2, paper, -1)
            cv2.circle(gray, (x, y), int(r * 1.15) + 2, paper_gray, -1)
        result.holes_removed = True
    result.specks = despeckle(rgb, gray, dpi, paper)
    return result
