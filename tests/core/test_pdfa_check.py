"""PDF/A checking: custom XMP passes only when the file's own extension schema declares it."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from reference_repository.samples import make_pdfa
from sohoa.core.pdfa_check import declared_extensions, validate_pdfa

NS = "https://example.gov.vn/ns/test/1.0/"
EXTENSION = f"""<pdfaExtension:schemas xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
 <rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>Test schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>{NS}</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>t</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq>{{props}}</rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag>
</pdfaExtension:schemas>"""
PROP = """<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>
 <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>
 <pdfaProperty:description>d</pdfaProperty:description></rdf:li>"""


def _with_xmp(extra_ns: str, extra: str) -> bytes:
    """A valid PDF/A-2b whose XMP gets one more rdf:Description (raw XML, as producers write it)."""
    with pikepdf.open(io.BytesIO(make_pdfa(3000))) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        description = (
            f'<rdf:Description rdf:about="" {extra_ns} xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f"{extra}</rdf:Description>"
        )
        xmp = xmp.replace("</rdf:RDF>", description + "</rdf:RDF>")
        pdf.Root.Metadata = pdf.make_stream(xmp.encode())
        pdf.Root.Metadata.Type, pdf.Root.Metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_plain_pdfa_passes() -> None:
    assert validate_pdfa(make_pdfa(3000)).passed


def test_declared_custom_property_passes() -> None:
    data = _with_xmp(
        f'xmlns:t="{NS}"',
        "<t:DossierCode>H15-1</t:DossierCode>"
        + EXTENSION.replace("{props}", PROP.format(name="DossierCode")),
    )
    result = validate_pdfa(data)
    assert result.passed, result.summary()
    assert result.excused  # pikepdf alone would have failed it


def test_undeclared_custom_namespace_fails() -> None:
    result = validate_pdfa(_with_xmp(f'xmlns:t="{NS}"', "<t:DossierCode>H15-1</t:DossierCode>"))
    assert not result.passed
    assert NS in result.summary()


def test_property_missing_from_the_schema_fails() -> None:
    data = _with_xmp(
        f'xmlns:t="{NS}"',
        "<t:DossierCode>H15-1</t:DossierCode><t:Secret>x</t:Secret>"
        + EXTENSION.replace("{props}", PROP.format(name="DossierCode")),
    )
    result = validate_pdfa(data)
    assert not result.passed
    assert "t:Secret" in result.summary()


def test_declared_extensions_reader() -> None:
    xml = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="">'
        + EXTENSION.replace("{props}", PROP.format(name="A"))
        + "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    prefixes, props = declared_extensions(xml.encode())
    assert prefixes == {"t": NS}
    assert props == {(NS, "A")}
    assert declared_extensions(b"<not xml") == ({}, set())


@pytest.mark.parametrize("name", ["6-2-3-t01-fail-c.pdf", "6-1-2-t01-fail-a.pdf", "6-6-2-1-t01-fail-a.pdf"])
def test_verapdf_fail_files_still_fail(corpus: Path, name: str) -> None:
    matches = list((corpus / "pdfa" / "verapdf" / "PDF_A-2b" / "fail").glob(name))
    if not matches:
        pytest.skip(f"{name} not in the corpus")
    assert not validate_pdfa(matches[0]).passed
