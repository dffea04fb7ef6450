"""PAdES signing of one PDF with any pyHanko ``Signer`` (a token, or a test key), as an incremental update.

The input's bytes are copied unchanged and the signature is appended after them, so a PDF/A file
stays PDF/A and earlier signatures stay valid. Levels: B-B (offline), B-T (an RFC 3161 timestamp
when a timestamp server is configured), B-LT (validation data embedded, when online). A B-B file
can be extended later with :func:`extend_pdf` (DSS plus a document timestamp) without touching
its signature.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext

from sohoa.core.config import General, Signing
from sohoa.core.errors import SoHoaError
from sohoa.core.fsutil import atomic_output
from sohoa.signing import errors
from sohoa.signing.appearance import Appearance, stamp_spec

log = logging.getLogger(__name__)

FIELD_PREFIX = "SoHoaSignature"
TSA_TIMEOUT_S = 10


@dataclass(frozen=True)
class SignOptions:
    """How to sign. Defaults: invisible PAdES B-B with SHA-256."""

    appearance: Appearance = "invisible"
    agency_name: str = ""  # the copying / signing agency, shown on visible stamps
    seal_image: Path | None = None  # red seal PNG, for "signature" stamps only
    timestamp_url: str = ""  # RFC 3161 server: B-T
    online: bool = False  # fetch and embed validation data: B-LT
    check_revocation: bool = False  # OCSP, then CRL, before signing; a warning when it cannot be checked
    trust_roots: tuple[asn1_x509.Certificate, ...] = ()
    md_algorithm: str = "sha256"
    prefer_pss: bool = False  # RSA-PSS instead of PKCS#1 v1.5
    reason: str = ""
    location: str = ""

    @classmethod
    def from_config(
        cls,
        signing: Signing,
        general: General | None = None,
        *,
        visible: bool | None = None,
        stamp: str | None = None,
        agency_name: str | None = None,
        seal_image: Path | None = None,
        timestamp_url: str | None = None,
        online: bool | None = None,
        prefer_pss: bool | None = None,
        extra_trust: tuple[str | Path, ...] | list[str | Path] = (),
    ) -> SignOptions:
        """Every ``[signing]`` setting mapped once (the app, the CLI, the workflow and the demo use this).

        Keyword arguments are a caller's explicit overrides (``sohoa sign --visible``...); ``None``
        keeps the configured value. Trust roots are read here, so a bad CA file fails before a PIN.
        """
        from sohoa.signing.certs import load_trust_roots

        show = signing.visible if visible is None else visible
        seal = (
            seal_image
            if seal_image is not None
            else (Path(signing.seal_image) if signing.seal_image else None)
        )
        return cls(
            appearance=(stamp or signing.stamp) if show else "invisible",  # type: ignore[arg-type]
            agency_name=agency_name if agency_name is not None else (general.agency_name if general else ""),
            seal_image=seal,
            timestamp_url=signing.timestamp_url if timestamp_url is None else timestamp_url,
            online=signing.embed_validation_info if online is None else online,
            check_revocation=signing.check_revocation,
            trust_roots=tuple(load_trust_roots([*signing.trust_roots, *extra_trust])),
            prefer_pss=signing.prefer_pss if prefer_pss is None else prefer_pss,
        )

    @property
    def level(self) -> str:
        if self.online:
            return "B-LT"
        return "B-T" if self.timestamp_url else "B-B"


@dataclass(frozen=True)
class SignedDocument:
    source: Path
    output: Path
    field_name: str
    signing_time: dt.datetime
    level: str
    warnings: tuple[str, ...] = field(default=())


class _TimedPdfSigner(signers.PdfSigner):
    """A PdfSigner whose signing time is fixed by the caller, so the visible stamp and the CMS agree."""

    def __init__(self, *args: Any, signing_time: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def open_pdf(path: Path) -> PdfFileReader:
    """Open a PDF for signing or checking: typed errors for "not a PDF" and "encrypted"."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        raise errors.NotAPdf(path=str(path), detail=e.strerror or str(e)) from e
    if b"%PDF-" not in head:
        raise errors.NotAPdf(path=str(path), detail="no %PDF header")
    fh = open(path, "rb")
    try:
        reader = PdfFileReader(fh, strict=False)
        if reader.encrypted:
            raise errors.EncryptedPdf(path=str(path))
        _ = reader.root["/Pages"]  # load the catalog now: a broken file fails here, not mid-signing
        return reader
    except errors.EncryptedPdf:
        fh.close()
        raise
    except Exception as e:  # pyHanko raises many types on garbage; all mean "not a usable PDF"
        fh.close()
        raise errors.NotAPdf(path=str(path), detail=f"{type(e).__name__}: {e}") from e


def next_field_name(reader: PdfFileReader) -> str:
    """A signature field name not used in the file yet (SoHoaSignature1, 2, ...)."""
    used = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    n = 1
    while f"{FIELD_PREFIX}{n}" in used:
        n += 1
    return f"{FIELD_PREFIX}{n}"


def _page_box(reader: PdfFileReader) -> tuple[float, float, float, float]:
    page = reader.root["/Pages"]
    while "/Kids" in page:
        page = page["/Kids"][0].get_object()
    box = page.get("/CropBox") or page.get("/MediaBox") or [0, 0, 595, 842]
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def timestamper_for(url: str) -> TimeStamper | None:
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT_S) if url else None


def sign_pdf(
    source: Path,
    output: Path,
    signer: signers.Signer,
    options: SignOptions = SignOptions(),
    *,
    validation_context: ValidationContext | None = None,
    signing_time: dt.datetime | None = None,
    bytes_reserved: int | None = None,
) -> SignedDocument:
    """Sign ``source`` into ``output`` (written atomically). The source is never modified.

    PKCS#11 errors are left to the caller (a batch must tell a pulled token from a bad file);
    anything else that goes wrong with this document raises :class:`SigningFailed`.
    ``bytes_reserved`` skips pyHanko's per-document dry run that sizes the signature (see
    :func:`cms_size_bound`).
    """
    source, output = Path(source), Path(output)
    signing_time = signing_time or dt.datetime.now(dt.UTC)
    reader = open_pdf(source)
    try:
        writer = IncrementalPdfFileWriter(reader.stream, strict=False)
        name = next_field_name(writer.prev)
        signer_name = _signer_name(signer)
        spec = None
        if options.appearance != "invisible":
            spec = stamp_spec(
                options.appearance,
                _page_box(writer.prev),
                agency=options.agency_name,
                signer=signer_name,
                moment=signing_time,
                seal_image=options.seal_image,
            )
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            md_algorithm=options.md_algorithm,
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=options.reason or None,
            location=options.location or None,
            embed_validation_info=options.online,
            validation_context=validation_context if options.online else None,
        )
        field_spec = fields.SigFieldSpec(sig_field_name=name, on_page=0, box=spec.box if spec else None)
        pdf_signer = _TimedPdfSigner(
            meta,
            signer,
            timestamper=timestamper_for(options.timestamp_url),
            stamp_style=spec.style if spec else None,
            new_field_spec=field_spec,
            signing_time=signing_time,
        )
        with atomic_output(output) as tmp, open(tmp, "wb") as out:
            pdf_signer.sign_pdf(writer, output=out, bytes_reserved=bytes_reserved)
    except SoHoaError:
        raise
    except SigningError as e:
        cause = e.__cause__ or e.__context__
        if _is_pkcs11(cause):
            raise cause from e  # type: ignore[misc]
        raise _timestamp_or_fail(e, source, options) from e
    except Exception as e:
        if _is_pkcs11(e):
            raise
        raise _timestamp_or_fail(e, source, options) from e
    finally:
        reader.stream.close()
    log.info("signed %s (%s, field %s)", output.name, options.level, name)
    return SignedDocument(source, output, name, signing_time, options.level)


def cms_size_bound(signer: signers.Signer) -> int:
    """A safe size for a B-B CMS: every certificate it may embed, the signature and the attributes.

    pyHanko otherwise builds a dummy CMS for every document to measure it, about a third of the
    signing time in a batch.
    """
    certs = [signer.signing_cert, *signer.cert_registry]
    return sum(len(c.dump()) for c in certs if c is not None) + 8192


def _signer_name(signer: signers.Signer) -> str:
    cert = signer.signing_cert
    if cert is None:
        return ""
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


def _is_pkcs11(error: BaseException | None) -> bool:
    return error is not None and type(error).__module__.startswith("pkcs11")


def _timestamp_or_fail(error: Exception, source: Path, options: SignOptions) -> Exception:
    text = f"{type(error).__name__}: {error}"
    if options.timestamp_url and ("timestamp" in text.lower() or "Timestamp" in type(error).__name__):
        return errors.TimestampFailed(url=options.timestamp_url, detail=text)
    return errors.SigningFailed(path=str(source), detail=text)


def extend_pdf(
    source: Path,
    output: Path,
    *,
    timestamp_url: str,
    validation_context: ValidationContext,
    md_algorithm: str = "sha256",
) -> Path:
    """Extend a signed file to B-LT/B-LTA: add the validation data (DSS) and a document timestamp.

    Both are appended as incremental updates: the existing signatures keep covering their revisions.
    """
    source, output = Path(source), Path(output)
    reader = open_pdf(source)
    try:
        sigs = reader.embedded_regular_signatures
        if not sigs:
            raise errors.NotSigned(path=str(source))
        with atomic_output(output) as tmp:
            with open(tmp, "wb") as out:
                add_validation_info(sigs[-1], validation_context, output=out, force_write=True)
            if timestamp_url:
                writer = IncrementalPdfFileWriter(io.BytesIO(tmp.read_bytes()), strict=False)
                stamper = signers.PdfTimeStamper(timestamper_for(timestamp_url))
                with open(tmp, "wb") as out:
                    stamper.timestamp_pdf(
                        writer, md_algorithm, validation_context=validation_context, output=out
                    )
    except SoHoaError:
        raise
    except Exception as e:
        raise _timestamp_or_fail(e, source, SignOptions(timestamp_url=timestamp_url)) from e
    finally:
        reader.stream.close()
    log.info("extended %s", output.name)
    return output
