"""The main window: navigation, shortcuts, status bar, language, no Qt outside ui/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

ROOT = Path(__file__).resolve().parents[2]


def test_every_view_opens_by_shortcut(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import VIEW_CLASSES

    for n, key in enumerate(VIEW_CLASSES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_view_key() == key
        assert window.stack.currentWidget().objectName() == f"view-{key}"


def test_interface_is_vietnamese_by_default_and_english_on_request(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import MainWindow
    from sohoa.gui.qt_i18n import install_language

    win = MainWindow(ctx, background=False)
    qtbot.addWidget(win)
    assert win.nav.item(0).text().startswith("Quầy tiếp nhận")
    assert "Hàng đợi" in win.queue_label.text()
    install_language("en")
    try:
        english = MainWindow(ctx, background=False)
        qtbot.addWidget(english)
        assert english.nav.item(0).text().startswith("Counter")
    finally:
        install_language("vi")


def test_status_bar_shows_offline_when_repository_is_unreachable(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.config import save_setting
    from sohoa.gui.main_window import MainWindow

    ctx.config = save_setting(
        ctx.config, "repository.url", "http://127.0.0.1:9/"
    )  # discard port: nothing answers
    win = MainWindow(ctx, background=False)
    qtbot.addWidget(win)
    assert win.online is None
    with qtbot.waitSignal(win.status_updated, timeout=20000):
        win.refresh_status()
    assert win.online is False
    assert "Ngoại tuyến" in win.online_label.text()
    assert win.queued == 0


def test_gui_command_imports_qt_lazily() -> None:
    code = "import sys, sohoa.cli.gui; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_screenshot_mode_writes_a_png_of_each_view(tmp_path: Path) -> None:
    from PIL import Image

    for view in ("statistics", "queue"):
        target = tmp_path / f"{view}.png"
        out = subprocess.run(
            [sys.executable, "-m", "sohoa", "gui", "--screenshot", str(target), "--view", view],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        assert out.returncode == 0, out.stderr
        with Image.open(target) as im:
            assert im.size[0] >= 1000 and im.size[1] >= 700
            assert len(np.unique(np.asarray(im.convert("L").resize((64, 64))))) > 8  # not a blank image


def test_screenshot_mode_refuses_an_unknown_view(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sohoa", "gui", "--screenshot", str(tmp_path / "x.png"), "--view", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert not (tmp_path / "x.png").exists()


def test_an_upload_failed_for_good_raises_one_notice_that_opens_the_queue(ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui import services
    from sohoa.gui.main_window import MainWindow

    status = services.QueueStatus(True, 3, [("9", "H15 · Kết quả: chữ ký không được tin cậy")])
    monkeypatch.setattr(services, "queue_status", lambda c: status)
    win = MainWindow(ctx, background=False)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.status_updated, timeout=10000):
        win.refresh_status()
    assert win.failure_notice.isVisible() and not win.failure_notice.isModal()
    assert "chữ ký không được tin cậy" in win.failure_notice.text()
    assert "Trực tuyến" in win.online_label.text() and "3" in win.queue_label.text()
    open_button = next(b for b in win.failure_notice.buttons() if b.text() == "Mở hàng đợi")
    open_button.click()
    assert win.current_view_key() == "queue"
    win.failure_notice.close()
    with qtbot.waitSignal(win.status_updated, timeout=10000):
        win.refresh_status()
    assert not win.failure_notice.isVisible()  # the same failure is announced once


def test_high_dpi_screens_render_at_full_resolution(tmp_path: Path) -> None:
    """At 150 % scaling the window is drawn with 1.5x the pixels (sharp text), not stretched."""
    import os

    from PIL import Image

    target = tmp_path / "hidpi.png"
    out = subprocess.run(
        [sys.executable, "-m", "sohoa", "gui", "--screenshot", str(target), "--view", "settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5"},
    )
    assert out.returncode == 0, out.stderr
    with Image.open(target) as im:
        assert im.size == (round(1366 * 1.5), round(768 * 1.5))  # the default --size 1366x768 at 150 %
