"""The SANE driver against SANE's real ``test`` backend, running in the worker process."""

from __future__ import annotations

import os
import signal
import threading
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from sohoa.capture.batch import ScanBatch
from sohoa.capture.driver import CancelToken, ScannedPage
from sohoa.capture.errors import (
    AccessDeniedError,
    CoverOpenError,
    DeviceBusyError,
    DeviceIOError,
    DisconnectedError,
    DriverCrashedError,
    FeederEmptyError,
    LowResolutionError,
    NoDeviceError,
    PaperJamError,
    ScanCancelledError,
    ScannerNotRespondingError,
    SettingRefusedError,
)
from sohoa.capture.journal import read_journal
from sohoa.capture.sane_driver import SaneDriver
from sohoa.capture.settings import ScanSettings
from tests.capture.conftest import FAST, FAST_FEEDER, SLOW_PAGES


def test_lists_the_test_devices(shared_driver: SaneDriver) -> None:
    devices = {d.name: d for d in shared_driver.list_devices()}
    assert "test:0" in devices
    d = devices["test:0"]
    assert (d.vendor, d.model, d.type, d.driver) == ("Noname", "frontend-tester", "virtual device", "sane")


def test_capabilities_in_sohoa_terms(shared_driver: SaneDriver) -> None:
    caps = shared_driver.capabilities("test:0")
    assert caps.sources == ("flatbed", "adf")  # no duplex feeder on the test device
    assert set(caps.modes) == {"color", "gray", "bw"}
    assert caps.dpi_range == (1, 1200) and caps.allows_dpi(300) and not caps.allows_dpi(2400)
    assert "A4" in caps.papers and "A3" not in caps.papers  # 300 mm geometry: A3 is 420 mm tall
    assert caps.max_width_mm == 300.0


def test_flatbed_scans_one_a4_page_at_300_dpi(shared_driver: SaneDriver, tmp_path: Path) -> None:
    got: list[ScannedPage] = []
    outcome = shared_driver.scan("test:0", ScanSettings(source="flatbed"), tmp_path, on_page=got.append)
    assert outcome.reason == "flatbed" and outcome.pages == got and len(got) == 1
    page = got[0]
    assert page.path == tmp_path / "page-001.png"
    with Image.open(page.path) as im:
        assert im.mode == "RGB" and im.size == (2480, 3507)  # A4 at 300 dpi
        assert round(im.info["dpi"][0]) == 300
    assert page.bytes == page.path.stat().st_size
    assert not list(tmp_path.glob("*.part"))  # written atomically: no temp file left


def test_feeder_runs_until_empty_with_progress(shared_driver: SaneDriver, tmp_path: Path) -> None:
    progress: list[tuple[int, float]] = []
    outcome = shared_driver.scan(
        "test:0", FAST_FEEDER, tmp_path, first_index=7, on_progress=lambda p, f: progress.append((p, f))
    )
    assert outcome.reason == "feeder-empty"
    assert [p.index for p in outcome.pages] == list(range(7, 17))  # the test feeder holds 10 sheets
    assert sorted(f.name for f in tmp_path.iterdir()) == [f"page-{n:03d}.png" for n in range(7, 17)]
    assert {p for p, _ in progress} <= set(range(7, 17)) and progress
    assert all(0 < f <= 1 for _, f in progress)


@pytest.mark.parametrize(("mode", "pil_mode"), [("gray", "L"), ("bw", "1")])
def test_gray_and_black_and_white(
    shared_driver: SaneDriver, tmp_path: Path, mode: str, pil_mode: str
) -> None:
    s = ScanSettings(source="flatbed", mode=mode, dpi=100, device_options={"test_picture": "Grid"})  # type: ignore[arg-type]
    (page,) = shared_driver.scan("test:0", s, tmp_path).pages
    with Image.open(page.path) as im:
        assert im.mode == pil_mode
        assert im.getextrema() in ((0, 255), (0, 1)) or len(set(im.getdata())) > 1  # a grid, not a blank


def test_25_page_batch_across_feeder_refills(driver: SaneDriver, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = ScanBatch(driver, "test:0", FAST_FEEDER, out)
    first = batch.scan()
    assert first.reason == "feeder-empty" and len(batch.pages) == 10
    more = batch.scan_more()  # the clerk refills the feeder and presses "scan more"
    assert more.reason == "feeder-empty" and len(batch.pages) == 20
    batch.scan_until(25)
    assert [p.index for p in batch.pages] == list(range(1, 26))
    journal = read_journal(batch.journal.folder)
    assert journal is not None and [p.index for p in journal.pages] == list(range(1, 26))
    paths = batch.finish()
    assert paths == [out / f"page-{n:03d}.png" for n in range(1, 26)]
    assert all(p.is_file() for p in paths)
    assert not batch.journal.folder.exists()  # a finished batch leaves nothing to recover


def test_scan_until_crosses_refills_in_one_call(driver: SaneDriver, tmp_path: Path) -> None:
    batch = ScanBatch(driver, "test:0", FAST_FEEDER, tmp_path)
    outcome = batch.scan_until(25)
    assert len(outcome.pages) == 25 and outcome.reason == "max-pages"
    batch.finish()


def test_cancel_between_pages_keeps_pages(driver: SaneDriver, tmp_path: Path) -> None:
    cancel = CancelToken()
    batch = ScanBatch(driver, "test:0", FAST_FEEDER, tmp_path)

    def on_page(page: ScannedPage) -> None:
        if page.index == 3:
            cancel.cancel()

    with pytest.raises(ScanCancelledError) as info:
        batch.scan(on_page=on_page, cancel=cancel)
    # The page the feeder was already pulling when the clerk cancelled may still land: it is kept,
    # never dropped. The batch stops well before the feeder's 10 pages.
    kept = [p.index for p in info.value.pages]
    assert kept[:3] == [1, 2, 3] and kept == list(range(1, len(kept) + 1)) and len(kept) <= 4
    assert str(len(kept)) in info.value.message() and "giữ lại" in info.value.message()
    assert sorted(f.name for f in tmp_path.glob("page-*.png")) == [f"page-{i:03d}.png" for i in kept]
    # The worker survives a cancel: the next session works without a restart.
    batch.scan(max_pages=2)
    assert len(batch.pages) == len(kept) + 2 and driver.restarts == 0
    batch.finish()


def test_cancel_in_the_middle_of_a_slow_page(driver: SaneDriver, tmp_path: Path) -> None:
    cancel = CancelToken()
    s = ScanSettings(source="adf", mode="gray", dpi=150, device_options=SLOW_PAGES)
    started = threading.Event()

    def on_progress(_page: int, _fraction: float) -> None:
        started.set()

    timer = threading.Thread(target=lambda: started.wait(20) and cancel.cancel())
    timer.start()
    with pytest.raises(ScanCancelledError) as info:
        driver.scan("test:0", s, tmp_path, cancel=cancel, on_progress=on_progress)
    timer.join()
    assert info.value.pages == []  # the half-read page was dropped, not saved truncated
    assert not list(tmp_path.glob("page-*.png"))


def test_worker_killed_mid_batch_keeps_pages_and_restarts(driver: SaneDriver, tmp_path: Path) -> None:
    s = ScanSettings(source="adf", mode="gray", dpi=150, device_options=SLOW_PAGES)
    batch = ScanBatch(driver, "test:0", s, tmp_path)

    def on_page(page: ScannedPage) -> None:
        if page.index == 2:
            assert driver.worker_pid
            os.kill(driver.worker_pid, signal.SIGKILL)

    with pytest.raises(DriverCrashedError) as info:
        batch.scan(on_page=on_page)
    err = info.value
    assert isinstance(err, DisconnectedError)
    assert [p.index for p in err.pages] == [1, 2]
    assert "SIGKILL" in str(err) and "2 pages" in str(err)
    assert unicodedata.is_normalized("NFC", err.message("vi")) and "2 trang" in err.message("vi")
    notices = []
    batch.scan(max_pages=1, settings=FAST_FEEDER, on_notice=notices.append)  # restarted on demand
    assert driver.restarts == 1 and len(notices) == 1 and "khởi động lại" in notices[0].vi
    assert [p.index for p in batch.pages] == [1, 2, 3]
    batch.finish()


def test_hung_worker_is_stopped_after_the_timeout(sane_dir: Path, tmp_path: Path) -> None:
    driver = SaneDriver(sane_dir, timeout_s=2)
    try:
        pid: list[int] = []

        def on_page(page: ScannedPage) -> None:
            if page.index == 1:  # freeze the backend, as a stuck USB read would
                pid.append(driver.worker_pid or 0)
                os.kill(pid[0], signal.SIGSTOP)

        s = ScanSettings(source="adf", mode="gray", dpi=150, device_options=SLOW_PAGES)
        with pytest.raises(ScannerNotRespondingError) as info:
            driver.scan("test:0", s, tmp_path, on_page=on_page)
        assert [p.index for p in info.value.pages] == [1]
        assert "2 giây" in info.value.message("vi")
        import psutil

        assert not psutil.pid_exists(pid[0]) or psutil.Process(pid[0]).status() == psutil.STATUS_ZOMBIE
        assert driver.ping() != pid[0] and driver.restarts == 1  # a fresh worker answers
    finally:
        driver.close()


@pytest.mark.parametrize(
    ("settings", "setting"),
    [
        (ScanSettings(source="adf-duplex"), "source"),
        (ScanSettings(source="flatbed", dpi=2400), "dpi"),
        (ScanSettings(source="flatbed", paper="A3"), "paper"),
        (ScanSettings(source="flatbed", paper="auto"), "paper"),
        (ScanSettings(source="flatbed", device_options={"no_such_option": 1}), "no_such_option"),
        (ScanSettings(source="flatbed", device_options={"test_picture": "Kittens"}), "test_picture"),
    ],
)
def test_settings_the_device_refuses(
    shared_driver: SaneDriver, tmp_path: Path, settings: ScanSettings, setting: str
) -> None:
    with pytest.raises(SettingRefusedError) as info:
        shared_driver.scan("test:0", settings, tmp_path)
    assert info.value.params["setting"] == setting
    assert "không hỗ trợ" in info.value.message("vi")
    assert not list(tmp_path.iterdir())


def test_refused_paper_names_the_sizes_that_fit(shared_driver: SaneDriver, tmp_path: Path) -> None:
    with pytest.raises(SettingRefusedError) as info:
        shared_driver.scan("test:0", ScanSettings(source="flatbed", paper="A3"), tmp_path)
    assert info.value.params["allowed"] == "A4, Letter"
    assert "khổ giấy" in info.value.message("vi") and "paper size" in info.value.message("en")


def test_low_dpi_colour_refused_before_touching_the_device(shared_driver: SaneDriver, tmp_path: Path) -> None:
    with pytest.raises(LowResolutionError):
        shared_driver.scan("test:0", ScanSettings(source="flatbed", dpi=150), tmp_path)
    allowed = ScanSettings(source="flatbed", dpi=150, allow_low_dpi_color=True)
    (page,) = shared_driver.scan("test:0", allowed, tmp_path).pages
    assert page.dpi == 150 and page.width == 1240


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("SANE_STATUS_JAMMED", PaperJamError),
        ("SANE_STATUS_COVER_OPEN", CoverOpenError),
        ("SANE_STATUS_DEVICE_BUSY", DeviceBusyError),
        ("SANE_STATUS_IO_ERROR", DeviceIOError),
        ("SANE_STATUS_NO_MEM", DeviceIOError),
        ("SANE_STATUS_EOF", DeviceIOError),
        ("SANE_STATUS_ACCESS_DENIED", AccessDeniedError),
        ("SANE_STATUS_NO_DOCS", FeederEmptyError),
        ("SANE_STATUS_CANCELLED", ScanCancelledError),
    ],
)
def test_sane_status_codes_become_typed_errors(
    shared_driver: SaneDriver, tmp_path: Path, status: str, error: type
) -> None:
    s = FAST.with_(source="adf", device_options={"read_return_value": status})
    with pytest.raises(error) as info:
        shared_driver.scan("test:0", s, tmp_path)
    assert type(info.value) is error
    text = info.value.message("vi")
    assert (unicodedata.is_normalized("NFC", text) and "test:0" in text) or error is ScanCancelledError


def test_jam_during_scan_more_keeps_the_whole_batch(driver: SaneDriver, tmp_path: Path) -> None:
    batch = ScanBatch(driver, "test:0", FAST_FEEDER, tmp_path)
    batch.scan()
    jam = FAST_FEEDER.with_(device_options={"read_return_value": "SANE_STATUS_JAMMED"})
    with pytest.raises(PaperJamError) as info:
        batch.scan_more(settings=jam)
    assert len(info.value.pages) == 10 and "10 trang" in info.value.message("vi")
    batch.scan_more(max_pages=2)  # jam cleared: the batch goes on from page 11
    assert [p.index for p in batch.pages][-2:] == [11, 12]
    batch.finish()


def test_feeder_empty_at_the_start(shared_driver: SaneDriver, tmp_path: Path) -> None:
    s = FAST_FEEDER.with_(device_options={"read_return_value": "SANE_STATUS_NO_DOCS"})
    with pytest.raises(FeederEmptyError) as info:
        shared_driver.scan("test:0", s, tmp_path)
    assert "Khay nạp giấy" in info.value.message("vi")


def test_unknown_device(shared_driver: SaneDriver, tmp_path: Path) -> None:
    with pytest.raises(NoDeviceError):
        shared_driver.capabilities("nosuchbackend:0")
    with pytest.raises(NoDeviceError) as info:
        shared_driver.scan("test:9", FAST, tmp_path)
    assert "test:9" in info.value.message("vi")


def test_a_raising_callback_stops_the_session_cleanly(driver: SaneDriver, tmp_path: Path) -> None:
    def boom(page: ScannedPage) -> None:
        raise RuntimeError("UI bug")

    with pytest.raises(RuntimeError):
        driver.scan("test:0", FAST_FEEDER, tmp_path / "a", on_page=boom)
    # No stale events from the abandoned session leak into the next request.
    outcome = driver.scan("test:0", FAST_FEEDER.with_(max_pages=2), tmp_path / "b")
    assert [p.path.name for p in outcome.pages] == ["page-001.png", "page-002.png"]
