"""The app fits the clerk's screen: 1366x768 and 1280x720, at 100 % and 125 % scaling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import SCREENS
from tests.ui.fit_probe import outside

ROOT = Path(__file__).resolve().parents[2]


def test_every_view_fits_1366x768(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import VIEW_CLASSES
    from sohoa.gui.workers import wait_all

    screen = window.screen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768)
    window.showMaximized()
    qtbot.waitUntil(lambda: window.width() <= 1366 and window.height() <= 768)
    for key in VIEW_CLASSES:
        view = window.show_view(key)
        wait_all(10000)
        qtbot.wait(20)
        assert (
            window.geometry().width() <= screen.width() and window.geometry().height() <= screen.height()
        ), key
        assert outside(window, view) == [], key
        finish = view.findChild(object, "finish")
        if finish is not None:  # "Hoàn tất & ký" and the status bar stay on the screen
            bottom = finish.mapTo(window, finish.rect().bottomLeft()).y()
            assert bottom < window.statusBar().mapTo(window, window.statusBar().rect().topLeft()).y()


@pytest.mark.parametrize(
    "screen, scale",
    [("1366x768", "1.25"), ("1280x720", "1"), ("1280x720", "1.25")],
)
def test_every_view_fits_smaller_screens(screen: str, scale: str, tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={SCREENS / (screen + '@1.json')}",
        QT_SCALE_FACTOR=scale,
        SOHOA_HOME=str(tmp_path),
    )
    out = subprocess.run(
        [sys.executable, str(ROOT / "tests/ui/fit_probe.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    width, height = report["screen"]
    assert width < 1366  # the scale really applied (logical pixels)
    for key, view in report["views"].items():
        assert view["outside"] == [], (key, view["outside"])
        assert view["min"][0] <= width and view["min"][1] <= height, (key, view["min"])
        assert view["window"][0] <= width and view["window"][1] <= height, key


def test_long_error_wraps_and_never_widens_the_window(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The wrong-PIN message (and any long path in it) wraps inside the window and the dialog."""
    from PySide6.QtWidgets import QMessageBox

    from sohoa.gui.widgets import ErrorBox
    from sohoa.signing.errors import SignatureError

    window.showMaximized()
    counter = window.show_view("counter")
    qtbot.waitUntil(lambda: window.width() > 1300)  # maximized on the 1366-px screen
    qtbot.wait(50)
    before = window.width()
    long = "Mã PIN không đúng cho token " + "/usr/lib/x86_64-linux-gnu/pkcs11/" * 8 + " còn 2 lần thử."
    counter.result_label.setText(long)
    qtbot.wait(50)
    assert window.width() == before and window.width() <= 1366
    assert counter.result_label.width() < 1366
    assert counter.finish_button.mapTo(window, counter.finish_button.rect().topRight()).x() <= window.width()

    class WrongPin(SignatureError):
        pass

    from sohoa.core.i18n import Text

    WrongPin.text = Text(vi=long, en=long)
    ErrorBox.show(counter, WrongPin())
    box = next(w for w in counter.findChildren(QMessageBox) if w.objectName() == "errorBox")
    qtbot.waitUntil(box.isVisible)
    assert box.width() <= 1366 * 0.9 + 1
    assert "SignatureError" not in box.text() and "WrongPin" not in box.text()
    box.close()


def test_geometry_is_remembered(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from sohoa.gui.main_window import MainWindow

    first = MainWindow(ctx, background=False)
    qtbot.addWidget(first)
    first.show_restored()
    qtbot.waitUntil(first.isMaximized)  # maximized the first time
    first.showNormal()
    first.setGeometry(50, 60, 1000, 600)
    qtbot.wait(20)
    first.save_geometry()
    second = MainWindow(ctx, background=False)
    qtbot.addWidget(second)
    second.show_restored()
    qtbot.wait(20)
    assert not second.isMaximized()
    assert (second.width(), second.height()) == (1000, 600)


def test_cut_cells_show_full_text_on_hover() -> None:
    from sohoa.gui.widgets import table_item

    text = "Kho dữ liệu từ chối: chữ ký không hợp lệ vì chứng thư đã bị thu hồi ngày 01/11/2026"
    assert table_item(text).toolTip() == text  # type: ignore[attr-defined]


def test_screenshot_command_takes_a_size(tmp_path: Path) -> None:
    target = tmp_path / "counter.png"
    env = dict(os.environ, SOHOA_HOME=str(tmp_path / "home"))
    env.pop("DISPLAY", None)
    subprocess.run(
        [
            str(Path(sys.executable).parent / "sohoa"),
            "gui",
            "--screenshot",
            str(target),
            "--view",
            "counter",
            "--size",
            "1280x720",
        ],
        env=env,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,  # helper processes may keep a pipe open after the app exits
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    from PySide6.QtGui import QImage

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 720)
    bad = subprocess.run(
        [str(Path(sys.executable).parent / "sohoa"), "gui", "--screenshot", str(target), "--size", "huge"],
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode != 0 and "1366x768" in bad.stderr
