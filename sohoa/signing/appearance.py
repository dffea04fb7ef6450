"""How a signature looks on the page: invisible, the Decree 30/2020 copy stamp, or an agency signature.

Decree 30/2020/ND-CP (Appendix I) describes the stamp on a digitised copy: top-right of page 1, no
image, the copy type ("SAO Y"), the copying agency and the signing time (ISO 8601, Vietnam time),
Times New Roman-like 10 pt black. The font is embedded (a subset, through pyHanko's
OpenType support) so PDF/A stays valid and every Vietnamese letter renders.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from sohoa.core.errors import InputError, MissingDependencyError
from sohoa.core.fonts import find_font, missing_glyphs

Appearance = Literal["invisible", "copy", "signature"]
VN_TZ = dt.timezone(dt.timedelta(hours=7))
FONT_SIZE = 10
LEADING = 14  # room for stacked Vietnamese marks (Ủ, Ễ) between lines
MARGIN = 20.0  # points from the page edge
LINE_CHARS = 46  # a 10 pt Times line in a 220 pt box
BOX_WIDTH = 220.0
COPY_TYPE = "SAO Y"


@dataclass(frozen=True)
class StampSpec:
    """What to draw and where (PDF user space, points)."""

    style: TextStampStyle
    box: tuple[int, int, int, int]
    text: str


def iso_vn(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time with the offset written out: 2026-11-24T13:05:07+07:00."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def stamp_lines(appearance: Appearance, *, agency: str, signer: str, moment: dt.datetime) -> list[str]:
    """The lines of the stamp, NFC, long names wrapped at word boundaries."""
    agency = unicodedata.normalize("NFC", agency.strip())
    if appearance == "copy":
        head = [COPY_TYPE]
    else:
        head = [f"Ký bởi: {unicodedata.normalize('NFC', signer)}"]
    lines = head + textwrap.wrap(agency, LINE_CHARS) + [f"Thời gian ký: {iso_vn(moment)}"]
    return [line for line in lines if line]


# Liberation Serif 2 (first in app.fonts' serif order) comes out of pyHanko's GlyphAccumulator with
# every letter spaced far apart, so the stamp tries Noto Serif first; both carry every Vietnamese glyph.
PREFERRED_FONTS = [
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path(__file__).resolve().parents[1] / "core" / "fonts" / "NotoSerif-Regular.ttf",
]


def _font() -> Path:
    for candidate in PREFERRED_FONTS:
        if candidate.is_file() and not missing_glyphs(candidate):
            return candidate
    font = find_font("serif")
    if font is None:
        raise MissingDependencyError(
            what="a Times-like font with every Vietnamese glyph",
            install="apt-get install fonts-noto-core fonts-liberation2",
        )
    return font


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
    lines = stamp_lines(appearance, agency=agency, signer=signer, moment=moment)
    text = "\n".join(lines)
    font = GlyphAccumulatorFactory(str(_font()), font_size=FONT_SIZE)
    background = None
    if appearance == "signature" and seal_image is not None:
        if not Path(seal_image).is_file():
            raise InputError(path=str(seal_image), detail="seal image not found")
        background = PdfImage(str(seal_image))
    style = TextStampStyle(
        stamp_text=text.replace("%", "%%"),  # pyHanko fills the text with %-formatting
        text_box_style=TextBoxStyle(font=font, font_size=FONT_SIZE, leading=LEADING, text_color=(0, 0, 0)),
        border_width=0,
        background=background,
        background_opacity=1.0,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins(left=4, right=4, top=4, bottom=4),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
    height = LEADING * len(lines) + 10
    x0, _y0, x1, y1 = page_box
    right, top = x1 - MARGIN, y1 - MARGIN
    left = max(x0 + MARGIN, right - BOX_WIDTH)
    box = (int(left), int(top - height), int(right), int(top))
    return StampSpec(style=style, box=box, text=text)
