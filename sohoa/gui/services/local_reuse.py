"""Reuse without the network: this workstation's own earlier documents, and previews of any hit.

Offline, the repository cannot be asked; the documents this workstation digitized for the same
owner are still on disk (their signed PDFs) and are offered instead. A hit, remote or local, can
be previewed: its first page is rendered with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sohoa.core.errors import MissingDependencyError, OutputError
from sohoa.core.i18n import Text
from sohoa.gui.services.base import AppContext
from sohoa.workflow.reuse import ReuseHit, day_or_none

log = logging.getLogger(__name__)
LOCAL = "local:"


class PreviewFailed(OutputError):
    text = Text(
        vi="Không xem trước được tài liệu này. Hãy thử lại; nếu vẫn lỗi, báo bộ phận hỗ trợ.",
        en="This document cannot be previewed. Try again; if it still fails, call support.",
    )


class PdfRendererMissing(MissingDependencyError):
    text = Text(
        vi="Thiếu chương trình pdftoppm (gói poppler-utils) để xem trước tài liệu.",
        en="pdftoppm (package poppler-utils) is missing; documents cannot be previewed.",
    )


def local_documents(ctx: AppContext, owner_id: str) -> list[ReuseHit]:
    """The owner's documents made on this workstation that have a PDF (newest first)."""
    rows = ctx.store.conn.execute(
        "SELECT d.id, d.title, d.result_code, d.kind, d.pdf_path, s.received_date, s.code, "
        "d.issue_date, d.valid_until "
        "FROM documents d JOIN dossiers s ON s.id = d.dossier_id "
        "WHERE s.owner_id = ? AND COALESCE(d.pdf_path, '') != '' ORDER BY s.created_at DESC",
        [owner_id.strip()],
    ).fetchall()
    hits = []
    for doc_id, title, result_code, kind, pdf, received, code, issued, until in rows:
        if not Path(pdf).is_file():
            continue
        hit = ReuseHit(LOCAL + doc_id, title, result_code or code, received or "", kind or "")
        hit.issue_date, hit.valid_until = day_or_none(issued), day_or_none(until)
        hit.raw = {"pdf": pdf, "dossier_code": code}
        hits.append(hit)
    return hits


def is_local(hit: ReuseHit) -> bool:
    return hit.remote_id.startswith(LOCAL)


def record_local_reuse(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    """Attach a local document to the saved dossier (its file is referenced, not downloaded)."""
    pdf = Path(hit.raw["pdf"])
    with ctx.for_worker() as wctx:
        wctx.store.db["attachments"].insert(
            {
                "id": uuid.uuid4().hex,
                "dossier_id": dossier.id,
                "remote_id": hit.remote_id,
                "source_dossier_code": hit.raw.get("dossier_code", ""),
                "kind": hit.kind,
                "title": hit.title,
                "result_code": hit.result_code,
                "sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
                "file": str(pdf),
                "attached_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        wctx.store.record_event("reused", dossier_id=dossier.id, document_id=hit.remote_id)


def hit_pdf(ctx: AppContext, hit: ReuseHit) -> Path:
    """The hit's PDF on disk: a local document's own file, or a remote one downloaded to the cache."""
    if is_local(hit):
        return Path(hit.raw["pdf"])
    from sohoa.outbox.sync import client_factory

    target = ctx.paths.cache / "reuse-preview" / f"{uuid.uuid5(uuid.NAMESPACE_URL, hit.remote_id).hex}.pdf"
    if target.is_file():
        return target
    client = client_factory(ctx.settings.repository)()
    try:
        data = client.download(hit.remote_id)
    except Exception as e:
        raise PreviewFailed() from e
    finally:
        client.close()
    expected = getattr(hit.raw, "sha256", "")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise PreviewFailed()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.write_bytes(data)
    return target


def render_first_page(pdf: Path, out_dir: Path, dpi: int = 70) -> Path:
    """The PDF's first page as a PNG (pdftoppm, with a timeout)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise PdfRendererMissing()
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = out_dir / f"preview-{uuid.uuid4().hex[:8]}"
    try:
        subprocess.run(
            [tool, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            timeout=60,
            capture_output=True,
        )
    except (subprocess.SubprocessError, OSError) as e:
        log.warning("preview of %s failed: %s", pdf.name, e)
        raise PreviewFailed() from e
    return stem.with_suffix(".png")


def preview_hit(ctx: AppContext, hit: ReuseHit) -> Path:
    return render_first_page(hit_pdf(ctx, hit), ctx.paths.cache / "reuse-preview")
