"""The CLI: version, doctor, one readable error line per failure with a stable exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa import __version__
from sohoa.cli import main
from sohoa.core.errors import ExitCode
from sohoa.core.paths import app_paths

ROOT = Path(__file__).resolve().parents[2]


def _sohoa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_version_through_python_m_sohoa() -> None:
    out = _sohoa("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"sohoa {__version__}"


def test_doctor_passes_on_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("Tesseract Vietnamese data (vie)" in line and "vie" in line for line in lines)
    assert any("Fonts with Vietnamese glyphs" in line for line in lines)
    assert not any("MISSING" in line for line in lines)


def test_doctor_reports_a_missing_program_with_the_fix() -> None:
    # With PATH emptied, Tesseract cannot be found: doctor must say so, say what to install, and fail.
    out = _sohoa("--lang", "en", "doctor", env={"PATH": "/nonexistent"})
    assert out.returncode == ExitCode.MISSING_DEPENDENCY
    assert "MISSING" in out.stdout
    assert "apt install tesseract-ocr" in out.stdout


def test_doctor_json(capsys: pytest.CaptureFixture[str]) -> None:
    main(["doctor", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert {"name", "ok", "detail", "fix", "required"} <= set(data[0])


def test_bad_config_gives_one_line_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    from sohoa.cli import run_command

    cfg = app_paths().config_file
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("[scanner]\nnope = 1\n")

    class Args:
        verbose = False
        lang = "en"
        command = "x"

        @staticmethod
        def func(_args: object) -> int:
            from sohoa.core.config import load_config

            load_config()
            return 0

    assert run_command(Args()) == ExitCode.CONFIG  # type: ignore[arg-type]
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown setting 'scanner.nope'" in err[0]


def test_error_line_is_translated_and_has_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from sohoa.cli import run_command
    from sohoa.core.errors import InputError

    class Args:
        verbose = False
        lang = "en"
        command = "x"

        @staticmethod
        def func(_args: object) -> int:
            raise InputError(path="a.png", detail="truncated")

    assert run_command(Args()) == ExitCode.INPUT  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert err.strip() == "sohoa: Cannot read the input file a.png: truncated. Check the file and try again."
    assert "Traceback" not in err
    Args.lang = "vi"
    assert run_command(Args()) == ExitCode.INPUT  # type: ignore[arg-type]
    assert "Không đọc được tệp đầu vào a.png" in capsys.readouterr().err


def test_unexpected_error_points_to_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    from sohoa.cli import run_command

    class Args:
        verbose = False
        lang = "en"
        command = "x"

        @staticmethod
        def func(_args: object) -> int:
            raise RuntimeError("boom")

    assert run_command(Args()) == ExitCode.OTHER  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert "RuntimeError: boom" in err and "sohoa.log" in err and "Traceback" not in err
    assert "Traceback" in (app_paths().logs / "sohoa.log").read_text()  # the details go to the log


def test_no_command_prints_help() -> None:
    out = _sohoa()
    assert out.returncode == ExitCode.BAD_ARGS
    assert "usage: sohoa" in out.stdout
