"""Orientation from OCR evidence: the quarter turn of a text crop that Tesseract reads best.

The shape vote of :mod:`geometry` is fast but can be unsure (or wrong) on low-resolution,
JPEG-damaged or unusual pages. Then the densest text crop of the page is read in each
candidate turn, in one Tesseract run (a list of images, ``--psm 6`` so Tesseract does no
turning of its own), and the turn whose words read with clearly the most confidence wins:
an upside-down or sideways crop reads at about half the confidence of an upright one, and
as few real words. No turn with enough confident words: the page holds no text to go by
and stays as it lies. Two turns close to each other: the page is flagged, never guessed
silently.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from sohoa.processing import ocr
from sohoa.processing import tesserocr_engine as _lib
from sohoa.processing.errors import OcrFailed, OcrTimeout

log = logging.getLogger(__name__)

CROP_PX = 1100  # side of the square crop, at OCR scale
MIN_WORDS = 4  # confident words the winning turn must read, or the page has no text to go by
WORD_CONF = 60.0  # a word counts as confident from this confidence on
MARGIN = 1.6  # the winner's score must be this many times the runner-up's to be certain


@dataclass(frozen=True)
class Vote:
    orientation: int | None  # clockwise turn the page has (None: no turn reads as text)
    certain: bool
    scores: dict[int, float] = field(default_factory=dict)
    failed: bool = False  # Tesseract did not answer (timeout, error): no evidence either way


def densest_window(mask: np.ndarray, side: int) -> tuple[int, int]:
    """Top-left corner of the ``side``-square window of ``mask`` holding the most ink."""
    h, w = mask.shape
    side_y, side_x = min(side, h), min(side, w)
    counts = cv2.boxFilter(mask.astype(np.float32), -1, (side_x, side_y), normalize=False)
    # boxFilter centres its window; keep centres whose window lies inside the image
    y0, x0 = side_y // 2, side_x // 2
    inner = counts[y0 : h - (side_y - y0) + 1, x0 : w - (side_x - x0) + 1]
    if inner.size == 0:
        return 0, 0
    cy, cx = np.unravel_index(int(np.argmax(inner)), inner.shape)
    return int(cx), int(cy)


def text_crop(gray: np.ndarray, ink: np.ndarray, scale: float) -> np.ndarray:
    """The densest text window of ``gray`` (``ink``: a text mask of any size), at OCR ``scale``."""
    side = max(64, round(CROP_PX / scale))
    fy, fx = ink.shape[0] / gray.shape[0], ink.shape[1] / gray.shape[1]
    x, y = densest_window(ink, max(8, round(side * fx)))
    x, y = round(x / fx), round(y / fy)
    crop = gray[y : y + side, x : x + side]
    if scale != 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(crop)


def score(words: list[ocr.Word]) -> tuple[float, int]:
    """(score, confident words): confidence-weighted letters of the words that look like words."""
    total, confident = 0.0, 0
    for w in words:
        letters = sum(c.isalpha() for c in w.text)
        if letters < 2 or w.conf < 0:
            continue
        if w.conf >= WORD_CONF:
            confident += 1
        total += max(w.conf - 30.0, 0.0) / 70.0 * letters
    return total, confident


def vote(
    crop: np.ndarray,
    candidates: tuple[int, ...],
    work: Path,
    name: str,
    languages: str,
    dpi: int,
    timeout_s: float = 180.0,
) -> Vote:
    """Read ``crop`` (the page as it lies) in each candidate turn and pick the best."""
    images = [np.ascontiguousarray(np.rot90(crop, (turn // 90) % 4)) if turn else crop for turn in candidates]
    if _lib.library_selected():  # the bundled libtesseract: the same reads, one image at a time
        pages = _library_pages(images, languages, dpi, timeout_s, name)
        if pages is None:
            return Vote(None, False, failed=True)
    else:
        files = [
            ocr.write_pgm(im, work / f"{name}.turn{t}.pgm") for im, t in zip(images, candidates, strict=True)
        ]
        listing = work / f"{name}.turns.txt"
        listing.write_text("".join(f"{f}\n" for f in files), encoding="utf-8")
        args = [ocr.tesseract_exe(), str(listing), "stdout", "-l", languages, "--psm", "6"]
        args += ["--dpi", str(dpi), *ocr.tessdata_args(), "tsv"]
        try:
            out = subprocess.run(
                args, capture_output=True, timeout=timeout_s, env=ocr.env(), check=False, cwd=work
            )
        except subprocess.TimeoutExpired:
            log.warning("%s: orientation vote timed out", name)
            return Vote(None, False, failed=True)
        if out.returncode != 0:
            log.warning("%s: orientation vote failed: %s", name, out.stderr.decode("utf-8", "replace")[-300:])
            return Vote(None, False, failed=True)
        pages = ocr.parse_tsv_pages(out.stdout.decode("utf-8", "replace"))
    scores, confident = {}, {}
    for i, turn in enumerate(candidates):
        scores[turn], confident[turn] = score(pages.get(i + 1, []))
    ranked = sorted(candidates, key=lambda t: scores[t], reverse=True)
    best = ranked[0]
    rounded = {t: round(s, 1) for t, s in scores.items()}
    if confident[best] < MIN_WORDS:
        log.info("%s: orientation vote found no text %s", name, rounded)
        return Vote(None, True, rounded)
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    certain = scores[best] >= MARGIN * runner_up
    log.info("%s: orientation vote %s -> %d (%s)", name, rounded, best, "certain" if certain else "unsure")
    return Vote(best, certain, rounded)


def _library_pages(
    images: list[np.ndarray], languages: str, dpi: int, timeout_s: float, name: str
) -> dict[int, list[ocr.Word]] | None:
    """The vote's reads through the library (psm 6, like the CLI call); None when one fails."""
    path = _lib.tessdata_path(ocr._tessdata_override)
    pages: dict[int, list[ocr.Word]] = {}
    try:
        for i, gray in enumerate(images):
            tsv = _lib.read_tsv(gray, path, languages, 6, dpi, timeout_s, f"{name}.turn{i}")
            pages[i + 1] = ocr.parse_tsv(tsv)
    except (OcrTimeout, OcrFailed) as e:
        log.warning("%s: orientation vote failed (library): %s", name, e)
        return None
    return pages
