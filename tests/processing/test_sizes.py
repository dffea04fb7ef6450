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


def test_colour_fringes_on_black_text_cut_no_patch() -> None:
    """A scanner's colour fringes along black letters are part of the letters: no JPEG patch."""
    from sohoa.core.model import ColorMode
    from sohoa.processing import analyse

    rgb = np.full((600, 900, 3), 245, np.uint8)
    for k in range(8):  # lines of black "letters" with a red fringe left and a blue one right
        y = 60 + 60 * k
        for x in range(60, 840, 24):
            rgb[y : y + 20, x : x + 12] = (20, 20, 20)
            rgb[y : y + 20, x - 2 : x] = (190, 40, 40)
            rgb[y : y + 20, x + 12 : x + 14] = (40, 40, 190)
    gray = np.ascontiguousarray(rgb.mean(axis=2).astype(np.uint8))
    result = analyse.analyse(rgb, gray, 150, (245, 245, 245), [], tuple(ColorMode))
    assert result.color_boxes == [] and result.color_mode != ColorMode.COLOR
    seal = rgb.copy()
    seal[200:320, 600:720] = (200, 30, 40)  # a real red mark is still one
    result = analyse.analyse(seal, gray, 150, (245, 245, 245), [], tuple(ColorMode))
    assert result.color_mode == ColorMode.COLOR and len(result.color_boxes) == 1


@pytest.mark.skipif(not (CORPUS / "scans/ocrmypdf/jbig2.pdf").is_file(), reason="shared corpus not here")
def test_upright_jbig2_scan_keeps_its_own_stream(tmp_path: Path) -> None:
    """An upright, straight JBIG2 page keeps its JBIG2 stream and globals (there is no JBIG2
    encoder here; re-coded as G4 the 8.8 KB page came out at about 100 KB), and it still
    renders and validates as PDF/A."""
    import subprocess

    src = CORPUS / "scans/ocrmypdf/jbig2.pdf"
    out = tmp_path / "out.pdf"
    report = process_document([src], out, ProcessOptions(languages="eng", jobs=1))
    page = report.pages[0]
    assert page.color_mode == "bw" and page.orientation == 0 and page.words >= 50
    with pikepdf.open(src) as doc:
        (src_image,) = doc.pages[0].get_images().values()
        src_raw = src_image.read_raw_bytes()
        src_globals = src_image.DecodeParms.JBIG2Globals.read_bytes()
    with pikepdf.open(out) as doc:
        (image,) = doc.pages[0].get_images().values()
        assert image.Filter == "/JBIG2Decode"
        assert image.read_raw_bytes() == src_raw
        assert image.DecodeParms.JBIG2Globals.read_bytes() == src_globals
    with pikepdf.open(src) as doc:
        (src_image,) = doc.pages[0].get_images().values()
        src_bytes = len(src_raw) + len(src_image.DecodeParms.JBIG2Globals.read_raw_bytes())
    assert page.image_bytes <= src_bytes + 64  # the globals Flate-coded again: about as small
    # it renders like the input (same black pixels, give or take the despeckled dust)
    pix = []
    for pdf in (src, out):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-gray", "-singlefile", str(pdf), str(tmp_path / pdf.stem)], check=True
        )
        pix.append(np.asarray(Image.open(tmp_path / f"{pdf.stem}.pgm")))
    assert pix[0].shape == pix[1].shape and np.mean(np.abs(pix[0].astype(int) - pix[1])) < 1.0


def test_a_scan_drawn_a_quarter_turn_keeps_its_resolution() -> None:
    """A portrait scan on a landscape page (turned by the drawing matrix) is 300 dpi, not 388."""
    from sohoa.processing.load import image_dpi

    assert image_dpi(2550, 3300, 612, 792) == pytest.approx(300)  # drawn straight
    assert image_dpi(2550, 3300, 792, 612) == pytest.approx(300)  # drawn a quarter turn
    assert image_dpi(1275, 1650, 612, 792) == pytest.approx(150)


@pytest.mark.skipif(not (CORPUS / "scans/ocrmypdf/cardinal.pdf").is_file(), reason="shared corpus not here")
def test_corpus_landscape_pages_of_a_portrait_scan_are_read_at_its_resolution() -> None:
    from sohoa.processing.load import load_page
    from sohoa.processing.sources import list_pages

    pages = list_pages([CORPUS / "scans/ocrmypdf/cardinal.pdf"])
    assert [load_page(p).dpi for p in pages] == [300, 300, 300, 300]
