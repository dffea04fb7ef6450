"""The local store: SQLite (through sqlite-utils) in the user's data folder.

WAL journal, ``synchronous=FULL``, and a schema versioned by ``PRAGMA user_version``
with forward-only migrations, so an older database opened by a newer SoHoa is
upgraded in place (inside one transaction: a failed upgrade leaves it as it was).
Page image files live beside the database in ``pages/<dossier id>/``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from sohoa.core.errors import StoreError
from sohoa.core.lifecycle import (
    WITH_REASON,
    DocState,
    DocumentNotFound,
    check_new_version,
    check_transition,
)
from sohoa.core.model import ColorMode, Document, DocumentKind, Dossier, OwnerType, Page, PageFlag
from sohoa.core.paths import private_dir
from sohoa.core.register_schema import register_tables


def _v1(db: sqlite_utils.Database) -> None:
    db["dossiers"].create(
        {
            "id": str,
            "code": str,
            "procedure_code": str,
            "procedure_name": str,
            "owner_type": str,
            "owner_id": str,
            "owner_name": str,
            "received_date": str,
            "created_at": str,
        },
        pk="id",
    )
    db["documents"].create(
        {
            "id": str,
            "dossier_id": str,
            "position": int,
            "kind": str,
            "title": str,
            "component_code": str,
            "result_code": str,
            "issuing_agency": str,
        },
        pk="id",
        foreign_keys=[("dossier_id", "dossiers", "id")],
    )
    db["pages"].create(
        {
            "id": str,
            "document_id": str,
            "position": int,
            "file": str,
            "dpi": int,
            "color_mode": str,
            "flags": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["dossiers"].create_index(["code"])
    db["dossiers"].create_index(["owner_id"])


def _v2(db: sqlite_utils.Database) -> None:
    """Issue and validity dates, the document's lifecycle, and an event log for statistics."""
    docs = db["documents"]
    docs.add_column("issue_date", str)
    docs.add_column("valid_until", str)
    docs.add_column("status", str, not_null_default="draft")  # draft, processed, signed, queued, uploaded
    docs.add_column("pdf_path", str)
    db["events"].create(
        {
            "id": int,
            "at": str,
            "kind": str,
            "dossier_id": str,
            "document_id": str,
            "procedure_code": str,
            "pages": int,
            "clerk": str,
        },
        pk="id",
    )
    db["events"].create_index(["at"])


def _v3(db: sqlite_utils.Database) -> None:
    """Documents reused from the repository ("once-only"), attached to a dossier (sohoa.outbox.lookup)."""
    db["attachments"].create(
        {
            "id": str,
            "dossier_id": str,
            "remote_id": str,
            "source_dossier_code": str,
            "kind": str,
            "title": str,
            "result_code": str,
            "sha256": str,
            "file": str,
            "attached_at": str,
        },
        pk="id",
        foreign_keys=[("dossier_id", "dossiers", "id")],
    )
    db["attachments"].create_index(["dossier_id"])


def _v4(db: sqlite_utils.Database) -> None:
    """The document lifecycle (sohoa.core.lifecycle): state with reason, version, files, outbox link.

    Replaces the free-form ``status`` string (kept, unused, for old readers): draft becomes scanned;
    ``pdf_path`` becomes the processed file, or the signed file once signed.
    """
    docs = db["documents"]
    docs.add_column("state", str, not_null_default="scanned")
    docs.add_column("state_reason", str, not_null_default="")
    docs.add_column("state_at", str)
    docs.add_column("version", int, not_null_default=1)
    docs.add_column("file", str)  # the processed PDF/A
    docs.add_column("signed_file", str)
    docs.add_column("outbox_item", int)
    docs.add_column("remote_id", str)
    db["pages"].add_column("rotation", int, not_null_default=0)
    db.execute(
        "UPDATE documents SET state = CASE status WHEN 'draft' THEN 'scanned' ELSE status END, "
        "file = CASE WHEN status IN ('draft', 'processed') THEN pdf_path END, "
        "signed_file = CASE WHEN status IN ('signed', 'queued', 'uploaded') THEN pdf_path END"
    )
    db["documents"].create_index(["state"])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4]
MIGRATIONS.append(register_tables)  # v5 (issue 15): the dossier register (sohoa.core.register_schema)


def _v6(db: sqlite_utils.Database) -> None:
    """Backlog dossiers whose code is the paper's own numbering, or none (issue 14)."""
    db["dossiers"].add_column("legacy", int, not_null_default=0)


MIGRATIONS.append(_v6)
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_DOC_SQL = (
    "SELECT d.id, d.dossier_id, s.code, s.procedure_code, d.position, d.kind, d.title, d.result_code, "
    "d.state, d.state_reason, d.state_at, d.version, d.file, d.signed_file, d.outbox_item, d.remote_id, "
    "(SELECT COUNT(*) FROM pages p WHERE p.document_id = d.id) "
    "FROM documents d JOIN dossiers s ON s.id = d.dossier_id"
)


@dataclass(frozen=True)
class DocumentRecord:
    """A document as the store keeps it: its place in a dossier and its lifecycle."""

    id: str
    dossier_id: str
    dossier_code: str
    procedure_code: str
    position: int
    kind: str
    title: str
    result_code: str
    state: DocState
    reason: str
    state_at: str
    version: int
    file: Path | None
    signed_file: Path | None
    outbox_item: int | None
    remote_id: str | None
    pages: int

    @classmethod
    def from_row(cls, r: Any) -> DocumentRecord:
        return cls(
            *r[:8],
            DocState(r[8]),
            r[9] or "",
            r[10] or "",
            int(r[11] or 1),
            Path(r[12]) if r[12] else None,
            Path(r[13]) if r[13] else None,
            r[14],
            r[15],
            int(r[16] or 0),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "result_code": self.result_code,
            "state": self.state.value,
            "reason": self.reason,
            "version": self.version,
            "file": str(self.file) if self.file else None,
            "signed_file": str(self.signed_file) if self.signed_file else None,
            "outbox_item": self.outbox_item,
            "remote_id": self.remote_id,
            "pages": self.pages,
        }


class Store:
    """The dossiers, documents and pages of this workstation."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=5000")
            self.db = sqlite_utils.Database(self.conn)
            self.migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(path=str(self.path), detail=str(e)) from e
        self.path.chmod(0o600)

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Apply the migrations between the file's version and ``target``, each in a transaction.

        The version is read again under the write lock (BEGIN IMMEDIATE): another thread or process
        opening the same new store at the same moment migrates it once, never twice.
        """
        while True:
            with self.db.conn:  # BEGIN ... COMMIT, or ROLLBACK on error
                self.conn.execute("BEGIN IMMEDIATE")
                current = self.version
                if current > SCHEMA_VERSION:
                    raise StoreError(
                        path=str(self.path),
                        detail=f"the database is schema {current}, newer than this SoHoa ({SCHEMA_VERSION}); update SoHoa",
                    )
                if current >= target:
                    return
                MIGRATIONS[current](self.db)
                self.conn.execute(f"PRAGMA user_version = {current + 1}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- dossiers -----------------------------------------------------------------
    def page_dir(self, dossier_id: str) -> Path:
        return private_dir(self.path.parent / "pages" / dossier_id)

    def save_dossier(self, dossier: Dossier) -> None:
        """Insert or update a dossier with its documents and pages, all or nothing.

        A document's lifecycle (state, files, version) is never touched here: only
        :meth:`set_state` and :meth:`new_version` change it. Documents no longer in the dossier
        are removed with their pages.
        """
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                existing = self.db["dossiers"].count_where("id = ?", [dossier.id])
                row = {
                    "id": dossier.id,
                    "code": dossier.code,
                    "procedure_code": dossier.procedure_code,
                    "procedure_name": dossier.procedure_name,
                    "owner_type": dossier.owner_type.value,
                    "owner_id": dossier.owner_id,
                    "owner_name": dossier.owner_name,
                    "received_date": dossier.received_date.isoformat(),
                    "legacy": int(dossier.legacy),
                }
                if existing:
                    self.db["dossiers"].update(dossier.id, row)
                else:
                    self.db["dossiers"].insert({**row, "created_at": _now()})
                keep = {doc.id for doc in dossier.documents}
                old_docs = [r["id"] for r in self.db["documents"].rows_where("dossier_id = ?", [dossier.id])]
                for doc_id in old_docs:
                    self.db["pages"].delete_where("document_id = ?", [doc_id])
                    if doc_id not in keep:
                        self.db["documents"].delete(doc_id)
                for pos, doc in enumerate(dossier.documents):
                    values = {
                        "dossier_id": dossier.id,
                        "position": pos,
                        "kind": doc.kind.value,
                        "title": doc.title,
                        "component_code": doc.component_code,
                        "result_code": doc.result_code,
                        "issuing_agency": doc.issuing_agency,
                        "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
                        "valid_until": doc.valid_until.isoformat() if doc.valid_until else None,
                    }
                    if doc.id in old_docs:
                        self.db["documents"].update(doc.id, values)
                    else:
                        self.db["documents"].insert({"id": doc.id, **values, "state_at": _now()})
                    self.db["pages"].insert_all(
                        {
                            "id": p.id,
                            "document_id": doc.id,
                            "position": i,
                            "file": str(p.file),
                            "dpi": p.dpi,
                            "color_mode": p.color_mode.value,
                            "flags": json.dumps(sorted(p.flags)),
                            "rotation": p.rotation,
                        }
                        for i, p in enumerate(doc.pages)
                    )
        except sqlite3.DatabaseError as e:
            raise StoreError(path=str(self.path), detail=str(e)) from e

    def load_dossier(self, dossier_id: str) -> Dossier:
        row = self.db["dossiers"].get(dossier_id)
        docs = []
        for d in self.db["documents"].rows_where("dossier_id = ?", [dossier_id], order_by="position"):
            pages = [
                Page(
                    file=Path(p["file"]),
                    dpi=p["dpi"],
                    color_mode=ColorMode(p["color_mode"]),
                    flags={PageFlag(f) for f in json.loads(p["flags"])},
                    id=p["id"],
                    rotation=p["rotation"],
                )
                for p in self.db["pages"].rows_where("document_id = ?", [d["id"]], order_by="position")
            ]
            docs.append(
                Document(
                    kind=DocumentKind(d["kind"]),
                    title=d["title"],
                    component_code=d["component_code"],
                    result_code=d["result_code"],
                    issuing_agency=d["issuing_agency"],
                    issue_date=date.fromisoformat(d["issue_date"]) if d["issue_date"] else None,
                    valid_until=date.fromisoformat(d["valid_until"]) if d["valid_until"] else None,
                    pages=pages,
                    id=d["id"],
                )
            )
        return Dossier(
            code=row["code"],
            procedure_code=row["procedure_code"],
            procedure_name=row["procedure_name"],
            owner_type=OwnerType(row["owner_type"]),
            owner_id=row["owner_id"],
            owner_name=row["owner_name"],
            received_date=date.fromisoformat(row["received_date"]),
            documents=docs,
            id=row["id"],
            legacy=bool(row.get("legacy") or 0),
        )

    def find_dossiers(self, *, code: str | None = None, owner_id: str | None = None) -> list[dict[str, Any]]:
        where, args = [], []
        if code:
            where.append("code = ?")
            args.append(code)
        if owner_id:
            where.append("owner_id = ?")
            args.append(owner_id)
        return list(self.db["dossiers"].rows_where(" AND ".join(where) or None, args, order_by="created_at"))

    # -- the document lifecycle (sohoa.core.lifecycle) ----------------------------------
    def document(self, document_id: str) -> DocumentRecord:
        row = self.conn.execute(_DOC_SQL + " WHERE d.id = ?", (document_id,)).fetchone()
        if row is None:
            raise DocumentNotFound(document=document_id)
        return DocumentRecord.from_row(row)

    def documents(
        self, *, dossier_id: str | None = None, states: list[DocState] | None = None
    ) -> list[DocumentRecord]:
        """The documents of one dossier (or all), optionally in some states, in dossier order."""
        where, args = [], []
        if dossier_id is not None:
            where.append("d.dossier_id = ?")
            args.append(dossier_id)
        if states:
            where.append(f"d.state IN ({', '.join('?' * len(states))})")
            args.extend(s.value for s in states)
        sql = (
            _DOC_SQL
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.created_at, d.position"
        )
        return [DocumentRecord.from_row(r) for r in self.conn.execute(sql, args)]

    def set_state(
        self,
        document_id: str,
        target: DocState,
        *,
        reason: str = "",
        file: Path | None = None,
        signed_file: Path | None = None,
        outbox_item: int | None = None,
        remote_id: str | None = None,
    ) -> DocumentRecord:
        """Move a document to ``target`` if the lifecycle allows it (else raise, changing nothing)."""
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                row = self.conn.execute("SELECT state FROM documents WHERE id = ?", (document_id,)).fetchone()
                if row is None:
                    raise DocumentNotFound(document=document_id)
                state = check_transition(document_id, row[0], target)
                values: dict[str, Any] = {
                    "state": state.value,
                    "state_reason": reason if state in WITH_REASON else "",
                    "state_at": _now(),
                }
                for key, value in (
                    ("file", file),
                    ("signed_file", signed_file),
                    ("outbox_item", outbox_item),
                    ("remote_id", remote_id),
                ):
                    if value is not None:
                        values[key] = str(value) if isinstance(value, Path) else value
                self.db["documents"].update(document_id, values)
        except sqlite3.DatabaseError as e:
            raise StoreError(path=str(self.path), detail=str(e)) from e
        return self.document(document_id)

    def new_version(self, document_id: str) -> DocumentRecord:
        """Start a new version of a signed (or refused) document: back to "processed", unsigned."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            row = self.conn.execute(
                "SELECT state, version FROM documents WHERE id = ?", (document_id,)
            ).fetchone()
            if row is None:
                raise DocumentNotFound(document=document_id)
            check_new_version(document_id, row[0])
            self.db["documents"].update(
                document_id,
                {
                    "state": DocState.PROCESSED.value,
                    "state_reason": "",
                    "state_at": _now(),
                    "version": int(row[1]) + 1,
                    "signed_file": None,
                    "outbox_item": None,
                    "remote_id": None,
                },
            )
        return self.document(document_id)

    def state_counts(self, dossier_id: str | None = None) -> dict[str, int]:
        sql = "SELECT state, COUNT(*) FROM documents" + (" WHERE dossier_id = ?" if dossier_id else "")  # noqa: S608
        out = dict.fromkeys((s.value for s in DocState), 0)
        for state, n in self.conn.execute(sql + " GROUP BY state", [dossier_id] if dossier_id else []):
            out[state] = n
        return out

    # -- statistics -----------------------------------------------------------------
    def record_event(
        self,
        kind: str,
        *,
        dossier_id: str = "",
        document_id: str = "",
        procedure_code: str = "",
        pages: int = 0,
        clerk: str = "",
    ) -> None:
        """Log one fact for the statistics: digitized, signed, uploaded or reused."""
        self.db["events"].insert(
            {
                "at": _now(),
                "kind": kind,
                "dossier_id": dossier_id,
                "document_id": document_id,
                "procedure_code": procedure_code,
                "pages": pages,
                "clerk": clerk,
            }
        )
