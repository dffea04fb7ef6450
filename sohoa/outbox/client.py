"""A thin HTTP client for the repository: tus 1.0 (core, creation, checksum) and the documents API.

Why not tuspy: its client takes only a yes/no TLS switch (no CA bundle), retries on
its own without ``Retry-After``, and does not tell a dropped connection from a
refused upload. This client is ~200 lines on ``requests`` and turns every answer
into one of three outcomes the uploader acts on: done, :class:`Transient` (wait and
retry) or :class:`Permanent` (mark the item failed with the server's reason).
TLS verification is always on; trust is the system store plus ``ca_bundle``, and no
environment variable (``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``) changes it. Ids and
URLs the server answers are checked before they become a path or a request.
"""

from __future__ import annotations

import base64
import contextlib
import email.utils
import hashlib
import ipaddress
import os
import re
import ssl
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from sohoa.outbox.errors import CredentialsRejected, InsecureRepositoryUrl, TlsFailure, UnsafeRemoteId

TUS_VERSION = "1.0.0"
SERVICE_STATUSES = (429, 502, 503, 504)  # the repository is unavailable, whatever the request
REMOTE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # what may become a file name or URL part


def validate_remote_id(value: object) -> str:
    """A server's document or upload id, checked before it touches a path, a URL or the store."""
    if not isinstance(value, str) or not REMOTE_ID.fullmatch(value):
        raise UnsafeRemoteId(value=repr(value)[:80])
    return value


class Transient(Exception):
    """A passing failure: try again later (``retry_after`` seconds if the server said so)."""

    def __init__(
        self,
        en: str,
        vi: str = "",
        retry_after: float | None = None,
        offline: bool = False,
        service: bool = False,
        broken: bool = False,
    ) -> None:
        super().__init__(en)
        self.en, self.vi, self.retry_after, self.offline = en, vi or en, retry_after, offline
        self.service = service  # the repository as a whole is unavailable (429, 502-504), not this item
        self.broken = broken  # the connection broke mid-request (the network's or the server's doing)


class Permanent(Exception):
    """The repository refused the document for good; ``code`` is its machine-readable reason."""

    def __init__(self, code: str, en: str, vi: str = "") -> None:
        super().__init__(en)
        self.code, self.en, self.vi = code, en, vi or en


class UploadGone(Exception):
    """The server no longer has (or never finished) this tus upload: start it again."""


class RateLimiter:
    """A token bucket shared by every request of one client (bytes per second)."""

    def __init__(self, bytes_per_s: float) -> None:
        self.rate = bytes_per_s
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def consume(self, n: int) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + n / self.rate
        if start > now:
            time.sleep(start - now)


class _ThrottledBody:
    """A chunk body that requests streams (it has a length) at the limiter's pace."""

    def __init__(self, data: bytes, limiter: RateLimiter) -> None:
        self._data, self._pos, self._limiter = memoryview(data), 0, limiter

    def __len__(self) -> int:
        return len(self._data)

    def read(self, n: int = -1) -> bytes:
        n = len(self._data) - self._pos if n is None or n < 0 else min(n, 16384)
        piece = self._data[self._pos : self._pos + n].tobytes()
        self._pos += len(piece)
        if piece:
            self._limiter.consume(len(piece))
        return piece


def trust_context(ca_bundle: str = "") -> ssl.SSLContext:
    """The system's roots plus ``ca_bundle``, and nothing an environment variable names.

    ``ssl.create_default_context()`` honours ``SSL_CERT_FILE``/``SSL_CERT_DIR`` and requests
    honours ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``: any of them would let a process's
    environment replace or widen whom the workstation trusts with citizens' documents.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname check and CERT_REQUIRED by default
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if sys.platform == "win32":
        for store in ("CA", "ROOT"):
            for cert, encoding, _trust in ssl.enum_certificates(store):  # type: ignore[attr-defined]
                if encoding == "x509_asn":
                    with contextlib.suppress(ssl.SSLError):
                        ctx.load_verify_locations(cadata=cert)
    else:
        paths = ssl.get_default_verify_paths()  # the openssl_* fields ignore the environment
        if paths.openssl_cafile and os.path.isfile(paths.openssl_cafile):
            ctx.load_verify_locations(cafile=paths.openssl_cafile)
        if paths.openssl_capath and os.path.isdir(paths.openssl_capath):
            ctx.load_verify_locations(capath=paths.openssl_capath)
    if not ctx.cert_store_stats().get("x509_ca") and not (
        sys.platform != "win32" and os.path.isdir(ssl.get_default_verify_paths().openssl_capath or "")
    ):
        import certifi  # a system without a CA store (a bare macOS Python): the bundled one

        ctx.load_verify_locations(cafile=certifi.where())
    if ca_bundle:
        try:
            ctx.load_verify_locations(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as e:
            raise TlsFailure(detail=f"cannot read the CA bundle {ca_bundle}: {e}") from e
    return ctx


class _TrustAdapter(HTTPAdapter):
    """Verify against :func:`trust_context` only: a ``verify=`` path from anywhere is ignored."""

    def __init__(self, ca_bundle: str) -> None:
        self._context = trust_context(ca_bundle)
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        super().cert_verify(conn, url, False, cert)  # no ca_certs path: the context decides
        if url.lower().startswith("https"):
            conn.cert_reqs = "CERT_REQUIRED"

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, True, cert)
        for key in ("ca_certs", "ca_cert_dir"):
            pool_kwargs.pop(key, None)
        pool_kwargs["cert_reqs"] = "CERT_REQUIRED"
        pool_kwargs["ssl_context"] = self._context
        return host_params, pool_kwargs


class _Session(requests.Session):
    """A session whose ``verify`` no environment variable can change (proxies still apply)."""

    def merge_environment_settings(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        settings = super().merge_environment_settings(*args, **kwargs)
        settings["verify"] = True
        return settings


def check_url(url: str) -> str:
    """Only https://, or http:// to this machine (the reference server on loopback)."""
    parsed = urlparse(url)
    if parsed.scheme == "https" and parsed.hostname:
        return url.rstrip("/")
    if parsed.scheme == "http" and parsed.hostname:
        host = parsed.hostname
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if loopback:
            return url.rstrip("/")
    raise InsecureRepositoryUrl(url=url)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def _reason(response: requests.Response) -> tuple[str, str, str]:
    try:
        body = response.json()
        return body.get("error", ""), body.get("reason", ""), body.get("reason_vi", "")
    except ValueError:
        return "", response.text[:200], ""


def _is_offline(error: requests.RequestException) -> bool:
    """A failure to connect at all (nobody listening, no route, DNS), not a reset mid-request."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, NewConnectionError | ConnectionRefusedError):
            return True
        nxt = getattr(seen, "reason", None) or (seen.args[0] if seen.args else None)
        seen = nxt if isinstance(nxt, BaseException) and nxt is not seen else seen.__context__
    return False


class RepositoryClient:
    """One session to the repository (not shared between threads: make one per worker)."""

    def __init__(
        self,
        url: str,
        username: str = "",
        password: str | None = None,
        ca_bundle: str = "",
        timeout: float = 30.0,
        chunk_size: int = 1 << 20,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.base = check_url(url)
        self.session = _Session()
        self.session.verify = True  # never False
        self.session.mount("https://", _TrustAdapter(ca_bundle))
        if username:
            # as UTF-8 bytes (RFC 7617): requests would encode str as Latin-1 and fail on "đ"
            self.session.auth = (username.encode("utf-8"), (password or "").encode("utf-8"))
        self.timeout = (min(10.0, timeout), timeout)
        self.chunk_size = chunk_size
        self.limiter = limiter

    def close(self) -> None:
        self.session.close()

    # -- plumbing -------------------------------------------------------------------
    def _send(self, method: str, url: str, **kw: Any) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.exceptions.SSLError as e:
            raise TlsFailure(detail=str(e.args[0] if e.args else e)[:300]) from e
        except requests.RequestException as e:
            offline = _is_offline(e)
            what = "cannot connect" if offline else "the connection broke"
            vi = "không kết nối được" if offline else "kết nối bị ngắt"
            raise Transient(
                f"{what}: {type(e).__name__}",
                f"{vi}: {type(e).__name__}",
                offline=offline,
                broken=not offline,
            ) from e
        if response.status_code in (401, 403):
            raise CredentialsRejected()
        if response.status_code in (408, 425, 429) or response.status_code >= 500:
            _, en, vi = _reason(response)
            raise Transient(
                f"the repository answered {response.status_code} {en}".strip(),
                f"kho dữ liệu trả lời {response.status_code} {vi}".strip(),
                retry_after=_retry_after(response),
                service=response.status_code in SERVICE_STATUSES,
            )
        return response

    def _permanent(self, response: requests.Response) -> Permanent:
        code, en, vi = _reason(response)
        return Permanent(
            code or f"http_{response.status_code}",
            en or f"the repository refused the request ({response.status_code})",
            vi or f"kho dữ liệu từ chối yêu cầu ({response.status_code})",
        )

    def _upload_location(self, location: str) -> str:
        """The upload URL a POST answered: on this repository's origin, ending in a safe id."""
        url = urljoin(f"{self.base}/files", location)
        mine, theirs = urlparse(self.base), urlparse(url)
        if (theirs.scheme, theirs.netloc) != (mine.scheme, mine.netloc) or theirs.query or theirs.fragment:
            raise UnsafeRemoteId(value=location[:80])
        validate_remote_id(theirs.path.rstrip("/").rsplit("/", 1)[-1])
        return url

    # -- tus ------------------------------------------------------------------------
    def create_upload(self, size: int, metadata: dict[str, str]) -> str:
        encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in metadata.items())
        r = self._send(
            "POST",
            f"{self.base}/files",
            headers={"Tus-Resumable": TUS_VERSION, "Upload-Length": str(size), "Upload-Metadata": encoded},
        )
        if r.status_code != 201 or "Location" not in r.headers:
            raise self._permanent(r)
        return self._upload_location(r.headers["Location"])

    def create_upload_with_body(self, path: Path, size: int, metadata: dict[str, str]) -> tuple[str, int]:
        """tus creation-with-upload: POST the whole file (it fits in one chunk) in the creating request.

        Saves a round trip per document. Returns the upload URL and the offset the server
        reports (0 if it ignored the body: the caller then PATCHes as usual).
        """
        with open(path, "rb") as fh:
            data = fh.read(size + 1)
        if len(data) != size:
            raise Permanent("local_file_size", f"the queued file {path} is not {size} bytes as recorded")
        digest = base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode()
        encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in metadata.items())
        r = self._send(
            "POST",
            f"{self.base}/files",
            data=_ThrottledBody(data, self.limiter) if self.limiter else data,
            headers={
                "Tus-Resumable": TUS_VERSION,
                "Upload-Length": str(size),
                "Upload-Metadata": encoded,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Checksum": f"sha1 {digest}",
            },
        )
        if r.status_code == 460:
            raise Transient("the file was damaged on the way", "tệp bị hỏng trên đường truyền")
        if r.status_code != 201 or "Location" not in r.headers:
            raise self._permanent(r)
        return self._upload_location(r.headers["Location"]), int(r.headers.get("Upload-Offset", 0))

    def get_offset(self, upload_url: str) -> int:
        r = self._send("HEAD", upload_url, headers={"Tus-Resumable": TUS_VERSION})
        if r.status_code in (404, 410):
            raise UploadGone(upload_url)
        if r.status_code != 200 or "Upload-Offset" not in r.headers:
            raise self._permanent(r)
        return int(r.headers["Upload-Offset"])

    def upload(
        self,
        upload_url: str,
        path: Path,
        offset: int,
        size: int,
        should_stop: Callable[[], bool] = lambda: False,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        """Send ``path`` from ``offset`` in chunks, each with its SHA-1 (tus checksum extension)."""
        with open(path, "rb") as fh:
            while offset < size:
                if should_stop():
                    raise Transient("stopped", "đã dừng")
                fh.seek(offset)
                chunk = fh.read(self.chunk_size)
                if not chunk:
                    raise Permanent("local_file_short", f"the queued file {path} is shorter than recorded")
                digest = base64.b64encode(hashlib.sha1(chunk, usedforsecurity=False).digest()).decode()
                body: Any = _ThrottledBody(chunk, self.limiter) if self.limiter else chunk
                r = self._send(
                    "PATCH",
                    upload_url,
                    data=body,
                    headers={
                        "Tus-Resumable": TUS_VERSION,
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Checksum": f"sha1 {digest}",
                    },
                )
                if r.status_code in (404, 410):
                    raise UploadGone(upload_url)
                if r.status_code == 423:  # an earlier request of ours is still being written
                    raise Transient(
                        "the upload is busy on the server", "tệp đang được máy chủ ghi", broken=True
                    )
                if r.status_code in (409, 460):  # offset moved under us, or bytes damaged on the way
                    offset = self.get_offset(upload_url)
                    continue
                if r.status_code != 204:
                    raise self._permanent(r)
                offset = int(r.headers.get("Upload-Offset", offset + len(chunk)))
                if on_progress:
                    on_progress(offset)

    # -- documents ------------------------------------------------------------------
    def commit(self, key: str, upload_url: str, metadata: dict[str, Any]) -> dict[str, Any]:
        r = self._send(
            "POST",
            f"{self.base}/api/v1/documents",
            json={"upload_url": upload_url, "metadata": metadata},
            headers={"Idempotency-Key": key},
        )
        if r.status_code in (200, 201):
            return dict(r.json())
        code, _, _ = _reason(r)
        if (r.status_code == 404 and code == "upload_not_found") or (
            r.status_code == 409 and code == "upload_incomplete"
        ):
            raise UploadGone(upload_url)
        raise self._permanent(r)

    def lookup(self, owner_id: str | None = None, dossier_code: str | None = None) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("owner_id", owner_id), ("dossier_code", dossier_code)) if v}
        r = self._send("GET", f"{self.base}/api/v1/documents", params=params)
        if r.status_code != 200:
            raise self._permanent(r)
        return list(r.json()["documents"])

    def download(self, doc_id: str) -> bytes:
        r = self._send("GET", f"{self.base}/api/v1/documents/{validate_remote_id(doc_id)}/content")
        if r.status_code != 200:
            raise self._permanent(r)
        return r.content
