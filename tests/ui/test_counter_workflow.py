"""The whole counter workflow through the widgets, with real parts.

SANE's test scanner feeds the pages, the processing pipeline (Tesseract) builds the PDF/A, a
SoftHSM2 token signs, the outbox queues, and the reference repository (over loopback) receives.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import answer_modal

pytestmark = pytest.mark.slow


@pytest.fixture
def token(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.signing.softhsm import create_token

    tok = create_token(tmp_path / "token", label="SoHoa UI Token")
    tok.activate()
    ctx.config = save_setting(ctx.config, "signing.pkcs11_module", tok.module)
    ctx.config = save_setting(ctx.config, "signing.token_label", tok.label)
    return tok


def _type_dossier(qtbot, form) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(form.code, "H15.50.05.13-261008-0975")
    qtbot.keyClicks(form.procedure, "1.001757")
    qtbot.keyClicks(form.owner_id, "001099012345")
    form.owner_name.insert("Nguyễn Văn An")  # QTest cannot type non-Latin-1 keys; an input method inserts
    form.kind.setCurrentIndex(form.kind.findData("result"))
    form.title.insert("Giấy chứng nhận")
    qtbot.keyClicks(form.result_code, "KQ.H15-2026-000123")
    assert form.valid, form.errors()


def _enter_pin(pin: str):  # type: ignore[no-untyped-def]
    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.objectName() == "pinDialog"
        assert dialog.pin.echoMode() == dialog.pin.EchoMode.Password
        dialog.pin.setText(pin)
        dialog.accept()

    return fill


def test_scan_process_sign_queue_and_upload_through_the_widgets(
    window,
    ctx,
    qtbot,
    sane_test_scanner,
    token,
    tmp_path: Path,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting

    with run_server(tmp_path / "repo", trust_roots=[token.ca_pem]) as server:
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        counter = window.show_view("counter")
        _type_dossier(qtbot, counter.form)

        # scan: thumbnails arrive while the feeder is still running
        arrivals: list[bool] = []
        counter.pages.model().rowsInserted.connect(lambda *a: arrivals.append(counter.busy()))
        counter.form.result_code.setFocus()
        qtbot.keyClick(counter.form.result_code, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: not counter.busy(), timeout=60000)
        assert counter.pages.count() == 10, counter.result_label.text()  # the test feeder holds 10 sheets
        assert arrivals.count(True) >= 9, arrivals
        assert "10" in counter.result_label.text()

        # page work: delete down to 3 pages, rotate one, split into two documents
        for _ in range(7):
            counter.pages.select_row(counter.pages.count() - 1)
            counter.actions_["delete"].trigger()
        assert counter.pages.count() == 3
        counter.pages.select_row(1)
        counter.actions_["rotate"].trigger()
        assert counter.pages.pages()[1].rotation == 90
        counter.pages.select_row(2)
        counter.actions_["split"].trigger()
        assert [len(d) for d in counter.pages.documents()] == [2, 1]
        assert counter.form.result_code.text() == ""  # the new document has its own codes
        counter.form.title.insert("Giấy chứng nhận")
        qtbot.keyClicks(counter.form.result_code, "KQ.H15-2026-000124")

        # Finish & sign: one PIN for both documents, then the queue
        answer_modal(qtbot, _enter_pin(token.pin))
        counter.finish_button.click()
        qtbot.waitUntil(lambda: not counter.busy() and bool(counter.outcomes), timeout=180000)
        assert [o.status for o in counter.outcomes] == ["queued", "queued"], counter.result_label.text()
        assert counter.pages.count() == 0  # ready for the next dossier
        assert token.pin not in caplog.text

        # the queue view sends them; the reference repository receives both
        queue = window.show_view("queue")
        qtbot.waitUntil(lambda: len(queue.items) == 2, timeout=20000)

        def settled() -> bool:
            if queue.busy():
                return False
            if len(queue.items) == 2 and all(i.state in ("done", "rejected") for i in queue.items):
                return True
            queue.sync_button.click()  # a passing failure leaves items pending: send again, as a clerk would
            return False

        qtbot.waitUntil(settled, timeout=120000)
        assert [i.reason for i in queue.items if i.state == "rejected"] == []
        assert len(server.documents()) == 2
        titles = sorted(d["metadata"]["TenGiayTo"] for d in server.documents())
        assert titles == ["Giấy chứng nhận (1)", "Giấy chứng nhận (2)"]
        codes = sorted(d["metadata"]["MaGiayToKetQua"] for d in server.documents())
        assert codes == ["KQ.H15-2026-000123", "KQ.H15-2026-000124"]

    stats = window.show_view("statistics")
    by_kind = {k: sum(r.documents[k] for r in stats.rows) for k in ("digitized", "signed", "uploaded")}
    assert by_kind == {"digitized": 2, "signed": 2, "uploaded": 2}
    assert sum(r.pages for r in stats.rows) == 3


def test_wrong_pin_is_reported_and_nothing_is_queued(window, ctx, qtbot, sane_test_scanner, token) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    _type_dossier(qtbot, counter.form)
    counter.insert_pages([str(p) for p in _sample_pages(ctx, 1)])
    qtbot.waitUntil(lambda: counter.pages.count() == 1 and not counter.busy(), timeout=20000)
    answer_modal(qtbot, _enter_pin("000000"))
    counter.finish_button.click()
    qtbot.waitUntil(lambda: not counter.busy() and "PIN" in counter.result_label.text(), timeout=120000)
    from sohoa.gui import services

    assert services.queue_items(ctx) == []
    assert counter.pages.count() == 1  # the pages stay for another try


def test_finish_refuses_an_invalid_form_and_points_at_the_field(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    qtbot.keyClicks(counter.form.code, "H15-XYZ")
    counter.finish_button.click()
    assert not counter.busy()
    assert "Mã hồ sơ" in counter.result_label.text()
    assert counter.form.focusWidget() is counter.form.code or counter.form.code.hasFocus()


def test_scanning_with_no_scanner_shows_the_device_error(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    counter.scanner.setEditText("")
    counter.scan()
    qtbot.waitUntil(lambda: not counter.busy(), timeout=10000)
    assert "máy quét" in counter.result_label.text().lower()
    assert counter.pages.count() == 0


def test_cancel_stops_the_feeder_and_keeps_the_pages_scanned(window, ctx, qtbot, sane_test_scanner) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting

    ctx.config = save_setting(
        ctx.config, "profiles.default.dpi", 300
    )  # slower pages: the cancel lands mid-feed
    counter = window.show_view("counter")
    counter.scan()
    assert counter.busy() and counter.progress.cancel_button.isEnabled()
    qtbot.keyClick(counter.progress.cancel_button, Qt.Key.Key_Escape)  # Esc is the Cancel key
    qtbot.waitUntil(lambda: not counter.busy(), timeout=60000)
    assert counter.pages.count() < 10  # stopped before the feeder ran out
    from PySide6.QtWidgets import QMessageBox

    assert not [b for b in counter.findChildren(QMessageBox) if b.isVisible()]  # a cancel is not an error
    counter.scan(more=True)  # the same batch goes on: Scan more appends
    qtbot.waitUntil(lambda: not counter.busy(), timeout=60000)
    assert counter.pages.count() >= 10 - 1


def test_page_moves_by_keyboard_and_pages_group_into_documents(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    counter.insert_pages([str(p) for p in _sample_pages(ctx, 3)])
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=20000)
    first = counter.pages.pages()[0].file
    counter.pages.select_row(0)
    counter.actions_["moveRight"].trigger()
    assert counter.pages.pages()[1].file == first
    assert counter.pages.item(1).text().startswith("TL 1 · tr. 2")


def test_inserting_a_broken_file_reports_it(window, ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    counter = window.show_view("counter")
    counter.insert_pages([str(bad)])
    qtbot.waitUntil(lambda: not counter.busy(), timeout=20000)
    assert counter.pages.count() == 0
    assert "broken.png" in counter.result_label.text()


def _sample_pages(ctx, n: int) -> list[Path]:  # type: ignore[no-untyped-def]
    from sohoa.gui.demo_data import demo_pages

    return [p.file for p in demo_pages(ctx.paths.cache / "samples", n)]


def test_blank_and_dark_pages_are_flagged_on_their_thumbnails(window, ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(blank, dpi=(150, 150))
    dark = tmp_path / "dark.png"
    Image.new("L", (1240, 1754), 60).save(dark, dpi=(150, 150))
    black = tmp_path / "black.png"
    Image.new("L", (1240, 1754), 0).save(black, dpi=(150, 150))
    counter = window.show_view("counter")
    counter.insert_pages([str(blank), str(dark), str(_sample_pages(ctx, 1)[0]), str(black)])
    qtbot.waitUntil(lambda: counter.pages.count() == 4 and not counter.busy(), timeout=20000)
    flags = [p.flags for p in counter.pages.pages()]
    assert "blank" in flags[0]
    assert "too-dark" in flags[1] and "blank" not in flags[1]
    assert "blank" not in flags[2]
    assert "too-dark" in flags[3] and "blank" not in flags[3]  # solid black is a bad scan, not a blank page
    assert "trang trắng" in counter.pages.item(0).text()
    assert "trang trắng" not in counter.pages.item(3).text()
    assert "3 trang cần kiểm tra" in counter.summary.text()


def test_inserting_a_pdf_brings_every_page_after_the_current_one(window, ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    samples = _sample_pages(ctx, 3)
    pdf = tmp_path / "two.pdf"
    images = [Image.open(p).convert("RGB") for p in samples[:2]]
    images[0].save(pdf, save_all=True, append_images=images[1:], resolution=100)
    counter = window.show_view("counter")
    counter.insert_pages([str(samples[2])])
    qtbot.waitUntil(lambda: counter.pages.count() == 1 and not counter.busy(), timeout=20000)
    counter.pages.select_row(0)
    counter.insert_pages([str(pdf)])
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=30000)
    names = [p.file.name for p in counter.pages.pages()]
    assert len(set(names)) == 3  # no page overwrote another
    assert counter.pages.currentRow() == 1


@pytest.mark.slow
def test_each_document_of_a_split_dossier_keeps_its_own_kind_and_codes(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    form = counter.form
    form.fill(
        code="H15.50.05.13-261008-0975",
        procedure="1.001757",
        owner_id="001099012345",
        kind="result",
        title="Giấy chứng nhận",
        result_code="KQ.H15-2026-000123",
    )
    counter.insert_pages([str(p) for p in _sample_pages(ctx, 3)])
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=20000)
    counter.pages.select_row(2)
    counter.actions_["split"].trigger()  # page 3 is a second document: the applicant's form
    form.fill(kind="component", title="Tờ khai", result_code="", component="TP01")
    counter.pages.select_row(0)
    assert form.title.text() == "Giấy chứng nhận" and form.result_code.text() == "KQ.H15-2026-000123"
    counter.pages.select_row(2)
    assert form.title.text() == "Tờ khai" and form.kind.currentData() == "component"
    counter.finish(sign=False)
    qtbot.waitUntil(lambda: not counter.busy() and bool(counter.outcomes), timeout=120000)
    assert [o.status for o in counter.outcomes] == ["processed", "processed"]
    dossier_id = ctx.store.find_dossiers(code="H15.50.05.13-261008-0975")[0]["id"]
    docs = ctx.store.load_dossier(dossier_id).documents
    assert [(d.kind.value, d.title, d.result_code, d.component_code, len(d.pages)) for d in docs] == [
        ("result", "Giấy chứng nhận", "KQ.H15-2026-000123", "", 2),
        ("component", "Tờ khai", "", "TP01", 1),
    ]


@pytest.mark.slow
def test_a_document_the_repository_refuses_shows_its_reason_and_a_notice(
    window,
    ctx,
    qtbot,
    token,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """The server does not trust the token's CA: the upload fails for good, with the server's words."""
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting

    with run_server(tmp_path / "repo") as server:  # no trust roots: every signer is untrusted
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        counter = window.show_view("counter")
        _type_dossier(qtbot, counter.form)
        counter.insert_pages([str(p) for p in _sample_pages(ctx, 1)])
        qtbot.waitUntil(lambda: counter.pages.count() == 1 and not counter.busy(), timeout=20000)
        answer_modal(qtbot, _enter_pin(token.pin))
        counter.finish_button.click()
        qtbot.waitUntil(lambda: not counter.busy() and bool(counter.outcomes), timeout=120000)
        assert [o.status for o in counter.outcomes] == ["queued"]
        queue = window.show_view("queue")
        qtbot.waitUntil(lambda: len(queue.items) == 1, timeout=20000)

        def settled() -> bool:
            if queue.busy():
                return False
            if queue.items and queue.items[0].state in ("done", "rejected"):
                return True
            queue.sync_button.click()
            return False

        qtbot.waitUntil(settled, timeout=120000)
        assert queue.items[0].state == "rejected"
        reason = queue.table.item(0, 5).text()
        assert reason and reason == queue.items[0].reason
        assert queue.table.item(0, 1).text() == "Thất bại – cần xử lý"
        assert server.documents() == []
        with qtbot.waitSignal(window.status_updated, timeout=20000):
            window.refresh_status()
        assert window.failure_notice.isVisible()
        assert reason in window.failure_notice.text()
