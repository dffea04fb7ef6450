"""Orientation on real-world inputs: turned, low-resolution, blurred, JPEG and DPI-less pages end
upright; an upright page is never turned; an unsure shape vote is settled by OCR (issue 11)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from sohoa.processing import ProcessOptions, geometry, ocr, orient, process_document
from tests.processing.conftest import LINES, render

BODY = [
    *LINES,
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Xét đề nghị của Trưởng phòng Tư pháp về việc cấp bản sao giấy tờ hộ tịch.",
    "Các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành.",
]


def letter(
    tmp: Path,
    name: str,
    dpi: int = 300,
    orientation: int = 0,
    blur: float = 0.0,
    jpeg: int | None = None,
    keep_dpi: bool = True,
    skew: float = 0.0,
) -> Path:
    """A letter rendered at 300 dpi, then brought to ``dpi``, blurred, JPEG-coded and turned."""
    src = render(tmp / f"{name}-src.png", lines=BODY, size=(1900, 1150), skew=skew)
    a = np.asarray(Image.open(src).convert("RGB"))
    if dpi != 300:
        a = cv2.resize(a, None, fx=dpi / 300, fy=dpi / 300, interpolation=cv2.INTER_AREA)
    if blur:
        a = cv2.GaussianBlur(a, (0, 0), blur)
    if orientation:
        a = np.ascontiguousarray(np.rot90(a, k=-orientation // 90))
    out = tmp / (f"{name}.jpg" if jpeg else f"{name}.png")
    kw: dict[str, object] = {"dpi": (dpi, dpi)} if keep_dpi else {}
    if jpeg:
        kw["quality"] = jpeg
    Image.fromarray(a).save(out, **kw)
    return out


def run(tmp: Path, files: list[Path]) -> list:
    report = process_document(files, tmp / "out.pdf", ProcessOptions(languages="vie", jobs=2))
    return report.pages


@pytest.mark.parametrize("dpi", [100, 200, 300])
def test_turned_pages_end_upright_at_every_resolution(tmp_path: Path, dpi: int) -> None:
    files = [letter(tmp_path, f"t{dpi}-{o}", dpi=dpi, orientation=o) for o in (90, 180, 270)]
    pages = run(tmp_path, files)
    assert [p.orientation for p in pages] == [90, 180, 270]
    assert all("orientation-uncertain" not in p.flags for p in pages)


def test_blurred_turned_jpeg_pages_end_upright(tmp_path: Path) -> None:
    files = [
        letter(tmp_path, "b180", dpi=200, orientation=180, blur=1.1, jpeg=50),
        letter(tmp_path, "b90", dpi=150, orientation=90, blur=0.8, jpeg=40, skew=3.0),
    ]
    pages = run(tmp_path, files)
    assert [p.orientation for p in pages] == [180, 90]


def test_upright_low_resolution_letter_without_dpi_is_never_turned(tmp_path: Path) -> None:
    """The issue's Đà Nẵng case: a small JPEG without a resolution, upright, stays upright."""
    files = [
        letter(tmp_path, "nodpi-100", dpi=100, jpeg=60, keep_dpi=False),
        letter(tmp_path, "nodpi-75", dpi=75, jpeg=70, keep_dpi=False),
    ]
    pages = run(tmp_path, files)
    assert [p.orientation for p in pages] == [0, 0]
    assert all("dpi-assumed" in p.flags for p in pages)
    assert all(p.dpi <= 150 for p in pages)  # estimated from the letters, not taken as 300


@pytest.mark.parametrize("engine", ["cli", "library"])
def test_unsure_shape_vote_is_settled_by_ocr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """With the shape vote made to say 'unclear', OCR evidence still turns the page right,
    through either Tesseract backend (the program reads the turns as one list of images)."""
    monkeypatch.setattr(geometry, "line_direction", lambda mask: None)
    files = [letter(tmp_path, f"u{o}", orientation=o) for o in (90, 180)]
    options = ProcessOptions(languages="vie", jobs=1, ocr_engine=engine)
    try:
        report = process_document(files, tmp_path / "out.pdf", options)
    finally:
        ocr.use_model("best", None)
    assert [p.orientation for p in report.pages] == [90, 180]


def test_unclear_word_shapes_turn_the_page_by_its_line_gaps_without_an_ocr_vote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the word-shape vote unclear (as it was on the bench's 150 dpi, 600 dpi, JPEG 60,
    blurred and 200 dpi bilevel pages), the gaps between lines give the axis and the page's own
    full read confirms the turn: no four-turn vote (2.5-3.8 s of Tesseract a page) runs."""
    monkeypatch.setattr(geometry, "_blob_direction", lambda mask: None)
    votes: list[int] = []
    real_vote = orient.vote
    monkeypatch.setattr(orient, "vote", lambda *a, **k: votes.append(1) or real_vote(*a, **k))
    files = [letter(tmp_path, f"g{o}", dpi=150, orientation=o, blur=0.8) for o in (90, 180, 270)]
    report = process_document(files, tmp_path / "out.pdf", ProcessOptions(languages="vie", jobs=1))
    assert [p.orientation for p in report.pages] == [90, 180, 270]
    assert votes == []


def test_wrong_shape_vote_is_caught_when_the_page_reads_poorly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A confident but wrong shape vote (upside down) is caught by the poor read that follows."""
    real = geometry.estimate

    def wrong(gray: np.ndarray, dpi: float, **kw: object) -> geometry.Geometry:
        g = real(gray, dpi, **kw)  # type: ignore[arg-type]
        if not g.has_text:
            return g
        return geometry.Geometry(
            (g.orientation + 180) % 360, g.skew_deg, True, True, 2.0, True, True, g.char_px
        )

    monkeypatch.setattr(geometry, "estimate", wrong)
    files = [letter(tmp_path, "w0")]
    report = process_document(files, tmp_path / "out.pdf", ProcessOptions(languages="vie", jobs=1))
    assert report.pages[0].orientation == 0


def test_text_free_page_is_not_turned_by_the_vote(tmp_path: Path) -> None:
    """Text-like shapes that read as no words in any turn keep the page as it lies."""
    rng = np.random.default_rng(3)
    a = np.full((1500, 2100, 3), 245, np.uint8)
    for _ in range(400):  # random short dashes: character-sized blobs, no words
        x, y = int(rng.integers(100, 2000)), int(rng.integers(100, 1400))
        cv2.line(a, (x, y), (x + int(rng.integers(8, 30)), y + int(rng.integers(-6, 6))), (30, 30, 30), 3)
    path = tmp_path / "dashes.png"
    Image.fromarray(np.ascontiguousarray(np.rot90(a))).save(path, dpi=(300, 300))
    pages = run(tmp_path, [path])
    assert pages[0].orientation == 0


def test_densest_window_finds_the_text_block() -> None:
    from sohoa.processing import orient

    mask = np.zeros((400, 600), np.uint8)
    mask[250:330, 380:560] = 1
    x, y = orient.densest_window(mask, 100)
    assert 360 <= x <= 480 and 230 <= y <= 330


def test_vote_score_counts_confident_words_not_junk() -> None:
    from sohoa.processing import orient
    from sohoa.processing.ocr import Word

    box = (0, 0, 10, 10)
    upright = [Word("nhân", *box, 93.0, box), Word("dân", *box, 91.0, box)]
    turned = [Word("ʌɐu", *box, 41.0, box), Word(".'", *box, 95.0, box), Word("uỏp", *box, 35.0, box)]
    assert orient.score(upright)[1] == 2 and orient.score(turned)[1] == 0
    assert orient.score(upright)[0] > 3 * orient.score(turned)[0]


def _wrong_by_180(monkeypatch: pytest.MonkeyPatch) -> None:
    real = geometry.estimate

    def wrong(gray: np.ndarray, dpi: float, **kw: object) -> geometry.Geometry:
        g = real(gray, dpi, **kw)  # type: ignore[arg-type]
        if not g.has_text or not kw.get("allow_turn", True):
            return g
        return geometry.Geometry(
            (g.orientation + 180) % 360, g.skew_deg, True, True, 2.0, True, True, g.char_px
        )

    monkeypatch.setattr(geometry, "estimate", wrong)


def test_wrong_sure_shape_vote_on_a_low_resolution_page_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A low-resolution page whose shape vote is sure is no longer voted on up front; its own
    full read must confirm the turn, and a wrong turn (read at about half the confidence) is
    put right."""
    _wrong_by_180(monkeypatch)
    files = [letter(tmp_path, "w100", dpi=100, orientation=90)]
    report = process_document(files, tmp_path / "out.pdf", ProcessOptions(languages="vie", jobs=1))
    assert report.pages[0].orientation == 90
    assert "orientation-uncertain" not in report.pages[0].flags


def test_clear_low_resolution_page_costs_no_orientation_vote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speed (issue 11): a 100 dpi page whose shape vote is clear and which then reads well is
    read once; the four-turn crop vote (about 10 s a page here) is not run."""
    from sohoa.processing import orient

    calls: list[tuple[int, ...]] = []
    real_vote = orient.vote

    def counting(crop: np.ndarray, candidates: tuple[int, ...], *a: object, **kw: object) -> orient.Vote:
        calls.append(candidates)
        return real_vote(crop, candidates, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(orient, "vote", counting)
    files = [letter(tmp_path, "c100", dpi=100, orientation=270)]
    report = process_document(files, tmp_path / "out.pdf", ProcessOptions(languages="vie", jobs=1))
    assert report.pages[0].orientation == 270
    assert calls == []
