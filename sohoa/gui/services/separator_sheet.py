"""A printable separator sheet: an A4 PDF with the QR code the backlog import splits at.

The code's text matches the default ``scanner.separator_pattern`` ("SOHOA-SEP", optionally
":label"), so a sheet printed here is recognised by the same reader that checks each page.
"""

from __future__ import annotations

from pathlib import Path

A4_MM = (210, 297)


def separator_sheet(target: Path, label: str = "", dpi: int = 150) -> Path:
    """Write the sheet to ``target`` (a PDF, or a PNG when the suffix says so) and return it."""
    import numpy as np
    import zxingcpp
    from PIL import Image, ImageDraw, ImageFont

    from sohoa.core.fonts import find_font
    from sohoa.core.fsutil import atomic_output

    text = "SOHOA-SEP" + (f":{label}" if label else "")
    code = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode), scale=max(4, dpi // 12)
    )
    qr = Image.fromarray(np.asarray(code))
    page = Image.new("L", (round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)), 255)
    page.paste(qr, ((page.width - qr.width) // 2, page.height // 3 - qr.height // 2))
    font_path = find_font("sans")
    font = ImageFont.truetype(str(font_path), dpi // 4) if font_path else ImageFont.load_default()
    draw = ImageDraw.Draw(page)
    caption = "TỜ PHÂN CÁCH – SOHOA" + (f" · {label}" if label else "")
    width = draw.textlength(caption, font=font)
    draw.text(
        ((page.width - width) / 2, page.height // 3 + qr.height // 2 + dpi // 4), caption, fill=0, font=font
    )
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fmt = "PNG" if target.suffix.lower() == ".png" else "PDF"
    with atomic_output(target) as tmp:
        page.save(tmp, fmt, resolution=dpi, dpi=(dpi, dpi))
    return target
