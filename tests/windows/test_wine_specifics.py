"""Windows specifics, checked inside Wine's Windows CPython: token module discovery paths,
the data and config folders, no fork, and file locks."""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

import pytest

from tests.windows.conftest import IN_WINE

pytestmark = [pytest.mark.windows, pytest.mark.skipif(not IN_WINE, reason="runs inside Wine")]


def test_token_modules_are_found_in_system32_and_program_files() -> None:
    from sohoa.signing.modules import find_modules, vendor_of

    system32 = Path(os.environ["WINDIR"]) / "System32" / "vnptca_p11_v10.dll"
    opensc = Path(os.environ["PROGRAMFILES"]) / "OpenSC Project" / "OpenSC" / "pkcs11" / "opensc-pkcs11.dll"
    opensc.parent.mkdir(parents=True, exist_ok=True)
    try:
        for path in (system32, opensc):
            path.write_bytes(b"MZ placeholder: discovery only, never loaded")
        found = find_modules()
        assert system32 in found and opensc in found
        assert vendor_of(system32) == "VNPT-CA" and vendor_of(opensc) == "OpenSC"
    finally:
        system32.unlink(missing_ok=True)
        opensc.unlink(missing_ok=True)


def test_data_and_config_folders_are_the_users_windows_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.core.paths import app_paths, system_config_file

    monkeypatch.delenv("SOHOA_HOME", raising=False)
    monkeypatch.delenv("SOHOA_SYSTEM_CONFIG", raising=False)
    paths = app_paths()
    local = Path(os.environ["LOCALAPPDATA"])
    assert local in paths.data.parents and "SoHoa" in paths.data.parts
    assert (
        Path(os.environ["LOCALAPPDATA"]) in paths.cache.parents
        or Path(os.environ["APPDATA"]) in paths.cache.parents
    )
    assert system_config_file() == Path(os.environ["PROGRAMDATA"]) / "SoHoa" / "config.toml"


def test_no_fork_workers_are_spawned() -> None:
    assert not hasattr(os, "fork")
    assert multiprocessing.get_all_start_methods() == ["spawn"]
    from sohoa.capture.twain_driver import TwainDriver

    with TwainDriver(twain_module="tests.capture.fake_twain", start_timeout_s=120) as driver:
        assert driver.ping() != os.getpid()


def test_a_file_in_use_cannot_be_deleted_and_that_is_handled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from sohoa.capture.twain_worker import _remove_quietly

    path = tmp_path / ".page-001.png.bmp"
    path.write_bytes(b"BM")
    with open(path, "rb"):
        with pytest.raises(PermissionError):
            path.unlink()
        with caplog.at_level(logging.WARNING):
            _remove_quietly(path)  # logged, not raised: the scan's own error must show
        assert "could not remove" in caplog.text
    _remove_quietly(path)
    assert not path.exists()


def test_atomic_output_replaces_a_file_on_windows(tmp_path: Path) -> None:
    from sohoa.core.fsutil import atomic_output

    target = tmp_path / "page-001.png"
    target.write_bytes(b"old")
    with atomic_output(target) as tmp:
        Path(tmp).write_bytes(b"new")
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["page-001.png"]


def test_doctor_checks_the_windows_parts_with_windows_advice(
    sane_unix_dir: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The doctor on win32 from the source tree: TWAIN through the worker and the real DSM, the
    store without POSIX modes, and no Debian advice anywhere (the installed app: test_installer)."""
    from sohoa.cli.doctor_checks import run_checks
    from sohoa.core.windows_install import DEFAULT_TESSERACT_DIR

    monkeypatch.setenv("ProgramFiles", str(tmp_path))  # no Tesseract here: named where it looked
    by_name = {r.name: r for r in run_checks()}
    assert "Thư viện máy quét SANE" not in by_name
    twain = by_name["Máy quét TWAIN"]
    assert twain.ok and "test:0" in twain.detail
    assert by_name["Kho dữ liệu cục bộ"].ok and "ACL" in by_name["Kho dữ liệu cục bộ"].detail
    text = " ".join(f"{r.detail} {r.fix}" for r in by_name.values())
    assert "apt" not in text and "chmod" not in text and "0o777" not in text, text
    tesseract = by_name["Tesseract OCR"]
    if not tesseract.ok:
        assert str(tmp_path) in tesseract.detail and DEFAULT_TESSERACT_DIR in tesseract.fix
