"""Config loading: unknown keys and wrong types are named; administrator locks win."""

from __future__ import annotations

from pathlib import Path

import pytest

from sohoa.core.config import load_config, save_setting
from sohoa.core.errors import ConfigError, SettingLockedError
from sohoa.core.paths import app_paths


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file() -> None:
    cfg = load_config()
    assert cfg.settings.general.language == "vi"
    assert cfg.settings.profiles["default"].dpi == 300
    assert cfg.locked == frozenset()


def test_user_values_are_read() -> None:
    _write(
        app_paths().config_file,
        '[general]\nlanguage = "en"\n[profiles.counter]\nsource = "flatbed"\ndpi = 200\n',
    )
    cfg = load_config()
    assert cfg.settings.general.language == "en"
    assert cfg.settings.profiles["counter"].source == "flatbed"
    assert cfg.settings.profiles["default"].dpi == 300  # the built-in profile is still there


def test_unknown_key_is_named() -> None:
    path = _write(app_paths().config_file, "[scanner]\ndevise = 'test:0'\n")
    with pytest.raises(ConfigError) as err:
        load_config()
    assert "scanner.devise" in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_section_is_named() -> None:
    _write(app_paths().config_file, "[scaner]\ndevice = 'x'\n")
    with pytest.raises(ConfigError, match="unknown setting 'scaner'"):
        load_config()


def test_wrong_type_is_named() -> None:
    _write(app_paths().config_file, "[profiles.default]\ndpi = 'many'\n")
    with pytest.raises(ConfigError, match=r"profiles\.default\.dpi"):
        load_config()


def test_out_of_range_value() -> None:
    _write(app_paths().config_file, "[profiles.default]\ndpi = 20\n")
    with pytest.raises(ConfigError, match="dpi"):
        load_config()


def test_broken_toml_says_so() -> None:
    _write(app_paths().config_file, "[general\nlanguage = 'vi'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config()


def test_locked_setting_wins_over_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    system = _write(
        tmp_path / "system.toml",
        'locked = ["repository.url", "processing"]\n'
        '[repository]\nurl = "https://kho.example.gov.vn"\n'
        '[general]\nagency_name = "UBND tỉnh"\n',
    )
    monkeypatch.setenv("SOHOA_SYSTEM_CONFIG", str(system))
    _write(
        app_paths().config_file,
        '[repository]\nurl = "http://evil.example"\nusername = "clerk1"\n'
        '[general]\nagency_name = "UBND xã"\n[processing]\njpeg_quality = 90\n',
    )
    cfg = load_config()
    assert cfg.settings.repository.url == "https://kho.example.gov.vn"  # locked: system wins
    assert cfg.settings.repository.username == "clerk1"  # not locked: user wins
    assert cfg.settings.general.agency_name == "UBND xã"  # an unlocked system value is only a default
    assert cfg.settings.processing.jpeg_quality == 60  # whole section locked
    assert sorted(cfg.ignored) == ["processing.jpeg_quality", "repository.url"]
    assert cfg.is_locked("processing.languages")
    with pytest.raises(SettingLockedError) as err:
        save_setting(cfg, "repository.url", "http://other")
    assert "khóa" in err.value.message("vi")


def test_system_file_is_validated_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    system = _write(tmp_path / "system.toml", "[repository]\nurll = 'x'\n")
    monkeypatch.setenv("SOHOA_SYSTEM_CONFIG", str(system))
    with pytest.raises(ConfigError, match=r"repository\.urll"):
        load_config()


def test_bad_lock_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    system = _write(tmp_path / "system.toml", "locked = 'repository.url'\n")
    monkeypatch.setenv("SOHOA_SYSTEM_CONFIG", str(system))
    with pytest.raises(ConfigError, match="locked"):
        load_config()


def test_save_setting_round_trips_and_validates() -> None:
    cfg = load_config()
    save_setting(cfg, "scanner.device", "test:0")
    assert load_config().settings.scanner.device == "test:0"
    assert cfg.settings.scanner.device == "test:0"
    with pytest.raises(ConfigError):
        save_setting(cfg, "scanner.timeout_s", -1)
    assert load_config().settings.scanner.timeout_s == 60.0  # the bad value was not written
    assert (app_paths().config_file.stat().st_mode & 0o077) == 0
