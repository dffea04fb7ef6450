"""The repository's storage: one SQLite file plus a folder of files.

Uploads in progress live in ``uploads/<id>`` with their offset in the database;
committed documents are stored once per content in ``documents/<sha256>.pdf``.
A chunk is written at its offset, fsynced, then the offset is recorded, so a crash
never records bytes the disk does not hold (a longer file is cut back on the next
write). The idempotency key is UNIQUE: a retried commit finds the first document.
"""

from __future__ import annotations

import json
import os
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
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    owner_id TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_owner ON documents(owner_id);
CREATE INDEX IF NOT EXISTS documents_dossier ON documents(dossier_code);
"""


@dataclass(frozen=True)
class Upload:
    id: str
    length: int
    offset: int
    metadata: str

    @property
    def complete(self) -> bool:
        return self.offset == self.length


class Storage:
    """Thread-safe access to the database (one connection per thread) and the files."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.uploads_dir = self.root / "uploads"
        self.documents_dir = self.root / "documents"
        for folder in (self.root, self.uploads_dir, self.documents_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "repository.db"
        self._local = threading.local()
        self._upload_locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.commit_lock = threading.Lock()
        self._conn().executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    def upload_lock(self, upload_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._upload_locks.setdefault(upload_id, threading.Lock())

    # -- uploads (tus) ---------------------------------------------------------------
    def create_upload(self, length: int, metadata: str, first_chunk: bytes = b"") -> Upload:
        """A new upload; ``first_chunk`` (tus creation-with-upload) is written and fsynced before
        the row records its offset, so one request and one transaction do the work of two."""
        upload = Upload(uuid.uuid4().hex, length, len(first_chunk), metadata)
        fd = os.open(self.upload_path(upload.id), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if first_chunk:
                os.write(fd, first_chunk)
                os.fsync(fd)
        finally:
            os.close(fd)
        self._conn().execute(
            "INSERT INTO uploads (id, length, offset, metadata, created_at) VALUES (?, ?, ?, ?, ?)",
            (upload.id, length, upload.offset, metadata, time.time()),
        )
        return upload

    def get_upload(self, upload_id: str) -> Upload | None:
        row = self._conn().execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return Upload(row["id"], row["length"], row["offset"], row["metadata"]) if row else None

    def upload_path(self, upload_id: str) -> Path:
        return self.uploads_dir / upload_id

    def write_chunk(self, upload: Upload, data: bytes) -> int:
        """Write ``data`` at the upload's offset, durably; return the new offset."""
        fd = os.open(self.upload_path(upload.id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.ftruncate(fd, upload.offset)  # drop bytes written by a request that never finished
            os.pwrite(fd, data, upload.offset)
            os.fsync(fd)
        finally:
            os.close(fd)
        new_offset = upload.offset + len(data)
        self._conn().execute("UPDATE uploads SET offset = ? WHERE id = ?", (new_offset, upload.id))
        return new_offset

    # -- documents -----------------------------------------------------------------
    def find_by_key(self, key: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT * FROM documents WHERE idempotency_key = ?", (key,)).fetchone()
        return _doc(row) if row else None

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        row = self._conn().execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _doc(row) if row else None

    def document_path(self, sha256: str) -> Path:
        return self.documents_dir / f"{sha256}.pdf"

    def store_document(
        self, key: str, upload: Upload, sha256: str, metadata: dict[str, Any]
    ) -> dict[str, Any]:
        """Keep the upload's bytes under their hash and record the document (caller holds commit_lock)."""
        target = self.document_path(sha256)
        if not target.exists():
            os.link(self.upload_path(upload.id), target)  # the upload file is complete and fsynced
        doc_id = uuid.uuid4().hex
        self._conn().execute(
            "INSERT INTO documents (id, idempotency_key, sha256, size, owner_id, dossier_code, kind,"
            " metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        found = self.get_document(doc_id)
        assert found is not None
        return found

    def find_documents(self, owner_id: str | None, dossier_code: str | None) -> list[dict[str, Any]]:
        where, args = [], []
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
    }
