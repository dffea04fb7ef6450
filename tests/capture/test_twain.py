"""The TWAIN driver through the common interface, against a fake ``twain`` module."""

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
from sohoa.capture.twain_driver import TwainDriver
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
def twain(scanner: FakeScanner) -> TwainDriver:
    return TwainDriver(twain_module=fake_twain)


def test_lists_sources_with_twain_prefix(twain: TwainDriver) -> None:
    devices = twain.list_devices()
    assert [d.name for d in devices] == [DEVICE, "twain:Flatbed Only"]
    assert {d.driver for d in devices} == {"twain"} and driver_for(DEVICE, [twain]) is twain


def test_capabilities(twain: TwainDriver) -> None:
    caps = twain.capabilities(DEVICE)
    assert caps.sources == ("flatbed", "adf", "adf-duplex")
    assert caps.modes == ("color", "gray", "bw")
    assert caps.dpi_values == (100, 150, 200, 300, 600)
    assert caps.papers == ("A4", "Letter")  # 8.5 x 14 in: no A3


def test_feeder_scan_writes_png_pages_and_removes_bmps(
    twain: TwainDriver, scanner: FakeScanner, tmp_path: Path
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


def test_max_pages_stops_the_feeder(twain: TwainDriver, scanner: FakeScanner, tmp_path: Path) -> None:
    outcome = twain.scan(DEVICE, ScanSettings(source="adf", max_pages=3), tmp_path)
    assert len(outcome.pages) == 3 and outcome.reason == "max-pages" and scanner.sheets == 2


def test_batch_over_twain_with_scan_more(twain: TwainDriver, scanner: FakeScanner, tmp_path: Path) -> None:
    batch = ScanBatch(twain, DEVICE, ScanSettings(source="adf"), tmp_path)
    batch.scan()
    with pytest.raises(FeederEmptyError):
        batch.scan_more()  # nothing loaded yet
    scanner.sheets = 2  # refill
    batch.scan_more()
    assert [p.index for p in batch.pages] == list(range(1, 8))
    batch.finish()


def test_jam_keeps_pages(twain: TwainDriver, scanner: FakeScanner, tmp_path: Path) -> None:
    scanner.jam_after = 2
    with pytest.raises(PaperJamError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    assert [p.index for p in info.value.pages] == [1, 2] and "Kẹt giấy" in info.value.message("vi")
    assert not list(tmp_path.glob("*.bmp"))


def test_device_going_offline_is_a_disconnect(
    twain: TwainDriver, scanner: FakeScanner, tmp_path: Path
) -> None:
    scanner.offline_after = 1
    with pytest.raises(DisconnectedError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path)
    assert len(info.value.pages) == 1


def test_cancel_after_two_pages(twain: TwainDriver, tmp_path: Path) -> None:
    cancel = CancelToken()

    def on_page(page: ScannedPage) -> None:
        if page.index == 2:
            cancel.cancel()

    with pytest.raises(ScanCancelledError) as info:
        twain.scan(DEVICE, ScanSettings(source="adf"), tmp_path, on_page=on_page, cancel=cancel)
    assert len(info.value.pages) == 2


def test_refusals(twain: TwainDriver, tmp_path: Path) -> None:
    with pytest.raises(SettingRefusedError, match="dpi"):
        twain.scan(DEVICE, ScanSettings(dpi=250), tmp_path)
    with pytest.raises(SettingRefusedError, match="paper"):
        twain.scan(DEVICE, ScanSettings(paper="A3"), tmp_path)
    with pytest.raises(SettingRefusedError, match="paper"):
        twain.scan(DEVICE, ScanSettings(paper="auto"), tmp_path)
    with pytest.raises(SettingRefusedError, match="source"):
        twain.scan("twain:Flatbed Only", ScanSettings(source="adf-duplex"), tmp_path)


def test_empty_feeder_and_unknown_source(twain: TwainDriver, scanner: FakeScanner, tmp_path: Path) -> None:
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
        TwainDriver(twain_module=fake_twain).list_devices()
