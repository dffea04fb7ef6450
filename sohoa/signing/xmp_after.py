"""Keep a PDF/A file's XMP consistent with its Info dictionary in the signing revision.

pyHanko rewrites the XMP packet when it signs (its ElementTree serialiser renames prefixes to
``ns0``/``ns1``, it sets ``pdf:Producer`` to its own name while the Info dictionary keeps the old
one, and it leaves ``xmp:MetadataDate`` and ``xmpMM:InstanceID`` unchanged). This module makes the
new packet with pikepdf instead (standard prefixes, every property kept), updates ModifyDate,
MetadataDate and InstanceID, keeps Producer identical in both places, and hands it to a pyHanko
writer that puts it into the same incremental update as the signature.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pikepdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def updated_xmp(source: bytes, moment: dt.datetime) -> tuple[bytes, str] | None:
    """The new XMP packet and the Producer both places must carry; None when the file has no XMP."""
    with pikepdf.open(io.BytesIO(source)) as pdf:
        if "/Metadata" not in pdf.Root:
            return None
        producer = str(pdf.docinfo.get("/Producer", "")) if pdf.trailer.get("/Info") is not None else ""
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            stamp = moment.astimezone(dt.UTC).isoformat(timespec="seconds")
            meta["xmp:ModifyDate"] = stamp
            meta["xmp:MetadataDate"] = stamp
            meta["xmpMM:InstanceID"] = f"uuid:{uuid.uuid4()}"
            producer = producer or str(meta.get("pdf:Producer", ""))
            if producer:
                meta["pdf:Producer"] = producer
        return bytes(pdf.Root.Metadata.read_bytes()), producer


def pdf_date(moment: dt.datetime) -> str:
    """D:YYYYMMDDHHmmSS+07'00' (the Info dictionary's date format), in Vietnam time."""
    local = moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
    return local.strftime("D:%Y%m%d%H%M%S+07'00'")


class PdfaIncrementalWriter(IncrementalPdfFileWriter):
    """An incremental writer that writes the given XMP and matching Info entries, not pyHanko's."""

    def __init__(self, *args: Any, xmp: bytes, producer: str, moment: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sohoa_xmp = xmp
        self._sohoa_producer = producer
        self._sohoa_moment = moment

    def _update_meta(self) -> None:
        if self._info is not None:
            info = self._info.get_object()
            info["/ModDate"] = generic.TextStringObject(pdf_date(self._sohoa_moment))
            if self._sohoa_producer:
                info["/Producer"] = generic.TextStringObject(self._sohoa_producer)
            self.mark_update(self._info)
        stream = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
            },
            stream_data=self.sohoa_xmp,
        )
        self.root[generic.pdf_name("/Metadata")] = self.add_object(stream)
        self.update_root()


# pikepdf's PDF/A check does not support interactive forms, so every signed file carries this finding.
FORMS_UNSUPPORTED = "interactive forms (/AcroForm) are not supported"


def declares_pdfa(xmp: bytes) -> bool:
    return b"pdfaid" in xmp


def _xmp(data: bytes) -> tuple[bytes, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.Root.get("/Metadata")
        xmp = meta.read_bytes() if isinstance(meta, pikepdf.Stream) else b""
        producer = str(pdf.docinfo.get("/Producer", "")) if pdf.trailer.get("/Info") is not None else ""
    return xmp, producer


def problems_after_signing(signed: bytes) -> list[str]:
    """Why a signed PDF/A file is no longer consistent PDF/A ([] when it is).

    The project's PDF/A check (``sohoa.core.pdfa_check``) on the final revision, with only the
    forms finding excused, plus what it does not look at: renamed prefixes, Producer in both
    places, MetadataDate and InstanceID present.
    """
    from sohoa.core.pdfa_check import validate_pdfa

    problems = [
        f"{f.rule}: {f.message}"
        for f in validate_pdfa(signed, "2b").problems
        if f.message != FORMS_UNSUPPORTED
    ]
    xmp, producer = _xmp(signed)
    text = xmp.decode("utf-8", errors="replace")
    if "xmlns:ns0" in text or "<ns0:" in text or " ns1:" in text:
        problems.append("XMP prefixes renamed (ns0/ns1)")
    for prop in ("MetadataDate", "InstanceID"):
        if prop not in text:
            problems.append(f"XMP {prop} missing")
    with pikepdf.open(io.BytesIO(signed)) as pdf, pdf.open_metadata() as meta:
        xmp_producer = str(meta.get("pdf:Producer", ""))
    if producer and xmp_producer != producer:
        problems.append(f"pdf:Producer {xmp_producer!r} differs from the Info dictionary's {producer!r}")
    return problems
