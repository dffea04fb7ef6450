"""End to end: pages in, a valid PDF/A-2b out, with an invisible, searchable Vietnamese text layer."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest

from sohoa.core.errors import CancelledError, OutputError
from sohoa.core.model import PageFlag
from sohoa.core.progress import Reporter
from sohoa.processing import PdfMetadata, ProcessOptions, process_document
from sohoa.processing.pdfa import SOHOA_NS, validate
from tests.processing.conftest import LINES, leftovers

META = PdfMetadata(
    title="Giấy xác nhận thường trú",
    dossier_code="H15.50.05.13-261008-0975",
    document_kind="result",
    result_code="KQ-2026-0001",
)


def pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*args, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, list[Path]]:
    """One job shared by the tests below: a sealed text page turned 90°, a plain skewed page, a blank back."""
    from tests.processing.conftest import render

    folder = tmp_path_factory.mktemp("dossier")
    inputs = [
        render(folder / "a.png", lines=LINES, seal=True, skew=4.0, orientation=90),
        render(folder / "b.png", lines=LINES[2:], skew=-2.5, specks=40),
        render(folder / "c.png", bleed=True, specks=60, holes=True),
    ]
    out = folder / "out.pdf"
    seen: list[tuple[int, int, str]] = []
    report = process_document(
        inputs,
        out,
        ProcessOptions(languages="vie", jobs=2),
        META,
        progress=Reporter(on_progress=lambda d, n, name: seen.append((d, n, name))),
    )
    report.progress_seen = seen  # type: ignore[attr-defined]
    return out, report, inputs


def test_report_describes_each_page_in_input_order(dossier) -> None:
    _, report, _ = dossier
    pages = report.pages
    assert [p.source for p in pages] == ["a.png", "b.png", "c.png"]
    assert pages[0].orientation == 90 and abs(pages[0].skew_deg - 4.0) < 0.15
    assert pages[1].orientation == 0 and abs(pages[1].skew_deg + 2.5) < 0.15
    assert [p.blank for p in pages] == [False, False, True]
    assert all(p.included for p in pages)  # blank pages are flagged, not dropped
    assert PageFlag.BLANK.value in pages[2].flags and PageFlag.ROTATED.value in pages[0].flags
    assert [p.color_mode for p in pages[:2]] == ["color", "bw"]  # the red seal keeps colour
    assert sorted(n for n, _, _ in report.progress_seen) == [1, 2, 3]


def test_output_is_valid_pdfa_2b(dossier) -> None:
    out, _, _ = dossier
    report = pikepdf.pdfa.validate_written(out, "2b")
    # The only findings allowed are about our own XMP schema, which pikepdf cannot check.
    assert all("6.6.2.3.1-1" in f.rule for f in report.findings), report.findings
    validate(out)


def test_metadata_and_structure(dossier) -> None:
    out, _, _ = dossier
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 3
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert len(pdf.trailer.ID) == 2
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        with pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:title"] == META.title
        assert SOHOA_NS in xmp and "H15.50.05.13-261008-0975" in xmp and "KQ-2026-0001" in xmp
        assert "<pdfaSchema:prefix>sohoa</pdfaSchema:prefix>" in xmp
        filters = [str(img.Filter) for page in pdf.pages for img in page.get_images().values()]
        # page 1: G4 text with the seal as a JPEG patch (mixed raster); pages 2-3: G4 only
        assert sorted(filters) == ["/CCITTFaxDecode", "/CCITTFaxDecode", "/CCITTFaxDecode", "/DCTDecode"]
        size = pdf.pages[1].mediabox
        assert abs(float(size[2]) - 2000 / 300 * 72) < 0.5  # 300 dpi kept: page size from pixels
        content = pdf.pages[0].Contents.read_bytes()
        assert b"3 Tr" in content and b" Tz " in content  # invisible, word by word


def test_text_layer_is_searchable_nfc_vietnamese(dossier) -> None:
    out, _, _ = dossier
    text = pdftotext(out, 1)
    assert text == unicodedata.normalize("NFC", text)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "thường trú", "Hạnh phúc"):
        assert phrase in text
    assert pdftotext(out, 3).strip() == ""  # the blank page carries no text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    row = next(line for line in fonts.splitlines() if "CID TrueType" in line)
    assert re.search(r"[A-Z]{6}\+", row) and row.split()[-5:-2] == ["yes", "yes", "yes"]  # emb sub uni


def test_pages_render_black_on_white(dossier, tmp_path: Path) -> None:
    """The G4 base and the JPEG patches land right: paper white, text dark, seal red."""
    import numpy as np
    from PIL import Image

    out, _, _ = dossier
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(out), str(tmp_path / "r")], check=True
    )
    first, second = (np.asarray(Image.open(p).convert("RGB")) for p in sorted(tmp_path.glob("r-*.png")))
    for img in (first, second):
        assert np.median(img) >= 250 and img.min() < 80  # white paper, dark text
    red = (first[:, :, 0] > 150) & (first[:, :, 1] < 90) & (first[:, :, 2] < 90)
    assert red.sum() > 50  # the seal keeps its colour


def test_drop_blank_leaves_blank_pages_out(dossier, out_dir: Path) -> None:
    _, _, inputs = dossier
    out = out_dir / "dropped.pdf"
    report = process_document(inputs[1:], out, ProcessOptions(languages="vie", drop_blank=True))
    assert [p.included for p in report.pages] == [True, False]
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1


def test_all_blank_and_dropped_is_an_error_and_writes_nothing(page, out_dir: Path) -> None:
    blank = page(specks=30)
    with pytest.raises(OutputError) as err:
        process_document([blank], out_dir / "x.pdf", ProcessOptions(drop_blank=True))
    assert "trắng" in err.value.message("vi")
    assert leftovers(out_dir) == []


def test_cancel_stops_the_job_and_writes_nothing(page, out_dir: Path) -> None:
    inputs = [page(lines=LINES[:3]) for _ in range(3)]
    stop = Reporter()
    stop.cancel()
    with pytest.raises(CancelledError):
        process_document(inputs, out_dir / "x.pdf", ProcessOptions(jobs=2), progress=stop)
    assert leftovers(out_dir) == []


def test_failed_validation_is_an_error_and_leaves_nothing(page, out_dir: Path, monkeypatch) -> None:
    from sohoa.processing import pdfa
    from sohoa.processing.errors import PdfAValidationFailed

    def broken_xmp(*args: object) -> bytes:
        return b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"  # no PDF/A identification

    monkeypatch.setattr(pdfa, "xmp_packet", broken_xmp)
    with pytest.raises(PdfAValidationFailed):
        process_document([page(lines=LINES[:2])], out_dir / "x.pdf", ProcessOptions())
    assert leftovers(out_dir) == []


def test_punch_holes_removed_when_asked(page, out_dir: Path) -> None:
    import numpy as np

    src = page(lines=LINES[2:5], holes=True)
    out = out_dir / "holes.pdf"
    process_document([src], out, ProcessOptions(remove_punch_holes=True, allowed_color_modes=("gray",)))  # type: ignore[arg-type]
    with pikepdf.open(out) as pdf:
        img = np.asarray(
            pikepdf.PdfImage(next(iter(pdf.pages[0].get_images().values()))).as_pil_image().convert("L")
        )
    assert img[1300 // 2 - 300, 120] > 200 and img[1300 // 2 + 300, 120] > 200  # hole centres now paper


def test_each_page_reports_its_cpu_time(dossier) -> None:
    """The bench compares CPU time with OCRmyPDF's, which load on the machine does not skew:
    each page carries its worker's CPU time, Tesseract's included (a text page needs seconds)."""
    _, report, _ = dossier
    text_pages = report.pages[:2]
    assert all(p.cpu_seconds > 0.5 for p in text_pages)
    assert all(p.cpu_seconds > 0 for p in report.pages)
