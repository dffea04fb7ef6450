"""Verification report per signature: who, when, intact, trusted, what it covers, what changed after.

Built on pyHanko's validation (CMS check, trust path against the configured roots only, byte-range
coverage and its difference analysis of later revisions). A malformed signature never crashes the
report: it becomes a signature that is not intact, with the reason.

"Covers the whole file" is true when the signature covers the entire file, or its entire revision
with later revisions limited to what PAdES allows after signing (more signatures, document
timestamps, validation data, filling signature fields): pyHanko's modification levels NONE,
LTA_UPDATES and FORM_FILLING. Anything else (new content, a changed page, a byte range that
leaves bytes out) makes it false.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel

from sohoa.core.i18n import Text
from sohoa.signing.certs import VN_TZ, validation_context
from sohoa.signing.pades import open_pdf
from sohoa.signing.parse import parse_reader
from sohoa.signing.tokens import common_name

log = logging.getLogger(__name__)

ALLOWED_AFTER = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
CHANGE_KEYS = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "validation_data",
    ModificationLevel.FORM_FILLING: "signatures_added",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "content_changed",
}
# What ``SignatureReport.changes_after`` means, for people.
CHANGE_TEXT = {
    "none": Text(vi="không có", en="none"),
    "validation_data": Text(
        vi="chỉ thêm dữ liệu xác thực / dấu thời gian", en="validation data / timestamps added"
    ),
    "signatures_added": Text(vi="chỉ thêm chữ ký khác", en="only further signatures added"),
    "annotations": Text(vi="thêm hoặc sửa chú thích", en="annotations added or changed"),
    "content_changed": Text(vi="NỘI DUNG ĐÃ BỊ SỬA sau khi ký", en="CONTENT CHANGED after signing"),
    "unknown": Text(vi="không xác định", en="unknown"),
}


@dataclass(frozen=True)
class SignatureReport:
    """One signature (or document timestamp) of one file."""

    field_name: str
    kind: str  # "signature" or "timestamp"
    signer: str
    signing_time: str  # ISO 8601: the signer's claimed time, or the timestamp's time
    timestamp_time: str  # ISO 8601 time from a trusted timestamp token ("" when none)
    subfilter: str
    intact: bool  # the signed bytes were not changed and the CMS signature is correct
    valid: bool  # cryptographically valid (intact and the signature value checks out)
    trusted: bool  # chains to one of the given trust roots (and is valid at signing time)
    covers_whole_file: bool
    coverage: str
    changes_after: str  # a key of CHANGE_TEXT
    error: str = ""  # why validation could not be completed (malformed signature), if it could not

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _iso(moment: dt.datetime | None) -> str:
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds") if moment else ""


def _subfilter(sig: EmbeddedPdfSignature) -> str:
    try:
        return str(sig.sig_object.get("/SubFilter", "")).lstrip("/")
    except Exception:
        return ""


def _failed(sig: EmbeddedPdfSignature, kind: str, error: Exception) -> SignatureReport:
    return SignatureReport(
        field_name=str(sig.field_name),
        kind=kind,
        signer=_safe_signer(sig),
        signing_time="",
        timestamp_time="",
        subfilter=_subfilter(sig),
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_file=False,
        coverage="unknown",
        changes_after="unknown",
        error=f"{type(error).__name__}: {error}",
    )


def _safe_signer(sig: EmbeddedPdfSignature) -> str:
    try:
        return common_name(sig.signer_cert.subject)
    except Exception:
        return ""


def _report(sig: EmbeddedPdfSignature, status: Any, kind: str) -> SignatureReport:
    coverage = status.coverage
    level = status.modification_level
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION and level in ALLOWED_AFTER
    )
    ts = getattr(status, "timestamp_validity", None)
    claimed = getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None)
    return SignatureReport(
        field_name=str(sig.field_name),
        kind=kind,
        signer=common_name(status.signing_cert.subject),
        signing_time=_iso(claimed),
        timestamp_time=_iso(ts.timestamp) if ts is not None and ts.valid else "",
        subfilter=_subfilter(sig),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted) and (ts is None or bool(ts.trusted)),
        covers_whole_file=whole,
        coverage=coverage.name if coverage else "unknown",
        changes_after=CHANGE_KEYS.get(level, "unknown") if level is not None else "unknown",
    )


def verify_pdf(
    path: Path,
    trust_roots: Sequence[asn1_x509.Certificate] = (),
    *,
    moment: dt.datetime | None = None,
) -> list[SignatureReport]:
    """Report on every signature and document timestamp of ``path`` (an empty list when unsigned).

    ``moment`` validates at another time than now (e.g. test data whose certificates have expired).
    Raises :class:`NotAPdf` / :class:`EncryptedPdf` for files that cannot be read at all.
    """
    _quiet_third_party_logs()
    reader = open_pdf(Path(path))
    reports = []
    try:
        for sig in _embedded(reader, reports):
            kind = "timestamp" if str(sig.sig_object.get("/Type", "")) == "/DocTimeStamp" else "signature"
            context = validation_context(trust_roots, moment=moment)
            try:
                if kind == "timestamp":
                    status = validate_pdf_timestamp(sig, validation_context=context)
                else:
                    status = validate_pdf_signature(sig, context, ts_validation_context=context)
                reports.append(_report(sig, status, kind))
            except Exception as e:  # a malformed signature must be reported, never crash the check
                log.debug("validation of a signature crashed", exc_info=True)
                reports.append(_failed(sig, kind, e))
    finally:
        reader.stream.close()
    return reports


def _embedded(reader: PdfFileReader, reports: list[SignatureReport]) -> list[EmbeddedPdfSignature]:
    """Every filled signature field in revision order (the one parser, :mod:`sohoa.signing.parse`);
    unparseable ones go to ``reports`` as failed."""
    parsed = parse_reader(reader)
    for name, sub, error in parsed.malformed:
        reports.append(
            SignatureReport(
                field_name=name,
                kind="signature",
                signer="",
                signing_time="",
                timestamp_time="",
                subfilter=sub,
                intact=False,
                valid=False,
                trusted=False,
                covers_whole_file=False,
                coverage="unknown",
                changes_after="unknown",
                error=f"malformed signature: {error}",
            )
        )
    return parsed.signatures


def _quiet_third_party_logs() -> None:
    """pyHanko logs certificate subjects (people's names) with tracebacks at WARNING; our report says
    the same without the names, so its loggers only speak when the user asked for -v (DEBUG)."""
    level = logging.DEBUG if logging.getLogger().level <= logging.DEBUG else logging.ERROR
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(level)
