"""Settings, profiles and the error texts (both languages, NFC, with what to do)."""

from __future__ import annotations

import inspect
import unicodedata

import pytest

import sohoa.capture.errors as errors
from sohoa.capture.errors import (
    LowResolutionError,
    UnknownProfileError,
    from_sane_message,
    from_wire,
    to_wire,
)
from sohoa.capture.settings import ScanSettings, profile_settings, settings_from_profile
from sohoa.core.config import ScanProfile, load_config, save_setting
from sohoa.core.errors import SoHoaError


def test_defaults_are_a4_300_dpi_colour_feeder() -> None:
    s = ScanSettings()
    assert (s.source, s.mode, s.dpi, s.paper) == ("adf", "color", 300, "A4")


@pytest.mark.parametrize("field", [{"source": "tray"}, {"mode": "sepia"}, {"paper": "A5"}, {"max_pages": 0}])
def test_bad_values_rejected(field: dict) -> None:
    with pytest.raises(ValueError):
        ScanSettings(**field)


def test_low_dpi_rule() -> None:
    with pytest.raises(LowResolutionError):
        ScanSettings(dpi=199).validated()
    assert ScanSettings(dpi=200).validated().dpi == 200
    assert ScanSettings(dpi=150, mode="gray").validated().dpi == 150  # the rule is for colour
    assert ScanSettings(dpi=150, allow_low_dpi_color=True).validated().dpi == 150


def test_profile_to_settings_and_round_trip() -> None:
    p = ScanProfile(
        source="flatbed", mode="gray", dpi=200, paper="Letter", device_options={"test_picture": "Grid"}
    )
    s = settings_from_profile(p, dpi=300, mode=None)
    assert (s.source, s.mode, s.dpi, s.paper) == ("flatbed", "gray", 300, "Letter")
    assert s.device_options == {"test_picture": "Grid"}
    assert ScanSettings.from_dict({**s.to_dict(), "future_field": 1}) == s


def test_named_profiles_from_config() -> None:
    config = load_config()
    save_setting(config, "profiles.receipts", {"source": "flatbed", "mode": "gray", "dpi": 150})
    assert profile_settings("receipts").dpi == 150
    assert profile_settings().source == "adf"  # scanner.profile = "default"
    with pytest.raises(UnknownProfileError) as info:
        profile_settings("nope")
    assert "default" in info.value.message() and "receipts" in info.value.message()
    save_setting(config, "profiles.lowcolor", {"dpi": 150})
    with pytest.raises(LowResolutionError):
        profile_settings("lowcolor")


def _error_classes() -> list[type]:
    return [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, SoHoaError) and c.__module__ == errors.__name__
    ]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: c.__name__)
def test_every_error_has_both_languages_in_nfc(cls: type) -> None:
    text = cls.text
    assert text.vi != text.en and unicodedata.is_normalized("NFC", text.vi)
    assert any(ch in text.vi for ch in "ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")


def test_sane_messages_map_to_types() -> None:
    assert isinstance(from_sane_message("Invalid argument", "x", opening=True), errors.NoDeviceError)
    assert isinstance(from_sane_message("Invalid argument", "x"), errors.SettingRefusedError)
    assert isinstance(from_sane_message("Document feeder jammed", "x", count=3), errors.PaperJamError)
    assert type(from_sane_message("Something new", "x")) is errors.ScanError
    err = from_wire(to_wire(errors.CoverOpenError(device="d", count=2)))
    assert isinstance(err, errors.CoverOpenError) and "2 trang" in err.message("vi")
    assert type(from_wire({"cls": "os.system", "params": {}})) is errors.ScanError  # only known classes
