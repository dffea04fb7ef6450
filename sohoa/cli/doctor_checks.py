"""``sohoa doctor``: is every part SoHoa needs installed and working?

Each check returns one line: what it checked, whether it is there, and what to
install when it is not. Only required parts decide the exit code.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sohoa.core.config import load_config
from sohoa.core.errors import SoHoaError
from sohoa.core.fonts import find_font
from sohoa.core.i18n import Text
from sohoa.core.paths import app_paths


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=True).stdout


def check_tesseract() -> CheckResult:
    name = "Tesseract OCR"
    if not shutil.which("tesseract"):
        return CheckResult(name, False, "not found", "apt install tesseract-ocr tesseract-ocr-vie")
    try:
        version = _run(["tesseract", "--version"]).splitlines()[0]
    except (subprocess.SubprocessError, OSError, IndexError) as e:
        return CheckResult(name, False, f"does not run ({e})", "apt install --reinstall tesseract-ocr")
    return CheckResult(name, True, version)


def check_tesseract_vie() -> CheckResult:
    name = "Tesseract Vietnamese data (vie)"
    try:
        langs = set(_run(["tesseract", "--list-langs"]).splitlines()[1:])
    except (subprocess.SubprocessError, OSError) as e:
        return CheckResult(name, False, f"cannot list languages ({e})", "apt install tesseract-ocr-vie")
    if "vie" not in langs:
        return CheckResult(name, False, "vie missing", "apt install tesseract-ocr-vie")
    return CheckResult(name, True, "languages: " + ", ".join(sorted(langs)))


def check_sane() -> CheckResult:
    name = "SANE scanner library"
    try:
        sane = importlib.import_module("sane")
        version = sane.init()
        sane.exit()
    except ImportError as e:
        return CheckResult(
            name, False, f"python-sane missing ({e})", "apt install libsane1 sane-utils; make setup"
        )
    except Exception as e:
        return CheckResult(name, False, f"cannot start ({e})", "apt install libsane1 sane-utils")
    return CheckResult(name, True, f"SANE {version[1]}.{version[2]}.{version[3]}")


def check_pkcs11() -> CheckResult:
    from sohoa.signing.modules import find_modules

    name = "PKCS#11 token module"
    try:
        configured = load_config().settings.signing.pkcs11_module
    except SoHoaError:
        configured = ""
    found = find_modules(configured)
    if not found:
        return CheckResult(
            name, False, "none found", "install your token's driver (or apt install opensc softhsm2)"
        )
    return CheckResult(name, True, ", ".join(str(p) for p in found))


def check_fonts() -> CheckResult:
    name = "Fonts with Vietnamese glyphs"
    serif, sans = find_font("serif"), find_font("sans")
    if not serif or not sans:
        return CheckResult(
            name,
            False,
            f"serif={serif}, sans={sans}",
            "apt install fonts-noto-core fonts-liberation2 fonts-dejavu",
        )
    return CheckResult(name, True, f"{serif.name}, {sans.name}")


def check_store() -> CheckResult:
    from sohoa.core.store import Store

    name = "Local store"
    paths = app_paths().ensure()
    try:
        with Store(paths.store_file) as store:
            version = store.version
    except SoHoaError as e:
        return CheckResult(
            name, False, e.message("en"), "check free disk space and permissions of " + str(paths.data)
        )
    mode = paths.data.stat().st_mode & 0o777
    if mode & 0o077:
        return CheckResult(
            name, False, f"{paths.data} is readable by others ({oct(mode)})", f"chmod 700 {paths.data}"
        )
    return CheckResult(name, True, f"{paths.store_file} (schema {version}, folder {oct(mode)})")


def check_python_packages() -> CheckResult:
    name = "Python packages"
    missing = []
    for module in (
        "pikepdf",
        "pyhanko",
        "pkcs11",
        "cv2",
        "pytesseract",
        "zxingcpp",
        "sqlite_utils",
        "keyring",
    ):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        fix = "reinstall SoHoa" if getattr(sys, "frozen", False) else "make setup"
        return CheckResult(name, False, "missing: " + ", ".join(missing), fix)
    return CheckResult(name, True, "all present")


def check_poppler() -> CheckResult:
    ok = bool(shutil.which("pdfsig") and shutil.which("pdftotext"))
    return CheckResult(
        "Poppler tools (optional, for checks)",
        ok,
        "found" if ok else "not found",
        "apt install poppler-utils",
        required=False,
    )


CHECKS: list[Callable[[], CheckResult]] = [
    check_python_packages,
    check_tesseract,
    check_tesseract_vie,
    check_sane,
    check_pkcs11,
    check_fonts,
    check_store,
    check_poppler,
]

OK_WORD = Text(vi="có", en="ok")
MISSING_WORD = Text(vi="THIẾU", en="MISSING")
OPTIONAL_WORD = Text(vi="không có (tùy chọn)", en="absent (optional)")
FIX_WORD = Text(vi="cách sửa", en="fix")


def run_checks() -> list[CheckResult]:
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as e:  # a check must never crash the doctor
            results.append(CheckResult(check.__name__.removeprefix("check_"), False, f"check failed: {e}"))
    return results
