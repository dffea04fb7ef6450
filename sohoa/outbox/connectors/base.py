"""The repository connector interface: what the workflow asks of a province's repository.

Two things vary between provinces: how a citizen's earlier results are found and fetched for
reuse, and whether (and how) the dossier itself is synchronised. Everything else (the tus
upload of signed files) stays with :mod:`sohoa.outbox.uploader`. The connector for a province
is named in its profile (``connector = "reference" | "portal"``; :func:`sohoa.outbox.connectors.connector_for`).
The records below are plain data, in SoHoa's own words; each connector maps them to its wire
vocabulary in one place (``portal_vocabulary.py`` for the portal; docs/portal-vocabulary.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from sohoa.core.errors import NetworkError
from sohoa.core.i18n import Text


class ConnectorFailed(NetworkError):
    text = Text(
        vi="Kho dữ liệu ({connector}) không thực hiện được yêu cầu: {detail}. Hãy thử lại sau; hồ sơ trên máy không bị ảnh hưởng.",
        en="The repository ({connector}) could not carry out the request: {detail}. Try again later; the dossier on this workstation is unaffected.",
    )


class UnsafeRemoteValue(NetworkError):
    text = Text(
        vi="Kho dữ liệu trả về giá trị không hợp lệ cho {field} ('{value}'). Không dùng giá trị này; hãy báo quản trị viên kho.",
        en="The repository returned an invalid {field} ('{value}'). It was not used; tell the repository's administrator.",
    )


@dataclass(frozen=True)
class ResultQuery:
    """Whose results to look for, by whom, for which procedure (GetKetQuaGiayTo's question)."""

    owner_id: str  # SoDinhDanhChuSoHuu: 12-digit personal ID or tax code
    procedure_code: str = ""  # MaThuTuc: the procedure the citizen is applying for
    requester_id: str = ""  # SoDinhDanhNguoiYeuCau (default: the owner)
    requester_name: str = ""  # HoTenNguoiYeuCau
    wanted: tuple[tuple[str, str], ...] = ()  # (result code, number/notation) pairs; empty: all


@dataclass(frozen=True)
class RemoteFile:
    name: str  # TenTep
    path: str  # DuongDan (portal) or the document id (reference)


@dataclass(frozen=True)
class FoundResult:
    """A digitized result the repository holds for the owner (one line of the reuse list)."""

    result_code: str  # MaKetQua / MaGiayToKetQua
    title: str  # TenGiayTo
    number: str  # SoKyHieu
    agency: str  # CoQuanChuQuan
    files: tuple[RemoteFile, ...]
    remote_id: str  # what identifies it at the source (document id, or the first file's path)
    sha256: str = ""  # when the source says (the reference API does; the portal does not)
    from_national: bool = False  # DuocLayTuKhoDMQG: the national store answered
    issue_date: date | None = None  # NgayCap, when the source says
    valid_until: date | None = None  # ThoiHanHieuLuc; None: no limit or not said


@dataclass
class SubmittedDocument:
    """One document of the dossier sync (TaiLieuNop)."""

    document_id: str  # TepDinhKemId
    title: str  # TenTepDinhKem
    component_code: str  # MaThanhPhanHoSo
    url: str = ""  # DuongDanTaiTepTin: where the repository keeps the file, if uploaded
    digitized: bool = False  # DuocSoHoa
    reused: bool = False  # DuocTaiSuDung
    from_national: bool = False  # DuocLayTuKhoDMQG
    replacing_result: str = ""  # MaKetQuaThayThe


@dataclass
class IssuedResult:
    """One result the agency issued in the dossier (DanhSachGiayToKetQua)."""

    document_id: str  # GiayToId
    title: str  # TenGiayTo
    component_code: str  # MaThanhPhanHoSo
    result_code: str  # MaGiayToKetQua
    url: str = ""  # DuongDanTepTinKetQua


@dataclass
class DossierRecord:
    """What the dossier sync (DongBoHoSoMC) carries, in SoHoa's words."""

    code: str  # MaHoSo
    procedure_code: str  # MaTTHC
    owner_name: str  # ChuHoSo
    owner_type: str  # person / organisation (LoaiDoiTuong)
    owner_id: str  # MaDoiTuong and DinhDanhCHS
    received_at: datetime  # NgayTiepNhan
    unit: str  # DonViXuLy
    summary: str = ""  # TrichYeuHoSo
    receipt_number: str = ""  # SoBienNhan (default: the dossier code)
    due_date: date | None = None  # NgayHenTra
    returned_at: datetime | None = None  # NgayTra
    status: str = "received"  # TrangThaiHoSo (see the vocabulary's STATUS_CODES)
    documents: list[SubmittedDocument] = field(default_factory=list)
    results: list[IssuedResult] = field(default_factory=list)


@dataclass(frozen=True)
class SyncReceipt:
    accepted: bool
    detail: str = ""
    skipped: bool = False  # the connector's API has no dossier sync (the reference API)


class RepositoryConnector(Protocol):
    """What every connector offers; implementations: ``reference`` and ``portal``."""

    name: str

    def find_results(self, query: ResultQuery) -> list[FoundResult]:
        """The owner's digitized results the repository holds (optionally only ``query.wanted``)."""
        ...

    def fetch(self, result: FoundResult, file: RemoteFile) -> bytes:
        """The bytes of one file of a found result (checked against its SHA-256 when known)."""
        ...

    def sync_dossier(self, record: DossierRecord) -> SyncReceipt:
        """Send the dossier with its documents' digitization and reuse flags."""
        ...

    def close(self) -> None: ...
