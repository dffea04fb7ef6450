"""The reference repository's connector: today's API (docs/repository-api.md) through RepositoryClient.

Reuse look-up is ``GET /api/v1/documents?owner_id=`` (results only); a file is fetched by the
document's id and checked against the SHA-256 the repository gave. The reference API has no
dossier sync: every uploaded document already carries its dossier code (MaHoSo), so
:meth:`sync_dossier` answers "skipped".
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from sohoa.core.errors import ValidationError
from sohoa.core.identifiers import validate_owner_id, validate_result_code
from sohoa.core.province import ProvinceProfile
from sohoa.outbox.client import Permanent, RepositoryClient, Transient
from sohoa.outbox.connectors.base import (
    ConnectorFailed,
    DossierRecord,
    FoundResult,
    RemoteFile,
    ResultQuery,
    SyncReceipt,
    UnsafeRemoteValue,
)

RESULT_KINDS = ("result", "component-result")
_DOC_ID = re.compile(r"^[0-9a-f]{32}$")


def _iso_date(value: object) -> date | None:
    """A stored date (YYYY-MM-DD) or None; anything else from the server is not trusted."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        raise UnsafeRemoteValue(field="NgayCap", value=str(value)[:80]) from None


class ReferenceConnector:
    name = "reference"

    def __init__(self, client: RepositoryClient, profile: ProvinceProfile) -> None:
        self.client, self.profile = client, profile

    def find_results(self, query: ResultQuery) -> list[FoundResult]:
        owner = validate_owner_id(
            query.owner_id, "person" if len(query.owner_id.strip()) == 12 else "organisation"
        )
        try:
            docs = self.client.lookup(owner_id=owner)
        except (Transient, Permanent) as e:
            raise ConnectorFailed(connector=self.name, detail=str(e)) from e
        wanted = {code for code, _ in query.wanted}
        out = []
        for doc in docs:
            meta = doc.get("metadata", {})
            if meta.get("kind") not in RESULT_KINDS:
                continue
            doc_id = str(doc.get("id", ""))
            if not _DOC_ID.fullmatch(doc_id):
                raise UnsafeRemoteValue(field="id", value=doc_id[:80])
            try:
                code = validate_result_code(str(meta.get("MaGiayToKetQua", "")), self.profile)
            except ValidationError:
                continue  # another province's numbering: not offered here
            if wanted and code not in wanted:
                continue
            appendix = meta.get("AppendixVI") or {}
            out.append(
                FoundResult(
                    result_code=code,
                    title=str(meta.get("TenGiayTo", "")),
                    number=str(appendix.get("CodeNumber", "")),
                    agency=str(appendix.get("OrganName", "")),
                    files=(RemoteFile(name=str(meta.get("filename", "") or f"{doc_id}.pdf"), path=doc_id),),
                    remote_id=doc_id,
                    sha256=str(doc.get("sha256", "")),
                    issue_date=_iso_date(meta.get("NgayCap")),
                    valid_until=_iso_date(meta.get("ThoiHanHieuLuc")),
                )
            )
        return out

    def fetch(self, result: FoundResult, file: RemoteFile) -> bytes:
        if not _DOC_ID.fullmatch(file.path):
            raise UnsafeRemoteValue(field="id", value=file.path[:80])
        try:
            data = self.client.download(file.path)
        except (Transient, Permanent) as e:
            raise ConnectorFailed(connector=self.name, detail=str(e)) from e
        if result.sha256 and hashlib.sha256(data).hexdigest() != result.sha256:
            raise ConnectorFailed(
                connector=self.name, detail=f"the file of {result.result_code} does not match its SHA-256"
            )
        return data

    def sync_dossier(self, record: DossierRecord) -> SyncReceipt:
        return SyncReceipt(accepted=True, skipped=True, detail="the reference API has no dossier sync")

    def close(self) -> None:
        self.client.close()
