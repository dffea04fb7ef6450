"""Pages without reliable text evidence are never turned or straightened by guesswork.

SANE's test scanner "Grid" picture (a checkerboard) came out turned by 90 degrees: its squares
passed for character blobs. A grid, a photo, a map or a page holding only a seal and a
signature keeps orientation 0 and skew 0; a real turned text page still turns.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.core.model import ColorMode
from sohoa.processing import ProcessOptions, geometry, process_document
from sohoa.processing import page as page_mod
from sohoa.processing.sources import list_pages
from tests.processing.conftest import LINES, PAPER, draw_seal

A4 = (2480, 3507)


def grid(path: Path, square: int = 100) -> Path:
    """A black-and-white checkerboard like SANE's test "Grid" picture, A4 at 300 dpi."""
    w, h = A4
    yy, xx = np.mgrid[0:h, 0:w]
    board = (((yy // square) + (xx // square)) % 2 * 255).astype(np.uint8)
    Image.fromarray(board).convert("RGB").save(path, dpi=(300, 300))
    return path


def photo(path: Path, seed: int = 3) -> Path:
    """A photo-like page: smooth shapes, gradients and fine texture in colour, no text."""
    rng = np.random.default_rng(seed)
    w, h = A4
    base = cv2.resize(rng.random((30, 22)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    texture = cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 3)
    v = np.clip((base * 0.7 + texture * 1.5 - 0.4) * 255, 0, 255)
    rgb = np.dstack([v, v * 0.8 + 30, v * 0.6 + 60]).clip(0, 255).astype(np.uint8)
    Image.fromarray(rgb).save(path, dpi=(300, 300))
    return path


def seal_only(path: Path) -> Path:
    """A signature and a red seal, nothing else (not blank, not text)."""
    img = Image.new("RGB", (1800, 1400), PAPER)
    draw = ImageDraw.Draw(img)
    draw_seal(draw, 800, 700)
    pts = [(900 + i * 18, 720 + (37 * i) % 80 - 40) for i in range(20)]
    draw.line(pts, fill=(30, 50, 170), width=6)
    img.save(path, dpi=(300, 300))
    return path


def _gray(path: Path) -> np.ndarray:
    return cv2.cvtColor(np.asarray(Image.open(path).convert("RGB")), cv2.COLOR_RGB2GRAY)


@pytest.mark.parametrize("square", [100, 118])  # 118 px: SANE's Grid squares at 300 dpi
def test_grid_has_no_text_evidence(tmp_path: Path, square: int) -> None:
    geo = geometry.estimate(_gray(grid(tmp_path / "grid.png", square)), 300)
    assert (geo.orientation, geo.skew_deg, geo.has_text) == (0, 0.0, False)


def test_photo_and_seal_have_no_text_evidence(tmp_path: Path) -> None:
    for path in (photo(tmp_path / "photo.png"), seal_only(tmp_path / "seal.png")):
        geo = geometry.estimate(_gray(path), 300)
        assert (geo.orientation, geo.skew_deg, geo.has_text) == (0, 0.0, False), path.name


def test_pages_without_text_stay_as_scanned_and_text_still_turns(page, tmp_path: Path) -> None:
    inputs = [
        grid(tmp_path / "grid.png", 118),
        photo(tmp_path / "photo.png"),
        seal_only(tmp_path / "seal.png"),
        page("turned.png", lines=LINES, skew=3.0, orientation=90),
    ]
    report = process_document(inputs, tmp_path / "out.pdf", ProcessOptions(languages="vie", jobs=2))
    got = [(p.orientation, p.skew_deg, "rotated" in p.flags) for p in report.pages]
    assert got[:3] == [(0, 0.0, False)] * 3
    assert got[3][0] == 90 and got[3][2] and abs(got[3][1] - 3.0) < 0.1
    assert not any(p.blank for p in report.pages)


def test_turn_without_words_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Belt and braces: should the shape evidence ever claim a turn, a page that then reads as
    no words is processed again as it lies."""
    real = geometry.estimate

    def fooled(gray: np.ndarray, dpi: float, updown_margin: float = 1.3, allow_turn: bool = True):
        if allow_turn:
            return geometry.Geometry(90, 2.0, True, True, 2.0)
        return real(gray, dpi, updown_margin, allow_turn)

    monkeypatch.setattr(geometry, "estimate", fooled)
    (src,) = list_pages([grid(tmp_path / "grid.png", 118)])
    work = tmp_path / "work"
    work.mkdir()
    result = page_mod.process_page(src, 1, ProcessOptions(languages="vie"), work)
    assert (result.report.orientation, result.report.skew_deg) == (0, 0.0)
    assert "rotated" not in result.report.flags


def test_ocr_image_is_the_plain_scan_with_red_seals_lightened() -> None:
    """Tesseract reads the page as scanned (no levels, no binarising, nothing painted over: each
    cost accuracy against plain Tesseract on real pages); a red seal over text turns light."""
    rgb = np.full((200, 400, 3), PAPER, np.uint8)
    rgb[50:60, 20:180] = (28, 28, 32)  # black print
    rgb[50:60, 220:380] = (30, 50, 170)  # blue signature stroke: left as it is, as plain Tesseract sees it
    rgb[120:130, 220:380] = (205, 35, 40)  # red seal ring
    rgb[150:160, 20:180] = (120, 120, 120)  # faint gray print keeps its gray
    out = page_mod.ocr_image(rgb, ColorMode.COLOR)
    assert out[55, 100] < 40 and out[55, 300] < 60
    assert out[125, 300] > 180  # the seal is light
    assert out[155, 100] == 120 and out[5, 5] == PAPER[0]
    gray = page_mod.ocr_image(rgb, ColorMode.GRAY)
    assert gray[125, 300] < 120  # only colour pages read the red channel


def test_a_solid_black_page_is_too_dark_never_blank(tmp_path: Path) -> None:
    """A black page (lid open, underexposed) has no light paper: flagged too dark, kept even with
    "drop blank pages"; a white page is still blank and dropped."""
    black, white = tmp_path / "black.png", tmp_path / "white.png"
    Image.new("L", (1240, 1754), 0).save(black, dpi=(150, 150))
    Image.new("L", (1240, 1754), 255).save(white, dpi=(150, 150))
    options = ProcessOptions(languages="vie", jobs=1, drop_blank=True)
    report = process_document([black, white], tmp_path / "out.pdf", options)
    first, second = report.pages
    assert (first.blank, first.included, "too-dark" in first.flags) == (False, True, True)
    assert (second.blank, second.included) == (True, False)
