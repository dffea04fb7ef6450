"""The supervisor's batch signing over 20 pending results: filters, select all, one PIN, outcomes."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.ui.conftest import answer_modal

pytestmark = pytest.mark.slow


@pytest.fixture
def token(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.signing.softhsm import create_token

    tok = create_token(tmp_path / "token", label="SoHoa Supervisor")
    tok.activate()
    ctx.config = save_setting(ctx.config, "signing.pkcs11_module", tok.module)
    ctx.config = save_setting(ctx.config, "signing.token_label", tok.label)
    return tok


@pytest.fixture
def pending(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    """20 results awaiting signature: one real PDF/A from the pipeline, copied per document."""
    from sohoa.core.lifecycle import DocState
    from sohoa.core.model import Document, DocumentKind, Dossier, Page
    from sohoa.gui import services
    from sohoa.gui.demo_data import demo_pages

    pages = demo_pages(tmp_path / "pages", 1)
    pdf = tmp_path / "one.pdf"
    services.process_pages(ctx, [pages[0].file], pdf, {"title": "Mẫu"}, services.NullProgress())
    for n in range(20):
        proc = "1.001757" if n % 2 == 0 else "2.000884"
        dossier = Dossier(
            code=f"H15.50.05.13-261008-{n + 1:04d}",
            procedure_code=proc,
            owner_id="001099012345",
            owner_name="Nguyễn Văn An",
        )
        doc = Document(
            kind=DocumentKind.RESULT,
            title=f"Kết quả {n + 1}",
            result_code=f"KQ.H15-2026-{n + 1:06d}",
            pages=[Page(file=pages[0].file)],
        )
        dossier.documents = [doc]
        ctx.store.save_dossier(dossier)
        target = services.documents_dir(ctx, dossier.id) / "01-result.pdf"
        shutil.copy(pdf, target)
        ctx.store.set_state(doc.id, DocState.PROCESSED, file=target)
        ctx.store.record_event(
            "digitized",
            dossier_id=dossier.id,
            document_id=doc.id,
            procedure_code=proc,
            pages=1,
            clerk="lan" if n < 15 else "minh",
        )
    return 20


def _pin(pin: str):  # type: ignore[no-untyped-def]
    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.pin.setText(pin)
        dialog.accept()

    return fill


def test_batch_signing_of_20_pending_results_with_one_pin(window, ctx, qtbot, token, pending) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    view = window.show_view("batch-sign")
    assert view.table.rowCount() == 20
    view.clerk.setCurrentIndex(view.clerk.findData("minh"))
    assert view.table.rowCount() == 5
    view.procedure.setCurrentIndex(view.procedure.findData("2.000884"))
    assert {r.procedure_code for r in view.results} == {"2.000884"}
    view.start.setDate(view.start.date().currentDate().addDays(1))  # a range with nothing in it
    assert view.table.rowCount() == 0
    view.start.setDate(view.start.date().currentDate().addDays(-30))
    view.clerk.setCurrentIndex(0)
    view.procedure.setCurrentIndex(0)
    assert view.table.rowCount() == 20

    prompts: list[str] = []

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        prompts.append(dialog.objectName())
        _pin(token.pin)(dialog)

    view.select_all_button.click()
    assert len(view.checked()) == 20
    answer_modal(qtbot, fill)
    view.sign_button.click()
    qtbot.waitUntil(lambda: not view.busy() and bool(getattr(view, "outcomes", None)), timeout=120000)
    assert prompts == ["pinDialog"]  # one PIN for the whole batch
    assert [o.status for o in view.outcomes] == ["queued"] * 20
    assert all(view.table.item(r, 6).text() == "đã ký và đưa vào hàng đợi" for r in range(20))
    assert len(services.queue_items(ctx)) == 20
    assert "20/20" in view.summary.text()
    view.refresh()
    assert view.table.rowCount() == 0  # nothing left to sign


def test_a_missing_file_fails_alone_and_a_wrong_pin_signs_nothing(window, ctx, qtbot, token, pending) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    view = window.show_view("batch-sign")
    view.results[0].pdf.unlink()
    view.select_all_button.click()
    answer_modal(qtbot, _pin("999999"))
    view.sign_button.click()
    qtbot.waitUntil(lambda: not view.busy() and "PIN" in view.summary.text(), timeout=120000)
    assert services.queue_items(ctx) == []

    view.refresh()
    for r in range(3):
        view.table.item(r, 0).setCheckState(view.table.item(r, 0).checkState().Checked)
    answer_modal(qtbot, _pin(token.pin))
    view.sign_button.click()
    qtbot.waitUntil(lambda: not view.busy() and bool(getattr(view, "outcomes", None)), timeout=120000)
    assert [o.status for o in view.outcomes] == ["failed", "queued", "queued"]
    assert "Không tìm thấy tệp" in view.table.item(0, 6).text()


def test_nothing_ticked_asks_to_tick(window, pending) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("batch-sign")
    view.sign_button.click()
    assert "đánh dấu" in view.summary.text()
    assert date.today() - timedelta(days=31) < view.start.date().toPython()
