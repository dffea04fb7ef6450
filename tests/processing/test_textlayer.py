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
