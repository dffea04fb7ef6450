"""The module that runs Tesseract for OCR (word boxes), picks its model and checks languages.

Every call has a timeout and runs with ``OMP_THREAD_LIMIT=1`` (pages run in parallel
instead: with OpenMP threads one page took 13 s here, without 1.9 s). Images go to
Tesseract as uncompressed PGM files in the job's work folder (no PNG encoding cost).
OCR is started with :func:`start` and collected with :meth:`OcrRun.result`, so a worker
can encode the page image while Tesseract reads it.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import logging
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from sohoa.processing import tesserocr_engine as _lib
from sohoa.processing.errors import MissingLanguage, OcrFailed, OcrTimeout, TesseractMissing


@dataclass(frozen=True)
class Word:
    text: str  # NFC
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int, int]  # (left, top, width, height) of the word's line
    # the line's baseline as Tesseract found it: pixels from the line box's bottom (<= 0, i.e.
    # above it); None when unknown (TSV output)
    baseline: float | None = None


def env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


_env = env
MODELS = ("fast", "best", "full")  # tessdata_fast (Debian's), 4.0.0_best_int, 4.0.0 (see installer/setup.sh)
_tessdata_override: str | None = None


def models_root() -> Path:
    """Where installer/setup.sh puts the model folders (``SOHOA_TESSDATA`` overrides it)."""
    root = os.environ.get("SOHOA_TESSDATA")
    return Path(root) if root else Path(__file__).resolve().parents[2] / ".tessdata"


_warned: set[str] = set()


def tessdata_dir(model: str) -> str | None:
    """The tessdata folder of ``model``, or None for Tesseract's own lookup.

    An explicit ``TESSDATA_PREFIX`` wins (whoever set it chose the models). A model that was
    not installed falls back to the system's, with a warning in the log: the page is still
    read, only with the faster, less accurate network.
    """
    if model not in MODELS:
        raise ValueError(f"unknown OCR model {model!r}; choose one of {', '.join(MODELS)}")
    if os.environ.get("TESSDATA_PREFIX"):
        return None
    folder = models_root() / model
    if (folder / "vie.traineddata").is_file():
        return str(folder)
    if model != "fast" and model not in _warned:
        _warned.add(model)
        logging.getLogger(__name__).warning(
            "OCR model %r is not installed in %s (run installer/setup.sh); using the system model",
            model,
            folder,
        )
    return None


def use_model(model: str, engine: str | None = None) -> None:
    """Select the model (and the backend) every later call in this process uses (workers call it per page)."""
    global _tessdata_override
    _tessdata_override = tessdata_dir(model)
    _lib.use_engine(engine)


def tessdata_args() -> list[str]:
    return ["--tessdata-dir", _tessdata_override] if _tessdata_override else []


def tesseract_exe() -> str:
    exe = shutil.which("tesseract")
    if not exe:
        raise TesseractMissing()
    return exe


@functools.cache
def _available_languages(tessdata: str) -> frozenset[str]:
    try:
        out = subprocess.run(
            [tesseract_exe(), "--list-langs", *(["--tessdata-dir", tessdata] if tessdata else [])],
            capture_output=True,
            text=True,
            timeout=30,
            env=_env(),
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise OcrFailed(page="-", detail="tesseract --list-langs timed out") from e
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def check_languages(languages: str) -> None:
    """Raise MissingLanguage unless every language of ``languages`` ("vie+eng") is installed."""
    if _lib.library_selected():  # the bundled libtesseract (tesserocr_engine): no tesseract program
        available = _lib.available_languages(_lib.tessdata_path(_tessdata_override))
    else:
        available = _available_languages(_tessdata_override or os.environ.get("TESSDATA_PREFIX", ""))
    for lang in languages.split("+"):
        if lang not in available:
            raise MissingLanguage(language=lang, available=", ".join(sorted(available)) or "-")


def write_pgm(gray: np.ndarray, path: Path) -> Path:
    if not cv2.imwrite(str(path), gray):
        raise OcrFailed(page=path.stem, detail=f"cannot write {path.name}")
    return path


class OcrRun:
    """A running Tesseract process; :meth:`result` waits for it (with the timeout)."""

    def __init__(self, image: Path, languages: str, dpi: int, timeout_s: float, page: str) -> None:
        self.page, self.timeout_s = page, timeout_s
        args = [tesseract_exe(), str(image), "stdout", "-l", languages, "--psm", "3", "--dpi", str(dpi)]
        args += ["-c", "tessedit_do_invert=0", *tessdata_args(), "hocr"]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=image.parent
        )

    def result(self) -> list[Word]:
        try:
            out, err = self.proc.communicate(timeout=self.timeout_s)
        except subprocess.TimeoutExpired as e:
            self.proc.kill()
            self.proc.communicate()
            raise OcrTimeout(page=self.page, seconds=round(self.timeout_s)) from e
        if self.proc.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()
            raise OcrFailed(
                page=self.page, detail=(detail[-1] if detail else f"exit {self.proc.returncode}")[:300]
            )
        return parse_hocr(out.decode("utf-8", "replace"))

    def cancel(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def start(gray: np.ndarray, work: Path, languages: str, dpi: int, timeout_s: float, page: str) -> OcrRun:
    if _lib.library_selected():  # same settings and Words through libtesseract (tesserocr_engine)
        return _lib.LibraryRun(gray, _lib.tessdata_path(_tessdata_override), languages, dpi, timeout_s, page)  # type: ignore[return-value]
    return OcrRun(write_pgm(gray, work / f"{page}.ocr.pgm"), languages, dpi, timeout_s, page)


def scale_words(words: list[Word], f: float) -> list[Word]:
    """Word and line boxes of an enlarged OCR image brought back to the page's pixels."""
    if f == 1.0:
        return words

    def box(b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (round(b[0] * f), round(b[1] * f), max(1, round(b[2] * f)), max(1, round(b[3] * f)))

    return [
        Word(
            w.text,
            *box((w.left, w.top, w.width, w.height)),
            w.conf,
            box(w.line),
            None if w.baseline is None else w.baseline * f,
        )
        for w in words
    ]


_HOCR_SPAN = re.compile(
    r"<span class='(ocr_line|ocr_header|ocr_caption|ocr_textfloat|ocrx_word)'[^>]*?"
    r"title=[\"']([^\"']*)[\"'][^>]*>(.*?)(?=<span class=|</span>\s*</span>|</span>\s*$)",
    re.S,
)
_TAG = re.compile(r"<[^>]+>")


def _title(title: str) -> dict[str, list[str]]:
    return {k: v for k, *v in (part.split() for part in title.split(";") if part.strip())}


def parse_hocr(text: str) -> list[Word]:
    """Words of Tesseract's hOCR with their line boxes and baselines, text in NFC.

    hOCR is read rather than TSV for the baseline: the text layer puts each line on
    Tesseract's own baseline with a font size from it, the way Tesseract's and OCRmyPDF's
    renderers do, so that text extraction (pdftotext, a viewer's copy) groups the lines
    as Tesseract read them.
    """
    words: list[Word] = []
    line: tuple[int, int, int, int] | None = None
    baseline: float | None = None
    for m in _HOCR_SPAN.finditer(text):
        kind, title = m.group(1), _title(m.group(2))
        try:
            x0, y0, x1, y1 = (int(v) for v in title["bbox"][:4])
        except (KeyError, ValueError):
            continue
        box = (x0, y0, x1 - x0, y1 - y0)
        if kind != "ocrx_word":
            line = box
            try:
                baseline = float(title["baseline"][1])
            except (KeyError, IndexError, ValueError):
                baseline = None
            continue
        word_text = unicodedata.normalize("NFC", html.unescape(_TAG.sub("", m.group(3))).strip())
        if not word_text:
            continue
        try:
            conf = float(title["x_wconf"][0])
        except (KeyError, IndexError, ValueError):
            conf = -1.0
        words.append(Word(word_text, *box, conf, line or box, baseline if line else None))
    return words


def parse_tsv(tsv: str) -> list[Word]:
    """Words (level 5) of Tesseract's TSV with their line boxes (level 4), text in NFC."""
    return [w for page in parse_tsv_pages(tsv).values() for w in page]


def parse_tsv_pages(tsv: str) -> dict[int, list[Word]]:
    """:func:`parse_tsv` per page number (a run over a list of images has one page per image)."""
    pages: dict[int, list[Word]] = {}
    lines: dict[tuple[str, ...], tuple[int, int, int, int]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        try:
            level = int(row["level"])
            box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        except (KeyError, TypeError, ValueError):
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        if level == 4:
            lines[key] = box
        elif level == 5:
            text = unicodedata.normalize("NFC", (row.get("text") or "").strip())
            if text:
                word = Word(text, *box, float(row["conf"]), lines.get(key, box))
                pages.setdefault(int(row["page_num"] or 0), []).append(word)
    return pages
