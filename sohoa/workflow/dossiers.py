"""Dossiers at the counter: a new dossier, its documents made of scanned pages or files, what it holds.

``sohoa dossier new|add|show`` and the desktop app's counter both call these; the draft the app
edits (:mod:`sohoa.workflow.draft`) is saved through :func:`save_draft`.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.core.errors import InputError
from sohoa.core.lifecycle import DocumentNotFound
from sohoa.core.model import Document, DocumentKind, Dossier, OwnerType, Page
from sohoa.core.progress import Progress
from sohoa.core.store import DocumentRecord
from sohoa.workflow import register
from sohoa.workflow.context import Workspace
from sohoa.workflow.draft import DossierDraft

# The CLI's words for document kinds (the portal's "earlier result" is the model's component-result).
KIND_NAMES: dict[str, DocumentKind] = {
    "result": DocumentKind.RESULT,
    "processing-result": DocumentKind.PROCESSING_RESULT,
    "earlier-result": DocumentKind.COMPONENT_RESULT,
    "component": DocumentKind.COMPONENT,
    "rejection": DocumentKind.REJECTION,
}
KIND_OF_NAME = {v: k for k, v in KIND_NAMES.items()}


def kind_name(kind: DocumentKind | str) -> str:
    return KIND_OF_NAME.get(DocumentKind(kind), str(kind))


def new_dossier(
    ws: Workspace,
    *,
    code: str,
    procedure_code: str,
    owner_type: str,
    owner_id: str,
    owner_name: str,
    procedure_name: str = "",
    received: date | None = None,
    legacy: bool = False,
) -> Dossier:
    """Validate (province profile) and save a new, empty dossier.

    ``legacy``: a backlog result's dossier, as the backlog screen makes it: ``code`` is the paper's
    own numbering, or empty, and the register counts it as backlog, not as a dossier received.
    """
    dossier = Dossier(
        code=code,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        owner_type=OwnerType(owner_type),
        owner_id=owner_id,
        owner_name=owner_name,
        received_date=received or date.today(),
        legacy=legacy,
    ).validated(ws.profile)
    ws.store.save_dossier(dossier)
    channel = register.BACKLOG if legacy else register.COUNTER
    register.record_received(ws.store, dossier, profile=ws.profile, channel=channel)  # even with no scan
    return dossier


def load(ws: Workspace, dossier_id: str) -> Dossier:
    if ws.store.db["dossiers"].count_where("id = ?", [dossier_id]) == 0:
        raise DocumentNotFound(document=dossier_id)
    return ws.store.load_dossier(dossier_id)


def add_document(
    ws: Workspace,
    dossier_id: str,
    files: list[Path],
    *,
    kind: DocumentKind | str,
    title: str = "",
    result_code: str = "",
    component_code: str = "",
    issue_date: date | None = None,
    valid_until: date | None = None,
    progress: Progress | None = None,
) -> DocumentRecord:
    """Add one document made of ``files`` (images or PDFs, every page in order) to a saved dossier.

    The pages are copied into the dossier's own page folder first, so the document never depends
    on files outside the app's data folder. The fields are checked before any page is copied, so
    a refused document leaves nothing behind. ``issue_date``/``valid_until`` go to the repository
    as NgayCap/ThoiHanHieuLuc (``None``: not known / no time limit).
    """
    from sohoa.capture.importer import import_files

    dossier = load(ws, dossier_id)
    if not files:
        raise InputError(path="-", detail="no file given")
    kind = KIND_NAMES.get(str(kind)) or DocumentKind(kind)
    doc = Document(
        kind=kind,
        title=title,
        result_code=result_code,
        component_code=component_code,
        issue_date=issue_date,
        valid_until=valid_until,
    )
    dossier.documents.append(doc)
    dossier.validated(ws.profile)  # before the copy: a wrong code or date leaves no pages behind
    folder = ws.store.page_dir(dossier_id) / doc.id
    try:
        scanned = import_files([Path(f) for f in files], folder, cancel=progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    doc.pages = [Page(file=p.path, dpi=p.dpi) for p in scanned]
    ws.store.save_dossier(dossier)
    return ws.store.document(doc.id)


def save_draft(ws: Workspace, draft: DossierDraft) -> Dossier:
    """Validate and save the clerk's draft (documents keep their ids, so their states stay)."""
    dossier = draft.to_model().validated(ws.profile)
    ws.store.save_dossier(dossier)
    return dossier


def show(ws: Workspace, dossier_id: str) -> dict[str, Any]:
    """The dossier and each document's lifecycle, as ``sohoa dossier show --json`` prints it."""
    dossier = load(ws, dossier_id)
    records = {r.id: r for r in ws.store.documents(dossier_id=dossier_id)}
    documents = []
    for doc in dossier.documents:
        entry = records[doc.id].to_json()
        entry["kind"] = kind_name(doc.kind)
        entry["component_code"] = doc.component_code
        entry["issue_date"] = doc.issue_date.isoformat() if doc.issue_date else None
        entry["valid_until"] = doc.valid_until.isoformat() if doc.valid_until else None
        documents.append(entry)
    return {
        "id": dossier.id,
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "owner_type": dossier.owner_type.value,
        "owner_id": dossier.owner_id,
        "owner_name": dossier.owner_name,
        "received": dossier.received_date.isoformat(),
        "legacy": dossier.legacy,
        "documents": documents,
    }
