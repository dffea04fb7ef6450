"""Last page scanned -> signed and queued, for a 10-page dossier (A4, 300 dpi colour, SANE test feeder).

Two paths, the same pages, in the same run:
- today's path: the clerk presses Finish after the last page, and only then are the pages processed
  (OCR, PDF/A), signed (SoftHSM2) and queued;
- the per-page path: each page is processed as it lands (``sohoa.workflow.page_cache``, through the
  app's own ``ScanSession``), so Finish waits only for the pages still in flight, assembles, signs
  and queues.

SANE's test backend hands over a page every 0.1 s and every sheet is the same picture. A real feeder
does neither, so each page that lands gets its own text (a letter with its page number and a red
seal, drawn on the test backend's white page) and the feeder is paced at ``ppm`` pages a minute
(an office ADF at 300 dpi colour does 20-40). Both paths get the same pages at the same pace.
The app runs its per-page workers 10 nice levels below itself; here they run at the bench's own
level, as today's path's workers do, so that on a shared machine both paths compete alike.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

LINES = [
    "ỦY BAN NHÂN DÂN XÃ MẪU SƠN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN - TRANG {n}",
    "Ủy ban nhân dân xã xác nhận ông Nguyễn Văn An, sinh năm 1985,",
    "số định danh cá nhân 001099012345, thường trú tại thôn Bản Vược,",
    "đã nộp đầy đủ hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất",
    "đối với thửa đất số {n}, tờ bản đồ số 12, diện tích 245,6 mét vuông.",
    "Mục đích sử dụng: đất ở tại nông thôn; thời hạn sử dụng: lâu dài.",
    "Nguồn gốc sử dụng: được Nhà nước giao đất có thu tiền sử dụng đất.",
    "Giấy này có giá trị trong thời hạn ba mươi ngày kể từ ngày ký.",
    "Nơi nhận: như trên; lưu văn phòng Ủy ban nhân dân xã.",
]


class _Feeder:
    """The bench's progress: gives each landed page its own text and paces the feeder."""

    def __init__(self, ppm: float) -> None:
        self.interval = 60.0 / ppm if ppm > 0 else 0.0
        self.count = 0
        self.last_page = 0.0
        self._next = 0.0

    def __call__(self, done: int, total: int, note: str = "") -> None:
        pass

    def is_cancelled(self) -> bool:
        return False

    def item(self, page: Any) -> None:
        from PIL import Image, ImageDraw, ImageFont

        from sohoa.core.fonts import find_font

        self.count += 1
        if self._next:
            time.sleep(max(0.0, self._next - time.perf_counter()))  # the sheet is still in the feeder
        with Image.open(page.file) as im:
            dpi = im.info.get("dpi", (300, 300))
            im = im.convert("RGB")
        draw = ImageDraw.Draw(im)
        font = ImageFont.truetype(str(find_font("serif") or find_font("sans")), 50)
        for i, line in enumerate(LINES):
            draw.text((230, 300 + 110 * i), line.format(n=self.count), fill=(20, 20, 20), font=font)
        draw.ellipse((1500, 2300, 2000, 2800), outline=(200, 30, 30), width=14)
        draw.text((1600, 2520), "ĐÃ KÝ", fill=(200, 30, 30), font=font)
        im.save(page.file, dpi=dpi, compress_level=1)
        self.last_page = time.perf_counter()  # this sheet has been scanned
        self._next = self.last_page + self.interval


def _context(home: Path) -> tuple[Any, Any]:
    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.core.config import save_setting
    from sohoa.gui import services
    from sohoa.signing.softhsm import create_token

    ctx = services.AppContext.open()
    token = create_token(home / "token", label="Bench")
    token.activate()
    for key, value in (
        ("scanner.sane_config_dir", str(write_test_backend_config(home / "sane"))),
        ("scanner.device", "test:0"),
        ("profiles.default.dpi", 300),
        ("profiles.default.mode", "color"),
        ("profiles.default.device_options", {"test_picture": "Solid white"}),
        ("signing.pkcs11_module", token.module),
        ("signing.token_label", token.label),
    ):
        ctx.config = save_setting(ctx.config, key, value)
    return ctx, token


def last_page_to_signed_and_queued(
    pages: int = 10, per_page: bool = False, ppm: float = 20
) -> dict[str, Any]:
    """Scan ``pages`` (paced at ``ppm``), then Finish & sign at once; seconds from the last page."""
    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-finish-"))
    os.environ["SOHOA_HOME"] = str(home)
    from sohoa.core.model import Document, DocumentKind, Dossier
    from sohoa.gui import services
    from sohoa.workflow import page_cache

    page_cache.WORKER_NICE = 0  # the same priority as today's path's workers (see above)
    ctx, token = _context(home)
    cache = services.open_page_cache(ctx, "bench") if per_page else None
    session = services.ScanSession(ctx, home / "pages", page_cache=cache)
    feeder = _Feeder(ppm)
    started = time.perf_counter()
    scanned = session.scan(feeder, max_pages=pages)
    scan_s = feeder.last_page - started
    in_flight = 0
    all_done = [0.0]
    if cache is not None:
        cache.settle()
        jobs = list(cache._jobs.values())
        in_flight = sum(not j.future.done() for j in jobs)

        def watch() -> None:
            for j in jobs:
                j.future.result()
            all_done[0] = time.perf_counter()

        threading.Thread(target=watch, daemon=True).start()
    dossier = Dossier(
        code="H15.50.05.13-261008-0001",
        procedure_code="1.001757",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
    )
    doc = Document(kind=DocumentKind.RESULT, title="Giấy chứng nhận", result_code="KQ.H15-2026-000001")
    outcomes = services.finish_dossier(
        ctx, dossier, [(doc, scanned)], token.pin, services.NullProgress(), page_cache=cache
    )
    queued = time.perf_counter()
    elapsed = queued - feeder.last_page
    after_pages = queued - max(all_done[0], feeder.last_page) if all_done[0] else None
    computed = cache.computed if cache is not None else 0
    page_seconds: list[float] = []
    if cache is not None:
        page_seconds = [r.report.seconds for r in cache.results([(p.file, p.rotation) for p in scanned])]
        cache.discard()
    session.finish()
    session.close()
    ctx.close()
    return {
        "pages": len(scanned),
        "seconds": elapsed,
        "status": [o.status for o in outcomes],
        "in_flight": in_flight,
        "computed": computed,
        "ppm": ppm,
        "scan_s": scan_s,  # first sheet in -> last page scanned
        "after_pages": after_pages,  # per-page path: from the last page processed to queued
        "page_seconds": page_seconds,  # per-page path: each page's time in its worker
    }
