"""The TWAIN driver through the real protocol: Windows CPython + pytwain + Wine's TWAIN DSM
(twain_32.dll, reached through the twaindsm.dll forwarder) + the fixed sane.ds + SANE's test
backend. Runs inside Wine (make test-windows); every scan goes through the worker process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from sohoa.capture.batch import ScanBatch
from sohoa.capture.driver import CancelToken, ScannedPage
from sohoa.capture.errors import (
    DeviceIOError,
    DriverCrashedError,
    NoDeviceError,
    ScanCancelledError,
    ScanError,
    SettingRefusedError,
)
from sohoa.capture.settings import ScanSettings
from sohoa.capture.twain_driver import TwainDriver
from tests.windows.conftest import IN_WINE, write_test_conf

pytestmark = [pytest.mark.windows, pytest.mark.skipif(not IN_WINE, reason="runs inside Wine")]
DEVICE = "twain:test:0"
GRAY = ScanSettings(source="flatbed", mode="gray", dpi=100)
FEEDER = ScanSettings(source="adf", mode="gray", dpi=75)


@pytest.fixture
def twain(sane_unix_dir: tuple[str, Path]) -> Iterator[TwainDriver]:
    driver = TwainDriver(timeout_s=120, start_timeout_s=120)
    yield driver
    driver.close()


def test_lists_the_sane_test_devices_through_twain(twain: TwainDriver) -> None:
    names = [d.name for d in twain.list_devices()]
    assert DEVICE in names and "twain:test:1" in names
    assert all(d.startswith("twain:") for d in names)


def test_capabilities_range_sources_modes(twain: TwainDriver) -> None:
    caps = twain.capabilities(DEVICE)
    assert caps.dpi_range == (1, 1200) and caps.dpi_values == ()  # a range stays a range
    assert caps.sources == ("flatbed", "adf")  # both, whatever the feeder's state; no duplex
    assert set(caps.modes) == {"color", "gray"}
    assert caps.max_width_mm == pytest.approx(300, abs=1) and "A4" in caps.papers


def test_flatbed_page_has_the_asked_size_and_resolution(twain: TwainDriver, tmp_path: Path) -> None:
    outcome = twain.scan(DEVICE, GRAY, tmp_path)
    assert outcome.reason == "flatbed" and len(outcome.pages) == 1
    page = outcome.pages[0]
    # A4 at 100 dpi: 827 x 1169 px (defect 6 gave 47 x 70 px: the frame was taken as mm)
    assert abs(page.width - 827) <= 2 and abs(page.height - 1169) <= 2
    with Image.open(page.path) as im:
        assert im.mode == "L" and round(im.info["dpi"][0]) == 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page-001.png"]  # the BMP is gone


def test_colour_page_keeps_its_colours(twain: TwainDriver, tmp_path: Path) -> None:
    page = twain.scan(
        DEVICE, ScanSettings(source="flatbed", mode="color", dpi=75, allow_low_dpi_color=True), tmp_path
    ).pages[0]
    with Image.open(page.path) as im:
        assert im.mode == "RGB"
        colours = im.convert("RGB").getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 3  # the test backend's colour pattern, not a grey page


def test_feeder_runs_across_two_refills(twain: TwainDriver, tmp_path: Path) -> None:
    batch = ScanBatch(twain, DEVICE, FEEDER, tmp_path)
    first = batch.scan()
    assert len(first.pages) == 10 and first.reason == "feeder-empty"
    batch.scan_more()  # the test backend refills its feeder with 10 pages per session
    assert [p.index for p in batch.pages] == list(range(1, 21))
    assert len({p.sha256 for p in batch.pages}) >= 1 and all(p.path.exists() for p in batch.pages)
    batch.finish()


def test_feeder_then_flatbed_on_the_same_device(twain: TwainDriver, tmp_path: Path) -> None:
    """Defect 2 on the real stack: the feeder left on must not refuse the flatbed."""
    twain.scan(DEVICE, ScanSettings(source="adf", mode="gray", dpi=75, max_pages=2), tmp_path / "a")
    assert twain.scan(DEVICE, GRAY, tmp_path / "b").reason == "flatbed"


def test_max_pages(twain: TwainDriver, tmp_path: Path) -> None:
    outcome = twain.scan(DEVICE, ScanSettings(source="adf", mode="gray", dpi=75, max_pages=3), tmp_path)
    assert len(outcome.pages) == 3 and outcome.reason == "max-pages"


def test_cancel_keeps_the_pages_so_far(twain: TwainDriver, tmp_path: Path) -> None:
    cancel = CancelToken()

    def on_page(page: ScannedPage) -> None:
        if page.index == 2:
            cancel.cancel()

    with pytest.raises(ScanCancelledError) as info:
        twain.scan(DEVICE, FEEDER, tmp_path, on_page=on_page, cancel=cancel)
    got = [p.index for p in info.value.pages]  # the worker may finish the page it was reading
    assert got[:2] == [1, 2] and len(got) <= 3 and all(p.path.exists() for p in info.value.pages)
    assert "Error" not in info.value.message("vi")


def test_refusals_name_what_the_device_allows(twain: TwainDriver, tmp_path: Path) -> None:
    with pytest.raises(SettingRefusedError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf-duplex"), tmp_path)
    assert "adf" in info.value.message("en") and "Failure" not in info.value.message("en")
    with pytest.raises(SettingRefusedError) as info:
        twain.scan(DEVICE, ScanSettings(mode="bw"), tmp_path)
    assert "gray" in info.value.message("en") and "Failure" not in info.value.message("en")


def test_unknown_source_is_no_device(twain: TwainDriver, tmp_path: Path) -> None:
    with pytest.raises(NoDeviceError):
        twain.scan("twain:No Such Scanner", GRAY, tmp_path)


def test_device_read_error_is_a_typed_error(sane_unix_dir: tuple[str, Path], tmp_path: Path) -> None:
    _unix, win = sane_unix_dir
    write_test_conf(win, read_status_code='"SANE_STATUS_IO_ERROR"')
    with TwainDriver(timeout_s=120, start_timeout_s=120) as driver:
        with pytest.raises(ScanError) as info:
            driver.scan(DEVICE, GRAY, tmp_path)
    assert isinstance(info.value, DeviceIOError) and not isinstance(info.value, DriverCrashedError)
    assert "máy quét" in info.value.message("vi") and "Exception" not in info.value.message("vi")
    assert not list(tmp_path.glob("*.bmp"))


def test_killed_worker_keeps_pages_and_restarts(sane_unix_dir: tuple[str, Path], tmp_path: Path) -> None:
    _unix, win = sane_unix_dir
    # slow pages, so the kill lands in the middle of the run
    write_test_conf(
        win, read_delay="true", read_delay_duration="20000", read_limit="true", read_limit_size="4096"
    )
    with TwainDriver(timeout_s=120, start_timeout_s=120) as driver:
        driver.ping()

        def on_page(page: ScannedPage) -> None:
            if page.index == 1 and driver._worker is not None:
                driver._worker.process.kill()  # TerminateProcess: a data source crashing hard

        with pytest.raises(DriverCrashedError) as info:
            driver.scan(DEVICE, ScanSettings(source="adf", mode="gray", dpi=50), tmp_path, on_page=on_page)
        assert len(info.value.pages) >= 1 and info.value.pages[0].path.exists()
        notices: list[object] = []
        write_test_conf(win)
        assert driver.scan(DEVICE, GRAY, tmp_path / "again", on_notice=notices.append).pages
        assert driver.restarts == 1 and len(notices) == 1


def test_worker_is_a_separate_process(twain: TwainDriver) -> None:
    assert twain.ping() != os.getpid()
