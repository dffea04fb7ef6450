"""The reference repository's HTTP API: tus 1.0 uploads plus the documents API.

tus (core, creation, creation-with-upload, checksum, expiration): ``OPTIONS/POST /files``,
``HEAD/PATCH /files/{id}``. Request bodies are streamed to disk and capped before a byte is
read (``Content-Length``) and while reading; each user has a quota of unfinished uploads.
Every upload and document belongs to the user who made it: others get 404, unless their
role is ``agency`` (their agency's documents) or ``admin``. Idempotency keys are per user.
Documents: ``POST /api/v1/documents`` commits a complete upload with its metadata
under an ``Idempotency-Key`` (a replay answers the first document, 200 instead of
201); ``GET /api/v1/documents?owner_id=...|dossier_code=...`` looks documents up;
``GET /api/v1/documents/{id}[/content]``. Every error is JSON:
``{"error": code, "reason": English, "reason_vi": Vietnamese}``. See docs/repository-api.md.
"""

# No "from __future__ import annotations": FastAPI resolves the closures' Annotated hints at run time.

import base64
import binascii
import datetime
import email.utils
import hashlib
import hmac
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from reference_repository.check_pool import CheckPool, default_workers
from reference_repository.checks import Rejected
from reference_repository.faults import FaultMiddleware, Faults
from reference_repository.limits import BodyLimit
from reference_repository.portal_api import AppendixVI as AppendixVIModel
from reference_repository.portal_api import mount_portal
from reference_repository.storage import DEFAULT_EXPIRY_S, Storage, Upload
from reference_repository.users import OPEN, Principal, Users

log = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,creation-with-upload,checksum,expiration"
CHUNK_TYPE = "application/offset+octet-stream"
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
MAX_SIZE = 512 * 1024 * 1024
DEFAULT_QUOTA = 2 * 1024 * 1024 * 1024  # declared bytes of one user's unfinished uploads
DEFAULT_MAX_OPEN = 200  # unfinished uploads per user
RESULT_KINDS = ("result", "component-result")
ISO_DATE = r"^(\d{4}-\d{2}-\d{2})?$"


class DocumentMetadata(BaseModel):
    """The commit's metadata, in the national portal's words where it has them (docs/metadata.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    MaHoSo: str = Field("", max_length=100, description="dossier code (required unless legacy)")
    MaTTHC: str = Field("", max_length=100, description="administrative procedure code")
    MaThanhPhanHoSo: str = Field("", max_length=100, description="dossier component code")
    MaGiayToKetQua: str = Field("", max_length=100, description="result document code")
    TenGiayTo: str = Field("", max_length=500, description="document title")
    kind: Literal["result", "processing-result", "component-result", "component", "rejection"]
    owner_id: str = Field("", max_length=20, description="owner's personal ID (12 digits) or tax code")
    owner_type: Literal["person", "organisation"] = "person"
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    page_count: int = Field(0, ge=0)
    signer: str = Field("", max_length=500)
    filename: str = Field("", max_length=255)
    AppendixVI: AppendixVIModel | None = None  # Decree 30/2020 Appendix VI (portal_api.py)
    NgayCap: str = Field("", pattern=ISO_DATE, description="the result's issue date (YYYY-MM-DD)")
    ThoiHanHieuLuc: str = Field("", pattern=ISO_DATE, description="valid until (YYYY-MM-DD), empty: no limit")
    legacy: bool = Field(False, description="a backlog result: MaHoSo is the paper's own numbering, or empty")

    @field_validator("NgayCap", "ThoiHanHieuLuc")
    @classmethod
    def _real_date(cls, value: str) -> str:
        if value:
            datetime.date.fromisoformat(value)  # ValueError: 15 months, 30 February
        return value

    @model_validator(mode="after")
    def _code_and_dates(self) -> "DocumentMetadata":
        if not self.MaHoSo and not self.legacy:
            raise ValueError("MaHoSo is required (only a legacy backlog result may come without one)")
        if self.NgayCap and self.ThoiHanHieuLuc and self.ThoiHanHieuLuc < self.NgayCap:
            raise ValueError("ThoiHanHieuLuc is before NgayCap")
        return self


class CommitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_url: str = Field(description="the tus upload URL (Location of POST /files)")
    metadata: DocumentMetadata


class RepoError(Exception):
    def __init__(self, status: int, code: str, en: str, vi: str, headers: dict[str, str] | None = None):
        super().__init__(en)
        self.status, self.code, self.en, self.vi, self.headers = status, code, en, vi, headers or {}


def _error(status: int, code: str, en: str, vi: str, headers: dict[str, str] | None = None) -> JSONResponse:
    h = {"Tus-Resumable": TUS_VERSION, **(headers or {})}
    return JSONResponse({"error": code, "reason": en, "reason_vi": vi}, status_code=status, headers=h)


def _parse_checksum(header: str) -> tuple[str, bytes]:
    try:
        algo, encoded = header.strip().split(" ", 1)
        return algo.lower(), base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error) as e:
        raise RepoError(
            400,
            "bad_checksum_header",
            "Upload-Checksum must be '<algorithm> <base64>'",
            "tiêu đề Upload-Checksum phải có dạng '<thuật toán> <base64>'",
        ) from e


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as the API shows it (without who stored it)."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def _basic_credentials(header: str | None) -> tuple[str, str]:
    if not header or not header.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    name, _, password = decoded.partition(":")
    return name, password


def create_app(
    data_dir: Path,
    trust_roots: list[object],
    users: Users | None = None,
    faults: Faults | None = None,
    admin: bool = False,
    check_workers: int | None = None,
    *,
    content_checks: bool = True,
    admin_token: str = "",
    quota_bytes: int = DEFAULT_QUOTA,
    max_open_uploads: int = DEFAULT_MAX_OPEN,
    expiry_s: float = DEFAULT_EXPIRY_S,
) -> Any:
    """Build the ASGI app (FastAPI wrapped in the fault middleware).

    ``check_workers``: processes for the commit checks (default: one per core; 0: a thread).
    ``content_checks=False`` (``--no-content-checks``) is for benchmarks and load tests of the
    uploader only: commits then verify the SHA-256 and nothing else (no PDF/A, no signature).
    """
    storage = Storage(data_dir, expiry_s=expiry_s)
    if not content_checks:
        log.warning(
            "CONTENT CHECKS ARE OFF (--no-content-checks): commits are checked for their SHA-256 only;"
            " no PDF/A, signature or trust check. For benchmarks and load tests only; never in service."
        )
        check_workers = 0
    checks = CheckPool(
        trust_roots,
        default_workers() if check_workers is None else check_workers,
        content_checks=content_checks,
    )

    @asynccontextmanager
    async def lifespan(_: Any) -> Any:
        yield
        checks.close()  # SIGTERM: uvicorn ends the app, the check processes end with it

    api = FastAPI(
        lifespan=lifespan,
        title="SoHoa reference repository",
        version="1.0.0",
        description="tus 1.0 uploads (core, creation, checksum) and a documents API for signed PDF/A-2b files.",
    )
    api.state.storage = storage

    def authorise(authorization: Annotated[str | None, Header()] = None) -> Principal:
        """HTTP Basic with UTF-8 credentials (RFC 7617): passwords may hold Vietnamese letters."""
        if users is None:
            return OPEN
        name, password = _basic_credentials(authorization)
        principal = users.authenticate(name, password) if name else None
        if principal is None:
            raise RepoError(
                401,
                "unauthorised",
                "wrong or missing user name or password",
                "sai hoặc thiếu tên đăng nhập, mật khẩu",
                {"WWW-Authenticate": 'Basic realm="sohoa", charset="UTF-8"'},
            )
        return principal

    def is_admin(headers: dict[str, str]) -> bool:
        """For /_admin: the server's admin token (written 0600 at start) or an admin's login."""
        header = headers.get("authorization", "")
        if admin_token and header.startswith("Bearer "):
            return hmac.compare_digest(header[7:].strip().encode(), admin_token.encode())
        if users is None or not header:
            return False
        name, password = _basic_credentials(header)
        principal = users.authenticate(name, password) if name else None
        return principal is not None and principal.is_admin

    @api.exception_handler(RepoError)
    async def _repo_error(_: Request, e: RepoError) -> JSONResponse:
        return _error(e.status, e.code, e.en, e.vi, e.headers)

    @api.exception_handler(ClientDisconnect)
    async def _gone(_: Request, e: ClientDisconnect) -> Response:
        log.info("client went away mid-request; nothing was written")
        return Response(status_code=400)

    @api.exception_handler(Rejected)
    async def _rejected(_: Request, e: Rejected) -> JSONResponse:
        return _error(e.status, e.code, e.en, e.vi)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in err['loc'][1:])}: {err['msg']}" for err in e.errors()]
        text = "; ".join(parts)
        return _error(422, "invalid_metadata", f"invalid request: {text}", f"yêu cầu không hợp lệ: {text}")

    def tus_headers(**extra: str) -> dict[str, str]:
        return {"Tus-Resumable": TUS_VERSION, **extra}

    def require_tus(tus_resumable: str | None) -> None:
        if tus_resumable != TUS_VERSION:
            raise RepoError(
                412,
                "tus_version",
                f"only tus {TUS_VERSION} is supported",
                f"chỉ hỗ trợ tus {TUS_VERSION}",
                {"Tus-Version": TUS_VERSION},
            )

    User = Annotated[Principal, Depends(authorise)]

    def expires(upload: Upload) -> dict[str, str]:
        if not upload.expires_at:
            return {}
        return {"Upload-Expires": email.utils.formatdate(upload.expires_at, usegmt=True)}

    def too_large(en: str, vi: str, code: str = "beyond_length") -> RepoError:
        return RepoError(413, code, en, vi, {"Connection": "close"})

    async def stream_chunk(request: Request, upload: Upload, room: int, upload_checksum: str | None) -> int:
        """Stream the body into the upload at its offset (never more than ``room`` bytes), check
        the checksum, then fsync and record the offset; return it. A dropped request, a body too
        long or a wrong checksum records nothing (the next write cuts the bytes off)."""
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > room):
            raise too_large("the body goes past Upload-Length", "dữ liệu vượt quá Upload-Length")
        algo, expected = _parse_checksum(upload_checksum) if upload_checksum else ("", b"")
        if algo and algo not in CHECKSUM_ALGORITHMS:
            raise RepoError(
                400,
                "checksum_algorithm",
                f"unsupported checksum algorithm {algo}",
                f"không hỗ trợ thuật toán kiểm tra {algo}",
            )
        digest = CHECKSUM_ALGORITHMS[algo]() if algo else None
        fd = await run_in_threadpool(storage.open_chunk, upload)
        written = 0
        try:
            async for piece in request.stream():
                if not piece:
                    continue
                written += len(piece)
                if written > room:
                    raise too_large("the body goes past Upload-Length", "dữ liệu vượt quá Upload-Length")
                if digest is not None:
                    digest.update(piece)
                await run_in_threadpool(os.write, fd, piece)
            if digest is not None and digest.digest() != expected:
                raise RepoError(
                    460,
                    "checksum_mismatch",
                    "the chunk's checksum does not match; send it again",
                    "mã kiểm tra của phần dữ liệu không khớp; hãy gửi lại",
                )
            if not written:
                return upload.offset
            return await run_in_threadpool(storage.finish_chunk, upload, fd, written)
        finally:
            os.close(fd)

    @api.get("/api/v1/health", tags=["service"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @api.options("/files", tags=["tus"], status_code=204)
    def tus_options() -> Response:
        return Response(
            status_code=204,
            headers=tus_headers(
                **{
                    "Tus-Version": TUS_VERSION,
                    "Tus-Extension": TUS_EXTENSIONS,
                    "Tus-Max-Size": str(MAX_SIZE),
                    "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
                }
            ),
        )

    @api.post("/files", tags=["tus"], status_code=201)
    async def tus_create(
        request: Request,
        user: User,
        upload_length: Annotated[int | None, Header()] = None,
        upload_metadata: Annotated[str, Header()] = "",
        content_type: Annotated[str, Header()] = "",
        upload_checksum: Annotated[str | None, Header()] = None,
        tus_resumable: Annotated[str | None, Header()] = None,
    ) -> Response:
        """tus creation; with a body (creation-with-upload) the first chunk comes in the same request."""
        require_tus(tus_resumable)
        if upload_length is None or upload_length < 0:
            raise RepoError(400, "no_length", "Upload-Length is required", "thiếu tiêu đề Upload-Length")
        if upload_length > MAX_SIZE:
            raise too_large(
                f"the file is larger than {MAX_SIZE} bytes", f"tệp lớn hơn {MAX_SIZE} byte", "too_large"
            )
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > upload_length:
            raise too_large("the body goes past Upload-Length", "dữ liệu vượt quá Upload-Length")
        await run_in_threadpool(storage.expire_uploads)
        count, reserved = await run_in_threadpool(storage.reserved_bytes, user.name)
        if count >= max_open_uploads or reserved + upload_length > quota_bytes:
            raise too_large(
                f"your unfinished uploads would pass your quota ({count} uploads, {reserved} of"
                f" {quota_bytes} bytes); finish or let them expire first",
                f"các lần tải lên chưa xong vượt hạn mức ({count} lần, {reserved}/{quota_bytes} byte);"
                " hãy hoàn tất hoặc đợi chúng hết hạn",
                "quota_exceeded",
            )
        upload = await run_in_threadpool(storage.create_upload, upload_length, upload_metadata, user.name)
        offset = 0
        if content_type == CHUNK_TYPE:
            with storage.upload_lock(upload.id):
                offset = await stream_chunk(request, upload, upload_length, upload_checksum)
        location = str(request.url_for("tus_head", upload_id=upload.id))
        return Response(
            status_code=201,
            headers=tus_headers(Location=location, **{"Upload-Offset": str(offset)}, **expires(upload)),
        )

    def get_upload(upload_id: str, user: Principal) -> Upload:
        upload = storage.get_upload(upload_id)
        if upload is None or (upload.owner != user.name and not user.is_admin):
            raise RepoError(
                404,
                "upload_not_found",
                "no such upload (it may have expired); start it again",
                "không có lần tải lên này (có thể đã hết hạn); hãy tải lại từ đầu",
            )
        return upload

    @api.head("/files/{upload_id}", tags=["tus"])
    def tus_head(
        upload_id: str, user: User, tus_resumable: Annotated[str | None, Header()] = None
    ) -> Response:
        require_tus(tus_resumable)
        upload = get_upload(upload_id, user)
        return Response(
            status_code=200,
            headers=tus_headers(
                **{
                    "Upload-Offset": str(upload.offset),
                    "Upload-Length": str(upload.length),
                    "Cache-Control": "no-store",
                },
                **expires(upload),
            ),
        )

    @api.patch("/files/{upload_id}", tags=["tus"], status_code=204)
    async def tus_patch(
        upload_id: str,
        request: Request,
        user: User,
        upload_offset: Annotated[int, Header()],
        content_type: Annotated[str, Header()] = "",
        upload_checksum: Annotated[str | None, Header()] = None,
        tus_resumable: Annotated[str | None, Header()] = None,
    ) -> Response:
        require_tus(tus_resumable)
        if content_type != CHUNK_TYPE:
            raise RepoError(
                415,
                "content_type",
                "Content-Type must be application/offset+octet-stream",
                "Content-Type phải là application/offset+octet-stream",
            )
        get_upload(upload_id, user)  # 404 before taking any lock
        lock = storage.upload_lock(upload_id)
        if not lock.acquire(blocking=False):
            raise RepoError(
                423, "upload_locked", "another request is writing this upload", "một yêu cầu khác đang ghi"
            )
        try:
            upload = get_upload(upload_id, user)
            if upload_offset != upload.offset:
                raise RepoError(
                    409,
                    "offset_mismatch",
                    f"the upload is at offset {upload.offset}",
                    f"lần tải lên đang ở vị trí {upload.offset}",
                    {"Upload-Offset": str(upload.offset)},
                )
            offset = await stream_chunk(request, upload, upload.length - upload.offset, upload_checksum)
        finally:
            lock.release()
        return Response(
            status_code=204, headers=tus_headers(**{"Upload-Offset": str(offset)}, **expires(upload))
        )

    @api.post(
        "/api/v1/documents",
        tags=["documents"],
        responses={
            200: {"description": "a replay: the document the key first created"},
            201: {"description": "committed"},
            422: {"description": "rejected, with the reason"},
        },
    )
    async def commit(
        body: CommitRequest,
        user: User,
        idempotency_key: Annotated[str, Header(min_length=8, max_length=200)],
    ) -> JSONResponse:
        existing = storage.find_by_key(idempotency_key, user.name)
        if existing is not None:
            return _replay(existing, body.metadata.sha256)
        upload_id = body.upload_url.rstrip("/").rsplit("/", 1)[-1]
        upload = get_upload(upload_id, user)
        if upload.owner != user.name:  # even an admin commits only its own uploads
            get_upload(upload_id, Principal(user.name))
        if not upload.complete:
            raise RepoError(
                409,
                "upload_incomplete",
                f"the upload has {upload.offset} of {upload.length} bytes",
                f"tệp mới tải lên {upload.offset}/{upload.length} byte",
            )
        meta = body.metadata
        if meta.kind in RESULT_KINDS and not meta.MaGiayToKetQua:
            raise RepoError(
                422,
                "result_code_missing",
                "a result document needs its result code (MaGiayToKetQua)",
                "tài liệu kết quả phải có mã kết quả (MaGiayToKetQua)",
            )
        if meta.size != upload.length:
            raise RepoError(
                422,
                "size_mismatch",
                "the declared size differs from the uploaded file",
                "kích thước khai báo khác với tệp đã tải lên",
            )
        # SHA-256, PDF/A and PAdES in a worker process (reads the file once; raises Rejected)
        findings = await checks.check(storage.upload_path(upload.id), meta.sha256)
        actual = meta.sha256
        record = meta.model_dump()
        record.update(
            page_count=findings.page_count or meta.page_count,  # 0 only without content checks
            signer=findings.signer or meta.signer,
            pdfa=findings.pdfa,
        )
        with storage.commit_lock:
            existing = storage.find_by_key(idempotency_key, user.name)
            if existing is not None:
                return _replay(existing, meta.sha256)
            doc = storage.store_document(idempotency_key, upload, actual, record, user.name, user.agency)
        log.info("committed document %s (%d bytes)", doc["id"], doc["size"])
        return JSONResponse(public(doc), status_code=201)

    def _replay(existing: dict[str, Any], sha256: str) -> JSONResponse:
        if existing["sha256"] != sha256:
            raise RepoError(
                409,
                "key_reused",
                "this Idempotency-Key was already used for another file",
                "khóa Idempotency-Key đã được dùng cho một tệp khác",
            )
        return JSONResponse(public(existing), status_code=200)

    def may_read(user: Principal, doc: dict[str, Any]) -> bool:
        if user.is_admin or doc["_owner"] == user.name:
            return True
        return user.role == "agency" and bool(user.agency) and doc["_agency"] == user.agency

    @api.get("/api/v1/documents", tags=["documents"])
    def lookup(user: User, owner_id: str | None = None, dossier_code: str | None = None) -> dict[str, Any]:
        if not owner_id and not dossier_code:
            raise RepoError(
                400, "no_filter", "give owner_id or dossier_code", "hãy cho owner_id hoặc dossier_code"
            )
        scope: dict[str, str | None] = {}
        if not user.is_admin:
            scope = {"agency": user.agency} if user.role == "agency" and user.agency else {"user": user.name}
        return {"documents": [public(d) for d in storage.find_documents(owner_id, dossier_code, **scope)]}

    @api.get("/api/v1/documents/{doc_id}", tags=["documents"])
    def get_document(doc_id: str, user: User) -> dict[str, Any]:
        return public(_document_or_404(doc_id, user))

    @api.get("/api/v1/documents/{doc_id}/content", tags=["documents"], response_class=FileResponse)
    def get_content(doc_id: str, user: User) -> FileResponse:
        doc = _document_or_404(doc_id, user)
        return FileResponse(storage.document_path(doc["sha256"]), media_type="application/pdf")

    def _document_or_404(doc_id: str, user: Principal) -> dict[str, Any]:
        doc = storage.get_document(doc_id)
        if doc is None or not may_read(user, doc):  # another user's document does not exist for you
            raise RepoError(404, "document_not_found", "no such document", "không có tài liệu này")
        return doc

    api.state.portal = mount_portal(api, storage, authorise, may_read)  # the portal-style API (portal_api.py)
    api.state.trust_roots = trust_roots
    api.state.checks = checks
    limited = BodyLimit(api, exempt_prefix="/files")
    wrapped = FaultMiddleware(limited, faults or Faults(), admin, is_admin=is_admin)
    wrapped.api = api  # type: ignore[attr-defined]  # for openapi export and tests
    return wrapped
