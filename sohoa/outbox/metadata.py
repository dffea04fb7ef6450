"""A queued document's metadata and its wire form in the national portal's vocabulary.

Portal words (Cổng Dịch vụ công quốc gia) are used where the portal has one:
MaHoSo, MaTTHC, MaThanhPhanHoSo, MaGiayToKetQua, TenGiayTo; the rest use plain
English names. The full mapping is in docs/metadata.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sohoa.core.appendix6 import common_name
from sohoa.core.identifiers import (
    normalize_text,
    validate_component_code,
    validate_dossier_code,
    validate_legacy_code,
    validate_owner_id,
    validate_procedure_code,
    validate_result_code,
)
from sohoa.core.model import DocumentKind
from sohoa.core.province import ProvinceProfile

# our field -> wire key (portal vocabulary where it exists)
WIRE_KEYS = {
    "dossier_code": "MaHoSo",
    "procedure_code": "MaTTHC",
    "component_code": "MaThanhPhanHoSo",
    "result_code": "MaGiayToKetQua",
    "title": "TenGiayTo",
    "kind": "kind",
    "owner_id": "owner_id",
    "owner_type": "owner_type",
    "sha256": "sha256",
    "size": "size",
    "page_count": "page_count",
    "signer": "signer",
    "filename": "filename",
    "appendix_vi": "AppendixVI",  # Decree 30 Appendix VI (sohoa.core.appendix6); sent only when filled
    # a result record's dates in the portal's words (docs/portal-vocabulary.md), ISO YYYY-MM-DD; sent when filled
    "issue_date": "NgayCap",
    "valid_until": "ThoiHanHieuLuc",
    "legacy": "legacy",  # a backlog result: MaHoSo is the paper's own numbering, or empty; sent when true
}
# sent only when set, so a repository that predates them still takes every other document
OPTIONAL_WIRE = ("appendix_vi", "issue_date", "valid_until", "legacy")


# What the repository accepts (reference_repository.app.DocumentMetadata): the queue refuses
# the same things before accepting an item, so nothing queued is refused later for them.
MAX_LENGTHS = {
    "dossier_code": 100,
    "procedure_code": 100,
    "component_code": 100,
    "result_code": 100,
    "title": 500,
    "owner_id": 20,
    "signer": 500,
    "filename": 255,
}
MAX_SIZE = 512 * 1024 * 1024  # the repository's Tus-Max-Size


@dataclass
class DocumentMetadata:
    """What the clerk and the file say about one document; ``sha256``/``size`` are set on enqueue."""

    dossier_code: str
    kind: DocumentKind
    title: str = ""
    procedure_code: str = ""
    component_code: str = ""
    result_code: str = ""
    owner_id: str = ""
    owner_type: str = "person"
    sha256: str = ""
    size: int = 0
    page_count: int = 0
    signer: str = ""
    filename: str = ""
    appendix_vi: dict[str, Any] = field(default_factory=dict)
    issue_date: str = ""  # ISO date the result was issued (NgayCap), "" when not known
    valid_until: str = ""  # ISO date it stops being valid (ThoiHanHieuLuc), "" for no limit
    legacy: bool = False

    def validated(self, profile: ProvinceProfile | None = None) -> DocumentMetadata:
        """Normalise and check every code (raises sohoa.core.errors.ValidationError)."""
        from sohoa.core.errors import ValidationError
        from sohoa.core.i18n import Text

        self.kind = DocumentKind(self.kind)
        if self.legacy:
            self.dossier_code = validate_legacy_code(self.dossier_code)
        else:
            self.dossier_code = validate_dossier_code(self.dossier_code, profile)
        self._check_dates()
        if self.procedure_code:
            self.procedure_code = validate_procedure_code(self.procedure_code, profile)
        if self.component_code:
            self.component_code = validate_component_code(self.component_code, profile)
        if self.result_code:
            self.result_code = validate_result_code(self.result_code, profile)
        elif self.kind.needs_result_code:
            raise ValidationError(
                Text(
                    vi="Tài liệu loại '{kind}' là kết quả giải quyết nên phải có mã kết quả (--result-code)",
                    en="A '{kind}' document is a result, so it needs a result code (--result-code)",
                ),
                kind=self.kind.value,
            )
        if self.owner_id:
            self.owner_id = validate_owner_id(self.owner_id, self.owner_type)
        if self.owner_type not in ("person", "organisation"):
            raise ValidationError(
                Text(vi="Loại chủ hồ sơ '{value}' không hợp lệ", en="Unknown owner type '{value}'"),
                value=self.owner_type,
            )
        self.title = normalize_text(self.title)
        self.check_limits()
        return self

    def _check_dates(self) -> None:
        """Both dates ISO (a date object is accepted), and a validity that does not end before the issue."""
        from datetime import date

        from sohoa.core.errors import ValidationError
        from sohoa.core.i18n import Text

        for name in ("issue_date", "valid_until"):
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.isoformat()
            value = (value or "").strip()
            if value:
                try:
                    value = date.fromisoformat(value).isoformat()
                except ValueError:
                    raise ValidationError(
                        Text(
                            vi="Ngày '{value}' không phải ngày có thật (dạng năm-tháng-ngày)",
                            en="'{value}' is not a real date (year-month-day)",
                        ),
                        value=value,
                    ) from None
            setattr(self, name, value)
        if self.issue_date and self.valid_until and self.valid_until < self.issue_date:
            raise ValidationError(
                Text(
                    vi="Ngày hết hiệu lực {until} trước ngày cấp {issued}; hãy kiểm tra lại hai ngày",
                    en="Valid until {until} is before the issue date {issued}; check both dates",
                ),
                until=self.valid_until,
                issued=self.issue_date,
            )

    def check_limits(self) -> None:
        """Refuse what the repository would refuse for its length or size (ValidationError)."""
        from sohoa.core.errors import ValidationError
        from sohoa.core.i18n import Text

        self.signer = self.signer[: MAX_LENGTHS["signer"]]  # informative only: shortened, not refused
        if len(self.filename) > MAX_LENGTHS["filename"]:
            stem, dot, ext = self.filename.rpartition(".")
            keep = MAX_LENGTHS["filename"] - len(ext) - 1
            self.filename = f"{stem[:keep]}.{ext}" if dot and keep > 0 else self.filename[:255]
        for name, limit in MAX_LENGTHS.items():
            value = getattr(self, name)
            if len(value) > limit:
                raise ValidationError(
                    Text(
                        vi="Trường {field} dài {length} ký tự, kho dữ liệu chỉ nhận tối đa {limit}",
                        en="The {field} is {length} characters long; the repository accepts at most {limit}",
                    ),
                    field=WIRE_KEYS[name],
                    length=len(value),
                    limit=limit,
                )
        if self.size > MAX_SIZE:
            raise ValidationError(
                Text(
                    vi="Tệp lớn {size} byte, kho dữ liệu chỉ nhận tệp tối đa {limit} byte",
                    en="The file is {size} bytes; the repository accepts at most {limit} bytes",
                ),
                size=self.size,
                limit=MAX_SIZE,
            )

    def to_wire(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = DocumentKind(self.kind).value
        if self.appendix_vi:  # what the file tells on enqueue completes what the dossier told
            appendix = dict(self.appendix_vi)
            appendix["PageAmount"] = appendix.get("PageAmount") or self.page_count
            signer = dict(appendix.get("SignerInfo") or {})
            signer["FullName"] = signer.get("FullName") or common_name(self.signer)
            appendix["SignerInfo"] = {"Position": signer.get("Position", ""), "FullName": signer["FullName"]}
            data["appendix_vi"] = appendix
        for name in OPTIONAL_WIRE:  # a server without these still accepts the commit
            if not data[name]:
                del data[name]
        return {WIRE_KEYS[k]: v for k, v in data.items()}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> DocumentMetadata:
        back = {v: k for k, v in WIRE_KEYS.items()}
        values = {back[k]: v for k, v in data.items() if k in back}
        values["kind"] = DocumentKind(values["kind"])
        return cls(**values)
