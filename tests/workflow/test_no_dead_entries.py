"""What was dead stays gone: stale exports, the unused tus client dependency, absent commands."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_gui_service_export_exists() -> None:
    from sohoa.gui import services

    assert [name for name in services.__all__ if not hasattr(services, name)] == []


def test_tuspy_is_not_a_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("tuspy") for d in project["dependencies"])


def test_every_listed_command_module_registers() -> None:
    import importlib

    from sohoa.cli import COMMAND_MODULES, build_parser

    assert all(hasattr(importlib.import_module(m), "register") for m in COMMAND_MODULES)
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"dossier", "sign-pending"} <= set(commands)
