"""File import (PNG, JPEG, multi-page TIFF, PDF) and the watched folder, on real and generated files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from sohoa.capture.errors import UnsupportedImportError
from sohoa.capture.importer import FolderWatcher, import_files


def test_png_is_copied_unchanged_with_its_dpi(tmp_path: Path, corpus: Path) -> None:
    src = corpus / "ocr/tesseract/phototest-rotated-L.png"
    (page,) = import_files([src], tmp_path / "out")
    assert page.path.name == "page-001.png" and page.path.read_bytes() == src.read_bytes()
    assert page.source == "import" and page.bytes == src.stat().st_size


def test_jpeg_without_dpi_is_flagged_assumed(tmp_path: Path) -> None:
    photo = tmp_path / "phone.jpg"
    Image.new("RGB", (900, 1200), (200, 180, 160)).save(photo, quality=80)
    (page,) = import_files([photo], tmp_path / "out", first_index=5)
    assert page.path.name == "page-005.jpg" and page.dpi == 300 and page.dpi_assumed
    assert page.mode == "color"


def test_multipage_tiff_gives_one_page_per_frame(tmp_path: Path) -> None:
    tif = tmp_path / "fax.tif"
    frames = [Image.new("1", (850, 1100), 1) for _ in range(3)]
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
    pages = import_files([tif], tmp_path / "out")
    assert [p.path.name for p in pages] == ["page-001.png", "page-002.png", "page-003.png"]
    assert {(p.mode, p.dpi, p.width) for p in pages} == {("bw", 200, 850)}


def test_pdf_pages_are_rendered_at_300_dpi(tmp_path: Path, corpus: Path) -> None:
    pages = import_files([corpus / "scans/ocrmypdf/cardinal.pdf"], tmp_path / "out")
    assert len(pages) == 4 and all(p.dpi == 300 for p in pages)
    with Image.open(pages[0].path) as im:
        assert im.info["dpi"][0] == pytest.approx(300, abs=1)


def test_pages_continue_numbering_across_files(tmp_path: Path, corpus: Path) -> None:
    files = [corpus / "ocr/tesseract/phototest.tif", corpus / "scans/ocrmypdf/cardinal.pdf"]
    pages = import_files(files, tmp_path / "out")
    assert [p.index for p in pages] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("letter.docx", b"PK\x03\x04", "not supported"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable image"),
        ("fake.jpg", b"hello", "not a readable image"),
        ("fake.pdf", b"%PDF-1.4 nonsense", "not a readable PDF"),
    ],
)
def test_bad_files_are_refused_clearly(tmp_path: Path, name: str, content: bytes, detail: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(UnsupportedImportError) as info:
        import_files([bad], tmp_path / "out")
    assert detail in str(info.value) and "PNG, JPEG, TIFF" in info.value.message("vi")
    assert not list((tmp_path / "out").glob("page-*"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedImportError, match="does not exist"):
        import_files([tmp_path / "nope.png"], tmp_path / "out")


def test_watched_folder_imports_settled_files_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    errors: list[Path] = []
    watcher = FolderWatcher(inbox, tmp_path / "out", on_error=lambda p, e: errors.append(p), settle_s=2.0)
    Image.new("L", (400, 500), 255).save(inbox / "scan1.png", dpi=(300, 300))
    (inbox / "junk.pdf").write_bytes(b"not a pdf")
    (inbox / "notes.txt").write_text("ignored")
    assert watcher.poll_once(now=100.0) == []  # just appeared: maybe still being written
    pages = watcher.poll_once(now=103.0)
    assert [p.path.name for p in pages] == ["page-001.png"]
    assert (inbox / "imported" / "scan1.png").is_file() and (inbox / "failed" / "junk.pdf").is_file()
    assert errors == [inbox / "junk.pdf"] and (inbox / "notes.txt").exists()
    Image.new("L", (400, 500), 255).save(inbox / "scan1.png")  # same name again: a new file
    watcher.poll_once(now=200.0)
    assert [p.index for p in watcher.poll_once(now=203.0)] == [2]
    assert (inbox / "imported" / "scan1-1.png").is_file()
