"""Issue 14's remaining gaps, through the real widgets: backlog codes and dates, the wizard's
credentials and token, the Settings labels, split documents, rotation, and what the clerk reads
when uploads stop or fail (real reference server on loopback, SoftHSM2)."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt


def _demo(ctx, n: int) -> list:  # type: ignore[no-untyped-def]
    from sohoa.gui.demo_data import demo_pages

    pages = demo_pages(ctx.paths.cache / "gaps", n)
    for p in pages:
        p.new_document = False
    return pages


def _type_date(qtbot, field, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    field.setCursorPosition(0)
    qtbot.keyClicks(field, text)


# -- backlog: old numbering, no code, and the dates ------------------------------------------------
def test_backlog_takes_an_old_code_or_none_and_keeps_the_typed_dates(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    view = window.show_view("backlog")
    pages = _demo(ctx, 3)
    pages[1].separator_code = "SOHOA-SEP"
    view.add_pages(pages)
    assert [len(g) for g in view.groups] == [1, 1]

    form = view.form
    form.code.setText("125/HS-UBND")  # the paper's own numbering, nothing like the portal's
    assert "code" not in form.errors() and not form._messages["code"].isVisible()
    form.owner_id.setText("079185004321")
    qtbot.keyClicks(form.result_code, "KQ.H15-2019-000311")
    _type_date(qtbot, form.issue_date, "15/03/2019")
    _type_date(qtbot, form.valid_until, "15/03/2024")
    qtbot.keyClick(form.result_code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.saved == {0}, view.status.text()

    # the second result has no dossier code at all, and a validity that ends before it was issued
    qtbot.keyClicks(form.result_code, "KQ.H15-2018-000099")
    form.owner_id.setText("079185004321")
    _type_date(qtbot, form.issue_date, "02/07/2018")
    _type_date(qtbot, form.valid_until, "01/07/2018")
    qtbot.keyClick(form.result_code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.saved == {0}  # refused, and says why
    assert "ngày cấp" in view.status.text()
    form.valid_until.setDate(form.valid_until.date().__class__())  # emptied: no time limit
    qtbot.keyClick(form.result_code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.saved == {0, 1}, view.status.text()
    qtbot.waitUntil(lambda: not view.busy(), timeout=120000)

    pending = services.pending_results(ctx, date(2000, 1, 1), date.today())
    got = {}
    for p in pending:
        dossier = ctx.store.load_dossier(p.dossier_id)
        doc = dossier.documents[0]
        got[doc.result_code] = (dossier.code, dossier.legacy, doc.issue_date, doc.valid_until)
    assert got == {
        "KQ.H15-2019-000311": ("125/HS-UBND", True, date(2019, 3, 15), date(2024, 3, 15)),
        "KQ.H15-2018-000099": ("", True, date(2018, 7, 2), None),
    }


# -- the wizard ------------------------------------------------------------------------------------
@pytest.fixture
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    import keyring

    from tests.queue.keyring_backend import FileKeyring

    path = tmp_path / "keyring.json"
    monkeypatch.setenv("SOHOA_TEST_KEYRING", str(path))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(previous)


def test_wizard_credentials_go_to_the_keyring_never_the_config(
    ctx, qtbot, keyring_file: Path, sohoa_home: Path
) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.wizard import FirstRunWizard
    from sohoa.outbox.credentials import load_password

    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    labels = [wizard.page(i).title() for i in wizard.pageIds()]
    assert "Kho dữ liệu" in labels
    wizard.fields_["repository.url"].setText("kho.tinh.gov.vn")
    wizard.fields_["repository.username"].setText("quay2.ubnd")
    wizard.password.setText("mật-khẩu-bí-mật-42")
    assert wizard.password.echoMode() == wizard.password.EchoMode.Password
    wizard.accept()
    assert wizard.result() == wizard.DialogCode.Accepted, wizard.currentPage().subTitle()
    settings = load_config().settings
    assert (settings.repository.url, settings.repository.username) == (
        "https://kho.tinh.gov.vn",
        "quay2.ubnd",
    )
    assert load_password("https://kho.tinh.gov.vn", "quay2.ubnd") == "mật-khẩu-bí-mật-42"
    for f in sohoa_home.rglob("*"):  # the password is in the keyring only
        if f.is_file() and f != keyring_file:
            assert b"m\xe1\xba\xadt-kh\xe1\xba\xa9u" not in f.read_bytes(), f
    assert wizard.password.text() == ""


def test_wizard_shows_token_drivers_by_vendor_and_fills_in_the_token_found(
    ctx, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.wizard import FirstRunWizard
    from sohoa.signing.softhsm import create_token

    token = create_token(tmp_path / "token", label="SoHoa Quay 7")
    token.activate()
    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    module = wizard.fields_["signing.pkcs11_module"]
    texts = [module.itemText(i) for i in range(module.count())]
    assert texts and not any(t.startswith("/") for t in texts)  # vendors, not raw .so paths
    assert not any("tests, demo" in t for t in texts)  # in Vietnamese, once per driver
    assert len(texts) == len(set(texts))
    index = module.findData(str(token.module))
    assert index >= 0, texts
    assert "SoftHSM" in module.itemText(index) and ".so" not in module.itemText(index)
    assert module.itemData(index, Qt.ItemDataRole.ToolTipRole) == str(token.module)  # the path on hover
    module.setCurrentIndex(index)
    label = wizard.fields_["signing.token_label"]
    label.setText("")
    wizard.run_test("signing")
    qtbot.waitUntil(lambda: label.text() != "", timeout=60000)
    assert label.text() == "SoHoa Quay 7"  # the bare label signing looks up, not "label (1)"
    assert "SoHoa Quay 7" in wizard.results["signing"].text()


def test_settings_list_token_drivers_by_vendor_as_the_wizard_does(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config, save_setting
    from sohoa.gui.views.settings import SettingsView
    from sohoa.gui.views.wizard import FirstRunWizard
    from sohoa.signing.softhsm import create_token

    token = create_token(tmp_path / "token", label="SoHoa Quay 8")
    token.activate()
    ctx.config = save_setting(ctx.config, "signing.pkcs11_module", str(token.module))
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    box = view.fields["signing.pkcs11_module"].widget
    texts = [box.itemText(i) for i in range(box.count())]
    assert texts and not any("/" in t or " - " in t for t in texts), texts  # vendors, not "Vendor - path"
    assert len(texts) == len(set(texts))
    assert box.currentData() == str(token.module)  # the configured driver is the one shown
    assert "SoftHSM" in box.currentText() and "thử nghiệm" in box.currentText()  # the wizard's words
    assert box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole) == str(token.module)
    assert box.toolTip() == str(token.module)  # the path on hover, on the closed box too
    assert view.fields["signing.cert_id"].widget.toolTip()  # a field's own help outlives the lock check
    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    shown = wizard.fields_["signing.pkcs11_module"]
    assert shown.itemText(shown.findData(str(token.module))) == box.currentText()  # one helper, one wording
    assert view.save()
    assert load_config().settings.signing.pkcs11_module == str(
        token.module
    )  # the path is saved, not the name


def test_wizard_has_the_training_switch_and_an_introduction(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    names = [wizard.page(i).objectName() for i in wizard.pageIds()]
    assert names[0] == "intro" and "storage" in names
    wizard.fields_["scanner.test_device"].setChecked(True)
    wizard.accept()
    assert load_config().settings.scanner.test_device is True


# -- Settings in words a clerk understands ---------------------------------------------------------
def test_settings_labels_are_vietnamese_words_not_technical_names(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

    settings = window.show_view("settings")
    shown = [w.text() for w in settings.findChildren(QLabel) if w.isVisible()]
    shown += [w.placeholderText() for w in settings.findChildren(QLineEdit) if w.isVisible()]
    for box in settings.findChildren(QComboBox):
        shown += [box.itemText(i) for i in range(box.count())]
    text = "\n".join(shown)
    for technical in ("SOHOA_HOME", "(hex)", "default"):
        assert technical not in text, technical
    assert "Mặc định toàn quốc" in text  # the province profile by its own name
    province = settings.fields["general.province_profile"].widget
    assert province.currentData() == "default"  # still saved as the file name


# -- page work -------------------------------------------------------------------------------------
def test_a_rotated_page_turns_once_and_the_preview_follows(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    counter.insert_pages([str(p.file) for p in _demo(ctx, 2)])
    qtbot.waitUntil(lambda: counter.pages.count() == 2 and not counter.busy(), timeout=30000)
    counter.pages.select_row(0)
    qtbot.waitUntil(
        lambda: counter.preview.label.pixmap() is not None and not counter.preview.label.pixmap().isNull()
    )
    before = counter.preview.label.pixmap().size()
    icon = counter.pages.item(0).icon().availableSizes()
    assert icon and icon[0].height() > icon[0].width()  # an A4 page stands upright
    counter.actions_["rotate"].trigger()
    sizes = counter.pages.item(0).icon().availableSizes()
    assert len(sizes) == 1 and sizes[0].width() > sizes[0].height()  # one image, turned once
    # the preview turns without selecting the page again
    qtbot.waitUntil(lambda: counter.preview.label.pixmap().size() != before, timeout=10000)
    after = counter.preview.label.pixmap().size()
    assert after.width() > after.height() and counter.preview.rotation == 90
    counter.actions_["rotate"].trigger()
    sizes = counter.pages.item(0).icon().availableSizes()
    assert sizes[0].height() > sizes[0].width() and counter.pages.pages()[0].rotation == 180


def test_a_document_split_off_does_not_copy_the_first_ones_codes(window, ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    counter = window.show_view("counter")
    form = counter.form
    form.fill(kind="result", title="Giấy chứng nhận", result_code="KQ.H15-2026-000123")
    counter.insert_pages([str(p.file) for p in _demo(ctx, 3)])
    qtbot.waitUntil(lambda: counter.pages.count() == 3 and not counter.busy(), timeout=30000)
    counter.pages.select_row(2)
    counter.actions_["split"].trigger()
    assert [len(d) for d in counter.pages.documents()] == [2, 1]
    assert (form.result_code.text(), form.title.text(), form.component.text()) == ("", "", "")
    assert not form.valid  # a result without its own code: Finish would stop here
    counter.pages.select_row(0)
    assert form.result_code.text() == "KQ.H15-2026-000123"  # the first keeps its own


# -- when uploads stop or fail ---------------------------------------------------------------------
def test_a_full_disk_stopping_the_uploader_is_told_in_vietnamese(window, ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.outbox.uploader import Uploader

    def full(self, once: bool = False):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(ctx.paths.data))

    monkeypatch.setattr(Uploader, "run", full)
    ctx.config = save_setting(ctx.config, "repository.url", "http://127.0.0.1:9")
    ctx.config = save_setting(ctx.config, "general.support_contact", "anh Minh, 0236 3822 000")
    assert window.start_uploads()
    qtbot.waitUntil(lambda: window.uploads.stopped_error() is not None, timeout=10000)
    with qtbot.waitSignal(window.status_updated, timeout=20000):
        window.refresh_status()
    notice = window.sync_notice
    assert notice.isVisible() and not notice.isModal()
    text = notice.text()
    assert "ổ đĩa" in text.lower() and "đầy" in text and "anh Minh, 0236 3822 000" in text
    assert "OSError" not in text and "Errno" not in text and "No space" not in text
    assert "đầy" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.status_updated, timeout=20000):
        window.refresh_status()
    assert window.sync_notice is notice  # told once, not at every status check
    monkeypatch.undo()
    monkeypatch.setattr(Uploader, "run", lambda self, once=False: None)  # space freed: it runs again
    retry = next(b for b in notice.buttons() if b.text() == "Thử lại")
    retry.click()
    assert window.statusBar().currentMessage() == ""
    window.uploads.stop()


@pytest.fixture
def pki(tmp_path: Path):  # type: ignore[no-untyped-def]
    from reference_repository.samples import make_test_pki

    return make_test_pki(tmp_path / "pki")


def test_the_queue_shows_a_refused_document_whom_to_call_and_the_counter_says_sent(
    window, ctx, qtbot, pki, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A real server trusts one signer and not the other: one acknowledged, one refused.

    The trusted one is a document of the store: the queue shows its lifecycle state, and the
    uploader moves it queued -> uploaded -> acknowledged."""
    from reference_repository.samples import make_signed_pdfa, make_test_pki
    from reference_repository.testing import run_server
    from sohoa.core.config import save_setting
    from sohoa.core.lifecycle import DocState
    from sohoa.core.model import Document, DocumentKind, Dossier
    from sohoa.core.store import Store
    from sohoa.outbox.metadata import DocumentMetadata

    seen: list[tuple[str, str]] = []
    real_set_state = Store.set_state

    def spy(self, document_id, state, **values):  # type: ignore[no-untyped-def]
        seen.append((document_id, DocState(state).value))
        return real_set_state(self, document_id, state, **values)

    monkeypatch.setattr(Store, "set_state", spy)
    stranger = make_test_pki(tmp_path / "stranger")
    doc = Document(kind=DocumentKind.COMPONENT, title="Kết quả 1")
    ctx.store.save_dossier(Dossier(code="H15.50.05.13-261008-0001", documents=[doc]))
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert]) as server:
        ctx.config = save_setting(ctx.config, "repository.url", server.url)
        ctx.config = save_setting(ctx.config, "general.support_contact", "Tổ hỗ trợ, 0236 3822 000")
        box = ctx.outbox()
        try:
            for n, who in enumerate((pki, stranger), start=1):
                pdf = tmp_path / f"kq{n}.pdf"
                pdf.write_bytes(make_signed_pdfa(who, 20_000, title=f"Kết quả {n}"))
                meta = DocumentMetadata(
                    dossier_code=f"H15.50.05.13-261008-{n:04d}",
                    kind=DocumentKind.COMPONENT,
                    title=f"Kết quả {n}",
                ).validated(ctx.profile)
                if n == 1:
                    ctx.store.set_state(doc.id, DocState.PROCESSED, file=pdf)
                    ctx.store.set_state(doc.id, DocState.SIGNED, signed_file=pdf)
                    item = box.enqueue(pdf, meta, document_id=doc.id)
                    ctx.store.set_state(doc.id, DocState.QUEUED, outbox_item=int(item))
                else:
                    box.enqueue(pdf, meta)
        finally:
            box.close()
        queue = window.show_view("queue")
        qtbot.waitUntil(lambda: len(queue.items) == 2, timeout=20000)
        assert queue.table.item(0, 1).text() == "Chờ gửi"  # the lifecycle's word, not the outbox's
        counter = window.show_view("counter")
        assert window.start_uploads()
        qtbot.waitUntil(lambda: "Đã gửi" in counter.sent_label.text(), timeout=60000)
        queue = window.show_view("queue")

        def settled() -> bool:
            queue.refresh()
            return len(queue.items) == 2 and all(i.state in ("done", "rejected") for i in queue.items)

        qtbot.waitUntil(settled, timeout=60000)
        window.uploads.stop()
        states = [queue.table.item(r, 1).text() for r in range(2)]
        assert states == ["Kho đã nhận", "Thất bại – cần xử lý"], states
        message = queue.message.text()
        assert "1 tài liệu gửi lỗi" in message and "Tổ hỗ trợ, 0236 3822 000" in message
        assert len(server.documents()) == 1
        with qtbot.waitSignal(window.status_updated, timeout=20000):
            window.refresh_status()
        assert "1 lỗi" in window.queue_label.text()
        assert "Tổ hỗ trợ, 0236 3822 000" in window.failure_notice.text()
    mine = [state for document_id, state in seen if document_id == doc.id]
    assert mine[-3:] == ["queued", "uploaded", "acknowledged"], mine
    assert ctx.store.document(doc.id).state == DocState.ACKNOWLEDGED
