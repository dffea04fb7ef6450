"""Finding a font that holds every Vietnamese glyph (for the OCR text layer and stamps).

Debian's old ``fonts-liberation`` (1.07) lacks ơ ư ả ễ ệ ụ ủ ử ữ and renders boxes,
so every candidate is checked against the full Vietnamese alphabet, not trusted by name.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

# Every letter Vietnamese writes, lower and upper case, plus đ/Đ.
VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIETNAMESE_CHARS = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "0123456789.,:;-/()"

_SERIF = [  # Times-like first: Decree 30 stamps ask for a Times-like face
    "truetype/liberation2/LiberationSerif-Regular.ttf",
    "truetype/noto/NotoSerif-Regular.ttf",
    "truetype/dejavu/DejaVuSerif.ttf",
    "times.ttf",
]
_SANS = [
    "truetype/noto/NotoSans-Regular.ttf",
    "truetype/dejavu/DejaVuSans.ttf",
    "truetype/liberation2/LiberationSans-Regular.ttf",
    "arial.ttf",
]


def font_dirs(platform: str = sys.platform, windir: str | None = None) -> list[Path]:
    """Where fonts are looked for: the ones bundled with the app (the Windows build carries
    Liberation Serif and Noto Sans there), then the system's (on Windows its Fonts folder)."""
    dirs = [Path(__file__).parent / "fonts"]
    if platform == "win32":
        dirs.append(Path(windir or os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]
    return dirs


def missing_glyphs(font_path: Path, chars: str = VIETNAMESE_CHARS) -> str:
    """The characters of ``chars`` that the font has no glyph for ("" when it covers all)."""
    try:
        with TTFont(font_path, lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError):
        return chars
    return "".join(c for c in chars if ord(c) not in cmap)


@functools.cache
def find_font(style: str = "serif") -> Path | None:
    """The first installed font of ``style`` ("serif" or "sans") with every Vietnamese glyph."""
    return find_font_in(style, font_dirs())


def find_font_in(style: str, folders: list[Path]) -> Path | None:
    """The first font of ``style`` with every Vietnamese glyph in ``folders`` (not cached)."""
    candidates = _SERIF if style == "serif" else _SANS
    for folder in folders:
        for rel in candidates:
            for path in (folder / rel, folder / Path(rel).name):
                if path.is_file() and not missing_glyphs(path):
                    return path
    return None
