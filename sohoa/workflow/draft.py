"""A dossier being put together at the counter, Qt-free: its documents (with ids), their pages and
metadata, and the clerk's edits.

The desktop app's views show a draft through Qt models; the recovery journal keeps it as JSON
(:meth:`DossierDraft.to_json` / :meth:`DossierDraft.from_json`), so a crash loses nothing the
clerk typed. Metadata is keyed by document id, never by a page's file: deleting or moving the
first page of a document keeps its fields. A page belongs to exactly one document of exactly one
draft (see :meth:`DossierDraft.move_page`), so a page is never shown in another citizen's dossier.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sohoa.core.errors import InputError
from sohoa.core.model import ColorMode, Document, DocumentKind, Dossier, OwnerType, Page

DRAFT_FORMAT = 1
ROTATIONS = (0, 90, 180, 270)
DOCUMENT_FIELDS = (
    "kind",
    "title",
    "component_code",
    "result_code",
    "issuing_agency",
    "issue_date",
    "valid_until",
)
DOSSIER_FIELDS = (
    "code",
    "procedure_code",
    "procedure_name",
    "owner_type",
    "owner_id",
    "owner_name",
    "received_date",
)


def _id() -> str:
    return uuid.uuid4().hex


@dataclass
class DraftPage:
    """One page file of a document, with what the clerk did to it (rotation) and its flags."""

    path: Path
    dpi: int = 300
    mode: str = "color"  # color, gray, bw
    rotation: int = 0  # clockwise degrees, applied before processing (the scan is never changed)
    flags: list[str] = field(default_factory=list)
    id: str = field(default_factory=_id)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DraftPage:
        return cls(Path(d["path"]), int(d["dpi"]), d["mode"], int(d["rotation"]), list(d["flags"]), d["id"])


@dataclass
class DraftDocument:
    """One document: its metadata (the portal's fields) and its pages in order."""

    kind: str = DocumentKind.COMPONENT.value
    title: str = ""
    component_code: str = ""
    result_code: str = ""
    issuing_agency: str = ""
    issue_date: str = ""  # ISO date, "" when not given
    valid_until: str = ""
    pages: list[DraftPage] = field(default_factory=list)
    id: str = field(default_factory=_id)

    def to_json(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in (*DOCUMENT_FIELDS, "id")}
        d["pages"] = [p.to_json() for p in self.pages]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DraftDocument:
        doc = cls(**{k: d.get(k, "") for k in DOCUMENT_FIELDS}, id=d["id"])
        doc.pages = [DraftPage.from_json(p) for p in d.get("pages", [])]
        return doc

    def to_model(self) -> Document:
        return Document(
            kind=DocumentKind(self.kind),
            title=self.title,
            component_code=self.component_code,
            result_code=self.result_code,
            issuing_agency=self.issuing_agency,
            issue_date=date.fromisoformat(self.issue_date) if self.issue_date else None,
            valid_until=date.fromisoformat(self.valid_until) if self.valid_until else None,
            pages=[
                Page(file=p.path, dpi=p.dpi, color_mode=ColorMode(p.mode), id=p.id, rotation=p.rotation)
                for p in self.pages
            ],
            id=self.id,
        )


@dataclass(frozen=True)
class Edit:
    """One change the clerk made, kept in order (the journal replays nothing: it is for the record)."""

    at: str
    action: str  # add-document, add-pages, move-page, remove-page, rotate, set-metadata, remove-document
    target: str  # a document or page id
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class DossierDraft:
    """The dossier's fields, its documents, and the clerk's edits so far."""

    code: str = ""
    procedure_code: str = ""
    procedure_name: str = ""
    owner_type: str = OwnerType.PERSON.value
    owner_id: str = ""
    owner_name: str = ""
    received_date: str = field(default_factory=lambda: date.today().isoformat())
    documents: list[DraftDocument] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    id: str = field(default_factory=_id)
    legacy: bool = False  # a backlog result: its code is the paper's own numbering, or none

    # -- edits ---------------------------------------------------------------------------
    def _log(self, action: str, target: str, **detail: Any) -> None:
        self.edits.append(Edit(datetime.now(UTC).isoformat(timespec="seconds"), action, target, detail))

    def document(self, document_id: str) -> DraftDocument:
        for doc in self.documents:
            if doc.id == document_id:
                return doc
        raise InputError(path=document_id, detail="no such document in this dossier")

    def page(self, page_id: str) -> tuple[DraftDocument, DraftPage]:
        for doc in self.documents:
            for page in doc.pages:
                if page.id == page_id:
                    return doc, page
        raise InputError(path=page_id, detail="no such page in this dossier")

    def add_document(self, kind: str = DocumentKind.COMPONENT.value, **metadata: Any) -> DraftDocument:
        doc = DraftDocument(kind=DocumentKind(kind).value)
        self.documents.append(doc)
        self._log("add-document", doc.id, kind=doc.kind)
        if metadata:
            self.set_metadata(doc.id, **metadata)
        return doc

    def remove_document(self, document_id: str) -> None:
        doc = self.document(document_id)
        self.documents.remove(doc)
        self._log("remove-document", document_id)

    def add_pages(self, document_id: str, pages: list[DraftPage], at: int | None = None) -> None:
        doc = self.document(document_id)
        known = {p.id for d in self.documents for p in d.pages}
        if any(p.id in known for p in pages):
            raise InputError(path=document_id, detail="a page is already in this dossier")
        at = len(doc.pages) if at is None else max(0, min(at, len(doc.pages)))
        doc.pages[at:at] = pages
        self._log("add-pages", document_id, pages=[p.id for p in pages], at=at)

    def move_page(self, page_id: str, document_id: str, position: int) -> None:
        """Move a page within its document or to another document of this dossier (reorder/split)."""
        source, page = self.page(page_id)
        target = self.document(document_id)
        source.pages.remove(page)
        position = max(0, min(position, len(target.pages)))
        target.pages.insert(position, page)
        self._log("move-page", page_id, document=document_id, position=position)

    def remove_page(self, page_id: str) -> DraftPage:
        doc, page = self.page(page_id)
        doc.pages.remove(page)
        self._log("remove-page", page_id, document=doc.id)
        return page

    def rotate(self, page_id: str, degrees: int) -> None:
        _, page = self.page(page_id)
        page.rotation = (page.rotation + degrees) % 360
        if page.rotation not in ROTATIONS:
            raise InputError(path=page_id, detail=f"rotation must be a multiple of 90, got {degrees}")
        self._log("rotate", page_id, rotation=page.rotation)

    def set_metadata(self, document_id: str, **values: Any) -> None:
        doc = self.document(document_id)
        for key, value in values.items():
            if key not in DOCUMENT_FIELDS:
                raise InputError(path=key, detail="not a document field")
            if key == "kind":
                value = DocumentKind(value).value
            if isinstance(value, date):
                value = value.isoformat()
            setattr(doc, key, "" if value is None else value)
        self._log("set-metadata", document_id, **{k: str(v) for k, v in values.items()})

    def set_dossier(self, **values: Any) -> None:
        for key, value in values.items():
            if key not in DOSSIER_FIELDS:
                raise InputError(path=key, detail="not a dossier field")
            if isinstance(value, date):
                value = value.isoformat()
            setattr(self, key, str(value.value if hasattr(value, "value") else value))
        self._log("set-dossier", self.id, **{k: str(v) for k, v in values.items()})

    def regroup(self, groups: list[list[DraftPage]]) -> list[str]:
        """Follow the page panel's grouping (splits, moves, deletions); return each group's document id.

        A group keeps the document (id and metadata) of its first page not already claimed by an
        earlier group, so deleting or moving a document's first page keeps its fields; a group
        split off gets a new document.
        """
        owner = {p.id: d for d in self.documents for p in d.pages}
        claimed: set[str] = set()
        documents = []
        for pages in groups:
            doc = next((owner[p.id] for p in pages if p.id in owner and owner[p.id].id not in claimed), None)
            if doc is None:
                doc = DraftDocument()
                self._log("add-document", doc.id, kind=doc.kind)
            claimed.add(doc.id)
            doc.pages = list(pages)
            documents.append(doc)
        self.documents = documents
        return [d.id for d in documents]

    def has_metadata(self, document_id: str) -> bool:
        """Whether the clerk (or a barcode) ever set this document's fields."""
        return any(e.action == "set-metadata" and e.target == document_id for e in self.edits)

    # -- conversions ----------------------------------------------------------------------
    def to_model(self) -> Dossier:
        """The domain dossier (documents and pages keep the draft's ids)."""
        return Dossier(
            code=self.code,
            procedure_code=self.procedure_code,
            procedure_name=self.procedure_name,
            owner_type=OwnerType(self.owner_type),
            owner_id=self.owner_id,
            owner_name=self.owner_name,
            received_date=date.fromisoformat(self.received_date),
            documents=[d.to_model() for d in self.documents if d.pages],
            id=self.id,
            legacy=self.legacy,
        )

    @classmethod
    def from_model(cls, dossier: Dossier) -> DossierDraft:
        draft = cls(
            code=dossier.code,
            procedure_code=dossier.procedure_code,
            procedure_name=dossier.procedure_name,
            owner_type=dossier.owner_type.value,
            owner_id=dossier.owner_id,
            owner_name=dossier.owner_name,
            received_date=dossier.received_date.isoformat(),
            id=dossier.id,
            legacy=dossier.legacy,
        )
        for d in dossier.documents:
            draft.documents.append(
                DraftDocument(
                    kind=d.kind.value,
                    title=d.title,
                    component_code=d.component_code,
                    result_code=d.result_code,
                    issuing_agency=d.issuing_agency,
                    issue_date=d.issue_date.isoformat() if d.issue_date else "",
                    valid_until=d.valid_until.isoformat() if d.valid_until else "",
                    pages=[
                        DraftPage(p.file, p.dpi, p.color_mode.value, p.rotation, id=p.id) for p in d.pages
                    ],
                    id=d.id,
                )
            )
        return draft

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"format": DRAFT_FORMAT, "id": self.id}
        d.update({k: getattr(self, k) for k in DOSSIER_FIELDS})
        if self.legacy:
            d["legacy"] = True
        d["documents"] = [doc.to_json() for doc in self.documents]
        d["edits"] = [asdict(e) for e in self.edits]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DossierDraft:
        if d.get("format") != DRAFT_FORMAT:
            raise InputError(path="draft", detail=f"unknown draft format {d.get('format')!r}")
        draft = cls(**{k: d.get(k, "") for k in DOSSIER_FIELDS}, id=d["id"], legacy=bool(d.get("legacy")))
        draft.documents = [DraftDocument.from_json(x) for x in d.get("documents", [])]
        draft.edits = [Edit(**e) for e in d.get("edits", [])]
        return draft
