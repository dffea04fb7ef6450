"""Decree 30 Appendix VI: filled from the dossier, in the upload metadata and in the PDF/A's XMP."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw

from sohoa.core.appendix6 import XMP_PROPERTIES, common_name, for_document, for_dossier_document
from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.province import load_profile
from sohoa.outbox.metadata import DocumentMetadata


def _dossier() -> Dossier:
    return Dossier(
        code="H15.50.05.13-261008-0975",
        procedure_code="1.001757",
        procedure_name="Chứng thực bản sao từ bản chính",
        owner_id="001099012345",
        received_date=date(2026, 10, 8),
        documents=[
            Document(kind=DocumentKind.COMPONENT, title="Đơn đề nghị"),
            Document(
                kind=DocumentKind.RESULT,
                title="Giấy xác nhận tình trạng hôn nhân",
                result_code="12/GXN-UBND",
                issue_date=date(2026, 10, 9),
            ),
        ],
    )


def test_filled_from_what_the_dossier_knows() -> None:
    d = _dossier()
    a = for_document(
        d, d.documents[1], organ_id="H15.50.05.13", organ_name="UBND xã Thử Nghiệm", page_amount=2
    )
    wire = a.to_wire()
    assert wire["FileCode"] == "H15.50.05.13.2026.H15.50.05.13-261008-0975"
    assert (wire["DocOrdinal"], wire["CodeNumber"], wire["CodeNotation"]) == (2, "12", "GXN-UBND")
    assert wire["IssuedDate"] == "2026-10-09" and wire["OrganName"] == "UBND xã Thử Nghiệm"
    assert wire["Subject"] == "Giấy xác nhận tình trạng hôn nhân" and wire["Language"] == "Tiếng Việt"
    assert wire["Description"] == "Chứng thực bản sao từ bản chính" and wire["PageAmount"] == 2
    assert wire["SignerInfo"] == {"Position": "", "FullName": ""}
    # the component has no number: left empty rather than guessed
    assert for_document(d, d.documents[0]).to_wire()["CodeNumber"] == ""


def test_upload_metadata_carries_it_and_completes_it_on_enqueue() -> None:
    d = _dossier()
    meta = DocumentMetadata(
        dossier_code=d.code,
        kind=DocumentKind.RESULT,
        result_code="KQ.H15-2026-000123",
        appendix_vi=for_dossier_document(d, d.documents[1], load_profile()).to_wire(),
        page_count=3,
        signer="CN=Nguyễn Văn Ký, O=UBND xã Thử Nghiệm, C=VN",
    ).validated()
    wire = meta.to_wire()
    assert wire["AppendixVI"]["PageAmount"] == 3
    assert wire["AppendixVI"]["SignerInfo"]["FullName"] == "Nguyễn Văn Ký"
    assert wire["AppendixVI"]["OrganId"] == "H15.50.05.13"  # the dossier code's unit part
    assert DocumentMetadata.from_wire(wire).appendix_vi == wire["AppendixVI"]
    bare = DocumentMetadata(dossier_code=d.code, kind=DocumentKind.COMPONENT).to_wire()
    assert "AppendixVI" not in bare  # a server that predates Appendix VI still takes the commit
    assert common_name("Nguyễn Văn Ký") == "Nguyễn Văn Ký"


def test_in_the_pdfa_xmp_declared_as_an_extension_schema(tmp_path: Path) -> None:
    from sohoa.processing import PdfMetadata, ProcessOptions, process_document
    from sohoa.processing.pdfa import validate

    page = tmp_path / "page.png"
    im = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    ImageDraw.Draw(im).rectangle((200, 300, 1000, 340), fill="black")
    im.save(page, dpi=(150, 150))
    d = _dossier()
    xmp_values = for_document(
        d, d.documents[1], organ_id="H15.50.05.13", organ_name="UBND xã Thử Nghiệm"
    ).to_xmp()
    out = tmp_path / "out.pdf"
    process_document(
        [page],
        out,
        ProcessOptions(languages="vie"),
        PdfMetadata(title="Giấy xác nhận", dossier_code=d.code, appendix_vi=xmp_values),
    )
    validate(out)  # still PDF/A-2b: every property is declared
    with pikepdf.open(out) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    assert "<sohoa:FileCode>H15.50.05.13.2026.H15.50.05.13-261008-0975</sohoa:FileCode>" in xmp
    assert "<sohoa:OrganName>UBND xã Thử Nghiệm</sohoa:OrganName>" in xmp
    assert "<sohoa:CodeNotation>GXN-UBND</sohoa:CodeNotation>" in xmp
    for name, _ in XMP_PROPERTIES:
        assert f"<pdfaProperty:name>{name}</pdfaProperty:name>" in xmp
    report = pikepdf.pdfa.validate_written(out, "2b")
    assert all("6.6.2.3.1-1" in f.rule for f in report.findings), report.findings
