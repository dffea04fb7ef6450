"""UI test setup: an AppContext on the test's own SOHOA_HOME, the app in Vietnamese, and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SCREENS = Path(__file__).resolve().parent / "screens"
# every UI test runs on a 1366x768 offscreen screen: tests/conftest.py sets it for the whole run


@pytest.fixture(scope="session", autouse=True)
def _page_helper_ends_with_the_app(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The page-info helper process serves the whole app (a process-wide singleton, as in the app):
    it ends with the QApplication, before the orphan check of the session's fixtures runs."""
    yield
    from sohoa.gui.services import page_worker

    page_worker.shutdown(wait=True)


@pytest.fixture
def app(qapp):  # type: ignore[no-untyped-def]
    """The QApplication with SoHoa's font and Vietnamese translation loaded."""
    from sohoa.gui.app import create_application

    return create_application(lang="vi")


@pytest.fixture
def ctx(app, sohoa_home: Path) -> Iterator:  # type: ignore[no-untyped-def]
    from sohoa.gui import services

    context = services.AppContext.open()
    yield context
    from sohoa.gui.workers import wait_all

    wait_all(60000)
    context.close()


@pytest.fixture
def window(ctx, qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import MainWindow

    win = MainWindow(ctx, background=False)
    win._closing_checked = True  # pytest-qt closes it at teardown: no "discard this dossier?" question
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win


@pytest.fixture
def sane_test_scanner(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    """SANE's test backend as the configured scanner (private config folder, A4-sized)."""
    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.core.config import save_setting

    folder = write_test_backend_config(tmp_path / "sane")
    ctx.config = save_setting(ctx.config, "scanner.sane_config_dir", str(folder))
    ctx.config = save_setting(ctx.config, "scanner.device", "test:0")
    ctx.config = save_setting(ctx.config, "profiles.default.dpi", 150)
    ctx.config = save_setting(ctx.config, "profiles.default.mode", "gray")  # colour needs >= 200 dpi
    return folder


def answer_modal(qtbot, fill: Callable[[object], None]) -> None:  # type: ignore[no-untyped-def]
    """Answer the next modal dialog (PIN prompt, question) from a timer, as a user would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def attempt(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if tries:
                QTimer.singleShot(50, lambda: attempt(tries - 1))
            return
        fill(dialog)

    QTimer.singleShot(0, attempt)
