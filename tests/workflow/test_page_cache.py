"""Pages processed as they land (sohoa.workflow.page_cache), and Finish only assembling, signing, queueing.

Real parts: the pipeline with Tesseract (vie), SANE's test backend for a page without text,
SoftHSM2 for signing, pikepdf's PDF/A check, pdftotext for the text layer.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest

from sohoa.core.fsutil import sha256_file
from sohoa.core.model import Document, DocumentKind, Dossier, Page
from sohoa.processing import ProcessOptions
from sohoa.workflow import finish as wf
from sohoa.workflow import page_cache
from sohoa.workflow.context import Workspace
from sohoa.workflow.page_cache import PageCache, page_key

pytestmark = pytest.mark.slow
CODE = "H15.50.05.13-261008-0042"


@pytest.fixture
def ws(sohoa_home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.signing.softhsm import create_token

    workspace = Workspace.open()
    token = create_token(tmp_path / "hsm", label="SoHoa Cache", pin="246810")
    token.activate()
    workspace.config = save_setting(workspace.config, "signing.pkcs11_module", str(token.module))
    workspace.config = save_setting(workspace.config, "signing.token_label", token.label)
    workspace.token = token  # type: ignore[attr-defined]
    yield workspace
    workspace.close()
    page_cache.shutdown()


def _text_page(path: Path, words: list[str]) -> Path:
    """A 150 dpi page of Vietnamese text (drawn, so each test's text is known)."""
    from PIL import Image, ImageDraw, ImageFont

    from sohoa.core.fonts import find_font

    im = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(str(find_font("sans")), 34)
    for i, line in enumerate(words):
        draw.text((110, 160 + 62 * i), line, fill=15, font=font)
    im.save(path, dpi=(150, 150))
    return path


def _sane_page(folder: Path) -> Path:
    """One A4 page from SANE's test backend (its grid: no text, so the pipeline never turns it)."""
    from sohoa.workflow.capture import scan_batch

    pages = scan_batch(
        "test:0",
        folder,
        mode="gray",
        dpi=150,
        max_pages=1,
        test_scanner=True,
        device_options={"test_picture": "Grid"},
    )
    return pages[0].path


def _cache(ws: Workspace, key: str = "dossier1") -> PageCache:
    return PageCache(ws.paths.work, key, ProcessOptions.from_config(ws.settings.processing), workers=1)


def _wait_idle(cache: PageCache, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not cache.idle():
        assert time.monotonic() < deadline, "background processing did not finish"
        time.sleep(0.1)


def _mark(cache: PageCache, key: str, text: str) -> None:
    """Change the cached OCR words of one result: what Finish puts in the PDF shows where it came from."""
    f = cache.root / key / "result.json"
    data = json.loads(f.read_text())
    for w in data["pages"][0]["words"][:1]:
        w["text"] = text
    f.write_text(json.dumps(data))


def _dossier(
    ws: Workspace, pages: list[tuple[Path, int]], kind: DocumentKind = DocumentKind.COMPONENT
) -> Dossier:
    dossier = Dossier(
        code=CODE, procedure_code="1.001757", owner_id="001099012345", owner_name="Nguyễn Văn An"
    )
    dossier.documents = [
        Document(kind=kind, title="Bản sao", pages=[Page(file=p, dpi=150, rotation=r) for p, r in pages])
    ]
    ws.store.save_dossier(dossier)
    return dossier


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_finish_assembles_pages_processed_as_they_landed_without_ocr_again(
    ws: Workspace, tmp_path: Path
) -> None:
    from sohoa.core.pdfa_check import validate_pdfa

    pages = [
        _text_page(
            tmp_path / "p1.png", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Giấy chứng nhận quyền sử dụng đất"]
        ),
        _text_page(tmp_path / "p2.png", ["Họ và tên: Nguyễn Văn An", "Địa chỉ thường trú tại xã Mẫu Sơn"]),
    ]
    cache = _cache(ws)
    for p in pages:
        cache.submit(p)  # as the scanner hands each page over
    _wait_idle(cache)
    assert cache.computed == 2
    key = cache.key(pages[0], 0)
    _mark(cache, key, "CACHEMARKER")  # only a cached result carries this word

    dossier = _dossier(ws, [(p, 0) for p in pages])
    outcomes = wf.finish(ws, dossier.id, ws.token.pin, cache=cache)  # type: ignore[attr-defined]
    assert [o.status for o in outcomes] == ["queued"], [o.message for o in outcomes]
    assert cache.computed == 2 and cache.reused == 2  # Finish ran no OCR: it assembled the results
    unsigned = ws.store.document(outcomes[0].document_id).file
    assert unsigned is not None
    result = validate_pdfa(unsigned, "2b")
    assert result.passed, result.summary()
    text = _text(unsigned)
    assert "CACHEMARKER" in text  # the cached result, not a new OCR run
    assert "Nguyễn" in text and "thường" in text  # searchable: the second page's own words
    with pikepdf.open(unsigned) as pdf:
        assert len(pdf.pages) == 2
    signed = outcomes[0].pdf
    assert signed is not None and signed.is_file() and signed != unsigned


def test_a_rotation_after_processing_is_processed_again_and_shows_in_the_output(
    ws: Workspace, tmp_path: Path
) -> None:
    page = _sane_page(tmp_path / "scan")
    cache = _cache(ws)
    cache.submit(page)
    _wait_idle(cache)
    old = cache.key(page, 0)
    cache.sync([(page, 90)])  # the clerk turns the page: processed again in the background
    _wait_idle(cache)
    assert cache.computed == 2
    new = cache.key(page, 90)
    assert new != old and cache.cached(new)

    dossier = _dossier(ws, [(page, 90)])
    outcomes = wf.finish(ws, dossier.id, None, cache=cache)
    assert [o.status for o in outcomes] == ["processed"]
    assert cache.computed == 2  # the rotated result was ready
    out = ws.store.document(outcomes[0].document_id).file
    with pikepdf.open(out) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert box[2] > box[3], box  # the portrait A4 scan, turned: landscape (the stale result is portrait)


def test_a_page_edited_after_it_was_queued_is_never_served_stale(ws: Workspace, tmp_path: Path) -> None:
    from sohoa.processing import single

    assert page_cache.RESULT_FILE == single.RESULT_FILE
    page = _sane_page(tmp_path / "scan")
    options = ProcessOptions.from_config(ws.settings.processing)
    digest = sha256_file(page)
    assert page_key(digest, 0, options) != page_key(digest, 90, options)
    assert page_key(digest, 90, options) == page_key(digest, 450, options)
    assert page_key(digest, 0, options) != page_key(digest, 0, ProcessOptions(jpeg_quality=30))
    assert page_key(digest, 0, options) == page_key(
        digest, 0, ProcessOptions.from_config(ws.settings.processing, jobs=7)
    )
    cache = _cache(ws)
    cache.submit(page, 0)
    cache.sync([(page, 180)])  # edited at once: the 180 result is what Finish gets
    dossier = _dossier(ws, [(page, 180)])
    outcomes = wf.finish(ws, dossier.id, None, cache=cache)
    out = ws.store.document(outcomes[0].document_id).file
    assert cache.cached(cache.key(page, 180))
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1


def test_discard_cancels_and_purges_the_dossiers_cache(ws: Workspace, tmp_path: Path) -> None:
    page = _sane_page(tmp_path / "scan")
    cache = _cache(ws, "first")
    cache.submit(page)
    _wait_idle(cache)
    key = cache.key(page, 0)
    assert cache.cached(key)
    assert oct(cache.root.stat().st_mode & 0o777) == "0o700"
    assert all(oct(f.stat().st_mode & 0o777) == "0o600" for f in (cache.root / key).iterdir())
    other = _cache(ws, "second")  # the next citizen's dossier never sees the first one's pages
    assert not other.cached(key)
    cache.discard()
    assert not cache.root.exists()
    with pytest.raises(Exception) as err:
        cache.results([(page, 0)])
    assert type(err.value).__name__ == "CancelledError"

    # discarded while a page is still being processed: nothing of it is left once it ends
    busy = _cache(ws, "third")
    busy.submit(_text_page(tmp_path / "t.png", ["Trang đang xử lý khi hồ sơ bị bỏ"]))
    busy.settle()
    busy.discard()
    deadline = time.monotonic() + 120
    base = ws.paths.work / page_cache.CACHE_DIR
    while any(p.name.startswith(".gone-third") or p.name == "third" for p in base.iterdir()):
        assert time.monotonic() < deadline, list(base.iterdir())
        time.sleep(0.2)
    assert page.is_file()  # the scan itself is never touched


def test_a_page_worker_killed_mid_page_loses_nothing(ws: Workspace, tmp_path: Path) -> None:
    page = _text_page(tmp_path / "p.png", ["Ủy ban nhân dân xã Mẫu Sơn xác nhận", "Họ và tên: Nguyễn Văn An"])
    cache = _cache(ws)
    cache.submit(page)
    cache.settle()
    pool = page_cache._pool
    assert pool is not None
    time.sleep(0.5)  # the worker has started on the page
    for proc in list(pool._processes.values()):  # type: ignore[attr-defined]
        proc.kill()  # as the OOM killer would
    results = cache.results([(page, 0)])  # processed again on a new pool
    assert len(results) == 1 and any("Nguyễn" in w.text for w in results[0].words)
    assert page.is_file()
