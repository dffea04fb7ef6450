"""Building the PDF/A, signing (one PIN per batch) and queueing; the supervisor's pending results."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.core.errors import SoHoaError
from sohoa.core.i18n import Text
from sohoa.core.lifecycle import DocState
from sohoa.core.progress import Offset, check_cancel
from sohoa.gui.services.base import (
    AppContext,
    ProgressLike,
)
from sohoa.gui.services.capture import ScannedPage
from sohoa.gui.services.queue import outbox

log = logging.getLogger(__name__)


# -- finishing: process, sign, queue ----------------------------------------------------------
@dataclass
class DocOutcome:
    """What happened to one document of a dossier or of a signing batch."""

    document_id: str
    title: str
    status: str  # processed, signed, queued, failed, pending
    message: str = ""
    pdf: Path | None = None
    flags: dict[int, list[str]] = field(default_factory=dict)  # page index -> flags from processing


def documents_dir(ctx: AppContext, dossier_id: str) -> Path:
    from sohoa.core.paths import private_dir

    return private_dir(ctx.paths.data / "documents" / dossier_id)


def _upright_inputs(pages: list[ScannedPage], work: Path) -> list[Path]:
    """The page files with the clerk's rotations applied (copies; the scans stay as they were)."""
    from PIL import Image

    out = []
    for page in pages:
        if not page.rotation:
            out.append(page.file)
            continue
        target = work / f"{page.file.stem}.r{page.rotation}.png"
        with Image.open(page.file) as im:
            dpi = im.info.get("dpi", (page.dpi, page.dpi))
            im.rotate(-page.rotation, expand=True).save(target, compress_level=1, dpi=dpi)
        out.append(target)
    return out


def process_pages(
    ctx: AppContext, inputs: list[Path], out_pdf: Path, metadata: dict[str, Any], progress: ProgressLike
) -> dict[int, list[str]]:
    """Build the PDF/A of one document with the processing pipeline; return page flags by index."""
    from sohoa.processing import PdfMetadata, ProcessOptions, process_document

    options = ProcessOptions.from_config(ctx.settings.processing)
    meta = PdfMetadata(**{k: v for k, v in metadata.items() if k in PdfMetadata.__dataclass_fields__})
    report = process_document(
        inputs,
        out_pdf,
        options,
        meta,
        progress=progress,
    )
    return {i: list(p.flags) for i, p in enumerate(report.pages)}


def sign_files(
    ctx: AppContext, pdfs: list[Path], out_dir: Path, pin: str, progress: ProgressLike
) -> list[tuple[Path, Path | None, str]]:
    """Sign every PDF in one token session; return (source, signed file or None, reason)."""
    from sohoa.signing.batch import sign_documents
    from sohoa.signing.pades import SignOptions

    s = ctx.settings.signing
    options = SignOptions(
        appearance="invisible",
        agency_name=ctx.settings.general.agency_name,
        timestamp_url=s.timestamp_url,
    )
    total = len(pdfs)
    result = sign_documents(
        pdfs,
        out_dir,
        module=s.pkcs11_module,
        token_label=s.token_label,
        pin=pin,
        cert_id=bytes.fromhex(s.cert_id) if s.cert_id else None,
        options=options,
        progress=Offset(progress, 0, total),
    )
    out = [(d.source, d.output if d.status == "signed" else None, d.message) for d in result.documents]
    if result.stopped is not None:
        stopped = result.stopped.message()
        out = [(src, dst, reason or (stopped if dst is None else "")) for src, dst, reason in out]
    return out


def enqueue(ctx: AppContext, pdf: Path, dossier: Any, doc: Any, pages: int) -> int:
    from sohoa.outbox.metadata import DocumentMetadata

    meta = DocumentMetadata(
        dossier_code=dossier.code,
        kind=doc.kind,
        title=doc.title,
        procedure_code=dossier.procedure_code,
        component_code=doc.component_code,
        result_code=doc.result_code,
        owner_id=dossier.owner_id,
        owner_type=dossier.owner_type.value,
        page_count=pages,
        filename=pdf.name,
    )
    box = outbox(ctx)
    try:
        return int(box.enqueue(pdf, meta.validated(ctx.profile), document_id=doc.id))
    finally:
        box.close()


def finish_dossier(
    ctx: AppContext,
    dossier: Any,
    documents: list[tuple[Any, list[ScannedPage]]],
    pin: str | None,
    progress: ProgressLike,
) -> list[DocOutcome]:
    """Save, build each document's PDF/A, sign them all with one PIN, and queue them.

    Without a PIN the documents stop at "processed" and wait for a supervisor's batch signing.
    """
    with ctx.for_worker() as wctx:
        return _finish(wctx, dossier, documents, pin, progress)


def _finish(
    ctx: AppContext,
    dossier: Any,
    documents: list[tuple[Any, list[ScannedPage]]],
    pin: str | None,
    progress: ProgressLike,
) -> list[DocOutcome]:
    from sohoa.core.model import Page

    dossier.documents = []
    for doc, pages in documents:
        doc.pages = [Page(file=p.file, dpi=p.dpi) for p in pages]
        dossier.documents.append(doc)
    ctx.store.save_dossier(dossier)
    out_dir = documents_dir(ctx, dossier.id)
    work = out_dir / "work"
    work.mkdir(exist_ok=True)
    outcomes: list[DocOutcome] = []
    total_pages = sum(len(p) for _, p in documents)
    done_pages = 0
    for n, (doc, pages) in enumerate(documents, start=1):
        check_cancel(progress)
        pdf = out_dir / f"{n:02d}-{doc.kind.value}.pdf"
        flags = process_pages(
            ctx,
            _upright_inputs(pages, work),
            pdf,
            {
                "title": doc.title,
                "dossier_code": dossier.code,
                "document_kind": doc.kind.value,
                "result_code": doc.result_code,
                "author": ctx.settings.general.agency_name,
            },
            Offset(progress, done_pages, total_pages),
        )
        done_pages += len(pages)
        ctx.store.set_state(doc.id, DocState.PROCESSED, file=pdf)
        ctx.store.record_event(
            "digitized",
            dossier_id=dossier.id,
            document_id=doc.id,
            procedure_code=dossier.procedure_code,
            pages=len(pages),
            clerk=ctx.clerk,
        )
        outcomes.append(DocOutcome(doc.id, doc.title, "processed", pdf=pdf, flags=flags))
    if pin is None:
        return outcomes
    check_cancel(progress)
    signed = sign_files(ctx, [o.pdf for o in outcomes if o.pdf], out_dir / "signed", pin, progress)
    for outcome, (_src, dst, reason) in zip(outcomes, signed, strict=True):
        doc = next(d for d in dossier.documents if d.id == outcome.document_id)
        _after_signing(ctx, dossier, doc, outcome, dst, reason)
    return outcomes


def _after_signing(
    ctx: AppContext, dossier: Any, doc: Any, outcome: DocOutcome, signed: Path | None, reason: str
) -> None:
    if signed is None:
        outcome.status, outcome.message = "failed", reason
        return
    ctx.store.set_state(doc.id, DocState.SIGNED, signed_file=signed)
    ctx.store.record_event(
        "signed",
        dossier_id=dossier.id,
        document_id=doc.id,
        procedure_code=dossier.procedure_code,
        clerk=ctx.clerk,
    )
    outcome.status, outcome.pdf = "signed", signed
    try:
        item = enqueue(ctx, signed, dossier, doc, len(doc.pages))
    except SoHoaError as e:
        outcome.message = e.message()
        return
    ctx.store.set_state(doc.id, DocState.QUEUED, outbox_item=item)
    outcome.status = "queued"


# -- batch signing ---------------------------------------------------------------------------------
@dataclass
class PendingResult:
    document_id: str
    dossier_id: str
    dossier_code: str
    procedure_code: str
    title: str
    kind: str
    clerk: str
    day: str
    pdf: Path
    pages: int


def pending_results(
    ctx: AppContext, start: date, end: date, procedure: str = "", clerk: str = ""
) -> list[PendingResult]:
    """Documents processed but not yet signed (status "processed"), newest first."""
    sql = (
        "SELECT d.id, d.dossier_id, s.code, s.procedure_code, d.title, d.kind, "
        "COALESCE(e.clerk, ''), date(COALESCE(e.at, s.created_at), 'localtime') AS day, d.file, "
        "COALESCE(e.pages, 0) FROM documents d JOIN dossiers s ON s.id = d.dossier_id "
        "LEFT JOIN events e ON e.document_id = d.id AND e.kind = 'digitized' "
        "WHERE d.state = 'processed' AND day BETWEEN ? AND ?"
    )
    args: list[Any] = [start.isoformat(), end.isoformat()]
    if procedure:
        sql += " AND s.procedure_code = ?"
        args.append(procedure)
    if clerk:
        sql += " AND e.clerk = ?"
        args.append(clerk)
    sql += " ORDER BY day DESC, s.code, d.position"
    return [
        PendingResult(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Path(r[8] or ""), r[9])
        for r in ctx.store.conn.execute(sql, args)
    ]


def clerks_seen(ctx: AppContext) -> list[str]:
    return [
        r[0] for r in ctx.store.conn.execute("SELECT DISTINCT clerk FROM events WHERE clerk != '' ORDER BY 1")
    ]


def sign_pending(
    ctx: AppContext, results: list[PendingResult], pin: str, progress: ProgressLike
) -> list[DocOutcome]:
    """The supervisor's batch: one PIN, one token session, an outcome per document; signed ones queued."""
    with ctx.for_worker() as wctx:
        return _sign_pending(wctx, results, pin, progress)


def _sign_pending(
    ctx: AppContext, results: list[PendingResult], pin: str, progress: ProgressLike
) -> list[DocOutcome]:
    outcomes = [DocOutcome(r.document_id, r.title, "pending", pdf=r.pdf) for r in results]
    by_source = {r.pdf: (r, o) for r, o in zip(results, outcomes, strict=True)}
    missing = [o for r, o in zip(results, outcomes, strict=True) if not r.pdf.is_file()]
    for o in missing:
        o.status, o.message = "failed", FILE_MISSING.render(None, path=str(o.pdf))
    todo = [r.pdf for r in results if r.pdf.is_file()]
    if not todo:
        return outcomes
    out_dir = ctx.paths.data / "documents" / "signed"
    out_dir.mkdir(parents=True, exist_ok=True)
    signed = sign_files(ctx, todo, out_dir, pin, progress)
    dossiers: dict[str, Any] = {}
    for src, dst, reason in signed:
        r, o = by_source[src]
        if r.dossier_id not in dossiers:
            dossiers[r.dossier_id] = ctx.store.load_dossier(r.dossier_id)
        dossier = dossiers[r.dossier_id]
        doc = next(d for d in dossier.documents if d.id == r.document_id)
        if dst is None and not reason:
            o.status = "pending"  # the token went away before this one: untouched
            continue
        _after_signing(ctx, dossier, doc, o, dst, reason)
    return outcomes


FILE_MISSING = Text(
    vi="Không tìm thấy tệp {path}; hãy số hóa lại tài liệu này.",
    en="The file {path} is missing; digitize this document again.",
)
