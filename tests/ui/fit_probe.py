"""Open every view, maximized, on the current (offscreen) screen and report what does not fit.

Run as a script in a fresh process (each screen size or scale needs its own QApplication):
prints one JSON object: the screen's logical size and, per view, the widgets outside the window.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


def outside(window, view) -> list[str]:  # type: ignore[no-untyped-def]
    """Visible widgets of ``view`` that reach beyond the window (scrolled content excepted)."""
    from PySide6.QtWidgets import QAbstractScrollArea, QWidget

    bad = []
    win = window.rect()
    for child in view.findChildren(QWidget):
        if not child.isVisible():
            continue
        parent, scrolled = child.parentWidget(), False
        while parent is not None and parent is not view:
            if isinstance(parent, QAbstractScrollArea):
                scrolled = True
                break
            parent = parent.parentWidget()
        if scrolled:
            continue
        top_left = child.mapTo(window, child.rect().topLeft())
        bottom_right = child.mapTo(window, child.rect().bottomRight())
        if not (win.contains(top_left) and win.contains(bottom_right)):
            bad.append(f"{child.metaObject().className()}#{child.objectName()}")
    return bad


def main() -> int:
    os.environ.setdefault("SOHOA_HOME", tempfile.mkdtemp(prefix="sohoa-fit-"))
    from sohoa.gui.app import create_application
    from sohoa.gui.demo_data import fill_demo
    from sohoa.gui.main_window import VIEW_CLASSES, MainWindow
    from sohoa.gui.services import AppContext
    from sohoa.gui.workers import wait_all

    app = create_application(lang="vi")
    screen = app.primaryScreen().availableGeometry()
    ctx = AppContext.open()
    fill_demo(ctx, Path(os.environ["SOHOA_HOME"]))
    window = MainWindow(ctx, background=False)
    window.showMaximized()
    report: dict[str, object] = {"screen": [screen.width(), screen.height()], "views": {}}
    for key in VIEW_CLASSES:
        view = window.show_view(key)
        if hasattr(view, "show_demo"):
            view.show_demo()
        wait_all(10000)
        for _ in range(10):
            app.processEvents()
        report["views"][key] = {  # type: ignore[index]
            "window": [window.width(), window.height()],
            "min": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
            "outside": outside(window, view),
        }
    print(json.dumps(report), flush=True)
    os._exit(0)  # no teardown: helper processes and Qt's exit add nothing to the answer


if __name__ == "__main__":
    sys.exit(main())
