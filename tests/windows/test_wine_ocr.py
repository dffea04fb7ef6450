"""The bundled OCR engine (tesserocr's libtesseract DLLs) inside Wine's Windows CPython: it
loads, reads Vietnamese, honours its timeout, and is chosen when no tesseract.exe exists."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from tests.windows.conftest import IN_WINE, unix_to_windows

pytestmark = [pytest.mark.windows, pytest.mark.skipif(not IN_WINE, reason="runs inside Wine")]
CORPUS = unix_to_windows(os.environ.get("SOHOA_CORPUS", "/work/shared/corpus"))
TESSDATA = unix_to_windows("/usr/share/tesseract-ocr/5/tessdata")  # Debian's, as bundled in the app


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from sohoa.processing import ocr

    monkeypatch.setenv("TESSDATA_PREFIX", str(TESSDATA))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract.exe anywhere
    ocr.use_model("fast", None)
    yield ocr
    ocr.use_model("fast", None)


def _gray(name: str) -> np.ndarray:
    from PIL import Image

    path = CORPUS / "ocr" / "tesseract" / name
    if not path.is_file():
        pytest.skip(f"corpus page {name} missing")
    return np.asarray(Image.open(path).convert("L"))


def test_the_dlls_load_and_auto_picks_the_library_without_tesseract_exe(library) -> None:
    from sohoa.processing import tesserocr_engine

    assert tesserocr_engine.library_available(), tesserocr_engine._load()[1]
    assert "tesseract 5.5" in tesserocr_engine.library_version()
    assert tesserocr_engine.library_selected()
    library.check_languages("vie+eng")


def test_a_vietnamese_word_is_read_through_the_library(library, tmp_path: Path) -> None:
    words = library.start(_gray("viet.tif"), tmp_path, "vie", 300, 120, "viet").result()
    truth = (CORPUS / "ocr" / "tesseract" / "viet.gt.txt").read_text(encoding="utf-8").strip()
    assert [w.text for w in words] == [truth] and words[0].conf > 50


def test_a_tiny_timeout_gives_the_typed_timeout(library, tmp_path: Path) -> None:
    from sohoa.processing.errors import OcrTimeout

    with pytest.raises(OcrTimeout) as err:
        library.start(_gray("phototest.tif"), tmp_path, "eng", 300, 0.01, "slow").result()
    assert "giây" in err.value.message("vi")
