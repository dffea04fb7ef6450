"""Certificate checks before signing (validity, key usage, revocation) and trust-root loading.

A signature made with an expired or revoked certificate, or with a key not meant for signing, is
worthless to the repository, so these checks refuse to sign rather than warn. Revocation is the
exception: when it cannot be checked (offline, no OCSP/CRL address, no trust root) signing goes on
with a warning, because one-stop counters often work offline and sign at B-B.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class RevocationResult:
    status: str  # "good", "unknown" (a warning) - a revoked certificate raises instead
    detail: str = ""

    @property
    def warning(self) -> str:
        """The user-facing warning, or "" when the status is good."""
        if self.status == "good":
            return ""
        return REVOCATION_UNKNOWN.render(None, detail=self.detail)


def validation_context(
    trust_roots: Sequence[asn1_x509.Certificate],
    other_certs: Iterable[asn1_x509.Certificate] = (),
    *,
    online: bool = False,
    moment: dt.datetime | None = None,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    """A pyHanko validation context; fetching OCSP/CRL only when ``online``."""
    return ValidationContext(
        trust_roots=list(trust_roots),
        other_certs=list(other_certs),
        allow_fetching=online,
        revocation_mode=revocation_mode,
        moment=moment,
    )


def check_revocation(
    cert: asn1_x509.Certificate,
    other_certs: Iterable[asn1_x509.Certificate],
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    online: bool,
) -> RevocationResult:
    """Check OCSP, then CRL (pyhanko-certvalidator's order). Raises :class:`CertificateRevoked`."""
    if not online:
        return RevocationResult("unknown", "offline")
    if not trust_roots:
        return RevocationResult("unknown", "no trust root configured")
    context = validation_context(trust_roots, other_certs, online=True, revocation_mode="require")
    validator = CertificateValidator(cert, validation_context=context)
    try:
        validator.validate_usage(set())
    except cv_errors.RevokedError as e:
        raise errors.CertificateRevoked(
            subject=str(cert.subject.native.get("common_name", "")), detail=str(e)
        ) from e
    except (cv_errors.PathValidationError, cv_errors.PathBuildingError) as e:
        log.warning("revocation status unknown: %s", type(e).__name__)
        return RevocationResult("unknown", type(e).__name__)
    except Exception as e:  # network stack errors surface in many types; never block signing on them
        log.warning("revocation check failed: %s", type(e).__name__)
        return RevocationResult("unknown", type(e).__name__)
    return RevocationResult("good")
