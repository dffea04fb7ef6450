"""The text layer holds what the page says: no junk read from seals and signatures (issue 11)."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from sohoa.core.fonts import find_font
from sohoa.processing import ProcessOptions
from sohoa.processing.ocr import Word
from sohoa.processing.page import drop_junk, drop_mark_noise, process_page
from sohoa.processing.sources import list_pages
from tests.processing.conftest import LINES, PAPER, draw_seal

BLUE = (30, 50, 170)


def _word(text: str, x: int, y: int, conf: float) -> Word:
    return Word(text, x, y, 100, 40, conf, (x, y, 100, 40))


def test_only_low_confidence_words_on_a_mark_are_dropped() -> None:
    mark = [(1000, 1000, 400, 200)]
    words = [
        _word("VAVY^W", 1100, 1050, 0.0),  # signature strokes: on the mark, junk confidence
        _word("CHỦ", 1100, 1100, 96.0),  # the signer's title under the seal: kept
        _word("Ivự", 960, 1050, 10.0),  # 60 % on the mark: dropped
        _word("lập", 500, 500, 12.0),  # poorly read real text away from any mark: kept
        _word("TỊCH", 1350, 1150, 30.0),  # half its box on the mark: dropped
    ]
    kept = [w.text for w in drop_mark_noise(words, mark)]
    assert kept == ["CHỦ", "lập"]
    assert drop_mark_noise(words, []) == words


def test_symbol_junk_at_near_zero_confidence_is_dropped() -> None:
    """A signature on a gray page reads as symbol junk that no colour mark catches."""
    words = [
        _word("^^", 10, 10, 0.0),
        _word("VyWx/,^", 10, 10, 0.0),
        _word("Z5...", 10, 10, 3.0),
        _word("A7", 10, 10, 18.0),  # letters and digits: kept, however poorly read
        _word("pl", 10, 10, 29.0),
        _word("-", 10, 10, 93.0),  # a confident dash of "Độc lập - Tự do": kept
        _word("(1)", 10, 10, 45.0),
    ]
    assert [w.text for w in drop_junk(words)] == ["A7", "pl", "-", "(1)"]


def _signed_letter(path: Path) -> Path:
    """A letter whose signer block carries a blue signature scribble and a red seal."""
    img = Image.new("RGB", (2480, 2000), PAPER)
    draw = ImageDraw.Draw(img)
    font_path = find_font("serif")
    assert font_path is not None
    font = ImageFont.truetype(str(font_path), 54)
    y = 200
    for text in LINES:
        draw.text((260, y), text, font=font, fill=(25, 25, 30))
        y += 80
    draw.text((1430, 1000), "CHỦ TỊCH", font=font, fill=(25, 25, 30))
    rng = random.Random(7)
    pts = [(1480 + i * 16, 1250 + rng.randint(-35, 35)) for i in range(18)]
    draw.line(pts, fill=BLUE, width=5, joint="curve")
    draw.arc((1450, 1180, 1760, 1300), 200, 340, fill=BLUE, width=5)
    draw_seal(draw, 1400, 1080)
    draw.text((1430, 1500), "Nguyễn Văn An", font=font, fill=(25, 25, 30))
    img.save(path, dpi=(300, 300))
    return path


def test_signature_and_seal_strokes_leave_no_junk_words(tmp_path: Path) -> None:
    src = list_pages([_signed_letter(tmp_path / "signed.png")])[0]
    result = process_page(src, 1, ProcessOptions(languages="vie"), tmp_path)
    truth = {w for line in LINES for w in line.split()} | {"CHỦ", "TỊCH", "Nguyễn", "Văn", "An"}
    read = [w.text for w in result.words]
    junk = [t for t in read if t not in truth]
    assert len(junk) <= 1, junk  # a misread real word may remain; stroke junk may not
    assert sum(t in truth for t in read) >= len(truth) - 2  # and the real words are all there
