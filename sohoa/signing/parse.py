"""The one signature parser: finds a PDF's signatures and what they sign, for every reader.

Used by verification (:mod:`sohoa.signing.verify`), the outbox (:func:`inspect_signed_pdf`, page count
and signer of a file being queued) and the reference repository server (``reference_repository.checks``:
the revision before the first signature for the PDF/A check, the signatures to validate, the page
count). It imports only the core and third-party parsers, so the server may import this one module
of the signing layer and nothing else (a documented exception in the "repository-apart" contract).

Two depths, one module:

- :func:`inspect_signed_pdf`: a quick look with pikepdf (qpdf, C++): the page count and the first
  signer, the test being pyHanko's own (a filled ``/Sig`` field whose value holds a CMS SignedData).
  pyHanko's reader tokenises a signature's ~16,000-digit hex string a byte at a time in Python
  (~5 ms a file), too slow for a queue of 100,000;
- :func:`parse_signed_pdf`: pyHanko's full parse, for validating the signatures.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sohoa.core.errors import InputError
from sohoa.core.i18n import Text

__all__ = [
    "NotASignedPdfFile",
    "ParsedPdf",
    "inspect_signed_pdf",
    "parse_reader",
    "parse_signed_pdf",
]


class NotASignedPdfFile(InputError):
    """The file is not a readable PDF (``reason`` "not_pdf") or carries no signature ("not_signed")."""

    text = Text(
        vi="Tệp {path} không phải là PDF đã ký số: {detail}.",
        en="The file {path} is not a signed PDF: {detail}.",
    )

    @property
    def reason(self) -> str:
        return str(self.params.get("reason", "not_pdf"))


@dataclass
class ParsedPdf:
    """A PDF and its embedded signatures (pyHanko objects), sorted by the revision they sign."""

    data: bytes
    reader: Any  # pyhanko PdfFileReader
    signatures: list[Any]  # pyhanko EmbeddedPdfSignature
    malformed: list[tuple[str, str, str]]  # (field name, subfilter, error) of fields that are not signatures

    @property
    def page_count(self) -> int:
        try:
            return int(self.reader.root["/Pages"]["/Count"])
        except (KeyError, TypeError, ValueError) as e:
            raise NotASignedPdfFile(path="-", detail=f"no page tree ({e})", reason="not_pdf") from e

    def unsigned_revision(self) -> bytes:
        """The bytes of the revision before the first signature (b"" if the first one is not incremental)."""
        if not self.signatures or self.signatures[0].signed_revision <= 0:
            return b""
        try:
            start = self.reader.xrefs.get_startxref_for_revision(self.signatures[0].signed_revision - 1)
        except (KeyError, IndexError, ValueError):
            return b""
        eof = self.data.find(b"%%EOF", start)
        return self.data[: eof + len(b"%%EOF")] if eof >= 0 else b""

    def first_signer(self) -> str:
        for sig in self.signatures:
            return str(sig.signer_cert.subject.human_friendly)
        return ""


def parse_signed_pdf(source: bytes | Path, *, require_signature: bool = True, name: str = "-") -> ParsedPdf:
    """Parse ``source`` (bytes or a path) with pyHanko; raise :class:`NotASignedPdfFile` with a reason."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if isinstance(source, Path):
        name = str(source)
        try:
            source = source.read_bytes()
        except OSError as e:
            raise NotASignedPdfFile(path=name, detail=e.strerror or str(e), reason="not_pdf") from e
    data = bytes(source)
    if b"%PDF-" not in data[:1024]:
        raise NotASignedPdfFile(path=name, detail="no %PDF header", reason="not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            raise NotASignedPdfFile(path=name, detail="the file is encrypted", reason="not_pdf")
        parsed = parse_reader(reader, data)
    except NotASignedPdfFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise NotASignedPdfFile(path=name, detail=f"unreadable ({e})", reason="not_pdf") from e
    if require_signature and not parsed.signatures:
        raise NotASignedPdfFile(path=name, detail="no digital signature", reason="not_signed")
    return parsed


def parse_reader(reader: Any, data: bytes = b"") -> ParsedPdf:
    """The signatures of a PDF already open in pyHanko (every filled field; malformed ones apart)."""
    from pyhanko.sign.fields import enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    signatures, malformed = [], []
    for field_name, sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            signatures.append(EmbeddedPdfSignature(reader, sig_field, field_name))
        except Exception as e:  # e.g. an all-zero /Contents placeholder that was never signed
            sub = str(sig_obj.get_object().get("/SubFilter", "")).lstrip("/") if sig_obj else ""
            malformed.append((str(field_name), sub, f"{type(e).__name__}: {e}"))
    signatures.sort(key=lambda s: s.signed_revision)
    return ParsedPdf(data, reader, signatures, malformed)


def inspect_signed_pdf(path: Path) -> tuple[int, str]:
    """The page count and first signer of a signed PDF (quick, pikepdf); NotASignedPdfFile if not one."""
    import pikepdf
    from asn1crypto import cms

    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            contents = _first_signature_contents(pdf)
        signer = _cms_signer(cms.ContentInfo.load(contents)) if contents is not None else ""
    except FileNotFoundError:
        raise
    except (OSError, pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise NotASignedPdfFile(
            path=str(path), detail=f"unreadable: {type(e).__name__}", reason="not_pdf"
        ) from e
    if contents is None:
        raise NotASignedPdfFile(path=str(path), detail="no digital signature", reason="not_signed")
    return pages, signer


def _first_signature_contents(pdf: Any) -> bytes | None:
    """The /Contents of the first filled signature field of the AcroForm (None: unsigned)."""
    import pikepdf

    form = pdf.Root.get("/AcroForm")
    pending = list(form.get("/Fields", [])) if isinstance(form, pikepdf.Dictionary) else []
    inherited: dict[int, Any] = {}
    while pending:
        field = pending.pop(0)
        if not isinstance(field, pikepdf.Dictionary):
            continue
        kind = field.get("/FT", inherited.get(id(field)))
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            for kid in kids:
                inherited[id(kid)] = kind
            pending.extend(kids)
        value = field.get("/V")
        if kind == "/Sig" and isinstance(value, pikepdf.Dictionary) and "/Contents" in value:
            return bytes(value.Contents)
    return None


def _cms_signer(info: Any) -> str:
    """The human-friendly subject of the certificate the first SignerInfo identifies."""
    signed = info["content"]
    sid = signed["signer_infos"][0]["sid"]
    for choice in signed["certificates"]:
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and cert.issuer == wanted["issuer"]:
                return str(cert.subject.human_friendly)
        elif cert.key_identifier == sid.chosen.native:
            return str(cert.subject.human_friendly)
    raise ValueError("the signer's certificate is not in the signature")
