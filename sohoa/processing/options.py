"""What a caller passes to :func:`sohoa.processing.process_document` and what it gets back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sohoa.core.config import Processing
from sohoa.core.model import ColorMode, PageFlag

MAX_MEGAPIXELS = 200  # larger inputs are refused as decompression bombs
DEFAULT_DPI = 300  # assumed (and flagged) when a file carries no resolution


@dataclass(frozen=True)
class ProcessOptions:
    """How pages are processed. ``from_config`` maps the ``[processing]`` settings."""

    languages: str = "vie"
    jobs: int = 0  # worker processes; 0: one per core
    allowed_color_modes: tuple[ColorMode, ...] = (ColorMode.COLOR, ColorMode.GRAY, ColorMode.BW)
    jpeg_quality: int = 60
    max_page_kb: int = 200  # a colour page is re-encoded at lower quality until it fits
    remove_punch_holes: bool = False
    drop_blank: bool = False  # blank pages are always flagged; dropped only when this is true
    ocr: bool = True
    tesseract_timeout_s: float = 180.0
    min_ocr_confidence: float = 60.0
    ocr_model: str = "best"  # "fast" (Debian's), "best" (4.0.0_best_int) or "full": see docs/processing.md
    ocr_engine: str = "auto"  # "cli", "library" (tesserocr) or "auto": see tesserocr_engine

    def __post_init__(self) -> None:
        modes = tuple(ColorMode(m) for m in self.allowed_color_modes)
        if not modes:
            raise ValueError("allowed_color_modes must name at least one mode")
        object.__setattr__(self, "allowed_color_modes", modes)

    @classmethod
    def from_config(cls, section: Processing, **overrides: Any) -> ProcessOptions:
        values: dict[str, Any] = {
            "languages": section.languages,
            "jobs": section.jobs,
            "allowed_color_modes": tuple(ColorMode(m) for m in section.allowed_color_modes),
            "jpeg_quality": section.jpeg_quality,
            "remove_punch_holes": section.remove_punch_holes,
            "tesseract_timeout_s": section.tesseract_timeout_s,
            "max_page_kb": section.max_page_kb,
            "min_ocr_confidence": section.min_ocr_confidence,
            "ocr_model": getattr(section, "ocr_model", "best"),
            "ocr_engine": getattr(section, "ocr_engine", "auto"),
        }
        values.update(overrides)
        return cls(**values)


@dataclass
class PdfMetadata:
    """Archive metadata written into the PDF/A's XMP (and its document information)."""

    title: str = ""
    dossier_code: str = ""
    document_kind: str = ""
    result_code: str = ""
    author: str = ""
    created: datetime | None = None  # default: now, with the local time zone
    appendix_vi: dict[str, str] = field(default_factory=dict)  # Decree 30 Appendix VI (core.appendix6.to_xmp)


@dataclass
class PageReport:
    """One input page, in input order (the REPORT.json entry of ``sohoa process``)."""

    source: str  # file name, with "#n" for page n of a multi-page file
    skew_deg: float = 0.0  # counter-clockwise angle of the content in the upright page
    orientation: int = 0  # clockwise turn the input page had (0, 90, 180, 270)
    blank: bool = False
    included: bool = True
    color_mode: str = ColorMode.COLOR.value
    flags: list[str] = field(default_factory=list)
    dpi: int = DEFAULT_DPI
    ocr_confidence: float | None = None  # mean word confidence, 0-100
    words: int = 0
    image_bytes: int = 0
    seconds: float = 0.0  # time spent on this page in its worker
    cpu_seconds: float = 0.0  # CPU time of this page: its worker and the worker's Tesseract runs

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ProcessReport:
    output: str
    pages: list[PageReport]
    pdfa_valid: bool
    seconds: float
    bytes: int

    @property
    def included_pages(self) -> int:
        return sum(p.included for p in self.pages)

    def to_json(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "pdfa": "2b" if self.pdfa_valid else None,
            "seconds": round(self.seconds, 2),
            "bytes": self.bytes,
            "pages": [p.to_json() for p in self.pages],
        }


def flag_values(flags: set[PageFlag]) -> list[str]:
    return sorted(f.value for f in flags)
