"""Backlog mode by keyboard alone, the first-run wizard, and the queue view's retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt


def _sample(ctx, n: int) -> list:  # type: ignore[no-untyped-def]
    from sohoa.gui.demo_data import demo_pages

    pages = demo_pages(ctx.paths.cache / "backlog", n)
    for p in pages:
        p.new_document = False
    return pages


@pytest.mark.slow
def test_backlog_documents_split_by_separators_are_saved_by_keyboard(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    view = window.show_view("backlog")
    pages = _sample(ctx, 4)
    pages[1].separator_code = "SOHOA-SEP"  # a separator sheet between two results
    view.add_pages(pages)
    assert [len(g) for g in view.groups] == [1, 2]
    assert view.docs.currentRow() == 0

    def type_result(code: str, result: str) -> None:
        view.form.code.setText(code)
        view.form.owner_id.setText("079185004321")
        view.form.title.insert("Giấy khai sinh")
        qtbot.keyClicks(view.form.result_code, result)
        qtbot.keyClick(view.form.result_code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.keyClicks(view.form.result_code, "bad code!")
    qtbot.keyClick(view.form.result_code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.saved == set()  # refused: the message names the field
    assert "Mã hồ sơ" in view.status.text() or view.form.errors()
    view.form.result_code.clear()

    type_result("H15.50.05.13-190412-0311", "KQ.H15-2019-000311")
    assert view.saved == {0}
    assert view.docs.currentRow() == 1  # moved on to the next result
    assert view.form.result_code.text() == ""
    type_result("H15.50.05.13-190415-0312", "KQ.H15-2019-000312")
    qtbot.waitUntil(lambda: not view.busy(), timeout=120000)
    assert view.saved == {0, 1}
    pending = services.pending_results(
        ctx, __import__("datetime").date(2000, 1, 1), __import__("datetime").date.today()
    )
    assert sorted(p.dossier_code for p in pending) == ["H15.50.05.13-190412-0311", "H15.50.05.13-190415-0312"]
    assert sorted(p.pages for p in pending) == [1, 2]
    assert all(p.pdf.is_file() for p in pending)
    dossier = ctx.store.load_dossier(pending[0].dossier_id)
    assert dossier.documents[0].issue_date is not None


def test_first_run_wizard_saves_unlocked_settings_and_shows_locked_ones(ctx, qtbot, sohoa_home: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.wizard import FirstRunWizard

    (sohoa_home / "system-config.toml").write_text(
        'locked = ["repository.url"]\n[repository]\nurl = "https://kho.vn"\n'
    )
    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    assert not wizard.fields_["repository.url"].isEnabled()
    wizard.fields_["general.agency_name"].setText("UBND phường Một")
    wizard.fields_["scanner.device"].setEditText("test:0")
    wizard.accept()
    settings = load_config().settings
    assert settings.general.agency_name == "UBND phường Một"
    assert settings.scanner.device == "test:0"
    assert settings.repository.url == "https://kho.vn"


def test_wizard_scanner_test_finds_the_sane_test_scanner(ctx, qtbot, sane_test_scanner) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    wizard.run_test("scanner")
    qtbot.waitUntil(lambda: "test:0" in wizard.results["scanner"].text(), timeout=30000)


def test_queue_retry_puts_a_failed_item_back(window, ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    calls: list[str] = []
    items = [services.QueueItem("7", "H15 · Kết quả", "rejected", 0.0, "Máy chủ từ chối: trùng mã", 3, "")]
    monkeypatch.setattr(services, "queue_items", lambda c: list(items))
    monkeypatch.setattr(services, "retry_item", lambda c, i: calls.append(i))
    view = window.show_view("queue")
    qtbot.waitUntil(lambda: len(view.items) == 1, timeout=10000)
    assert view.table.item(0, 5).text() == "Máy chủ từ chối: trùng mã"
    assert view.table.item(0, 1).text() == "Thất bại – cần xử lý"
    view.table.selectRow(0)
    view.retry_button.click()
    qtbot.waitUntil(lambda: calls == ["7"], timeout=10000)


@pytest.mark.slow
def test_next_start_offers_the_unfinished_batch_back(
    window, ctx, qtbot, sane_test_scanner, sohoa_home: Path
) -> None:  # type: ignore[no-untyped-def]
    """A process scans 3 pages and dies without finishing: the window offers them back."""
    import os
    import subprocess
    import sys

    from tests.ui.conftest import answer_modal

    code = (
        "import os\n"
        "from sohoa.gui.services import AppContext, NullProgress, ScanSession\n"
        "ctx = AppContext.open()\n"
        "s = ScanSession(ctx, ctx.paths.pages / 'crashed')\n"
        "s.scan(NullProgress(), max_pages=3)\n"
        "os._exit(9)  # a crash: no finish, no close\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 9, out.stderr

    def say_yes(dialog) -> None:  # type: ignore[no-untyped-def]
        assert "3" in dialog.text()
        assert dialog.defaultButton().text() == "Khôi phục"  # after a real crash: restore by default
        yes = next(b for b in dialog.buttons() if b.text() == "Khôi phục")
        yes.click()

    answer_modal(qtbot, say_yes)
    window.offer_recovery()
    counter = window.view("counter")
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=30000)
    assert all(p.file.is_file() and p.thumb.is_file() for p in counter.pages.pages())
    from sohoa.gui import services

    assert services.unfinished_batches(ctx) == []  # offered once: restored batches are forgotten


@pytest.mark.slow
def test_reuse_lists_the_owners_documents_and_attaches_the_chosen_one(
    window, ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A citizen's earlier result, already in the repository, is found by ID number and attached."""
    from reference_repository.samples import make_signed_pdfa, make_test_pki
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting
    from sohoa.core.model import DocumentKind
    from sohoa.gui import services
    from sohoa.outbox.lookup import attachments
    from sohoa.outbox.metadata import DocumentMetadata
    from sohoa.outbox.sync import run_sync

    pki = make_test_pki(tmp_path / "pki")
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert]) as server:
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        earlier = tmp_path / "earlier.pdf"
        earlier.write_bytes(make_signed_pdfa(pki, title="Giấy khai sinh"))
        box = services.outbox(ctx)
        box.enqueue(
            earlier,
            DocumentMetadata(
                dossier_code="H15.50.05.13-190412-0311",
                kind=DocumentKind.RESULT,
                title="Giấy khai sinh",
                result_code="KQ.H15-2019-000311",
                owner_id="079185004321",
            ).validated(ctx.profile),
        )
        assert run_sync(ctx.settings.repository, once=True, outbox=box).acknowledged
        box.close()

        counter = window.show_view("counter")
        counter.form.fill(
            code="H15.50.05.13-261008-0975", owner_id="079185004321", kind="component", title="Tờ khai"
        )
        counter.reuse_button.click()
        qtbot.waitUntil(lambda: len(counter.reused) == 1, timeout=30000)
        assert "Giấy khai sinh" in counter.reuse_list.item(0).text()
        counter.reuse_list.item(0).setCheckState(Qt.CheckState.Checked)  # what Space or a click does
        assert counter.reused[0].attached

        counter.insert_pages([str(p.file) for p in _sample(ctx, 1)])
        qtbot.waitUntil(lambda: counter.pages.count() == 1 and not counter.busy(), timeout=20000)
        counter.finish(sign=False)
        qtbot.waitUntil(lambda: not counter.busy() and bool(counter.outcomes), timeout=120000)
        dossier_id = ctx.store.find_dossiers(code="H15.50.05.13-261008-0975")[0]["id"]
        attached = attachments(ctx.store, dossier_id)
        assert [a["title"] for a in attached] == ["Giấy khai sinh"]
        assert Path(attached[0]["file"]).read_bytes() == earlier.read_bytes()


def test_reuse_with_a_bad_id_asks_for_a_valid_one_first(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    counter.form.fill(owner_id="12345")
    counter.reuse_button.click()
    assert counter.reuse_list.count() == 0
    assert "số định danh hợp lệ" in counter.result_label.text()
