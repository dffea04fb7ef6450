"""Report test helpers: a store in the test's SOHOA_HOME and a known register."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from sohoa.core.model import Document, DocumentKind, Dossier, OwnerType
from sohoa.core.paths import app_paths
from sohoa.core.province import load_profile
from sohoa.core.store import Store

PROCEDURE_A = "1.001757"
PROCEDURE_B = "2.000884"


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(app_paths().ensure().store_file)
    yield s
    s.close()


PATH = ["scanned", "processed", "signed", "queued", "uploaded", "acknowledged"]


def advance(store: Store, document_id: str, target: str) -> None:
    """Walk a document along the lifecycle (sohoa.core.lifecycle) to ``target``, as the workflow would."""
    from sohoa.core.lifecycle import DocState

    current = store.document(document_id).state.value
    if target == "failed":
        store.set_state(document_id, DocState.FAILED, reason="processing failed")
        return
    for state in PATH[PATH.index(current) + 1 : PATH.index(target) + 1]:
        store.set_state(document_id, DocState(state))


def doc(code: str, status: str | None, kind: DocumentKind = DocumentKind.COMPONENT) -> Document:
    d = Document(kind=kind, title=f"Giấy tờ {code}", component_code=code)
    d._status = status  # type: ignore[attr-defined]  # what the lifecycle reached (None: only scanned)
    return d


def received(store: Store, code: str, day: date, procedure: str, docs: list[Document], **kw) -> Dossier:  # type: ignore[no-untyped-def]
    """Save a dossier with its documents at the given lifecycle states, and register it."""
    from sohoa.workflow import register

    dossier = Dossier(
        code=code,
        procedure_code=procedure,
        owner_type=kw.pop("owner_type", OwnerType.PERSON),
        received_date=day,
        documents=docs,
    )
    store.save_dossier(dossier)
    for d in docs:
        status = getattr(d, "_status", None)
        if status:
            advance(store, d.id, status)
    register.record_received(store, dossier, profile=load_profile(), **kw)
    register.record_finished(store, dossier)
    return dossier
