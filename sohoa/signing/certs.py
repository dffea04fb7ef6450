"""Certificate checks before signing (validity, key usage, revocation) and trust-root loading.

A signature made with an expired or revoked certificate, or with a key not meant for signing, is
worthless to the repository, so these checks refuse to sign rather than warn. Revocation is the
exception: when it cannot be checked (offline, no OCSP/CRL address, no trust root) signing goes on
with a warning, because one-stop counters often work offline and sign at B-B.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from sohoa.core.errors import ConfigError
from sohoa.core.i18n import Text
from sohoa.signing import errors
from sohoa.signing.tokens import CertInfo

log = logging.getLogger(__name__)

# Key usages that allow signing documents (content_commitment is "non-repudiation").
SIGNING_KEY_USAGES = {"digital_signature", "non_repudiation", "content_commitment"}
VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

REVOCATION_UNKNOWN = Text(
    vi="Cảnh báo: chưa kiểm tra được tình trạng thu hồi của chứng thư số ({detail}). Chữ ký vẫn được tạo; "
    "hãy kiểm tra lại khi có mạng.",
    en="Warning: the certificate's revocation status could not be checked ({detail}). The signature is still "
    "made; check again when online.",
)
# Why the status is unknown, in the clerk's words (the English detail, for support, goes to the log).
_WHY = {
    "no-pointers": Text(
        vi="chứng thư số không ghi địa chỉ OCSP hay CRL", en="no OCSP or CRL address in the certificate"
    ),
    "offline": Text(vi="máy đang ngoại tuyến", en="offline"),
    "no-root": Text(vi="chưa cài chứng thư gốc để kiểm tra", en="no trust root configured"),
    "no-answer": Text(
        vi="máy chủ OCSP/CRL của nhà cung cấp không trả lời", en="the CA's OCSP/CRL service did not answer"
    ),
    "chain": Text(
        vi="không tải được chứng thư trung gian hoặc không dựng được chuỗi tới chứng thư gốc đã cài",
        en="the intermediate certificate could not be fetched, or no chain leads to an installed trust root",
    ),
    "error": Text(vi="lỗi khi kết nối dịch vụ kiểm tra", en="the check failed (see the log)"),
}


def check_certificate(cert: CertInfo, now: dt.datetime | None = None) -> None:
    """Refuse a certificate that is expired, not yet valid, or whose key usage forbids signing."""
    now = now or dt.datetime.now(dt.UTC)
    if now > cert.not_after:
        raise errors.CertificateExpired(subject=cert.subject, not_after=_vn_date(cert.not_after))
    if now < cert.not_before:
        raise errors.CertificateNotYetValid(subject=cert.subject, not_before=_vn_date(cert.not_before))
    if cert.key_usage and not SIGNING_KEY_USAGES & set(cert.key_usage):
        raise errors.KeyUsageNotAllowed(subject=cert.subject, usage=", ".join(cert.key_usage))


def _vn_date(moment: dt.datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def load_trust_roots(paths: Iterable[str | Path]) -> list[asn1_x509.Certificate]:
    """Read CA certificates (PEM, possibly several per file, or DER) named in the config or on the CLI."""
    roots: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except (OSError, ValueError) as e:
            raise ConfigError(path=str(path), detail=f"not a readable CA certificate ({e})") from e
    return roots


# CRL reasons (RFC 5280) in the clerk's words.
REASONS_VI = {
    "unspecified": "không nêu lý do",
    "key_compromise": "lộ khóa bí mật",
    "ca_compromise": "tổ chức cấp chứng thư bị lộ khóa",
    "affiliation_changed": "thay đổi cơ quan, đơn vị",
    "superseded": "đã được thay thế bằng chứng thư mới",
    "cessation_of_operation": "ngừng hoạt động",
    "certificate_hold": "tạm dừng",
    "remove_from_crl": "gỡ khỏi danh sách thu hồi",
    "privilege_withdrawn": "bị rút quyền",
    "aa_compromise": "tổ chức cấp thuộc tính bị lộ khóa",
}


@dataclass(frozen=True)
class RevocationResult:
    """The revocation status of a certificate: "good", "revoked", "unknown" or "none".

    "none" means the certificate names no OCSP responder and no CRL (nothing can be checked);
    "unknown" means it does but no answer could be had (offline, responder down, untrusted chain).
    """

    status: str
    detail: str = ""  # English, for the log
    reason: str = ""  # CRL reason key when revoked
    revoked_at: dt.datetime | None = None
    root: str = ""  # the trust anchor the chain ends at, when a path was built
    chain: tuple[asn1_x509.Certificate, ...] = ()  # the validated path, leaf excluded (root included)
    why: str = ""  # a key of _WHY: why the status is unknown or none

    @property
    def warning(self) -> str:
        """The user-facing warning, or "" when the status is good."""
        if self.status == "good":
            return ""
        why = _WHY.get(self.why)
        return REVOCATION_UNKNOWN.render(None, detail=why.render(None) if why else self.status)


def has_revocation_pointers(cert: asn1_x509.Certificate) -> bool:
    """Whether the certificate names an OCSP responder or a CRL distribution point."""
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def fetcher_backend(timeout_s: float = 10.0) -> Any:
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    return RequestsFetcherBackend(per_request_timeout=timeout_s)


def validation_context(
    trust_roots: Sequence[asn1_x509.Certificate],
    other_certs: Iterable[asn1_x509.Certificate] = (),
    *,
    online: bool = False,
    moment: dt.datetime | None = None,
    revocation_mode: str = "soft-fail",
    ocsps: Iterable[Any] = (),
    crls: Iterable[Any] = (),
    retroactive: bool = False,
    timeout_s: float = 10.0,
) -> ValidationContext:
    """A pyHanko validation context; fetching OCSP/CRL and AIA issuers only when ``online``.

    ``trust_roots`` empty means "trust nothing" (never the operating system's TLS store).
    """
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=online,
        revocation_mode=revocation_mode,
        moment=moment,
        ocsps=list(ocsps),
        crls=list(crls),
        retroactive_revinfo=retroactive,
        fetcher_backend=fetcher_backend(timeout_s) if online else None,
    )


def revoked_error(cert: asn1_x509.Certificate, result: RevocationResult) -> errors.CertificateRevoked:
    """The refusal for a revoked certificate: its name, the reason and the date, in Vietnamese."""
    when = _vn_date(result.revoked_at) if result.revoked_at else "?"
    reason = REASONS_VI.get(result.reason, result.reason or "không nêu lý do")
    return errors.CertificateRevoked(
        subject=common_name_of(cert), detail=f"lý do: {reason}; từ {when}; nguồn: {result.detail}"
    )


def common_name_of(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


async def async_check_revocation(
    cert: asn1_x509.Certificate,
    other_certs: Iterable[asn1_x509.Certificate],
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    online: bool,
    context: ValidationContext | None = None,
) -> RevocationResult:
    """OCSP, then CRL (pyhanko-certvalidator's order), for the certificate and its whole chain.

    Intermediates come from ``other_certs`` (token, config) or are fetched through AIA. Never
    raises for a revoked certificate: the caller decides (signing refuses, verification reports).
    """
    if not has_revocation_pointers(cert):
        return RevocationResult("none", "no OCSP or CRL address in the certificate", why="no-pointers")
    if context is None:
        if not online:
            return RevocationResult("unknown", "offline", why="offline")
        if not trust_roots:
            return RevocationResult("unknown", "no trust root configured", why="no-root")
        context = validation_context(trust_roots, other_certs, online=True, revocation_mode="hard-fail")
    validator = CertificateValidator(cert, intermediate_certs=list(other_certs), validation_context=context)
    try:
        path = await validator.async_validate_path()
    except cv_errors.RevokedError as e:
        reason = e.reason.native if e.reason is not None else "unspecified"
        return RevocationResult("revoked", str(e), reason=str(reason), revoked_at=e.revocation_dt)
    except cv_errors.InsufficientRevinfoError as e:
        log.warning("revocation status unknown: %s", e)
        return RevocationResult("unknown", f"no revocation answer: {e}", why="no-answer")
    except (cv_errors.PathBuildingError, cv_errors.PathValidationError) as e:
        log.warning("revocation status unknown (%s): %s", type(e).__name__, e)
        return RevocationResult("unknown", f"{type(e).__name__}: {e}", why="chain")
    except Exception as e:  # network stack errors surface in many types; never block signing on them
        log.warning("revocation check failed: %s: %s", type(e).__name__, e)
        return RevocationResult("unknown", f"{type(e).__name__}: {e}", why="error")
    certs = list(path.iter_certs(include_root=True))
    return RevocationResult(
        "good", "OCSP/CRL", root=common_name_of(certs[0]) if certs else "", chain=tuple(reversed(certs[:-1]))
    )


def check_revocation(
    cert: asn1_x509.Certificate,
    other_certs: Iterable[asn1_x509.Certificate],
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    online: bool,
) -> RevocationResult:
    """Check before signing: raises :class:`CertificateRevoked`, returns good/unknown/none otherwise."""
    other = list(other_certs)
    result = asyncio.run(async_check_revocation(cert, other, trust_roots, online=online))
    if result.status == "revoked":
        raise revoked_error(cert, result)
    return result
