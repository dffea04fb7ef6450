"""The TWAIN engine through the common interface, against a fake ``twain`` module (in process).

The worker process is tested here with the fake too, and through the real TWAIN stack (Wine)
in tests/windows (make test-windows)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from sohoa.capture import driver_for
from sohoa.capture.batch import ScanBatch
from sohoa.capture.driver import CancelToken, ScannedPage
from sohoa.capture.errors import (
    DisconnectedError,
    FeederEmptyError,
    NoDeviceError,
    PaperJamError,
    ScanCancelledError,
    SettingRefusedError,
    TwainMissingError,
)
from sohoa.capture.settings import ScanSettings
from sohoa.capture.twain_driver import TwainDriver, TwainEngine
from tests.capture import fake_twain
from tests.capture.fake_twain import FakeScanner, SourceManager

DEVICE = "twain:Fake Scanner"


@pytest.fixture
def scanner() -> Iterator[FakeScanner]:
    s = FakeScanner(sheets=5)
    SourceManager.scanners = [s, FakeScanner(name="Flatbed Only", duplex=False)]
    SourceManager.fail_load = False
    yield s
    SourceManager.scanners = []


@pytest.fixture
def twain(scanner: FakeScanner) -> TwainEngine:
    return TwainEngine(twain_module=fake_twain)


def test_lists_sources_with_twain_prefix(twain: TwainEngine) -> None:
    devices = twain.list_devices()
    assert [d.name for d in devices] == [DEVICE, "twain:Flatbed Only"]
    assert {d.driver for d in devices} == {"twain"} and driver_for(DEVICE, [twain]) is twain


def test_capabilities(twain: TwainEngine) -> None:
    caps = twain.capabilities(DEVICE)
    assert caps.sources == ("flatbed", "adf", "adf-duplex")
    assert caps.modes == ("color", "gray", "bw")
    assert caps.dpi_values == (100, 150, 200, 300, 600)
    assert caps.papers == ("A4", "Letter")  # 8.5 x 14 in: no A3


def test_feeder_scan_writes_png_pages_and_removes_bmps(
    twain: TwainEngine, scanner: FakeScanner, tmp_path: Path
) -> None:
    got: list[ScannedPage] = []
    outcome = twain.scan(DEVICE, ScanSettings(source="adf", mode="gray"), tmp_path, on_page=got.append)
    assert outcome.reason == "feeder-empty" and [p.index for p in got] == [1, 2, 3, 4, 5]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"page-00{n}.png" for n in range(1, 6)]
    with Image.open(got[0].path) as im:
        assert im.mode == "L" and round(im.info["dpi"][0]) == 300
    assert scanner.caps[fake_twain.ICAP_PIXELTYPE] == fake_twain.TWPT_GRAY
    assert scanner.caps[fake_twain.CAP_FEEDERENABLED] is True
    assert scanner.layout == pytest.approx((0, 0, 210 / 25.4, 297 / 25.4))
    assert scanner.opened == scanner.closed == 1


def test_max_pages_stops_the_feeder(twain: TwainEngine, scanner: FakeScanner, tmp_path: Path) -> None:
    outcome = twain.scan(DEVICE, ScanSettings(source="adf", max_pages=3), tmp_path)
    assert len(outcome.pages) == 3 and outcome.reason == "max-pages" and scanner.sheets == 2


def test_batch_over_twain_with_scan_more(twain: TwainEngine, scanner: FakeScanner, tmp_path: Path) -> None:
    batch = ScanBatch(twain, DEVICE, ScanSettings(source="adf"), tmp_path)
    batch.scan()
    with pytest.raises(FeederEmptyError):
        batch.scan_more()  # nothing loaded yet
    scanner.sheets = 2  # refill
    batch.scan_more()
    assert [p.index for p in batch.pages] == list(range(1, 8))
    batch.finish()


def test_jam_keeps_pages(twain: TwainEngine, scanner: FakeScanner, tmp_path: Path) -> None:
    scanner.jam_after = 2
    with pytest.raises(PaperJamError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    assert [p.index for p in info.value.pages] == [1, 2] and "Kẹt giấy" in info.value.message("vi")
    assert not list(tmp_path.glob("*.bmp"))


def test_device_going_offline_is_a_disconnect(
    twain: TwainEngine, scanner: FakeScanner, tmp_path: Path
) -> None:
    scanner.offline_after = 1
    with pytest.raises(DisconnectedError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    assert len(info.value.pages) == 1


def test_cancel_after_two_pages(twain: TwainEngine, tmp_path: Path) -> None:
    cancel = CancelToken()

    def on_page(page: ScannedPage) -> None:
        if page.index == 2:
            cancel.cancel()

    with pytest.raises(ScanCancelledError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path, on_page=on_page, cancel=cancel)
    assert len(info.value.pages) == 2


def test_refusals(twain: TwainEngine, tmp_path: Path) -> None:
    with pytest.raises(SettingRefusedError, match="dpi"):
        twain.scan(DEVICE, ScanSettings(dpi=250), tmp_path)
    with pytest.raises(SettingRefusedError, match="paper"):
        twain.scan(DEVICE, ScanSettings(paper="A3"), tmp_path)
    with pytest.raises(SettingRefusedError, match="paper"):
        twain.scan(DEVICE, ScanSettings(paper="auto"), tmp_path)
    with pytest.raises(SettingRefusedError, match="source"):
        twain.scan("twain:Flatbed Only", ScanSettings(source="adf-duplex"), tmp_path)


def test_empty_feeder_and_unknown_source(twain: TwainEngine, scanner: FakeScanner, tmp_path: Path) -> None:
    scanner.sheets = 0
    with pytest.raises(FeederEmptyError):
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    with pytest.raises(NoDeviceError):
        twain.scan("twain:Nope", ScanSettings(), tmp_path)


def test_missing_pytwain_or_dsm(scanner: FakeScanner) -> None:
    with pytest.raises(TwainMissingError) as info:
        TwainDriver().list_devices()  # pytwain is not installed on Linux
    assert "pip install pytwain" in info.value.message("vi")
    SourceManager.fail_load = True
    with pytest.raises(TwainMissingError):
        TwainEngine(twain_module=fake_twain).list_devices()


# --- the six defects found on the real stack, pinned down with the fake ------------------------
def test_feeder_state_does_not_limit_the_sources(twain: TwainEngine, scanner: FakeScanner) -> None:
    """Defect 2: CAP_FEEDERENABLED's MSG_GET gives the current value, not the allowed ones."""
    original = fake_twain.Source.get_capability

    def current_only(self: fake_twain.Source, cap: int) -> object:
        if cap == fake_twain.CAP_FEEDERENABLED:
            return (fake_twain.TWTY_BOOL, bool(self.s.caps.get(cap, True)))
        return original(self, cap)

    fake_twain.Source.get_capability = current_only  # type: ignore[method-assign]
    try:
        assert twain.capabilities(DEVICE).sources[:2] == ("flatbed", "adf")
        scanner.caps[fake_twain.CAP_FEEDERENABLED] = True
        assert twain.capabilities(DEVICE).sources[:2] == ("flatbed", "adf")
    finally:
        fake_twain.Source.get_capability = original  # type: ignore[method-assign]


def test_a_resolution_range_is_a_range(twain: TwainEngine, scanner: FakeScanner, tmp_path: Path) -> None:
    """Defect 3: a TWAIN range became 1,200 separate dpi values and no dpi_range."""
    original = fake_twain.Source.get_capability

    def ranged(self: fake_twain.Source, cap: int) -> object:
        if cap == fake_twain.ICAP_XRESOLUTION:
            return {"MinValue": 1.0, "MaxValue": 1200.0, "StepSize": 1.0, "DefaultValue": 50.0}
        return original(self, cap)

    fake_twain.Source.get_capability = ranged  # type: ignore[method-assign]
    try:
        caps = twain.capabilities(DEVICE)
        assert caps.dpi_values == () and caps.dpi_range == (1, 1200) and caps.allows_dpi(333)
        with pytest.raises(SettingRefusedError) as info:
            twain.scan(DEVICE, ScanSettings(dpi=2400), tmp_path)
        assert "1-1200" in info.value.message("en")
    finally:
        fake_twain.Source.get_capability = original  # type: ignore[method-assign]


def test_refusal_names_the_values_not_the_exception(twain: TwainEngine, tmp_path: Path) -> None:
    """Defect 4: 'Values it supports: GeneralFailure'."""
    with pytest.raises(SettingRefusedError) as info:
        twain.scan(DEVICE, ScanSettings(paper="A3"), tmp_path)
    text = info.value.message("en") + info.value.message("vi")
    assert "A4" in text and "Error" not in text and "ValueError" not in text
    with pytest.raises(SettingRefusedError) as info:
        twain.scan(DEVICE, ScanSettings(dpi=250), tmp_path)
    assert "100, 150, 200, 300, 600" in info.value.message("vi")


def test_source_without_file_transfer_uses_native(tmp_path: Path) -> None:
    """Defect 1: pytwain raised a bare Exception for a source without TWSX_FILE."""
    SourceManager.scanners = [FakeScanner(name="Native", sheets=2, file_transfer=False)]
    try:
        outcome = TwainEngine(twain_module=fake_twain).scan(
            "twain:Native", ScanSettings(source="adf"), tmp_path
        )
    finally:
        SourceManager.scanners = []
    assert [p.index for p in outcome.pages] == [1, 2] and all(p.path.exists() for p in outcome.pages)


def test_undeletable_bmp_does_not_hide_the_error(
    twain: TwainEngine, scanner: FakeScanner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 5: on Windows a file in use cannot be deleted; that PermissionError hid the typed error."""
    scanner.jam_after = 1
    real_unlink = Path.unlink

    def sharing_violation(self: Path, missing_ok: bool = False) -> None:
        if self.suffix == ".bmp":
            raise PermissionError(32, "The process cannot access the file", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", sharing_violation)
    with pytest.raises(PaperJamError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    assert len(info.value.pages) == 1


# --- the worker process (spawned), with the fake module imported there ----------------------
@pytest.fixture
def worker_driver(monkeypatch: pytest.MonkeyPatch) -> Iterator[TwainDriver]:
    monkeypatch.setenv("SOHOA_FAKE_TWAIN", "Worker Scanner:4")
    driver = TwainDriver(twain_module="tests.capture.fake_twain", timeout_s=30)
    yield driver
    driver.close()


def test_worker_lists_scans_and_survives_a_crash(worker_driver: TwainDriver, tmp_path: Path) -> None:
    assert [d.name for d in worker_driver.list_devices()] == ["twain:Worker Scanner"]
    first_pid = worker_driver.ping()
    outcome = worker_driver.scan("twain:Worker Scanner", ScanSettings(source="adf", max_pages=2), tmp_path)
    assert [p.index for p in outcome.pages] == [1, 2] and outcome.pages[0].path.exists()
    worker_driver.crash_worker_for_test()
    notices: list[object] = []
    with pytest.raises(SettingRefusedError):  # a new worker answers (and refuses 250 dpi)
        worker_driver.scan(
            "twain:Worker Scanner", ScanSettings(dpi=250), tmp_path / "b", on_notice=notices.append
        )
    assert worker_driver.restarts == 1 and len(notices) == 1 and worker_driver.ping() != first_pid


def test_killed_worker_mid_scan_keeps_pages(worker_driver: TwainDriver, tmp_path: Path) -> None:
    import os
    import signal

    from sohoa.capture.errors import DriverCrashedError

    worker_driver.ping()

    def on_page(page: ScannedPage) -> None:
        if page.index == 1:
            os.kill(worker_driver.worker_pid or 0, signal.SIGKILL)

    with pytest.raises(DriverCrashedError) as info:
        worker_driver.scan("twain:Worker Scanner", ScanSettings(source="adf"), tmp_path, on_page=on_page)
    assert len(info.value.pages) >= 1 and "bị dừng" in info.value.message("vi")
    assert worker_driver.list_devices()  # restarted


def test_a_hung_source_leaves_its_stack_in_the_fault_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sohoa_home: Path
) -> None:
    """Windows has no SIGUSR1: the worker's own watchdog writes where it hangs before the kill."""
    from sohoa.capture.errors import ScannerNotRespondingError

    monkeypatch.setenv("SOHOA_FAKE_TWAIN", "Stuck Scanner:5:2")
    driver = TwainDriver(twain_module="tests.capture.fake_twain", timeout_s=3)
    try:
        with pytest.raises(ScannerNotRespondingError) as info:
            driver.scan("twain:Stuck Scanner", ScanSettings(source="adf"), tmp_path)
    finally:
        driver.close()
    assert [p.index for p in info.value.pages] == [1, 2]
    log = (sohoa_home / "data" / "logs" / "twain-worker-faults.log").read_text()
    assert "Timeout (" in log and "acquire_file" in log  # the watchdog's dump, in the source's call
