"""Finishing a dossier: process -> sign -> queue, and the supervisor's batch signing of pending results.

The one home of this work: the desktop app (counter, backlog, batch signing), ``sohoa dossier
finish``, ``sohoa sign-pending`` and the demo all call these functions. Every signing setting is
honoured (:meth:`SignOptions.from_config`), every state change goes through the lifecycle
(:mod:`sohoa.core.lifecycle`), and a document is signed only while it is ``processed``: signing
the same results twice signs nothing the second time.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sohoa.core.errors import CancelledError, SoHoaError
from sohoa.core.i18n import Text
from sohoa.core.lifecycle import AlreadySigned, DocState, can_sign
from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.progress import NullProgress, Offset, Progress, check_cancel
from sohoa.core.store import DocumentRecord
from sohoa.workflow import register
from sohoa.workflow.context import Workspace

if TYPE_CHECKING:
    from sohoa.workflow.page_cache import PageCache

log = logging.getLogger(__name__)

SignWhat = Literal["all", "none", "components"]
# What a supervisor signs (results); the clerk's token signs the rest (components) at the counter.
RESULT_KINDS = frozenset({DocumentKind.RESULT, DocumentKind.PROCESSING_RESULT, DocumentKind.REJECTION})

FILE_MISSING = Text(
    vi="Không tìm thấy tệp {path}; hãy số hóa lại tài liệu này.",
    en="The file {path} is missing; digitize this document again.",
)


@dataclass
class DocOutcome:
    """What happened to one document of a dossier or of a signing batch."""

    document_id: str
    title: str
    status: str  # a DocState value, or "pending" (the token left before this one)
    message: str = ""
    pdf: Path | None = None
    flags: dict[int, list[str]] = field(default_factory=dict)  # page index -> flags from processing
    skipped: bool = False  # not signed now because it already was (or is not ready): nothing was done

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "title": self.title,
            "state": self.status,
            "message": self.message,
            "file": str(self.pdf) if self.pdf else None,
            "skipped": self.skipped,
        }


# -- processing -------------------------------------------------------------------------------
def _appendix_vi(ws: Workspace, dossier: Dossier, doc: Document):  # type: ignore[no-untyped-def]
    """Decree 30 Appendix VI of ``doc`` (sohoa.core.appendix6), for the XMP and the upload."""
    from sohoa.core.appendix6 import for_dossier_document

    return for_dossier_document(dossier, doc, ws.profile, ws.settings.general.agency_name)


def _upright_inputs(doc: Document, work: Path) -> list[Path]:
    """The page files with the clerk's rotations applied (copies; the scans stay as they were)."""
    from PIL import Image

    out = []
    for page in doc.pages:
        if not page.rotation:
            out.append(page.file)
            continue
        target = work / f"{page.file.stem}.{page.id[:8]}.r{page.rotation}.png"
        with Image.open(page.file) as im:
            dpi = im.info.get("dpi", (page.dpi, page.dpi))
            im.rotate(-page.rotation, expand=True).save(target, compress_level=1, dpi=dpi)
        out.append(target)
    return out


def _options_and_metadata(ws: Workspace, metadata: dict[str, Any]) -> tuple[Any, Any]:
    """The ``[processing]`` options and the PDF's metadata, the same for both ways of building it."""
    from sohoa.processing import PdfMetadata, ProcessOptions

    options = ProcessOptions.from_config(ws.settings.processing)
    meta = PdfMetadata(**{k: v for k, v in metadata.items() if k in PdfMetadata.__dataclass_fields__})
    return options, meta


def process_pages(
    ws: Workspace,
    inputs: list[Path],
    out_pdf: Path,
    metadata: dict[str, Any],
    progress: Progress | None = None,
) -> dict[int, list[str]]:
    """Build one PDF/A with the pipeline, options from ``[processing]``; return page flags by index."""
    from sohoa.processing import process_document

    options, meta = _options_and_metadata(ws, metadata)
    report = process_document(inputs, out_pdf, options, meta, progress=progress)
    return {i: list(p.flags) for i, p in enumerate(report.pages)}


def assemble_pages(
    ws: Workspace,
    cache: PageCache,
    doc: Document,
    out_pdf: Path,
    metadata: dict[str, Any],
    progress: Progress | None = None,
) -> dict[int, list[str]]:
    """Build one PDF/A from the pages processed as they landed (waits only for those in flight)."""
    from sohoa.processing.single import assemble

    options, meta = _options_and_metadata(ws, metadata)
    results = cache.results([(p.file, p.rotation) for p in doc.pages], options, progress, progress)
    report = assemble(results, out_pdf, meta)
    return {i: list(p.flags) for i, p in enumerate(report.pages)}


def process_document_of(
    ws: Workspace,
    dossier: Dossier,
    doc: Document,
    number: int,
    progress: Progress | None = None,
    cache: PageCache | None = None,
) -> DocOutcome:
    """Build the PDF/A of one scanned document; it becomes ``processed`` (or ``failed``, re-raised).

    With ``cache`` (the dossier's pages processed as they landed) the PDF/A is only assembled.
    """
    out_dir = ws.documents_dir(dossier.id)
    pdf = out_dir / f"{number:02d}-{doc.kind.value}.pdf"
    metadata = {
        "title": doc.title,
        "dossier_code": dossier.code,
        "document_kind": doc.kind.value,
        "result_code": doc.result_code,
        "author": ws.settings.general.agency_name,
        "appendix_vi": _appendix_vi(ws, dossier, doc).to_xmp(),
    }
    try:
        if cache is not None:
            flags = assemble_pages(ws, cache, doc, pdf, metadata, progress)
        else:
            work = out_dir / "work"
            work.mkdir(exist_ok=True)
            flags = process_pages(ws, _upright_inputs(doc, work), pdf, metadata, progress)
    except CancelledError:
        raise
    except SoHoaError as e:
        ws.store.set_state(doc.id, DocState.FAILED, reason=str(e))
        raise
    ws.store.set_state(doc.id, DocState.PROCESSED, file=pdf)
    ws.store.record_event(
        "digitized",
        dossier_id=dossier.id,
        document_id=doc.id,
        procedure_code=dossier.procedure_code,
        pages=len(doc.pages),
        clerk=ws.clerk,
    )
    return DocOutcome(doc.id, doc.title, DocState.PROCESSED.value, pdf=pdf, flags=flags)


# -- signing and queueing ------------------------------------------------------------------------
def enqueue(ws: Workspace, pdf: Path, dossier: Dossier, doc: Document, pages: int) -> int:
    """Put one signed file in the outbox with the portal's metadata and the document's id."""
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
        appendix_vi=_appendix_vi(ws, dossier, doc).to_wire(),
        issue_date=doc.issue_date.isoformat() if doc.issue_date else "",
        valid_until=doc.valid_until.isoformat() if doc.valid_until else "",
        legacy=dossier.legacy,
    )
    box = ws.outbox()
    try:
        return int(box.enqueue(pdf, meta.validated(ws.profile), document_id=doc.id))
    finally:
        box.close()


def sign_and_queue(
    ws: Workspace, records: list[DocumentRecord], pin: str, progress: Progress | None = None
) -> list[DocOutcome]:
    """Sign every ``processed`` document of ``records`` in one token session, then queue each.

    Documents already signed (any later state) are not signed again: their outcome says so.
    Token, PIN and certificate problems raise before anything is signed.
    """
    from sohoa.signing.batch import sign_documents
    from sohoa.signing.options import TokenChoice
    from sohoa.signing.pades import SignOptions

    progress = progress or NullProgress()
    outcomes: dict[str, DocOutcome] = {}
    todo: list[DocumentRecord] = []
    for rec in records:
        rec = ws.store.document(rec.id)  # the state now, not when the list was shown
        out = outcomes[rec.id] = DocOutcome(
            rec.id, rec.title, rec.state.value, pdf=rec.signed_file or rec.file
        )
        if not can_sign(rec.state):
            out.skipped = True
            out.message = (
                AlreadySigned(document=rec.title or rec.id).message() if rec.state != DocState.SCANNED else ""
            )
            continue
        if rec.file is None or not rec.file.is_file():
            out.status, out.message = (
                DocState.FAILED.value,
                FILE_MISSING.render(None, path=str(rec.file or "?")),
            )
            continue  # stays processed (still waiting): digitized again, or its file restored
        todo.append(rec)
    if not todo:
        return [outcomes[r.id] for r in records]
    check_cancel(progress)
    cfg = ws.settings.signing
    token = TokenChoice.from_config(cfg)
    options = SignOptions.from_config(cfg, ws.settings.general)
    result = sign_documents(
        [r.file for r in todo if r.file is not None],
        None,  # NAME.signed.pdf beside each PDF/A: unique per dossier folder
        module=token.module,
        token_label=token.label,
        token_serial=token.serial,
        pin=pin,
        cert_id=token.cert_id,
        options=options,
        progress=progress,
    )
    for warning in result.warnings:
        log.warning("signing: %s", warning)
    stopped = result.stopped.message() if result.stopped is not None else ""
    dossiers: dict[str, Dossier] = {}
    for rec, signed in zip(todo, result.documents, strict=True):
        out = outcomes[rec.id]
        if signed.status == "pending":
            out.status, out.message = "pending", stopped
            continue
        if signed.status != "signed" or signed.output is None:
            out.status, out.message = (
                DocState.FAILED.value,
                signed.message(),
            )  # stays processed: may be retried
            continue
        if rec.dossier_id not in dossiers:
            dossiers[rec.dossier_id] = ws.store.load_dossier(rec.dossier_id)
        _after_signing(ws, dossiers[rec.dossier_id], rec, out, signed.output)
    return [outcomes[r.id] for r in records]


def _after_signing(
    ws: Workspace, dossier: Dossier, rec: DocumentRecord, out: DocOutcome, signed: Path
) -> None:
    try:
        ws.store.set_state(rec.id, DocState.SIGNED, signed_file=signed)
    except AlreadySigned as e:  # another window or process signed it meanwhile: keep theirs
        with contextlib.suppress(OSError):
            signed.unlink()
        out.status, out.message = ws.store.document(rec.id).state.value, e.message()
        return
    ws.store.record_event(
        "signed",
        dossier_id=dossier.id,
        document_id=rec.id,
        procedure_code=dossier.procedure_code,
        clerk=ws.clerk,
    )
    out.status, out.pdf = DocState.SIGNED.value, signed
    doc = next(d for d in dossier.documents if d.id == rec.id)
    try:
        item = enqueue(ws, signed, dossier, doc, len(doc.pages))
    except SoHoaError as e:
        out.message = e.message()  # stays signed; "sohoa dossier finish" queues it next time
        return
    ws.store.set_state(rec.id, DocState.QUEUED, outbox_item=item)
    out.status = DocState.QUEUED.value


def queue_signed(ws: Workspace, dossier: Dossier) -> list[DocOutcome]:
    """Queue the documents left ``signed`` (the outbox could not take them last time)."""
    outcomes = []
    for rec in ws.store.documents(dossier_id=dossier.id, states=[DocState.SIGNED]):
        out = DocOutcome(rec.id, rec.title, rec.state.value, pdf=rec.signed_file)
        doc = next(d for d in dossier.documents if d.id == rec.id)
        try:
            item = enqueue(ws, rec.signed_file or Path("?"), dossier, doc, len(doc.pages))
        except SoHoaError as e:
            out.message = e.message()
        else:
            ws.store.set_state(rec.id, DocState.QUEUED, outbox_item=item)
            out.status = DocState.QUEUED.value
        outcomes.append(out)
    return outcomes


# -- finishing a dossier ----------------------------------------------------------------------
def finish(
    ws: Workspace,
    dossier_id: str,
    pin: str | None,
    progress: Progress | None = None,
    sign: SignWhat = "all",
    cache: PageCache | None = None,
) -> list[DocOutcome]:
    """Process every scanned document, sign (per ``sign``) and queue: one outcome per document.

    Without a PIN (or with ``sign="none"``) documents stop at ``processed`` and wait for a
    supervisor's batch signing; ``sign="components"`` leaves the results for the supervisor.
    With ``cache`` (:mod:`sohoa.workflow.page_cache`), pages processed as they landed are only
    assembled; a page not processed yet (or edited since) is processed now.
    """
    progress = progress or NullProgress()
    dossier = ws.store.load_dossier(dossier_id)
    register.ensure_received(ws.store, dossier_id, ws.profile)  # counted even if processing fails below
    records = {r.id: r for r in ws.store.documents(dossier_id=dossier_id)}
    to_process = [d for d in dossier.documents if records[d.id].state in (DocState.SCANNED, DocState.FAILED)]
    total = sum(len(d.pages) for d in to_process)
    outcomes: dict[str, DocOutcome] = {}
    done = 0
    for doc in to_process:
        check_cancel(progress)
        number = dossier.documents.index(doc) + 1
        outcomes[doc.id] = process_document_of(
            ws, dossier, doc, number, Offset(progress, done, total), cache=cache
        )
        done += len(doc.pages)
    for out in queue_signed(ws, dossier):
        outcomes[out.document_id] = out
    if pin is not None and sign != "none":
        check_cancel(progress)
        chosen = [
            r
            for r in ws.store.documents(dossier_id=dossier_id, states=[DocState.PROCESSED])
            if sign == "all" or DocumentKind(r.kind) not in RESULT_KINDS
        ]
        for out in sign_and_queue(ws, chosen, pin, progress):
            old = outcomes.get(out.document_id)
            if old is not None:
                out.flags = old.flags
            outcomes[out.document_id] = out
    for doc in dossier.documents:
        if doc.id not in outcomes:
            rec = ws.store.document(doc.id)
            outcomes[doc.id] = DocOutcome(doc.id, doc.title, rec.state.value, pdf=rec.signed_file or rec.file)
    register.record_finished(ws.store, dossier, profile=ws.profile)  # the monthly report's register
    return [outcomes[d.id] for d in dossier.documents]


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.document_id,
            "dossier": self.dossier_id,
            "dossier_code": self.dossier_code,
            "procedure": self.procedure_code,
            "title": self.title,
            "kind": self.kind,
            "day": self.day,
        }


def pending_results(
    ws: Workspace,
    start: date | None = None,
    end: date | None = None,
    procedure: str = "",
    clerk: str = "",
) -> list[PendingResult]:
    """Documents processed and waiting for a signature, newest first (local days, both ends included)."""
    sql = (
        "SELECT d.id, d.dossier_id, s.code, s.procedure_code, d.title, d.kind, "
        "COALESCE(e.clerk, ''), date(COALESCE(e.at, s.created_at), 'localtime') AS day, d.file, "
        "COALESCE(e.pages, 0) FROM documents d JOIN dossiers s ON s.id = d.dossier_id "
        "LEFT JOIN events e ON e.document_id = d.id AND e.kind = 'digitized' "
        "WHERE d.state = 'processed' AND day BETWEEN ? AND ?"
    )
    args: list[Any] = [(start or date.min).isoformat(), (end or date.max).isoformat()]
    if procedure:
        sql += " AND s.procedure_code = ?"
        args.append(procedure)
    if clerk:
        sql += " AND e.clerk = ?"
        args.append(clerk)
    sql += " GROUP BY d.id ORDER BY day DESC, s.code, d.position"
    return [
        PendingResult(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Path(r[8] or ""), r[9])
        for r in ws.store.conn.execute(sql, args)
    ]


def clerks_seen(ws: Workspace) -> list[str]:
    return [
        r[0] for r in ws.store.conn.execute("SELECT DISTINCT clerk FROM events WHERE clerk != '' ORDER BY 1")
    ]


def sign_pending(
    ws: Workspace, results: list[PendingResult], pin: str, progress: Progress | None = None
) -> list[DocOutcome]:
    """The supervisor's batch: one PIN, one token session, an outcome per document; signed ones queued.

    The states are read again now: a result signed since the list was shown is not signed twice.
    """
    return sign_and_queue(ws, [ws.store.document(r.document_id) for r in results], pin, progress)
