"""Backlog mode by keyboard alone, the first-run wizard, and the queue view's retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt


def _sample(ctx, n: int) -> list:  # type: ignore[no-untyped-def]
    from ui.demo_data import demo_pages

    pages = demo_pages(ctx.paths.cache / "backlog", n)
    for p in pages:
        p.new_document = False
    return pages


@pytest.mark.slow
def test_backlog_documents_split_by_separators_are_saved_by_keyboard(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui import services

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
    pending = services.pending_results(ctx, __import__("datetime").date(2000, 1, 1), __import__("datetime").date.today())
    assert sorted(p.dossier_code for p in pending) == ["H15.50.05.13-190412-0311", "H15.50.05.13-190415-0312"]
    assert sorted(p.pages for p in pending) == [1, 2]
    assert all(p.pdf.is_file() for p in pending)
    dossier = ctx.store.load_dossier(pending[0].dossier_id)
    assert dossier.documents[0].issue_date is not None


def test_first_run_wizard_saves_unlocked_settings_and_shows_locked_ones(ctx, qtbot, sohoa_home: Path) -> None:  # type: ignore[no-untyped-def]
    from app.config import load_config
    from ui.views.wizard import FirstRunWizard

    (sohoa_home / "system-config.toml").write_text('locked = ["repository.url"]\n[repository]\nurl = "https://kho.vn"\n')
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
    from ui.views.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    wizard.run_test("scanner")
    qtbot.waitUntil(lambda: "test:0" in wizard.results["scanner"].text(), timeout=30000)


def test_queue_retry_puts_a_failed_item_back(window, ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui import services

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
