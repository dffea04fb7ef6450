"""How a signature looks on the page: invisible, the Decree 30/2020 copy stamp, or an agency signature.

Decree 30/2020/ND-CP (Appendix I) describes the stamp on a digitised copy: top-right of page 1, no
image, the copy type ("SAO Y"), the copying agency and the signing time (ISO 8601, Vietnam time),
Times New Roman-compatible 10 pt black, on a white box sized to the text. The font is embedded (a subset, through pyHanko's
OpenType support) so PDF/A stays valid and every Vietnamese letter renders.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from sohoa.core.errors import InputError, MissingDependencyError
from sohoa.core.fonts import find_font, missing_glyphs
from sohoa.signing.errors import StampNeedsAgency

Appearance = Literal["invisible", "copy", "signature"]
VN_TZ = dt.timezone(dt.timedelta(hours=7))
FONT_SIZE = 10  # points, never scaled: pyHanko would shrink text that does not fit, so the box fits the text
LEADING = 13  # room for stacked Vietnamese marks (Ủ, Ễ) between lines
PAD = 4.0  # points of white around the text, inside the box
MARGIN = 20.0  # points from the page edge
MAX_TEXT_WIDTH = 260.0  # a longer agency name wraps at word boundaries
COPY_TYPE = "SAO Y"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StampSpec:
    """What to draw and where (PDF user space, points)."""

    style: TextStampStyle
    box: tuple[int, int, int, int]
    text: str
    font: Path


def iso_vn(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time with the offset written out: 2026-11-24T13:05:07+07:00."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of a font, to size the stamp's box to its text before pyHanko lays it out."""

    path: Path
    units_per_em: int
    advances: dict[int, int]  # code point -> advance width (font units)
    cap_height: int  # font units (OS/2), for measuring a rendered stamp

    def width(self, text: str, size: float = FONT_SIZE) -> float:
        default = self.advances.get(ord("n"), self.units_per_em // 2)
        units = sum(self.advances.get(ord(c), default) for c in unicodedata.normalize("NFC", text))
        return units * size / self.units_per_em


@functools.cache
def font_metrics(path: Path) -> FontMetrics:
    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"]
        advances = {cp: hmtx[name][0] for cp, name in cmap.items()}
        os2 = font["OS/2"]
        cap = int(getattr(os2, "sCapHeight", 0) or font["head"].unitsPerEm * 0.66)
        return FontMetrics(path, int(font["head"].unitsPerEm), advances, cap)


def wrap(text: str, metrics: FontMetrics, max_width: float = MAX_TEXT_WIDTH) -> list[str]:
    """Greedy word wrap by measured width (a single over-long word stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and metrics.width(trial) > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def stamp_lines(
    appearance: Appearance,
    *,
    agency: str,
    signer: str,
    moment: dt.datetime,
    metrics: FontMetrics | None = None,
) -> list[str]:
    """The lines of the stamp, NFC: the copy type (or signer), the agency (wrapped), the ISO time.

    A copy stamp without an agency is refused: Decree 30 requires the copying agency's name.
    """
    agency = unicodedata.normalize("NFC", " ".join(agency.split()))
    if appearance == "copy" and not agency:
        raise StampNeedsAgency()
    if appearance == "copy":
        head = [COPY_TYPE]
    else:
        head = [f"Ký bởi: {unicodedata.normalize('NFC', signer)}"]
    metrics = metrics or font_metrics(stamp_font())
    lines = head + wrap(agency, metrics) + [f"Thời gian ký: {iso_vn(moment)}"]
    return [line for line in lines if line]


# Times New Roman-compatible faces with every Vietnamese glyph: Liberation Serif 2 (fonts-liberation2),
# then Tinos (the same design, from Chrome OS core fonts); Noto Serif only when neither is installed.
TIMES_COMPATIBLE = [
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf"),
    Path("/usr/share/fonts/truetype/tinos/Tinos-Regular.ttf"),
    Path(__file__).resolve().parents[1] / "core" / "fonts" / "LiberationSerif-Regular.ttf",
    Path(__file__).resolve().parents[1] / "core" / "fonts" / "Tinos-Regular.ttf",
]
FALLBACK = [
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path(__file__).resolve().parents[1] / "core" / "fonts" / "NotoSerif-Regular.ttf",
]


@functools.cache
def stamp_font() -> Path:
    """Liberation Serif 2 or Tinos; Noto Serif (logged, with the reason) only if neither is usable."""
    for candidate in TIMES_COMPATIBLE:
        if candidate.is_file() and not missing_glyphs(candidate):
            return candidate
    for candidate in FALLBACK:
        if candidate.is_file() and not missing_glyphs(candidate):
            log.warning(
                "stamp font: no Times-compatible font with every Vietnamese glyph (Liberation Serif 2, "
                "Tinos) is installed; using %s instead (install fonts-liberation2)",
                candidate.name,
            )
            return candidate
    font = find_font("serif")
    if font is None:
        raise MissingDependencyError(
            what="a Times-like font with every Vietnamese glyph",
            install="apt-get install fonts-liberation2",
        )
    return font


@functools.cache
def pdf_ready_font(path: Path) -> Path:
    """The font at 1000 units per em (a cached copy when it is not), the unit of a PDF /W array.

    pyHanko 0.38 writes the font's own advance widths in /W; Liberation Serif and Tinos have 2048
    units per em, so without this every letter is drawn about twice its width apart.
    """
    with TTFont(path, lazy=True) as font:
        if font["head"].unitsPerEm == 1000:
            return path
    from fontTools.ttLib.scaleUpem import scale_upem

    from sohoa.core.paths import app_paths

    target = app_paths().cache / "fonts" / f"{path.stem}-1000upm.ttf"
    if not target.is_file() or target.stat().st_mtime < path.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        with TTFont(path) as font:
            scale_upem(font, 1000)
            tmp = target.with_suffix(".tmp")
            font.save(tmp)
        tmp.replace(target)
    return target


def _white_box(width: float, height: float) -> RawContent:
    """An opaque white rectangle: the stamp never overprints what the page has under it."""
    ops = f"q 1 1 1 rg 0 0 {width:.2f} {height:.2f} re f Q".encode()
    return RawContent(ops, box=layout.BoxConstraints(width=width, height=height))


def stamp_spec(
    appearance: Appearance,
    page_box: tuple[float, float, float, float],
    *,
    agency: str,
    signer: str,
    moment: dt.datetime,
    seal_image: Path | None = None,
) -> StampSpec:
    """The stamp style and its box, top-right of the page given by ``page_box`` (x0, y0, x1, y1)."""
    font_path = stamp_font()
    metrics = font_metrics(font_path)
    lines = stamp_lines(appearance, agency=agency, signer=signer, moment=moment, metrics=metrics)
    text = "\n".join(lines)
    font = GlyphAccumulatorFactory(str(pdf_ready_font(font_path)), font_size=FONT_SIZE)
    width = math.ceil(max(metrics.width(line) for line in lines) + 2 * PAD + 2)
    height = math.ceil(LEADING * len(lines) + 2 * PAD)
    background: Any = _white_box(width, height)
    if appearance == "signature" and seal_image is not None:
        if not Path(seal_image).is_file():
            raise InputError(path=str(seal_image), detail="seal image not found")
        background = PdfImage(str(seal_image))
    style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),  # pyHanko fills the text with %-formatting
        text_box_style=TextBoxStyle(
            font=font,
            font_size=FONT_SIZE,
            leading=LEADING,
            text_color=(0, 0, 0),
            # no hidden 10 pt margin inside the text box: the stamp's own padding is PAD
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MAX,
                margins=layout.Margins.uniform(0),
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        ),
        border_width=0,
        background=background,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.STRETCH_FILL,
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=PAD, right=PAD, top=PAD, bottom=PAD),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    x0, _y0, x1, y1 = page_box
    right, top = x1 - MARGIN, y1 - MARGIN
    left = max(x0 + MARGIN, right - width)
    box = (int(left), int(top - height), int(right), int(top))
    return StampSpec(style=style, box=box, text=text, font=font_path)
