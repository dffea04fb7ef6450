"""The Tesseract wrapper: real OCR in NFC, typed errors on timeouts and missing parts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.processing import ocr
from sohoa.processing.errors import OcrTimeout, TesseractMissing


def test_vietnamese_word_is_read_in_nfc(corpus: Path, tmp_path: Path) -> None:
    gray = np.asarray(Image.open(corpus / "ocr/tesseract/viet.tif").convert("L"))
    words = ocr.start(gray, tmp_path, "vie", 300, 60, "viet").result()
    truth = (corpus / "ocr/tesseract/viet.gt.txt").read_text(encoding="utf-8").strip()
    assert [w.text for w in words] == [truth]
    assert words[0].conf > 50 and words[0].width > 0


def test_tsv_is_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "tiếng")
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n"
        f"5\t1\t1\t1\t1\t1\t12\t22\t100\t36\t91.5\t{nfd}\n"
    )
    (word,) = ocr.parse_tsv(tsv)
    assert word.text == "tiếng" and word.text == unicodedata.normalize("NFC", word.text)
    assert word.line == (10, 20, 300, 40) and word.conf == 91.5


def test_timeout_kills_tesseract(corpus: Path, tmp_path: Path) -> None:
    """The program backend (the library's timeout is tested in test_ocr_library.py)."""
    gray = np.asarray(Image.open(corpus / "ocr/tesseract/phototest.tif").convert("L"))
    ocr.use_model("best", "cli")
    try:
        run = ocr.start(gray, tmp_path, "eng", 300, 0.01, "slow")
        with pytest.raises(OcrTimeout) as err:
            run.result()
    finally:
        ocr.use_model("best", None)
    assert run.proc.poll() is not None  # the process is gone, not left running
    assert "giây" in err.value.message("vi")


def test_missing_tesseract(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TesseractMissing):
        ocr.tesseract_exe()


def test_every_tesseract_runs_single_threaded(monkeypatch) -> None:
    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")
    assert ocr._env()["OMP_THREAD_LIMIT"] == "1"


def test_hocr_gives_words_lines_and_baselines_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "tiếng")
    hocr = (
        "<span class='ocr_line' id='line_1_1' title=\"bbox 10 20 310 60; baseline 0.001 -7; x_size 30\">\n"
        f"  <span class='ocrx_word' id='word_1_1' title='bbox 12 22 112 58; x_wconf 91'>{nfd}</span>\n"
        "  <span class='ocrx_word' id='word_1_2' title='bbox 130 22 200 58; x_wconf 88'>A&amp;B</span>\n"
        " </span>\n"
    )
    first, second = ocr.parse_hocr(hocr)
    assert first.text == "tiếng" and first.text == unicodedata.normalize("NFC", first.text)
    assert (first.left, first.top, first.width, first.height) == (12, 22, 100, 36)
    assert first.line == (10, 20, 300, 40) and first.conf == 91 and first.baseline == -7
    assert second.text == "A&B" and second.conf == 88
    (scaled,) = ocr.scale_words([first], 0.5)
    assert scaled.baseline == -3.5 and scaled.line == (5, 10, 150, 20)
