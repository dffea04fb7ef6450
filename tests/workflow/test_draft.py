"""The dossier draft: metadata keyed by document id, JSON for the recovery journal, one home per page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sohoa.core.errors import InputError
from sohoa.workflow.draft import DossierDraft, DraftPage


def _draft(tmp_path: Path) -> DossierDraft:
    draft = DossierDraft(code="H15.50.05.13-261008-0001", owner_id="001099012345", owner_name="Nguyễn Văn An")
    doc = draft.add_document("result", title="Giấy chứng nhận", result_code="KQ.1")
    draft.add_pages(doc.id, [DraftPage(tmp_path / f"p{i}.png") for i in range(3)])
    return draft


def test_metadata_survives_deleting_and_moving_the_first_page(tmp_path: Path) -> None:
    draft = _draft(tmp_path)
    doc = draft.documents[0]
    first, second = doc.pages[0], doc.pages[1]
    draft.remove_page(first.id)
    draft.move_page(second.id, doc.id, 1)
    assert draft.document(doc.id).title == "Giấy chứng nhận"
    assert draft.document(doc.id).result_code == "KQ.1"
    assert [p.id for p in doc.pages][1] == second.id


def test_json_round_trip_keeps_ids_pages_rotation_and_edits(tmp_path: Path) -> None:
    draft = _draft(tmp_path)
    page = draft.documents[0].pages[2]
    draft.rotate(page.id, 90)
    other = draft.add_document("component", title="Đơn")
    draft.move_page(page.id, other.id, 0)
    again = DossierDraft.from_json(json.loads(json.dumps(draft.to_json())))
    assert again.to_json() == draft.to_json()
    assert again.documents[1].pages[0].rotation == 90
    assert [e.action for e in again.edits][-4:] == ["rotate", "add-document", "set-metadata", "move-page"]
    model = again.to_model()
    assert [d.id for d in model.documents] == [d.id for d in draft.documents]
    assert model.documents[1].pages[0].rotation == 90


def test_a_page_is_in_one_document_only(tmp_path: Path) -> None:
    draft = _draft(tmp_path)
    page = draft.documents[0].pages[0]
    other = draft.add_document("component")
    with pytest.raises(InputError):
        draft.add_pages(other.id, [page])
    with pytest.raises(InputError):
        draft.rotate(page.id, 45)
    with pytest.raises(InputError):
        draft.set_metadata(other.id, colour="red")
