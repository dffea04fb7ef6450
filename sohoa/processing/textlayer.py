"""The invisible OCR text layer: a subset of a real font, and word-by-word text in render mode 3.

The font is a Type0 / CIDFontType2 font with our own CID numbering (one CID per distinct
character used in the document). ``CIDToGIDMap`` maps each CID to its glyph in the subset,
``W`` holds the glyph widths and ``ToUnicode`` maps each CID back to its character, so
search and copy give NFC Vietnamese in any viewer. A character the font lacks is drawn
with the glyph of "?" (never .notdef, which PDF/A forbids) and still copies as itself.
Each word is placed at its box with its line's baseline and stretched (Tz) to its width.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from fontTools import subset as ft_subset
from fontTools.ttLib import TTFont

from sohoa.core.fonts import find_font
from sohoa.processing.errors import MissingDependencyError
from sohoa.processing.ocr import Word

FALLBACK_CHAR = "?"


@dataclass
class SubsetFont:
    data: bytes  # the subset TrueType program
    base_name: str  # "ABCDEF+NotoSans-Regular"
    cids: dict[str, int]  # character -> CID
    gids: list[int]  # CID -> GID in the subset (index 0 unused)
    widths: list[int]  # CID -> advance width in 1/1000 em
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    cap_height: int
    chars: list[str] = field(default_factory=list)  # CID -> character

    def encode(self, text: str) -> bytes:
        return b"".join(self.cids[c].to_bytes(2, "big") for c in text)

    def width(self, text: str) -> float:
        return float(sum(self.widths[self.cids[c]] for c in text))


def _tag(chars: Sequence[str]) -> str:
    n = int.from_bytes(hashlib.sha256("".join(chars).encode()).digest()[:8], "big") % 26**6
    return "".join(chr(65 + (n // 26**i) % 26) for i in range(6))


def build_font(characters: Iterable[str], font_path: Path | None = None) -> SubsetFont:
    """Subset the text-layer font to ``characters`` (plus space and the fallback glyph)."""
    path = font_path or find_font("sans") or find_font("serif")
    if path is None:
        raise MissingDependencyError(
            what="a font with every Vietnamese glyph", install="apt install fonts-noto-core"
        )
    chars = sorted({unicodedata.normalize("NFC", c) for c in characters} | {" ", FALLBACK_CHAR})
    chars = [c for c in chars if len(c) == 1 and c.isprintable()]
    with TTFont(path, fontNumber=0) as full:
        cmap = full.getBestCmap()
        present = {ord(c) for c in chars if ord(c) in cmap}
        options = ft_subset.Options()
        options.layout_features = []
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = [1, 2, 3, 4, 6]
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "DSIG", "kern"]
        sub = ft_subset.Subsetter(options)
        sub.populate(unicodes=present)
        sub.subset(full)
        buf = io.BytesIO()
        full.save(buf)
    with TTFont(io.BytesIO(buf.getvalue())) as font:
        scmap = font.getBestCmap()
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        fallback_glyph = scmap[ord(FALLBACK_CHAR)]
        cids, gids, widths, by_cid = {}, [0], [0], [""]
        for cid, c in enumerate(chars, start=1):
            glyph = scmap.get(ord(c), fallback_glyph)
            cids[c] = cid
            gids.append(font.getGlyphID(glyph))
            widths.append(round(hmtx[glyph][0] * 1000 / upem))
            by_cid.append(c)
        head, hhea = font["head"], font["hhea"]
        os2 = font["OS/2"] if "OS/2" in font else None
        ps_name = font["name"].getDebugName(6) or path.stem
        scale = 1000 / upem
        return SubsetFont(
            data=buf.getvalue(),
            base_name=f"{_tag(chars)}+{ps_name}",
            cids=cids,
            gids=gids,
            widths=widths,
            ascent=round(hhea.ascent * scale),
            descent=round(hhea.descent * scale),
            bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),  # type: ignore[arg-type]
            cap_height=round((getattr(os2, "sCapHeight", 0) or hhea.ascent * 0.7) * scale),
            chars=by_cid,
        )


def _tounicode(font: SubsetFont) -> bytes:
    entries = [
        f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in enumerate(font.chars) if cid
    ]
    blocks = []
    for i in range(0, len(entries), 100):
        chunk = entries[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def font_object(pdf: pikepdf.Pdf, font: SubsetFont) -> pikepdf.Object:
    """The Type0 font dictionary (indirect), with the subset embedded as FontFile2."""
    name = pikepdf.Name("/" + font.base_name)
    file2 = pikepdf.Stream(pdf, font.data)
    file2.Length1 = len(font.data)
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=name,
            Flags=4,
            FontBBox=list(font.bbox),
            ItalicAngle=0,
            Ascent=font.ascent,
            Descent=font.descent,
            CapHeight=font.cap_height,
            StemV=80,
            FontFile2=file2,
        )
    )
    gidmap = b"".join(g.to_bytes(2, "big") for g in font.gids)
    cidfont = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=name,
            CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
            FontDescriptor=descriptor,
            DW=1000,
            W=[1, font.widths[1:]],
            CIDToGIDMap=pikepdf.Stream(pdf, gidmap),
        )
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=name,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[cidfont],
            ToUnicode=pikepdf.Stream(pdf, _tounicode(font)),
        )
    )


def text_operators(
    words: Sequence[Word], font: SubsetFont, font_res: str, dpi: float, page_h_pt: float
) -> bytes:
    """Content-stream operators drawing ``words`` invisibly at their boxes (pixel coords)."""
    if not words:
        return b""
    k = 72.0 / dpi
    out = [b"BT 3 Tr"]
    by_line: dict[tuple[int, int, int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    for line, line_words in by_line.items():
        line_words.sort(key=lambda w: w.left)
        _, lt, _, lh = line
        intercept = line_words[0].baseline
        if intercept is not None and -lh < intercept <= 0:
            # Tesseract's baseline; the font size is the height from it to the line's top, as in
            # Tesseract's and OCRmyPDF's renderers (a larger size makes pdftotext merge the two
            # columns of the national header into blocks and reorder them)
            size = (lh + intercept) * k
            baseline = page_h_pt - (lt + lh + intercept) * k
        else:
            size = max(lh * k / 1.15, 1.0)
            baseline = page_h_pt - (lt + lh) * k + size * 0.2
        size = max(size, 1.0)
        out.append(f"/{font_res} {size:.2f} Tf".encode())
        for i, w in enumerate(line_words):
            text = "".join(c if c in font.cids else FALLBACK_CHAR for c in w.text)
            natural = font.width(text) * size / 1000.0
            if natural <= 0:
                continue
            tz = max(1.0, min(1000.0, 100.0 * (w.width * k) / natural))
            shown = text + (" " if i < len(line_words) - 1 else "")
            out.append(
                f"{tz:.1f} Tz 1 0 0 1 {w.left * k:.2f} {baseline:.2f} Tm <".encode()
                + font.encode(shown).hex().upper().encode()
                + b"> Tj"
            )
    out.append(b"ET")
    return b"\n".join(out)
