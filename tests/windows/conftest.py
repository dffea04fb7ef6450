"""Fixtures of the Windows suite (make test-windows): the real TWAIN stack under Wine.

Tests named ``test_wine_*`` run inside Windows CPython under Wine (``sys.platform ==
"win32"``); ``test_installer.py`` runs on Linux and drives the installed app under Wine.
SANE's test backend sits behind Wine's TWAIN DSM and the fixed sane.ds; its config folder
must be a Linux path (the SANE side of sane.ds is Linux code), reached from Windows through Z:.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_WINE = sys.platform == "win32"


def unix_to_windows(path: str) -> Path:
    return Path("Z:" + path.replace("/", "\\"))


@pytest.fixture
def sane_unix_dir() -> Iterator[tuple[str, Path]]:
    """The SANE config folder: (its Linux path, its Windows path), from SOHOA_WINE_SANE_DIR.

    Wine starts a process with the Linux environment of the process that starts it, not with
    the Windows environment block, so the folder is fixed before Wine starts; a test changes
    what is in it, and each new TWAIN worker (a new process) reads it afresh."""
    unix = os.environ.get("SOHOA_WINE_SANE_DIR")
    if not unix:
        pytest.skip("SOHOA_WINE_SANE_DIR is not set (run through make test-windows)")
    win = unix_to_windows(unix)
    win.mkdir(parents=True, exist_ok=True)
    write_test_conf(win)
    yield unix, win
    write_test_conf(win)


def write_test_conf(win_dir: Path, **overrides: str) -> None:
    """The test backend on (A4-capable geometry), with ``overrides`` of test.conf lines."""
    conf = {
        "number_of_devices": "2",
        "mode": "Gray",
        "depth": "8",
        "resolution_min": "1.0",
        "resolution_max": "1200.0",
        "resolution_quant": "1.0",
        "resolution": "50.0",
        "test-picture": '"Color pattern"',
        "read-status-code": '"Default"',
        "geometry_min": "0.0",
        "geometry_max": "300.0",
        "geometry_quant": "1.0",
        "br_x": "215.0",
        "br_y": "297.0",
    }
    conf.update({k.replace("_", "-") if k.startswith("read") else k: v for k, v in overrides.items()})
    (win_dir / "test.conf").write_text("".join(f"{k} {v}\n" for k, v in conf.items()))
    (win_dir / "dll.conf").write_text("test\n")
