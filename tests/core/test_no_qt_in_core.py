"""Only ui/ may import Qt: the core must run (and be tested) without a display."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ["app", "scanners", "signing", "offline_queue", "reference_repository"]
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            arg = node.args[0]
            names = [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else []
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno} imports {n}" for n in names if n.startswith(QT_MODULES)
        ]
    return found


def test_no_core_source_imports_qt() -> None:
    offenders = [hit for pkg in CORE_PACKAGES for f in (ROOT / pkg).rglob("*.py") for hit in _qt_imports(f)]
    assert offenders == []


def test_the_checker_catches_an_import(tmp_path: Path) -> None:
    bad = ROOT / "app" / "_qt_probe_for_test.py"
    bad.write_text("from PySide6 import QtCore\n")
    try:
        assert _qt_imports(bad)
    finally:
        bad.unlink()


def test_importing_every_core_module_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for pkg in {CORE_PACKAGES!r}:\n"
        "    m = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(m.__path__, pkg + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        f"bad = [n for n in sys.modules if n.startswith({QT_MODULES!r})]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
