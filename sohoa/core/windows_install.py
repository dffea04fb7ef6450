"""Where a Windows install of SoHoa finds what it does not carry itself: Tesseract.

No package registry serves a Windows build of Tesseract, so the installer records the folder
of an existing install in ``tesseract-path.txt`` beside ``sohoa.exe``; UB Mannheim's installer
(the usual Windows build) also writes ``HKLM\\SOFTWARE\\Tesseract-OCR\\InstallDir``; failing
both, its default folders. The frozen entry puts the first folder holding ``tesseract.exe`` on
PATH, and ``sohoa doctor`` names the folders it looked in. The functions take the environment
and the app folder as arguments, so the Linux tests run them with Windows-like inputs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

RECORD_FILE = "tesseract-path.txt"  # written by installer/windows/sohoa.nsi
DEFAULT_TESSERACT_DIR = r"C:\Program Files\Tesseract-OCR"
TESSERACT_EXE = "tesseract.exe"
_USUAL = (("ProgramFiles", ("Tesseract-OCR",)), ("ProgramFiles(x86)", ("Tesseract-OCR",)),
          ("LOCALAPPDATA", ("Programs", "Tesseract-OCR")))  # fmt: skip


def app_dir() -> Path | None:
    """The folder of the installed ``sohoa.exe``; None when SoHoa runs from its source tree."""
    return Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else None


def registry_tesseract_dir() -> str:
    """UB Mannheim's ``InstallDir`` value ("" when absent, and always off Windows)."""
    if sys.platform != "win32":
        return ""
    import winreg

    for view in (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY):
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Tesseract-OCR", 0,
                                winreg.KEY_READ | view) as key:  # fmt: skip
                value, _kind = winreg.QueryValueEx(key, "InstallDir")
        except OSError:
            continue
        if str(value).strip():
            return str(value).strip()
    return ""


def recorded_tesseract_dir(app: Path | None) -> str:
    """The folder the installer recorded beside ``sohoa.exe`` ("" when none)."""
    record = app / RECORD_FILE if app else None
    if record is None or not record.is_file():
        return ""
    try:
        return record.read_text(encoding="utf-8-sig").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def tesseract_folders(env: Mapping[str, str], app: Path | None, registry: str) -> list[str]:
    """Folders that may hold ``tesseract.exe``, the most specific first, without repeats."""
    found = [recorded_tesseract_dir(app), registry]
    found += [str(Path(env[var], *sub)) for var, sub in _USUAL if env.get(var)]
    if not env.get("ProgramFiles"):
        found.append(DEFAULT_TESSERACT_DIR)
    out: list[str] = []
    for folder in found:
        if folder and folder.rstrip("\\/").lower() not in {f.rstrip("\\/").lower() for f in out}:
            out.append(folder)
    return out


def find_tesseract_dir(folders: list[str]) -> str:
    """The first of ``folders`` that holds ``tesseract.exe`` ("" when none does)."""
    return next((f for f in folders if (Path(f) / TESSERACT_EXE).is_file()), "")


def installed_tesseract_folders() -> list[str]:
    """:func:`tesseract_folders` for this process (its environment, app folder and registry)."""
    return tesseract_folders(os.environ, app_dir(), registry_tesseract_dir())
