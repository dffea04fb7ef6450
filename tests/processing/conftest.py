"""Fixtures for the processing tests: small rendered Vietnamese pages with known geometry."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.core.fonts import find_font

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Ủy ban nhân dân xã xác nhận hộ gia đình thường trú tại thôn Đông Hưng.",
    "Thời hạn giải quyết là mười lăm ngày làm việc kể từ ngày nhận đủ hồ sơ.",
    "Người đề nghị chịu trách nhiệm về tính chính xác của thông tin đã khai.",
    "Bộ phận tiếp nhận và trả kết quả hướng dẫn công dân hoàn thiện hồ sơ.",
    "Quyết định này có hiệu lực kể từ ngày ký và được lưu tại Trung tâm.",
]
PAPER = (246, 243, 232)
RED = (205, 35, 40)
BED = (38, 38, 42)


def draw_seal(draw: ImageDraw.ImageDraw, cx: int, cy: int, r: int = 170) -> None:
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=10)
    draw.ellipse((cx - r + 40, cy - r + 40, cx + r - 40, cy + r - 40), outline=RED, width=5)
    star = [
        (
            cx + (55 if k % 2 == 0 else 22) * math.cos(-math.pi / 2 + k * math.pi / 5),
            cy + (55 if k % 2 == 0 else 22) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=RED)


def render(
    path: Path,
    lines: list[str] | None = None,
    size: tuple[int, int] = (2000, 1300),
    skew: float = 0.0,
    orientation: int = 0,
    seal: bool = False,
    specks: int = 0,
    bleed: bool = False,
    holes: bool = False,
    bed: bool = False,
    noise: float = 3.0,
    dpi: int | None = 300,
    seed: int = 1,
) -> Path:
    """Write a page image: text lines (13 pt at 300 dpi), optional seal, specks, bleed-through, holes."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = Image.new("RGB", size, PAPER)
    draw = ImageDraw.Draw(img)
    font_path = find_font("serif")
    assert font_path is not None
    font = ImageFont.truetype(str(font_path), 54)
    y = 200
    for text in lines or []:
        draw.text((260, y), text, font=font, fill=(25, 25, 30))
        y += 80
    if seal:
        draw_seal(draw, w - 420, h - 330)
    a = np.array(img)
    if bleed:
        back = Image.new("RGB", size, PAPER)
        ImageDraw.Draw(back).multiline_text(
            (260, 200), "\n".join(LINES), font=font, fill=(25, 25, 30), spacing=26
        )
        b = np.asarray(back.transpose(Image.Transpose.FLIP_LEFT_RIGHT)).astype(np.float32)
        a = (np.float32(PAPER) - (np.float32(PAPER) - b) * 0.12).astype(np.uint8)
    if holes:
        for cy in (h // 2 - 300, h // 2 + 300):
            cv2.circle(a, (120, cy), 38, BED, -1)
    for _ in range(specks):
        cv2.circle(a, (int(rng.integers(40, w - 40)), int(rng.integers(40, h - 40))), 1, (40, 40, 40), -1)
    if skew or bed:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0 if not bed else 0.93)
        a = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=BED if bed else PAPER)
    if noise:
        a = np.clip(a + rng.normal(0, noise, a.shape), 0, 255).astype(np.uint8)
    if orientation:
        a = np.ascontiguousarray(np.rot90(a, k=-orientation // 90))
    out = Image.fromarray(a)
    if dpi:
        out.save(path, dpi=(dpi, dpi))
    else:
        out.save(path)
    return path


@pytest.fixture
def page(tmp_path: Path) -> Callable[..., Path]:
    """``page(name, **render_options)`` writes a rendered page into the test's folder."""
    counter = iter(range(1000))

    def make(name: str | None = None, **kw: object) -> Path:
        return render(tmp_path / (name or f"page-{next(counter):03d}.png"), **kw)  # type: ignore[arg-type]

    return make


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` (an error must leave none: no partial PDF, no temp file)."""
    return sorted(p.name for p in folder.iterdir())
