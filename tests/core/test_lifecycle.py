"""The document lifecycle: transitions in one place, no second signature, explicit new versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from sohoa.core.lifecycle import AlreadySigned, DocState, TransitionError, check_transition
from sohoa.core.model import Document, DocumentKind, Dossier, Page
from sohoa.core.store import Store


def _store_with_doc(tmp_path: Path) -> tuple[Store, Dossier]:
    store = Store(tmp_path / "s.db")
    dossier = Dossier(code="H15.50.05.13-261008-0001", documents=[Document(kind=DocumentKind.RESULT)])
    dossier.documents[0].pages = [Page(file=tmp_path / "p1.png")]
    store.save_dossier(dossier)
    return store, dossier


def test_the_happy_path_is_allowed_in_order(tmp_path: Path) -> None:
    store, dossier = _store_with_doc(tmp_path)
    doc = dossier.documents[0].id
    assert store.document(doc).state == DocState.SCANNED
    store.set_state(doc, DocState.PROCESSED, file=tmp_path / "a.pdf")
    store.set_state(doc, DocState.SIGNED, signed_file=tmp_path / "a.signed.pdf")
    store.set_state(doc, DocState.QUEUED, outbox_item=7)
    store.set_state(doc, DocState.UPLOADED)
    rec = store.set_state(doc, DocState.ACKNOWLEDGED, remote_id="r-1")
    assert (rec.state, rec.outbox_item, rec.remote_id) == (DocState.ACKNOWLEDGED, 7, "r-1")
    assert rec.file == tmp_path / "a.pdf" and rec.signed_file == tmp_path / "a.signed.pdf"
    assert store.state_counts()["acknowledged"] == 1


def test_a_signed_document_cannot_be_signed_again(tmp_path: Path) -> None:
    store, dossier = _store_with_doc(tmp_path)
    doc = dossier.documents[0].id
    store.set_state(doc, DocState.PROCESSED)
    store.set_state(doc, DocState.SIGNED)
    with pytest.raises(AlreadySigned) as err:
        store.set_state(doc, DocState.SIGNED)
    assert "phiên bản mới" in err.value.message("vi")
    store.set_state(doc, DocState.QUEUED)
    with pytest.raises(AlreadySigned):
        store.set_state(doc, DocState.SIGNED)
    assert store.document(doc).state == DocState.QUEUED  # nothing changed


def test_resigning_needs_an_explicit_new_version(tmp_path: Path) -> None:
    store, dossier = _store_with_doc(tmp_path)
    doc = dossier.documents[0].id
    for s in (DocState.PROCESSED, DocState.SIGNED, DocState.QUEUED, DocState.REJECTED):
        store.set_state(doc, s, reason="chữ ký không được tin cậy")
    assert store.document(doc).reason == "chữ ký không được tin cậy"
    rec = store.new_version(doc)
    assert (rec.state, rec.version, rec.signed_file, rec.reason) == (DocState.PROCESSED, 2, None, "")
    store.set_state(doc, DocState.SIGNED)  # the new version may be signed once
    fresh = Document(kind=DocumentKind.COMPONENT, pages=[Page(file=tmp_path / "p2.png")])
    dossier.documents.append(fresh)
    store.save_dossier(dossier)
    with pytest.raises(TransitionError):
        store.new_version(fresh.id)  # a scanned document has nothing to version


@pytest.mark.parametrize(
    ("current", "target"),
    [("scanned", "signed"), ("processed", "queued"), ("acknowledged", "queued"), ("rejected", "signed")],
)
def test_illegal_transitions_are_refused(current: str, target: str) -> None:
    with pytest.raises(TransitionError):
        check_transition("d1", current, target)


def test_resaving_a_dossier_keeps_each_documents_state(tmp_path: Path) -> None:
    store, dossier = _store_with_doc(tmp_path)
    doc = dossier.documents[0]
    store.set_state(doc.id, DocState.PROCESSED, file=tmp_path / "a.pdf")
    doc.title = "Giấy chứng nhận"
    extra = Document(kind=DocumentKind.COMPONENT, pages=[Page(file=tmp_path / "p2.png")])
    dossier.documents.append(extra)
    store.save_dossier(dossier)
    assert store.document(doc.id).state == DocState.PROCESSED
    assert store.document(doc.id).title == "Giấy chứng nhận"
    assert store.document(extra.id).state == DocState.SCANNED
    dossier.documents.remove(extra)
    store.save_dossier(dossier)
    assert [d.id for d in store.documents(dossier_id=dossier.id)] == [doc.id]


def test_migration_maps_the_old_status_strings(tmp_path: Path) -> None:
    import sqlite_utils

    from sohoa.core.store import MIGRATIONS

    path = tmp_path / "v3.db"  # a store as SoHoa wrote it before the lifecycle (schema 3)

    db = sqlite_utils.Database(path)
    for m in MIGRATIONS[:3]:
        m(db)
    db.execute("PRAGMA user_version = 3")
    db["dossiers"].insert(
        {"id": "d", "code": "X", "owner_type": "person", "received_date": "2026-10-08", "created_at": "t"}
    )
    for n, status in enumerate(("draft", "processed", "signed", "queued")):
        db["documents"].insert(
            {
                "id": f"doc{n}",
                "dossier_id": "d",
                "position": n,
                "kind": "result",
                "status": status,
                "pdf_path": f"/x/{n}.pdf",
            }
        )
    db.conn.commit()
    db.conn.close()
    with Store(path) as s:
        states = [s.document(f"doc{n}") for n in range(4)]
    assert [r.state.value for r in states] == ["scanned", "processed", "signed", "queued"]
    assert states[1].file == Path("/x/1.pdf") and states[2].signed_file == Path("/x/2.pdf")
