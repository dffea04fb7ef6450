"""Scanner drivers behind one small interface (SANE, TWAIN, file import).

Start here: :func:`drivers_from_config` builds the drivers the config asks for,
:func:`list_all_devices` lists every device they reach, :func:`driver_for` picks the
driver of a device name, and :class:`scanners.batch.ScanBatch` scans a journaled
batch. See docs/scanners.md for the API the UI uses.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from sohoa.capture.driver import (
    CancelToken,
    Capabilities,
    DeviceInfo,
    ScanDriver,
    ScannedPage,
    ScanOutcome,
)
from sohoa.capture.errors import ScanError
from sohoa.capture.settings import ScanSettings

__all__ = [
    "CancelToken",
    "Capabilities",
    "DeviceInfo",
    "ScanDriver",
    "ScanError",
    "ScanOutcome",
    "ScanSettings",
    "ScannedPage",
    "driver_for",
    "drivers_from_config",
    "list_all_devices",
]

log = logging.getLogger(__name__)


def sane_config_dir_from(scanner: Any) -> tuple[Path | None, bool]:
    """The SANE config folder the worker should read, and whether system backends follow it.

    ``scanner`` is ``sohoa.core.config.Scanner``. An explicit ``sane_config_dir`` wins; with
    ``test_device`` SoHoa writes its own folder (test backend plus the system's backends).
    """
    if scanner.sane_config_dir:
        return Path(scanner.sane_config_dir), False
    if scanner.test_device:
        from sohoa.capture.sane_config import write_test_backend_config
        from sohoa.core.paths import app_paths

        folder = write_test_backend_config(app_paths().cache / "sane", with_system_backends=True)
        return folder, True
    return None, False


def drivers_from_config(scanner: Any | None = None) -> list[ScanDriver]:
    """The drivers for this platform, configured from ``sohoa.core.config.Scanner`` (default: the user's)."""
    if scanner is None:
        from sohoa.core.config import load_config

        scanner = load_config().settings.scanner
    drivers: list[ScanDriver] = []
    if sys.platform == "win32":
        from sohoa.capture.twain_driver import TwainDriver

        drivers.append(TwainDriver())
    else:
        from sohoa.capture.sane_driver import SaneDriver

        folder, with_system = sane_config_dir_from(scanner)
        drivers.append(SaneDriver(folder, timeout_s=scanner.timeout_s, with_system_backends=with_system))
    return drivers


def driver_for(device: str, drivers: list[ScanDriver]) -> ScanDriver:
    """The driver that owns ``device`` (TWAIN names start with ``twain:``; the rest is SANE)."""
    from sohoa.capture.twain_driver import is_twain_device

    want = "twain" if is_twain_device(device) else "sane"
    for d in drivers:
        if d.name == want:
            return d
    from sohoa.capture.errors import NoDeviceError

    raise NoDeviceError(device=device)


def list_all_devices(drivers: list[ScanDriver]) -> list[DeviceInfo]:
    """Every device every driver reaches; a failing driver is logged, not fatal."""
    found: list[DeviceInfo] = []
    for d in drivers:
        try:
            found.extend(d.list_devices())
        except ScanError as e:
            log.warning("listing %s devices failed: %s", d.name, e)
            if len(drivers) == 1:
                raise
    return found
