"""A clerk's working day driven through the real widgets, with a screenshot after each step.

Run under Xvfb at 1366x768 (``make scenario``): a counter dossier scanned on SANE's test
scanner and signed with a SoftHSM2 token, an offline dossier, batch signing, reuse of this
workstation's own documents, a backlog stack with a separator sheet, the queue, statistics and
settings. Screenshots go into the folder given (``scenario-output/``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "scenario-output").resolve()
HOME = Path(tempfile.mkdtemp(prefix="sohoa-day-"))
os.environ["SOHOA_HOME"] = str(HOME)
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.core.config import save_setting
    from sohoa.gui.app import create_application
    from sohoa.gui.main_window import MainWindow
    from sohoa.gui.services import AppContext
    from sohoa.gui.workers import wait_all
    from sohoa.signing.softhsm import create_token

    OUT.mkdir(parents=True, exist_ok=True)
    app = create_application(lang="vi")
    ctx = AppContext.open()
    token = create_token(HOME / "token", label="SoHoa Quay 1")
    token.activate()
    for key, value in (
        ("scanner.sane_config_dir", str(write_test_backend_config(HOME / "sane"))),
        ("scanner.device", "test:0"),
        ("profiles.default.dpi", 150),
        ("profiles.default.mode", "gray"),
        ("signing.pkcs11_module", token.module),
        ("signing.token_label", token.label),
        ("general.agency_name", "UBND xã Thử Nghiệm"),
        ("general.clerk_name", "Trần Thị Bình"),
    ):
        ctx.config = save_setting(ctx.config, key, value)
    window = MainWindow(ctx, background=False)
    window.show_restored()
    shots: list[str] = []

    def settle(until: Callable[[], bool] = lambda: True, timeout: float = 180.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents()
            if until():
                break
            time.sleep(0.05)
        wait_all(30000)
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str) -> None:
        settle()
        path = OUT / f"{len(shots) + 1:02d}-{name}.png"
        window.grab().save(str(path), "PNG")
        shots.append(path.name)
        print(f"[scenario] {path.name}", flush=True)

    def answer(fill: Callable[[object], None]) -> None:
        def attempt(tries: int = 200) -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                if tries:
                    QTimer.singleShot(50, lambda: attempt(tries - 1))
                return
            fill(dialog)

        QTimer.singleShot(0, attempt)

    def pin(dialog: object) -> None:
        dialog.pin.setText(token.pin)  # type: ignore[attr-defined]
        dialog.ok.click()  # type: ignore[attr-defined]

    # 1. the counter: a citizen's dossier, scanned on the feeder
    counter = window.show_view("counter")
    counter.form.fill(
        code="H15.50.05.13-261008-0001",
        procedure="1.001757",
        procedure_name="Chứng thực bản sao từ bản chính",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
        title="Giấy chứng nhận",
        result_code="KQ.H15-2026-000001",
    )
    shot("counter-form")
    counter.scan()
    settle(lambda: not counter.busy() and counter.pages.count() > 0)
    shot("counter-scanned")
    counter.pages.select_row(1)
    counter.pages.rotate_selected(90)
    counter.pages.select_row(5)
    counter.pages.split_at_current()
    shot("counter-edited")
    answer(pin)
    counter.finish(sign=True)
    settle(lambda: not counter.busy())
    shot("counter-signed-queued")

    # 2. an offline dossier (no repository set up): finished, it waits in the queue
    counter.form.fill(
        code="H15.50.05.13-261008-0002",
        procedure="1.001757",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
        title="Bản sao giấy khai sinh",
        result_code="KQ.H15-2026-000002",
    )
    counter.scan()
    settle(lambda: not counter.busy() and counter.pages.count() > 0)
    counter.finish(sign=False)  # signed later by the supervisor
    settle(lambda: not counter.busy())
    shot("offline-dossier-sign-later")

    # 3. batch signing: the supervisor signs what waits, with one PIN
    batch = window.show_view("batch-sign")
    settle()
    batch.select_all()
    shot("batch-sign-selected")
    answer(pin)
    batch.sign()
    settle(lambda: not batch.busy())
    shot("batch-signed")

    # 4. reuse: offline, this workstation's own earlier documents for the same citizen
    counter = window.show_view("counter")
    counter.form.fill(
        code="H15.50.05.13-261008-0003",
        procedure="1.001757",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
    )
    counter.lookup_reuse()
    settle(lambda: counter.reuse_list.count() > 1)
    for row in range(counter.reuse_list.count()):
        item = counter.reuse_list.item(row)
        if item.data(256) is not None:  # Qt.UserRole: a found document
            counter.reuse_list.setCurrentRow(row)
            item.setCheckState(__import__("PySide6.QtCore").QtCore.Qt.CheckState.Checked)
            break
    counter.preview_reused()
    settle()
    shot("reuse-offline-lookup")
    counter.finish(sign=True)
    settle(lambda: not counter.busy())
    shot("reuse-only-finished")

    # 5. backlog: a stack of old results with a separator sheet between them
    from sohoa.gui.demo_data import demo_pages
    from sohoa.gui.services.separator_sheet import separator_sheet

    backlog = window.show_view("backlog")
    old = demo_pages(HOME / "old", 3)
    sheet = separator_sheet(HOME / "sep.png")
    backlog.import_files([str(old[0].file), str(sheet), str(old[1].file), str(old[2].file)])
    settle(lambda: not backlog.busy() and backlog.docs.count() > 0)
    backlog.form.fill(
        code="H15.50.05.13-190315-0007",
        procedure="1.001757",
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
        result_code="KQ.H15-2019-000007",
    )
    backlog.form.issue_date.setText("15/03/2019")
    shot("backlog-imported")
    backlog.save_and_next()
    settle(lambda: not backlog.busy())
    shot("backlog-saved-next")

    # 6. the queue, statistics and settings
    window.show_view("queue")
    shot("queue")
    window.show_view("statistics")
    shot("statistics")
    window.show_view("settings")
    shot("settings")

    print(f"[scenario] {len(shots)} screenshots in {OUT}", flush=True)
    window._closing_checked = True  # the day is over: nothing left to ask
    window.close()
    wait_all(30000)
    ctx.close()
    return 0 if len(shots) >= 10 else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # helper processes end with the app
