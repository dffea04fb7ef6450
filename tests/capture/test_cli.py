"""``sohoa devices`` and ``sohoa scan`` as real subprocesses against the SANE test backend."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sohoa.cli.scan import parse_option
from sohoa.core.errors import InputError
from tests.capture.conftest import sohoa_cmd


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(sohoa_cmd(*args), env=env, capture_output=True, text=True, timeout=120)


def test_devices_json(cli_env: dict[str, str]) -> None:
    proc = _run(cli_env, "devices", "--json")
    assert proc.returncode == 0, proc.stderr
    devices = json.loads(proc.stdout)
    assert {"name", "vendor", "model", "type"} <= set(devices[0])
    assert "test:0" in [d["name"] for d in devices]


def test_devices_none_found_says_what_to_do(cli_env: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "sane-empty"
    empty.mkdir()
    (empty / "dll.conf").write_text("")
    proc = _run({**cli_env, "SANE_CONFIG_DIR": str(empty)}, "devices", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    assert "Không tìm thấy máy quét" in proc.stderr


def test_scan_feeder_with_pages_across_refills(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run(
        cli_env,
        "scan",
        "--device",
        "test:0",
        "--mode",
        "gray",
        "--dpi",
        "75",
        "--pages",
        "12",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr
    assert "12" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"page-{n:03d}.png" for n in range(1, 13)]
    assert _run(cli_env, "recover", "--json").stdout.strip() == "[]"  # a finished scan leaves no journal


def test_scan_flatbed_colour_default_300_dpi(cli_env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(
        cli_env, "--lang", "en", "scan", "--device", "test:0", "--source", "flatbed", "--out", str(tmp_path)
    )
    assert proc.returncode == 0 and "Scanned 1 pages" in proc.stdout
    assert (tmp_path / "page-001.png").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--source", "adf-duplex"], 5, "không hỗ trợ nguồn giấy"),
        (["--dpi", "100"], 10, "quá thấp"),
        (["--dpi", "5000", "--mode", "gray"], 5, "độ phân giải"),
        (["--option", "nonsense"], 3, "TÊN=GIÁ_TRỊ"),
        (["--profile", "nope"], 10, "Không có hồ sơ quét"),
    ],
)
def test_scan_refusals_exit_codes(
    cli_env: dict[str, str], tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    proc = _run(cli_env, "scan", "--device", "test:0", *args, "--out", str(tmp_path))
    assert proc.returncode == code and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_scan_unknown_device(cli_env: dict[str, str], tmp_path: Path) -> None:
    proc = _run(cli_env, "scan", "--device", "test:7", "--out", str(tmp_path))
    assert proc.returncode == 5 and "test:7" in proc.stderr


def test_parse_option() -> None:
    assert parse_option("read_delay=yes") == ("read_delay", True)
    assert parse_option("read_limit_size=4096") == ("read_limit_size", 4096)
    assert parse_option("br_x=210.5") == ("br_x", 210.5)
    assert parse_option("test_picture=Color pattern") == ("test_picture", "Color pattern")
    with pytest.raises(InputError):
        parse_option("=3")
