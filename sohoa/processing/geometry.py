"""Orientation (0/90/180/270) and skew detection from the text itself, without OCR.

Text lines give the row profile of the ink a sharp comb: the angle (and the quarter turn)
whose profile is sharpest is the one that makes the lines horizontal. Up versus down comes
from the lines' shape: Latin and Vietnamese letters put far more ink above the x-height band
(capitals, ascenders and, in Vietnamese, most diacritics) than below it (descenders).
When that vote is unclear, or the scan is low-resolution, the caller lets OCR evidence decide
(:mod:`orient`, and the page's own full read in :mod:`page`).

A page is turned only on reliable text evidence: enough character-sized blobs of text size,
word blobs clearly longer one way than the other, and a line profile with clear gaps between
the lines. A checkerboard (SANE's "Grid" test picture), a photo, a map or a seal alone gives
none of these, so it keeps orientation 0; its skew stays 0 unless its rows show clear lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_DPI = 150  # analysis resolution: enough for 0.05 degree precision on an A4 line
MAX_SKEW = 15.0
MIN_TEXT_BLOBS = 40  # fewer character-sized blobs than this: no text to measure
MAX_POINTS = 80_000
MAX_CHAR_MM = 8.0  # median blob height above this: squares, shapes or a poster, not body text
MIN_DIRECTION_SHARE = 0.3  # word blobs running the winning way: at least this share of word area
MIN_DIRECTION_RATIO = 3.0  # ... and this many times the area of those running the other way
MAX_GAP_LEVEL = 0.2  # text lines: a quarter of the rows hold under 1/5 of a full line's ink


@dataclass(frozen=True)
class Geometry:
    orientation: int  # clockwise turn the page had; np.rot90(image, orientation // 90) makes it upright
    skew_deg: float  # counter-clockwise angle of the content in the upright page
    has_text: bool
    updown_certain: bool  # False: the up/down vote was unclear (ask OSD if it matters)
    updown_ratio: float  # ink above the x-height band / ink below it (>1: upright)
    text_like: bool = False  # enough character-sized blobs that the page may hold text
    direction_known: bool = False  # the across/down shape vote had a clear winner
    char_px: float = 0.0  # median character blob height in the page's own pixels


def text_mask(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, int, float]:
    """A binary mask of character-sized blobs at WORK_DPI, how many it holds, their median height (mm)."""
    scale = WORK_DPI / dpi
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    mm = WORK_DPI / 25.4 if scale < 1 else dpi / 25.4
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    keep = (h >= 0.6 * mm) & (h <= 10 * mm) & (w <= 40 * mm) & (area >= 0.25 * mm * mm)
    keep &= (w <= 10 * mm) | (h >= 1.2 * mm)  # drop long thin rules and bed edges
    keep[0] = False
    median_mm = float(np.median(h[keep]) / mm) if keep.any() else 0.0
    return (keep[labels]).astype(np.uint8), int(keep.sum()), median_mm


def _points(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    if len(xs) > MAX_POINTS:
        step = len(xs) // MAX_POINTS + 1
        xs, ys = xs[::step], ys[::step]
    pts = np.stack([xs, ys]).astype(np.float64)
    return pts - pts.mean(axis=1, keepdims=True)


def _profile(pts: np.ndarray, angle: float) -> np.ndarray:
    """Row profile after undoing a counter-clockwise rotation of ``angle`` degrees."""
    a = np.deg2rad(angle)
    y = pts[1] * np.cos(a) + pts[0] * np.sin(a)
    return np.bincount((y - y.min()).astype(np.int64))


def _sharpness(pts: np.ndarray, angle: float) -> float:
    p = _profile(pts, angle).astype(np.float64)
    return float(np.dot(p, p))


def _best_angle(pts: np.ndarray) -> tuple[float, float]:
    """(angle, score) maximising profile sharpness within ±MAX_SKEW degrees."""
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5)
    scores = [_sharpness(pts, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.6, best + 0.61, 0.05)
    scores = np.array([_sharpness(pts, a) for a in fine])
    i = int(np.argmax(scores))
    angle = float(fine[i])
    if 0 < i < len(fine) - 1:  # parabola through the peak and its neighbours
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        denom = s0 - 2 * s1 + s2
        if denom < 0:
            angle += 0.05 * 0.5 * (s0 - s2) / denom
    return angle, float(scores[i])


def updown_ratio(pts: np.ndarray, angle: float) -> float:
    """Ink just above the lines' x-height bands divided by the ink just below them."""
    p = np.convolve(_profile(pts, angle).astype(np.float64), np.ones(3) / 3, mode="same")
    if p.size < 10:
        return 1.0
    core = p >= 0.4 * np.percentile(p[p > 0], 95)
    edges = np.flatnonzero(np.diff(core.astype(np.int8)))
    starts = [e + 1 for e in edges if not core[e]]
    ends = [e for e in edges if core[e]]
    if core[0]:
        starts.insert(0, 0)
    if core[-1]:
        ends.append(len(p) - 1)
    bands = [(s, e) for s, e in zip(starts, ends, strict=False) if e - s >= 2]
    above = below = 0.0
    for k, (s, e) in enumerate(bands):
        h = e - s + 1
        prev_end = bands[k - 1][1] if k else -1
        next_start = bands[k + 1][0] if k + 1 < len(bands) else len(p)
        lo = max(s - h, (prev_end + s) // 2 + 1, 0)
        hi = min(e + h, (e + next_start) // 2, len(p) - 1)
        above += p[lo:s].sum()
        below += p[e + 1 : hi + 1].sum()
    return float((above + 1.0) / (below + 1.0))


def line_direction(mask: np.ndarray) -> int | None:
    """0 when the text runs left-right (or right-left), 1 when up-down, None when unclear.

    The shapes of the word blobs decide first (:func:`_blob_direction`); when they are unclear,
    the gaps between lines do (:func:`_gap_direction`).
    """
    k = _blob_direction(mask)
    return k if k is not None else _gap_direction(mask)


def _blob_direction(mask: np.ndarray) -> int | None:
    """Characters close up into words, and words are longer along their line than across it;
    an area-weighted vote of the word blobs' shapes decides. (Projection profiles alone can
    be fooled by words stacked into columns, as in form-like or repeated text.) Squares,
    photo texture and a seal's ring of letters give no clear winner.
    """
    words = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    _n, _labels, stats, _ = cv2.connectedComponentsWithStats(words, connectivity=8)
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    area = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    total = area.sum() + 1.0
    across = area[w > 1.3 * h].sum()
    down = area[h > 1.3 * w].sum()
    win, lose = max(across, down), min(across, down)
    if win < MIN_DIRECTION_SHARE * total or win < MIN_DIRECTION_RATIO * lose:
        return None
    return 0 if across >= down else 1


MIN_CROSS_GAP_LEVEL = 0.4  # ... while across the lines (columns of letters) the gaps stay full


def _gap_direction(mask: np.ndarray) -> int | None:
    """The axis along which the rows show clear gaps between lines, when the other shows none.

    Needed where letters do not close up into words at the mask's scale (150 and 200 dpi,
    JPEG-softened or blurred scans, Vietnamese letters made tall by their marks): there the
    blob vote is unclear on 5 of the bench's 26 generated pages, which then cost a four-turn
    OCR vote each. On all 26, and on the corpus pages, the text axis shows a gap level of
    0.00-0.11 and the other axis 0.47-0.66 (bench/bench_realworld.py, docs/notes/issue-11.md).
    """
    if not mask.any():
        return None
    levels = []
    for k in (0, 1):
        pts = _points(np.rot90(mask, k))
        angle, _ = _best_angle(pts)
        levels.append(gap_level(pts, angle))
    k = int(np.argmin(levels))
    if levels[k] <= MAX_GAP_LEVEL and levels[1 - k] >= MIN_CROSS_GAP_LEVEL:
        return k
    return None


def gap_level(pts: np.ndarray, angle: float) -> float:
    """How empty the gaps between lines are: 25th percentile of the row profile / its 90th.

    Text lines leave nearly empty rows between them (about 0); photo texture, a map or a
    checkerboard's edges fill every row (0.25 and more).
    """
    p = np.convolve(_profile(pts, angle).astype(np.float64), np.ones(3) / 3, mode="same")
    inked = np.flatnonzero(p)
    if inked.size < 10:
        return 1.0
    p = p[inked[0] : inked[-1] + 1]
    return float(np.percentile(p, 25) / max(np.percentile(p, 90), 1e-9))


def _skew_only(mask: np.ndarray, char_px: float, direction_known: bool) -> Geometry:
    """No reliable text evidence: never turn; straighten only rows that are clearly lines."""
    pts = _points(mask)
    angle, _ = _best_angle(pts)
    skew = round(float(angle), 3) if gap_level(pts, angle) <= MAX_GAP_LEVEL else 0.0
    return Geometry(0, skew, False, True, 1.0, True, direction_known, char_px)


def skew_of_turned(gray: np.ndarray, dpi: float, orientation: int) -> float:
    """The skew of a page once turned by ``orientation`` (an OCR vote chose the turn)."""
    mask, _blobs, _ = text_mask(upright(gray, orientation), dpi)
    pts = _points(mask)
    angle, _ = _best_angle(pts)
    return round(float(angle), 3) if gap_level(pts, angle) <= MAX_GAP_LEVEL else 0.0


def estimate(gray: np.ndarray, dpi: float, updown_margin: float = 1.3, allow_turn: bool = True) -> Geometry:
    """Find the quarter turn and skew of a page (``gray``: the page as scanned).

    ``has_text`` is True only with reliable text evidence; without it the orientation is 0.
    ``allow_turn=False`` keeps the page as it is (the caller found no words in the turned page).
    """
    mask, blobs, char_mm = text_mask(gray, dpi)
    char_px = char_mm * dpi / 25.4
    if blobs < MIN_TEXT_BLOBS or char_mm > MAX_CHAR_MM:
        return Geometry(0, 0.0, False, True, 1.0, False, False, char_px)
    k = line_direction(mask)
    if k is None or not allow_turn:
        return _skew_only(mask, char_px, k is not None)
    pts = _points(np.rot90(mask, k))
    angle, _ = _best_angle(pts)
    if gap_level(pts, angle) > MAX_GAP_LEVEL:
        return _skew_only(mask, char_px, True)
    ratio = updown_ratio(pts, angle)
    if ratio < 1.0:
        k += 2  # a half turn keeps the skew angle of the lines
    certain = ratio >= updown_margin or ratio <= 1 / updown_margin
    return Geometry((k % 4) * 90, round(float(angle), 3), True, certain, round(ratio, 3), True, True, char_px)


_TURNS = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def upright(image: np.ndarray, orientation: int) -> np.ndarray:
    """Turn an image counter-clockwise by ``orientation`` degrees (making it upright).

    The same pixels as ``np.ascontiguousarray(np.rot90(image, k))``, in a half to a fifth of the
    time (an A4 colour page at 300 dpi: 0.078 s instead of 0.145 s for a quarter turn)."""
    k = (orientation // 90) % 4
    return cv2.rotate(image, _TURNS[k]) if k else image


def deskew(image: np.ndarray, skew_deg: float, fill: tuple[int, ...] | int) -> np.ndarray:
    """Rotate the content by ``-skew_deg`` about the centre, filling new corners with ``fill``."""
    if abs(skew_deg) < 0.02:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew_deg, 1.0)
    border = fill if isinstance(fill, int) else tuple(int(c) for c in fill)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)
