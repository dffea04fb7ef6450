"""The clerk's work and the citizen's privacy: ask before discarding, journal everything, reset everything."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from tests.ui.conftest import answer_modal


def _pages(tmp_path: Path, n: int, dpi: int = 150) -> list[str]:
    out = []
    for i in range(n):
        image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
        ImageDraw.Draw(image).text((100, 100 + 40 * i), f"Trang {i + 1}", fill=0)
        path = tmp_path / f"in-{i + 1}.png"
        image.save(path, dpi=(dpi, dpi))
        out.append(str(path))
    return out


def _click(text: str):  # type: ignore[no-untyped-def]
    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        for button in dialog.buttons():
            if button.text() == text:
                button.click()
                return
        raise AssertionError([b.text() for b in dialog.buttons()])

    return fill


def _counter_with_work(window, qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    counter.insert_pages(_pages(tmp_path, 3))
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=60000)
    counter.form.fill(owner_type="organisation", owner_id="0101234567", owner_name="Công ty An Bình")
    return counter


def test_new_dossier_asks_and_keeps_work_when_told(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    counter = _counter_with_work(window, qtbot, tmp_path)
    answer_modal(qtbot, _click("Tiếp tục làm"))
    assert counter.new_dossier() is False
    assert counter.pages.count() == 3 and counter.form.owner_name.text() == "Công ty An Bình"
    assert counter.journal is not None and counter.journal.exists


def test_discard_clears_journal_and_every_field(window, qtbot, tmp_path: Path, ctx) -> None:  # type: ignore[no-untyped-def]
    from sohoa.capture.journal import find_unfinished
    from sohoa.core.model import OwnerType

    counter = _counter_with_work(window, qtbot, tmp_path)
    counter.save_state()
    journal = counter.journal
    assert journal is not None and journal.exists  # the work is journaled...
    answer_modal(qtbot, _click("Bỏ"))
    assert counter.new_dossier() is True
    assert not journal.exists and find_unfinished(ctx.paths.recovery) == []  # ...a discard leaves nothing
    assert counter.pages.count() == 0
    assert counter.form.owner_type_value() == OwnerType.PERSON.value  # the owner type is reset too
    assert not counter.form.has_input()
    # the next citizen's 12-digit ID is checked as a personal ID, not as a tax code
    counter.form.fill(owner_id="001099012345")
    assert "ownerId" not in counter.form.errors()


def test_empty_new_dossier_does_not_ask(window) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    assert counter.new_dossier() is True  # nothing typed: no question (a modal would block here)


def test_normal_close_leaves_nothing_to_recover(window, qtbot, tmp_path: Path, ctx) -> None:  # type: ignore[no-untyped-def]
    from sohoa.capture.journal import find_unfinished

    counter = _counter_with_work(window, qtbot, tmp_path)
    counter.save_state()
    window._closing_checked = False  # the clerk's own close asks
    answer_modal(qtbot, _click("Bỏ"))
    window.close()
    assert find_unfinished(ctx.paths.recovery) == []


def test_crash_journal_restores_form_splits_rotation_and_dpi(window, qtbot, tmp_path: Path, ctx) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services
    from sohoa.gui.views.counter import CounterView

    counter = _counter_with_work(window, qtbot, tmp_path)
    counter.form.fill(code="", title="Giấy phép kinh doanh", result_code="KQ.H15-2026-000123")
    counter.pages.select_row(2)
    counter.pages.split_at_current()  # page 3 starts a second document
    counter.pages.select_row(1)
    counter.pages.rotate_selected(90)
    counter.pages.move_page(0, 1)  # the clerk reordered
    order = [p.file.name for p in counter.pages.pages()]
    counter.save_state()  # what the debounce timer does after each change
    counter.journal.release()  # a crash: this process no longer holds it; a new start finds it
    batches = services.unfinished_batches(ctx)
    assert len(batches) == 1
    fresh = CounterView(ctx, window)
    qtbot.addWidget(fresh)
    fresh.restore_batch(batches[0])
    qtbot.waitUntil(lambda: fresh.pages.count() == 3 and not fresh.busy(), timeout=60000)
    pages = fresh.pages.pages()
    assert [p.file.name for p in pages] == order
    assert [p.rotation for p in pages] == [90, 0, 0]
    assert [p.new_document for p in pages] == [False, False, True]
    assert {p.dpi for p in pages} == {150} and {p.color_mode for p in pages} == {"gray"}
    assert fresh.form.owner_type_value() == "organisation"
    assert fresh.form.owner_name.text() == "Công ty An Bình"
    assert len(fresh.pages.documents()) == 2


def test_recovery_dialog_defaults_to_restoring(window, qtbot, tmp_path: Path, ctx) -> None:  # type: ignore[no-untyped-def]
    counter = _counter_with_work(window, qtbot, tmp_path)
    counter.save_state()
    counter.journal.release()  # as if the app had crashed: the journal stays on disk
    counter.journal = None
    seen: dict[str, str] = {}

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        seen["default"] = dialog.defaultButton().text()
        _click("Khôi phục")(dialog)

    answer_modal(qtbot, fill)
    fresh_pages = counter.pages.count()
    counter.pages.clear()
    window.offer_recovery()
    qtbot.waitUntil(lambda: "default" in seen, timeout=30000)
    assert seen["default"] == "Khôi phục"
    qtbot.waitUntil(lambda: counter.pages.count() == fresh_pages and not counter.busy(), timeout=60000)
