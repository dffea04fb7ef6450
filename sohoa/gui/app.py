"""Starting the desktop app: the QApplication, language, high-DPI, fonts, and screenshot mode."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from sohoa.gui.qt_i18n import install_language

log = logging.getLogger(__name__)

VIEWS = ("counter", "backlog", "batch-sign", "queue", "statistics", "settings", "report")


def _vietnamese_font(app: QApplication) -> None:
    """Use a font that holds every Vietnamese glyph (Noto Sans), not whatever fontconfig picks first."""
    from sohoa.core.fonts import find_font

    path = find_font("sans")
    if path is None:
        return
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if families:
        font = QFont(families[0])
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)


def create_application(argv: list[str] | None = None, lang: str = "vi") -> QApplication:
    """The one QApplication: sharp on high-DPI screens, Vietnamese glyphs, translations loaded."""
    existing = QApplication.instance()
    if existing is None:
        # fractional scale factors (125 %, 150 %) render sharply instead of being rounded
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setApplicationName("SoHoa")
        QCoreApplication.setOrganizationName("SoHoa")
        app = QApplication(argv or [sys.argv[0]])
    else:
        app = existing  # type: ignore[assignment]
    _vietnamese_font(app)  # type: ignore[arg-type]
    install_language(lang)
    return app  # type: ignore[return-value]


def _language_from_config() -> str:
    from sohoa.core.config import load_config
    from sohoa.core.errors import SoHoaError

    try:
        return load_config().settings.general.language
    except SoHoaError:
        return "vi"


def run_gui(lang: str | None = None, first_run: bool | None = None) -> int:
    """``sohoa gui``: the main window (after the first-run wizard when there is no config yet)."""
    from sohoa.core.paths import app_paths

    started = time.perf_counter()
    paths = app_paths()
    app = create_application(lang=lang or _language_from_config())
    if first_run is None:
        first_run = not paths.config_file.exists()
    if first_run:
        from sohoa.gui.views.wizard import FirstRunWizard

        wizard = FirstRunWizard(paths)
        if not wizard.exec():
            return 0
        app = create_application(lang=lang or _language_from_config())
    from sohoa.core.errors import SoHoaError
    from sohoa.gui.main_window import MainWindow
    from sohoa.gui.services import AppContext

    try:
        ctx = AppContext.open(paths)
    except SoHoaError as e:  # a broken config file or database: say what to do, in a window
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "SoHoa", e.message())
        return int(e.exit_code)
    from sohoa.gui import crash

    hook = crash.install(str(paths.logs / "sohoa.log"))  # an exception in a slot is shown and logged
    window = MainWindow(ctx)
    window.show_restored()  # maximized the first time, then as the clerk left it
    QTimer.singleShot(0, lambda: log.info("window ready in %.2f s", time.perf_counter() - started))
    QTimer.singleShot(0, window.offer_recovery)
    code = app.exec()
    hook.uninstall()
    ctx.close()
    return int(code)


def take_screenshot(target: Path, view: str, lang: str = "vi", size: tuple[int, int] = (1366, 768)) -> Path:
    """Render ``view`` over demo data (in a throwaway SOHOA_HOME), save a PNG and return its path."""
    import tempfile

    from sohoa.gui.demo_data import fill_demo
    from sohoa.gui.main_window import VIEW_CLASSES

    if view not in VIEWS or view not in VIEW_CLASSES:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEW_CLASSES)}")
    target = Path(target).resolve()
    with tempfile.TemporaryDirectory(prefix="sohoa-shot-") as home:
        old = {k: os.environ.get(k) for k in ("SOHOA_HOME", "SOHOA_SYSTEM_CONFIG")}
        os.environ["SOHOA_HOME"] = home
        system = Path(home) / "system-config.toml"  # an administrator's lock, to show how it looks
        system.write_text(
            'locked = ["repository.url"]\n[repository]\nurl = "https://kho.h15.gov.vn"\n'
            '[general]\nagency_name = "UBND xã Thử Nghiệm"\n',
            encoding="utf-8",
        )
        os.environ["SOHOA_SYSTEM_CONFIG"] = str(system)
        try:
            app = create_application(lang=lang)
            from sohoa.gui.main_window import MainWindow
            from sohoa.gui.services import AppContext

            ctx = AppContext.open()
            fill_demo(ctx, Path(home))
            window = MainWindow(ctx, background=False)
            window.resize(*size)
            window.show_view(view)
            window.show()
            view_widget = window.view(view)
            if hasattr(view_widget, "show_demo"):
                view_widget.show_demo()
            window.refresh_status()  # a real answer: the demo address does not resolve here, so "offline"
            from sohoa.gui.workers import wait_all

            wait_all(10000)
            for _ in range(5):
                app.processEvents()
                time.sleep(0.05)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(target), "PNG"):
                raise OSError(f"could not write {target}")
            window._closing_checked = True  # demo data: nothing of a clerk's to ask about
            window.close()
            ctx.close()
        finally:
            for key, value in old.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return target
