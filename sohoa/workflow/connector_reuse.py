"""Reuse and dossier sync through the province's connector, recorded in the dossier register.

find_results(connector, dossier)                  -> the owner's results the repository holds
attach_result(store, connector, dossier_id, found) -> the file kept locally, the document marked
                                                      reused (MaKetQuaThayThe) for the report
sync_dossier(store, connector, dossier_id, profile) -> DongBoHoSoMC (portal) or nothing (reference)

The connector (reference API or portal vocabulary) is chosen by the province profile
(:func:`sohoa.outbox.connectors.connector_for`); this module speaks only SoHoa's records.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime

from sohoa.core.fsutil import atomic_write_bytes
from sohoa.core.model import DocumentKind, Dossier
from sohoa.core.province import ProvinceProfile
from sohoa.core.store import Store
from sohoa.outbox.connectors.base import (
    DossierRecord,
    FoundResult,
    IssuedResult,
    RemoteFile,
    RepositoryConnector,
    ResultQuery,
    SubmittedDocument,
    SyncReceipt,
)
from sohoa.workflow import register
from sohoa.workflow.register import Component, ComponentState

log = logging.getLogger(__name__)


def find_results(
    connector: RepositoryConnector,
    dossier: Dossier,
    wanted: tuple[tuple[str, str], ...] = (),
    requester_name: str = "",
) -> list[FoundResult]:
    """The owner's digitized results the repository holds, asked for this dossier's procedure."""
    return connector.find_results(
        ResultQuery(
            owner_id=dossier.owner_id,
            procedure_code=dossier.procedure_code,
            requester_name=requester_name or dossier.owner_name,
            wanted=wanted,
        )
    )


def _ensure_registered(store: Store, dossier_id: str, profile: ProvinceProfile | None) -> Dossier:
    dossier = store.load_dossier(dossier_id)
    if not store.db["register_dossiers"].count_where("dossier_id = ?", [dossier_id]):
        register.record_received(store, dossier, profile=profile)
    return dossier


def attach_result(
    store: Store,
    connector: RepositoryConnector,
    dossier_id: str,
    found: FoundResult,
    *,
    component_code: str = "",
    file: RemoteFile | None = None,
    profile: ProvinceProfile | None = None,
) -> Component:
    """Fetch ``found``'s file, keep it with the dossier, and mark the needed document reused."""
    dossier = _ensure_registered(store, dossier_id, profile)
    file = file or (found.files[0] if found.files else None)
    path = ""
    sha = found.sha256
    if file is not None:
        data = connector.fetch(found, file)
        sha = hashlib.sha256(data).hexdigest()
        target = store.page_dir(dossier.id) / f"reused-{sha[:32]}.pdf"  # our name, never the server's
        atomic_write_bytes(target, data)
        path = str(target)
    store.db["attachments"].insert(
        {
            "id": uuid.uuid4().hex,
            "dossier_id": dossier.id,
            "remote_id": found.remote_id,
            "source_dossier_code": "",
            "kind": DocumentKind.COMPONENT_RESULT.value,
            "title": found.title,
            "result_code": found.result_code,
            "sha256": sha,
            "file": path,
            "attached_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    comp = register.mark_component(
        store,
        dossier.id,
        component_code=component_code,
        title=found.title,
        state=ComponentState.REUSED,
        replacing_result=found.result_code,
        remote_id=found.remote_id,
        from_national=found.from_national,
    )
    store.record_event(
        "reused", dossier_id=dossier.id, document_id=found.remote_id, procedure_code=dossier.procedure_code
    )
    log.info("dossier %s: reused %s through %s", dossier.code, found.result_code, connector.name)
    return comp


def dossier_record(store: Store, dossier_id: str, profile: ProvinceProfile | None = None) -> DossierRecord:
    """The dossier sync's record: the register's documents with their flags, the issued results."""
    dossier = _ensure_registered(store, dossier_id, profile)
    entry = register.load(store, dossier_id)
    docs = {d.id: d for d in dossier.documents}
    submitted = [
        SubmittedDocument(
            document_id=c.document_id or c.remote_id or c.id,
            title=c.title or (docs[c.document_id].title if c.document_id in docs else ""),
            component_code=c.component_code,
            digitized=c.state is ComponentState.DIGITIZED,
            reused=c.state is ComponentState.REUSED,
            from_national=c.from_national,
            replacing_result=c.replacing_result,
        )
        for c in entry.components
    ]
    results = [
        IssuedResult(
            document_id=d.id, title=d.title, component_code=d.component_code, result_code=d.result_code
        )
        for d in dossier.documents
        if d.kind is DocumentKind.RESULT and d.result_code
    ]
    return DossierRecord(
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        owner_name=dossier.owner_name,
        owner_type=str(dossier.owner_type),
        owner_id=dossier.owner_id,
        received_at=datetime(
            dossier.received_date.year, dossier.received_date.month, dossier.received_date.day, tzinfo=UTC
        ),
        unit=entry.unit,
        summary=dossier.procedure_name,
        status="finished" if entry.finished else "received",
        documents=submitted,
        results=results,
    )


def sync_dossier(
    store: Store, connector: RepositoryConnector, dossier_id: str, profile: ProvinceProfile | None = None
) -> SyncReceipt:
    """Send the dossier with its digitization and reuse flags (the portal's DongBoHoSoMC)."""
    receipt = connector.sync_dossier(dossier_record(store, dossier_id, profile))
    log.info("dossier %s synced through %s (skipped: %s)", dossier_id, connector.name, receipt.skipped)
    return receipt
