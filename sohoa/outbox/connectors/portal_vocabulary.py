"""The one place where SoHoa's records become the national portal's words, and back.

Vocabulary as seen in public integration code of the provinces' systems and the national
portal (DVCQG); none of it is an official published schema (docs/portal-vocabulary.md
lists every field, what we fill it with, and what we assumed). What differs between
provinces comes from the profile's ``[portal]`` section (unit code, channel, ID types).
Dates travel as ``yyyyMMddHHmmss`` in Vietnam time (UTC+7, no daylight saving).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sohoa.core.identifiers import normalize_text
from sohoa.core.province import ProvinceProfile
from sohoa.outbox.connectors.base import (
    DossierRecord,
    FoundResult,
    RemoteFile,
    ResultQuery,
    UnsafeRemoteValue,
)

VIETNAM = timezone(timedelta(hours=7), "ICT")
DATE_FORMAT = "%Y%m%d%H%M%S"

# SoHoa's owner type -> LoaiDoiTuong (1 citizen, 2 organisation)
OWNER_TYPES = {"person": "1", "organisation": "2"}
# the register's dossier state -> TrangThaiHoSo (the counter knows only these two moments)
STATUS_CODES = {"received": "1", "finished": "2"}
# KenhThucHien of GetKetQuaGiayTo: "1" staff at the counter, "2" the citizen online
CHANNEL_STAFF, CHANNEL_CITIZEN = "1", "2"
# LoaiDinhDanh of DinhDanhCHS: 1 = the 12-digit personal ID (CCCD); the tax code's is per province
DEFAULT_ID_TYPES = {"person": "1", "organisation": "3"}

# a file path the portal gives back: relative, no "..", no scheme, plain characters
_SAFE_PATH = re.compile(r"^/?(?!.*\.\.)[A-Za-z0-9._~/-]{1,300}$")


def portal_date(value: datetime | date | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time ("" when unknown); a bare date is midnight in Vietnam."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=VIETNAM).strftime(DATE_FORMAT)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SoHoa stores UTC
    return value.astimezone(VIETNAM).strftime(DATE_FORMAT)


def parse_portal_date(text: str) -> datetime:
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VIETNAM)


def _day(value: object, what: str) -> date | None:
    """A portal date (``yyyyMMddHHmmss``, Vietnam time) as the day it names; "" or missing is None."""
    text = str(value or "")
    if not text:
        return None
    try:
        return parse_portal_date(text).date()
    except ValueError:
        raise UnsafeRemoteValue(field=what, value=text[:80]) from None


def _flag(value: bool) -> int:
    return 1 if value else 0


def dossier_sync_body(record: DossierRecord, profile: ProvinceProfile) -> dict[str, Any]:
    """DongBoHoSoMC's body: the dossier, TaiLieuNop[], DanhSachGiayToKetQua[], DinhDanhCHS, the flags."""
    words = profile.portal
    id_types = {
        "person": words.get("id_type_person", DEFAULT_ID_TYPES["person"]),
        "organisation": words.get("id_type_organisation", DEFAULT_ID_TYPES["organisation"]),
    }
    submitted = [
        {
            "TepDinhKemId": d.document_id,
            "TenTepDinhKem": normalize_text(d.title),
            "MaThanhPhanHoSo": d.component_code,
            "DuongDanTaiTepTin": d.url,
            "DuocSoHoa": _flag(d.digitized),
            "DuocTaiSuDung": _flag(d.reused),
            "DuocLayTuKhoDMQG": _flag(d.from_national),
            "MaKetQuaThayThe": d.replacing_result,
        }
        for d in record.documents
    ]
    results = [
        {
            "TenGiayTo": normalize_text(r.title),
            "MaThanhPhanHoSo": r.component_code,
            "GiayToId": r.document_id,
            "DuongDanTepTinKetQua": r.url,
            "MaGiayToKetQua": r.result_code,
        }
        for r in record.results
    ]
    return {
        "MaHoSo": record.code,
        "MaTTHC": record.procedure_code,
        "SoBienNhan": record.receipt_number or record.code,
        "ChuHoSo": normalize_text(record.owner_name),
        "LoaiDoiTuong": OWNER_TYPES.get(record.owner_type, "1"),
        "MaDoiTuong": record.owner_id,
        "TrichYeuHoSo": normalize_text(record.summary),
        "NgayTiepNhan": portal_date(record.received_at),
        "NgayHenTra": portal_date(record.due_date),
        "TrangThaiHoSo": STATUS_CODES.get(record.status, "1"),
        "NgayTra": portal_date(record.returned_at),
        "DonViXuLy": words.get("unit_code") or record.unit,
        "DinhDanhCHS": (
            [{"LoaiDinhDanh": id_types.get(record.owner_type, "1"), "SoDinhDanh": record.owner_id}]
            if record.owner_id
            else []
        ),
        "HoSoCoThanhPhanSoHoa": _flag(any(d.digitized for d in record.documents)),
        "TaiLieuNop": submitted,
        "DanhSachGiayToKetQua": results,
    }


def result_query_body(query: ResultQuery, profile: ProvinceProfile) -> dict[str, Any]:
    """GetKetQuaGiayTo's body (staff at the counter ask, unless the profile says otherwise)."""
    return {
        "SoDinhDanhChuSoHuu": query.owner_id,
        "HoTenNguoiYeuCau": normalize_text(query.requester_name),
        "KenhThucHien": profile.portal.get("channel", CHANNEL_STAFF),
        "SoDinhDanhNguoiYeuCau": query.requester_id or query.owner_id,
        "MaThuTuc": query.procedure_code,
        "DanhSachDanhMucKetQua": [{"MaKetQua": code, "SoKyHieu": number} for code, number in query.wanted],
    }


def safe_path(value: object, what: str = "DuongDan") -> str:
    """A file path from the portal, checked before it goes into any request."""
    text = str(value or "")
    if not _SAFE_PATH.fullmatch(text):
        raise UnsafeRemoteValue(field=what, value=text[:80])
    return text


def found_results(answer: dict[str, Any], profile: ProvinceProfile) -> list[FoundResult]:
    """GetKetQuaGiayTo's ``result.DanhSachGiayToKetQua`` as FoundResults (every value checked)."""
    from sohoa.core.errors import ValidationError
    from sohoa.core.identifiers import validate_result_code

    items = ((answer.get("result") or {}).get("DanhSachGiayToKetQua")) or []
    out = []
    for item in items:
        try:
            code = validate_result_code(str(item.get("MaKetQua", "")), profile)
        except ValidationError:
            raise UnsafeRemoteValue(field="MaKetQua", value=str(item.get("MaKetQua", ""))[:80]) from None
        files = tuple(
            RemoteFile(name=normalize_text(str(f.get("TenTep", "")))[:255], path=safe_path(f.get("DuongDan")))
            for f in item.get("DanhSachTepDinhKem") or []
        )
        out.append(
            FoundResult(
                result_code=code,
                title=normalize_text(str(item.get("TenGiayTo", ""))),
                number=normalize_text(str(item.get("SoKyHieu", ""))),
                agency=normalize_text(str(item.get("CoQuanChuQuan", ""))),
                files=files,
                remote_id=files[0].path if files else code,
                from_national=True,
                issue_date=_day(item.get("NgayCap"), "NgayCap"),
                valid_until=_day(item.get("ThoiHanHieuLuc"), "ThoiHanHieuLuc"),
            )
        )
    return out


def file_request_body(result: FoundResult, file: RemoteFile) -> dict[str, str]:
    """GetGiayToByUrl's body."""
    return {"CoQuanChuQuan": result.agency, "DuongDan": safe_path(file.path)}
