"""The app on the workflow: no second signature from the batch view, acknowledged after upload,
Finish honours [signing], the exception hook, views that emit signals."""

from __future__ import annotations

import shutil
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import answer_modal

pytestmark = pytest.mark.slow
OWNER = "001099012345"


@pytest.fixture
def token(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.signing.softhsm import create_token

    tok = create_token(tmp_path / "token", label="SoHoa Supervisor")
    tok.activate()
    for key, value in (
        ("signing.pkcs11_module", tok.module),
        ("signing.token_label", tok.label),
        ("signing.trust_roots", [str(tok.ca_pem)]),
        ("signing.check_revocation", False),
    ):
        ctx.config = save_setting(ctx.config, key, value)
    return tok


@pytest.fixture
def repository(ctx, token, tmp_path: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting

    with run_server(tmp_path / "repo", trust_roots=[token.ca_pem]) as server:
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        yield server


@pytest.fixture
def three_pending(ctx, tmp_path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Three results waiting for a signature (one real PDF/A from the pipeline, copied per document)."""
    from sohoa.core.lifecycle import DocState
    from sohoa.core.model import Document, DocumentKind, Dossier, Page
    from sohoa.gui import services
    from sohoa.gui.demo_data import demo_pages

    pages = demo_pages(tmp_path / "pages", 1)
    pdf = tmp_path / "one.pdf"
    services.process_pages(ctx, [pages[0].file], pdf, {"title": "Mẫu"}, services.NullProgress())
    ids = []
    for n in range(3):
        doc = Document(
            kind=DocumentKind.RESULT,
            title=f"Kết quả {n + 1}",
            result_code=f"KQ.H15-2026-{n + 1:06d}",
            pages=[Page(file=pages[0].file)],
        )
        dossier = Dossier(
            code=f"H15.50.05.13-261008-{n + 1:04d}",
            procedure_code="1.001757",
            owner_id=OWNER,
            owner_name="Nguyễn Văn An",
            documents=[doc],
        )
        ctx.store.save_dossier(dossier)
        target = services.documents_dir(ctx, dossier.id) / "01-result.pdf"
        shutil.copy(pdf, target)
        ctx.store.set_state(doc.id, DocState.PROCESSED, file=target)
        ctx.store.record_event(
            "digitized", dossier_id=dossier.id, document_id=doc.id, procedure_code="1.001757"
        )
        ids.append(doc.id)
    return ids


def _pin(pin: str):  # type: ignore[no-untyped-def]
    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.pin.setText(pin)
        dialog.accept()

    return fill


def _sign(view, qtbot, pin: str) -> list:  # type: ignore[no-untyped-def]
    view.outcomes = []
    answer_modal(qtbot, _pin(pin))
    view.sign_button.click()
    qtbot.waitUntil(lambda: not view.busy() and bool(view.outcomes), timeout=120000)
    return list(view.outcomes)


def test_signing_the_same_results_twice_signs_nothing_the_second_time(  # type: ignore[no-untyped-def]
    window, ctx, qtbot, token, repository, three_pending
) -> None:
    from sohoa.core.lifecycle import DocState
    from sohoa.gui import services
    from sohoa.workflow.reuse import lookup_owner

    view = window.show_view("batch-sign")
    changed: list[bool] = []
    view.queue_changed.connect(lambda: changed.append(True))
    view.select_all_button.click()
    first = _sign(view, qtbot, token.pin)
    assert [o.status for o in first] == ["queued"] * 3 and changed == [True]
    # the supervisor presses Ctrl+Enter again on the same ticked rows (the bug of issue 12)
    second = _sign(view, qtbot, token.pin)
    assert all(o.skipped for o in second)
    assert all(view.table.item(r, 6).text() == "đã ký trước đó: không ký lại" for r in range(3))
    assert len(services.queue_items(ctx)) == 3  # nothing was queued twice

    assert services.sync_queue(ctx, services.NullProgress()) == 3
    assert [ctx.store.document(i).state for i in three_pending] == [DocState.ACKNOWLEDGED] * 3
    assert len(lookup_owner(ctx, OWNER)) == 3  # exactly one copy of each in the repository
    assert ctx.store.state_counts()["acknowledged"] == 3

    stats = window.show_view("statistics")
    stats.refresh()
    assert sum(r.documents["uploaded"] for r in stats.rows) == 3  # the statistics count them
    window.refresh_status()
    qtbot.waitUntil(lambda: window.queued == 0, timeout=30000)  # the counter shows nothing left to send


def test_finish_honours_visible_stamp_trust_roots_and_revocation(  # type: ignore[no-untyped-def]
    ctx, token, tmp_path: Path, monkeypatch
) -> None:
    import pikepdf

    from sohoa.core.config import save_setting
    from sohoa.gui import services
    from sohoa.signing import batch

    ctx.config = save_setting(ctx.config, "signing.visible", True)
    ctx.config = save_setting(ctx.config, "signing.check_revocation", True)
    ctx.config = save_setting(ctx.config, "general.agency_name", "UBND xã Mẫu Sơn")
    seen: list[object] = []
    real = batch.sign_documents

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["options"])
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "sign_documents", spy)
    from sohoa.core.model import Document, DocumentKind, Dossier
    from sohoa.gui.demo_data import demo_pages

    pages = demo_pages(tmp_path / "p", 1)
    dossier = Dossier(
        code="H15.50.05.13-261008-0077", procedure_code="1.001757", owner_id=OWNER, owner_name="Nguyễn Văn An"
    )
    doc = Document(kind=DocumentKind.COMPONENT, title="Đơn")
    outcomes = services.finish_dossier(ctx, dossier, [(doc, pages)], token.pin, services.NullProgress())
    assert [o.status for o in outcomes] == ["queued"]
    options = seen[0]
    assert options.appearance == "copy" and options.agency_name == "UBND xã Mẫu Sơn"  # type: ignore[attr-defined]
    # the configured root, beside the national roots shipped as default anchors (issue 13)
    from sohoa.signing.trust import SHIPPED, fingerprint

    assert options.check_revocation  # type: ignore[attr-defined]
    assert [c for c in options.trust_roots if fingerprint(c) not in SHIPPED.values()]  # type: ignore[attr-defined]
    signed = ctx.store.document(doc.id).signed_file
    with pikepdf.open(signed) as pdf:
        widgets = [a for a in pdf.pages[0].get("/Annots", []) if a.get("/FT") == "/Sig"]
        assert widgets and float(widgets[0].Rect[2]) > float(widgets[0].Rect[0])  # a visible stamp


@pytest.mark.qt_no_exception_capture
def test_an_uncaught_exception_shows_a_vietnamese_box_and_is_logged(app, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.logging_setup import setup_logging
    from sohoa.gui import crash

    log_file = setup_logging(tmp_path / "logs")
    hook = crash.install(str(log_file))
    try:

        def boom() -> None:
            raise ValueError("boom in a worker thread")

        t = threading.Thread(target=boom)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: bool(hook.boxes), timeout=10000)
        text = hook.boxes[0].text()
        assert "lỗi không mong muốn" in text and "không bị mất" in text
        assert "ValueError" not in text and str(log_file) in text
        assert "ValueError: boom in a worker thread" in log_file.read_text(encoding="utf-8")
        try:
            raise KeyError("in a slot")
        except KeyError as e:
            hook.handle(type(e), e, e.__traceback__)  # what Qt calls for an exception in a slot
        qtbot.waitUntil(lambda: len(hook.boxes) == 2, timeout=10000)
        # CPython 3.11's process-pool race after a cancel is logged, never shown; the same error
        # from any other thread is shown
        from concurrent.futures import InvalidStateError
        from concurrent.futures.process import _ExecutorManagerThread

        race = InvalidStateError("CANCELLED: <Future state=cancelled>")
        manager = object.__new__(_ExecutorManagerThread)
        other = threading.Thread()
        hook.handle_thread(
            types.SimpleNamespace(
                exc_type=InvalidStateError, exc_value=race, exc_traceback=None, thread=manager
            )
        )
        hook.handle_thread(
            types.SimpleNamespace(
                exc_type=InvalidStateError, exc_value=race, exc_traceback=None, thread=other
            )
        )
        qtbot.waitUntil(lambda: len(hook.boxes) >= 3, timeout=10000)
        qtbot.wait(200)
        assert len(hook.boxes) == (3 if sys.version_info < (3, 12) else 4)
        if sys.version_info < (3, 12):
            assert "process-pool race" in log_file.read_text(encoding="utf-8")
    finally:
        hook.uninstall()
        for box in list(hook.boxes):
            box.close()


@pytest.fixture
def fresh_helper() -> Iterator[None]:
    """A page-info helper of this test's own: not one an earlier test warmed up, and not left running.

    The helper is a process-wide singleton started on first use; a test that starts it must end
    it, or it outlives the test (the orphan check), and what it loaded must not depend on the order.
    """
    from sohoa.gui.services import page_worker

    page_worker.shutdown(wait=True)
    yield
    page_worker.shutdown(wait=True)


def test_the_preview_helper_loads_neither_the_pipeline_nor_the_gui(
    tmp_path: Path, fresh_helper: None
) -> None:
    from PIL import Image

    from sohoa.gui.services import page_worker

    page = tmp_path / "page.png"
    Image.new("RGB", (600, 800), "white").save(page, dpi=(150, 150))
    info = page_worker.page_info(page, 150, True, r"^SOHOA-SEP$", "default")
    assert info.thumb.is_file() and "blank" in info.flags
    loaded = page_worker.helper_modules()
    heavy = [
        m
        for m in loaded
        if m.startswith(("pikepdf", "pyhanko", "PySide6", "sohoa.gui", "sohoa.processing.runner"))
    ]
    assert heavy == []
