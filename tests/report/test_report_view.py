"""The report view renders the register (pytest-qt, offscreen): bars, table, definitions, exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest


@pytest.fixture
def ctx(qapp, sohoa_home: Path) -> Iterator:  # type: ignore[no-untyped-def]
    from sohoa.gui import services
    from sohoa.gui.app import create_application

    create_application(lang="vi")
    context = services.AppContext.open()
    yield context
    context.close()


def test_view_shows_the_register(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.report import ReportView
    from tests.report.test_rates import UNIT, known_register

    known_register(ctx.store)
    view = ReportView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.set_months("2026-01", "2026-03")
    assert [m for m, _, _ in view.chart.series] == ["2026-01", "2026-02", "2026-03"]
    assert view.chart.series[0] == ("2026-01", 6, 3)
    assert view.table.rowCount() == 4
    cells = [view.table.item(0, c).text() for c in range(9)]
    assert cells == ["2026-01", UNIT, "1.001757", "5", "2", "40.00", "9", "3", "33.33"]
    assert "9 hồ sơ tiếp nhận" in view.totals.text() and "55.56%" in view.totals.text()
    assert "Định nghĩa" in view.definitions.text() and "PDF/A" in view.definitions.text()
    # filter by unit: the combo lists the register's units
    view.unit.setCurrentIndex(view.unit.findData("H15.50.07"))
    assert view.table.rowCount() == 1 and view.chart.series[2] == ("2026-03", 1, 1)
    image = view.grab().toImage()
    assert image.width() > 0 and image.pixelColor(400, 200).isValid()
    out = view.export("xlsx", tmp_path / "r.xlsx")
    assert (
        out is not None
        and openpyxl.load_workbook(out).worksheets[0].cell(row=2, column=2).value == "H15.50.07"
    )


def test_view_with_an_empty_register_and_a_bad_export_target(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.views.report import ReportView

    view = ReportView(ctx)
    qtbot.addWidget(view)
    view.show()
    assert view.table.rowCount() == 0 and "0 hồ sơ tiếp nhận" in view.totals.text()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert view.export("csv", blocker / "r.csv") is None  # a folder that cannot exist
    assert "Không ghi được" in view.totals.text()


def test_main_window_lists_the_report_and_the_screenshot_renders(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import MainWindow

    win = MainWindow(ctx, background=False)
    qtbot.addWidget(win)
    win.show()
    view = win.show_view("report")
    assert view.objectName() == "view-report" and win.current_view_key() == "report"
    view.show_demo()
    assert view.report is not None and view.report.total.dossiers_received > 50
    assert len(view.chart.series) == 6 and all(r >= d for _, r, d in view.chart.series)
