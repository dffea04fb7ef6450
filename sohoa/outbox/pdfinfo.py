"""What the queue reads from a signed PDF before accepting it: its page count and first signer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.outbox.errors import NotASignedPdf

__all__ = ["inspect_signed_pdf"]


def inspect_signed_pdf(path: Path) -> tuple[int, str]:
    """The page count and first signer of a signed PDF; NotASignedPdf if it is not one.

    One pikepdf (qpdf, C++) parse gives both: pyHanko's reader tokenises the signature's
    ~16,000-digit hex string a byte at a time in Python (~5 ms a file). The test is the
    same as pyHanko's ``embedded_signatures``: a signature field whose value holds a CMS
    SignedData; the signer is the certificate its first SignerInfo names.
    """
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
        raise NotASignedPdf(path=str(path), detail=f"unreadable: {type(e).__name__}") from e
    if contents is None:
        raise NotASignedPdf(path=str(path), detail="no digital signature")
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
