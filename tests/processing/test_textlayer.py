"""The embedded subset font: every character maps back to itself, even one the font lacks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf

from sohoa.core.model import ColorMode
from sohoa.processing.encode import encode_g4
from sohoa.processing.ocr import Word
from sohoa.processing.options import PdfMetadata
from sohoa.processing.pdfa import PdfPage, build_pdf
from sohoa.processing.textlayer import build_font


def test_subset_font_widths_and_cids() -> None:
    font = build_font("Hạnh phúc")
    assert set(font.cids) >= set("Hạnh phúc") and font.base_name[6] == "+"
    assert all(w > 0 for w in font.widths[1:])
    assert len(font.data) < 40_000  # a subset, not the whole font


def test_text_round_trips_through_pdftotext(tmp_path: Path) -> None:
    import numpy as np

    words = [
        Word("Độc", 100, 100, 120, 40, 95, (100, 100, 600, 40)),
        Word("lập", 240, 100, 110, 40, 95, (100, 100, 600, 40)),
        Word("ữ☃", 370, 100, 90, 40, 95, (100, 100, 600, 40)),  # ☃ is in no text font here
    ]
    image = encode_g4(np.full((600, 900), 255, np.uint8))
    assert image.color_mode == ColorMode.BW
    pdf = build_pdf([PdfPage(image, 300, words)], PdfMetadata(title="t"))
    out = tmp_path / "t.pdf"
    pdf.save(out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split() == ["Độc", "lập", "ữ☃"]
    with pikepdf.open(out) as doc:
        font = doc.pages[0].Resources.Font.F1
        assert font.Subtype == "/Type0" and "/ToUnicode" in font
        assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor


HEADER_HOCR = """
<div class='ocr_page' id='page_1' title='bbox 0 0 2480 3508; ppageno 0; scan_res 300 300'>
 <span class='ocr_line' id='line_1_1' title="bbox 284 260 2236 315; baseline 0 -9; x_size 53; x_descenders 9; x_ascenders 10">
  <span class='ocrx_word' id='word_1_1' title='bbox 284 260 348 307; x_wconf 96'>ỦY</span>
  <span class='ocrx_word' id='word_1_2' title='bbox 366 272 461 306; x_wconf 95'>BAN</span>
  <span class='ocrx_word' id='word_1_3' title='bbox 483 263 617 306; x_wconf 96'>NHÂN</span>
  <span class='ocrx_word' id='word_1_4' title='bbox 639 263 736 306; x_wconf 96'>DÂN</span>
  <span class='ocrx_word' id='word_1_5' title='bbox 1235 262 1380 315; x_wconf 94'>CỘNG</span>
  <span class='ocrx_word' id='word_1_6' title='bbox 1399 262 1506 307; x_wconf 96'>HÒA</span>
  <span class='ocrx_word' id='word_1_7' title='bbox 1521 262 1588 306; x_wconf 96'>XÃ</span>
  <span class='ocrx_word' id='word_1_8' title='bbox 1606 262 1689 315; x_wconf 96'>HỘI</span>
  <span class='ocrx_word' id='word_1_9' title='bbox 1708 261 1811 307; x_wconf 96'>CHỦ</span>
  <span class='ocrx_word' id='word_1_10' title='bbox 1831 262 1988 307; x_wconf 96'>NGHĨA</span>
  <span class='ocrx_word' id='word_1_11' title='bbox 2001 262 2112 315; x_wconf 96'>VIỆT</span>
  <span class='ocrx_word' id='word_1_12' title='bbox 2129 272 2236 306; x_wconf 96'>NAM</span>
 </span>
 <span class='ocr_line' id='line_1_2' title="bbox 281 332 2238 386; baseline 0 -10; x_size 53; x_descenders 9; x_ascenders 10">
  <span class='ocrx_word' id='word_1_13' title='bbox 281 332 348 376; x_wconf 96'>XÃ</span>
  <span class='ocrx_word' id='word_1_14' title='bbox 366 332 473 377; x_wconf 96'>HÒA</span>
  <span class='ocrx_word' id='word_1_15' title='bbox 489 332 606 376; x_wconf 96'>BÌNH</span>
  <span class='ocrx_word' id='word_1_16' title='bbox 1570 338 1663 385; x_wconf 96'>Độc</span>
  <span class='ocrx_word' id='word_1_17' title='bbox 1682 338 1749 386; x_wconf 93'>lập</span>
  <span class='ocrx_word' id='word_1_18' title='bbox 1767 360 1780 366; x_wconf 93'>-</span>
  <span class='ocrx_word' id='word_1_19' title='bbox 1796 342 1862 385; x_wconf 96'>Tự</span>
  <span class='ocrx_word' id='word_1_20' title='bbox 1878 340 1936 377; x_wconf 93'>do</span>
  <span class='ocrx_word' id='word_1_21' title='bbox 1953 360 1966 366; x_wconf 93'>-</span>
  <span class='ocrx_word' id='word_1_22' title='bbox 1985 340 2104 385; x_wconf 96'>Hạnh</span>
  <span class='ocrx_word' id='word_1_23' title='bbox 2124 339 2238 386; x_wconf 96'>phúc</span>
 </span>
 <span class='ocr_line' id='line_2_1' title="bbox 1000 500 1400 560; baseline 0 -10; x_size 53; x_descenders 9; x_ascenders 10">
  <span class='ocrx_word' id='word_2_1' title='bbox 1000 500 1400 560; x_wconf 96'>QUYẾT</span>
 </span>
</div>
"""


def test_national_header_extracts_in_tesseracts_line_order(tmp_path: Path) -> None:
    """The two-column header as Tesseract read it (a row at a time) comes back out of pdftotext
    in that order: the text layer sits on Tesseract's baselines (issue 11, where a font size
    from the line box alone made pdftotext regroup the header by columns)."""
    import numpy as np

    from sohoa.processing.ocr import parse_hocr

    words = parse_hocr(HEADER_HOCR)
    assert [w.baseline for w in words[:1]] == [-9.0] and words[0].line == (284, 260, 1952, 55)
    image = encode_g4(np.full((3508, 2480), 255, np.uint8))
    out = tmp_path / "h.pdf"
    build_pdf([PdfPage(image, 300, words)], PdfMetadata(title="t")).save(out)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert lines == [
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "XÃ HÒA BÌNH",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT",
    ]
