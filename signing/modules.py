"""Where PKCS#11 modules (token drivers) usually live, so the user rarely types a path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

LINUX_MODULES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/opensc-pkcs11.so",
]
WINDOWS_MODULES = [
    r"System32\opensc-pkcs11.dll",
]


def candidate_modules() -> list[Path]:
    """Known module locations for this platform (existing or not), most likely first."""
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        return [windir / rel for rel in WINDOWS_MODULES]
    return [Path(p) for p in LINUX_MODULES]


def find_modules(configured: str = "") -> list[Path]:
    """The configured module (if it exists) followed by every known module installed here."""
    found: list[Path] = []
    for path in ([Path(configured)] if configured else []) + candidate_modules():
        if path.is_file() and path not in found:
            found.append(path)
    return found
