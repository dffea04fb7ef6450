"""Render synthetic Vietnamese administrative pages (A4, 300 dpi, colour) with their ground truth.

Each page is drawn clean with a font holding every Vietnamese glyph, then degraded the way a
counter's scanner degrades paper: off-white paper, red seal and blue signature, blur, noise,
skew on a dark scanner bed, dark edge bands, punch holes, turned by 90/180/270 degrees.
Blank pages get dust specks and faint bleed-through from the back. The truth (text, skew,
orientation, kind) is written beside the images in ``truth.json``.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.synth.text import HEADER, SENTENCES, SIGNER, TITLES
from sohoa.core.fonts import find_font

DPI = 300
W, H = 2480, 3508  # A4 at 300 dpi
INK = (28, 28, 32)
RED = (205, 35, 40)
BLUE = (30, 50, 170)
BED = (38, 38, 42)


@dataclass
class PageTruth:
    file: str
    kind: str  # "text", "blank" or "seal" (a signature and a red seal, nothing else)
    skew_deg: float  # counter-clockwise angle of the content in the upright page
    orientation: int  # clockwise turn the page had (0, 90, 180, 270)
    seal: bool = False
    blur: float = 0.0
    punch_holes: bool = False
    text: str = ""
    lines: list[str] = field(default_factory=list)


def _font(size_pt: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    serif = find_font("serif")
    if serif is None:
        raise RuntimeError(
            "no font with every Vietnamese glyph: install fonts-liberation2 or fonts-noto-core"
        )
    path = serif
    if bold:
        candidate = Path(str(serif).replace("Regular", "Bold"))
        path = candidate if candidate.is_file() else serif
    return ImageFont.truetype(str(path), round(size_pt * DPI / 72))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _draw_seal(draw: ImageDraw.ImageDraw, cx: int, cy: int, rng: random.Random) -> None:
    r = 200
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=10)
    draw.ellipse((cx - r + 45, cy - r + 45, cx + r - 45, cy + r - 45), outline=RED, width=5)
    star = []
    for k in range(10):
        rad = 60 if k % 2 == 0 else 24
        a = -math.pi / 2 + k * math.pi / 5
        star.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(star, fill=RED)
    small = _font(7, bold=True)
    for k, ch in enumerate("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"):
        a = math.pi * (0.85 + 1.3 * k / 26)
        draw.text((cx + 170 * math.cos(a) - 10, cy + 170 * math.sin(a) - 14), ch, font=small, fill=RED)


def _draw_signature(draw: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random) -> None:
    pts = [(x + i * 18, y + rng.randint(-40, 40)) for i in range(20)]
    for i in range(len(pts) - 1):
        draw.line([pts[i], pts[i + 1]], fill=BLUE, width=6)
    draw.arc((x - 20, y - 80, x + 300, y + 60), 200, 340, fill=BLUE, width=6)


def _render_text_page(
    rng: random.Random, paper: tuple[int, int, int], seal: bool
) -> tuple[Image.Image, list[str]]:
    img = Image.new("RGB", (W, H), paper)
    draw = ImageDraw.Draw(img)
    body, bold, title_font = _font(13), _font(13, bold=True), _font(15, bold=True)
    left, right, top = 300, W - 300, 330
    lines: list[str] = []
    y = top

    def centered(text: str, font: ImageFont.FreeTypeFont, gap: float = 1.45) -> None:
        nonlocal y
        w = font.getlength(text)
        draw.text(((W - w) / 2, y), text, font=font, fill=INK)
        lines.append(text)
        y += int(font.size * gap)

    centered(HEADER[0], bold)
    centered(HEADER[1], bold, 2.2)
    centered(rng.choice(TITLES), title_font, 2.2)
    n_sentences = rng.randint(11, 15)
    for sentence in rng.sample(SENTENCES, n_sentences):
        for line in _wrap(sentence, body, right - left):
            draw.text((left, y), line, font=body, fill=INK)
            lines.append(line)
            y += int(body.size * 1.45)
        if y > H - 900:
            break
    y += 40
    sx = W - 1000
    for text in SIGNER[:2]:
        draw.text((sx, y), text, font=bold, fill=INK)
        lines.append(text)
        y += int(bold.size * 1.45)
    sig_y = y + 120
    y += 330
    draw.text((sx, y), SIGNER[2], font=bold, fill=INK)
    lines.append(SIGNER[2])
    _draw_signature(draw, sx + 40, sig_y, rng)
    if seal:
        _draw_seal(draw, sx - 60, sig_y, rng)
    return img, lines


def _render_blank_page(rng: random.Random, paper: tuple[int, int, int]) -> Image.Image:
    """A blank back side: faint mirrored bleed-through of a text page, plus dust."""
    back, _ = _render_text_page(rng, paper, seal=False)
    a = np.asarray(back.transpose(Image.Transpose.FLIP_LEFT_RIGHT)).astype(np.float32)
    paper_arr = np.array(paper, np.float32)
    faint = paper_arr - (paper_arr - a) * 0.12  # about 25 levels below the paper at full ink
    faint = cv2.GaussianBlur(faint, (0, 0), 2.5)
    return Image.fromarray(np.clip(faint, 0, 255).astype(np.uint8))


def _render_seal_page(rng: random.Random, paper: tuple[int, int, int]) -> Image.Image:
    img = Image.new("RGB", (W, H), paper)
    draw = ImageDraw.Draw(img)
    _draw_signature(draw, W // 2 - 100, H // 2 + 40, rng)
    _draw_seal(draw, W // 2 - 150, H // 2, rng)
    return img


def _specks(a: np.ndarray, rng: random.Random, count: int) -> None:
    for _ in range(count):
        x, y = rng.randrange(50, W - 50), rng.randrange(50, H - 50)
        r = rng.choice([1, 1, 1, 2])
        cv2.circle(a, (x, y), r, (40, 40, 40), -1)


def _degrade(
    img: Image.Image, truth: PageTruth, rng: random.Random, np_rng: np.random.Generator
) -> np.ndarray:
    a = np.asarray(img).copy()
    if truth.punch_holes:
        for dy in (-480, 480):
            cv2.circle(a, (140, H // 2 + dy), 38, BED, -1)
    _specks(a, rng, rng.randint(20, 120))
    if truth.blur:
        a = cv2.GaussianBlur(a, (0, 0), truth.blur)
    if truth.skew_deg:
        m = cv2.getRotationMatrix2D((W / 2, H / 2), truth.skew_deg, 1.0)
        a = cv2.warpAffine(a, m, (W, H), flags=cv2.INTER_LINEAR, borderValue=BED)
    band = rng.choice([0, 0, 30, 60])
    if band:
        side = rng.choice(["top", "left", "right", "bottom"])
        sl = {
            "top": np.s_[:band],
            "bottom": np.s_[-band:],
            "left": np.s_[:, :band],
            "right": np.s_[:, -band:],
        }
        a[sl[side]] = BED
    noise = np_rng.normal(0, rng.uniform(2.5, 5.0), a.shape).astype(np.float32)
    a = np.clip(a.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if truth.orientation:
        a = np.ascontiguousarray(np.rot90(a, k=-truth.orientation // 90))
    return a


def make_page(
    index: int, kind: str, rng: random.Random, np_rng: np.random.Generator, out_dir: Path
) -> PageTruth:
    paper = (rng.randint(238, 250), rng.randint(234, 246), rng.randint(222, 240))
    truth = PageTruth(
        file=f"page-{index:03d}.png",
        kind=kind,
        skew_deg=round(rng.uniform(-12, 12), 2),
        orientation=rng.choice([0, 0, 0, 90, 180, 270]) if kind == "text" else 0,
        seal=kind == "seal" or (kind == "text" and rng.random() < 0.6),
        blur=rng.choice([0.0, 0.0, 0.8, 1.2]),
        punch_holes=rng.random() < 0.3,
    )
    if kind == "text":
        img, lines = _render_text_page(rng, paper, truth.seal)
        truth.lines, truth.text = lines, "\n".join(lines)
    elif kind == "blank":
        img = _render_blank_page(rng, paper)
    else:
        img = _render_seal_page(rng, paper)
    a = _degrade(img, truth, rng, np_rng)
    Image.fromarray(a).save(out_dir / truth.file, dpi=(DPI, DPI), compress_level=1)
    return truth


def page_kinds(count: int) -> list[str]:
    """Mostly text pages, with about one blank and one seal-only page in ten."""
    kinds = ["text"] * count
    for i in range(4, count, 10):
        kinds[i] = "blank"
    for i in range(8, count, 10):
        kinds[i] = "seal"
    return kinds


def generate(out_dir: Path, count: int = 20, seed: int = 4) -> list[PageTruth]:
    """Write ``count`` pages and ``truth.json`` into ``out_dir``; return the truth."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng, np_rng = random.Random(seed), np.random.default_rng(seed)
    truths = [make_page(i + 1, kind, rng, np_rng, out_dir) for i, kind in enumerate(page_kinds(count))]
    (out_dir / "truth.json").write_text(
        json.dumps([asdict(t) for t in truths], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return truths


def load_truth(folder: Path) -> list[PageTruth]:
    return [PageTruth(**d) for d in json.loads((folder / "truth.json").read_text(encoding="utf-8"))]


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/synth")
    for t in generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 20):
        print(t.file, t.kind, t.skew_deg, t.orientation)
