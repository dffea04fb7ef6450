"""Reuse ("once-only"): find a citizen's documents already in the repository and attach them.

A clerk types the owner's ID number; the repository lists the documents it already
holds for that owner, and the clerk attaches the ones the new dossier needs instead
of scanning the paper again. The attachment is recorded in the local store (with
the file, downloaded and checked against its SHA-256).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sohoa.core.config import Repository
from sohoa.core.errors import NetworkError, ValidationError
from sohoa.core.fsutil import atomic_write_bytes
from sohoa.core.i18n import Text
from sohoa.core.identifiers import mask_id, validate_owner_id
from sohoa.core.store import Store
from sohoa.outbox.client import Permanent, RepositoryClient, Transient, validate_remote_id
from sohoa.outbox.errors import UnsafeRemoteId
from sohoa.outbox.sync import client_factory

log = logging.getLogger(__name__)


class LookupFailed(NetworkError):
    text = Text(
        vi="Không tra cứu được kho dữ liệu: {detail}. Hãy kiểm tra kết nối mạng rồi thử lại.",
        en="The repository look-up failed: {detail}. Check the network connection and try again.",
    )


class DownloadMismatch(NetworkError):
    text = Text(
        vi="Tài liệu {doc} tải về không khớp mã SHA-256 đã lưu trong kho. Không đính kèm; hãy thử lại.",
        en="The downloaded document {doc} does not match its SHA-256 in the repository. Not attached; try again.",
    )


@dataclass(frozen=True)
class RemoteDocument:
    """A document the repository holds (what the reuse list shows)."""

    remote_id: str
    dossier_code: str
    kind: str
    title: str
    result_code: str
    procedure_code: str
    component_code: str
    sha256: str
    size: int
    page_count: int
    signer: str
    stored_at: str
    issue_date: str = ""  # NgayCap (ISO) when the repository says, else ""
    valid_until: str = ""  # ThoiHanHieuLuc (ISO); "": no limit or not said

    @classmethod
    def from_api(cls, doc: dict[str, Any]) -> RemoteDocument:
        m = doc["metadata"]
        return cls(
            remote_id=validate_remote_id(doc.get("id")),
            dossier_code=m.get("MaHoSo", ""),
            kind=m.get("kind", ""),
            title=m.get("TenGiayTo", ""),
            result_code=m.get("MaGiayToKetQua", ""),
            procedure_code=m.get("MaTTHC", ""),
            component_code=m.get("MaThanhPhanHoSo", ""),
            sha256=doc["sha256"],
            size=int(doc["size"]),
            page_count=int(m.get("page_count", 0)),
            signer=m.get("signer", ""),
            stored_at=datetime.fromtimestamp(doc["created_at"], UTC).isoformat(timespec="seconds"),
            issue_date=_day(m.get("NgayCap")),
            valid_until=_day(m.get("ThoiHanHieuLuc")),
        )


def _day(value: object) -> str:
    """An ISO day from the repository, or "" (not given, or not a day: never shown as one)."""
    try:
        return date.fromisoformat(str(value)).isoformat() if value else ""
    except ValueError:
        return ""


def _owner_type(owner_id: str) -> str:
    return "person" if len(owner_id.strip()) == 12 else "organisation"


def lookup_owner(
    settings: Repository, owner_id: str, client: RepositoryClient | None = None
) -> list[RemoteDocument]:
    """The documents the repository holds for ``owner_id`` (a personal ID or a tax code)."""
    owner_id = validate_owner_id(owner_id, _owner_type(owner_id))
    client = client or client_factory(settings)()
    try:
        docs = client.lookup(owner_id=owner_id)
    except (Transient, Permanent) as e:
        raise LookupFailed(detail=getattr(e, "vi", str(e)) if _vi() else str(e)) from e
    log.info("look-up for owner %s: %d documents", mask_id(owner_id), len(docs))
    return [RemoteDocument.from_api(d) for d in docs]


def _vi() -> bool:
    from sohoa.core.i18n import language

    return language() == "vi"


def attach_to_dossier(
    store: Store, dossier_id: str, doc: RemoteDocument, client: RepositoryClient, download: bool = True
) -> str:
    """Record ``doc`` as reused in ``dossier_id`` (downloading and checking its file); return the row id."""
    if not store.db["dossiers"].count_where("id = ?", [dossier_id]):
        raise ValidationError(
            Text(
                vi="Không có hồ sơ {dossier} trên máy này",
                en="There is no dossier {dossier} on this workstation",
            ),
            dossier=dossier_id,
        )
    path: Path | None = None
    if download:
        try:
            data = client.download(doc.remote_id)
        except (Transient, Permanent) as e:
            raise LookupFailed(detail=str(e)) from e
        if hashlib.sha256(data).hexdigest() != doc.sha256:
            raise DownloadMismatch(doc=doc.remote_id)
        path = _inside(store.page_dir(dossier_id), f"reused-{validate_remote_id(doc.remote_id)}.pdf")
        atomic_write_bytes(path, data)
    row_id = uuid.uuid4().hex
    store.db["attachments"].insert(
        {
            "id": row_id,
            "dossier_id": dossier_id,
            "remote_id": doc.remote_id,
            "source_dossier_code": doc.dossier_code,
            "kind": doc.kind,
            "title": doc.title,
            "result_code": doc.result_code,
            "sha256": doc.sha256,
            "file": str(path) if path else "",
            "attached_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    store.record_event("reused", dossier_id=dossier_id, document_id=doc.remote_id, pages=doc.page_count)
    return row_id


def _inside(folder: Path, name: str) -> Path:
    """``folder/name``, refused unless it resolves inside ``folder`` (ids come from a server)."""
    root = folder.resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise UnsafeRemoteId(value=name[:80])
    return path


def attachments(store: Store, dossier_id: str) -> list[dict[str, Any]]:
    """The reused documents of a dossier, in the order they were attached."""
    return list(store.db["attachments"].rows_where("dossier_id = ?", [dossier_id], order_by="attached_at"))
