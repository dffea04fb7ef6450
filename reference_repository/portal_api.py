"""A national-portal-style API on the reference server, so the portal connector is tested over loopback.

``POST /portal/GetKetQuaGiayTo``: the owner's digitized results (stored result documents);
``POST /portal/GetGiayToByUrl``: one file as base64; ``POST /portal/DongBoHoSoMC``: a dossier
sync, kept in ``portal.db`` beside the repository's database. Answers are HTTP 200 with the
portal's own code (``errorCode`` for the results store, ``error_code`` for the dossier sync):
0 done, 1 invalid request, 2 not found. The vocabulary is in docs/portal-vocabulary.md;
none of it is an official published schema.
"""

# No "from __future__ import annotations": FastAPI resolves the handlers' hints at run time.

import base64
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from reference_repository.storage import Storage
from reference_repository.users import Principal

RESULT_KINDS = ("result", "component-result")
DATE = r"^(\d{14})?$"
_PATH = re.compile(r"^/documents/([0-9a-f]{32})$")
OK, INVALID, NOT_FOUND = 0, 1, 2


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Signer(_Strict):
    Position: str = Field("", max_length=200)
    FullName: str = Field("", max_length=200)


class AppendixVI(_Strict):
    """Decree 30/2020 Appendix VI: the metadata of an electronic document (in the commit's metadata)."""

    FileCode: str = Field("", max_length=300)
    OrganId: str = Field("", max_length=100)
    FileCatalog: str = Field("", max_length=20)
    FileNotation: str = Field("", max_length=200)
    DocOrdinal: int = Field(0, ge=0)
    TypeName: str = Field("", max_length=200)
    CodeNumber: str = Field("", max_length=50)
    CodeNotation: str = Field("", max_length=100)
    IssuedDate: str = Field("", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    OrganName: str = Field("", max_length=300)
    Subject: str = Field("", max_length=1000)
    Language: str = Field("", max_length=50)
    PageAmount: int = Field(0, ge=0)
    Description: str = Field("", max_length=2000)
    SignerInfo: Signer = Signer()

    @model_validator(mode="after")
    def _file_code(self) -> "AppendixVI":
        parts = [p for p in (self.OrganId, self.FileCatalog, self.FileNotation) if p]
        if self.FileCode and parts and self.FileCode != ".".join(parts):
            raise ValueError("FileCode must be OrganId.FileCatalog.FileNotation")
        return self


class WantedResult(_Strict):
    MaKetQua: str = Field(min_length=1, max_length=100)
    SoKyHieu: str = Field("", max_length=100)


class ResultQuery(_Strict):
    SoDinhDanhChuSoHuu: str = Field(pattern=r"^\d{10}(-?\d{3})?$|^\d{12}$")
    HoTenNguoiYeuCau: str = Field("", max_length=200)
    KenhThucHien: Literal["1", "2"]
    SoDinhDanhNguoiYeuCau: str = Field("", max_length=20)
    MaThuTuc: str = Field("", max_length=100)
    DanhSachDanhMucKetQua: list[WantedResult] = []


class FileRequest(_Strict):
    CoQuanChuQuan: str = Field("", max_length=300)
    DuongDan: str = Field(min_length=1, max_length=300)


Flag = Literal[0, 1]


class SubmittedDocument(_Strict):
    TepDinhKemId: str = Field(min_length=1, max_length=100)
    TenTepDinhKem: str = Field("", max_length=500)
    MaThanhPhanHoSo: str = Field("", max_length=100)
    DuongDanTaiTepTin: str = Field("", max_length=500)
    DuocSoHoa: Flag
    DuocTaiSuDung: Flag
    DuocLayTuKhoDMQG: Flag
    MaKetQuaThayThe: str = Field("", max_length=100)


class IssuedResult(_Strict):
    TenGiayTo: str = Field("", max_length=500)
    MaThanhPhanHoSo: str = Field("", max_length=100)
    GiayToId: str = Field(min_length=1, max_length=100)
    DuongDanTepTinKetQua: str = Field("", max_length=500)
    MaGiayToKetQua: str = Field(min_length=1, max_length=100)


class OwnerId(_Strict):
    LoaiDinhDanh: str = Field(pattern=r"^\d{1,2}$")
    SoDinhDanh: str = Field(min_length=1, max_length=20)


class DossierSync(_Strict):
    MaHoSo: str = Field(min_length=1, max_length=100)
    MaTTHC: str = Field("", max_length=100)
    SoBienNhan: str = Field("", max_length=100)
    ChuHoSo: str = Field("", max_length=300)
    LoaiDoiTuong: Literal["1", "2"]
    MaDoiTuong: str = Field("", max_length=20)
    TrichYeuHoSo: str = Field("", max_length=2000)
    NgayTiepNhan: str = Field(pattern=r"^\d{14}$")
    NgayHenTra: str = Field("", pattern=DATE)
    TrangThaiHoSo: str = Field(pattern=r"^\d{1,2}$")
    NgayTra: str = Field("", pattern=DATE)
    DonViXuLy: str = Field("", max_length=100)
    DinhDanhCHS: list[OwnerId] = []
    HoSoCoThanhPhanSoHoa: Flag
    TaiLieuNop: list[SubmittedDocument] = []
    DanhSachGiayToKetQua: list[IssuedResult] = []


class PortalStore:
    """The synced dossiers (one row per MaHoSo, the last sync wins)."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "portal.db"
        self._local = threading.local()
        self._conn().execute(
            "CREATE TABLE IF NOT EXISTS dossiers (code TEXT PRIMARY KEY, body TEXT NOT NULL, synced_at REAL NOT NULL)"
        )

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def save(self, body: dict[str, Any]) -> None:
        self._conn().execute(
            "INSERT INTO dossiers (code, body, synced_at) VALUES (?, ?, ?)"
            " ON CONFLICT(code) DO UPDATE SET body = excluded.body, synced_at = excluded.synced_at",
            (body["MaHoSo"], json.dumps(body, ensure_ascii=False), time.time()),
        )

    def all(self) -> list[dict[str, Any]]:
        return [
            json.loads(r[0]) for r in self._conn().execute("SELECT body FROM dossiers ORDER BY synced_at")
        ]


def synced_dossiers(data_dir: Path) -> list[dict[str, Any]]:
    """Every dossier the portal API received (for tests and integrators)."""
    return PortalStore(data_dir).all()


async def _body(request: Request, model: type[BaseModel], code_key: str) -> tuple[Any, dict[str, Any] | None]:
    try:
        raw = await request.json()
    except ValueError:
        return None, {code_key: INVALID, "message": "the body is not JSON"}
    try:
        return model.model_validate(raw), None
    except PydanticValidationError as e:
        parts = [f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()]
        return None, {code_key: INVALID, "message": "; ".join(parts)[:1000]}


def _number(meta: dict[str, Any]) -> str:
    appendix = meta.get("AppendixVI") or {}
    number, notation = str(appendix.get("CodeNumber") or ""), str(appendix.get("CodeNotation") or "")
    return f"{number}/{notation}" if number and notation else number


def _portal_date(iso: object) -> str:
    """A stored ISO date as the portal writes dates (``yyyyMMddHHmmss``, midnight in Vietnam); "" if none."""
    text = str(iso or "")
    return text.replace("-", "") + "000000" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""


def mount_portal(
    api: FastAPI,
    storage: Storage,
    authorise: Callable[..., Principal],
    may_read: Callable[[Principal, dict[str, Any]], bool],
) -> PortalStore:
    """Add the portal-style routes to ``api``, behind the same login and the same per-user scope as the rest.

    A user sees only the documents the main API would show them (``may_read``): their own, their agency's
    with the agency role, or all of them as an admin.
    """
    store = PortalStore(storage.root)
    router = APIRouter(prefix="/portal", tags=["portal"])
    User = Annotated[Principal, Depends(authorise)]

    @router.post("/GetKetQuaGiayTo")
    async def get_results(request: Request, user: User) -> dict[str, Any]:
        query, error = await _body(request, ResultQuery, "errorCode")
        if error:
            return error
        wanted = {(w.MaKetQua, w.SoKyHieu) for w in query.DanhSachDanhMucKetQua}
        items = []
        for doc in storage.find_documents(query.SoDinhDanhChuSoHuu, None):
            if not may_read(user, doc):
                continue
            meta = doc["metadata"]
            if meta.get("kind") not in RESULT_KINDS:
                continue
            code, number = meta.get("MaGiayToKetQua", ""), _number(meta)
            if wanted and not any(c == code and (not n or n == number) for c, n in wanted):
                continue
            appendix = meta.get("AppendixVI") or {}
            items.append(
                {
                    "MaKetQua": code,
                    "TenGiayTo": meta.get("TenGiayTo", ""),
                    "SoKyHieu": number,
                    "CoQuanChuQuan": appendix.get("OrganName") or "",
                    "NgayCap": _portal_date(meta.get("NgayCap")),
                    "ThoiHanHieuLuc": _portal_date(meta.get("ThoiHanHieuLuc")),
                    "DanhSachTepDinhKem": [
                        {
                            "TenTep": meta.get("filename") or f"{doc['id']}.pdf",
                            "DuongDan": f"/documents/{doc['id']}",
                        }
                    ],
                }
            )
        return {"errorCode": OK, "message": "", "result": {"DanhSachGiayToKetQua": items}}

    @router.post("/GetGiayToByUrl")
    async def get_file(request: Request, user: User) -> dict[str, Any]:
        ask, error = await _body(request, FileRequest, "errorCode")
        if error:
            return error
        m = _PATH.fullmatch(ask.DuongDan)
        doc = storage.get_document(m[1]) if m else None
        if doc is None or not may_read(user, doc):  # another user's document does not exist for you
            return {"errorCode": NOT_FOUND, "message": "không tìm thấy giấy tờ / no such document"}
        data = storage.document_path(doc["sha256"]).read_bytes()
        name = doc["metadata"].get("filename") or f"{doc['id']}.pdf"
        return {
            "errorCode": OK,
            "message": "",
            "result": {"TenTep": name, "base64": base64.b64encode(data).decode()},
        }

    @router.post("/DongBoHoSoMC")
    async def sync_dossier(request: Request, user: User) -> dict[str, Any]:
        dossier, error = await _body(request, DossierSync, "error_code")
        if error:
            return error
        store.save(dossier.model_dump())
        return {"error_code": OK, "message": "đồng bộ thành công / synced"}

    api.include_router(router)
    return store
