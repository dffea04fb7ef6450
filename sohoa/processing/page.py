"""Processing one page, start to finish, inside a worker process.

load -> orientation and skew -> upright and straight -> borders, holes, specks ->
blank / colour / quality -> start OCR (Tesseract reads a red-dropout gray image) ->
encode the page image while OCR runs -> collect the words. The encoded image goes to the
job's work folder; only small results travel back to the parent process.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from sohoa.core.model import ColorMode, PageFlag
from sohoa.processing import analyse, cleanup, encode, geometry, ocr, orient
from sohoa.processing.load import load_page
from sohoa.processing.ocr import Word
from sohoa.processing.options import PageReport, ProcessOptions, flag_values
from sohoa.processing.sources import PageSource

log = logging.getLogger(__name__)


@dataclass
class PageResult:
    report: PageReport
    image_file: str = ""  # encoded image in the work folder
    image_kind: str = ""  # "jpeg", "g4" or "jbig2"
    width: int = 0
    height: int = 0
    black_is_1: bool = False
    image_scale: int = 1  # image pixels per page pixel
    words: list[Word] = field(default_factory=list)
    patches: list[tuple[int, int, str, int, int]] = field(default_factory=list)  # (x, y, jpeg file, w, h)
    globals_file: str = ""  # a passed-through JBIG2 image's globals, in the work folder


def ink_level(gray: np.ndarray) -> float:
    """The gray level at and below which a pixel is full ink (for the levels curves)."""
    return min(float(np.percentile(gray[::4, ::4], 0.5)) + 10, 120.0)


def ocr_image(rgb: np.ndarray, mode: ColorMode) -> np.ndarray:
    """What Tesseract reads: the upright, straight page in plain gray, as scanned.

    Measured on the real-world bench: every extra step before Tesseract (a levels curve,
    binarising, painting coloured marks white) cost accuracy on some page against plain
    Tesseract on the source image, so none is left but one: on colour pages the red channel
    is read, in which a red seal over the text turns light and the black text stays black.
    """
    if mode == ColorMode.COLOR:
        return np.ascontiguousarray(rgb[:, :, 0])
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


# Measured on the real-world bench (docs/notes/issue-11.md): a 75 dpi letter (median character
# blob 11 px) read at 3.9 % CER as it is and 0.9 % upsampled 1.5-2x; a 100 dpi letter (13 px)
# read *worse* upsampled (1.6 % -> 4.0 %). So only really small print is enlarged.
TARGET_CHAR_PX = 20.0
MIN_CHAR_PX = 12.0  # at and above this the page is read at its own size
MAX_OCR_SCALE = 3.0


def ocr_scale(char_px: float, dpi: int) -> float:
    """How much to enlarge the page for Tesseract: small print and low-resolution scans read
    better at an x-height of about 20-30 px (measured in bench/bench_realworld.py)."""
    if char_px <= 0:
        return 1.0
    if char_px >= MIN_CHAR_PX:
        return 1.0
    return round(min(MAX_OCR_SCALE, TARGET_CHAR_PX / char_px), 2)


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
    bilevel: bool = False
    voted: bool = False  # the orientation was decided (or checked) by the OCR vote
    text_like: bool = False
    char_px: float = 0.0
    original: encode.EncodedImage | None = None  # the bilevel input's own G4 or JBIG2 image
    verify: bool = False  # the shape vote's turn must be confirmed by a good full read


def _vote(
    gray: np.ndarray,
    dpi: int,
    char_px: float,
    candidates: tuple[int, ...],
    options: ProcessOptions,
    work: Path,
    name: str,
) -> orient.Vote:
    scale = ocr_scale(char_px, dpi)
    mask, _blobs, _ = geometry.text_mask(gray, dpi)
    crop = orient.text_crop(gray, mask, scale)
    return orient.vote(
        crop, candidates, work, name, options.languages, round(dpi * scale), options.tesseract_timeout_s
    )


def prepare_page(
    src: PageSource,
    options: ProcessOptions,
    work: Path,
    name: str,
    allow_turn: bool = True,
    forced: int | None = None,
) -> PreparedPage:
    """Load, turn upright, remove borders, deskew, clean and analyse one page.

    ``forced``: the orientation an OCR vote on the processed page chose; ``allow_turn=False``
    keeps the page as it lies.
    """
    loaded = load_page(src)
    rgb, dpi, flags = loaded.rgb, loaded.dpi, loaded.flags
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    geo = geometry.estimate(gray, dpi, allow_turn=allow_turn and forced is None)
    orientation, skew, voted = geo.orientation, geo.skew_deg, False
    # A page whose shapes show text is not voted on up front, even when its up/down or its
    # resolution leaves the shape vote unsure: its own full read in that turn checks it
    # afterwards (process_page; upright reads at confidence 94-95, upside down at 45-49), which
    # costs nothing when it reads well. A crop vote in four turns cost ~10 s a page here.
    sure = geo.has_text and geo.direction_known
    if forced is not None:
        orientation, voted = forced, True
        if forced != geo.orientation:
            skew = geometry.skew_of_turned(gray, dpi, forced)
    elif allow_turn and options.ocr and geo.text_like and not sure:
        # the shapes gave no reliable text evidence (so no turn either): all four turns are read
        vote = _vote(gray, dpi, geo.char_px, (0, 90, 180, 270), options, work, name)
        voted = True
        if vote.failed:  # no evidence: keep the shape vote's turn, and say so
            flags.add(PageFlag.ORIENTATION_UNCERTAIN)
        elif vote.orientation is None:
            orientation = 0  # no turn reads as text: the page stays as it lies
        else:
            orientation = vote.orientation
            if not vote.certain:
                flags.add(PageFlag.ORIENTATION_UNCERTAIN)
        if orientation != geo.orientation:
            skew = geometry.skew_of_turned(gray, dpi, orientation)
    if orientation:
        flags.add(PageFlag.ROTATED)
        rgb, gray = geometry.upright(rgb, orientation), geometry.upright(gray, orientation)
    paper = cleanup.paper_colour(rgb)
    cleanup.remove_borders(rgb, gray, dpi, paper)
    if abs(skew) >= 0.02:
        rgb = geometry.deskew(rgb, skew, paper)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    clean = cleanup.clean(rgb, gray, dpi, paper, options.remove_punch_holes)
    holes = [] if clean.holes_removed else clean.holes
    result = analyse.analyse(rgb, gray, dpi, paper, holes, options.allowed_color_modes)
    flags |= result.flags
    return PreparedPage(
        rgb,
        gray,
        dpi,
        flags,
        skew,
        orientation,
        paper,
        result,
        ink_level(gray),
        loaded.bilevel,
        voted,
        geo.text_like or geo.has_text,
        geo.char_px,
        loaded.original,
        verify=sure and _needs_vote(geo, flags) and forced is None and allow_turn,
    )


def _needs_vote(geo: geometry.Geometry, flags: set[PageFlag]) -> bool:
    """The shape vote alone is not enough: it was unsure, found no clear lines, or the scan is
    low-resolution or of unknown resolution (where the shapes of letters blur together)."""
    return (
        not geo.has_text
        or not geo.updown_certain
        or bool(flags & {PageFlag.LOW_RESOLUTION, PageFlag.DPI_ASSUMED})
    )


MIN_READ_WORDS = 5  # a text page must read as at least this many confident words


def _confident_words(words: list[Word]) -> int:
    return sum(1 for w in words if w.conf >= 60 and sum(c.isalnum() for c in w.text) >= 2)


VERIFY_CONF = 75.0  # mean confidence of a full read that confirms the shape vote's turn
VERIFY_SHARE = 0.7  # ... with at least this share of its words read confidently
VERIFY_WORDS = 12


def _reads_well(result: PageResult) -> bool:
    """The full read confirms the page's turn. Measured on the bench's 100 and 75 dpi letters:
    upright they read at mean confidence 94-95 with 98 % of words confident; turned by 90 or
    180 degrees at 45-49 with 34-39 % (docs/notes/issue-11.md)."""
    conf = result.report.ocr_confidence
    real = [w for w in result.words if w.conf >= 0]
    confident = _confident_words(result.words)
    return (
        conf is not None
        and conf >= VERIFY_CONF
        and confident >= VERIFY_WORDS
        and confident >= VERIFY_SHARE * len(real)
    )


def _reads_poorly(result: PageResult, options: ProcessOptions) -> bool:
    conf = result.report.ocr_confidence
    few = _confident_words(result.words) < MIN_READ_WORDS
    return few or (conf is not None and conf < options.min_ocr_confidence)


def process_page(src: PageSource, number: int, options: ProcessOptions, work: Path) -> PageResult:
    """Process one page. A page that then reads poorly, and whose turn no OCR vote has checked
    yet, is voted on (all four turns of a text crop); so is a low-resolution or DPI-less page
    whose sure shape vote its full read does not confirm (``_reads_well``). When another turn
    clearly reads better the page is processed again in that turn. A turned page that reads as no words in any
    turn is processed again as it lies: a page without text is never turned."""
    ocr.use_model(options.ocr_model, options.ocr_engine)
    result, page = _process_page(src, number, options, work)
    if not (options.ocr and page.text_like and not result.report.blank):
        return result
    if page.voted:
        if page.orientation and _confident_words(result.words) < MIN_READ_WORDS:
            log.info("page %s: turned by %d, reads as no text; kept as scanned", src.label, page.orientation)
            result, _ = _process_page(src, number, options, work, allow_turn=False)
        return result
    if not (_reads_poorly(result, options) or (page.verify and not _reads_well(result))):
        return result
    name = f"p{number:05d}r"
    vote = _vote(page.gray, page.dpi, page.char_px, (0, 90, 180, 270), options, work, name)
    uncertain = vote.failed or (vote.orientation is not None and not vote.certain)
    if vote.failed:
        pass
    elif vote.orientation is None:
        if page.orientation:  # no turn reads as text: the page stays as it lies
            log.info("page %s: turned by %d, reads as no text; kept as scanned", src.label, page.orientation)
            result, _ = _process_page(src, number, options, work, allow_turn=False)
    elif vote.orientation != 0:
        turn = (page.orientation + vote.orientation) % 360
        log.info("page %s: read poorly; the OCR vote turns it to %d", src.label, turn)
        result, _ = _process_page(src, number, options, work, forced=turn)
    if uncertain:
        result.report.flags = sorted({*result.report.flags, PageFlag.ORIENTATION_UNCERTAIN.value})
    return result


def _process_page(
    src: PageSource,
    number: int,
    options: ProcessOptions,
    work: Path,
    allow_turn: bool = True,
    forced: int | None = None,
) -> tuple[PageResult, PreparedPage]:
    started = time.monotonic()
    name = f"p{number:05d}"
    page = prepare_page(src, options, work, name, allow_turn, forced)
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
    scale = ocr_scale(page.char_px, dpi)
    if options.ocr and not result.blank:
        image_for_ocr = ocr_image(rgb, result.color_mode)
        if scale != 1.0:
            image_for_ocr = cv2.resize(image_for_ocr, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        run = ocr.start(
            image_for_ocr, work, options.languages, round(dpi * scale), options.tesseract_timeout_s, name
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
            g4_scale = 1 if page.bilevel else encode.G4_SCALE  # a bilevel scan never grows
            image = encode.encode_g4(encode.binarize(cv2.LUT(gray, lut), g4_scale), g4_scale)
            original = page.original
            if (
                original
                and not page.orientation
                and abs(page.skew_deg) < 0.02
                and len(original.data) + len(original.globals) <= len(image.data)
            ):
                image = original  # an upright, straight G4/JBIG2 scan: its own image is the smallest
        words = ocr.scale_words(run.result(), 1 / scale) if run else []
        words = drop_junk(drop_mark_noise(words, result.color_boxes))
    except BaseException:
        if run:
            run.cancel()
        raise
    image_file = work / f"{name}.{image.kind}"
    image_file.write_bytes(image.data)
    globals_file = ""
    if image.globals:
        globals_file = str(work / f"{name}.jbig2globals")
        Path(globals_file).write_bytes(image.globals)
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
        image_bytes=len(image.data) + len(image.globals) + sum(len(p.data) for _, _, p in patches),
        seconds=round(time.monotonic() - started, 2),
    )
    log.debug("page %s: %s", src.label, report)
    result_page = PageResult(
        report,
        str(image_file),
        image.kind,
        image.width,
        image.height,
        image.black_is_1,
        image.scale,
        words,
        patch_files,
        globals_file,
    )
    return result_page, page


MARK_NOISE_CONF = 65.0  # below this a word lying on a seal or signature is taken for its strokes
MARK_OVERLAP = 0.5


def drop_mark_noise(words: list[Word], marks: list[tuple[int, int, int, int]]) -> list[Word]:
    """The words without those read from a seal's ring or a signature's strokes.

    Tesseract reads such strokes as short junk words (``VAVY^W``, ``„+``, ``——``) at low
    confidence; real text under a red seal reads clean in the red channel (90+ on the bench).
    So a word is dropped only when at least half of its box lies on a coloured mark *and* its
    confidence is below MARK_NOISE_CONF. On the bench's quick set this removed 11 junk words
    and no word of the truth (docs/notes/issue-11.md).
    """
    if not marks:
        return words

    def on_mark(w: Word) -> bool:
        area = max(1, w.width * w.height)
        for x, y, bw, bh in marks:
            ix = min(w.left + w.width, x + bw) - max(w.left, x)
            iy = min(w.top + w.height, y + bh) - max(w.top, y)
            if ix > 0 and iy > 0 and ix * iy >= MARK_OVERLAP * area:
                return True
        return False

    return [w for w in words if w.conf >= MARK_NOISE_CONF or not on_mark(w)]


JUNK_CONF = 30.0  # below this, a word that is mostly not letters or digits is stroke noise
JUNK_ALNUM = 0.6


def drop_junk(words: list[Word]) -> list[Word]:
    """The words without near-zero-confidence tokens of mostly symbols (``^^``, ``Z5...``,
    ``VyWx/,^``): what Tesseract makes of a signature or a stamp on a gray or bilevel page,
    where no colour marks the strokes. On the bench's gray, bilevel and low-resolution pages
    this removed 5 such tokens and no word of the truth (docs/notes/issue-11.md)."""

    def junk(w: Word) -> bool:
        share = sum(c.isalnum() for c in w.text) / max(1, len(w.text))
        return 0 <= w.conf < JUNK_CONF and share < JUNK_ALNUM

    return [w for w in words if not junk(w)]


def _mixed_raster_fits(boxes: list[tuple[int, int, int, int]], shape: tuple[int, ...]) -> bool:
    """Mixed raster only when the colour is in a few small areas (seals, signatures), not a photo."""
    area = sum(w * h for _, _, w, h in boxes)
    return 0 < len(boxes) <= 8 and area <= 0.25 * shape[0] * shape[1]
