"""Bad input: each gets a clear typed error (or a flag), and no partial output is left behind."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from sohoa.core.errors import ExitCode, InputError, MissingDependencyError
from sohoa.processing import ProcessOptions, process_document
from sohoa.processing.errors import (
    EmptyFile,
    EncryptedPdf,
    ImageTooLarge,
    InputNotFound,
    MissingLanguage,
    SignedPdfRefused,
    TruncatedImage,
    UnreadablePdf,
    UnsupportedFormat,
)
from tests.processing.conftest import LINES, leftovers


def _refused(inputs: list[Path], out_dir: Path, error: type[Exception], **opts: object) -> Exception:
    with pytest.raises(error) as info:
        process_document(inputs, out_dir / "out.pdf", ProcessOptions(**opts))  # type: ignore[arg-type]
    assert leftovers(out_dir) == []  # no PDF, no temp file
    return info.value


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (no pixels follow)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


def test_missing_file(out_dir: Path, tmp_path: Path) -> None:
    _refused([tmp_path / "nope.png"], out_dir, InputNotFound)


def test_zero_byte_file(out_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    err = _refused([empty], out_dir, EmptyFile)
    assert err.exit_code == ExitCode.INPUT
    assert "rỗng" in err.message("vi") and "empty.png" in str(err)


def test_unknown_format(out_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK\x03\x04 this is a zip, not a scan")
    err = _refused([doc], out_dir, UnsupportedFormat)
    assert "PNG, JPEG" in err.message("vi")


def test_truncated_image_fails_the_whole_job(page, out_dir: Path, tmp_path: Path) -> None:
    good = page(lines=LINES[:2])
    data = page(lines=LINES[:2]).read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    err = _refused([good, cut], out_dir, TruncatedImage, jobs=2)
    assert "cut.png" in str(err)


def test_decompression_bomb_refused_before_decoding(out_dir: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(20_000, 12_000))  # 240 megapixels
    err = _refused([bomb], out_dir, ImageTooLarge)
    assert "240" in str(err)


def test_encrypted_pdf_refused(out_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "locked.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(src, encryption=pikepdf.Encryption(owner="o", user="u"))
    _refused([src], out_dir, EncryptedPdf)
    open_one = tmp_path / "open-but-encrypted.pdf"
    pdf.save(open_one, encryption=pikepdf.Encryption(owner="o", user=""))
    _refused([open_one], out_dir, EncryptedPdf)


def test_signed_pdf_refused_and_left_unchanged(corpus: Path, out_dir: Path) -> None:
    signed = corpus / "pdfa/verapdf/PDF_A-2b/pass/6-1-12-t02-pass-a.pdf"
    before = hashlib.sha256(signed.read_bytes()).hexdigest()
    err = _refused([signed], out_dir, SignedPdfRefused)
    assert "ký số" in err.message("vi")
    assert hashlib.sha256(signed.read_bytes()).hexdigest() == before


def test_broken_pdf(corpus: Path, out_dir: Path) -> None:
    err = _refused([corpus / "scans/ocrmypdf/invalid.pdf"], out_dir, UnreadablePdf)
    assert isinstance(err, InputError) and str(corpus) not in str(err)


def test_missing_dpi_is_estimated_from_the_letters_and_flagged(page, out_dir: Path) -> None:
    """13 pt text drawn at 300 dpi, saved without a resolution: about 300 dpi is found, not guessed."""
    src = page(lines=LINES[:3], dpi=None)
    report = process_document([src], out_dir / "o.pdf", ProcessOptions())
    dpi = report.pages[0].dpi
    assert dpi in (200, 300) and "dpi-assumed" in report.pages[0].flags
    with pikepdf.open(out_dir / "o.pdf") as pdf:
        assert abs(float(pdf.pages[0].mediabox[2]) - 2000 * 72 / dpi) < 0.5


def test_missing_dpi_on_a_text_free_image_falls_back_to_300() -> None:
    from sohoa.processing.load import estimate_dpi

    assert estimate_dpi(np.full((400, 300, 3), 240, np.uint8)) == 300


def test_low_resolution_is_flagged(page, out_dir: Path) -> None:
    src = page(lines=LINES[:3], dpi=150)
    report = process_document([src], out_dir / "o.pdf", ProcessOptions())
    assert "low-resolution" in report.pages[0].flags


def test_16_bit_gray_and_colour_images(page, out_dir: Path, tmp_path: Path) -> None:
    rgb = np.asarray(Image.open(page(lines=LINES[:3], seal=True)))
    gray16 = tmp_path / "gray16.png"
    Image.fromarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.uint16) * 257).save(
        gray16, dpi=(300, 300)
    )
    rgb16 = tmp_path / "rgb16.png"
    assert cv2.imwrite(str(rgb16), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
    report = process_document([gray16, rgb16], out_dir / "o.pdf", ProcessOptions(languages="vie"))
    assert [p.blank for p in report.pages] == [False, False]
    assert report.pages[0].color_mode == "bw" and report.pages[1].color_mode == "color"
    assert all(p.words >= 10 for p in report.pages)


def test_cmyk_jpeg_keeps_its_colours(page, out_dir: Path, tmp_path: Path) -> None:
    cmyk = tmp_path / "cmyk.jpg"
    Image.open(page(lines=LINES[:3], seal=True)).convert("CMYK").save(cmyk, dpi=(300, 300), quality=90)
    report = process_document([cmyk], out_dir / "o.pdf", ProcessOptions())
    assert report.pages[0].color_mode == "color" and report.pages[0].words >= 10


def test_missing_language_is_reported_before_any_work(
    page, out_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    (tessdata / "eng.traineddata").symlink_to("/usr/share/tesseract-ocr/5/tessdata/eng.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    err = _refused([page(lines=LINES[:2])], out_dir, MissingLanguage, languages="vie")
    assert isinstance(err, MissingDependencyError) and err.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "tesseract-ocr-vie" in err.message("vi") and "eng" in str(err)
