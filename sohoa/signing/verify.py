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

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from sohoa.core.i18n import Text
from sohoa.signing.certs import VN_TZ, fetcher_backend, has_revocation_pointers
from sohoa.signing.pades import open_pdf
from sohoa.signing.parse import parse_reader
from sohoa.signing.tokens import common_name

log = logging.getLogger(__name__)

# A signing key is one for digital signatures or non-repudiation (the same rule as before signing).
KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)

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
    revocation: str = "unknown"  # good / revoked / unknown / none (the certificate names no OCSP or CRL)
    revocation_source: str = ""  # "embedded" (DSS, in the file) or "online" (fetched now)
    revocation_detail: str = ""  # when revoked: reason and date; when unknown: why
    chain: tuple[str, ...] = ()  # common names from the signer's issuer up to the trust anchor
    root: str = ""  # the trust anchor the chain ends at ("" when untrusted)
    problem: str = ""  # pyHanko's AdES sub-indication when not trusted (revoked, expired, ...)
    validated_at: str = ""  # the moment the chain and revocation were checked for (timestamp time or now)

    @property
    def ok(self) -> bool:
        """Valid only when revocation is known to be good (or there is nothing to check): never on unknown."""
        return (
            self.intact
            and self.valid
            and self.trusted
            and self.covers_whole_file
            and self.revocation in ("good", "none")
        )

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


def _report(sig: EmbeddedPdfSignature, status: Any, kind: str, check: _Check) -> SignatureReport:
    coverage = status.coverage
    level = status.modification_level
    whole = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION and level in ALLOWED_AFTER
    )
    ts = getattr(status, "timestamp_validity", None)
    claimed = getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None)
    path = status.validation_path
    names = [common_name(c.subject) for c in path.iter_certs(include_root=True)][::-1][1:] if path else []
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
        revocation=check.revocation,
        revocation_source=check.source,
        revocation_detail=check.detail,
        chain=tuple(names),
        root=names[-1] if names and status.trusted else "",
        problem=check.problem,
        validated_at=_iso(check.moment) if check.moment else _iso(dt.datetime.now(dt.UTC)),
    )


@dataclass
class _Check:
    """How one signature's chain and revocation were checked, and what came out."""

    moment: dt.datetime | None = None
    revocation: str = "unknown"
    source: str = ""
    detail: str = ""
    problem: str = ""


def _tst_time(sig: EmbeddedPdfSignature, kind: str) -> dt.datetime | None:
    """The time in the signature's timestamp token (or of a document timestamp), unverified yet."""
    try:
        if kind == "timestamp":
            content = sig.signed_data["encap_content_info"]["content"]
        else:
            token = find_unique_cms_attribute(sig.signer_info["unsigned_attrs"], "signature_time_stamp_token")
            content = token["content"]["encap_content_info"]["content"]
        return content.parsed["gen_time"].native  # type: ignore[no-any-return]
    except Exception:  # no timestamp (B-B), or one we cannot read: validate at "now"
        return None


def _context(
    trust_roots: Sequence[asn1_x509.Certificate],
    others: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    moment: dt.datetime | None,
    online: bool,
    mode: str = "hard-fail",
) -> ValidationContext:
    kwargs: dict[str, Any] = {
        "trust_roots": list(trust_roots),
        "other_certs": list(others),
        "allow_fetching": online,
        "revocation_mode": mode,
        "moment": moment,
        "retroactive_revinfo": True,  # validation data fetched just after the timestamp is fine
        "fetcher_backend": fetcher_backend() if online else None,
    }
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


# Sub-indications that more data (validation data fetched online, an AIA intermediate) may resolve.
RETRY_ONLINE = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND}


# Sub-indications that leave the revocation status open.
UNRESOLVED = RETRY_ONLINE | {AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE}


async def _run(
    sig: EmbeddedPdfSignature,
    kind: str,
    trust_roots: Sequence[asn1_x509.Certificate],
    others: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    moment: dt.datetime | None,
    fetch: bool,
    mode: str,
) -> Any:
    context = _context(trust_roots, others, dss, moment, fetch, mode)
    if kind == "timestamp":
        return await async_validate_pdf_timestamp(sig, validation_context=context)
    return await async_validate_pdf_signature(
        sig,
        signer_validation_context=context,
        ts_validation_context=_context(trust_roots, others, dss, None, fetch, "soft-fail"),
        key_usage_settings=KEY_USAGE,
    )


async def _validate_one(
    sig: EmbeddedPdfSignature,
    kind: str,
    trust_roots: Sequence[asn1_x509.Certificate],
    intermediates: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    moment: dt.datetime | None,
    online: bool,
) -> SignatureReport:
    """Embedded data first (the DSS, at the timestamp's time), then online; "unknown" when neither works."""
    check = _Check(moment=moment or _tst_time(sig, kind))
    others = [*intermediates, *sig.other_embedded_certs]
    # (source, fetch, revocation mode): the DSS alone, then fetched data; else offline with no verdict
    attempts = [("embedded", False, "hard-fail")] if dss is not None else []
    attempts += [("online", True, "hard-fail")] if online else []
    attempts = attempts or [("", False, "soft-fail")]
    status: Any = None
    for source, fetch, mode in attempts:
        status = await _run(sig, kind, trust_roots, others, dss, check.moment, fetch, mode)
        if status.trust_problem_indic not in RETRY_ONLINE:
            check.source = source
            break
    indic = status.trust_problem_indic
    leaf = status.signing_cert
    if indic in UNRESOLVED and attempts[-1][2] == "hard-fail":
        # no revocation answer: look again without requiring one, to tell "trusted, revocation
        # unknown" from a chain that fails for another reason (expired, untrusted root...)
        status = await _run(sig, kind, trust_roots, others, dss, check.moment, online, "soft-fail")
        if status.trust_problem_indic is None and status.trusted:
            check.revocation, check.source, check.detail = (
                "unknown",
                "",
                f"no revocation answer ({indic.name.lower()})",
            )
            check.problem = "revocation_unknown"
            return _report(sig, status, kind, check)
        indic = status.trust_problem_indic
    if indic is None and status.trusted:
        if not has_revocation_pointers(leaf):
            check.revocation, check.source = "none", ""
        elif check.source:
            check.revocation = "good"
        else:
            check.revocation, check.detail = "unknown", "offline, no validation data in the file"
    elif indic in (
        AdESFailure.REVOKED,
        AdESIndeterminate.REVOKED_NO_POE,
        AdESIndeterminate.REVOKED_CA_NO_POE,
    ):
        check.revocation = "revoked"
        details = status.revocation_details
        if details is not None:
            check.detail = f"{details.revocation_reason.native}, {_iso(details.revocation_date)}"
    else:
        check.revocation, check.source = "unknown", ""
        check.detail = indic.name.lower() if indic is not None else "untrusted"
    check.problem = indic.name.lower() if indic is not None else ""
    return _report(sig, status, kind, check)


def verify_pdf(
    path: Path,
    trust_roots: Sequence[asn1_x509.Certificate] = (),
    *,
    moment: dt.datetime | None = None,
    intermediates: Sequence[asn1_x509.Certificate] = (),
    online: bool = True,
) -> list[SignatureReport]:
    """Report on every signature and document timestamp of ``path`` (an empty list when unsigned).

    The chain and revocation are checked at the signature's timestamp time (or now) with the data
    embedded in the file (DSS) first, then, when ``online``, with OCSP/CRL and AIA fetched now.
    ``moment`` validates at another time. Raises :class:`NotAPdf` / :class:`EncryptedPdf` for files
    that cannot be read at all (a permissions-only encrypted file is read with the empty password).
    """
    return asyncio.run(_verify(Path(path), trust_roots, moment, intermediates, online))


def is_encrypted(path: Path) -> bool:
    """Whether the file is encrypted (the report says so: "verified, but encrypted")."""
    reader = open_pdf(Path(path), allow_encrypted=True)
    try:
        return bool(reader.encrypted)
    finally:
        reader.stream.close()


async def _verify(
    path: Path,
    trust_roots: Sequence[asn1_x509.Certificate],
    moment: dt.datetime | None,
    intermediates: Sequence[asn1_x509.Certificate],
    online: bool,
) -> list[SignatureReport]:
    _quiet_third_party_logs()
    reader = open_pdf(path, allow_encrypted=True)
    reports: list[SignatureReport] = []
    try:
        try:
            dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            dss = None
        for sig in _embedded(reader, reports):
            kind = "timestamp" if str(sig.sig_object.get("/Type", "")) == "/DocTimeStamp" else "signature"
            try:
                reports.append(
                    await _validate_one(sig, kind, trust_roots, intermediates, dss, moment, online)
                )
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
