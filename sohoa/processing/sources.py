"""Checking input files before any work starts, and listing their pages.

Every refusal happens here, in the calling process and before a worker or an output file
exists: a zero-byte, unknown, oversized, encrypted or already-signed input stops the job
with a clear error and nothing is written. Decoding damage that only shows when the
pixels are read (a truncated image) is caught by :mod:`sohoa.processing.load`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, UnidentifiedImageError

from sohoa.processing.errors import (
    EmptyFile,
    EncryptedPdf,
    ImageTooLarge,
    InputNotFound,
    SignedPdfRefused,
    TruncatedImage,
    UnreadablePdf,
    UnsupportedFormat,
)
from sohoa.processing.options import MAX_MEGAPIXELS

RENDER_DPI = 300  # PDF pages are rendered at this resolution


@dataclass(frozen=True)
class PageSource:
    """One page of one input file."""

    path: str
    kind: str  # "image" or "pdf"
    index: int  # frame of a multi-page TIFF, or page of a PDF (0-based)
    label: str  # as shown in the report: "page-001.png", or "dossier.pdf#3"


def sniff(head: bytes) -> str | None:
    """The format of a file from its first bytes, or None when it is none we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def _check_size(path: Path, width: int, height: int) -> None:
    megapixels = width * height / 1e6
    if megapixels > MAX_MEGAPIXELS:
        raise ImageTooLarge(path=path.name, megapixels=f"{megapixels:.0f}", limit=MAX_MEGAPIXELS)


def _image_pages(path: Path) -> list[PageSource]:
    """Pages of an image file, sized from its header alone (a bomb is never decoded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # we check the size ourselves
            try:
                with Image.open(path) as img:
                    frames = getattr(img, "n_frames", 1)
                    for i in range(frames):
                        img.seek(i)
                        _check_size(path, *img.size)
            finally:
                Image.MAX_IMAGE_PIXELS = limit
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        detail = (str(e) or type(e).__name__).replace(f"'{path}'", path.name)
        raise TruncatedImage(path=path.name, detail=detail) from e
    if frames == 1:
        return [PageSource(str(path), "image", 0, path.name)]
    return [PageSource(str(path), "image", i, f"{path.name}#{i + 1}") for i in range(frames)]


def is_signed(pdf: pikepdf.Pdf) -> bool:
    """True when the PDF holds a signature (or claims to): it must then never be modified."""
    root = pdf.Root
    if "/Perms" in root:
        return True
    acro = root.get("/AcroForm")
    if isinstance(acro, pikepdf.Dictionary):
        if int(acro.get("/SigFlags", 0)) & 1:
            return True
        stack = list(acro.get("/Fields", []))
        while stack:
            field = stack.pop()
            if not isinstance(field, pikepdf.Dictionary):
                continue
            if field.get("/FT") == "/Sig" and "/V" in field:
                return True
            stack.extend(field.get("/Kids", []))
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if isinstance(annot, pikepdf.Dictionary) and annot.get("/FT") == "/Sig" and "/V" in annot:
                return True
    return False


def _pdf_pages(path: Path) -> list[PageSource]:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as e:
        raise EncryptedPdf(path=path.name) from e
    except pikepdf.PdfError as e:
        raise UnreadablePdf(
            path=path.name, detail=str(e).splitlines()[0].replace(f"{path}: ", "")[:200]
        ) from e
    with pdf:
        if pdf.is_encrypted:
            raise EncryptedPdf(path=path.name)
        if is_signed(pdf):
            raise SignedPdfRefused(path=path.name)
        if len(pdf.pages) == 0:
            raise UnreadablePdf(path=path.name, detail="no pages")
        out = []
        for i, page in enumerate(pdf.pages):
            box = page.cropbox if "/CropBox" in page.obj else page.mediabox
            w_pt, h_pt = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
            _check_size(path, round(w_pt / 72 * RENDER_DPI), round(h_pt / 72 * RENDER_DPI))
            out.append(
                PageSource(str(path), "pdf", i, f"{path.name}#{i + 1}" if len(pdf.pages) > 1 else path.name)
            )
        return out


def list_pages(inputs: list[Path]) -> list[PageSource]:
    """Check every input and list its pages in order; raise a typed error on the first bad one."""
    pages: list[PageSource] = []
    for raw in inputs:
        path = Path(raw)
        if not path.is_file():
            raise InputNotFound(path=str(path))
        if path.stat().st_size == 0:
            raise EmptyFile(path=path.name)
        with open(path, "rb") as fh:
            kind = sniff(fh.read(1024))
        if kind is None:
            raise UnsupportedFormat(path=path.name)
        pages += _pdf_pages(path) if kind == "pdf" else _image_pages(path)
    return pages
