"""Crash recovery: a scanning process killed with SIGKILL after page 4 gives all 4 pages back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from PIL import Image

from sohoa.capture.driver import ScannedPage
from sohoa.capture.journal import JOURNAL, Journal, discard, find_unfinished, read_journal, restore
from tests.capture.conftest import PROJECT, SLOW_PAGES, sohoa_cmd

RUNNER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from sohoa.capture.batch import ScanBatch
    from sohoa.capture.sane_driver import SaneDriver
    from sohoa.capture.settings import ScanSettings

    if __name__ == "__main__":
        driver = SaneDriver(sys.argv[1])
        settings = ScanSettings(source="adf", mode="gray", dpi=100)
        batch = ScanBatch(driver, "test:0", settings)  # pages live in the recovery folder

        def on_page(page):
            if page.index == 4:
                print(driver.worker_pid, flush=True)
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup of any kind runs

        batch.scan(on_page=on_page)
    """
)


def test_killed_batch_runner_gives_back_every_page(sane_dir: Path, sohoa_home: Path, tmp_path: Path) -> None:
    script = tmp_path / "runner.py"
    script.write_text(RUNNER)
    env = {**os.environ, "SOHOA_HOME": str(sohoa_home), "PYTHONPATH": str(PROJECT)}
    proc = subprocess.run(
        [sys.executable, str(script), str(sane_dir)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    worker_pid = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 15  # the orphaned worker notices and leaves
    while psutil.pid_exists(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not psutil.pid_exists(worker_pid)

    (batch,) = find_unfinished()  # "the next start"
    assert batch.device == "test:0" and batch.settings["mode"] == "gray"
    assert [p.index for p in batch.pages] == [1, 2, 3, 4] and batch.lost == []
    dest = tmp_path / "restored"
    paths = restore(batch, dest)
    assert [p.name for p in paths] == ["page-001.png", "page-002.png", "page-003.png", "page-004.png"]
    for p in paths:
        with Image.open(p) as im:
            im.load()
            assert im.size == (826, 1169)  # whole A4 pages at 100 dpi, none truncated
    assert find_unfinished() == []  # restored once, offered no more


def test_killed_cli_scan_is_offered_back_by_sohoa_recover(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    slow = [f"--option={k}={v}" for k, v in SLOW_PAGES.items()]
    cmd = sohoa_cmd("scan", "--device", "test:0", "--source", "adf", "--mode", "gray", "--dpi", "150")
    proc = subprocess.Popen(
        [*cmd, *slow, "--out", str(out)],
        env=cli_env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "trang 4 " in line:
                os.killpg(proc.pid, signal.SIGKILL)
                break
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL

    listed = subprocess.run(
        sohoa_cmd("recover", "--json"), env=cli_env, capture_output=True, text=True, timeout=60, check=True
    )
    (batch,) = json.loads(listed.stdout)
    assert [p["index"] for p in batch["pages"]] == [1, 2, 3, 4]
    again = subprocess.run(
        sohoa_cmd("scan", "--device", "test:0", "--source", "flatbed", "--out", str(tmp_path / "o2")),
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0 and "1 đợt quét dở dang" in again.stderr  # the next start says so
    dest = tmp_path / "back"
    done = subprocess.run(
        sohoa_cmd("recover", batch["batch"], "--out", str(dest)),
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "4 trang" in done.stdout
    assert sorted(p.name for p in dest.iterdir()) == [f"page-00{n}.png" for n in range(1, 5)]


def _page(folder: Path, index: int, data: bytes) -> ScannedPage:
    import hashlib

    path = folder / f"page-{index:03d}.png"
    path.write_bytes(data)
    return ScannedPage(index, path, 1, 1, 300, "gray", len(data), hashlib.sha256(data).hexdigest())


def test_torn_line_and_damaged_pages(tmp_path: Path) -> None:
    journal = Journal.create("test:0", {"mode": "gray"}, tmp_path / "out", root=tmp_path / "rec")
    (tmp_path / "out").mkdir()
    pages = [_page(tmp_path / "out", n, f"page {n}".encode()) for n in (1, 2, 3)]
    for p in pages:
        journal.add_page(p)
    with open(journal.path, "a") as fh:
        fh.write('{"type": "page", "index": 4, "pa')  # the power went off mid-line
    pages[1].path.write_bytes(b"altered")  # page 2 changed after it was journaled
    pages[2].path.unlink()  # page 3 deleted
    batch = read_journal(journal.folder)
    assert batch is not None
    assert [p.index for p in batch.pages] == [1] and batch.lost == [2, 3]


def test_unreadable_journal_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "rec" / "junk").mkdir(parents=True)
    (tmp_path / "rec" / "junk" / JOURNAL).write_text("not json\n")
    assert find_unfinished(tmp_path / "rec") == []
    assert (tmp_path / "rec" / "junk").exists()


def test_a_batch_still_being_scanned_is_not_offered(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = psutil.Process(sleeper.pid).create_time()
        Journal.create("test:0", {}, None, root=tmp_path, extra={"pid": sleeper.pid, "pid_started": started})
        assert find_unfinished(tmp_path) == []  # its owner is alive: not a crash
    finally:
        sleeper.kill()
        sleeper.wait()
    (batch,) = find_unfinished(tmp_path)  # the owner is gone: now it is unfinished
    discard(batch)
    assert find_unfinished(tmp_path) == []


def test_recover_cli_errors(cli_env: dict[str, str]) -> None:
    proc = subprocess.run(
        sohoa_cmd("recover", "no-such-batch"), env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3 and "no-such-batch" in proc.stderr


@pytest.mark.parametrize("verify", [True, False])
def test_empty_recovery_root(tmp_path: Path, verify: bool) -> None:
    assert find_unfinished(tmp_path / "missing", verify=verify) == []
