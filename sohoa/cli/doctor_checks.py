"""``sohoa doctor``: is every part SoHoa needs installed and working?

Each check returns one line: what it checked, whether it is there, and what to do when it is
not, in the clerk's language. Only required parts decide the exit code. The checks depend on
the system: Debian gets SANE and apt advice; Windows gets TWAIN, the Windows Tesseract and the
installers' advice (:mod:`sohoa.cli.doctor_windows`). :func:`checks_for` takes the platform as a
parameter so the Linux tests can run the Windows list too.
"""

from __future__ import annotations

import functools
import importlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

from sohoa.core.config import load_config
from sohoa.core.errors import SoHoaError
from sohoa.core.fonts import find_font
from sohoa.core.i18n import Text, tr
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


def frozen() -> bool:
    """True in the installed (PyInstaller) app, where "make setup" means nothing to the clerk."""
    return bool(getattr(sys, "frozen", False))


TESSERACT = Text(vi="Tesseract OCR", en="Tesseract OCR")
TESSERACT_VIE = Text(vi="Dữ liệu tiếng Việt của Tesseract (vie)", en="Tesseract Vietnamese data (vie)")
FONTS = Text(vi="Phông chữ đủ dấu tiếng Việt", en="Fonts with Vietnamese glyphs")
PKCS11 = Text(vi="Mô-đun PKCS#11 của token", en="PKCS#11 token module")
STORE = Text(vi="Kho dữ liệu cục bộ", en="Local store")
PACKAGES = Text(vi="Các gói Python", en="Python packages")
NOT_FOUND = Text(vi="không tìm thấy", en="not found")
DOES_NOT_RUN = Text(vi="không chạy được ({detail})", en="does not run ({detail})")
REINSTALL = Text(vi="cài lại SoHoa", en="reinstall SoHoa")


def check_tesseract() -> CheckResult:
    name = tr(TESSERACT)
    if not shutil.which("tesseract"):
        return CheckResult(name, False, tr(NOT_FOUND), "apt install tesseract-ocr tesseract-ocr-vie")
    try:
        version = _run(["tesseract", "--version"]).splitlines()[0]
    except (subprocess.SubprocessError, OSError, IndexError) as e:
        return CheckResult(name, False, tr(DOES_NOT_RUN, detail=e), "apt install --reinstall tesseract-ocr")
    return CheckResult(name, True, version)


def tesseract_languages(exe: str = "tesseract") -> set[str]:
    return {line.strip() for line in _run([exe, "--list-langs"]).splitlines()[1:] if line.strip()}


LANGS_FAILED = Text(vi="không liệt kê được ngôn ngữ ({detail})", en="cannot list languages ({detail})")
VIE_MISSING = Text(vi="thiếu vie", en="vie missing")
LANGUAGES = Text(vi="ngôn ngữ: {langs}", en="languages: {langs}")


def check_tesseract_vie() -> CheckResult:
    name = tr(TESSERACT_VIE)
    try:
        langs = tesseract_languages()
    except (subprocess.SubprocessError, OSError) as e:
        return CheckResult(name, False, tr(LANGS_FAILED, detail=e), "apt install tesseract-ocr-vie")
    if "vie" not in langs:
        return CheckResult(name, False, tr(VIE_MISSING), "apt install tesseract-ocr-vie")
    return CheckResult(name, True, tr(LANGUAGES, langs=", ".join(sorted(langs))))


SANE = Text(vi="Thư viện máy quét SANE", en="SANE scanner library")


def check_sane() -> CheckResult:
    name = tr(SANE)
    try:
        sane = importlib.import_module("sane")
        version = sane.init()
        sane.exit()
    except ImportError as e:
        detail = Text(vi="thiếu python-sane ({e})", en="python-sane missing ({e})")
        return CheckResult(name, False, tr(detail, e=e), "apt install libsane1 sane-utils; make setup")
    except Exception as e:
        detail = Text(vi="không khởi động được ({e})", en="cannot start ({e})")
        return CheckResult(name, False, tr(detail, e=e), "apt install libsane1 sane-utils")
    return CheckResult(name, True, f"SANE {version[1]}.{version[2]}.{version[3]}")


PKCS11_NONE = Text(vi="không tìm thấy mô-đun nào", en="none found")
PKCS11_FIX = {
    "linux": Text(
        vi="cài trình điều khiển (driver) của token (hoặc apt install opensc softhsm2)",
        en="install your token's driver (or apt install opensc softhsm2)",
    ),
    "win32": Text(
        vi="cài trình điều khiển token của nhà cung cấp chữ ký số (VNPT-CA, Viettel-CA, ...) rồi cắm token",
        en="install the token driver of your signature provider (VNPT-CA, Viettel-CA, ...) and plug the token in",
    ),
}


def check_pkcs11(platform: str = sys.platform) -> CheckResult:
    from sohoa.signing.modules import find_modules

    name = tr(PKCS11)
    try:
        configured = load_config().settings.signing.pkcs11_module
    except SoHoaError:
        configured = ""
    found = find_modules(configured)
    if not found:
        fix = PKCS11_FIX["win32" if platform == "win32" else "linux"]
        return CheckResult(name, False, tr(PKCS11_NONE), tr(fix))
    return CheckResult(name, True, ", ".join(str(p) for p in found))


def check_fonts() -> CheckResult:
    serif, sans = find_font("serif"), find_font("sans")
    if not serif or not sans:
        return CheckResult(
            tr(FONTS),
            False,
            f"serif={serif}, sans={sans}",
            "apt install fonts-noto-core fonts-liberation2 fonts-dejavu",
        )
    return CheckResult(tr(FONTS), True, f"{serif.name}, {sans.name}")


STORE_FIX = Text(
    vi="kiểm tra chỗ trống trên đĩa và quyền của {folder}",
    en="check free disk space and permissions of {folder}",
)
OPEN_TO_OTHERS = Text(
    vi="{folder} người khác đọc được ({mode})", en="{folder} is readable by others ({mode})"
)
STORE_OK = Text(
    vi="{file} (lược đồ {version}, thư mục {mode})", en="{file} (schema {version}, folder {mode})"
)
STORE_OK_WINDOWS = Text(
    vi="{file} (lược đồ {version}; trên Windows quyền của thư mục do ACL quyết định, không có chế độ POSIX)",
    en="{file} (schema {version}; on Windows the folder's permissions are its ACL, there are no POSIX modes)",
)


def check_store(platform: str = sys.platform) -> CheckResult:
    """The store opens; on POSIX its folder is the user's alone (Windows has no POSIX modes:
    ``st_mode`` reads 0o777 there, and the folder under %LOCALAPPDATA% is per-user by its ACL)."""
    from sohoa.core.store import Store

    name = tr(STORE)
    paths = app_paths().ensure()
    try:
        with Store(paths.store_file) as store:
            version = store.version
    except SoHoaError as e:
        return CheckResult(name, False, e.message(), tr(STORE_FIX, folder=paths.data))
    if platform == "win32":
        return CheckResult(name, True, tr(STORE_OK_WINDOWS, file=paths.store_file, version=version))
    mode = paths.data.stat().st_mode & 0o777
    if mode & 0o077:
        return CheckResult(
            name, False, tr(OPEN_TO_OTHERS, folder=paths.data, mode=oct(mode)), f"chmod 700 {paths.data}"
        )
    return CheckResult(name, True, tr(STORE_OK, file=paths.store_file, version=version, mode=oct(mode)))


PACKAGES_OK = Text(vi="đủ cả", en="all present")
PACKAGES_MISSING = Text(vi="thiếu: {names}", en="missing: {names}")


def check_python_packages() -> CheckResult:
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
        fix = tr(REINSTALL) if frozen() else "make setup"
        return CheckResult(tr(PACKAGES), False, tr(PACKAGES_MISSING, names=", ".join(missing)), fix)
    return CheckResult(tr(PACKAGES), True, tr(PACKAGES_OK))


def check_poppler() -> CheckResult:
    ok = bool(shutil.which("pdfsig") and shutil.which("pdftotext"))
    return CheckResult(
        tr(Text(vi="Bộ công cụ Poppler (tùy chọn, để kiểm tra)", en="Poppler tools (optional, for checks)")),
        ok,
        tr(Text(vi="có", en="found")) if ok else tr(NOT_FOUND),
        "apt install poppler-utils",
        required=False,
    )


def checks_for(platform: str = sys.platform) -> list[Callable[[], CheckResult]]:
    """The checks that make sense on ``platform`` (``sys.platform`` values)."""
    if platform == "win32":
        from sohoa.cli import doctor_windows as win

        return [
            check_python_packages,
            win.check_tesseract,
            win.check_tesseract_vie,
            win.check_twain,
            functools.partial(check_pkcs11, "win32"),
            win.check_fonts,
            functools.partial(check_store, "win32"),
        ]
    return [
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
CHECK_FAILED = Text(vi="không kiểm tra được: {detail}", en="check failed: {detail}")


def run_checks(platform: str = sys.platform) -> list[CheckResult]:
    results = []
    for check in checks_for(platform):
        try:
            results.append(check())
        except Exception as e:  # a check must never crash the doctor
            label = getattr(check, "__name__", None) or getattr(
                getattr(check, "func", None), "__name__", "check"
            )
            results.append(CheckResult(label.removeprefix("check_"), False, tr(CHECK_FAILED, detail=e)))
    return results
