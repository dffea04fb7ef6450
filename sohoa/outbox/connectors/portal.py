"""A national-portal-style connector: GetKetQuaGiayTo, GetGiayToByUrl and DongBoHoSoMC over HTTPS.

It rides on :class:`sohoa.outbox.client.RepositoryClient` for the session (TLS always verified,
extra CA bundle, UTF-8 Basic credentials, timeouts, the same passing/permanent split), and
speaks the portal's words through :mod:`sohoa.outbox.connectors.portal_vocabulary` only.
The endpoints live under the profile's ``[portal] path_prefix`` (default ``/portal``).
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from sohoa.core.identifiers import mask_id, validate_owner_id
from sohoa.core.province import ProvinceProfile
from sohoa.outbox.client import RepositoryClient, Transient
from sohoa.outbox.connectors import portal_vocabulary as vocab
from sohoa.outbox.connectors.base import (
    ConnectorFailed,
    DossierRecord,
    FoundResult,
    RemoteFile,
    ResultQuery,
    SyncReceipt,
)

log = logging.getLogger(__name__)
MAX_FILE = 512 * 1024 * 1024


class PortalConnector:
    name = "portal"

    def __init__(self, client: RepositoryClient, profile: ProvinceProfile) -> None:
        self.client, self.profile = client, profile
        prefix = "/" + profile.portal.get("path_prefix", "/portal").strip("/")
        self.base = f"{client.base}{prefix if prefix != '/' else ''}"

    def _call(self, method: str, body: dict[str, Any], code_key: str) -> dict[str, Any]:
        try:
            r = self.client._send("POST", f"{self.base}/{method}", json=body)
        except Transient as e:
            raise ConnectorFailed(connector=self.name, detail=str(e)) from e
        try:
            answer = r.json()
        except ValueError:
            answer = None
        if r.status_code != 200 or not isinstance(answer, dict):
            raise ConnectorFailed(connector=self.name, detail=f"{method} answered HTTP {r.status_code}")
        code = answer.get(code_key)
        if code not in (0, "0"):
            message = str(answer.get("message", ""))[:300]
            raise ConnectorFailed(
                connector=self.name, detail=f"{method}: {code_key} {code} {message}".strip()
            )
        return answer

    def find_results(self, query: ResultQuery) -> list[FoundResult]:
        owner = validate_owner_id(
            query.owner_id, "person" if len(query.owner_id.strip()) == 12 else "organisation"
        )
        query = ResultQuery(
            owner, query.procedure_code, query.requester_id, query.requester_name, query.wanted
        )
        answer = self._call("GetKetQuaGiayTo", vocab.result_query_body(query, self.profile), "errorCode")
        found = vocab.found_results(answer, self.profile)
        log.info("portal look-up for owner %s: %d results", mask_id(owner), len(found))
        return found

    def fetch(self, result: FoundResult, file: RemoteFile) -> bytes:
        answer = self._call("GetGiayToByUrl", vocab.file_request_body(result, file), "errorCode")
        encoded = (answer.get("result") or {}).get("base64", "")
        if not isinstance(encoded, str) or len(encoded) > MAX_FILE * 4 // 3 + 4:
            raise ConnectorFailed(connector=self.name, detail="GetGiayToByUrl returned no usable file")
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as e:
            raise ConnectorFailed(connector=self.name, detail="GetGiayToByUrl returned broken base64") from e

    def sync_dossier(self, record: DossierRecord) -> SyncReceipt:
        body = vocab.dossier_sync_body(record, self.profile)
        answer = self._call("DongBoHoSoMC", body, "error_code")
        return SyncReceipt(accepted=True, detail=str(answer.get("message", "")))

    def close(self) -> None:
        self.client.close()
