"""The library OCR backend: libtesseract through ``tesserocr``, for PCs without a ``tesseract`` program.

No package registry serves a Windows ``tesseract.exe``, but PyPI's ``tesserocr`` wheel for Windows
bundles libtesseract 5.5 and leptonica as DLLs (``tesserocr.libs``). This backend reads a page
with the same settings as the CLI call of :mod:`sohoa.processing.ocr` (language, page
segmentation, ``tessedit_do_invert=0``, the dpi hint, the chosen tessdata folder) and turns
Tesseract's hOCR through the same :func:`ocr.parse_hocr` (the orientation vote: TSV through
:func:`ocr.parse_tsv`, as its CLI call), so both backends give the same ``Word``s and baselines.

Which backend runs (:func:`library_selected`): ``[processing] ocr_engine`` (or the
``SOHOA_OCR_ENGINE`` environment variable) ``cli``, ``library`` or ``auto``; ``auto`` takes the
library wherever ``tesserocr`` loads (the Windows build, and Linux with the lock file's wheel) and
the ``tesseract`` program otherwise. The library is the faster of the two: measured on a dense A4
page (the corpus's cardinal.pdf, best_int, one thread), libtesseract 5.5 took 2.94 s of CPU where
Debian's tesseract 5.3 program took 3.60 s (fast model: 2.03 s against 2.74 s), for the same
words; it also loads the model once per worker instead of once per call.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from sohoa.core.errors import MissingDependencyError
from sohoa.core.i18n import Text
from sohoa.processing.errors import OcrFailed, OcrTimeout

ENGINES = ("auto", "cli", "library")
_engine_override: str | None = None
# Where Linux distributions and the frozen Windows app keep the language data (the wheel's own
# default, "./", is the working folder): used when neither a model folder nor TESSDATA_PREFIX is set.
_SYSTEM_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


class OcrLibraryMissing(MissingDependencyError):
    """``ocr_engine = library`` was asked for, but the bundled OCR library does not load."""

    text = Text(
        vi="Không nạp được thư viện nhận dạng chữ đi kèm SoHoa (tesserocr: {detail}). Hãy cài lại SoHoa, hoặc đặt ocr_engine = cli trong mục [processing] của cấu hình nếu máy đã cài Tesseract. Chạy 'sohoa doctor' để kiểm tra.",
        en="The OCR library bundled with SoHoa cannot be loaded (tesserocr: {detail}). Reinstall SoHoa, or set ocr_engine = cli in the [processing] section of the configuration if Tesseract is installed. Run 'sohoa doctor' to check.",
    )


def use_engine(engine: str | None) -> None:
    """Select the backend for every later call in this process (workers call it with the model)."""
    global _engine_override
    if engine is not None and engine not in ENGINES:
        raise ValueError(f"unknown OCR engine {engine!r}; choose one of {', '.join(ENGINES)}")
    _engine_override = engine


def chosen_engine() -> str:
    """``cli``, ``library`` or ``auto``: the selected one, else (nothing or ``auto`` selected)
    ``SOHOA_OCR_ENGINE``, else auto."""
    if _engine_override and _engine_override != "auto":
        return _engine_override
    engine = os.environ.get("SOHOA_OCR_ENGINE", "").strip().lower() or "auto"
    return engine if engine in ENGINES else "auto"


@functools.cache
def _load() -> tuple[Any, str]:
    """(the tesserocr module or None, why it did not load)."""
    try:
        import tesserocr
    except (ImportError, OSError) as e:  # OSError: a DLL it needs is missing
        logging.getLogger(__name__).warning("tesserocr does not load: %r", e)  # the class: log only
        return None, str(e)[:300] or "-"
    return tesserocr, ""


def library_available() -> bool:
    return _load()[0] is not None


def library_version() -> str:
    """``tesserocr 2.13.0, tesseract 5.5.4`` (empty when the library does not load)."""
    lib = _load()[0]
    if lib is None:
        return ""
    return f"tesserocr {lib.__version__}, {lib.tesseract_version().splitlines()[0].strip()}"


def library_selected() -> bool:
    """True when OCR goes through the library; ``library`` asked for and unloadable is an error."""
    engine = chosen_engine()
    if engine == "cli":
        return False
    if engine == "library":
        if not library_available():
            raise OcrLibraryMissing(detail=_load()[1])
        return True
    return library_available()  # auto: the library where it loads, else the program


def tessdata_path(override: str | None) -> str:
    """The folder the library reads ``*.traineddata`` from: a chosen model folder, else
    ``TESSDATA_PREFIX`` (set by the Windows app to its bundled data), else the system's."""
    if override:
        return override
    if os.environ.get("TESSDATA_PREFIX"):
        return os.environ["TESSDATA_PREFIX"]
    candidates = list(_SYSTEM_TESSDATA)
    if getattr(sys, "frozen", False):
        candidates.insert(0, str(Path(sys.executable).resolve().parent / "_internal" / "tessdata"))
    for folder in candidates:
        if Path(folder, "osd.traineddata").is_file() or any(Path(folder).glob("*.traineddata")):
            return folder
    return ""


def available_languages(path: str) -> frozenset[str]:
    lib = _load()[0]
    if lib is None:
        raise OcrLibraryMissing(detail=_load()[1])
    _, langs = lib.get_languages(path or "./")
    return frozenset(langs)


# One initialised API per (tessdata, languages, psm) kept for reuse: loading a model costs more
# than a small page. A busy one is never shared (a second concurrent run makes its own).
_pool: dict[tuple[str, str, int], list[Any]] = {}
_pool_lock = threading.Lock()


def _take(path: str, languages: str, psm: int) -> Any:
    lib = _load()[0]
    if lib is None:
        raise OcrLibraryMissing(detail=_load()[1])
    with _pool_lock:
        free = _pool.get((path, languages, psm))
        if free:
            return free.pop()
    try:
        # OEM.DEFAULT and these variables are what the CLI call of ocr.py uses.
        return lib.PyTessBaseAPI(
            path=path or "./", lang=languages, psm=psm, oem=lib.OEM.DEFAULT,
            variables={"tessedit_do_invert": "0"},
        )  # fmt: skip
    except RuntimeError as e:
        raise OcrFailed(
            page="-", detail=f"libtesseract init ({languages}, {path or 'default'}): {e}"[:300]
        ) from e


def _give_back(api: Any, path: str, languages: str, psm: int) -> None:
    with _pool_lock:
        _pool.setdefault((path, languages, psm), []).append(api)


def _recognize(
    gray: np.ndarray, path: str, languages: str, psm: int, dpi: int, timeout_s: float, page: str, hocr: bool
) -> str:
    """Read one 8-bit grey image; Tesseract's hOCR or TSV text, as the CLI prints it; timeout -> OcrTimeout."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    api = _take(path, languages, psm)
    ok = False
    try:
        api.SetVariable("user_defined_dpi", str(dpi))
        h, w = gray.shape[:2]
        api.SetImageBytes(gray.tobytes(), w, h, 1, w)
        if not api.Recognize(timeout=max(1, round(timeout_s * 1000))):
            raise OcrTimeout(page=page, seconds=round(timeout_s))
        text = api.GetHOCRText(0) if hocr else api.GetTSVText(0)
        ok = True
    finally:
        if ok:
            api.Clear()
            _give_back(api, path, languages, psm)
        else:
            api.End()  # a cancelled recognition leaves partial state: never reuse it
    return text


def read_tsv(
    gray: np.ndarray, path: str, languages: str, psm: int, dpi: int, timeout_s: float, page: str
) -> str:
    """Tesseract's TSV of one 8-bit grey image (the orientation vote reads words only)."""
    tsv = _recognize(gray, path, languages, psm, dpi, timeout_s, page, hocr=False)
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    return header + tsv


def read_hocr(
    gray: np.ndarray, path: str, languages: str, psm: int, dpi: int, timeout_s: float, page: str
) -> str:
    """Tesseract's hOCR of one 8-bit grey image: the page's read, with each line's baseline for the
    text layer, as the CLI's ``hocr`` output gives it."""
    return _recognize(gray, path, languages, psm, dpi, timeout_s, page, hocr=True)


class LibraryRun:
    """The library counterpart of :class:`ocr.OcrRun`: OCR runs in a thread (libtesseract lets go
    of the GIL), so the worker encodes the page image meanwhile; :meth:`result` waits for it."""

    def __init__(
        self, gray: np.ndarray, path: str, languages: str, dpi: int, timeout_s: float, page: str, psm: int = 3
    ) -> None:
        self.page, self.timeout_s = page, timeout_s
        self._hocr: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(gray, path, languages, psm, dpi), name=f"ocr-{page}", daemon=True
        )
        self._thread.start()

    def _run(self, gray: np.ndarray, path: str, languages: str, psm: int, dpi: int) -> None:
        try:
            self._hocr = read_hocr(gray, path, languages, psm, dpi, self.timeout_s, self.page)
        except BaseException as e:  # handed to result(), in the caller's thread
            self._error = e

    def result(self) -> list[Any]:
        from sohoa.processing import ocr

        # Tesseract's own timeout ends the thread; the slack covers layout analysis, which it
        # cannot interrupt.
        self._thread.join(self.timeout_s + 30)
        if self._thread.is_alive():
            raise OcrTimeout(page=self.page, seconds=round(self.timeout_s))
        if self._error is not None:
            raise self._error
        return ocr.parse_hocr(self._hocr or "")

    def cancel(self) -> None:
        """Nothing to kill: the thread ends within the timeout and its result is dropped."""
