"""The doctor's Windows checks: TWAIN, the Windows Tesseract, the bundled language data, fonts.

A counter PC has no apt and no SANE: it scans through the maker's TWAIN driver, OCRs with a
Tesseract installed beside SoHoa (UB Mannheim's build; the installer records its folder), and
uses the language data and fonts that came with the installer. Every piece of advice names a
Windows action (an installer, a folder), never a Debian package. Each check takes what it
looks at as parameters (folders, the environment, the TWAIN module), so Linux tests run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from sohoa.cli.doctor_checks import (
    DOES_NOT_RUN,
    FONTS,
    LANGS_FAILED,
    LANGUAGES,
    REINSTALL,
    TESSERACT,
    TESSERACT_VIE,
    VIE_MISSING,
    CheckResult,
    _run,
    tesseract_languages,
)
from sohoa.core.errors import SoHoaError
from sohoa.core.fonts import find_font_in, font_dirs
from sohoa.core.i18n import Text, tr
from sohoa.core.windows_install import (
    DEFAULT_TESSERACT_DIR,
    TESSERACT_EXE,
    app_dir,
    find_tesseract_dir,
    installed_tesseract_folders,
)

TESSERACT_FIX = Text(
    vi="cài Tesseract cho Windows (bản của UB Mannheim) vào {default}, hoặc chạy lại bộ cài SoHoa và chọn "
    "thư mục chứa tesseract.exe",
    en="install Tesseract for Windows (UB Mannheim's build) into {default}, or run the SoHoa installer again "
    "and choose the folder holding tesseract.exe",
)
TESSERACT_NOT_FOUND = Text(
    vi="không tìm thấy tesseract.exe (đã tìm: {where})", en="tesseract.exe not found (looked in: {where})"
)
NOT_ON_PATH = Text(
    vi="{exe} có nhưng không nằm trong PATH nên SoHoa không gọi được",
    en="{exe} is there but not on PATH, so SoHoa cannot run it",
)
ADD_TO_PATH = Text(
    vi="chạy SoHoa từ bản đã cài (sohoa.exe), hoặc thêm {folder} vào biến PATH",
    en="run the installed SoHoa (sohoa.exe), or add {folder} to the PATH variable",
)


BUNDLED_ENGINE = Text(
    vi="bộ nhận dạng chữ đi kèm SoHoa ({version}); không cần cài tesseract.exe",
    en="the OCR engine bundled with SoHoa ({version}); no tesseract.exe needed",
)


def _library(library: bool | None) -> bool:
    """Whether OCR would go through the bundled libtesseract (tesserocr) with no tesseract.exe."""
    from sohoa.processing import tesserocr_engine

    if library is None:
        library = tesserocr_engine.chosen_engine() != "cli" and tesserocr_engine.library_available()
    return library


def check_tesseract(folders: list[str] | None = None, library: bool | None = None) -> CheckResult:
    """The bundled library (the Windows build carries tesserocr, and ``auto`` prefers it as the
    faster engine), else Tesseract on PATH (the installed app puts the recorded folder there),
    else in the folders an install usually has, which are named in the message."""
    name = tr(TESSERACT)
    folders = installed_tesseract_folders() if folders is None else folders
    exe = shutil.which("tesseract")
    if _library(library):
        from sohoa.processing.tesserocr_engine import library_version

        return CheckResult(name, True, tr(BUNDLED_ENGINE, version=library_version() or "tesserocr"))
    if not exe:
        folder = find_tesseract_dir(folders)
        if folder:
            return CheckResult(
                name, False, tr(NOT_ON_PATH, exe=Path(folder) / TESSERACT_EXE), tr(ADD_TO_PATH, folder=folder)
            )
        where = "; ".join(["PATH", *folders])
        return CheckResult(
            name,
            False,
            tr(TESSERACT_NOT_FOUND, where=where),
            tr(TESSERACT_FIX, default=DEFAULT_TESSERACT_DIR),
        )
    try:
        version = _run([exe, "--version"]).splitlines()[0]
    except (subprocess.SubprocessError, OSError, IndexError) as e:
        return CheckResult(
            name, False, tr(DOES_NOT_RUN, detail=e), tr(TESSERACT_FIX, default=DEFAULT_TESSERACT_DIR)
        )
    return CheckResult(name, True, f"{version} ({exe})")


BUNDLED_VIE = Text(
    vi="vie.traineddata đi kèm SoHoa có trong {folder}; Tesseract chưa có nên chưa thử được",
    en="vie.traineddata bundled with SoHoa is in {folder}; Tesseract is missing, so it was not tried",
)
BUNDLED_VIE_MISSING = Text(vi="không có vie.traineddata trong {folder}", en="no vie.traineddata in {folder}")


def tessdata_folder(env: Mapping[str, str] | None = None, app: Path | None = None) -> Path | None:
    """The language data SoHoa uses: TESSDATA_PREFIX (the installed app sets it to its bundled
    ``_internal\\tessdata``), else that bundled folder; None when neither is known."""
    env = os.environ if env is None else env
    if env.get("TESSDATA_PREFIX"):
        return Path(env["TESSDATA_PREFIX"])
    app = app_dir() if app is None else app
    return app / "_internal" / "tessdata" if app else None


BUNDLED_LANGUAGES = Text(
    vi="ngôn ngữ của bộ nhận dạng đi kèm: {langs} ({folder})",
    en="languages of the bundled OCR engine: {langs} ({folder})",
)


def check_tesseract_vie(
    env: Mapping[str, str] | None = None, app: Path | None = None, library: bool | None = None
) -> CheckResult:
    name = tr(TESSERACT_VIE)
    exe = shutil.which("tesseract")
    if _library(library):
        from sohoa.processing import tesserocr_engine

        folder = tessdata_folder(env, app)
        path = str(folder) if folder else tesserocr_engine.tessdata_path(None)
        try:
            langs = tesserocr_engine.available_languages(path)
        except SoHoaError as e:
            return CheckResult(name, False, tr(LANGS_FAILED, detail=e), tr(REINSTALL))
        if "vie" not in langs:
            return CheckResult(name, False, tr(BUNDLED_VIE_MISSING, folder=path), tr(REINSTALL))
        return CheckResult(name, True, tr(BUNDLED_LANGUAGES, langs=", ".join(sorted(langs)), folder=path))
    if exe:
        try:
            langs = tesseract_languages(exe)
        except (subprocess.SubprocessError, OSError) as e:
            return CheckResult(name, False, tr(LANGS_FAILED, detail=e), tr(REINSTALL))
        if "vie" not in langs:
            return CheckResult(name, False, tr(VIE_MISSING), tr(REINSTALL))
        return CheckResult(name, True, tr(LANGUAGES, langs=", ".join(sorted(langs))))
    folder = tessdata_folder(env, app)
    if folder is None:  # from the source tree, without Tesseract: the Tesseract line says what to do
        return CheckResult(name, False, tr(VIE_MISSING), tr(TESSERACT_FIX, default=DEFAULT_TESSERACT_DIR))
    if not (folder / "vie.traineddata").is_file():
        return CheckResult(name, False, tr(BUNDLED_VIE_MISSING, folder=folder), tr(REINSTALL))
    return CheckResult(name, True, tr(BUNDLED_VIE, folder=folder))


TWAIN = Text(vi="Máy quét TWAIN", en="TWAIN scanning")
TWAIN_SOURCES = Text(vi="{count} nguồn TWAIN: {names}", en="{count} TWAIN source(s): {names}")
TWAIN_NONE = Text(
    vi="trình quản lý TWAIN (DSM) chạy được nhưng chưa có nguồn TWAIN nào",
    en="the TWAIN manager (DSM) works but there is no TWAIN source",
)
TWAIN_DRIVER_FIX = Text(
    vi="cài trình điều khiển TWAIN của hãng máy quét (bộ cài của hãng có kèm twaindsm.dll), rồi mở lại SoHoa",
    en="install the scanner maker's TWAIN driver (its installer brings twaindsm.dll), then start SoHoa again",
)
TWAIN_NO_DSM = Text(
    vi="không nạp được trình quản lý TWAIN (twaindsm.dll)",
    en="the TWAIN manager (twaindsm.dll) cannot be loaded",
)
TWAIN_NO_PYTWAIN = Text(vi="thiếu pytwain trong SoHoa", en="pytwain is missing from SoHoa")


def check_twain(twain_module: str | None = None, timeout_s: float = 60.0) -> CheckResult:
    """The TWAIN manager loads and lists its sources, in the worker process the scans use (a
    vendor's source is loaded to be listed, and a crashing one must not take the doctor down)."""
    from sohoa.capture.errors import TwainMissingError
    from sohoa.capture.twain_driver import TwainDriver

    name = tr(TWAIN)
    driver = TwainDriver(timeout_s=timeout_s, start_timeout_s=timeout_s, twain_module=twain_module)
    try:
        devices = driver.list_devices()
    except TwainMissingError as e:
        if "pytwain" in str(e.params.get("what", "")):
            return CheckResult(name, False, tr(TWAIN_NO_PYTWAIN), tr(REINSTALL))
        return CheckResult(name, False, tr(TWAIN_NO_DSM), tr(TWAIN_DRIVER_FIX))
    except SoHoaError as e:
        return CheckResult(name, False, e.message(), tr(TWAIN_DRIVER_FIX))
    finally:
        driver.close()
    if not devices:
        return CheckResult(name, False, tr(TWAIN_NONE), tr(TWAIN_DRIVER_FIX), required=False)
    names = ", ".join(d.name.removeprefix("twain:") for d in devices)
    return CheckResult(name, True, tr(TWAIN_SOURCES, count=len(devices), names=names))


FONTS_FIX = Text(
    vi="cài lại SoHoa (bộ cài có kèm phông Liberation Serif và Noto Sans), hoặc cài phông Times New Roman "
    "và Arial của Windows",
    en="reinstall SoHoa (its installer carries Liberation Serif and Noto Sans), or install Windows' Times New "
    "Roman and Arial fonts",
)
FONTS_MISSING = Text(vi="không có phông đủ dấu trong {where}", en="no font with every glyph in {where}")


def check_fonts(folders: list[Path] | None = None) -> CheckResult:
    """The bundled fonts, then the Windows Fonts folder (not fontconfig, which Windows lacks)."""
    folders = font_dirs("win32") if folders is None else folders
    serif, sans = find_font_in("serif", folders), find_font_in("sans", folders)
    if not serif or not sans:
        where = "; ".join(str(f) for f in folders)
        return CheckResult(tr(FONTS), False, tr(FONTS_MISSING, where=where), tr(FONTS_FIX))
    return CheckResult(tr(FONTS), True, f"{serif}, {sans}")
