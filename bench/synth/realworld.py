"""Real-world page variants for bench/bench_realworld.py: resolutions, fonts, layouts, damage.

Kept apart from the pipeline on purpose: it imports nothing from ``sohoa`` and shares no
threshold or helper with it (fonts are found by their Debian paths here), so the bench
cannot be passed by construction. Every page is drawn at 300 dpi on A4, damaged (blur,
noise, faint photocopy, shadowed edge, JPEG), brought to its resolution and colour mode,
skewed on a dark scanner bed and turned. Beside each page its *upright source* is written
(the same damage, upright and straight): plain Tesseract reads it for the baseline.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.synth.text import HEADER, SENTENCES, SIGNER, TITLES

W, H = 2480, 3508  # A4 at 300 dpi
INK, RED, BLUE, BED = (25, 25, 30), (200, 30, 40), (30, 50, 170), (40, 40, 44)
FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")
FONTS = {  # family -> (regular, bold) file names under FONT_DIRS
    "tinos-like": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    "arial-like": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "noto-serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf"),
    "dejavu": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
}
LEFT_HEADER = ("ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH")


@dataclass
class Variant:
    name: str
    dpi: int = 300
    mode: str = "color"  # color, gray, bilevel
    jpeg: int | None = None  # JPEG quality, None: PNG
    font: str = "tinos-like"
    layout: str = "letter"  # letter, table, twocol
    seal: bool = False  # a red round seal over the signer's text
    blur: float = 0.0
    faint: bool = False  # a faint photocopy
    shadow: bool = False  # a shadowed edge (book or lid)
    skew: float = 0.0
    orientation: int = 0
    keep_dpi: bool = True


@dataclass
class Truth:
    file: str
    upright: str  # the same scan before the quarter turn (baseline input)
    variant: dict
    text: str = ""
    lines: list[str] = field(default_factory=list)


def font_file(name: str) -> str:
    for root in FONT_DIRS:
        hits = sorted(Path(root).rglob(name))
        if hits:
            return str(hits[0])
    raise RuntimeError(f"font {name} not found: apt install fonts-liberation2 fonts-noto-core fonts-dejavu")


def _fonts(family: str, pt: float) -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]:
    regular, bold = FONTS[family]
    size = round(pt * 300 / 72)
    return ImageFont.truetype(font_file(regular), size), ImageFont.truetype(font_file(bold), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if font.getlength(trial) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    return [*lines, cur] if cur else lines


def _seal(draw: ImageDraw.ImageDraw, cx: int, cy: int, family: str) -> None:
    r = 190
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=RED, width=9)
    draw.ellipse((cx - r + 42, cy - r + 42, cx + r - 42, cy + r - 42), outline=RED, width=4)
    star = [
        (
            cx + (58 if k % 2 == 0 else 23) * math.cos(-math.pi / 2 + k * math.pi / 5),
            cy + (58 if k % 2 == 0 else 23) * math.sin(-math.pi / 2 + k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=RED)
    small = _fonts(family, 6.5)[1]
    for k, ch in enumerate("ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"):
        a = math.pi * (0.85 + 1.3 * k / 26)
        draw.text((cx + 160 * math.cos(a) - 10, cy + 160 * math.sin(a) - 14), ch, font=small, fill=RED)


def _signature(draw: ImageDraw.ImageDraw, x: int, y: int, rng: random.Random) -> None:
    pts = [(x + i * 16, y + rng.randint(-35, 35)) for i in range(18)]
    draw.line(pts, fill=BLUE, width=5, joint="curve")
    draw.arc((x - 30, y - 70, x + 280, y + 50), 200, 340, fill=BLUE, width=5)


def render(v: Variant, rng: random.Random) -> tuple[np.ndarray, list[str]]:
    """The clean page (RGB, 300 dpi) and its text lines in reading order."""
    img = Image.new("RGB", (W, H), (247, 245, 238))
    draw = ImageDraw.Draw(img)
    body, bold = _fonts(v.font, 13)
    small, small_bold = _fonts(v.font, 12)
    lines: list[str] = []
    left, right, y = 280, W - 240, 260
    # the national two-column header: issuing body on the left, the national motto on the right
    for k, (a, b) in enumerate(zip(LEFT_HEADER, HEADER, strict=True)):
        fa = small_bold if k else small
        draw.text((left, y), a, font=fa, fill=INK)
        draw.text((W - 240 - small_bold.getlength(b), y), b, font=small_bold, fill=INK)
        lines += [a, b]
        y += 70
    y += 120
    title = rng.choice(TITLES)
    draw.text(((W - bold.getlength(title)) / 2, y), title, font=bold, fill=INK)
    lines.append(title)
    y += 140
    sentences = rng.sample(SENTENCES, 9)
    line_h = int(body.size * 1.5)
    if v.layout == "twocol":
        col_w = (right - left - 90) / 2
        col_lines = [ln for s in sentences for ln in _wrap(s, body, col_w)]
        half = (len(col_lines) + 1) // 2
        for c, chunk in enumerate((col_lines[:half], col_lines[half:])):
            x = left + c * (col_w + 90)
            for i, ln in enumerate(chunk):
                draw.text((x, y + i * line_h), ln, font=body, fill=INK)
            lines += chunk
        y += half * line_h + 60
    else:
        for s in sentences[: 5 if v.layout == "table" else 9]:
            for ln in _wrap(s, body, right - left):
                draw.text((left, y), ln, font=body, fill=INK)
                lines.append(ln)
                y += line_h
        y += 40
    if v.layout == "table":
        cols = [left, left + 260, left + 1300, right]
        rows = [("STT", "Tên giấy tờ", "Số lượng")] + [
            (
                str(i),
                rng.choice(["Bản sao giấy khai sinh", "Sổ hộ khẩu", "Đơn đề nghị", "Giấy ủy quyền"]),
                "01",
            )
            for i in range(1, 6)
        ]
        top = y
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                draw.text((cols[c] + 25, y + 20), cell, font=bold if r == 0 else body, fill=INK)
            lines.append(" ".join(row))
            y += 110
        for yy in range(top, y + 1, 110):
            draw.line((cols[0], yy, cols[-1], yy), fill=INK, width=4)
        for xx in cols:
            draw.line((xx, top, xx, y), fill=INK, width=4)
        y += 60
    sx = W - 1050
    for t in SIGNER[:2]:
        draw.text((sx, y), t, font=bold, fill=INK)
        lines.append(t)
        y += 75
    _signature(draw, sx + 60, y + 120, rng)
    if v.seal:
        _seal(draw, sx - 20, y + 40, v.font)  # over the signer's title, as stamped
    y += 300
    draw.text((sx, y), SIGNER[2], font=bold, fill=INK)
    lines.append(SIGNER[2])
    return np.asarray(img).copy(), lines


def damage(a: np.ndarray, v: Variant, noise: np.ndarray) -> np.ndarray:
    """Photocopy, shadow, blur, skew on the bed, noise: everything before resolution and coding.

    A skewed sheet lies on a bed larger than itself, so no corner of the text falls off the scan
    (the truth holds every word); ``noise`` is the page's one sensor-noise field, so that the
    upright source of a page that is not skewed is its scan, pixel for pixel."""
    f = a.astype(np.float32)
    if v.faint:  # a faint photocopy: ink becomes mid gray, the paper grayish
        f = 120 + f * 0.52
    if v.shadow:
        ramp = np.clip(np.linspace(-1.0, 1.0, a.shape[1]) * 5 - 3.6, 0, 1)[None, :, None]
        f = f * (1 - 0.55 * ramp)
    a = np.clip(f, 0, 255).astype(np.uint8)
    if v.blur:
        a = cv2.GaussianBlur(a, (0, 0), v.blur)
    if v.skew:
        m = cv2.getRotationMatrix2D((W / 2, H / 2), v.skew, 1.0)
        c, sn = abs(m[0, 0]), abs(m[0, 1])
        bw, bh = int(np.ceil(W * c + H * sn)), int(np.ceil(W * sn + H * c))
        m[0, 2] += (bw - W) / 2
        m[1, 2] += (bh - H) / 2
        a = cv2.warpAffine(a, m, (bw, bh), flags=cv2.INTER_LINEAR, borderValue=BED)
    n = noise[: a.shape[0], : a.shape[1]]
    return np.clip(a.astype(np.float32) + n, 0, 255).astype(np.uint8)


def to_file(a: np.ndarray, v: Variant, path: Path) -> Path:
    """Resolution, colour mode and coding of the scan; ``path`` gets the right suffix."""
    if v.dpi != 300:
        interp = cv2.INTER_AREA if v.dpi < 300 else cv2.INTER_CUBIC
        a = cv2.resize(a, None, fx=v.dpi / 300, fy=v.dpi / 300, interpolation=interp)
    img = Image.fromarray(a)
    if v.mode == "gray":
        img = img.convert("L")
    elif v.mode == "bilevel":
        g = np.asarray(img.convert("L"))
        img = Image.fromarray(np.where(g > 150, 255, 0).astype(np.uint8)).convert("1")
    kw: dict = {"dpi": (v.dpi, v.dpi)} if v.keep_dpi else {}
    if v.jpeg and v.mode != "bilevel":
        path = path.with_suffix(".jpg")
        img.save(path, quality=v.jpeg, **kw)
    elif v.mode == "bilevel":
        path = path.with_suffix(".tif")
        img.save(path, compression="group4", **kw)
    else:
        path = path.with_suffix(".png")
        img.save(path, compress_level=1, **kw)
    return path


def variants(quick: bool = False, seed: int = 11) -> list[Variant]:
    """The bench's page set: each axis of the issue at least once, turned and skewed at random."""
    rng = random.Random(seed)
    base: list[Variant] = []
    for dpi in (100, 150, 200, 300, 400, 600):
        base.append(Variant(f"dpi{dpi}", dpi=dpi))
    for q in (40, 60, 90):
        base.append(Variant(f"jpeg{q}", jpeg=q, dpi=200 if q == 40 else 300))
    base += [
        Variant("gray300", mode="gray"),
        Variant("gray150-jpeg", mode="gray", dpi=150, jpeg=70),
        Variant("bilevel200", mode="bilevel", dpi=200),
        Variant("bilevel300", mode="bilevel"),
    ]
    for family in FONTS:
        base.append(Variant(f"font-{family}", font=family))
    base += [
        Variant("table", layout="table", seal=True),
        Variant("twocol", layout="twocol"),
        Variant("seal-letter", seal=True),
        Variant("seal-jpeg", seal=True, jpeg=75),
        Variant("faint-copy", faint=True, mode="gray"),
        Variant("shadow-edge", shadow=True),
        Variant("blur-1.1", blur=1.1),
        Variant("nodpi-jpeg100", dpi=100, jpeg=60, keep_dpi=False),
        Variant("nodpi-jpeg75", dpi=75, jpeg=70, keep_dpi=False),
    ]
    if quick:
        keep = {
            "dpi100",
            "dpi300",
            "jpeg40",
            "bilevel200",
            "font-arial-like",
            "table",
            "seal-letter",
            "nodpi-jpeg75",
        }
        base = [v for v in base if v.name in keep]
    for v in base:
        v.orientation = rng.choice([0, 90, 180, 270])
        v.skew = round(rng.uniform(-15, 15), 2) if rng.random() < 0.8 else 0.0
        if not v.blur:
            v.blur = round(rng.uniform(0.3, 1.1), 2)
        v.font = v.font if v.name.startswith("font-") else rng.choice(list(FONTS))
    return base


def generate(out: Path, quick: bool = False, seed: int = 11) -> list[Truth]:
    out.mkdir(parents=True, exist_ok=True)
    rng, np_rng = random.Random(seed), np.random.default_rng(seed)
    truths = []
    for i, v in enumerate(variants(quick, seed), start=1):
        clean, lines = render(v, rng)
        side = int(np.ceil(np.hypot(W, H)))  # room for a sheet skewed up to 45 degrees
        noise = np_rng.normal(0, 3.5, (side, side, clean.shape[2])).astype(np.float32)
        scan = damage(clean, v, noise)
        straight = replace(v, skew=0.0)  # the baseline reads the same damage, upright and straight
        upright = to_file(damage(clean, straight, noise), straight, out / f"{i:02d}-{v.name}-upright")
        turned = np.ascontiguousarray(np.rot90(scan, k=-v.orientation // 90)) if v.orientation else scan
        page = to_file(turned, v, out / f"{i:02d}-{v.name}")
        truths.append(Truth(page.name, upright.name, asdict(v), "\n".join(lines), lines))
    (out / "truth.json").write_text(
        json.dumps([asdict(t) for t in truths], ensure_ascii=False, indent=1), "utf-8"
    )
    return truths


def load(out: Path) -> list[Truth]:
    return [Truth(**d) for d in json.loads((out / "truth.json").read_text(encoding="utf-8"))]
