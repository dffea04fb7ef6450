"""Last page scanned -> signed and queued, for a 10-page dossier (A4, 300 dpi colour, SANE test feeder).

Today's path: the clerk presses Finish after the last page, and only then are the pages processed
(OCR, PDF/A), signed (SoftHSM2) and queued. The target path processes each page as it lands, so
Finish only assembles, signs and queues; it is measured when the workflow offers it
(``sohoa.workflow`` with per-page processing, issue 12).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def last_page_to_signed_and_queued(pages: int = 10) -> dict[str, object]:
    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-finish-"))
    os.environ["SOHOA_HOME"] = str(home)
    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.core.config import save_setting
    from sohoa.core.model import Document, DocumentKind, Dossier
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
        ("profiles.default.device_options", {"test_picture": "Grid"}),
        ("signing.pkcs11_module", token.module),
        ("signing.token_label", token.label),
    ):
        ctx.config = save_setting(ctx.config, key, value)
    session = services.ScanSession(ctx, home / "pages")
    scanned = session.scan(services.NullProgress(), max_pages=pages)
    last_page = time.perf_counter()  # the feeder handed over the last page
    dossier = Dossier(
        code="H15.50.05.13-261008-0001",
        procedure_code="1.001757",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
    )
    doc = Document(kind=DocumentKind.RESULT, title="Giấy chứng nhận", result_code="KQ.H15-2026-000001")
    outcomes = services.finish_dossier(ctx, dossier, [(doc, scanned)], token.pin, services.NullProgress())
    elapsed = time.perf_counter() - last_page
    session.finish()
    session.close()
    ctx.close()
    return {"pages": len(scanned), "seconds": elapsed, "status": [o.status for o in outcomes]}
