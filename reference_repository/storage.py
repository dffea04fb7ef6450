"""The repository's storage: one SQLite file plus a folder of files.

Uploads in progress live in ``uploads/<id>`` with their offset in the database;
committed documents are stored once per content in ``documents/<sha256>.pdf``.
A chunk is written at its offset, fsynced, then the offset is recorded, so a crash
never records bytes the disk does not hold (a longer file is cut back on the next
write). The idempotency key is UNIQUE: a retried commit finds the first document.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    length INTEGER NOT NULL,
    offset INTEGER NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    expires_at REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    owner_id TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at REAL NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    agency TEXT NOT NULL DEFAULT '',
    UNIQUE (owner, idempotency_key)
);
CREATE INDEX IF NOT EXISTS documents_owner ON documents(owner_id);
CREATE INDEX IF NOT EXISTS documents_dossier ON documents(dossier_code);
CREATE INDEX IF NOT EXISTS uploads_owner ON uploads(owner, offset, length);
"""
UPLOAD_ID = re.compile(r"[0-9a-f]{32}")  # what the server makes; anything else is never a path
DEFAULT_EXPIRY_S = 24 * 3600.0


def _migrate(conn: sqlite3.Connection) -> None:
    """A database of the first version (keys unique across users, no owners): rebuild in place."""
    cols = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    if cols and "owner" not in cols:
        migration = (
            "BEGIN; ALTER TABLE documents RENAME TO documents_v1; ALTER TABLE uploads RENAME TO uploads_v1;"  # noqa: S608
            f"{SCHEMA}"
            "INSERT INTO documents (id, idempotency_key, sha256, size, owner_id, dossier_code, kind, metadata,"
            " created_at) SELECT id, idempotency_key, sha256, size, owner_id, dossier_code, kind, metadata,"
            " created_at FROM documents_v1; INSERT INTO uploads (id, length, offset, metadata, created_at)"
            " SELECT id, length, offset, metadata, created_at FROM uploads_v1;"
            " DROP TABLE documents_v1; DROP TABLE uploads_v1; COMMIT;"
        )
        conn.executescript(migration)


@dataclass(frozen=True)
class Upload:
    id: str
    length: int
    offset: int
    metadata: str
    owner: str = ""
    expires_at: float = 0.0

    @property
    def complete(self) -> bool:
        return self.offset == self.length


class Storage:
    """Thread-safe access to the database (one connection per thread) and the files."""

    def __init__(self, root: Path, expiry_s: float = DEFAULT_EXPIRY_S) -> None:
        self.root = Path(root)
        self.uploads_dir = self.root / "uploads"
        self.documents_dir = self.root / "documents"
        for folder in (self.root, self.uploads_dir, self.documents_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder.chmod(0o700)  # citizens' documents: the server's account alone
        self.db_path = self.root / "repository.db"
        self.expiry_s = expiry_s
        self._local = threading.local()
        self._upload_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.commit_lock = threading.Lock()
        _migrate(self._conn())
        self._conn().executescript(SCHEMA)
        self._private_files()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
            self._private_files()
        return conn

    def _private_files(self) -> None:
        for name in ("repository.db", "repository.db-wal", "repository.db-shm"):
            with contextlib.suppress(FileNotFoundError):
                (self.root / name).chmod(0o600)

    def upload_lock(self, upload_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._upload_locks.setdefault(upload_id, threading.Lock())

    # -- uploads (tus) ---------------------------------------------------------------
    def create_upload(self, length: int, metadata: str, owner: str = "") -> Upload:
        """A new, empty upload of ``owner`` that expires ``expiry_s`` from now (tus Expiration)."""
        now = time.time()
        upload = Upload(uuid.uuid4().hex, length, 0, metadata, owner, now + self.expiry_s)
        fd = os.open(self.upload_path(upload.id), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        self._conn().execute(
            "INSERT INTO uploads (id, length, offset, metadata, created_at, owner, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (upload.id, length, 0, metadata, now, owner, upload.expires_at),
        )
        return upload

    def get_upload(self, upload_id: str, now: float | None = None) -> Upload | None:
        """The upload, or None when there is none of that id or it expired."""
        if not UPLOAD_ID.fullmatch(upload_id):
            return None
        row = self._conn().execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        if row is None:
            return None
        upload = Upload(
            row["id"], row["length"], row["offset"], row["metadata"], row["owner"], row["expires_at"]
        )
        if upload.expires_at and upload.expires_at <= (time.time() if now is None else now):
            return None
        return upload

    def reserved_bytes(self, owner: str) -> tuple[int, int]:
        """The unfinished, unexpired uploads of ``owner``: how many, and their declared bytes."""
        row = (
            self._conn()
            .execute(
                "SELECT COUNT(*), COALESCE(SUM(length), 0) FROM uploads WHERE owner = ? AND offset < length"
                " AND (expires_at = 0 OR expires_at > ?)",
                (owner, time.time()),
            )
            .fetchone()
        )
        return int(row[0]), int(row[1])

    def expire_uploads(self, now: float | None = None) -> int:
        """Delete the expired uploads (rows and files); committed documents keep their own copy."""
        now = time.time() if now is None else now
        rows = (
            self._conn()
            .execute("SELECT id FROM uploads WHERE expires_at > 0 AND expires_at <= ?", (now,))
            .fetchall()
        )
        for (upload_id,) in rows:
            with self.upload_lock(upload_id):
                self._conn().execute("DELETE FROM uploads WHERE id = ?", (upload_id,))
                with contextlib.suppress(FileNotFoundError):
                    self.upload_path(upload_id).unlink()
        return len(rows)

    def upload_path(self, upload_id: str) -> Path:
        if not UPLOAD_ID.fullmatch(upload_id):
            raise ValueError("not an upload id")
        return self.uploads_dir / upload_id

    def open_chunk(self, upload: Upload) -> int:
        """A descriptor positioned at the upload's offset (bytes past it, from a request that
        never finished, are cut off first). Write the chunk, then :meth:`finish_chunk`."""
        fd = os.open(self.upload_path(upload.id), os.O_RDWR | os.O_CREAT, 0o600)
        os.ftruncate(fd, upload.offset)
        os.lseek(fd, upload.offset, os.SEEK_SET)
        return fd

    def finish_chunk(self, upload: Upload, fd: int, written: int) -> int:
        """fsync the chunk, then record the new offset (never bytes the disk does not hold)."""
        os.fsync(fd)
        new_offset = upload.offset + written
        self._conn().execute("UPDATE uploads SET offset = ? WHERE id = ?", (new_offset, upload.id))
        return new_offset

    def write_chunk(self, upload: Upload, data: bytes) -> int:
        """Write ``data`` at the upload's offset, durably; return the new offset."""
        fd = self.open_chunk(upload)
        try:
            os.write(fd, data)
            return self.finish_chunk(upload, fd, len(data))
        finally:
            os.close(fd)

    # -- documents -----------------------------------------------------------------
    def find_by_key(self, key: str, owner: str = "") -> dict[str, Any] | None:
        """The document ``owner`` committed under ``key`` (keys are scoped per user)."""
        row = (
            self._conn()
            .execute("SELECT * FROM documents WHERE owner = ? AND idempotency_key = ?", (owner, key))
            .fetchone()
        )
        return _doc(row) if row else None

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def document_path(self, sha256: str) -> Path:
        return self.documents_dir / f"{sha256}.pdf"

    def store_document(
        self,
        key: str,
        upload: Upload,
        sha256: str,
        metadata: dict[str, Any],
        owner: str = "",
        agency: str = "",
    ) -> dict[str, Any]:
        """Keep the upload's bytes under their hash and record the document (caller holds commit_lock)."""
        target = self.document_path(sha256)
        if not target.exists():
            os.link(self.upload_path(upload.id), target)  # the upload file is complete and fsynced
        doc_id = uuid.uuid4().hex
        self._conn().execute(
            "INSERT INTO documents (id, idempotency_key, sha256, size, owner_id, dossier_code, kind,"
            " metadata, created_at, owner, agency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                key,
                sha256,
                upload.length,
                metadata.get("owner_id", ""),
                metadata["MaHoSo"],
                metadata["kind"],
                json.dumps(metadata, ensure_ascii=False),
                time.time(),
                owner,
                agency,
            ),
        )
        found = self.get_document(doc_id)
        assert found is not None
        return found

    def find_documents(
        self,
        owner_id: str | None,
        dossier_code: str | None,
        user: str | None = None,
        agency: str | None = None,
    ) -> list[dict[str, Any]]:
        """Documents by citizen or dossier, limited to ``user``'s own or ``agency``'s when given."""
        where, args = [], []
        if user is not None:
            where.append("owner = ?")
            args.append(user)
        if agency is not None:
            where.append("agency = ?")
            args.append(agency)
        if owner_id:
            where.append("owner_id = ?")
            args.append(owner_id)
        if dossier_code:
            where.append("dossier_code = ?")
            args.append(dossier_code)
        sql = "SELECT * FROM documents WHERE " + " AND ".join(where) + " ORDER BY created_at, id"  # noqa: S608
        return [_doc(r) for r in self._conn().execute(sql, args)]

    def all_documents(self) -> list[dict[str, Any]]:
        return [_doc(r) for r in self._conn().execute("SELECT * FROM documents ORDER BY created_at, id")]


def _doc(row: sqlite3.Row) -> dict[str, Any]:
    meta = json.loads(row["metadata"])
    return {
        "id": row["id"],
        "idempotency_key": row["idempotency_key"],
        "sha256": row["sha256"],
        "size": row["size"],
        "created_at": row["created_at"],
        "metadata": meta,
        "_owner": row["owner"],
        "_agency": row["agency"],
    }
