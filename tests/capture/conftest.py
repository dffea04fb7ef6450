"""Capture fixtures: a private SANE config folder for the real ``test`` backend, and drivers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sohoa.capture.sane_config import write_test_backend_config
from sohoa.capture.sane_driver import SaneDriver
from sohoa.capture.settings import ScanSettings

# Each page takes about 1 s: enough time to kill or stop the scan between two pages.
SLOW_PAGES = {"read_delay": True, "read_delay_duration": 30000, "read_limit": True, "read_limit_size": 65536}
# A small, fast page for tests that only care about behaviour (gray may go below 200 dpi).
FAST = ScanSettings(source="flatbed", mode="gray", dpi=75)
FAST_FEEDER = ScanSettings(source="adf", mode="gray", dpi=75)
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sane_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' own SANE config folder (test backend on, A3 geometry); /etc is never touched."""
    return write_test_backend_config(tmp_path_factory.mktemp("sane"))


@pytest.fixture
def driver(sane_dir: Path) -> Iterator[SaneDriver]:
    d = SaneDriver(sane_dir, timeout_s=30)
    yield d
    d.close()


@pytest.fixture(scope="module")
def shared_driver(sane_dir: Path) -> Iterator[SaneDriver]:
    """One worker for tests that do not harm it (saves a process start per test)."""
    d = SaneDriver(sane_dir, timeout_s=30)
    yield d
    d.close()


@pytest.fixture
def cli_env(sane_dir: Path, sohoa_home: Path) -> dict[str, str]:
    """Environment for running ``sohoa`` as a real subprocess against the test backend."""
    return {
        **os.environ,
        "SANE_CONFIG_DIR": str(sane_dir),
        "SOHOA_HOME": str(sohoa_home),
        "PYTHONPATH": str(PROJECT),
    }


def sohoa_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "sohoa", *args]
