"""What the repository checks before it accepts a document, each failure with a clear reason.

The checks run on the complete uploaded file: its SHA-256 against the declared one,
PDF/A-2b conformance of the revision *before* the first signature (pikepdf's checker
reports every signed file's form as unsupported, and signing must only append an
incremental update), and the PAdES signature against the server's trust roots with
pyHanko (intact, trusted, covering the whole file).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A document the repository refuses, with a machine code and reasons in both languages."""

    def __init__(self, status: int, code: str, en: str, vi: str) -> None:
        super().__init__(en)
        self.status, self.code, self.en, self.vi = status, code, en, vi


@dataclass(frozen=True)
class Findings:
    page_count: int
    signer: str
    pdfa: str  # e.g. "2b (revision before the first signature)"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unsigned_revision(data: bytes, reader: object, signed_revision: int) -> bytes:
    """The bytes of the revision just before ``signed_revision`` (up to and including its %%EOF)."""
    start = reader.xrefs.get_startxref_for_revision(signed_revision - 1)  # type: ignore[attr-defined]
    eof = data.find(b"%%EOF", start)
    if eof < 0:
        raise ValueError("no %%EOF after the last unsigned revision")
    return data[: eof + len(b"%%EOF")]


def check_document(path: Path, trust_roots: list[object]) -> Findings:
    """Run the content checks on a complete upload; raise :class:`Rejected` with the reason."""
    import pikepdf
    import pikepdf.pdfa
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, ValidationContext, validate_pdf_signature

    data = path.read_bytes()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise Rejected(
            422,
            "not_pdf",
            f"the file is not a readable PDF ({e})",
            f"tệp không phải là PDF đọc được ({e})",
        ) from e
    if not signatures:
        raise Rejected(
            422,
            "not_signed",
            "the document carries no digital signature; sign it before sending",
            "tài liệu chưa có chữ ký số; hãy ký trước khi gửi",
        )
    first = min(signatures, key=lambda s: s.signed_revision)
    try:
        base = _unsigned_revision(data, reader, first.signed_revision) if first.signed_revision > 0 else b""
    except (ValueError, KeyError, IndexError) as e:
        log.info("cannot find the unsigned revision: %s", e)
        base = b""
    if not base:
        raise Rejected(
            422,
            "not_pdfa",
            "the signature is not an incremental update, so the PDF/A revision cannot be checked",
            "chữ ký không được thêm dưới dạng cập nhật tăng dần nên không kiểm tra được PDF/A",
        )
    report = pikepdf.pdfa.validate_written(io.BytesIO(base), "2b")
    if not report.passed:
        problems = "; ".join(f"{f.rule}: {f.message}" for f in report.findings[:3])
        raise Rejected(
            422,
            "not_pdfa",
            f"the document is not PDF/A-2b ({problems})",
            f"tài liệu không đạt chuẩn PDF/A-2b ({problems})",
        )
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail")
    signer = ""
    last = max(signatures, key=lambda s: s.signed_revision)
    last_coverage = None
    for sig in signatures:
        status = validate_pdf_signature(sig, context)
        if sig is last:
            last_coverage = status.coverage
        signer = signer or sig.signer_cert.subject.human_friendly
        if not status.intact or not status.valid:
            raise Rejected(
                422,
                "signature_invalid",
                f"the signature '{sig.field_name}' does not match the document (it was changed after signing)",
                f"chữ ký '{sig.field_name}' không khớp với tài liệu (tài liệu đã bị sửa sau khi ký)",
            )
        if not status.trusted:
            raise Rejected(
                422,
                "signature_untrusted",
                f"the signer's certificate of '{sig.field_name}' does not chain to a trusted root",
                f"chứng thư số của người ký '{sig.field_name}' không thuộc tổ chức chứng thực được tin cậy",
            )
    if last_coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise Rejected(
            422,
            "signature_coverage",
            "content was added after the last signature",
            "có nội dung được thêm vào sau chữ ký cuối cùng",
        )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return Findings(page_count=pages, signer=signer, pdfa="2b (revision before the first signature)")


def load_trust_roots(paths: list[Path]) -> list[object]:
    from pyhanko.keys import load_certs_from_pemder

    roots: list[object] = []
    for p in paths:
        roots.extend(load_certs_from_pemder([str(p)]))
    return roots
