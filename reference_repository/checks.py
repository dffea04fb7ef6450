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

from sohoa.core.fsutil import sha256_file

log = logging.getLogger(__name__)


class Rejected(Exception):
    """A document the repository refuses, with a machine code and reasons in both languages."""

    def __init__(self, status: int, code: str, en: str, vi: str) -> None:
        super().__init__(en)
        self.status, self.code, self.en, self.vi = status, code, en, vi

    def __reduce__(self) -> tuple[type[Rejected], tuple[int, str, str, str]]:
        # raised in a worker process: must cross the process boundary intact
        return (Rejected, (self.status, self.code, self.en, self.vi))


@dataclass(frozen=True)
class Findings:
    page_count: int
    signer: str
    pdfa: str  # e.g. "2b (revision before the first signature)"


def _unsigned_revision(data: bytes, reader: object, signed_revision: int) -> bytes:
    """The bytes of the revision just before ``signed_revision`` (up to and including its %%EOF)."""
    start = reader.xrefs.get_startxref_for_revision(signed_revision - 1)  # type: ignore[attr-defined]
    eof = data.find(b"%%EOF", start)
    if eof < 0:
        raise ValueError("no %%EOF after the last unsigned revision")
    return data[: eof + len(b"%%EOF")]


def _checksum_mismatch() -> Rejected:
    return Rejected(
        422,
        "checksum_mismatch",
        "the file's SHA-256 differs from the declared one",
        "mã SHA-256 của tệp khác với giá trị khai báo",
    )


def check_upload(path: Path, declared_sha256: str, trust_roots: list[object]) -> Findings:
    """Read a complete upload once: its SHA-256 against the declared one, then the content checks."""
    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != declared_sha256:
        raise _checksum_mismatch()
    return check_document(data, trust_roots)


def check_checksum_only(path: Path, declared_sha256: str) -> Findings:
    """Only the SHA-256 (``--no-content-checks``: benchmarks and load tests of the uploader).

    The page count and signer are then the client's declared ones (the commit keeps them).
    """
    if sha256_file(Path(path)) != declared_sha256:
        raise _checksum_mismatch()
    return Findings(page_count=0, signer="", pdfa="not checked (server run with --no-content-checks)")


def check_document(data: bytes, trust_roots: list[object]) -> Findings:
    """Run the content checks on a complete upload's bytes; raise :class:`Rejected` with the reason."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, ValidationContext, validate_pdf_signature

    from sohoa.core.pdfa_check import validate_pdfa

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
    report = validate_pdfa(base, "2b")  # excuses only the extension schemas the file declares
    if not report.passed:
        problems = report.summary()
        raise Rejected(
            422,
            "not_pdfa",
            f"the document is not PDF/A-2b ({problems})",
            f"tài liệu không đạt chuẩn PDF/A-2b ({problems})",
        )
    final = [
        f for f in validate_pdfa(data, "2b").problems if "(/AcroForm) are not supported" not in f.message
    ]
    if final:  # the signed revision too (pikepdf cannot check forms, so every signed file has that finding)
        problems = "; ".join(f"{f.rule}: {f.message}" for f in final[:3])
        raise Rejected(
            422,
            "not_pdfa",
            f"the signed document is no longer PDF/A-2b ({problems})",
            f"tài liệu sau khi ký không còn đạt chuẩn PDF/A-2b ({problems})",
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
    pages = _page_count(reader)
    return Findings(page_count=pages, signer=signer, pdfa="2b (revision before the first signature)")


def _page_count(reader: object) -> int:
    """The page count from the parser already open (no second parse of the file)."""
    try:
        return int(reader.root["/Pages"]["/Count"])  # type: ignore[attr-defined]
    except (KeyError, TypeError, ValueError) as e:
        raise Rejected(
            422, "not_pdf", f"the file has no page tree ({e})", f"tệp không có cây trang ({e})"
        ) from e


def load_trust_roots(paths: list[Path]) -> list[object]:
    from pyhanko.keys import load_certs_from_pemder

    roots: list[object] = []
    for p in paths:
        roots.extend(load_certs_from_pemder([str(p)]))
    return roots
