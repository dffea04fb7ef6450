"""Separator sheets and the receipt slip's QR code, on generated page images read by zxing-cpp."""

from __future__ import annotations

import hashlib
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw

from sohoa.capture.driver import ScannedPage
from sohoa.capture.separators import read_codes, split_pages

RECEIPT_URL = "https://dichvucong.gov.vn/p/tra-cuu?maHoSo=H15.50.05.13-261008-0975&lang=vi"


def _page(folder: Path, index: int, code: str | None = None, fmt: str = "QRCode") -> ScannedPage:
    """An A4 page at 150 dpi with some 'text' lines and optionally a code in the top right."""
    im = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(im)
    for y in range(300, 1500, 60):
        draw.rectangle((120, y, 1100, y + 18), fill=60)
    if code:
        symbol = zxingcpp.create_barcode(code, getattr(zxingcpp.BarcodeFormat, fmt))
        sym = Image.fromarray(__import__("numpy").array(symbol.to_image(scale=6)))
        im.paste(sym, (1240 - sym.width - 80, 60))
    path = folder / f"page-{index:03d}.png"
    im.save(path, dpi=(150, 150))
    data = path.read_bytes()
    return ScannedPage(
        index, path, im.width, im.height, 150, "gray", len(data), hashlib.sha256(data).hexdigest()
    )


def test_reads_qr_and_linear_codes(tmp_path: Path) -> None:
    qr = _page(tmp_path, 1, "SOHOA-SEP:TP02")
    bar = _page(tmp_path, 2, "SOHOA-SEP", fmt="Code128")
    plain = _page(tmp_path, 3)
    assert [c.text for c in read_codes(qr.path)] == ["SOHOA-SEP:TP02"]
    assert [c.text for c in read_codes(bar.path)] == ["SOHOA-SEP"]
    assert read_codes(plain.path) == []


def test_split_batch_at_separators_and_fill_dossier_code(tmp_path: Path) -> None:
    pages = [
        _page(tmp_path, 1, RECEIPT_URL),  # the receipt slip comes first
        _page(tmp_path, 2),
        _page(tmp_path, 3, "SOHOA-SEP:TP02"),
        _page(tmp_path, 4),
        _page(tmp_path, 5),
        _page(tmp_path, 6, "PATCH-T", fmt="Code128"),
        _page(tmp_path, 7, "8934567890120", fmt="EAN13"),  # a product barcode is not a separator
    ]
    result = split_pages(pages)
    assert result.dossier_code == "H15.50.05.13-261008-0975"
    assert result.receipt_page is pages[0]
    assert [p.index for p in result.separators] == [3, 6]
    assert [(d.label, [p.index for p in d.pages]) for d in result.documents] == [
        ("", [1, 2]),
        ("TP02", [4, 5]),
        ("", [7]),
    ]


def test_invalid_dossier_codes_are_not_taken(tmp_path: Path) -> None:
    future = _page(tmp_path, 1, "Mã hồ sơ: H15.50.05.13-261345-0001")  # month 13: not a real date
    wrong = _page(tmp_path, 2, "HELLO-WORLD")
    result = split_pages([future, wrong])
    assert result.dossier_code is None and result.separators == []
    assert [p.index for p in result.documents[0].pages] == [1, 2]


def test_leading_separator_names_the_first_document(tmp_path: Path) -> None:
    pages = [_page(tmp_path, 1, "SOHOA-SEP:TP01"), _page(tmp_path, 2)]
    result = split_pages(pages)
    assert [(d.label, len(d.pages)) for d in result.documents] == [("TP01", 1)]


def test_unreadable_page_has_no_codes(tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    assert read_codes(bad) == []
