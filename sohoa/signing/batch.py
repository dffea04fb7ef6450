"""Batch signing for supervisors: one PIN, one token session, a result per document.

A bad document (not a PDF, encrypted, unreadable) is reported and the batch goes on. A token that
is pulled out (or stops answering) stops the batch cleanly: documents already signed are kept
(each was written atomically), the one in progress and the rest are left pending, untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pkcs11 import exceptions as p11e
from pyhanko.sign.pkcs11 import PKCS11Signer

from sohoa.core.errors import SoHoaError
from sohoa.core.progress import Progress
from sohoa.signing import errors
from sohoa.signing.certs import check_certificate, check_revocation, validation_context
from sohoa.signing.pades import SignOptions, cms_size_bound, sign_pdf
from sohoa.signing.tokens import DEVICE_GONE, CertInfo, TokenSession, open_session

log = logging.getLogger(__name__)

Status = Literal["signed", "failed", "pending"]


@dataclass
class DocumentResult:
    source: Path
    status: Status = "pending"
    output: Path | None = None
    error: SoHoaError | None = None

    def message(self, lang: str | None = None) -> str:
        """The user-facing reason a document failed ("" when it did not).

        A method, as :meth:`sohoa.core.errors.SoHoaError.message` is: one name, one shape.
        """
        return self.error.message(lang) if self.error else ""


@dataclass
class BatchResult:
    documents: list[DocumentResult]
    certificate: CertInfo | None = None
    stopped: SoHoaError | None = None  # why the batch stopped early (token pulled), if it did
    warnings: list[str] = field(default_factory=list)

    def _with(self, status: Status) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == status]

    @property
    def signed(self) -> list[DocumentResult]:
        return self._with("signed")

    @property
    def failed(self) -> list[DocumentResult]:
        return self._with("failed")

    @property
    def pending(self) -> list[DocumentResult]:
        return self._with("pending")

    @property
    def ok(self) -> bool:
        return self.stopped is None and not self.failed and not self.pending


def output_path(source: Path, out_dir: Path | None = None) -> Path:
    """Where a signed copy goes: ``NAME.signed.pdf`` beside the source, or ``out_dir/NAME.pdf``."""
    source = Path(source)
    if out_dir is not None:
        return Path(out_dir) / source.name
    return source.with_name(f"{source.stem}.signed.pdf")


def prepare_signer(
    session: TokenSession, cert_id: bytes | None, options: SignOptions
) -> tuple[CertInfo, PKCS11Signer]:
    """Pick and check the certificate, and build pyHanko's PKCS#11 signer on the open session."""
    cert = session.select_certificate(cert_id)
    check_certificate(cert)
    return cert, PKCS11Signer(
        session.session,
        cert_id=cert.cert_id,
        signing_cert=cert.certificate,
        other_certs_to_pull=None,  # CA certificates stored on the token go into the signature
        prefer_pss=options.prefer_pss,
        # tokens (SoftHSM among them) often lack hash-then-sign ECDSA: hash here, sign raw on the token
        use_raw_mechanism=cert.certificate.public_key.algorithm == "ec",
    )


def sign_documents(
    paths: Sequence[Path],
    out_dir: Path | None = None,
    *,
    module: str,
    token_label: str,
    pin: str,
    cert_id: bytes | None = None,
    token_serial: str = "",
    options: SignOptions = SignOptions(),  # noqa: B008 - frozen dataclass
    progress: Progress | None = None,
) -> BatchResult:
    """Sign every PDF of ``paths`` in one token session (one PIN entry).

    Raises before signing anything for token, PIN and certificate problems (no token, wrong PIN,
    no private key, expired certificate...). After that it never raises for one document: read
    ``BatchResult.documents`` (and ``stopped`` when the token went away mid-batch).
    ``progress`` (:mod:`sohoa.core.progress`) gets ``(done, total, file name)`` and
    ``item(DocumentResult)`` after each document; cancelling it leaves the rest pending.
    """
    docs = [DocumentResult(Path(p)) for p in paths]
    result = BatchResult(docs)
    with open_session(module, token_label, pin, serial=token_serial) as session:
        result.certificate, signer = prepare_signer(session, cert_id, options)
        chain = list(signer.cert_registry)
        if options.check_revocation:
            revocation = check_revocation(signer.signing_cert, chain, options.trust_roots, online=True)
            if revocation.warning:
                result.warnings.append(revocation.warning)
        context = validation_context(options.trust_roots, chain, online=True) if options.online else None
        reserve = (
            cms_size_bound(signer) if options.level == "B-B" else None
        )  # B-T/B-LT vary: let pyHanko size
        for index, doc in enumerate(docs):
            if progress is not None and progress.is_cancelled():
                break
            target = output_path(doc.source, out_dir)
            try:
                sign_pdf(
                    doc.source, target, signer, options, validation_context=context, bytes_reserved=reserve
                )
                doc.status, doc.output = "signed", target
            except p11e.PKCS11Error as e:
                present = session.still_present()
                if present and not isinstance(e, DEVICE_GONE):
                    # the token answered but refused this operation (e.g. a mechanism it lacks)
                    doc.status = "failed"
                    doc.error = errors.SigningFailed(
                        path=str(doc.source), detail=f"token: {type(e).__name__}"
                    )
                    log.warning(
                        "document %d of %d not signed: token refused (%s)",
                        index + 1,
                        len(docs),
                        type(e).__name__,
                    )
                else:
                    pending = len(docs) - index
                    log.error(
                        "token failure while signing (%s); token %s; %d document(s) left pending",
                        type(e).__name__,
                        "still present" if present else "gone",
                        pending,
                    )
                    result.stopped = errors.TokenRemoved(pending=pending)
                    break
            except SoHoaError as e:
                doc.status, doc.error = "failed", e
                log.warning("document %d of %d not signed: %s", index + 1, len(docs), e)
            if progress is not None:
                progress(index + 1, len(docs), doc.source.name)
                progress.item(doc)
    log.info(
        "batch done: %d signed, %d failed, %d pending",
        len(result.signed),
        len(result.failed),
        len(result.pending),
    )
    return result
