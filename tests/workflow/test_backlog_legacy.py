"""Backlog results as they really are, end to end through the reference server on loopback.

An old result with its own numbering (or none) and the issue and validity dates the clerk typed:
backlog entry -> PDF/A -> batch signing (SoftHSM2) -> outbox -> the real reference server ->
look-up (the reference API and the portal-style API) gives back the code and both dates.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from reference_repository.testing import RunningServer
from sohoa.core.config import Repository
from sohoa.core.errors import ValidationError
from sohoa.core.model import DocumentKind, Dossier
from sohoa.core.province import load_profile
from sohoa.outbox.client import RepositoryClient
from sohoa.outbox.connectors import connector_for
from sohoa.outbox.connectors.base import ResultQuery
from sohoa.outbox.metadata import DocumentMetadata
from sohoa.outbox.sync import run_sync
from sohoa.signing.softhsm import SoftHsmToken, create_token
from sohoa.workflow.backlog import backlog_entry
from sohoa.workflow.context import Workspace
from sohoa.workflow.draft import DossierDraft, DraftPage
from sohoa.workflow.finish import pending_results, sign_pending
from tests.workflow.conftest import result_page, write_config

OWNER = "001099012345"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return create_token(tmp_path_factory.mktemp("hsm"), label="SoHoa Supervisor", pin="135790")


@pytest.fixture
def ws(sohoa_home: Path, token: SoftHsmToken, server: RunningServer) -> Iterator[Workspace]:
    token.activate()  # made current for this process (another test may have switched)
    write_config(sohoa_home, token, server)
    with Workspace.open() as w:
        yield w


def _old_result(folder: Path, code: str, result_code: str, issued: date, until: date | None) -> DossierDraft:
    draft = DossierDraft(code=code, procedure_code="1.001757", owner_id=OWNER, legacy=True)
    doc = draft.add_document(kind="result", title="Giấy chứng nhận cũ", result_code=result_code)
    draft.set_metadata(doc.id, issue_date=issued, valid_until=until)
    draft.add_pages(doc.id, [DraftPage(path=result_page(folder), dpi=150)])
    return draft


def test_old_results_reach_the_repository_with_their_code_and_dates(
    ws: Workspace, token: SoftHsmToken, server: RunningServer, tmp_path: Path
) -> None:
    backlog_entry(
        ws, _old_result(tmp_path / "a", "125/HS-UBND", "KQ.G07.000122", date(2019, 3, 15), date(2024, 3, 15))
    )
    backlog_entry(ws, _old_result(tmp_path / "b", "", "KQ.G07.000123", date(2018, 7, 2), None))
    pending = pending_results(ws)
    assert len(pending) == 2
    outcomes = sign_pending(ws, pending, token.pin)
    assert [o.status for o in outcomes] == ["queued", "queued"], [o.message for o in outcomes]
    box = ws.outbox()
    try:
        report = run_sync(Repository(url=server.url, timeout_s=20.0), outbox=box)
    finally:
        box.close()
    assert len(report.acknowledged) == 2

    docs = RepositoryClient(server.url).lookup(owner_id=OWNER)
    by_result = {d["metadata"]["MaGiayToKetQua"]: d["metadata"] for d in docs}
    first, second = by_result["KQ.G07.000122"], by_result["KQ.G07.000123"]
    assert (first["MaHoSo"], first["NgayCap"], first["ThoiHanHieuLuc"], first["legacy"]) == (
        "125/HS-UBND",
        "2019-03-15",
        "2024-03-15",
        True,
    )
    assert (second["MaHoSo"], second["NgayCap"], second["ThoiHanHieuLuc"]) == ("", "2018-07-02", "")
    assert first["AppendixVI"]["IssuedDate"] == "2019-03-15"
    assert first["AppendixVI"]["OrganId"] == ""  # "125/HS" is no unit: nothing guessed from an old code

    for name in ("reference", "portal"):
        profile = dataclasses.replace(load_profile("default"), connector=name)
        connector = connector_for(profile, Repository(url=server.url), RepositoryClient(server.url))
        try:
            found = {f.result_code: f for f in connector.find_results(ResultQuery(owner_id=OWNER))}
        finally:
            connector.close()
        assert (found["KQ.G07.000122"].issue_date, found["KQ.G07.000122"].valid_until) == (
            date(2019, 3, 15),
            date(2024, 3, 15),
        ), name
        assert (found["KQ.G07.000123"].issue_date, found["KQ.G07.000123"].valid_until) == (
            date(2018, 7, 2),
            None,
        ), name


def test_a_counter_dossier_still_needs_a_portal_code(ws: Workspace) -> None:
    with pytest.raises(ValidationError):
        Dossier(code="125/HS-UBND").validated(ws.profile)
    with pytest.raises(ValidationError):
        DocumentMetadata(dossier_code="", kind=DocumentKind.COMPONENT).validated(ws.profile)
    legacy = DocumentMetadata(dossier_code=" 125/HS-UBND ", kind=DocumentKind.COMPONENT, legacy=True)
    assert legacy.validated(ws.profile).dossier_code == "125/HS-UBND"
    with pytest.raises(ValidationError):  # validity ending before the issue
        DocumentMetadata(
            dossier_code="",
            kind=DocumentKind.COMPONENT,
            legacy=True,
            issue_date="2020-01-02",
            valid_until="2019-01-01",
        ).validated(ws.profile)


def test_the_server_refuses_what_the_client_would(server: RunningServer) -> None:
    """No MaHoSo without ``legacy``, and no impossible dates: 422 before any file is read."""
    base = {"kind": "component", "sha256": "0" * 64, "size": 10}
    for meta in (
        base,
        {**base, "MaHoSo": "X", "NgayCap": "2019-02-30"},
        {**base, "MaHoSo": "X", "NgayCap": "2020-01-02", "ThoiHanHieuLuc": "2019-01-01"},
    ):
        r = requests.post(
            f"{server.url}/api/v1/documents",
            data=json.dumps({"upload_url": f"{server.url}/files/{'a' * 32}", "metadata": meta}),
            headers={"Content-Type": "application/json", "Idempotency-Key": "key-12345678"},
            timeout=10,
        )
        assert r.status_code == 422 and r.json()["error"] == "invalid_metadata", (meta, r.text)
