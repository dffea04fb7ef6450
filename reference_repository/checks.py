"""What the repository checks before it accepts a document, each failure with a clear reason.

The checks run on the complete uploaded file: its SHA-256 against the declared one,
PDF/A-2b conformance of the revision *before* the first signature (pikepdf's checker
reports every signed file's form as unsupported, and signing must only append an
incremental update), and the PAdES signature against the server's trust roots with
pyHanko (intact, trusted, covering the whole file).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from sohoa.core.errors import SoHoaError
from sohoa.core.fsutil import sha256_file
from sohoa.core.i18n import Text

log = logging.getLogger(__name__)


class Rejected(SoHoaError):
    """A document the repository refuses, with a machine code and reasons in both languages.

    A core error, so it crosses the check pool's process boundary in the core's one wire form.
    """

    def __init__(self, status: int, code: str, en: str, vi: str) -> None:
        super().__init__(Text(vi=vi, en=en), status=status, code=code)

    @property
    def status(self) -> int:
        return int(self.params["status"])

    @property
    def code(self) -> str:
        return str(self.params["code"])

    @property
    def en(self) -> str:
        return self.text.en

    @property
    def vi(self) -> str:
        return self.text.vi


@dataclass(frozen=True)
class Findings:
    page_count: int
    signer: str
    pdfa: str  # e.g. "2b (revision before the first signature)"


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
    """Run the content checks on a complete upload's bytes; raise :class:`Rejected` with the reason.

    The signatures are found by the signing layer's one parser (:mod:`sohoa.signing.parse`, the
    one module of the app this server imports besides the core); the server's own policy (PDF/A of
    the unsigned revision, trust, coverage) is here.
    """
    from pyhanko.sign.validation import SignatureCoverageLevel, ValidationContext, validate_pdf_signature

    from sohoa.core.pdfa_check import validate_pdfa
    from sohoa.signing.parse import NotASignedPdfFile, parse_signed_pdf

    try:
        parsed = parse_signed_pdf(data)
    except NotASignedPdfFile as e:
        if e.reason == "not_signed":
            raise Rejected(
                422,
                "not_signed",
                "the document carries no digital signature; sign it before sending",
                "tài liệu chưa có chữ ký số; hãy ký trước khi gửi",
            ) from e
        detail = e.params.get("detail", "")
        raise Rejected(
            422,
            "not_pdf",
            f"the file is not a readable PDF ({detail})",
            f"tệp không phải là PDF đọc được ({detail})",
        ) from e
    signatures = parsed.signatures
    base = parsed.unsigned_revision()
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
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail")
    last = signatures[-1]
    last_coverage = None
    for sig in signatures:
        status = validate_pdf_signature(sig, context)
        if sig is last:
            last_coverage = status.coverage
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
    try:
        pages = parsed.page_count
    except NotASignedPdfFile as e:
        detail = e.params.get("detail", "")
        raise Rejected(422, "not_pdf", f"the file has {detail}", f"tệp không có cây trang ({detail})") from e
    return Findings(
        page_count=pages, signer=parsed.first_signer(), pdfa="2b (revision before the first signature)"
    )


def load_trust_roots(paths: list[Path]) -> list[object]:
    from pyhanko.keys import load_certs_from_pemder

    roots: list[object] = []
    for p in paths:
        roots.extend(load_certs_from_pemder([str(p)]))
    return roots
