"""Decree 30/2020/NĐ-CP Appendix VI: the metadata of an electronic document, filled from the dossier.

One builder for both places the metadata goes: the upload's metadata (``AppendixVI``, nested
as the appendix lists it) and the PDF's XMP (flat ``sohoa:`` properties, declared as a PDF/A
extension schema in :mod:`sohoa.processing.pdfa`). Only what the dossier knows is filled;
the rest stays empty rather than guessed. ``FileCode`` is ``OrganId.FileCatalog.FileNotation``
(agency code, the year the file was formed, the dossier's code). docs/portal-vocabulary.md
says where each value comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.province import ProvinceProfile

TYPE_NAMES = {
    DocumentKind.RESULT: "Kết quả giải quyết thủ tục hành chính",
    DocumentKind.PROCESSING_RESULT: "Kết quả xử lý hồ sơ",
    DocumentKind.COMPONENT_RESULT: "Thành phần hồ sơ là kết quả giải quyết",
    DocumentKind.COMPONENT: "Thành phần hồ sơ",
    DocumentKind.REJECTION: "Phiếu từ chối, yêu cầu bổ sung hồ sơ",
}
LANGUAGE = "Tiếng Việt"
# the XMP property names (flat), in the order they are declared
XMP_PROPERTIES: list[tuple[str, str]] = [
    ("FileCode", "Decree 30 Appendix VI: file code (OrganId.FileCatalog.FileNotation)"),
    ("OrganId", "Decree 30 Appendix VI: agency code"),
    ("FileCatalog", "Decree 30 Appendix VI: year the file was formed"),
    ("FileNotation", "Decree 30 Appendix VI: file number and notation"),
    ("DocOrdinal", "Decree 30 Appendix VI: ordinal of the document in the file"),
    ("TypeName", "Decree 30 Appendix VI: document type"),
    ("CodeNumber", "Decree 30 Appendix VI: document number"),
    ("CodeNotation", "Decree 30 Appendix VI: document notation"),
    ("IssuedDate", "Decree 30 Appendix VI: date issued (YYYY-MM-DD)"),
    ("OrganName", "Decree 30 Appendix VI: issuing agency"),
    ("Subject", "Decree 30 Appendix VI: summary of the content"),
    ("Language", "Decree 30 Appendix VI: language"),
    ("PageAmount", "Decree 30 Appendix VI: number of pages"),
    ("Description", "Decree 30 Appendix VI: description"),
    ("SignerPosition", "Decree 30 Appendix VI: SignerInfo Position"),
    ("SignerFullName", "Decree 30 Appendix VI: SignerInfo FullName"),
]
_CN = re.compile(r"(?:^|[,/]\s*)CN=([^,/]+)")


def common_name(subject: str) -> str:
    """The CN of a certificate subject ("CN=Nguyễn Văn A, O=..."), or the text itself."""
    m = _CN.search(subject or "")
    return (m[1] if m else subject or "").strip()


@dataclass
class AppendixVI:
    organ_id: str = ""
    file_catalog: str = ""
    file_notation: str = ""
    doc_ordinal: int = 0
    type_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    issued_date: str = ""
    organ_name: str = ""
    subject: str = ""
    language: str = LANGUAGE
    page_amount: int = 0
    description: str = ""
    signer_position: str = ""
    signer_full_name: str = ""

    @property
    def file_code(self) -> str:
        return ".".join(p for p in (self.organ_id, self.file_catalog, self.file_notation) if p)

    def to_wire(self) -> dict[str, Any]:
        """The upload metadata's ``AppendixVI`` object, named as the appendix names its fields."""
        return {
            "FileCode": self.file_code,
            "OrganId": self.organ_id,
            "FileCatalog": self.file_catalog,
            "FileNotation": self.file_notation,
            "DocOrdinal": self.doc_ordinal,
            "TypeName": self.type_name,
            "CodeNumber": self.code_number,
            "CodeNotation": self.code_notation,
            "IssuedDate": self.issued_date,
            "OrganName": self.organ_name,
            "Subject": self.subject,
            "Language": self.language,
            "PageAmount": self.page_amount,
            "Description": self.description,
            "SignerInfo": {"Position": self.signer_position, "FullName": self.signer_full_name},
        }

    def to_xmp(self) -> dict[str, str]:
        """Flat text properties for the PDF's XMP (empty ones left out)."""
        wire = self.to_wire()
        signer = wire.pop("SignerInfo")
        wire["SignerPosition"], wire["SignerFullName"] = signer["Position"], signer["FullName"]
        return {k: str(v) for k, v in wire.items() if v not in ("", 0)}


def split_number(code: str) -> tuple[str, str]:
    """``12/GCN-UBND`` -> ("12", "GCN-UBND"); a code with no "/" is all number."""
    number, _, notation = code.partition("/")
    return number.strip(), notation.strip()


def for_document(
    dossier: Dossier,
    document: Document,
    *,
    organ_id: str = "",
    organ_name: str = "",
    page_amount: int = 0,
    signer: str = "",
    signer_position: str = "",
) -> AppendixVI:
    """Appendix VI for one document of ``dossier``, from what the dossier knows."""
    ordinal = next((n for n, d in enumerate(dossier.documents, start=1) if d.id == document.id), 0)
    number, notation = split_number(document.result_code) if document.result_code else ("", "")
    return AppendixVI(
        organ_id=organ_id,
        file_catalog=str(dossier.received_date.year),
        file_notation=dossier.code,
        doc_ordinal=ordinal,
        type_name=TYPE_NAMES.get(document.kind, ""),
        code_number=number,
        code_notation=notation,
        issued_date=document.issue_date.isoformat() if document.issue_date else "",
        organ_name=document.issuing_agency or organ_name,
        subject=document.title,
        page_amount=page_amount or len(document.pages),
        description=dossier.procedure_name,
        signer_position=signer_position,
        signer_full_name=common_name(signer),
    )


def for_dossier_document(
    dossier: Dossier, document: Document, profile: ProvinceProfile, agency_name: str = "", signer: str = ""
) -> AppendixVI:
    """Appendix VI with the agency code the province uses (``[portal] unit_code``, else the dossier's unit)."""
    # an old result's own numbering names no unit: OrganId stays empty rather than guessed from it
    organ_id = profile.portal.get("unit_code") or ("" if dossier.legacy else profile.unit_of(dossier.code))
    return for_document(dossier, document, organ_id=organ_id, organ_name=agency_name, signer=signer)
