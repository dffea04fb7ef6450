"""The workflow's use cases fill the register: new dossier (even an empty one), finish, backlog.

Real parts: the processing pipeline (Tesseract vie) builds the PDF/A; its XMP carries Appendix VI.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from sohoa.workflow import dossiers, register
from sohoa.workflow.backlog import backlog_entry
from sohoa.workflow.context import Workspace
from sohoa.workflow.draft import DossierDraft, DraftPage
from sohoa.workflow.finish import finish
from sohoa.workflow.report import compute

OWNER = "001099012345"


@pytest.fixture
def ws(sohoa_home: Path) -> Iterator[Workspace]:
    with Workspace.open() as w:
        yield w


def _page(folder: Path, name: str = "p.png") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    im = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(im).rectangle((200, 300, 1000, 340), fill="black")
    im.save(path, dpi=(150, 150))
    return path


def _new(ws: Workspace, n: int) -> str:
    return dossiers.new_dossier(
        ws,
        code=f"H15.50.05.13-{date.today():%y%m%d}-{n:04d}",
        procedure_code="1.001757",
        owner_type="person",
        owner_id=OWNER,
        owner_name="Trần Văn Thử",
    ).id


def test_new_dossier_with_nothing_to_digitize_is_counted(ws: Workspace) -> None:
    _new(ws, 1)
    total = compute(ws.store).total
    assert (total.dossiers_received, total.dossiers_digitized, total.components_required) == (1, 0, 0)
    assert compute(ws.store).rows[0].unit == "H15.50.05.13"


def test_finish_marks_the_documents_and_the_pdf_carries_appendix_vi(ws: Workspace, tmp_path: Path) -> None:
    dossier_id = _new(ws, 2)
    rec = dossiers.add_document(ws, dossier_id, [_page(tmp_path)], kind="component", title="Đơn đề nghị")
    assert compute(ws.store).total.dossiers_digitized == 0  # registered, only scanned
    finish(ws, dossier_id, None)  # no PIN: processed, waiting for a signature
    total = compute(ws.store).total
    assert (total.dossiers_received, total.dossiers_digitized, total.components_required) == (1, 1, 1)
    pdf = ws.store.document(rec.id).file
    with pikepdf.open(pdf) as doc:
        xmp = doc.Root.Metadata.read_bytes().decode("utf-8")
    assert "<sohoa:FileNotation>H15.50.05.13-" in xmp and "<sohoa:Subject>Đơn đề nghị</sohoa:Subject>" in xmp


def test_backlog_results_are_not_dossiers_received(ws: Workspace, tmp_path: Path) -> None:
    draft = DossierDraft(code="H15.50.05.13-210305-0007", procedure_code="1.001757", owner_id=OWNER)
    doc = draft.add_document(kind="result", title="Giấy chứng nhận", result_code="KQ.H15-2021-000007")
    draft.set_metadata(doc.id, issue_date=date(2021, 3, 5))
    draft.add_pages(doc.id, [DraftPage(path=_page(tmp_path / "b"), dpi=150)])
    backlog_entry(ws, draft)
    report = compute(ws.store, date.today().strftime("%Y-%m"), date.today().strftime("%Y-%m"))
    assert report.total.dossiers_received == 0
    assert [(b.issue_year, b.results_digitized) for b in report.backlog] == [(2021, 1)]
    assert register.load(ws.store, draft.id).channel == register.BACKLOG


def test_a_dossier_whose_processing_fails_is_still_received(ws: Workspace, tmp_path: Path) -> None:
    from sohoa.core.errors import SoHoaError

    dossier_id = _new(ws, 3)
    rec = dossiers.add_document(ws, dossier_id, [_page(tmp_path)], kind="component", title="Đơn")
    ws.store.conn.execute(
        "DELETE FROM register_dossiers WHERE dossier_id = ?", (dossier_id,)
    )  # saved another way
    for page in ws.store.load_dossier(dossier_id).documents[0].pages:
        page.file.write_bytes(b"not an image")  # the scan is damaged: processing fails
    with pytest.raises(SoHoaError):
        finish(ws, dossier_id, None)
    total = compute(ws.store).total  # received, its one document required and not digitized
    assert (total.dossiers_received, total.dossiers_digitized, total.components_required) == (1, 0, 1)
    assert ws.store.document(rec.id).state.value == "failed"
