"""Size that fits the input (issue 11): a black-and-white scan never grows into a bigger file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from sohoa.processing import ProcessOptions, process_document
from tests.processing.conftest import LINES, render

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _bilevel_tiff(tmp: Path, dpi: int) -> Path:
    src = render(tmp / "src.png", lines=LINES, size=(2000, 1300), skew=1.5)
    gray = np.asarray(Image.open(src).convert("L"))
    small = Image.fromarray(gray).resize((gray.shape[1] * dpi // 300, gray.shape[0] * dpi // 300))
    bw = Image.fromarray(np.where(np.asarray(small) > 150, 255, 0).astype(np.uint8)).convert("1")
    out = tmp / f"bilevel-{dpi}.tif"
    bw.save(out, compression="group4", dpi=(dpi, dpi))
    return out


def _page_image_bytes(pdf: Path) -> int:
    with pikepdf.open(pdf) as doc:
        return sum(len(img.read_raw_bytes()) for img in doc.pages[0].get_images().values())


def test_bilevel_image_does_not_grow(tmp_path: Path) -> None:
    src = _bilevel_tiff(tmp_path, 200)
    out = tmp_path / "out.pdf"
    report = process_document([src], out, ProcessOptions(languages="vie", jobs=1))
    page = report.pages[0]
    assert page.color_mode == "bw" and page.dpi == 200
    assert page.image_bytes <= src.stat().st_size
    assert _page_image_bytes(out) <= src.stat().st_size
    assert page.words >= 20  # and it is still read


@pytest.mark.skipif(not (CORPUS / "scans/ocrmypdf/ccitt.pdf").is_file(), reason="shared corpus not here")
def test_bilevel_pdf_scan_keeps_its_resolution_and_size(tmp_path: Path) -> None:
    """A CCITT scan inside a PDF is rendered at its own resolution, not at 300 dpi and doubled."""
    src = CORPUS / "scans/ocrmypdf/ccitt.pdf"
    out = tmp_path / "out.pdf"
    report = process_document([src], out, ProcessOptions(languages="eng", jobs=1))
    assert report.pages[0].color_mode == "bw"
    assert _page_image_bytes(out) <= _page_image_bytes(src)
