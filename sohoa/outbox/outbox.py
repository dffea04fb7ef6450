"""The durable outbox: signed documents waiting for the provincial repository.

One SQLite file (WAL, ``synchronous=FULL``) plus the documents themselves, stored
once per content as ``files/<sha256>.pdf``. An item moves
pending -> uploading -> uploaded -> acknowledged, or to failed (with the server's
reason) when the repository refuses it for good. Enqueueing copies the file to a
temporary name, fsyncs it, renames it to its hash and only then INSERTs the row in
one transaction: a crash or a full disk leaves a whole item or none (at worst an
unreferenced file, which :meth:`Outbox.purge` removes later). Files are deleted only
``keep_days`` after the server acknowledged them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sohoa.core.fsutil import fsync_dir
from sohoa.core.paths import app_paths, private_dir
from sohoa.outbox.errors import (
    ItemNotFound,
    ItemNotRetryable,
    NotASignedPdf,
    QueueDiskFull,
    QueueWriteError,
    UploaderBusy,
)
from sohoa.outbox.listing import QueueEntry, QueueListing
from sohoa.outbox.metadata import DocumentMetadata

__all__ = ["ItemState", "Outbox", "QueueEntry", "QueueItem", "QueueListing", "inspect_signed_pdf"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,  -- the commit's idempotency key
    state TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'uploaded', 'acknowledged', 'failed')),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL,  -- the wire form (docs/metadata.md)
    upload_url TEXT,  -- the tus upload, kept so a restart resumes it
    remote_id TEXT,  -- the repository's document id, once acknowledged
    failures INTEGER NOT NULL DEFAULT 0,  -- passing failures in a row (drives the backoff)
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_vi TEXT,
    claimed_by TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    acknowledged_at REAL,
    document_id TEXT  -- the local store's document (sohoa.core.store), moved to acknowledged with the item
);
CREATE INDEX IF NOT EXISTS items_ready ON items (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS items_sha ON items (sha256);
"""

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
ORPHAN_GRACE_S = 3600.0  # an unreferenced file younger than this may belong to an enqueue in progress


class ItemState(StrEnum):
    PENDING = "pending"
    UPLOADING = "uploading"
    UPLOADED = "uploaded"  # every byte is on the server; the commit is still due
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"


@dataclass(frozen=True)
class QueueItem:
    """A claimed or fetched item with everything the uploader needs."""

    id: int
    key: str
    state: ItemState
    sha256: str
    size: int
    metadata: DocumentMetadata
    upload_url: str | None
    remote_id: str | None
    failures: int
    last_error: str | None
    document_id: str = ""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> QueueItem:
        return cls(
            id=row["id"],
            key=row["key"],
            state=ItemState(row["state"]),
            sha256=row["sha256"],
            size=row["size"],
            metadata=DocumentMetadata.from_wire(json.loads(row["metadata"])),
            upload_url=row["upload_url"],
            remote_id=row["remote_id"],
            failures=row["failures"],
            last_error=row["last_error"],
            document_id=row["document_id"] or "",
        )


def _disk_full(e: BaseException) -> bool:
    if isinstance(e, OSError):
        return e.errno in _DISK_FULL
    return isinstance(e, sqlite3.OperationalError) and "full" in str(e).lower()


class Outbox:
    """The queue in ``root`` (default: ``<data>/outbox``). Safe to share between threads."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = private_dir(Path(root) if root else app_paths().data / "outbox")
        self.files = private_dir(self.root / "files")
        self.db_path = self.root / "outbox.db"
        self._local = threading.local()
        try:
            conn = self._conn()
            conn.executescript(SCHEMA)
            columns = {r[1] for r in conn.execute("PRAGMA table_info(items)")}
            if "document_id" not in columns:  # a queue made before items carried their document
                conn.execute("ALTER TABLE items ADD COLUMN document_id TEXT")
        except sqlite3.DatabaseError as e:
            raise QueueWriteError(path=str(self.db_path), detail=str(e)) from e

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
            with contextlib.suppress(OSError):
                self.db_path.chmod(0o600)
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def file_path(self, sha256: str) -> Path:
        return self.files / f"{sha256}.pdf"

    # -- enqueue --------------------------------------------------------------------
    def enqueue(self, source: Path, metadata: DocumentMetadata, document_id: str = "") -> int:
        """Copy the signed PDF ``source`` into the queue with its metadata; return the item id.

        The caller validates the metadata first (``metadata.validated(profile)``); the page
        count and the signer are read from the file when not given. ``document_id`` is the
        local store's document, which the uploader moves to acknowledged with the item.
        """
        source = Path(source)
        tmp = self.files / f"tmp-{uuid.uuid4().hex}.part"
        created: Path | None = None
        sha = ""
        try:
            pages, signer = inspect_signed_pdf(source)
            metadata.page_count = metadata.page_count or pages
            metadata.signer = metadata.signer or signer
            sha, size = _copy_hashing(source, tmp)
            target = self.file_path(sha)
            if target.exists():
                tmp.unlink()
                os.utime(target)  # fresh mtime: purge leaves a just-reused file alone
            else:
                os.replace(tmp, target)
                created = target
            fsync_dir(self.files)
            metadata.sha256, metadata.size = sha, size
            metadata.filename = metadata.filename or source.name
            now = time.time()
            conn = self._conn()
            with _transaction(conn):
                cur = conn.execute(
                    "INSERT INTO items (key, state, sha256, size, dossier_code, kind, title, metadata,"
                    " created_at, updated_at, document_id) VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        uuid.uuid4().hex,
                        sha,
                        size,
                        metadata.dossier_code,
                        str(metadata.kind),
                        metadata.title,
                        json.dumps(metadata.to_wire(), ensure_ascii=False),
                        now,
                        now,
                        document_id or None,
                    ),
                )
                item_id = int(cur.lastrowid or 0)
            return item_id
        except (OSError, sqlite3.Error) as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if created is not None:
                self._remove_if_unreferenced(created, sha)
            if isinstance(e, FileNotFoundError) and e.filename == str(source):
                from sohoa.core.errors import InputError

                raise InputError(path=str(source), detail="file not found") from e
            if _disk_full(e):
                raise QueueDiskFull(path=str(source)) from e
            raise QueueWriteError(path=str(self.root), detail=str(e)) from e

    def _remove_if_unreferenced(self, path: Path, sha: str) -> None:
        with contextlib.suppress(OSError, sqlite3.Error):
            row = self._conn().execute("SELECT 1 FROM items WHERE sha256 = ? LIMIT 1", (sha,)).fetchone()
            if row is None:
                path.unlink()

    # -- the uploader's transitions ---------------------------------------------------
    def claim(self, token: str, now: float | None = None) -> QueueItem | None:
        """Take the next due item (pending or uploaded) in one UPDATE ... RETURNING."""
        now = time.time() if now is None else now
        row = (
            self._conn()
            .execute(
                "UPDATE items SET state = CASE state WHEN 'pending' THEN 'uploading' ELSE state END,"
                " claimed_by = ?, updated_at = ?"
                " WHERE id = (SELECT id FROM items WHERE state IN ('pending', 'uploaded')"
                "  AND claimed_by IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1)"
                " RETURNING *",
                (token, now, now),
            )
            .fetchone()
        )
        return QueueItem.from_row(row) if row else None

    def next_due(self) -> float | None:
        """When the earliest waiting item becomes due (None: nothing is waiting)."""
        row = (
            self._conn()
            .execute(
                "SELECT MIN(next_attempt_at) FROM items WHERE state IN ('pending', 'uploaded') AND claimed_by IS NULL"
            )
            .fetchone()
        )
        return row[0]

    def _update(self, item_id: int, sql: str, *args: Any) -> None:
        self._conn().execute(
            f"UPDATE items SET {sql}, updated_at = ? WHERE id = ?",  # noqa: S608  (sql is one of ours)
            (*args, time.time(), item_id),
        )

    def set_upload_url(self, item_id: int, url: str | None) -> None:
        self._update(item_id, "upload_url = ?", url)

    def mark_uploaded(self, item_id: int, upload_url: str | None = None) -> None:
        """Every byte is on the server (recording its URL too, when given, in the same transaction)."""
        self._update(item_id, "state = 'uploaded', upload_url = COALESCE(?, upload_url)", upload_url)

    def mark_acknowledged(self, item_id: int, remote_id: str) -> None:
        self._update(
            item_id,
            "state = 'acknowledged', remote_id = ?, claimed_by = NULL, failures = 0, last_error = NULL,"
            " last_error_vi = NULL, acknowledged_at = ?",
            remote_id,
            time.time(),
        )

    def release(self, item_id: int, delay: float, error: str, error_vi: str = "") -> None:
        """Give a claimed item back after a passing failure; it is due again in ``delay`` seconds."""
        self._update(
            item_id,
            "state = CASE state WHEN 'uploading' THEN 'pending' ELSE state END, claimed_by = NULL,"
            " failures = failures + 1, next_attempt_at = ?, last_error = ?, last_error_vi = ?",
            time.time() + delay,
            error,
            error_vi or error,
        )

    def restart_upload(self, item_id: int, delay: float = 0.0) -> None:
        """The server lost the tus upload: send the file again from byte 0."""
        self._update(
            item_id,
            "state = 'pending', upload_url = NULL, claimed_by = NULL, next_attempt_at = ?",
            time.time() + delay,
        )

    def unclaim(self, item_id: int) -> None:
        """Give an item back untouched (the uploader is stopping)."""
        self._update(
            item_id, "state = CASE state WHEN 'uploading' THEN 'pending' ELSE state END, claimed_by = NULL"
        )

    def mark_failed(self, item_id: int, reason: str, reason_vi: str = "") -> None:
        self._update(
            item_id,
            "state = 'failed', claimed_by = NULL, last_error = ?, last_error_vi = ?",
            reason,
            reason_vi or reason,
        )

    def retry(self, item_id: int) -> None:
        """Put a failed item back in the queue (after the clerk fixed the cause)."""
        conn = self._conn()
        with _transaction(conn):
            row = conn.execute("SELECT state FROM items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                raise ItemNotFound(item=item_id)
            if row["state"] != ItemState.FAILED:
                raise ItemNotRetryable(item=item_id, state=row["state"])
            conn.execute(
                "UPDATE items SET state = 'pending', failures = 0, next_attempt_at = 0, last_error = NULL,"
                " last_error_vi = NULL, updated_at = ? WHERE id = ?",
                (time.time(), item_id),
            )

    def recover(self) -> int:
        """After a crash: free every claim (call with :meth:`uploader_lock` held). Returns the count."""
        conn = self._conn()
        with _transaction(conn):
            n = conn.execute(
                "UPDATE items SET state = 'pending', claimed_by = NULL WHERE state = 'uploading'"
            ).rowcount
            n += conn.execute("UPDATE items SET claimed_by = NULL WHERE claimed_by IS NOT NULL").rowcount
        return n

    def wake_all(self) -> None:
        """Make every waiting item due now (the clerk pressed "send now", or the network is back)."""
        self._conn().execute("UPDATE items SET next_attempt_at = 0 WHERE state IN ('pending', 'uploaded')")

    @contextlib.contextmanager
    def uploader_lock(self) -> Iterator[None]:
        """Only one uploader per queue: a non-blocking lock on ``uploader.lock`` (freed if it dies)."""
        fh = open(self.root / "uploader.lock", "a+b")
        try:
            _lock_file(fh)
        except OSError as e:
            fh.close()
            raise UploaderBusy() from e
        try:
            yield
        finally:
            fh.close()  # closing releases the lock

    # -- reading --------------------------------------------------------------------
    def get(self, item_id: int) -> QueueItem:
        row = self._conn().execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise ItemNotFound(item=item_id)
        return QueueItem.from_row(row)

    def list(
        self, state: ItemState | str | None = None, limit: int | None = None, offset: int = 0
    ) -> QueueListing:
        """The items, oldest first, optionally of one state and one page, as a lazy snapshot.

        Only the ordered ids are read now (one query); an entry is read when asked for
        (see :mod:`sohoa.outbox.listing`). Close a large listing (or use ``with``) once done.
        """
        return QueueListing(self.db_path, str(state) if state else None, limit, offset)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((s.value for s in ItemState), 0)
        for state, n in self._conn().execute("SELECT state, COUNT(*) FROM items GROUP BY state"):
            out[state] = n
        return out

    def outstanding(self) -> int:
        """Items not yet acknowledged nor failed."""
        row = (
            self._conn()
            .execute("SELECT COUNT(*) FROM items WHERE state IN ('pending', 'uploading', 'uploaded')")
            .fetchone()
        )
        return int(row[0])

    # -- housekeeping -----------------------------------------------------------------
    def purge(self, keep_days: float, now: float | None = None) -> int:
        """Forget items acknowledged more than ``keep_days`` ago and delete files nothing needs."""
        now = time.time() if now is None else now
        conn = self._conn()
        with _transaction(conn):
            n = conn.execute(
                "DELETE FROM items WHERE state = 'acknowledged' AND acknowledged_at < ?",
                (now - keep_days * 86400,),
            ).rowcount
        referenced = {r[0] for r in conn.execute("SELECT DISTINCT sha256 FROM items")}
        for path in self.files.iterdir():
            try:
                young = now - path.stat().st_mtime < ORPHAN_GRACE_S
            except FileNotFoundError:
                continue
            if path.name.endswith(".part"):
                if not young:
                    path.unlink(missing_ok=True)
            elif path.stem not in referenced and not young:
                path.unlink(missing_ok=True)
        return n


def inspect_signed_pdf(path: Path) -> tuple[int, str]:
    """The page count and first signer of a signed PDF; NotASignedPdf if it is not one.

    The parsing is the signing layer's one signature parser (:mod:`sohoa.signing.parse`).
    """
    from sohoa.signing.parse import NotASignedPdfFile
    from sohoa.signing.parse import inspect_signed_pdf as inspect

    try:
        return inspect(path)
    except NotASignedPdfFile as e:
        raise NotASignedPdf(path=str(path), detail=str(e.params.get("detail", ""))) from e


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (fsynced), returning its SHA-256 and size."""
    h = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(target, "xb") as dst:
        while block := src.read(1 << 20):
            h.update(block)
            dst.write(block)
            size += len(block)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, 0o600)
    return h.hexdigest(), size


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a failed COMMIT (disk full) leaves the transaction open
            conn.execute("ROLLBACK")
        raise


def _lock_file(fh: IO[bytes]) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
