"""The domain model: a dossier (hồ sơ), its documents and their pages. No Qt here.

Vocabulary follows the national portal where it has a word (see docs/metadata.md):
dossier code = MaHoSo, procedure code = MaTTHC, component code = MaThanhPhanHoSo,
result code = MaGiayToKetQua, document title = TenGiayTo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from sohoa.core.errors import ValidationError
from sohoa.core.i18n import Text
from sohoa.core.identifiers import (
    normalize_text,
    validate_component_code,
    validate_dossier_code,
    validate_legacy_code,
    validate_owner_id,
    validate_procedure_code,
    validate_result_code,
)
from sohoa.core.province import ProvinceProfile


class OwnerType(StrEnum):
    PERSON = "person"  # công dân
    ORGANISATION = "organisation"  # tổ chức, doanh nghiệp


class DocumentKind(StrEnum):
    RESULT = "result"  # kết quả giải quyết thủ tục hành chính
    PROCESSING_RESULT = "processing-result"  # kết quả xử lý (including drafts)
    COMPONENT_RESULT = "component-result"  # submitted component that is itself an earlier result
    COMPONENT = "component"  # other submitted component (thành phần hồ sơ)
    REJECTION = "rejection"  # rejection or return notice (phiếu từ chối / yêu cầu bổ sung)

    @property
    def needs_result_code(self) -> bool:
        return self in (DocumentKind.RESULT, DocumentKind.COMPONENT_RESULT)


class ColorMode(StrEnum):
    COLOR = "color"
    GRAY = "gray"
    BW = "bw"


class PageFlag(StrEnum):
    BLANK = "blank"
    TOO_DARK = "too-dark"
    TOO_LIGHT = "too-light"
    BLURRED = "blurred"
    LOW_RESOLUTION = "low-resolution"
    LOW_OCR_CONFIDENCE = "low-ocr-confidence"
    DPI_ASSUMED = "dpi-assumed"  # the file had no resolution; 300 dpi was assumed
    ROTATED = "rotated"  # the page was turned upright
    SEPARATOR = "separator"  # a separator sheet (barcode), not part of any document
    ORIENTATION_UNCERTAIN = "orientation-uncertain"  # no turn read clearly best: the clerk checks it


@dataclass
class Page:
    file: Path
    dpi: int = 300
    color_mode: ColorMode = ColorMode.COLOR
    flags: set[PageFlag] = field(default_factory=set)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    rotation: int = 0  # clockwise degrees the clerk asked for, applied before processing


@dataclass
class Document:
    kind: DocumentKind
    title: str = ""
    component_code: str = ""
    result_code: str = ""
    issuing_agency: str = ""
    issue_date: date | None = None
    valid_until: date | None = None
    pages: list[Page] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Dossier:
    code: str
    procedure_code: str = ""
    procedure_name: str = ""
    owner_type: OwnerType = OwnerType.PERSON
    owner_id: str = ""
    owner_name: str = ""
    received_date: date = field(default_factory=date.today)
    documents: list[Document] = field(default_factory=list)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # a backlog result issued before the repository: its code is the paper's own numbering, or none
    legacy: bool = False

    def validated(self, profile: ProvinceProfile) -> Dossier:
        """Normalise every field in place and raise one ValidationError listing every problem."""
        problems: list[str] = []

        def check(fn, *args):  # type: ignore[no-untyped-def]
            try:
                return fn(*args)
            except ValidationError as e:
                problems.append(e.message())
                return args[0]

        if self.legacy:
            self.code = check(validate_legacy_code, self.code)
        else:
            self.code = check(validate_dossier_code, self.code, profile)
        if self.procedure_code:
            self.procedure_code = check(validate_procedure_code, self.procedure_code, profile)
        if self.owner_id:
            self.owner_id = check(validate_owner_id, self.owner_id, self.owner_type.value)
        self.owner_name = normalize_text(self.owner_name)
        self.procedure_name = normalize_text(self.procedure_name)
        for doc in self.documents:
            doc.title = normalize_text(doc.title)
            doc.issuing_agency = normalize_text(doc.issuing_agency)
            if doc.component_code:
                doc.component_code = check(validate_component_code, doc.component_code, profile)
            if doc.issue_date and doc.valid_until and doc.valid_until < doc.issue_date:
                problems.append(
                    Text(
                        vi="Tài liệu '{title}': ngày hết hiệu lực {until} trước ngày cấp {issued}",
                        en="The document '{title}': valid until {until} is before its issue date {issued}",
                    ).render(
                        None,
                        title=doc.title or doc.kind.value,
                        until=doc.valid_until.strftime("%d/%m/%Y"),
                        issued=doc.issue_date.strftime("%d/%m/%Y"),
                    )
                )
            if doc.result_code:
                doc.result_code = check(validate_result_code, doc.result_code, profile)
            elif doc.kind.needs_result_code:
                problems.append(
                    Text(
                        vi="Tài liệu '{title}' là kết quả giải quyết nên phải có mã kết quả",
                        en="The document '{title}' is a result, so it needs a result code",
                    ).render(None, title=doc.title or doc.kind.value)
                )
        if problems:
            raise ValidationError(Text(vi="{detail}", en="{detail}"), detail="; ".join(problems))
        return self
