"""Decoding one input page into an 8-bit RGB array at a known resolution.

16-bit samples are scaled to 8 bits, CMYK goes to sRGB (through its ICC profile when it
has one), palettes and alpha are flattened on white, a missing resolution is estimated
from the size of the characters (with a flag), and very high resolutions are brought down
to 300 dpi (the archive needs no more, and every later step gets faster). A black-and-white
PDF scan is rendered at its own resolution, so its output does not grow.
"""

from __future__ import annotations

import io
import logging
import zlib
from dataclasses import dataclass

import cv2
import numpy as np
import pikepdf
from PIL import Image, ImageCms

from sohoa.core.model import ColorMode, PageFlag
from sohoa.processing.encode import EncodedImage
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


STANDARD_DPI = (72, 100, 150, 200, 300, 400, 600)
BODY_CHAR_MM = 3.3  # median character blob height of 12-14 pt office body text (measured)


@dataclass(frozen=True)
class Loaded:
    rgb: np.ndarray
    dpi: int
    flags: set[PageFlag]
    bilevel: bool = False  # the input page was black and white (1 bit): its output must not grow
    original: EncodedImage | None = None  # the input page's own G4 image, reusable when nothing moved


def estimate_dpi(rgb: np.ndarray) -> int:
    """A resolution for a file that carries none, from the size of its characters.

    Office letters are printed at 12-14 pt, whose character blobs have a median height of
    about 3.3 mm (13 px at 100 dpi, 32 px at 300 dpi on the bench's letters); the result snaps to the nearest usual scan resolution. A page without
    enough character-sized blobs gets the default (300 dpi).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    _n, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    keep = (h >= 5) & (h <= 200) & (w <= 3 * h) & (stats[1:, cv2.CC_STAT_AREA] >= 8)
    if keep.sum() < 40:
        return DEFAULT_DPI
    dpi = float(np.median(h[keep])) * 25.4 / BODY_CHAR_MM
    return min(STANDARD_DPI, key=lambda d: abs(np.log(d / dpi)))


def _load_image(src: PageSource) -> tuple[np.ndarray, float, float, set[PageFlag], bool]:
    flags: set[PageFlag] = set()
    Image.MAX_IMAGE_PIXELS = MAX_MEGAPIXELS * 1_000_000
    try:
        with Image.open(src.path) as img:
            img.seek(src.index)
            img.load()
            dpi = img.info.get("dpi")
            bilevel = img.mode == "1"
            rgb = _to_rgb(img)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise TruncatedImage(path=src.label, detail=str(e) or type(e).__name__) from e
    try:
        xdpi, ydpi = float(dpi[0]), float(dpi[1])
    except (TypeError, IndexError, ValueError):
        xdpi = ydpi = 0.0
    if xdpi < 30 or ydpi < 30:
        xdpi = ydpi = float(estimate_dpi(rgb))
        flags.add(PageFlag.DPI_ASSUMED)
    return rgb, xdpi, ydpi, flags, bilevel


def image_dpi(width_px: int, height_px: int, w_pt: float, h_pt: float) -> float:
    """The resolution of a page-filling image: its pixels over the page's size, the image laid
    either way. A scan drawn a quarter turn (cardinal.pdf's landscape pages hold a 2550 x 3300
    portrait image under a turning matrix) fits the page the other way round: taken straight it
    gave 388 dpi instead of 300, and the page was rendered 1.7 times larger than its scan."""
    straight = (width_px / (w_pt / 72), height_px / (h_pt / 72))
    turned = (width_px / (h_pt / 72), height_px / (w_pt / 72))

    def squareness(d: tuple[float, float]) -> float:
        return abs(np.log(d[0] / d[1]))

    return max(turned if squareness(turned) < squareness(straight) else straight)


def bilevel_pdf_dpi(src: PageSource) -> tuple[float, EncodedImage | None] | None:
    """The resolution of a PDF page that is one black-and-white scan (CCITT, JBIG2, 1-bit), else None.

    Such a page is rendered at its own resolution, not at RENDER_DPI: rendering a 200 dpi
    fax-coded scan at 300 dpi (and coding it again) would only make the file bigger.
    """
    try:
        with pikepdf.open(src.path) as pdf:
            page = pdf.pages[src.index]
            images = (
                list(page.get_images().values())
                if hasattr(page, "get_images")
                else list(page.images.values())
            )
            if len(images) != 1:
                return None
            image = images[0]
            if not (image.get("/ImageMask", False) or int(image.get("/BitsPerComponent", 8)) == 1):
                return None
            box = page.mediabox
            w_pt, h_pt = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
            dpi = image_dpi(int(image.Width), int(image.Height), w_pt, h_pt)
            rotate = int(page.obj.get("/Rotate", 0))
            original = _g4_original(image, rotate) or _jbig2_original(image, rotate)
    except (pikepdf.PdfError, KeyError, ValueError, TypeError, ZeroDivisionError, IndexError):
        return None
    return (dpi, original) if 100 <= dpi <= MAX_WORK_DPI else None


def _g4_original(image: pikepdf.Object, rotate: int) -> EncodedImage | None:
    """The page's CCITT G4 stream as it is, when a PDF can take it over unchanged."""
    parms = image.get("/DecodeParms")
    if image.get("/Filter") != pikepdf.Name.CCITTFaxDecode or not isinstance(parms, pikepdf.Dictionary):
        return None
    if int(parms.get("/K", 0)) != -1 or "/Decode" in image or bool(parms.get("/EncodedByteAlign", False)):
        return None
    if rotate % 360 or image.get("/ImageMask", False):
        return None
    w, h = int(image.Width), int(image.Height)
    return EncodedImage("g4", ColorMode.BW, w, h, image.read_raw_bytes(), bool(parms.get("/BlackIs1", False)))


def _jbig2_original(image: pikepdf.Object, rotate: int) -> EncodedImage | None:
    """The page's JBIG2 stream and its globals as they are (there is no JBIG2 encoder here,
    and re-coding a JBIG2 scan as G4 made jbig2.pdf's 8.8 KB page about 100 KB)."""
    if image.get("/Filter") != pikepdf.Name.JBIG2Decode or "/Decode" in image:
        return None
    if rotate % 360 or image.get("/ImageMask", False):
        return None
    parms = image.get("/DecodeParms")
    globals_ = b""
    if isinstance(parms, pikepdf.Dictionary) and "/JBIG2Globals" in parms:
        globals_ = zlib.compress(parms.JBIG2Globals.read_bytes(), 9)
    w, h = int(image.Width), int(image.Height)
    return EncodedImage("jbig2", ColorMode.BW, w, h, image.read_raw_bytes(), globals=globals_)


def _decode_bilevel(src: PageSource) -> np.ndarray | None:
    """The page's one black-and-white image decoded pixel for pixel (no resampling by a renderer)."""
    try:
        with pikepdf.open(src.path) as pdf:
            page = pdf.pages[src.index]
            (image,) = page.get_images().values() if hasattr(page, "get_images") else page.images.values()
            pil = pikepdf.PdfImage(image).as_pil_image()
            return np.array(pil.convert("RGB"))
    except Exception as e:
        log.info("%s: bilevel image not decoded directly (%s); rendering it", src.label, e)
        return None


def _render_pdf(src: PageSource, dpi: float = RENDER_DPI) -> np.ndarray:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(src.path)
        try:
            page = doc[src.index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            arr = bitmap.to_numpy()
        finally:
            doc.close()
    except pdfium.PdfiumError as e:
        raise UnreadablePdf(path=src.label, detail=str(e)) from e
    return np.ascontiguousarray(arr[:, :, :3])


def _fit(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    """``rgb`` cropped or padded with white to w x h when it is within 2 px of it (pdfium renders
    a 2550 x 3300 JBIG2 page at 3301 rows), so the page's own image still fits it exactly."""
    rh, rw = rgb.shape[:2]
    if (rw, rh) == (w, h) or abs(rw - w) > 2 or abs(rh - h) > 2:
        return rgb
    out = np.full((h, w, 3), 255, np.uint8)
    out[: min(h, rh), : min(w, rw)] = rgb[:h, :w]
    return out


def load_page(src: PageSource) -> Loaded:
    """The page as RGB uint8, its resolution (square pixels), the flags loading raised and
    whether it was a black-and-white scan."""
    if src.kind == "pdf":
        native = bilevel_pdf_dpi(src)
        exact = native[0] if native else RENDER_DPI
        dpi = round(exact)
        flags = {PageFlag.LOW_RESOLUTION} if dpi < 200 else set()
        rgb = _decode_bilevel(src) if native else None
        if rgb is None:
            rgb = np.array(_render_pdf(src, exact))
        original = native[1] if native else None
        if original is not None:
            rgb = _fit(rgb, original.width, original.height)  # a renderer's rounding: a pixel more or less
        if original is not None and (original.width, original.height) != (rgb.shape[1], rgb.shape[0]):
            original = None
        return Loaded(rgb, dpi, flags, bilevel=native is not None, original=original)
    rgb, xdpi, ydpi, flags, bilevel = _load_image(src)
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
    return Loaded(rgb, round(xdpi), flags, bilevel)
