"""The portal-style connector against the reference server over loopback.

look-up (GetKetQuaGiayTo) -> attach (GetGiayToByUrl) -> the report counts the reuse for its
procedure; the dossier sync (DongBoHoSoMC) carries TaiLieuNop with the flags; Appendix VI
travels in the upload metadata. A real server process, a real signed PDF/A-2b.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests

from reference_repository.portal_api import synced_dossiers
from reference_repository.samples import TestPKI as PKI
from reference_repository.samples import make_signed_pdfa, make_test_pki
from reference_repository.testing import RunningServer, run_server
from sohoa.core.appendix6 import for_dossier_document
from sohoa.core.config import Repository
from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.province import load_profile
from sohoa.core.store import Store
from sohoa.outbox.client import RepositoryClient
from sohoa.outbox.connectors import connector_for
from sohoa.outbox.connectors.base import ConnectorFailed, FoundResult, RemoteFile, UnsafeRemoteValue
from sohoa.outbox.metadata import DocumentMetadata
from sohoa.outbox.outbox import Outbox
from sohoa.outbox.sync import run_sync
from sohoa.workflow import register
from sohoa.workflow.connector_reuse import attach_result, find_results, sync_dossier
from sohoa.workflow.register import Component, ComponentState
from sohoa.workflow.report import compute
from tests.report.conftest import advance

OWNER = "079203004567"
PROCEDURE = "1.001757"
RESULT = "KQ.G07.000122"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with run_server(tmp_path_factory.mktemp("repo"), trust_roots=[pki.ca_cert]) as s:
        yield s


@pytest.fixture(scope="module")
def issued(server: RunningServer, pki: PKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A result issued last year for OWNER, uploaded through the real outbox with its Appendix VI."""
    profile = load_profile("G09")
    folder = tmp_path_factory.mktemp("issued")
    pdf = folder / "ket-qua.pdf"
    pdf.write_bytes(make_signed_pdfa(pki, 30_000, title="Giấy chứng nhận đăng ký hộ kinh doanh"))
    old = Dossier(
        code="G09.20-20250609-0092637",
        procedure_code="2.000884",
        procedure_name="Đăng ký hộ kinh doanh",
        owner_id=OWNER,
        received_date=date(2025, 6, 9),
        documents=[
            Document(
                kind=DocumentKind.RESULT,
                title="Giấy chứng nhận đăng ký hộ kinh doanh",
                result_code=RESULT,
                issuing_agency="UBND huyện Thử Nghiệm",
                issue_date=date(2025, 6, 20),
            )
        ],
    )
    meta = DocumentMetadata(
        dossier_code=old.code,
        kind=DocumentKind.RESULT,
        title=old.documents[0].title,
        procedure_code=old.procedure_code,
        result_code=RESULT,
        owner_id=OWNER,
        appendix_vi=for_dossier_document(
            old, old.documents[0], profile, agency_name="UBND huyện Thử Nghiệm"
        ).to_wire(),
    ).validated(profile)
    box = Outbox(folder / "outbox")
    box.enqueue(pdf, meta)
    assert run_sync(Repository(url=server.url, timeout_s=10.0), outbox=box).acknowledged == [1]
    box.close()
    return pdf


@pytest.fixture
def portal(server: RunningServer) -> Iterator:  # type: ignore[type-arg]
    connector = connector_for(load_profile("G09"), Repository(url=server.url), RepositoryClient(server.url))
    yield connector
    connector.close()


@pytest.fixture
def store(sohoa_home: Path) -> Iterator[Store]:
    from sohoa.core.paths import app_paths

    s = Store(app_paths().ensure().store_file)
    yield s
    s.close()


def _new_dossier(store: Store, n: int, documents: list[Document] | None = None) -> Dossier:
    dossier = Dossier(
        code=f"G09.20-20260115-{n:07d}",
        procedure_code=PROCEDURE,
        procedure_name="Cấp giấy phép kinh doanh",
        owner_id=OWNER,
        owner_name="Nguyễn Thị Thử",
        received_date=date(2026, 1, 15),
        documents=documents or [],
    )
    store.save_dossier(dossier)
    register.record_received(
        store,
        dossier,
        profile=load_profile("G09"),
        required=[Component("000.00.00.G09-KQ002269", "Giấy chứng nhận đăng ký hộ kinh doanh")],
    )
    return dossier


def test_profile_chooses_the_connector(server: RunningServer) -> None:
    client = RepositoryClient(server.url)
    assert connector_for(load_profile("G09"), Repository(url=server.url), client).name == "portal"
    assert connector_for(load_profile("default"), Repository(url=server.url), client).name == "reference"
    client.close()


def test_lookup_attach_and_the_report_counts_the_reuse(issued: Path, portal, store: Store) -> None:  # type: ignore[no-untyped-def]
    scanned = Document(kind=DocumentKind.COMPONENT, title="Đơn đề nghị", component_code="TP01")
    dossier = _new_dossier(store, 1, [scanned])
    found = find_results(portal, dossier)
    assert [f.result_code for f in found] == [RESULT]
    hit = found[0]
    assert hit.agency == "UBND huyện Thử Nghiệm" and hit.from_national
    assert hit.files[0].path.startswith("/documents/")
    comp = attach_result(store, portal, dossier.id, hit, component_code="000.00.00.G09-KQ002269")
    assert comp.state is ComponentState.REUSED and comp.replacing_result == RESULT
    kept = store.db["attachments"].rows_where("dossier_id = ?", [dossier.id])
    copy = Path(next(iter(kept))["file"]).read_bytes()
    assert hashlib.sha256(copy).digest() == hashlib.sha256(issued.read_bytes()).digest()
    # the reuse is credited to the procedure of the dossier that reused it
    advance(store, scanned.id, "processed")
    register.record_finished(store, dossier)
    report = compute(store, "2026-01", "2026-01", procedure=PROCEDURE)
    (row,) = report.rows
    assert (row.procedure, row.unit) == (PROCEDURE, "G09.20")
    assert (row.components_required, row.components_reused, row.reuse_rate) == (2, 1, 0.5)
    assert (row.dossiers_received, row.dossiers_digitized) == (1, 1)
    assert compute(store, "2026-01", "2026-01", procedure="2.000884").rows == []


def test_lookup_for_a_wanted_result_only(issued: Path, portal, store: Store) -> None:  # type: ignore[no-untyped-def]
    dossier = _new_dossier(store, 2)
    assert find_results(portal, dossier, wanted=(("KQ.G07.999999", ""),)) == []
    assert [f.result_code for f in find_results(portal, dossier, wanted=((RESULT, ""),))] == [RESULT]


def test_dossier_sync_carries_the_flags(issued: Path, portal, store: Store, server: RunningServer) -> None:  # type: ignore[no-untyped-def]
    scanned = Document(kind=DocumentKind.COMPONENT, title="Đơn đề nghị", component_code="TP01")
    dossier = _new_dossier(store, 3, [scanned])
    attach_result(
        store, portal, dossier.id, find_results(portal, dossier)[0], component_code="000.00.00.G09-KQ002269"
    )
    advance(store, scanned.id, "signed")
    register.record_finished(store, dossier)
    receipt = sync_dossier(store, portal, dossier.id, load_profile("G09"))
    assert receipt.accepted and not receipt.skipped
    body = next(d for d in synced_dossiers(server.data_dir) if d["MaHoSo"] == dossier.code)
    assert body["MaTTHC"] == PROCEDURE and body["DonViXuLy"] == "000.00.00.G09"
    assert body["NgayTiepNhan"] == "20260115070000"  # midnight UTC is 07:00 in Vietnam
    assert body["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": OWNER}]
    assert body["HoSoCoThanhPhanSoHoa"] == 1 and body["TrangThaiHoSo"] == "2"
    flags = {
        d["MaThanhPhanHoSo"]: (
            d["DuocSoHoa"],
            d["DuocTaiSuDung"],
            d["DuocLayTuKhoDMQG"],
            d["MaKetQuaThayThe"],
        )
        for d in body["TaiLieuNop"]
    }
    assert flags == {"000.00.00.G09-KQ002269": (0, 1, 1, RESULT), "TP01": (1, 0, 0, "")}


def test_reference_connector_has_no_dossier_sync(issued: Path, server: RunningServer, store: Store) -> None:
    reference = connector_for(
        load_profile("default"), Repository(url=server.url), RepositoryClient(server.url)
    )
    dossier = _new_dossier(store, 4)
    assert sync_dossier(store, reference, dossier.id).skipped
    reference.close()


def test_appendix_vi_is_stored_with_the_upload(issued: Path, server: RunningServer) -> None:
    (doc,) = [d for d in server.documents() if d["metadata"]["MaGiayToKetQua"] == RESULT]
    appendix = doc["metadata"]["AppendixVI"]
    assert appendix["FileCode"] == "000.00.00.G09.2025.G09.20-20250609-0092637"
    assert appendix["OrganName"] == "UBND huyện Thử Nghiệm" and appendix["IssuedDate"] == "2025-06-20"
    assert (
        appendix["TypeName"] == "Kết quả giải quyết thủ tục hành chính" and appendix["CodeNumber"] == RESULT
    )
    assert (
        appendix["PageAmount"] >= 1 and appendix["SignerInfo"]["FullName"]
    )  # filled on enqueue from the file


def test_portal_errors_are_typed(server: RunningServer, portal) -> None:  # type: ignore[no-untyped-def]
    r = requests.post(f"{server.url}/portal/GetKetQuaGiayTo", json={"SoDinhDanhChuSoHuu": "12"}, timeout=10)
    assert r.status_code == 200 and r.json()["errorCode"] == 1
    r = requests.post(f"{server.url}/portal/DongBoHoSoMC", data=b"not json", timeout=10)
    assert r.json()["error_code"] == 1
    missing = FoundResult(RESULT, "", "", "", (RemoteFile("x.pdf", "/documents/" + "0" * 32),), "x")
    with pytest.raises(ConnectorFailed):
        portal.fetch(missing, missing.files[0])
    with pytest.raises(UnsafeRemoteValue):  # a path from the server is checked before it is sent anywhere
        portal.fetch(missing, RemoteFile("x.pdf", "../../etc/passwd"))


def test_the_apps_reuse_follows_the_province_profile(
    issued: Path, server: RunningServer, sohoa_home: Path
) -> None:
    """The counter's reuse (sohoa.workflow.reuse) speaks the portal's words when the profile says so."""
    from sohoa.core.config import save_setting
    from sohoa.workflow import dossiers, reuse
    from sohoa.workflow.context import Workspace

    with Workspace.open() as ws:
        ws.config = save_setting(ws.config, "general.province_profile", "G09")
        ws.config = save_setting(ws.config, "repository.url", server.url)
        ws.reload_config()
        assert ws.profile.connector == "portal"
        dossier = dossiers.new_dossier(
            ws,
            code=f"G09.20-{date.today():%Y%m%d}-0000042",
            procedure_code=PROCEDURE,
            owner_type="person",
            owner_id=OWNER,
            owner_name="Nguyễn Thị Thử",
        )
        hits = reuse.lookup_owner(ws, OWNER)
        assert [h.result_code for h in hits] == [RESULT]
        reuse.record_reuse(ws, dossier, hits[0])
        total = compute(ws.store).total
        assert (total.dossiers_received, total.components_required, total.components_reused) == (1, 1, 1)


def test_sohoa_lookup_attach_is_counted_as_reuse(
    issued: Path, server: RunningServer, store: Store, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The reference connector's province: ``sohoa lookup --attach ID --to CODE`` marks the reuse too."""
    from sohoa.cli import main
    from sohoa.core.config import load_config, save_setting

    save_setting(load_config(), "repository.url", server.url)
    dossier = Dossier(
        code="H15.50.05.13-260120-0001",
        procedure_code=PROCEDURE,
        owner_id=OWNER,
        received_date=date(2026, 1, 20),
    )
    store.save_dossier(dossier)
    (doc,) = [d for d in server.documents() if d["metadata"]["MaGiayToKetQua"] == RESULT]
    assert main(["lookup", "--owner-id", OWNER, "--attach", doc["id"], "--to", dossier.code]) == 0
    row = compute(store, "2026-01", "2026-01", procedure=PROCEDURE).rows[0]
    assert (row.unit, row.dossiers_received, row.components_required, row.components_reused) == (
        "H15.50.05.13",
        1,
        1,
        1,
    )
