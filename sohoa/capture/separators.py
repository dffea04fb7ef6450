"""Separator sheets and the receipt slip's code, read with zxing-cpp.

A separator sheet is a page whose barcode or QR code says ``SOHOA-SEP`` (optionally
``SOHOA-SEP:<component code>`` to name the next document) or ``PATCH-T``. It splits a
batch into documents and is itself left out. A code on the receipt slip ("Giấy tiếp
nhận hồ sơ và hẹn trả kết quả") holding a dossier code that the province profile
accepts fills in the dossier code: the bare code, a "Mã hồ sơ: ..." text or a portal
URL with the code as a parameter all work.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.capture.driver import ScannedPage

log = logging.getLogger(__name__)

SEPARATOR_PATTERN = r"^(?:SOHOA[-_ ]?SEP|PATCH[-_ ]?T)(?:[:=/ ](?P<label>.+))?$"
_TOKEN_SPLIT = re.compile(r"[\s=&?;,|/#:]+")
# Codes are found on a reduced copy: 1600 px on the long side reads a 2 cm QR at 300 dpi.
_READ_LONG_SIDE = 1600


@dataclass(frozen=True)
class Code:
    format: str
    text: str


@dataclass
class DocumentPages:
    """Pages between two separators; ``label`` comes from the separator (e.g. a component code)."""

    label: str = ""
    pages: list[ScannedPage] = field(default_factory=list)


@dataclass
class SplitResult:
    documents: list[DocumentPages]
    separators: list[ScannedPage]
    dossier_code: str | None = None
    receipt_page: ScannedPage | None = None


def read_codes(path: Path) -> list[Code]:
    """Every barcode and QR code on a page image (empty if none or unreadable)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.draft("L", (im.width // 2, im.height // 2))  # JPEG: decode at reduced size
            gray = im.convert("L")
    except (OSError, UnidentifiedImageError) as e:
        log.warning("cannot read %s for barcodes: %s", path.name, e)
        return []
    scale = _READ_LONG_SIDE / max(gray.size)
    if scale < 1:
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)))
    found = zxingcpp.read_barcodes(gray)
    if not found and scale < 1:  # small or dense codes: try the full resolution once
        with Image.open(path) as im:
            found = zxingcpp.read_barcodes(im.convert("L"))
    return [Code(format=str(b.format).split(".")[-1], text=b.text) for b in found if b.valid and b.text]


def separator_label(codes: Sequence[Code], pattern: str = SEPARATOR_PATTERN) -> str | None:
    """The separator's label ("" when unnamed) if one code marks a separator; else None."""
    rx = re.compile(pattern, re.IGNORECASE)
    for code in codes:
        m = rx.match(code.text.strip())
        if m:
            return (m.groupdict().get("label") or "").strip()
    return None


def dossier_code_in(codes: Sequence[Code], profile: object | None = None) -> str | None:
    """The first valid dossier code carried by any code (whole text, then each token)."""
    from sohoa.core.errors import ValidationError
    from sohoa.core.identifiers import validate_dossier_code
    from sohoa.core.province import load_profile

    profile = profile or load_profile()
    for code in codes:
        text = code.text.strip()
        for candidate in [text, *_TOKEN_SPLIT.split(text)]:
            if not candidate:
                continue
            try:
                return validate_dossier_code(candidate, profile)  # type: ignore[arg-type]
            except ValidationError:
                continue
    return None


def split_pages(
    pages: Sequence[ScannedPage],
    *,
    pattern: str = SEPARATOR_PATTERN,
    profile: object | None = None,
    reader: Callable[[Path], list[Code]] = read_codes,
) -> SplitResult:
    """Split a batch at separator sheets and pick up the dossier code from the receipt slip."""
    documents = [DocumentPages()]
    separators: list[ScannedPage] = []
    dossier_code = None
    receipt = None
    for page in pages:
        codes = reader(page.path)
        label = separator_label(codes, pattern) if codes else None
        if label is not None:
            separators.append(page)
            if documents[-1].pages or documents[-1].label:
                documents.append(DocumentPages(label=label))
            else:
                documents[-1].label = label
            continue
        if dossier_code is None and codes:
            dossier_code = dossier_code_in(codes, profile)
            if dossier_code:
                receipt = page
        documents[-1].pages.append(page)
    documents = [d for d in documents if d.pages]
    return SplitResult(
        documents=documents, separators=separators, dossier_code=dossier_code, receipt_page=receipt
    )
