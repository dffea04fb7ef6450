"""Assembling the PDF/A-2b file with pikepdf, and validating it before it is handed on.

One page per processed image: the image fills the page, the invisible text lies over it.
The file carries an sRGB output intent, XMP metadata (PDF/A identification, Dublin Core,
and the dossier code, document kind and result code in SoHoa's own schema, described by a
PDF/A extension schema as PDF/A requires) and a document ID. It is written to a temporary
file, validated with ``pikepdf.pdfa``, and only then renamed to its final name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf

from sohoa import __version__
from sohoa.core.appendix6 import XMP_PROPERTIES as APPENDIX_VI_XMP
from sohoa.core.fsutil import atomic_output
from sohoa.core.icc import srgb_profile
from sohoa.core.pdfa_check import validate_pdfa
from sohoa.processing.encode import EncodedImage
from sohoa.processing.errors import PdfAValidationFailed
from sohoa.processing.ocr import Word
from sohoa.processing.options import PdfMetadata
from sohoa.processing.textlayer import SubsetFont, build_font, font_object, text_operators

PRODUCER = f"SoHoa {__version__}"
SOHOA_NS = "https://sohoa.vn/ns/dossier/1.0/"
SAVE_KWARGS = {"object_stream_mode": pikepdf.ObjectStreamMode.generate, "compress_streams": True}


@dataclass
class PdfPage:
    image: EncodedImage
    dpi: int
    words: Sequence[Word]
    patches: Sequence[tuple[int, int, EncodedImage]] = ()  # colour JPEGs drawn over the base at (x, y) px


def _image_stream(
    pdf: pikepdf.Pdf, img: EncodedImage, color_space: pikepdf.Name, bits: int, codec: pikepdf.Name
) -> pikepdf.Stream:
    """An image XObject of already-coded data (G4, JBIG2 or JPEG)."""
    return pikepdf.Stream(
        pdf,
        img.data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=img.width,
        Height=img.height,
        ColorSpace=color_space,
        BitsPerComponent=bits,
        Filter=codec,
    )


def _image_xobject(pdf: pikepdf.Pdf, img: EncodedImage) -> pikepdf.Stream:
    gray = pikepdf.Name.DeviceGray
    if img.kind == "jbig2":  # a JBIG2 scan passed through as it came (PDF/A-2 permits JBIG2Decode)
        stream = _image_stream(pdf, img, gray, 1, pikepdf.Name.JBIG2Decode)
        if img.globals:
            shared = pikepdf.Stream(pdf, img.globals, Filter=pikepdf.Name.FlateDecode)
            stream.DecodeParms = pikepdf.Dictionary(JBIG2Globals=shared)
        return stream
    if img.kind == "g4":
        stream = _image_stream(pdf, img, gray, 1, pikepdf.Name.CCITTFaxDecode)
        stream.DecodeParms = pikepdf.Dictionary(
            K=-1, Columns=img.width, Rows=img.height, BlackIs1=img.black_is_1
        )
        return stream
    space = gray if img.color_mode.value == "gray" else pikepdf.Name.DeviceRGB
    return _image_stream(pdf, img, space, 8, pikepdf.Name.DCTDecode)


def _xmp_date(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def _pdf_date(dt: datetime) -> str:
    off = dt.utcoffset()
    minutes = int(off.total_seconds() // 60) if off is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return dt.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def _ext_property(name: str, description: str) -> str:
    return (
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
    )


def xmp_packet(meta: PdfMetadata, created: datetime, document_id: str) -> bytes:
    """The XMP metadata: PDF/A-2b identification, Dublin Core, XMP basics and SoHoa's schema."""
    title = escape(meta.title or "")
    creator = (
        f"<dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>"
        if meta.author
        else ""
    )
    props = "".join(
        f"<sohoa:{name}>{escape(value)}</sohoa:{name}>"
        for name, value in (
            ("DossierCode", meta.dossier_code),
            ("DocumentKind", meta.document_kind),
            ("ResultCode", meta.result_code),
        )
        if value
    )
    props += "".join(  # Decree 30 Appendix VI, declared below like the rest of the sohoa: schema
        f"<sohoa:{name}>{escape(meta.appendix_vi[name])}</sohoa:{name}>"
        for name, _ in APPENDIX_VI_XMP
        if meta.appendix_vi.get(name)
    )
    date = _xmp_date(created)
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:sohoa="{SOHOA_NS}"
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
{creator}
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
<pdf:Producer>{PRODUCER}</pdf:Producer>
<xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>
<xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>
{props}
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>SoHoa dossier metadata</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{SOHOA_NS}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>sohoa</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
{_ext_property("DossierCode", "Dossier code (MaHoSo)")}
{_ext_property("DocumentKind", "Document kind (result, component, ...)")}
{_ext_property("ResultCode", "Result code (MaGiayToKetQua)")}
{"".join(_ext_property(name, text) for name, text in APPENDIX_VI_XMP)}
</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


def build_pdf(pages: Sequence[PdfPage], meta: PdfMetadata, font: SubsetFont | None = None) -> pikepdf.Pdf:
    """A PDF/A-2b document (in memory) of ``pages``."""
    pdf = pikepdf.new()
    chars = {c for p in pages for w in p.words for c in w.text}
    font = font or (build_font(chars) if chars else None)
    font_ref = font_object(pdf, font) if font else None
    for page in pages:
        img = page.image
        px_per_pt = page.dpi * img.scale / 72.0  # the G4 text image has img.scale pixels per page pixel
        w_pt, h_pt = img.width / px_per_pt, img.height / px_per_pt
        content = f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Im0 Do Q\n".encode()
        xobjects = pikepdf.Dictionary(Im0=_image_xobject(pdf, img))
        k = 72.0 / page.dpi
        for n, (x, y, patch) in enumerate(page.patches, start=1):
            xobjects[f"/Im{n}"] = _image_xobject(pdf, patch)
            pw, ph = patch.width * k, patch.height * k
            content += (
                f"q {pw:.3f} 0 0 {ph:.3f} {x * k:.3f} {h_pt - y * k - ph:.3f} cm /Im{n} Do Q\n".encode()
            )
        resources = pikepdf.Dictionary(XObject=xobjects)
        if font is not None and font_ref is not None and page.words:
            content += text_operators(page.words, font, "F1", page.dpi, h_pt)
            resources.Font = pikepdf.Dictionary(F1=font_ref)
        page_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(w_pt, 3), round(h_pt, 3)],
            Resources=resources,
            Contents=pikepdf.Stream(pdf, content),
        )
        pdf.pages.append(pikepdf.Page(page_dict))
    created = (meta.created or datetime.now()).astimezone()
    document_id = uuid.uuid4()
    icc = pikepdf.Stream(pdf, srgb_profile())
    icc.N = 3
    pdf.Root.OutputIntents = [
        pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent,
            S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier="sRGB IEC61966-2.1",
            Info="sRGB IEC61966-2.1",
            DestOutputProfile=icc,
        )
    ]
    metadata = pikepdf.Stream(pdf, xmp_packet(meta, created, str(document_id)))
    metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    pdf.Root.Metadata = metadata
    info = pikepdf.Dictionary(
        Producer=PRODUCER, Creator=PRODUCER, CreationDate=_pdf_date(created), ModDate=_pdf_date(created)
    )
    if meta.title:
        info.Title = meta.title
    if meta.author:
        info.Author = meta.author
    pdf.trailer.Info = pdf.make_indirect(info)
    pdf.trailer.ID = [document_id.bytes, document_id.bytes]
    return pdf


def validate(path: Path) -> None:
    """Raise PdfAValidationFailed unless ``path`` passes pikepdf's PDF/A-2b check.

    pikepdf's validator knows only the predefined XMP namespaces; ISO 19005-2 6.6.2.3.2 allows
    our own properties because the file describes them in a PDF/A extension schema.
    :func:`app.pdfa_check.validate_pdfa` excuses exactly the findings about declared extension
    schemas; every other finding fails the output.
    """
    result = validate_pdfa(path, "2b")
    if not result.passed:
        raise PdfAValidationFailed(detail=(result.summary() or "no verdict")[:500])


def write_pdfa(pages: Sequence[PdfPage], out_pdf: Path, meta: PdfMetadata) -> int:
    """Write and validate the PDF/A; the final name appears only when it passed. Returns bytes."""
    pdf = build_pdf(pages, meta)
    with atomic_output(out_pdf) as tmp:
        pdf.save(tmp, **SAVE_KWARGS)
        pdf.close()
        validate(tmp)
        size = tmp.stat().st_size
    return size
