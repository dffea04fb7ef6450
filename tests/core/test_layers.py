"""The layers (pyproject's import-linter contracts) hold, and the check can fail.

The second test copies the source tree, adds one upward import (the core reaching into the GUI) and one Qt
import outside the GUI, and asserts that ``lint-imports`` refuses both: a contract check that could never fail
would prove nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_tree(tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("sohoa", "reference_repository"):
        shutil.copytree(ROOT / package, copy / package, ignore=ignore)
    return copy


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    copy = _copy_tree(tmp_path)
    (copy / "sohoa" / "core" / "_upward_probe.py").write_text("from sohoa.gui import main_window\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "sohoa.core is not allowed to import sohoa.gui" in result.stdout


def test_qt_outside_the_gui_breaks_a_contract(tmp_path: Path) -> None:
    copy = _copy_tree(tmp_path)
    (copy / "sohoa" / "outbox" / "_qt_probe.py").write_text("from PySide6 import QtCore\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert "Only the GUI imports Qt BROKEN" in result.stdout


def test_importing_every_non_gui_module_loads_no_qt() -> None:
    """At run time too: importing the core and every area never pulls Qt in (lazy imports included)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import sohoa, reference_repository\n"
        "for pkg in ('sohoa.core', 'sohoa.capture', 'sohoa.processing', 'sohoa.signing', 'sohoa.outbox',"
        " 'sohoa.workflow', 'reference_repository'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(getattr(mod, '__path__', []), pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
