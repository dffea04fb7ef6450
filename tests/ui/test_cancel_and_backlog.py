"""Cancel means stop (SANE's test feeder), and backlog import splits a stack at separator sheets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt


def test_esc_stops_the_feeder_within_one_page(window, qtbot, sane_test_scanner) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    counter = window.show_view("counter")
    counter.form.owner_name.setFocus()  # the clerk is typing in a field when the feeder starts
    first_seen: list[int] = []
    counter.pages.model().rowsInserted.connect(
        lambda *_: (
            first_seen or (first_seen.append(1), QTest.keyClick(counter.form.owner_name, Qt.Key.Key_Escape))
        )
    )
    counter.scan()
    qtbot.waitUntil(lambda: not counter.busy(), timeout=120000)
    # the test feeder holds 10 pages: at most the page in flight is kept after the first one
    assert 1 <= counter.pages.count() <= 2
    assert "đã hủy" in counter.result_label.text().lower().replace("\u200b", "")


def _sheet(path: Path, text: str | None, dpi: int = 150) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    draw.text((120, 120), text or "Giay chung nhan", fill=0)
    draw.rectangle((100, 300, 900, 320), fill=0)
    image.save(path, dpi=(dpi, dpi))
    return str(path)


def test_backlog_import_splits_at_separator_sheets(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.services.separator_sheet import separator_sheet

    backlog = window.show_view("backlog")
    sheet = separator_sheet(tmp_path / "sep.pdf")  # the sheet the app prints
    pages = [str(tmp_path / f"p{i}.png") for i in range(3)]
    for p in pages:
        _sheet(Path(p), None)
    # a stack: result A (1 page), separator, result B (2 pages)
    backlog.import_files([pages[0], str(sheet), pages[1], pages[2]])
    qtbot.waitUntil(lambda: not backlog.busy() and backlog.docs.count() > 0, timeout=120000)
    assert [len(g) for g in backlog.groups] == [1, 2]
    # a missed separator: Ctrl+D splits the second result before its second page
    backlog.docs.setCurrentRow(1)
    backlog.pages.select_row(1)
    backlog.split_here()
    assert [len(g) for g in backlog.groups] == [1, 1, 1]


def test_typed_dates_and_tab_to_the_next_field(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    backlog = window.show_view("backlog")
    field = backlog.form.issue_date
    field.setFocus()
    field.selectAll()
    field.setCursorPosition(0)
    QTest.keyClicks(field, "15/03/2019")
    assert field.text() == "15/03/2019"
    assert field.date().toString("dd/MM/yyyy") == "15/03/2019"
    QTest.keyClick(field, Qt.Key.Key_Tab)
    assert not field.hasFocus()  # Tab left the date field
    assert backlog.form.document().issue_date.isoformat() == "2019-03-15"
    assert backlog.form.document().valid_until is None  # left empty: no time limit


def test_wizard_guides_and_asks_before_quitting(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config
    from sohoa.gui.views.wizard import FirstRunWizard
    from sohoa.signing.softhsm import create_token

    token = create_token(tmp_path / "token", label="SoHoa Quay 2")
    token.activate()
    wizard = FirstRunWizard(ctx.paths)
    qtbot.addWidget(wizard)
    try:
        _drive_wizard(wizard, token, qtbot)
    finally:
        wizard.hide()  # a hidden wizard closes without asking (pytest-qt closes it at teardown)
    settings = load_config().settings
    assert settings.repository.url == "https://kho.tinh.gov.vn"
    assert settings.general.clerk_name == "Lê Văn Cường"


def _drive_wizard(wizard, token, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.conftest import answer_modal

    wizard.show()
    assert wizard.page(wizard.pageIds()[0]).objectName() == "intro"
    assert any(wizard.page(i).objectName() == "storage" for i in wizard.pageIds())
    # "Hủy" asks; "Không" keeps the wizard open
    answer_modal(qtbot, lambda d: next(b for b in d.buttons() if b.text() == "Không").click())
    wizard.reject()
    assert wizard.isVisible()
    wizard.fields_["general.clerk_name"].setText("Lê Văn Cường")
    wizard.fields_["repository.url"].setText("kho.tinh.gov.vn")  # typed without a scheme
    wizard.accept()
    assert not wizard.isVisible(), wizard.currentPage().subTitle()  # saved and closed
